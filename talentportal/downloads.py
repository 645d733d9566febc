"""One view for the uploaded files that pages show (policy attachments, community photos…).

A section registers each file field with who may read it (in its AppConfig.ready); pages link
to `download_url(obj, field)` (template filter `download_url` of `{% load downloads %}`), never
to the file's `.url`, so that no file is ever served from a public /media/ URL. Files of
published content are public; anything else needs a signed-in user whom the section's rule
admits, and is a 404 for anyone else, so that its existence is not revealed. Applications'
documents, résumés and pitch decks have their own views with the same response
(`talentportal.uploads.file_response`).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from talentportal.models import ApplicationDocument
from talentportal.uploads import file_response


@dataclass(frozen=True)
class Rule:
    model: type[models.Model]
    field: str
    public: Callable[[models.Model], bool]
    can_read: Callable[[object, models.Model], bool]
    filename: Callable[[models.Model], str]
    select_related: tuple[str, ...]


_rules: dict[tuple[str, str], Rule] = {}


def _nobody(*args) -> bool:
    return False


def register(
    model,
    field: str,
    *,
    public=_nobody,
    can_read=_nobody,
    filename=lambda obj: "",
    select_related=(),
) -> None:
    """Serve `model.field` through the download view. `public(obj)`: anyone may read it;
    `can_read(user, obj)`: this signed-in user may; `filename(obj)`: the name to save as."""
    _rules[(model._meta.label_lower, field)] = Rule(
        model, field, public, can_read, filename, tuple(select_related)
    )


def download_url(obj, field: str) -> str:
    return reverse("download", args=[obj._meta.label_lower, obj.pk, field])


def file_link(field_file) -> str:
    """Where a stored file is downloaded (the admin's file widgets link here): the checked
    view of its field, or "" when it has none (never the public /media/ URL)."""
    instance = getattr(field_file, "instance", None)
    field = getattr(field_file, "field", None)
    if not field_file or instance is None or field is None or instance.pk is None:
        return ""
    if isinstance(instance, ApplicationDocument):
        return instance.get_absolute_url()
    if (instance._meta.label_lower, field.name) in _rules:
        return download_url(instance, field.name)
    return ""


class CheckedFileInput(forms.ClearableFileInput):
    """Django's file input with "currently: …", linking to `file_link` instead of the
    file's public URL (the admin's widget gets the same through a template override)."""

    template_name = "talentportal/widgets/clearable_file_input.html"


def download(request, label: str, pk: int, field: str):
    rule = _rules.get((label, field))
    if rule is None:
        raise Http404
    queryset = rule.model._default_manager.all()
    if rule.select_related:
        queryset = queryset.select_related(*rule.select_related)
    obj = get_object_or_404(queryset, pk=pk)
    file = getattr(obj, field)
    if not file:
        raise Http404
    public = rule.public(obj)
    if not public:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and rule.can_read(request.user, obj)):
            raise Http404
    return file_response(file, filename=rule.filename(obj), public=public)
