"""The demo services and applications: the 14 provincial services and the cities' own, every
status with a consistent timeline, deterministic and idempotent, at both scales."""

import io
import random
from collections import Counter
from itertools import pairwise

import pytest

from policies.demo import services as service_seed
from policies.demo.services import PATHS, application_plan, seed_services
from policies.models import ServiceApplication, ServiceItem, validate_form_schema
from talentportal.demo import seed as seed_users
from talentportal.models import ApplicationEvent, ApplicationStatus, Notification, User
from talentportal.workflow import reference_next

pytestmark = pytest.mark.django_db
S = ApplicationStatus
CITY_REGIONS = {"330100", "330200", "320400", "320800", "120116"}


@pytest.fixture
def users():
    seed_users(scale="small", rng=random.Random("users"), stdout=io.StringIO())


def run(scale="small"):
    out = io.StringIO()
    seed_services(scale=scale, rng=random.Random("services"), stdout=out)
    return out.getvalue()


def test_the_provincial_and_city_services(users, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run()
    provincial = ServiceItem.objects.filter(region_id="330000")
    assert provincial.count() == 14
    names = set(provincial.values_list("name_zh", flat=True))
    assert {
        "在杭省部属单位高层次人才同城待遇确认",
        "高级职称电子证书查验打印",
        "留学回国人员购买免税国产小汽车申请",
        "浙江省“万人计划”申报",
    } <= names
    assert set(ServiceItem.objects.values_list("region_id", flat=True)) >= CITY_REGIONS
    for service in ServiceItem.objects.prefetch_related("materials"):
        assert service.name_en and service.department_en and service.description_en
        assert service.is_published and 1 <= service.promised_days <= 365
        validate_form_schema(service.form_schema)
        assert service.materials.all(), service
        assert all(m.name_en for m in service.materials.all())
        if service.is_online:
            assert service.form_schema, service
    assert ServiceItem.objects.filter(is_online=False).exists()
    assert mailoutbox == []  # demo data mails nobody


def test_applications_in_every_status_with_consistent_timelines(users):
    run()
    applications = list(ServiceApplication.objects.select_related("service"))
    assert len(applications) == service_seed.APPLICATION_COUNTS["small"]
    assert set(Counter(a.status for a in applications)) == set(S.values)
    events = {}
    for event in ApplicationEvent.objects.order_by("created_at", "pk"):
        events.setdefault(event.reference, []).append(event)
    for application in applications:
        timeline = events[application.reference]
        assert timeline[0].to_status == S.DRAFT and timeline[0].from_status == ""
        for before, after in pairwise(timeline):
            assert after.from_status == before.to_status
            assert after.created_at >= before.created_at
        assert timeline[-1].to_status == application.status
        assert application.created_at == timeline[0].created_at
        assert application.service.is_online
        assert (application.submitted_at is not None) == any(
            e.to_status == S.SUBMITTED for e in timeline
        )
        if application.status in (S.APPROVED, S.REJECTED):
            assert application.decided_by is not None and application.decided_at is not None
        if application.status == S.REJECTED:
            assert application.decision_reason
    # The applicants were told on the site.
    assert Notification.objects.filter(recipient__username="demo-talent").exists()
    demo = ServiceApplication.objects.filter(applicant__username="demo-talent")
    assert {S.NEEDS_INFO, S.APPROVED, S.DRAFT} <= set(demo.values_list("status", flat=True))


def test_seeding_again_adds_nothing(users):
    first = run()
    references = set(ServiceApplication.objects.values_list("reference", flat=True))
    events = ApplicationEvent.objects.count()
    second = run()
    assert "24 in all" in first and "0 new" in second
    assert set(ServiceApplication.objects.values_list("reference", flat=True)) == references
    assert ApplicationEvent.objects.count() == events
    assert ServiceItem.objects.count() == 24


def test_the_plan_is_deterministic(users):
    run()
    services = list(ServiceItem.objects.filter(is_online=True).order_by("position"))
    talents = list(User.objects.filter(kind="talent").values_list("pk", flat=True))
    now = ServiceApplication.objects.latest("created_at").created_at

    def plan():
        return [
            (item["applicant"], item["service"].pk, item["answers"], item["steps"])
            for item in application_plan(
                services=services,
                talents=talents,
                demo_talent=talents[0],
                count=200,
                rng=random.Random("services"),
                now=now,
            )
        ]

    assert plan() == plan()
    drafts = [(a, s) for a, s, _answers, steps in plan() if not steps]
    assert len(drafts) == len(set(drafts))  # one draft per applicant and service


def test_the_large_scale_writes_the_rest_with_copy_and_the_same_timelines(users, monkeypatch):
    monkeypatch.setitem(service_seed.APPLICATION_COUNTS, "large", 400)
    run("small")
    run("large")
    assert ServiceApplication.objects.count() == 400
    copied = ServiceApplication.objects.order_by("-pk")[:350]
    statuses = Counter(a.status for a in copied)
    assert set(statuses) == set(S.values)
    last_events = {}
    for event in ApplicationEvent.objects.order_by("created_at", "pk"):
        last_events[event.reference] = event
    for application in copied:
        assert last_events[application.reference].to_status == application.status
    # The shared counter knows about the copied numbers: the next one is new.
    number = reference_next("SV")
    assert not ServiceApplication.objects.filter(reference=number).exists()
    assert len(set(ServiceApplication.objects.values_list("reference", flat=True))) == 400
    assert sum(weight for _path, weight in PATHS) == 100


def test_a_new_service_grants_the_benefits_its_keywords_name(users):
    from tests.policies.factories import BenefitFactory, PolicyFactory, region

    policy = PolicyFactory(
        region=region("330100"), title_zh="杭州市高校毕业生生活补贴和租房补贴实施细则"
    )
    living = BenefitFactory(policy=policy, title_zh="博士研究生生活补贴")
    rent = BenefitFactory(policy=policy, title_zh="青年人才租房补贴")
    run()
    living.refresh_from_db()
    rent.refresh_from_db()
    assert living.service is not None and living.service.policy == policy
    assert "生活补贴" in living.service.name_zh
    assert rent.service is None
    assert living.version == 1  # which service grants it is not a condition
