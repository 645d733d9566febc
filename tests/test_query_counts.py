"""A list or section page runs as many SQL queries with many rows as with a few.

Every entry of LIST_PAGES names a page and what it lists (functions that add `n` rows). The
test renders the page with a few rows, counts its queries, adds many more rows (more than a page
of them) and requires the page to stay within that count: a query per listed row (an N+1) fails
it. The count with few rows must also stay within the page's budget.

When an issue adds a list page, append it here with the rows it lists, e.g.
    ListPage("policies:list", rows=(policies,), budget=12)
`make bench` checks the same thing in-process on the small and the large demo data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from ecosystem.models import Feedback
from policies.models import ServiceItem
from projects.models import Expert
from talentportal.models import AccountKind, Notification, User
from talentportal.workflow import reference_next
from tests.apartments.factories import CommunityFactory, UnitFactory
from tests.auth_helpers import login_verified
from tests.ecosystem.factories import (
    AllianceFactory,
    DepartmentFactory,
    MembershipFactory,
    ProductFactory,
    ServicePointFactory,
)
from tests.policies.factories import REGIONS, PolicyFactory, region
from tests.projects.program_factories import (
    ExpertFactory,
    ProgramApplicationFactory,
    ProgramFactory,
    ReviewAssignmentFactory,
    call_with,
)
from tests.projects.roadshow_factories import ProjectFactory, RoadshowFactory
from tests.talentportal.factories import RegionFactory, UserFactory
from tests.talents.factories import (
    DemandFactory,
    EnterpriseFactory,
    EnterpriseMemberFactory,
    InternshipFactory,
    TalentFactory,
)

FEW = 2
MANY = 30  # more than one page of any list (paginate_by is at most 25)


# What pages list. Each adds `n` rows; `user` is the signed-in user or None.
def talents(n: int, user: User | None) -> None:
    UserFactory.create_batch(n, kind=AccountKind.TALENT)


def provinces(n: int, user: User | None) -> None:
    RegionFactory.create_batch(n)


def notifications(n: int, user: User | None) -> None:
    if user is not None:
        Notification.objects.bulk_create(
            Notification(recipient=user, subject=f"Notice {i}", body="…") for i in range(n)
        )


def _regions(n: int):
    """n regions, cycling through real cities and counties, so rows do not share one region."""
    codes = [code for code, (_zh, _en, parent) in REGIONS.items() if parent]
    return [region(codes[i % len(codes)]) for i in range(n)]


def policies(n: int, user: User | None) -> None:
    for place in _regions(n):
        PolicyFactory(region=place)


def services(n: int, user: User | None) -> None:
    ServiceItem.objects.bulk_create(
        ServiceItem(
            name_zh=f"测试服务{i}",
            department_zh="人才办",
            region=place,
            description_zh="说明",
            audience_zh="人才",
            promised_days=5,
            is_published=True,
        )
        for i, place in enumerate(_regions(n))
    )


def communities(n: int, user: User | None) -> None:
    """Published talent communities in n regions, each with units of two layouts."""
    for place in _regions(n):
        community = CommunityFactory(region=place)
        UnitFactory(community=community, layout="studio")
        UnitFactory(community=community, layout="two_bed", status="let")


def demands(n: int, user: User | None) -> None:
    for place in _regions(n):
        DemandFactory(region=place)


def internships(n: int, user: User | None) -> None:
    for place in _regions(n):
        InternshipFactory(region=place)


def candidates(n: int, user: User | None) -> None:
    """Findable talents in n regions; the signed-in enterprise user becomes a member of a
    verified enterprise (who alone may search)."""
    if user is not None and not user.enterprise_memberships.exists():
        EnterpriseMemberFactory(enterprise=EnterpriseFactory(), user=user)
    for place in _regions(n):
        TalentFactory(current_region=place)


def projects(n: int, user: User | None) -> None:
    for place in _regions(n):
        ProjectFactory(region=place)


def roadshows(n: int, user: User | None) -> None:
    for place in _regions(n):
        RoadshowFactory(region=place)


def programs(n: int, user: User | None) -> None:
    """Published programs in n regions, each with an open call."""
    for place in _regions(n):
        call_with(program=ProgramFactory(region=place))


def review_assignments(n: int, user: User | None) -> None:
    """n assignments of the signed-in expert, in n calls."""
    if user is None:
        return
    expert = Expert.objects.filter(user=user).first() or ExpertFactory(user=user)
    for _i in range(n):
        ReviewAssignmentFactory(expert=expert)


def endorsement_requests(n: int, user: User | None) -> None:
    """n draft applications asking the signed-in member's enterprise for an endorsement."""
    if user is None:
        return
    membership = user.enterprise_memberships.first()
    if membership is None:
        membership = EnterpriseMemberFactory(enterprise=EnterpriseFactory(), user=user)
    for _i in range(n):
        ProgramApplicationFactory(
            status="draft", endorser=membership.enterprise, endorsement_status="requested"
        )


