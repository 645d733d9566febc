"""Admin bulk actions every section reuses: apply a service to each selected row and report the
rows it refused, and the intermediate page of an action that first asks for a reason (or
another small form).

An action calls the same service function a view or a command would. A service refuses one row
by raising `ValidationError` or `PermissionDenied`; the other rows go on, and staff read why each
refused row was refused (or, for the simple queues, how many were)."""

from collections.abc import Callable, Iterable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: The field the intermediate page posts back with: the action runs only when it is there.
CONFIRM = "confirm"
#: Refused rows reported one by one, at the most (a larger selection reports the first ones).
MOST_REPORTED = 20


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the people concerned)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


def error_text(error: ValidationError | PermissionDenied) -> str:
    """What a service's refusal says, for a message to staff."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or gettext("You may not do this.")


def apply_each(
    modeladmin: admin.ModelAdmin,
    request,
    objects: Iterable,
    apply: Callable,
    *,
    done: str,
    failed: str | None = None,
    label: Callable[[object], str] = str,
    level: int = messages.ERROR,
) -> int:
    """Call `apply(obj)` for each of `objects`; a `ValidationError` or `PermissionDenied` refuses
    that row only. Returns the number of rows done.

    Reports `done` for the rows done (a text with `%(count)d`; `ngettext_lazy(..., "count")`
    for a plural), and for the refused rows either `failed` (a text with `%(count)d`: how
    many, as a warning) or, without it, one message a row at `level`: "label(row): why" (the
    first MOST_REPORTED)."""
    count, refused = 0, []
    for obj in objects:
        try:
            apply(obj)
        except (ValidationError, PermissionDenied) as error:
            refused.append((obj, error))
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done % {"count": count}, messages.SUCCESS)
    if refused and failed is not None:
        modeladmin.message_user(request, failed % {"count": len(refused)}, messages.WARNING)
    elif refused:
        for obj, error in refused[:MOST_REPORTED]:
            modeladmin.message_user(request, f"{label(obj)}: {error_text(error)}", level)
    return count


def action_form(request, form_class: type[forms.Form], **kwargs) -> forms.Form:
    """The form of an action's intermediate page: bound only when that page posted it back."""
    return form_class(request.POST if CONFIRM in request.POST else None, **kwargs)


def action_page(
    modeladmin: admin.ModelAdmin,
    request,
    objects: Iterable,
    *,
    action: str,
    form: forms.Form,
    title: str,
    intro: str = "",
    template: str = "admin/action_form.html",
) -> TemplateResponse:
    """The intermediate page of `action`: the selected rows, `form`, and a button that posts them
    back to the action with CONFIRM."""
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "objects": list(objects),
            "form": form,
            "action": action,
            "title": title,
            "intro": intro,
            "confirm_name": CONFIRM,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        },
    )


def reason_action(
    modeladmin: admin.ModelAdmin,
    request,
    queryset,
    *,
    action: str,
    title: str,
    apply: Callable[[object, str], object],
    done: str,
    intro: str = "",
):
    """An action that asks for a reason on an intermediate page, then calls `apply(obj, reason)`
    for each selected row (`apply_each`)."""
    form = action_form(request, ReasonForm)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        apply_each(modeladmin, request, queryset, lambda obj: apply(obj, reason), done=done)
        return None
    return action_page(
        modeladmin, request, queryset, action=action, form=form, title=title, intro=intro
    )
