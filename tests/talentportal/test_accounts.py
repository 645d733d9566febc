import pytest
from django.core import mail
from django.urls import reverse

from talentportal.models import AccountKind, User
from tests.auth_helpers import login_verified, sign_up
from tests.talentportal.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "kind": "talent",
        "username": "chenjing",
        "email": "chen.jing@example.com",
        "display_name": "陈静",
        "password1": "Qiantang-River-2026",
        "password2": "Qiantang-River-2026",
        "accept_privacy": "on",
    }
    data.update(overrides)
    return data


def test_signup_creates_a_talent_account_and_logs_in_once_confirmed(client):
    response = sign_up(client, signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = User.objects.get(username="chenjing")
    assert user.kind == AccountKind.TALENT
    assert user.preferred_language == "zh-hans"
    assert client.get(reverse("accounts:profile")).context["user"] == user


def test_signup_as_enterprise_member_in_english_remembers_the_language(client):
    response = sign_up(client, signup_data(kind="enterprise"), prefix="/en")
    user = User.objects.get(username="chenjing")
    assert user.kind == AccountKind.ENTERPRISE
    assert user.preferred_language == "en"
    # The next step: register the enterprise (or ask to join one already registered).
    assert response["Location"] == reverse("talents:enterprise_register")


def test_signup_offers_talent_enterprise_and_investor(client):
    page = client.get(reverse("accounts:signup")).text
    for kind in ("talent", "enterprise", "investor"):
        assert f'value="{kind}"' in page
    response = sign_up(client, signup_data(kind="investor"))
    assert response["Location"] == reverse("projects:my_investor")
    assert User.objects.get(username="chenjing").kind == AccountKind.INVESTOR


@pytest.mark.parametrize("kind", ["staff", "expert", "admin", ""])
def test_signup_cannot_choose_a_privileged_or_unknown_kind(client, kind):
    response = client.post(reverse("accounts:signup"), signup_data(kind=kind))
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "chen@jing"}, "username"),
        ({"username": "x" * 41}, "username"),
        ({"email": "not-an-address"}, "email"),
        ({"email": ""}, "email"),
        ({"password2": "something-else-2026"}, "password2"),
        ({"password1": "123", "password2": "123"}, "password2"),
        ({"password1": "password123", "password2": "password123"}, "password2"),
        ({"accept_privacy": ""}, "accept_privacy"),
    ],
)
def test_signup_bad_input_gets_a_message_next_to_the_field(client, overrides, field):
    response = client.post(reverse("accounts:signup"), signup_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.exists()


def test_signup_keeps_what_was_typed_after_an_error(client):
    response = client.post(reverse("accounts:signup"), signup_data(password2="mismatch-2026"))
    assert 'value="chen.jing@example.com"' in response.content.decode()


def test_signup_rejects_a_taken_username_regardless_of_case_but_never_the_address(client):
    """The address is the owner's to know about (tests/talentportal/test_signup.py)."""
    UserFactory(username="ChenJing", email="CHEN.JING@example.com")
    response = client.post(reverse("accounts:signup"), signup_data())
    errors = response.context["form"].errors
    assert "username" in errors
    assert "email" not in errors
    assert "该电子邮箱已注册账户" not in response.text
    assert User.objects.count() == 1


@pytest.mark.parametrize("username", ["demo-talent", "Demo-Visitor", "DEMO-x"])
def test_signup_keeps_the_demo_account_names_for_the_demo(client, username):
    response = client.post(reverse("accounts:signup"), signup_data(username=username))
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "以“demo-”开头的用户名留给演示账户使用。"
    ]
    assert not User.objects.exists()


def test_signup_with_garbage_post_is_not_a_server_error(client):
    response = client.post(reverse("accounts:signup"), {"kind": ["a", "b"], "junk": "\x00"})
    assert response.status_code == 200


@pytest.mark.parametrize("login", ["liuyang", "LIUYANG", "liu.yang@example.com"])
def test_login_by_username_or_email(client, login):
    UserFactory(username="liuyang", email="liu.yang@example.com")
    response = client.post(reverse("accounts:login"), {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


@pytest.mark.parametrize(
    "data",
    [
        {"username": "liuyang", "password": "wrong"},
        {"username": "nobody", "password": PASSWORD},
        {"username": "", "password": ""},
        {"username": "x" * 5000, "password": "y"},
        {},
    ],
)
def test_failed_login_gives_one_message_that_reveals_nothing(client, data):
    UserFactory(username="liuyang")
    response = client.post(reverse("accounts:login"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_login_never_redirects_off_site(client):
    UserFactory(username="liuyang")
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "liuyang", "password": PASSWORD},
    )
    assert response["Location"] == reverse("accounts:profile")


def test_logout_is_post_only(client, talent):
    login_verified(client, talent)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_account_page_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_account_page_saves_details(client, talent):
    login_verified(client, talent)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "新名字",
            "email": "new@example.com",
            "phone": "138 0571 0000",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302
    talent.refresh_from_db()
    assert (talent.display_name, talent.phone, talent.preferred_language) == (
        "新名字",
        "13805710000",
        "en",
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phone": "call me"}, "phone"),
        ({"email": "taken@example.com"}, "email"),
        ({"preferred_language": "fr"}, "preferred_language"),
    ],
)
def test_account_page_bad_input_loses_nothing(client, talent, data, field):
    UserFactory(email="taken@example.com")
    login_verified(client, talent)
    before = (talent.email, talent.phone, talent.display_name)
    form = {"display_name": "x", "email": talent.email, "phone": "", "preferred_language": "en"}
    response = client.post(reverse("accounts:profile"), {**form, **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    talent.refresh_from_db()
    assert (talent.email, talent.phone, talent.display_name) == before


def test_password_reset_sends_a_link_that_works(client):
    user = UserFactory(username="zhaolei", email="zhao.lei@example.com")
    response = client.post(reverse("accounts:password_reset"), {"email": "ZHAO.LEI@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(word for word in mail.outbox[0].body.split() if "/password/reset/" in word)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Ningbo-Harbour-88", "new_password2": "Ningbo-Harbour-88"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ningbo-Harbour-88")


@pytest.mark.parametrize("email", ["nobody@example.com", "not-an-email", ""])
def test_password_reset_does_not_reveal_whether_an_account_exists(client, email):
    response = client.post(reverse("accounts:password_reset"), {"email": email})
    assert response.status_code in (200, 302)
    assert mail.outbox == []


def test_password_reset_with_a_forged_link_says_it_is_invalid(client):
    response = client.get("/accounts/password/reset/MQ/forged-token/")
    assert response.status_code == 200
    assert response.context["validlink"] is False


def test_password_change_rejects_a_wrong_old_password(client, talent):
    login_verified(client, talent)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "Xihu-Lake-2026",
            "new_password2": "Xihu-Lake-2026",
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    talent.refresh_from_db()
    assert talent.check_password(PASSWORD)
