"""The admin of both parts of the app; each registers its models in its own module."""

from policies.admin import library  # noqa: F401
from policies.public_services import admin  # noqa: F401
