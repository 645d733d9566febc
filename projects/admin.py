"""The admin of both parts of the app; each registers its models in its own package."""

from projects.programs import admin as programs_admin  # noqa: F401
from projects.roadshows import admin as roadshows_admin  # noqa: F401
