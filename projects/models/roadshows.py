"""Projects, investors, roadshows, registrations and interest (issue: projects and roadshows)."""

__all__: list[str] = []
