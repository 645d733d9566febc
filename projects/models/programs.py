"""Talent programs, calls, applications, experts and reviews (issue: talent programs)."""

__all__: list[str] = []
