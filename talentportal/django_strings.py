"""Strings of Django itself that its Chinese catalogue does not translate yet (Django 6.1):
listed here so that `makemessages` keeps them in our catalogue, which takes precedence.

- the admin's date filter heading (admin/date_hierarchy.html);
- the empty choice of a model field's select (django.db.models.fields.BLANK_CHOICE_LABEL).
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = (
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("- Select an option -"),
)
