"""Two-factor pages under /accounts/two-factor/: overview, set-up, the code step after the
password, new backup codes and removing the authenticator. Password reset throttling."""

from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentportal import otp
from talentportal.forms import TokenForm

NOT_RIGHT = gettext_lazy("That code is not right, or it was already used. Try again.")
WAIT = gettext_lazy("Too many wrong codes in a row: wait a few seconds, then try again.")


def _next_url(request, default: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


@never_cache
@login_required
def overview(request):
    user = request.user
    return render(
        request,
        "registration/two_factor.html",
        {
            "has_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "required": otp.two_factor_required(user),
            "backup_codes_left": otp.backup_codes_left(user),
            "remove_form": TokenForm(),
        },
    )


@never_cache
@sensitive_post_parameters("token")
@login_required
def setup(request):
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        if not user.is_verified():
            return redirect(f"{reverse('accounts:two_factor_verify')}?{request.GET.urlencode()}")
        messages.info(request, _("Two-factor authentication is already set up."))
        return redirect("accounts:two_factor")
    device = otp.totp_device_unconfirmed(user)
    next_url = _next_url(request, reverse("accounts:two_factor"))
    form = TokenForm(request.POST or None)
    if form.is_valid():
        waiting = otp.throttled(user)
        codes = otp.totp_device_confirm(
            request=request, device=device, token=form.cleaned_data["token"]
        )
        if codes is not None:
            messages.success(request, _("Two-factor authentication is on."))
            return render(
                request,
                "registration/two_factor_backup_codes.html",
                {"codes": codes, "next": next_url},
            )
        form.add_error(
            "token",
            WAIT
            if waiting
            else _("That code is not right. Check the time on your phone and try the newest code."),
        )
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=4, title=_("QR code for your authenticator app")
            ),
            "secret": _grouped(b32encode(device.bin_key).decode().rstrip("=")),
            "next": next_url,
            "required": otp.two_factor_required(user),
        },
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@sensitive_post_parameters("token")
@login_required
def verify(request):
    user = request.user
    next_url = _next_url(request, reverse("accounts:profile"))
    step_up = bool(request.GET.get("step_up") or request.POST.get("step_up"))
    if user.is_verified() and not (step_up and not otp.recently_verified(request)):
        return redirect(next_url)
    if not user_has_device(user):
        return redirect(f"{reverse('accounts:two_factor_setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        waiting = otp.throttled(user)
        device = otp.token_verify(request=request, token=form.cleaned_data["token"])
        if device is not None:
            if device.__class__.__name__ == "StaticDevice":
                messages.warning(
                    request,
                    _("You used a backup code; %(left)d left. Each works only once.")
                    % {"left": otp.backup_codes_left(user)},
                )
            return redirect(next_url)
        form.add_error("token", WAIT if waiting else NOT_RIGHT)
    return render(
        request,
        "registration/two_factor_verify.html",
        {
            "form": form,
            "next": next_url,
            "step_up": step_up,
            "step_up_minutes": settings.STEP_UP_MINUTES,
        },
    )


@never_cache
@require_POST
@login_required
def backup_codes_regenerate(request):
    if not request.user.is_verified():
        return redirect("accounts:two_factor_verify")
    codes = otp.backup_codes_generate(user=request.user)
    messages.success(request, _("New backup codes made; the old ones no longer work."))
    return render(
        request,
        "registration/two_factor_backup_codes.html",
        {"codes": codes, "next": reverse("accounts:two_factor")},
    )


@never_cache
@sensitive_post_parameters("token")
@require_POST
@login_required
def remove(request):
    form = TokenForm(request.POST)
    waiting = otp.throttled(request.user)
    if form.is_valid() and otp.token_verify(request=request, token=form.cleaned_data["token"]):
        otp.devices_remove(request=request)
        messages.success(
            request, _("Two-factor authentication is off; your backup codes no longer work.")
        )
        if otp.two_factor_required(request.user):
            messages.warning(
                request, _("Your account needs two-factor authentication: set it up again.")
            )
            return redirect("accounts:two_factor_setup")
        return redirect("accounts:two_factor")
    if form.is_valid():
        form.add_error("token", WAIT if waiting else NOT_RIGHT)
    user = request.user
    return render(
        request,
        "registration/two_factor.html",
        {
            "has_device": True,
            "required": otp.two_factor_required(user),
            "backup_codes_left": otp.backup_codes_left(user),
            "remove_form": form,
        },
        status=400,
    )


@method_decorator(never_cache, name="dispatch")
class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Reset requests are throttled like login failures: django-axes counts them per e-mail
    address and IP (under "reset:<address>", apart from the login counter), and the fifth in
    15 minutes gets the lockout page instead of a mail. Every other request gets the same
    answer whether or not an account has the address."""

    def post(self, request, *args, **kwargs):
        # Without NUL characters: PostgreSQL cannot store them in axes' table (a 500).
        email = request.POST.get("email", "").replace("\x00", "").strip().lower()
        credentials = {"username": f"reset:{email[:240]}"}  # axes keeps at most 255
        if AxesProxyHandler.is_allowed(request, credentials):
            AxesProxyHandler.user_login_failed(
                sender=type(self), credentials=credentials, request=request
            )
            if not getattr(request, "axes_locked_out", False):
                return super().post(request, *args, **kwargs)
        return get_lockout_response(request, None, credentials)
