"""The main pages of the portal, with some content in them, for the Content-Security-Policy
checks (tests/test_headers.py with Django's client, tests/e2e/test_csp.py in Chromium).

`main_pages()` creates the content and returns {label: (url, who)}: who is None for a visitor,
or the user to sign in as (with a passed second factor, as staff need one).
"""

from django.urls import reverse

from tests.apartments.factories import drawn_round
from tests.policies.factories import BenefitFactory, InterpretationFactory, PolicyFactory, region
from tests.projects.program_factories import CallFactory
from tests.projects.roadshow_factories import ProjectFactory, RoadshowFactory
from tests.talentportal.factories import StaffFactory, UserFactory
from tests.talentportal.workflow_factories import ServiceItemFactory
from tests.talents.factories import DemandFactory, InternshipFactory, recruiter


def main_pages() -> dict[str, tuple[str, object]]:
    policy = PolicyFactory(region=region("330100"), title_zh="杭州市高层次人才住房补贴办法")
    BenefitFactory(policy=policy)
    InterpretationFactory(policy=policy)
    PolicyFactory(region=region("330200"))
    ServiceItemFactory()
    DemandFactory()
    InternshipFactory()
    ProjectFactory()
    RoadshowFactory()
    CallFactory()
    staff = StaffFactory()
    round, _ordered = drawn_round(applicants=2, unit_count=1, staff=staff)
    talent = UserFactory(kind="talent")
    return {
        "home": ("/", None),
        "home (English)": ("/en/", None),
        "policies": ("/policies/?q=%E4%BD%8F%E6%88%BF", None),
        "policy": (policy.get_absolute_url(), None),
        "compare": ("/policies/compare/?regions=330100,330200", None),
        "calculator": ("/policies/calculator/", None),
        "services": ("/services/", None),
        "talents": ("/talents/", None),
        "candidate search": ("/talents/search/?q=%E6%9D%90%E6%96%99", recruiter()),
        "demands": ("/demands/", None),
        "internships": ("/internships/", None),
        "projects": ("/projects/", None),
        "roadshows": ("/roadshows/", None),
        "programs": ("/programs/", None),
        "apartments": ("/apartments/", None),
        "community": (round.community.get_absolute_url(), None),
        "occupancy": ("/apartments/occupancy/", None),
        "round verify": (reverse("apartments:round_verify", args=[round.pk]), None),
        "statistics": ("/statistics/", None),
        "service points": ("/service-points/", None),
        "alliances": ("/alliances/", None),
        "financial products": ("/finance/", None),
        "feedback board": ("/feedback/", None),
        "login": ("/accounts/login/", None),
        "signup": ("/accounts/signup/", None),
        "new confirmation link": ("/accounts/signup/confirm/resend/", None),
        "my account": ("/accounts/profile/", talent),
        "my applications": ("/me/applications/", talent),
        "my notifications": ("/me/notifications/", talent),
        "admin index": ("/admin/", staff),
        "admin change form": (f"/admin/policies/policy/{policy.pk}/change/", staff),
    }
