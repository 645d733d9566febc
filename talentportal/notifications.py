"""Tell a user something: on the site and by e-mail, in the user's own language."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from talentportal.models import Notification, User


def notification_send(
    *, recipient: User, template: str, context: dict, url: str = ""
) -> Notification:
    """Render `<template>_subject.txt` and `<template>_body.txt` in the recipient's language,
    store the on-site notification and e-mail it once the transaction commits."""
    with translation.override(recipient.preferred_language):
        context = {"recipient": recipient, "url": url, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context).strip()
    notification = Notification.objects.create(
        recipient=recipient, subject=subject[:200], body=body, url=url
    )
    if recipient.email:
        transaction.on_commit(
            lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
        )
    return notification