def service_points(n: int, user: User | None) -> None:
    """Published service points in n regions, each offering a service."""
    item = ServiceItem.objects.filter(is_published=True).first()
    for place in _regions(n):
        point = ServicePointFactory(region=place)
        if item is not None:
            point.services.add(item)


def alliances(n: int, user: User | None) -> None:
    """Published alliances in n regions, each with a member enterprise."""
    for place in _regions(n):
        MembershipFactory(alliance=AllianceFactory(region=place))


def financial_products(n: int, user: User | None) -> None:
    for place in _regions(n):
        ProductFactory(region=place)


def answered_feedback(n: int, user: User | None) -> None:
    """Feedback on the public board in n regions (written as the services leave it)."""
    department = DepartmentFactory()
    answerer = UserFactory(kind=AccountKind.STAFF, is_staff=True)
    asker = UserFactory(kind=AccountKind.TALENT)
    now = timezone.now()
    for place in _regions(n):
        Feedback.objects.create(
            applicant=asker,
            reference=reference_next("FB"),
            status="approved",
            submitted_at=now,
            category="housing",
            region=place,
            title="人才公寓申请进度",
            description="问题",
            department=department,
            routed_at=now,
            answer="答复",
            answered_at=now,
            answered_by=answerer,
            publish_consent=True,
            is_published=True,
            published_at=now,
        )


# Rows every page gets, for what the layout itself may show (the header's notifications).
EVERY_PAGE = (talents, notifications)


@dataclass(frozen=True)
class ListPage:
    url_name: str
    rows: tuple[Callable[[int, User | None], None], ...] = ()
    kwargs: dict = field(default_factory=dict)
    roles: tuple[str | None, ...] = (None, AccountKind.TALENT)  # None: anonymous
    budget: int = 15  # queries with few rows, session and user included

    def __str__(self) -> str:
        return self.url_name


LIST_PAGES = [
    ListPage("home", rows=(talents, provinces)),
    ListPage("policies:index", rows=(policies,)),
    ListPage("policies:services", rows=(services,)),
    ListPage("me:notifications", roles=(AccountKind.TALENT,)),
    ListPage("talents:index", rows=(demands, internships)),
    ListPage("talents:demands", rows=(demands,)),
    ListPage("talents:internships", rows=(internships,)),
    ListPage("talents:search", rows=(candidates,), roles=(AccountKind.ENTERPRISE,)),
    ListPage("projects:index", rows=(projects,)),
    ListPage("projects:roadshows", rows=(roadshows,)),
    ListPage("projects:investors"),
    ListPage("projects:programs", rows=(programs,)),
    ListPage("projects:reviews", rows=(review_assignments,), roles=(AccountKind.EXPERT,)),
    ListPage(
        "projects:endorsements", rows=(endorsement_requests,), roles=(AccountKind.ENTERPRISE,)
    ),
    ListPage("apartments:index", rows=(communities,)),
    ListPage("apartments:occupancy", rows=(communities,)),
    ListPage("ecosystem:service_points", rows=(services, service_points)),
    ListPage("ecosystem:alliances", rows=(alliances,)),
    ListPage("ecosystem:products", rows=(financial_products,)),
    ListPage("ecosystem:feedback_board", rows=(answered_feedback,)),
]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])  # English fields load too
@pytest.mark.parametrize(
    ("list_page", "role"),
    [(page, role) for page in LIST_PAGES for role in page.roles],
    ids=lambda value: str(value or "anonymous"),
)
def test_queries_do_not_grow_with_the_rows_listed(
    client, django_assert_max_num_queries, list_page, role, language
):
    user = None
    if role:
        user = UserFactory(kind=role)
        login_verified(client, user)
    with translation.override(language):
        url = reverse(list_page.url_name, kwargs=list_page.kwargs)
    add_rows = (*EVERY_PAGE, *list_page.rows)

    for add in add_rows:
        add(FEW, user)
    assert client.get(url).status_code == 200  # warm-up: caches filled as in production
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    assert len(few) <= list_page.budget, (
        f"{url}: {len(few)} queries with {FEW} rows, over the budget of {list_page.budget}:\n"
        + "\n".join(q["sql"] for q in few.captured_queries)
    )

    for add in add_rows:
        add(MANY, user)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_every_section_page_is_guarded():
    """Each app's index page is in LIST_PAGES, so a new section cannot skip the guard."""
    from django.urls import get_resolver

    guarded = {page.url_name for page in LIST_PAGES}
    sections = {
        f"{namespace}:index"
        for namespace in ("policies", "talents", "projects", "apartments")
        if namespace in get_resolver().namespace_dict
    }
    assert sections <= guarded
