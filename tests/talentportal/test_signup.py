"""Sign-up reveals nothing about which addresses are registered (issue 17, point 8): the same
answer for a new and a registered address, a mail to the address either way, an account that
works only once its address is confirmed."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from talentportal import signup
from talentportal.demo import demo_accounts_ensure
from talentportal.models import AccountKind, Notification, User
from tests.auth_helpers import confirmation_path
from tests.concurrency import race_each
from tests.talentportal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qiantang-River-2026"


def signup_data(**overrides):
    return {
        "kind": "talent",
        "username": "chenjing",
        "email": "chen.jing@example.com",
        "display_name": "陈静",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "accept_privacy": "on",
        **overrides,
    }


def page_text(response) -> str:
    """What a person reads: the page without its per-request tokens (CSRF, CSP nonce)."""
    html = response.content.decode()
    return re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"', "", html)


def answer(client, data, prefix=""):
    """The sign-up's answer as the visitor sees it: status, redirect, the page it leads to
    (where the address typed is shown back: the same words otherwise)."""
    response = client.post(f"{prefix}/accounts/signup/", data)
    page = page_text(client.get(response["Location"])).replace(data["email"], "ADDRESS")
    return response.status_code, response["Location"], page


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_registered_and_a_new_address_get_the_same_answer(client, prefix):
    owner = UserFactory(username="owner", email="Chen.Jing@example.com", preferred_language="en")
    taken = answer(client, signup_data(username="someone-else"), prefix)
    assert len(mail.outbox) == 1
    new = answer(client, signup_data(username="newcomer", email="new@example.com"), prefix)

    assert taken == new
    assert taken[:2] == (302, f"{prefix}/accounts/signup/sent/")
    # Nobody was made or changed for the registered address; the new one waits, inactive.
    assert User.objects.filter(email__iexact="chen.jing@example.com").get() == owner
    assert not User.objects.filter(username="someone-else").exists()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) and owner.is_active
    newcomer = User.objects.get(username="newcomer")
    assert (newcomer.is_active, newcomer.awaiting_confirmation) == (False, True)
    # The owner is told, in their language, with the ways back into their account.
    attempt, confirmation = mail.outbox
    assert attempt.to == ["Chen.Jing@example.com"]
    assert "tried to create an account" in attempt.subject
    assert "http://testserver/en/accounts/login/" in attempt.body
    assert "http://testserver/en/accounts/password/reset/" in attempt.body
    assert "/signup/confirm/" not in attempt.body
    assert confirmation.to == ["new@example.com"]
    assert "/signup/confirm/" in confirmation.body


def test_the_address_is_never_called_taken_whatever_its_case(client):
    UserFactory(email="CHEN.JING@example.com")
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    assert User.objects.count() == 1


def test_the_check_your_email_page_shows_the_address_typed(client):
    response = client.post("/en/accounts/signup/", signup_data(), follow=True)
    assert "Check your e-mail" in response.text
    assert "chen.jing@example.com" in response.text
    assert "expires after 3 days" in response.text
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("prefix", "subject", "words"),
    [
        ("", "确认", "仅能使用一次"),
        ("/en", "Confirm your e-mail address", "The link works once and expires after 3 days"),
    ],
)
def test_the_confirmation_mail_is_in_the_language_of_the_sign_up(client, prefix, subject, words):
    client.post(f"{prefix}/accounts/signup/", signup_data())
    (message,) = mail.outbox
    assert subject in message.subject
    assert words in message.body
    assert confirmation_path(message).startswith(f"{prefix}/accounts/signup/confirm/")


@pytest.mark.parametrize(
    ("kind", "next_step"),
    [
        (AccountKind.TALENT, "accounts:profile"),
        (AccountKind.ENTERPRISE, "talents:enterprise_register"),
        (AccountKind.INVESTOR, "projects:my_investor"),
    ],
)
def test_the_link_activates_signs_in_and_leads_on_to_the_next_step(
    client, django_capture_on_commit_callbacks, kind, next_step
):
    client.post(reverse("accounts:signup"), signup_data(kind=kind))
    path = confirmation_path(mail.outbox[0])
    # Opening the link asks to confirm: a mail scanner that opens it uses nothing up.
    assert "确认我的电子邮箱地址" in client.get(path).text
    assert not User.objects.get(username="chenjing").is_active
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse(next_step)
    user = User.objects.get(username="chenjing")
    assert (user.is_active, user.awaiting_confirmation) == (True, False)
    assert client.get(reverse("accounts:profile")).context["user"] == user
    assert Notification.objects.filter(recipient=user, subject__contains="欢迎").exists()
    assert len(mail.outbox) == 2  # and the welcome


def test_the_link_works_once(client):
    client.post(reverse("accounts:signup"), signup_data())
    path = confirmation_path(mail.outbox[0])
    assert client.post(path).status_code == 302
    client.post(reverse("accounts:logout"))
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 200
        assert response.context["validlink"] is False
        assert "这个链接已失效" in response.text
        assert reverse("accounts:signup_resend") in response.text  # a way to a new link


def test_the_link_in_another_browser_activates_and_asks_to_log_in(client, django_user_model):
    client.post("/en/accounts/signup/", signup_data(kind="enterprise"))
    other = type(client)()
    response = other.post(confirmation_path(mail.outbox[0]))
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=%2Fen%2Fenterprise%2Fregister%2F"
    assert "_auth_user_id" not in other.session
    assert django_user_model.objects.get(username="chenjing").is_active
    response = other.post(response["Location"], {"username": "chenjing", "password": NEW_PASSWORD})
    assert response["Location"] == "/en/enterprise/register/"


def test_an_expired_link_gives_a_clear_page_and_a_way_to_a_new_one(client, monkeypatch):
    client.post("/en/accounts/signup/", signup_data())
    path = confirmation_path(mail.outbox[0])
    made = signup.confirmation_token._now()
    later = made + datetime.timedelta(days=signup.CONFIRMATION_DAYS, minutes=1)
    monkeypatch.setattr(signup.confirmation_token, "_now", lambda: later)
    response = client.post(path)
    assert response.status_code == 200
    assert "This link no longer works" in response.text
    assert 'action="/en/accounts/signup/confirm/resend/"' in response.text
    assert not User.objects.get(username="chenjing").is_active


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/signup/confirm/MQ/forged-token/",
        "/accounts/signup/confirm/!!!/1-2/",
        "/accounts/signup/confirm/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ/abc-def/",
    ],
)
def test_a_tampered_link_gives_a_clear_page_never_a_server_error(client, path):
    UserFactory(is_active=False, awaiting_confirmation=True)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 200
        assert response.context["validlink"] is False


def test_a_link_never_reopens_a_closed_account(client):
    user = UserFactory(is_active=False)  # closed by staff or by its owner
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = signup.confirmation_token.make_token(user)
    response = client.post(reverse("accounts:signup_confirm", args=[uidb64, token]))
    assert response.context["validlink"] is False
    user.refresh_from_db()
    assert not user.is_active


def test_a_link_made_for_one_account_does_not_work_for_another(client):
    client.post(reverse("accounts:signup"), signup_data())
    client.post(reverse("accounts:signup"), signup_data(username="other", email="o@example.com"))
    first, second = (confirmation_path(message) for message in mail.outbox)
    uid_of_first, token_of_second = first.split("/")[-3], second.split("/")[-2]
    response = client.post(f"/accounts/signup/confirm/{uid_of_first}/{token_of_second}/")
    assert response.context["validlink"] is False
    assert not User.objects.filter(is_active=True, username__in=["chenjing", "other"]).exists()


def test_signing_up_again_while_waiting_changes_nothing_and_sends_a_fresh_link(client):
    client.post(reverse("accounts:signup"), signup_data())
    waiting = User.objects.get(username="chenjing")
    client.post(
        reverse("accounts:signup"),
        signup_data(username="again", password1="Another-Pass-2026", password2="Another-Pass-2026"),
    )
    assert list(User.objects.all()) == [waiting]
    attempt = mail.outbox[1]
    assert attempt.to == ["chen.jing@example.com"]
    assert "/signup/confirm/" in attempt.body
    assert client.post(confirmation_path(attempt)).status_code == 302
    waiting.refresh_from_db()
    assert waiting.is_active and waiting.check_password(NEW_PASSWORD)


def test_both_answers_hash_the_password(client, monkeypatch):
    """The timing of the two answers: each runs the password hasher once."""
    hashed = []
    real = signup.make_password

    def counting(password, *args, **kwargs):
        hashed.append(password)
        return real(password, *args, **kwargs)

    UserFactory(email="taken@example.com")
    monkeypatch.setattr(signup, "make_password", counting)
    monkeypatch.setattr("django.contrib.auth.base_user.make_password", counting)
    client.post(reverse("accounts:signup"), signup_data(email="taken@example.com"))
    client.post(reverse("accounts:signup"), signup_data(email="new@example.com"))
    assert hashed == [NEW_PASSWORD, NEW_PASSWORD]


# -- logging in before confirming, and a new link -------------------------------------------


def test_logging_in_before_confirming_says_so_and_offers_a_new_link(client):
    client.post("/en/accounts/signup/", signup_data())
    response = client.post(
        "/en/accounts/login/", {"username": "chen.jing@example.com", "password": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert "Your e-mail address is not confirmed yet" in response.text
    assert 'href="/en/accounts/signup/confirm/resend/"' in response.text
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_for_a_waiting_account_gets_the_usual_message(client):
    client.post("/en/accounts/signup/", signup_data())
    response = client.post("/en/accounts/login/", {"username": "chenjing", "password": "wrong"})
    assert "not confirmed" not in response.text
    assert response.context["form"].errors["__all__"][0].startswith("Please enter a correct")


@pytest.mark.parametrize("email", ["chen.jing@example.com", "nobody@example.com", "owner@x.cn"])
def test_a_new_link_is_asked_for_with_one_answer_for_every_address(client, email):
    client.post(reverse("accounts:signup"), signup_data())
    UserFactory(email="owner@x.cn")  # active: nothing to confirm
    mail.outbox.clear()
    response = client.post(reverse("accounts:signup_resend"), {"email": email.upper()})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    if email == "chen.jing@example.com":
        (message,) = mail.outbox
        assert client.post(confirmation_path(message)).status_code == 302
        assert User.objects.get(username="chenjing").is_active
    else:
        assert mail.outbox == []


def test_a_new_link_keeps_what_was_typed_after_an_error(client):
    response = client.post(reverse("accounts:signup_resend"), {"email": "not-an-address"})
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert 'value="not-an-address"' in response.text


def test_asking_for_new_links_is_rate_limited(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "signup": "2/h"}
    url = reverse("accounts:signup_resend")
    for _ in range(2):
        assert client.post(url, {"email": "x@example.com"}).status_code == 302
    assert client.post(url, {"email": "x@example.com"}).status_code == 429
    assert client.get(url).status_code == 200


def test_the_demo_accounts_stay_active():
    """seed_demo makes its accounts directly: they need no confirmation."""
    for user in demo_accounts_ensure():
        assert user.is_active and not user.awaiting_confirmation


# -- at once ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_sign_ups_with_one_new_address_at_once_make_one_account():
    def sign_up_as(index):
        response = Client().post(reverse("accounts:signup"), signup_data(username=f"racer{index}"))
        return response.status_code, response["Location"]

    outcomes = race_each(4, sign_up_as)
    assert outcomes == [(302, reverse("accounts:signup_sent"))] * 4
    assert User.objects.filter(email="chen.jing@example.com").count() == 1
    subjects = sorted(message.subject for message in mail.outbox)
    assert len(subjects) == 4  # one confirmation; the others tell the owner
    assert sum("确认" in subject for subject in subjects) == 1


@pytest.mark.django_db(transaction=True)
def test_a_link_posted_twice_at_once_confirms_once():
    Client().post(reverse("accounts:signup"), signup_data())
    path = confirmation_path(mail.outbox[0])
    outcomes = race_each(2, lambda _index: Client().post(path).status_code)
    assert sorted(outcomes) == [200, 302]  # the second: "this link no longer works"
    user = User.objects.get(username="chenjing")
    assert user.is_active
    assert Notification.objects.filter(recipient=user).count() == 1  # one welcome
