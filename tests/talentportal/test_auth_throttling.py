"""Login throttling (django-axes): 5 failures lock a name + IP for 15 minutes on the site login,
the admin login and the password-reset form, and nothing tells whether an account exists."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.talentportal.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
RESET = "/accounts/password/reset/"


def log_in(client, url, username, password, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client, url, username, times, **extra):
    for _ in range(times):
        response = log_in(client, url, username, "wrong-password-123", **extra)
    return response


def test_five_failures_on_the_site_login_lock_the_right_password_out(client):
    user = UserFactory()
    for _ in range(4):
        response = log_in(client, SITE_LOGIN, user.username, "wrong-password-123")
        assert response.status_code == 200
    fifth = log_in(client, SITE_LOGIN, user.username, "wrong-password-123")
    assert fifth.status_code == 429

    response = log_in(client, SITE_LOGIN, user.username, PASSWORD)

    assert response.status_code == 429
    assert "15" in response.text
    assert "_auth_user_id" not in client.session


def test_failures_on_the_site_and_admin_login_count_together(client):
    staff = StaffFactory()
    fail(client, SITE_LOGIN, staff.username, 3)
    fail(client, ADMIN_LOGIN, staff.username, 2)

    assert log_in(client, ADMIN_LOGIN, staff.username, PASSWORD).status_code == 429
    assert log_in(client, SITE_LOGIN, staff.username, PASSWORD).status_code == 429


def test_the_admin_login_locks_on_its_own(client):
    staff = StaffFactory()
    assert fail(client, ADMIN_LOGIN, staff.username, 5).status_code == 429
    assert log_in(client, ADMIN_LOGIN, staff.username, PASSWORD).status_code == 429


def test_the_name_is_counted_whatever_its_case(client):
    user = UserFactory(username="li.ming")
    fail(client, SITE_LOGIN, "LI.MING", 3)
    fail(client, SITE_LOGIN, "li.ming", 2)
    assert log_in(client, SITE_LOGIN, "Li.Ming", PASSWORD).status_code == 429
    assert user.username == "li.ming"


def test_the_lock_is_per_name_and_ip(client):
    user = UserFactory()
    fail(client, SITE_LOGIN, user.username, 5)

    elsewhere = log_in(client, SITE_LOGIN, user.username, PASSWORD, REMOTE_ADDR="10.1.2.3")
    other_name = UserFactory()

    assert elsewhere.status_code == 302
    client.logout()
    assert log_in(client, SITE_LOGIN, other_name.username, PASSWORD).status_code == 302


def test_a_success_before_the_fifth_failure_starts_the_count_again(client):
    user = UserFactory()
    fail(client, SITE_LOGIN, user.username, 4)
    assert log_in(client, SITE_LOGIN, user.username, PASSWORD).status_code == 302
    client.logout()
    assert fail(client, SITE_LOGIN, user.username, 4).status_code == 200


def test_login_by_e_mail_still_works(client):
    user = UserFactory(email="wang.fang@example.cn")
    response = log_in(client, SITE_LOGIN, "Wang.Fang@example.cn", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def error_text(response) -> str:
    return " ".join(response.context["form"].non_field_errors())


def test_unknown_name_and_wrong_password_get_the_same_answer(client):
    user = UserFactory()
    unknown = log_in(client, SITE_LOGIN, "nobody-here", "wrong-password-123")
    wrong = log_in(client, SITE_LOGIN, user.username, "wrong-password-123")

    assert unknown.status_code == wrong.status_code == 200
    assert error_text(unknown) == error_text(wrong) != ""


def lockout_text(response) -> str:
    start = response.text.index("<main")
    return response.text[start : response.text.index("</main>")]


def test_a_locked_account_and_a_locked_unknown_name_look_the_same(client):
    user = UserFactory()
    fail(client, SITE_LOGIN, user.username, 5)
    fail(client, SITE_LOGIN, "nobody-here", 5)

    existing_right = log_in(client, SITE_LOGIN, user.username, PASSWORD)
    existing_wrong = log_in(client, SITE_LOGIN, user.username, "wrong-password-123")
    unknown = log_in(client, SITE_LOGIN, "nobody-here", PASSWORD)

    assert existing_right.status_code == existing_wrong.status_code == unknown.status_code == 429
    assert lockout_text(existing_right) == lockout_text(existing_wrong) == lockout_text(unknown)
    assert user.username not in existing_right.text


@pytest.mark.parametrize(("prefix", "text"), [("", "15 分钟"), ("/en", "paused for 15 minutes")])
def test_the_lockout_page_is_translated(client, prefix, text):
    fail(client, prefix + SITE_LOGIN, "someone", 5)
    response = log_in(client, prefix + SITE_LOGIN, "someone", PASSWORD)
    assert response.status_code == 429
    assert text in response.text


def age_attempts(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=minutes))


def test_the_lock_lasts_15_minutes(client):
    user = UserFactory()
    fail(client, SITE_LOGIN, user.username, 5)

    age_attempts(14)
    assert log_in(client, SITE_LOGIN, user.username, PASSWORD).status_code == 429

    age_attempts(16)
    assert log_in(client, SITE_LOGIN, user.username, PASSWORD).status_code == 302


def test_attempts_during_the_lock_do_not_extend_it(client):
    user = UserFactory()
    fail(client, SITE_LOGIN, user.username, 5)
    age_attempts(10)
    fail(client, SITE_LOGIN, user.username, 3)  # refused while locked, not recorded
    age_attempts(16)
    assert log_in(client, SITE_LOGIN, user.username, PASSWORD).status_code == 302


def reset(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


def test_password_reset_requests_are_throttled_per_address_and_ip(client):
    user = UserFactory(email="zhou.min@example.cn")
    for _ in range(4):
        response = reset(client, "Zhou.Min@example.cn")
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 4

    fifth = reset(client, "zhou.min@example.cn")

    assert fifth.status_code == 429
    assert len(mail.outbox) == 4
    assert reset(client, user.email, REMOTE_ADDR="10.9.8.7").status_code == 302
    # The reset counter is its own: the password still works on the login form.
    assert log_in(client, SITE_LOGIN, user.username, PASSWORD).status_code == 302


def test_reset_for_an_unknown_address_is_answered_and_throttled_the_same(client):
    UserFactory(email="known@example.cn")
    known = [reset(client, "known@example.cn") for _ in range(5)]
    unknown = [reset(client, "unknown@example.cn") for _ in range(5)]

    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert [r.status_code for r in known] == [302, 302, 302, 302, 429]
    assert lockout_text(known[-1]) == lockout_text(unknown[-1])
    assert len(mail.outbox) == 4  # only the known address gets mail


def test_the_reset_lock_lifts_after_15_minutes(client):
    fail_resets = [reset(client, "a@example.cn") for _ in range(5)]
    assert fail_resets[-1].status_code == 429
    age_attempts(16)
    assert reset(client, "a@example.cn").status_code == 302


def test_a_malformed_reset_request_is_not_a_server_error(client):
    response = client.post(RESET, {"email": "x" * 500})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_username_and_e_mail_of_one_account_share_one_counter(client):
    """The probe locked the username and still logged in with the e-mail address."""
    user = UserFactory(username="zhao.lei", email="zhao.lei@example.cn")
    fail(client, SITE_LOGIN, "zhao.lei", 3)
    fail(client, SITE_LOGIN, "Zhao.Lei@example.cn", 2)

    assert log_in(client, SITE_LOGIN, "zhao.lei@example.cn", PASSWORD).status_code == 429
    assert log_in(client, SITE_LOGIN, user.username, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_locking_the_username_locks_the_e_mail_address_too(client):
    user = UserFactory(username="qian.yu", email="qian.yu@example.cn")
    assert fail(client, ADMIN_LOGIN, user.username, 5).status_code == 429
    assert log_in(client, SITE_LOGIN, user.email, PASSWORD).status_code == 429
