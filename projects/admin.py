"""The admin of both parts of the app; each registers its models in its own module."""

from projects import program_admin, roadshow_admin  # noqa: F401
