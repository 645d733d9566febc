"""Two-factor authentication (django-otp): set-up with a QR code, the code step after the
password, single-use backup codes, removal, and who must use it."""

import re
from base64 import b32decode

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from talentportal.admin_site import PortalAdminSite
from talentportal.models import AccountKind
from talentportal.otp import two_factor_required
from talents.models import MemberRole
from tests.auth_helpers import backup_code, login_verified, totp_code, totp_device
from tests.talentportal.factories import PASSWORD, StaffFactory, UserFactory
from tests.talents.factories import EnterpriseMemberFactory

pytestmark = pytest.mark.django_db

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"
PROFILE = "/accounts/profile/"


def password_login(client, user, next_url=PROFILE):
    response = client.post(
        f"/accounts/login/?next={next_url}",
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302, response
    return client.get(response["Location"])


def enterprise_admin():
    return EnterpriseMemberFactory(role=MemberRole.ADMIN).user


@pytest.mark.parametrize(
    ("make", "required"),
    [
        (StaffFactory, True),
        (lambda: UserFactory(kind=AccountKind.STAFF), True),
        (lambda: UserFactory(kind=AccountKind.EXPERT), True),
        (enterprise_admin, True),
        (lambda: EnterpriseMemberFactory(role=MemberRole.RECRUITER).user, False),
        (lambda: UserFactory(kind=AccountKind.TALENT), False),
        (lambda: UserFactory(kind=AccountKind.INVESTOR), False),
    ],
    ids=["staff", "staff kind", "expert", "enterprise admin", "recruiter", "talent", "investor"],
)
def test_who_must_use_two_factor_authentication(client, make, required):
    user = make()
    assert two_factor_required(user) is required

    response = password_login(client, user)

    if required:
        assert response.status_code == 302
        assert response["Location"] == f"{SETUP}?next=%2Faccounts%2Fprofile%2F"
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    "url", [PROFILE, "/me/applications/", "/policies/", "/admin/", "/en/admin/"]
)
def test_a_required_user_without_a_device_can_use_nothing_before_set_up(client, url):
    client.force_login(StaffFactory())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))


def confirm_setup(client, next_url=PROFILE):
    page = client.get(f"{SETUP}?next={next_url}")
    assert page.status_code == 200
    secret = page.context["secret"].replace(" ", "")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return page, client.post(SETUP, {"token": f"{TOTP(key).token():06d}", "next": next_url})


def test_enrolment_shows_a_qr_code_and_the_key_and_is_confirmed_with_a_first_code(client):
    staff = StaffFactory()
    client.force_login(staff)

    page, confirmed = confirm_setup(client, next_url="/admin/")

    assert "<svg" in page.text
    assert page.context["secret"] in page.text
    assert confirmed.status_code == 200
    codes = confirmed.context["codes"]
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(code in confirmed.text for code in codes)
    assert TOTPDevice.objects.get(user=staff).confirmed
    # The session is verified: the admin opens.
    assert client.get("/admin/").status_code == 200


def test_a_wrong_first_code_does_not_confirm_the_device(client):
    staff = StaffFactory()
    client.force_login(staff)
    client.get(SETUP)

    response = client.post(SETUP, {"token": "000000"})
    malformed = client.post(SETUP, {"token": "abc"})

    assert response.status_code == malformed.status_code == 200
    assert response.context["form"].errors["token"]
    assert malformed.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert client.get("/admin/").status_code == 302


def test_the_set_up_page_keeps_one_key_until_confirmed(client):
    client.force_login(StaffFactory())
    first = client.get(SETUP).context["secret"]
    assert client.get(SETUP).context["secret"] == first


def test_after_the_password_a_user_with_a_device_enters_a_code(client):
    staff = StaffFactory()
    device = totp_device(staff)

    response = password_login(client, staff, next_url="/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert client.get("/admin/").status_code == 302

    verified = client.post(VERIFY, {"token": totp_code(device), "next": "/admin/"})

    assert verified.status_code == 302
    assert verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_talent_who_chose_two_factor_is_asked_for_the_code(client):
    talent = UserFactory(kind=AccountKind.TALENT)
    totp_device(talent)
    response = password_login(client, talent)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_a_wrong_code_is_refused_with_a_message(client):
    staff = StaffFactory()
    totp_device(staff)
    password_login(client, staff)

    response = client.post(VERIFY, {"token": "123456"})

    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert client.get(PROFILE).status_code == 302


def test_right_after_a_wrong_code_the_user_is_told_to_wait(client):
    staff = StaffFactory()
    device = totp_device(staff)
    password_login(client, staff)
    client.post(VERIFY, {"token": "123456"})

    response = client.post(f"/en{VERIFY}", {"token": totp_code(device)})

    assert "wait a few seconds" in " ".join(response.context["form"].errors["token"])
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)  # as after it
    assert client.post(VERIFY, {"token": totp_code(device)}).status_code == 302


