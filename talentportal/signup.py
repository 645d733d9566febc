"""Sign-up that tells no one whether an e-mail address is registered (issue 17, point 8).

Whatever address is typed, the person is sent to the same "check your e-mail" page, and
the address gets one e-mail:

- a new address: an account is made, inactive and `awaiting_confirmation`, and the mail holds
  a one-time link (`confirmation_token`, valid `CONFIRMATION_DAYS`) that activates it;
- an address that has an account: nothing is made or changed, and the mail tells its owner
  that someone tried to sign up with it, with links to log in and to reset the password (and
  a fresh confirmation link when the account itself is still waiting for one).

Both paths hash the typed password, so that the answer takes as long either way. Only the
mailbox learns which path was taken, as with a password reset.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from talentportal.models import AccountKind, User
from talentportal.notifications import notification_send

CONFIRMATION_DAYS = 3

#: The address typed at sign-up (or when asking for a new link), kept in that browser's session:
#: the same browser following the link is signed in at once; any other is asked to log in, so
#: that a person confirming an account somebody else made in their name is not signed into it.
SESSION_KEY = "signup_email"

#: Where each kind of account goes once confirmed: its organisation's registration (which
#: staff verify, or a join request to one already registered); a talent to their account.
NEXT_STEP = {
    AccountKind.ENTERPRISE: "talents:enterprise_register",
    AccountKind.INVESTOR: "projects:my_investor",
}


class ConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset tokens, bound to the account's confirmation state: a token
    stops working once the account is confirmed (used once), when its address or password
    changes, and `CONFIRMATION_DAYS` after it was made."""

    key_salt = "talentportal.signup.ConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return (
            f"{user.pk}{user.password}{user.email}{user.is_active}"
            f"{user.awaiting_confirmation}{timestamp}"
        )

    def check_token(self, user, token):
        if not super().check_token(user, token):
            return False
        made = base36_to_int(token.partition("-")[0])
        return self._num_seconds(self._now()) - made <= CONFIRMATION_DAYS * 24 * 3600


confirmation_token = ConfirmationTokenGenerator()


def next_step_url(user: User) -> str:
    return reverse(NEXT_STEP.get(user.kind, "accounts:profile"))


def signup_request(
    *,
    kind: str,
    username: str,
    email: str,
    display_name: str,
    password: str,
    language: str,
    origin: str,
) -> None:
    """Sign `email` up, or tell its owner someone tried; the caller answers the same either
    way. `origin` ("https://host") starts the links in the mail. Raises ValidationError
    (on "username") when another sign-up took the username a moment ago."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        user = User(
            kind=kind,
            username=username,
            email=email,
            display_name=display_name,
            preferred_language=language,
            is_active=False,
            awaiting_confirmation=True,
        )
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # A second sign-up with the address (or the username) got there first.
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None:
                raise ValidationError(
                    {"username": User._meta.get_field("username").error_messages["unique"]}
                ) from None
        else:
            _confirmation_send(user, language=language, origin=origin)
            return
    make_password(password)  # the work creating an account does, so both answers take as long
    _attempt_send(existing, origin=origin)


def confirmation_resend(*, email: str, language: str, origin: str) -> None:
    """A new link for the account waiting for confirmation at `email`; for any other address
    nothing is sent (the caller answers the same)."""
    user = User.objects.filter(
        email__iexact=email,
        is_active=False,
        awaiting_confirmation=True,
        anonymised_at__isnull=True,
    ).first()
    if user is not None:
        _confirmation_send(user, language=language, origin=origin)


def account_from_link(uidb64: str, token: str, *, lock: bool = False) -> User | None:
    """The account waiting for confirmation that the link is for, or None when the link is
    malformed, for no such account, already used or expired."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    users = User.objects.select_for_update() if lock else User.objects.all()
    user = users.filter(pk=pk, is_active=False, awaiting_confirmation=True).first()
    if user is None or not confirmation_token.check_token(user, token):
        return None
    return user


def account_confirm(*, uidb64: str, token: str) -> User | None:
    """Follow a confirmation link: activate the account and welcome it, once however often
    the link is posted. None when the link does not (or no longer) work."""
    with transaction.atomic():
        user = account_from_link(uidb64, token, lock=True)
        if user is None:
            return None
        user.is_active = True
        user.awaiting_confirmation = False
        user.closed_at = None  # retention saw it inactive while it waited
        user.save(update_fields=["is_active", "awaiting_confirmation", "closed_at"])
        notification_send(
            recipient=user,
            template="talentportal/notifications/welcome",
            context={},
            url=reverse("accounts:profile"),
        )
    return user


def _confirmation_link(user: User, origin: str) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = confirmation_token.make_token(user)
    return origin + reverse("accounts:signup_confirm", args=[uidb64, token])


def _confirmation_send(user: User, *, language: str, origin: str) -> None:
    with translation.override(language):
        context = {
            "user": user,
            "confirm_url": _confirmation_link(user, origin),
            "days": CONFIRMATION_DAYS,
        }
        _mail(user.email, "registration/signup_confirm_email", context)


def _attempt_send(owner: User, *, origin: str) -> None:
    # In the owner's language: they read it, not whoever typed their address.
    with translation.override(owner.preferred_language):
        context = {
            "user": owner,
            "login_url": origin + reverse("accounts:login"),
            "reset_url": origin + reverse("accounts:password_reset"),
            "days": CONFIRMATION_DAYS,
        }
        if owner.awaiting_confirmation and not owner.is_active:
            context["confirm_url"] = _confirmation_link(owner, origin)
        _mail(owner.email, "registration/signup_attempt_email", context)


def _mail(to: str, template: str, context: dict) -> None:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context).strip()
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
