"""Who may open which page of the talent library, checked on the server for every object:
URLs × roles. Anonymous visitors are sent to log in; anyone else who may not see a page gets
a 404, so that an unverified or another enterprise learns nothing (not even that a talent,
posting or application exists)."""

import pytest
from django.test import Client

from talentportal.models import AccountKind
from talentportal.workflow import application_submit
from talents.models import Enterprise, ProfileAccess
from talents.services import demand_application_create
from tests.auth_helpers import login_verified
from tests.talentportal.factories import StaffFactory, UserFactory
from tests.talents.factories import DemandFactory, TalentFactory, recruiter

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """A verified evaluating enterprise with a posting and an application to it, a findable
    talent, and people in every other role."""
    owner = recruiter(evaluator=True)
    enterprise = Enterprise.objects.of_member(owner).get()
    talent = TalentFactory()
    demand = DemandFactory(enterprise=enterprise)
    application = demand_application_create(demand=demand, applicant=talent.user)
    application_submit(application=application, by=talent.user)
    return {
        "owner": owner,
        "talent": talent,
        "demand": demand,
        "application": application,
        "roles": {
            "talent": talent.user,
            "unverified enterprise": recruiter(pending=True),
            "other enterprise": recruiter(),
            "staff": StaffFactory(),
            "user without role": UserFactory(kind=AccountKind.INVESTOR),
        },
    }


def enterprise_pages(world) -> list[tuple[str, str]]:
    t = world["talent"].pk
    d = world["demand"].pk
    return [
        ("get", "/talents/search/"),
        ("get", f"/talents/{t}/"),
        ("get", f"/talents/{t}/nominate/"),
        ("post", f"/talents/{t}/shortlist/"),
        ("post", f"/talents/{t}/contact/"),
        ("post", f"/talents/{t}/contact-details/"),
        ("post", f"/talents/{t}/resume/"),
        ("get", "/enterprise/shortlist/"),
        ("get", "/enterprise/contacts/"),
        ("get", "/enterprise/postings/"),
        ("get", "/enterprise/postings/demand/new/"),
        ("get", f"/enterprise/postings/demand/{d}/edit/"),
        ("post", f"/enterprise/postings/demand/{d}/close/"),
        ("get", "/enterprise/applications/"),
        ("get", f"/enterprise/applications/{world['application'].reference}/"),
        ("get", "/enterprise/evaluations/"),
    ]


TALENT_PAGES = [
    ("get", "/me/profile/"),
    ("get", "/me/profile/privacy/"),
    ("get", "/me/profile/viewers/"),
    ("get", "/me/profile/requests/"),
    ("get", "/me/profile/data/"),
    ("get", "/me/profile/data/export/"),
    ("get", "/me/profile/delete/"),
    ("post", "/me/profile/consents/give/"),
    ("post", "/me/profile/resume/"),
]


def test_the_owner_opens_every_enterprise_page(world):
    client = Client()
    login_verified(client, world["owner"])
    for method, url in enterprise_pages(world):
        if method == "get":
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_anonymous_visitors_are_sent_to_log_in(client, world, prefix):
    for method, url in [*enterprise_pages(world), *TALENT_PAGES]:
        response = getattr(client, method)(prefix + url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize(
    "role", ["talent", "unverified enterprise", "other enterprise", "staff", "user without role"]
)
def test_everyone_else_gets_a_404_on_enterprise_pages(world, role):
    """A 404 for everyone else; a member of an enterprise not verified yet gets the page that
    says so (a 403), never the content."""
    client = Client()
    login_verified(client, world["roles"][role])
    before = ProfileAccess.objects.count()
    for method, url in enterprise_pages(world):
        if role == "other enterprise" and url in (
            "/talents/search/",
            f"/talents/{world['talent'].pk}/",
            f"/talents/{world['talent'].pk}/shortlist/",
            f"/talents/{world['talent'].pk}/contact/",
            "/enterprise/shortlist/",
            "/enterprise/contacts/",
            "/enterprise/postings/",
            "/enterprise/postings/demand/new/",
            "/enterprise/applications/",
        ):
            continue  # its own search, shortlist and postings: allowed, and tested elsewhere
        response = getattr(client, method)(url, {"why": "curious", "action": "add"})
        if role == "unverified enterprise" and response.status_code == 403:
            # Its member learns why (not verified yet), the same page whatever the URL names:
            # nothing about the object (issue 19).
            names = [t.name for t in response.templates]
            assert "talents/enterprise/not_verified.html" in names, url
            continue
        assert response.status_code == 404, (role, url, response.status_code)
    assert ProfileAccess.objects.count() == before  # nothing seen, nothing logged


@pytest.mark.parametrize("role", ["unverified enterprise", "other enterprise", "staff"])
def test_talent_pages_are_a_404_for_other_accounts(world, role):
    client = Client()
    login_verified(client, world["roles"][role])
    for method, url in TALENT_PAGES:
        assert getattr(client, method)(url).status_code == 404, (role, url)


def test_another_enterprise_cannot_touch_this_ones_postings_or_applications(world):
    client = Client()
    login_verified(client, world["roles"]["other enterprise"])
    demand = world["demand"]
    assert client.post(f"/enterprise/postings/demand/{demand.pk}/close/").status_code == 404
    demand.refresh_from_db()
    assert demand.is_published
    reference = world["application"].reference
    assert (
        client.post(f"/enterprise/applications/{reference}/", {"action": "approve"}).status_code
        == 404
    )
    world["application"].refresh_from_db()
    assert world["application"].status == "submitted"


def test_an_inactive_member_is_treated_as_anonymous(world):
    owner = world["owner"]
    client = Client()
    login_verified(client, owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    response = client.get("/talents/search/")
    assert response.status_code == 302