def test_the_verify_step_never_redirects_to_another_site(client):
    staff = StaffFactory()
    device = totp_device(staff)
    password_login(client, staff)
    response = client.post(VERIFY, {"token": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == PROFILE


def test_a_backup_code_works_once_only(client):
    staff = StaffFactory()
    totp_device(staff)
    code = backup_code(staff)
    password_login(client, staff)

    used = client.post(VERIFY, {"token": code, "next": "/admin/"})
    assert used["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200

    client.logout()
    password_login(client, staff)
    again = client.post(VERIFY, {"token": code, "next": "/admin/"})
    assert again.status_code == 200
    assert again.context["form"].errors["token"]
    assert client.get("/admin/").status_code == 302


def test_new_backup_codes_replace_the_old_ones(client):
    staff = StaffFactory()
    old = backup_code(staff)
    login_verified(client, staff)

    response = client.post(reverse("accounts:two_factor_backup_codes"))

    new = response.context["codes"]
    assert response.status_code == 200
    assert old not in new
    assert set(
        StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)
    ) == set(new)
    assert client.get(reverse("accounts:two_factor")).context["backup_codes_left"] == 10


def test_backup_codes_are_not_given_to_an_unverified_session(client):
    staff = StaffFactory()
    totp_device(staff)
    client.force_login(staff)
    response = client.post(reverse("accounts:two_factor_backup_codes"))
    assert response.status_code == 302
    assert not StaticToken.objects.filter(device__user=staff).exists()


def test_removing_the_device_needs_a_current_code(client):
    talent = UserFactory(kind=AccountKind.TALENT)
    login_verified(client, talent)
    device = totp_device(talent)

    refused = client.post(reverse("accounts:two_factor_remove"), {"token": "000000"})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=talent).exists()
    # django-otp backs off after a wrong code (a second, then doubling); as after waiting:
    TOTPDevice.objects.filter(user=talent).update(throttling_failure_count=0)

    removed = client.post(reverse("accounts:two_factor_remove"), {"token": totp_code(device)})
    assert removed.status_code == 302
    assert not TOTPDevice.objects.filter(user=talent).exists()
    assert DEVICE_ID_SESSION_KEY not in client.session
    # A talent may go without: the site stays open.
    assert client.get(PROFILE).status_code == 200


def test_staff_who_remove_their_device_must_set_up_a_new_one(client):
    staff = StaffFactory()
    login_verified(client, staff)
    device = totp_device(staff)

    response = client.post(reverse("accounts:two_factor_remove"), {"token": totp_code(device)})

    assert response["Location"] == reverse("accounts:two_factor_setup")
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_the_admin_site_refuses_a_session_that_has_not_passed_the_second_factor():
    site = PortalAdminSite()
    request = RequestFactory().get("/admin/")
    request.user = StaffFactory()
    request.user.is_verified = lambda: False
    assert not site.has_permission(request)
    request.user.is_verified = lambda: True
    assert site.has_permission(request)
    del request.user.is_verified  # without django-otp's middleware: refused, not an error
    assert not site.has_permission(request)


def test_the_admin_login_then_the_code_step_lets_staff_in(client):
    staff = StaffFactory()
    device = totp_device(staff)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response["Location"] == "/admin/"
    step = client.get("/admin/")
    assert step["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    client.post(step["Location"], {"token": totp_code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_two_factor_pages_render_in_both_languages(client):
    talent = UserFactory(kind=AccountKind.TALENT)
    client.force_login(talent)
    zh = client.get(reverse("accounts:two_factor"))
    en = client.get("/en/accounts/two-factor/")
    assert "双重验证" in zh.text
    assert "Two-factor authentication" in en.text
    setup = client.get("/en/accounts/two-factor/setup/")
    assert re.search(r"<code id=\"totp-secret\">[A-Z2-7 ]+</code>", setup.text)


def test_the_password_alone_cannot_replace_an_existing_authenticator(client):
    staff = StaffFactory()
    device = totp_device(staff)
    client.force_login(staff)  # password passed, code not yet

    page = client.get(SETUP)
    posted = client.post(SETUP, {"token": "123456"})

    assert page.status_code == posted.status_code == 302
    assert page["Location"].startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=staff)) == [device]
