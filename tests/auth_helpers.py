"""Signing in for tests now that staff, experts and enterprise administrators need a second
factor: `login_verified(client, user)` is force_login plus a confirmed authenticator whose
check this session has passed, as after a real code step. `sign_up(client, data)` signs up
through the form and follows the confirmation mail's link."""

import time
from urllib.parse import urlsplit

from django.core import mail
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentportal.otp import VERIFIED_AT_SESSION_KEY


def totp_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def backup_code(user, code: str = "12345678") -> str:
    """A fresh single-use backup code for the user (kept alongside any they have)."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="backup", defaults={"confirmed": True}
    )
    StaticToken.objects.get_or_create(device=device, token=code)
    return code


def login_verified(client, user):
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session[VERIFIED_AT_SESSION_KEY] = int(time.time())
    session.save()
    return user


def confirmation_path(message) -> str:
    """The path of the confirmation link in a sign-up mail (django.core.mail.outbox)."""
    link = next(word for word in message.body.split() if "/signup/confirm/" in word)
    return urlsplit(link).path


def sign_up(client, data: dict, *, prefix: str = ""):
    """Sign up through the form and follow the link of the mail in the same browser, as a
    person does: the response is the redirect to the step their account kind goes on to."""
    sent = len(mail.outbox)
    response = client.post(f"{prefix}/accounts/signup/", data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert len(mail.outbox) == sent + 1
    return client.post(confirmation_path(mail.outbox[-1]))
