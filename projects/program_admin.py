"""Admin for talent programs, calls, experts and reviews."""
