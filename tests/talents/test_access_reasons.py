"""A reason the portal recorded for a view of a profile is shown in the reader's language
(issue 18: an English access reason on the Chinese "who viewed my profile" page)."""

import pytest
from django.urls import reverse
from django.utils import translation

from talents.models import AccessKind, ProfileAccess
from tests.auth_helpers import login_verified
from tests.talents.factories import TalentFactory, recruiter

pytestmark = pytest.mark.django_db


def test_a_recorded_reason_is_shown_in_the_readers_language(client):
    talent = TalentFactory()
    member = recruiter()
    enterprise = member.enterprise_memberships.get().enterprise
    for why in ("Opened the profile from the candidate search", "电话沟通研发负责人岗位"):
        ProfileAccess.objects.create(
            viewer=member, enterprise=enterprise, talent=talent, what=AccessKind.PROFILE, why=why
        )
    with translation.override("zh-hans"):
        chinese_reason = translation.gettext("Opened the profile from the candidate search")
    assert chinese_reason != "Opened the profile from the candidate search"
    login_verified(client, talent.user)
    chinese = client.get(reverse("talents:me_viewers")).content.decode()
    assert chinese_reason in chinese
    assert "Opened the profile from the candidate search" not in chinese
    assert "电话沟通研发负责人岗位" in chinese  # typed by a person: as typed
    english = client.get("/en" + reverse("talents:me_viewers")).content.decode()
    assert "Opened the profile from the candidate search" in english
