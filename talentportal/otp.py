"""Two-factor authentication (django-otp) and login throttling (django-axes) glue.

Who must use a second factor: staff, experts and, through a check the talents app registers,
enterprise administrators. After the password, such a user is sent to set up an authenticator
app (if they have none) or to enter a code; until then every page but those steps and logging
out redirects there. Anyone else who chose to set up a device is asked for a code too.

Step-up: revealing other people's personal data (a candidate's contact details or résumé) needs
a second factor passed in this session within the last `settings.STEP_UP_MINUTES`, checked at the
moment of access (`step_up_response`), whatever was required when the session began.
"""

import secrets
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentportal import security_log
from talentportal.models import AccountKind, User

# Per session: (user id, the step still missing: "verify", "setup" or "").
PENDING_STEP_SESSION_KEY = "two_factor_step"
# Per session: when the second factor was last passed (seconds since the epoch).
VERIFIED_AT_SESSION_KEY = "two_factor_verified_at"
VERIFY, SETUP = "verify", "setup"

_requirements: list[Callable] = []


def register_two_factor_requirement(check: Callable) -> None:
    """An app above this one adds a rule (user -> bool) that makes 2FA mandatory."""
    if check not in _requirements:
        _requirements.append(check)


def two_factor_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if user.kind in (AccountKind.STAFF, AccountKind.EXPERT):
        return True
    return any(check(user) for check in _requirements)


def pending_step(request) -> str:
    """What the signed-in, unverified user still has to do: worked out at login and kept in
    the session, so that an ordinary user's pages cost no query for it."""
    user = request.user
    cached = request.session.get(PENDING_STEP_SESSION_KEY)
    if cached and cached[0] == user.pk:
        return cached[1]
    step = _step_for(user)
    request.session[PENDING_STEP_SESSION_KEY] = [user.pk, step]
    return step


def _step_for(user) -> str:
    if user_has_device(user):
        return VERIFY
    if two_factor_required(user):
        return SETUP
    return ""


def forget_pending_step(session) -> None:
    session.pop(PENDING_STEP_SESSION_KEY, None)


@receiver(user_logged_in)
def _new_login_recomputes_step(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[PENDING_STEP_SESSION_KEY] = [user.pk, _step_for(user)]


# Pages a user who still owes a second factor may open (namespace, url name).
EXEMPT_VIEWS = {
    ("accounts", "two_factor_setup"),
    ("accounts", "two_factor_verify"),
    ("accounts", "logout"),
    ("admin", "logout"),
    ("", "healthz"),
}


class TwoFactorRequiredMiddleware:
    """Sends a signed-in user who has not passed the second factor to the step they owe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if (match.namespace, match.url_name) in EXEMPT_VIEWS:
            return None
        step = pending_step(request)
        if not step:
            return None
        target = "accounts:two_factor_verify" if step == VERIFY else "accounts:two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


def recently_verified(request) -> bool:
    """Whether this session passed a second factor within the last STEP_UP_MINUTES."""
    user = request.user
    if not user.is_authenticated or not user.is_verified():
        return False
    verified_at = request.session.get(VERIFIED_AT_SESSION_KEY)
    if not isinstance(verified_at, int | float):
        return False
    return 0 <= time.time() - verified_at <= settings.STEP_UP_MINUTES * 60


def step_up_response(request, *, next_url: str):
    """None when the session may see other people's personal data now; otherwise the redirect
    to the code step (or to setting up an authenticator), which comes back to `next_url`."""
    if recently_verified(request):
        return None
    _log(request, "step-up asked", outcome=security_log.Outcome.DENIED)
    query = urlencode({"next": next_url, "step_up": 1})
    return redirect(f"{reverse(_code_step(request.user))}?{query}")


def second_factor_response(request, *, next_url: str):
    """At the moment of access to other people's data: None when the user owes no second factor
    now or has passed it in this session; otherwise the redirect to the step they owe. Worked
    out afresh, not from what the session cached at login: a session opened before the user
    became an enterprise administrator, or before the enterprise was verified, owes it too."""
    user = request.user
    if user.is_verified() or not two_factor_required(user):
        return None
    forget_pending_step(request.session)
    return redirect(f"{reverse(_code_step(user))}?{urlencode({'next': next_url})}")


def _code_step(user) -> str:
    """Where a code is entered: the code page, or setting up an authenticator first."""
    return "accounts:two_factor_verify" if user_has_device(user) else "accounts:two_factor_setup"


def _mark_verified(request, device) -> None:
    otp_login(request, device)
    request.session[VERIFIED_AT_SESSION_KEY] = int(time.time())
    forget_pending_step(request.session)


# ---------------------------------------------------------------------------------------------
# Devices


def totp_device_unconfirmed(user) -> TOTPDevice:
    """The device being set up: one per user, kept until confirmed with a first code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def backup_codes_generate(*, user) -> list[str]:
    """Replace the user's backup codes with fresh ones; each works once."""
    count = getattr(settings, "BACKUP_CODE_COUNT", 10)
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(count)]
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name="backup", defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a device with its first code; the session counts as verified and the user gets
    backup codes. None if the code is wrong."""
    if not device.verify_token(token):
        return None
    with transaction.atomic():
        # Only one authenticator per account: a new one replaces the old.
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    codes = backup_codes_generate(user=device.user)
    _mark_verified(request, device)
    _log(request, "authenticator set up")
    return codes


def token_verify(*, request, token: str):
    """Check a code from the authenticator app or a backup code (used up by this); on success
    the session is verified. Returns the device that accepted it, or None."""
    token = "".join(token.split())
    with transaction.atomic():
        for device in devices_for_user(request.user, for_verify=True):
            if device.verify_token(token):
                _mark_verified(request, device)
                kind = "backup code" if isinstance(device, StaticDevice) else "code"
                _log(request, f"verified with a {kind}")
                return device
    _log(request, "wrong code", outcome=security_log.Outcome.FAILURE)
    return None


def devices_remove(*, request) -> None:
    """Remove the user's authenticator and backup codes; the session is no longer verified."""
    user = request.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session.pop(VERIFIED_AT_SESSION_KEY, None)
    user.otp_device = None
    forget_pending_step(request.session)
    _log(request, "authenticator removed")


def _log(request, detail: str, outcome=security_log.Outcome.SUCCESS) -> None:
    """The two-factor steps in the security event log."""
    security_log.record(request, security_log.Kind.TWO_FACTOR, outcome=outcome, detail=detail)


def throttled(user) -> bool:
    """Whether django-otp makes the user wait after wrong codes (one second, then doubling)."""
    return any(
        not device.verify_is_allowed()[0] for device in devices_for_user(user, confirmed=None)
    )


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# ---------------------------------------------------------------------------------------------
# Login throttling


def axes_username(request, credentials) -> str:
    """The name django-axes counts failures under: the account's own username when the typed
    name (username or e-mail address, any case) belongs to an account, so that both names of
    one account share one counter; otherwise what was typed, case-insensitive. The password-reset
    form's "reset:<address>" keys are counted apart, as typed."""
    name = (credentials or {}).get("username")
    if name is None:
        data = getattr(request, "POST", None) or {}
        name = data.get("username", "")
    name = str(name or "").strip().lower()
    if not name or name.startswith("reset:") or "\x00" in name:
        return name
    lookup = {"email__iexact": name} if "@" in name else {"username__iexact": name}
    username = User.objects.filter(**lookup).values_list("username", flat=True).first()
    return username.lower() if username else name
