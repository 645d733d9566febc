"""Passwords: Argon2 hashing; Django's validators for everyone; three kinds of character for
staff and experts only; the validator sees the user on every form that sets a password."""

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import get_hasher, identify_hasher, make_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from talentportal import settings as project_settings
from talentportal.models import AccountKind, User
from tests.auth_helpers import login_verified
from tests.talentportal.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

# Long enough, not common, not numeric, but only lower-case letters (and no symbol).
ONE_CLASS = "quietharbourlantern"
TWO_CLASSES = "quiet-harbour-lantern"
THREE_CLASSES = "Quiet-harbour-lantern"


def test_argon2_hashes_new_passwords_in_production_settings(settings):
    # The tests themselves run with a fast hasher (tests/conftest.py); the project's list:
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert make_password("quiet-Harbour-7").startswith("argon2$")
    assert identify_hasher(make_password("x")).algorithm == get_hasher("argon2").algorithm


@pytest.mark.parametrize(
    ("kind", "is_staff", "password", "ok"),
    [
        (AccountKind.TALENT, False, ONE_CLASS, True),
        (AccountKind.ENTERPRISE, False, ONE_CLASS, True),
        (AccountKind.STAFF, True, ONE_CLASS, False),
        (AccountKind.STAFF, True, TWO_CLASSES, False),
        (AccountKind.STAFF, True, THREE_CLASSES, True),
        (AccountKind.EXPERT, False, TWO_CLASSES, False),
        (AccountKind.EXPERT, False, THREE_CLASSES, True),
        (AccountKind.TALENT, True, TWO_CLASSES, False),  # any account with admin access
        (AccountKind.TALENT, False, "password1234", False),  # common, for everyone
        (AccountKind.TALENT, False, "short-1A", False),  # under 10 characters
    ],
)
def test_password_rules_per_kind_of_account(kind, is_staff, password, ok):
    user = UserFactory.build(kind=kind, is_staff=is_staff)
    if ok:
        password_validation.validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            password_validation.validate_password(password, user)


def test_talent_sign_up_has_no_composition_rule(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "kind": "talent",
            "username": "quiet",
            "email": "quiet@example.com",
            "password1": ONE_CLASS,
            "password2": ONE_CLASS,
            "accept_privacy": "on",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="quiet").exists()


def change_password(client, new):
    return client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )


def test_staff_changing_their_password_need_three_kinds_of_character(client):
    staff = StaffFactory()
    login_verified(client, staff)

    refused = change_password(client, TWO_CLASSES)
    assert refused.status_code == 200
    assert "new_password2" in refused.context["form"].errors
    assert "3" in " ".join(refused.context["form"].errors["new_password2"])

    assert change_password(client, THREE_CLASSES).status_code == 302


def test_the_admin_applies_the_staff_rule_when_creating_a_staff_account(admin_client):
    data = {
        "username": "new-officer",
        "email": "officer@example.com",
        "kind": AccountKind.STAFF,
        "password1": ONE_CLASS,
        "password2": ONE_CLASS,
        "usable_password": "true",
    }
    refused = admin_client.post("/admin/talentportal/user/add/", data)
    assert refused.status_code == 200
    assert not User.objects.filter(username="new-officer").exists()

    data.update(kind=AccountKind.TALENT)
    assert admin_client.post("/admin/talentportal/user/add/", data).status_code == 302


def test_the_admin_password_form_applies_the_staff_rule(admin_client):
    staff = StaffFactory()
    url = f"/admin/talentportal/user/{staff.pk}/password/"
    refused = admin_client.post(url, {"password1": ONE_CLASS, "password2": ONE_CLASS})
    assert refused.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_a_reset_password_for_staff_follows_the_staff_rule(client):
    from django.contrib.auth.forms import SetPasswordForm

    staff = StaffFactory()
    weak = SetPasswordForm(staff, {"new_password1": ONE_CLASS, "new_password2": ONE_CLASS})
    strong = SetPasswordForm(
        staff, {"new_password1": THREE_CLASSES, "new_password2": THREE_CLASSES}
    )
    assert not weak.is_valid()
    assert strong.is_valid()
