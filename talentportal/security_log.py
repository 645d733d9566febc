"""The security event log: logins, failed logins, lockouts, logouts, permission denials, admin
actions, exports and password changes, with time, user, IP, outcome and path.

- `record(request, kind, ...)` writes one `SecurityEvent`; call it from any view that exports
  data (`record(request, SecurityEventKind.EXPORT, detail="policies.csv")`).
- The receivers below record the authentication signals (Django's and django-axes'), the admin
  log (every add, change and delete made in the admin) and password changes on their own;
  `SecurityLogMiddleware` records admin bulk actions and lets receivers without a request
  (the admin log, password changes) find the request's IP and path.
- `talentportal.views.permission_denied` (`handler403`) records every 403.

What is never written: passwords (Django masks them in the failed-login signal, and only the
username is read from it), query strings (a search may hold personal data), and ID numbers
(an 18- or 15-digit resident ID typed as a username is masked). Usernames are trimmed to 40
characters.

Retention: rows are kept at least 6 months (a database trigger refuses to delete younger ones,
and to update any row); `purge_older_than(365)` deletes rows older than 12 months, the
documented schedule, run by the retention command.
"""

import re
from contextvars import ContextVar
from datetime import timedelta

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from import_export.signals import post_export

from talentportal.models import SecurityEvent, SecurityEventKind, SecurityOutcome, User

Kind = SecurityEventKind
Outcome = SecurityOutcome

# The database refuses to delete rows younger than this (the trigger on SecurityEvent).
MINIMUM_RETENTION_DAYS = 183
RETENTION_DAYS = 365

# A mainland resident ID (18 characters, the last may be X) or an old 15-digit one.
ID_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")

_current_request: ContextVar = ContextVar("security_log_request", default=None)


def mask(text: str, length: int) -> str:
    """`text` without ID numbers, trimmed to `length` characters."""
    text = ID_NUMBER.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 3), text or "")
    return text[:length]


def client_ip(request) -> str | None:
    # django-axes resolves the address (behind proxies too) and leaves it on the request.
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR") or None


def record(
    request,
    kind: str,
    *,
    outcome: str = Outcome.SUCCESS,
    user=None,
    username: str = "",
    detail: str = "",
) -> SecurityEvent:
    """Write one security event. `request` may be None (then the request being served, if
    any, gives IP and path); `user` defaults to the request's authenticated user."""
    request = request if request is not None else _current_request.get()
    if user is None and request is not None:
        current = getattr(request, "user", None)
        user = current if current is not None and current.is_authenticated else None
    if user is not None and not username:
        username = user.get_username()
    return SecurityEvent.objects.create(
        user=user,
        username=mask(username, 40),
        ip=client_ip(request) if request is not None else None,
        kind=kind,
        outcome=outcome,
        path=mask(request.path, 200) if request is not None else "",
        detail=mask(detail, 200),
    )


def purge_older_than(days: int = RETENTION_DAYS) -> int:
    """Delete the events older than `days` days; return how many. The log is kept at least 6
    months: a shorter period is refused here, and by the database."""
    if days < MINIMUM_RETENTION_DAYS:
        raise ValueError(f"Security events are kept at least {MINIMUM_RETENTION_DAYS} days.")
    deleted, _ = SecurityEvent.objects.filter(at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted


class SecurityLogMiddleware:
    """Keeps the request at hand for receivers that get none, and records admin bulk actions
    (a POST of `action` to a changelist; Django's admin log does not see them)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _current_request.reset(token)
        # An admin bulk action that ran redirects back to its list (a 200 is a confirmation
        # page, a form, or a file whose view records itself).
        if request.method == "POST" and response.status_code == 302:
            self._record_admin_action(request)
        return response

    @staticmethod
    def _record_admin_action(request):
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return
        if not match.url_name.endswith("_changelist") or not request.POST.get("action"):
            return
        selected = len(request.POST.getlist("_selected_action"))
        if request.POST.get("select_across") == "1":
            selected = "all"
        elif not selected:
            return  # nothing selected: the admin refused without doing anything
        model = match.url_name.removesuffix("_changelist")
        detail = f"{request.POST['action']}: {selected} {model}"
        record(request, Kind.ADMIN_ACTION, detail=detail)


# Receivers -----------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="security_log_login")
def _logged_in(sender, request, user, **kwargs):
    record(request, Kind.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="security_log_logout")
def _logged_out(sender, request, user, **kwargs):
    record(request, Kind.LOGOUT, user=user)


@receiver(user_login_failed, dispatch_uid="security_log_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the username: the rest of `credentials` may hold a password (masked, but still).
    username = str(credentials.get("username") or "")
    record(request, Kind.LOGIN_FAILED, outcome=Outcome.FAILURE, username=username)


def _locked_out(sender, request, username, ip_address, **kwargs):
    record(request, Kind.LOCKOUT, outcome=Outcome.DENIED, username=str(username or ""))


user_locked_out.connect(_locked_out, dispatch_uid="security_log_lockout")


ADMIN_FLAGS = {ADDITION: "add", CHANGE: "change", DELETION: "delete"}


@receiver(post_save, sender=LogEntry, dispatch_uid="security_log_admin_entry")
def _admin_entry(sender, instance, created, **kwargs):
    if not created:
        return
    # The model and id only: the object's name may be a person's.
    content_type = instance.content_type
    model = f"{content_type.app_label}.{content_type.model}" if content_type else "?"
    flag = ADMIN_FLAGS.get(instance.action_flag, str(instance.action_flag))
    detail = f"{flag} {model} {instance.object_id or ''}".strip()
    record(None, Kind.ADMIN_ACTION, user=instance.user, detail=detail)


@receiver(post_save, sender=User, dispatch_uid="security_log_password_change")
def _password_changed(sender, instance, created, raw=False, **kwargs):
    # `set_password()` keeps the new raw password in `_password` until the save completes:
    # a cheap way to know a password changed in this save without reading the old hash.
    if created or raw or getattr(instance, "_password", None) is None:
        return
    request = _current_request.get()
    by = getattr(request, "user", None) if request is not None else None
    by_other = by is not None and by.is_authenticated and by.pk != instance.pk
    detail = f"set by {by.get_username()}" if by_other else ""
    record(request, Kind.PASSWORD_CHANGE, user=instance, detail=detail)


def _exported(sender, model, **kwargs):
    # django-import-export's admin exports (policies, benefits, units…): the request is the
    # one being served.
    record(None, Kind.EXPORT, detail=f"{model._meta.label_lower}")


post_export.connect(_exported, dispatch_uid="security_log_export")
