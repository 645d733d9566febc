"""Step-up before other people's personal data (talentportal.otp): a candidate's contact details
and résumé are revealed only to a session that passed a second factor in the last
STEP_UP_MINUTES, and whether a member owes a second factor is decided at the moment of access,
not at log-in (issue 17 point 2, issue 19 point 8)."""

import time

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from talentportal.models import AccountKind
from talentportal.otp import VERIFIED_AT_SESSION_KEY
from talents.models import (
    ConsentPurpose,
    Enterprise,
    EnterpriseMember,
    MemberRole,
    Talent,
    VerificationStatus,
)
from talents.services import consent_give
from tests.auth_helpers import login_verified, totp_code, totp_device
from tests.talentportal.factories import UserFactory
from tests.talents.factories import EnterpriseFactory, TalentFactory, recruiter

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


@pytest.fixture
def person():
    talent = TalentFactory(name="张三丰", phone=PHONE, email="zhang.sanfeng@example.cn")
    consent_give(user=talent.user, purpose=ConsentPurpose.CONTACT_SHARING)
    Talent.objects.filter(pk=talent.pk).update(contact_visible_to_verified=True)
    return talent


def reveal(client, talent, what="contact-details"):
    return client.post(f"/en/talents/{talent.pk}/{what}/", {"why": "Interview"})


def test_a_recruiter_with_a_password_only_is_sent_to_set_up_a_second_factor(person):
    client = Client()
    client.force_login(recruiter())

    for what in ("contact-details", "resume"):
        response = reveal(client, person, what)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/accounts/two-factor/setup/")
        assert f"next=%2Fen%2Ftalents%2F{person.pk}%2F" in response["Location"]
    assert PHONE not in reveal(client, person).text


def test_a_second_factor_passed_long_ago_needs_a_fresh_code(person, settings):
    user = recruiter()
    client = Client()
    login_verified(client, user)
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = int(time.time()) - settings.STEP_UP_MINUTES * 60 - 5
    session.save()

    response = reveal(client, person)
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/two-factor/verify/")
    assert "step_up=1" in response["Location"]

    # The code page asks for a code although the session was verified once...
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Other people's personal data is shown only after a code" in page.text
    # ...and after it, the details are shown.
    step = client.post(
        "/en/accounts/two-factor/verify/",
        {"token": totp_code(totp_device(user)), "next": f"/en/talents/{person.pk}/", "step_up": 1},
    )
    assert step.status_code == 302 and step["Location"] == f"/en/talents/{person.pk}/"
    response = reveal(client, person)
    assert response.status_code == 200 and PHONE in response.text


def test_a_session_verified_without_a_time_is_not_a_step_up(person):
    """A session verified before this rule existed carries no time: it must step up."""
    user = recruiter()
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    assert reveal(client, person).status_code == 302


def test_a_recent_second_factor_reveals(person):
    client = Client()
    login_verified(client, recruiter())
    response = reveal(client, person)
    assert response.status_code == 200 and PHONE in response.text


def test_a_session_opened_before_becoming_an_administrator_owes_the_second_factor_at_access():
    """Issue 19 point 8: what 2FA a session owes is decided when data is accessed."""
    user = recruiter()
    client = Client()
    client.force_login(user)  # at log-in a recruiter owed nothing
    assert client.get("/en/talents/search/").status_code == 200

    EnterpriseMember.objects.filter(user=user).update(role=MemberRole.ADMIN)

    response = client.get("/en/talents/search/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/two-factor/setup/")


def test_a_session_opened_before_the_enterprise_was_registered_and_verified():
    """The probe's case: log in, register the enterprise (its administrator), staff verify it
    later; the session that was open all along must pass a second factor before searching."""
    user = UserFactory(kind=AccountKind.ENTERPRISE)
    client = Client()
    client.force_login(user)
    enterprise = EnterpriseFactory(pending=True)
    EnterpriseMember.objects.create(enterprise=enterprise, user=user, role=MemberRole.ADMIN)
    assert client.get("/en/talents/search/").status_code == 403  # not verified yet: says so

    Enterprise.objects.filter(pk=enterprise.pk).update(
        status=VerificationStatus.VERIFIED, verified_at=timezone.now()
    )

    response = client.get("/en/talents/search/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/two-factor/setup/")
