"""Admin for projects, investors and roadshows."""
