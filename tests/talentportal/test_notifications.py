import pytest
from django.core import mail

from talentportal.models import Notification
from talentportal.notifications import notification_send
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject"),
    [("zh-hans", "欢迎使用人才服务平台"), ("en", "Welcome to the Talent Service Portal")],
)
def test_a_notification_is_stored_and_emailed_in_the_recipients_language(
    django_capture_on_commit_callbacks, language, subject
):
    user = UserFactory(preferred_language=language, email="li.na@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            recipient=user, template="talentportal/notifications/welcome", context={}, url="/"
        )
    assert Notification.objects.for_user(user).unread().get() == notification
    assert notification.subject == subject
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == subject
    assert mail.outbox[0].to == ["li.na@example.com"]
    assert "http://127.0.0.1:8000/" in mail.outbox[0].body


def test_no_email_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification_send(recipient=user, template="talentportal/notifications/welcome", context={})
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_a_user_without_email_still_gets_the_on_site_notification(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipient=user, template="talentportal/notifications/welcome", context={})
    assert Notification.objects.for_user(user).count() == 1
    assert mail.outbox == []
