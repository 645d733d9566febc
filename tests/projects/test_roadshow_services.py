import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from projects.models import (
    Interest,
    ProjectStatus,
    ProjectSubmission,
    Registration,
    Roadshow,
    new_checkin_code,
)
from projects.roadshows import services
from talentportal.models import Notification, SearchSynonym
from tests.projects.roadshow_factories import (
    InterestFactory,
    InvestorFactory,
    ProjectFactory,
    RegistrationFactory,
    RoadshowFactory,
    industry,
    investor_member,
    region,
)
from tests.talentportal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _register(roadshow, n):
    return [services.registration_create(roadshow=roadshow, user=UserFactory()) for _ in range(n)]


# Registration ---------------------------------------------------------------------------------


def test_confirmed_while_seats_last_then_waitlisted():
    roadshow = RoadshowFactory(capacity=3)
    registrations = _register(roadshow, 5)
    assert [r.status for r in registrations] == ["confirmed"] * 3 + ["waitlisted"] * 2
    roadshow.refresh_from_db()
    assert (roadshow.registered_count, roadshow.waitlisted_count, roadshow.seats_left) == (3, 2, 0)
    assert len({r.code for r in registrations}) == 5


def test_registering_twice_returns_the_same_registration():
    roadshow = RoadshowFactory()
    user = UserFactory()
    first = services.registration_create(roadshow=roadshow, user=user)
    again = services.registration_create(roadshow=roadshow, user=user)
    assert first.pk == again.pk
    assert Registration.objects.filter(roadshow=roadshow).count() == 1


def test_database_refuses_a_second_active_registration():
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError):
        RegistrationFactory(roadshow=registration.roadshow, user=registration.user)


def test_register_again_after_cancelling():
    roadshow = RoadshowFactory()
    user = UserFactory()
    first = services.registration_create(roadshow=roadshow, user=user)
    services.registration_cancel(registration=first, by=user)
    second = services.registration_create(roadshow=roadshow, user=user)
    assert second.pk != first.pk and second.status == "confirmed"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"past": True}, "over"),
        ({"capacity": 0}, "online_only"),
        ({"is_published": False}, "closed"),
    ],
)
def test_registration_refused(kwargs, code):
    roadshow = RoadshowFactory(**kwargs)
    with pytest.raises(ValidationError) as error:
        services.registration_create(roadshow=roadshow, user=UserFactory())
    assert error.value.code == code


def test_cancel_offers_the_seat_to_the_first_on_the_waiting_list_and_tells_them():
    roadshow = RoadshowFactory(capacity=2, claim_hours=48)
    a, _b, c, d = _register(roadshow, 4)
    before = timezone.now()
    services.registration_cancel(registration=a, by=a.user)
    c.refresh_from_db()
    d.refresh_from_db()
    assert (c.status, d.status) == ("offered", "waitlisted")
    assert before + datetime.timedelta(hours=47) < c.offer_expires_at
    assert c.offer_expires_at <= timezone.now() + datetime.timedelta(hours=48)
    notification = Notification.objects.get(recipient=c.user)
    assert c.offer_expires_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") in (notification.body)
    roadshow.refresh_from_db()
    # The offered seat is held for c: nobody else can take it.
    assert (roadshow.registered_count, roadshow.offered_count, roadshow.waitlisted_count) == (
        1,
        1,
        1,
    )
    assert roadshow.seats_left == 0
    assert services.registration_create(roadshow=roadshow, user=UserFactory()).status == (
        "waitlisted"
    )
    assert Registration.objects.with_waitlist_position().get(pk=d.pk).waitlist_position == 1


def test_claiming_an_offer_confirms_it_once():
    roadshow = RoadshowFactory(capacity=1)
    a, b = _register(roadshow, 2)
    services.registration_cancel(registration=a, by=a.user)
    with pytest.raises(PermissionDenied):
        services.registration_claim(registration=b, by=a.user)
    claimed = services.registration_claim(registration=b, by=b.user)
    assert claimed.status == "confirmed" and claimed.confirmed_at is not None
    # A second click returns the same confirmed registration.
    assert services.registration_claim(registration=b, by=b.user).status == "confirmed"
    roadshow.refresh_from_db()
    assert (roadshow.registered_count, roadshow.offered_count) == (1, 0)


def test_a_waitlisted_person_cannot_claim_without_an_offer():
    roadshow = RoadshowFactory(capacity=1)
    _a, b = _register(roadshow, 2)
    with pytest.raises(ValidationError) as error:
        services.registration_claim(registration=b, by=b.user)
    assert error.value.code == "no_offer"


def test_an_unclaimed_offer_expires_and_passes_to_the_next():
    roadshow = RoadshowFactory(capacity=1, claim_hours=48)
    a, b, c, d = _register(roadshow, 4)
    services.registration_cancel(registration=a, by=a.user)
    later = timezone.now() + datetime.timedelta(hours=49)
    assert services.roadshow_offers_expire(now=later - datetime.timedelta(hours=2)) == 0
    assert services.roadshow_offers_expire(now=later) == 1
    b.refresh_from_db()
    c.refresh_from_db()
    d.refresh_from_db()
    assert (b.status, c.status, d.status) == ("expired", "offered", "waitlisted")
    assert c.offer_expires_at > later
    # b was told of the offer, then that it expired.
    assert Notification.objects.filter(recipient=b.user).count() == 2
    # Too late: b's claim is refused; b may register again, at the end of the queue.
    with pytest.raises(ValidationError) as error:
        services.registration_claim(registration=b, by=b.user, now=later)
    assert error.value.code == "offer_expired"
    again = services.registration_create(roadshow=roadshow, user=b.user)
    assert again.pk != b.pk and again.status == "waitlisted"
    roadshow.refresh_from_db()
    assert (roadshow.registered_count, roadshow.offered_count, roadshow.waitlisted_count) == (
        0,
        1,
        2,
    )


def test_a_claim_after_the_deadline_passes_the_seat_on_even_without_the_command():
    roadshow = RoadshowFactory(capacity=1)
    a, b, c = _register(roadshow, 3)
    services.registration_cancel(registration=a, by=a.user)
    late = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError):
        services.registration_claim(registration=b, by=b.user, now=late)
    c.refresh_from_db()
    assert c.status == "offered"


def test_the_offer_ends_when_the_event_starts():
    roadshow = RoadshowFactory(
        capacity=1,
        claim_hours=48,
        starts_at=timezone.now() + datetime.timedelta(hours=5),
    )
    a, b = _register(roadshow, 2)
    services.registration_cancel(registration=a, by=a.user)
    b.refresh_from_db()
    assert b.offer_expires_at == roadshow.starts_at


def test_declining_an_offer_passes_it_on():
    roadshow = RoadshowFactory(capacity=1)
    a, b, c = _register(roadshow, 3)
    services.registration_cancel(registration=a, by=a.user)
    services.registration_cancel(registration=Registration.objects.get(pk=b.pk), by=b.user)
    assert Registration.objects.get(pk=c.pk).status == "offered"


def test_the_command_expires_due_offers():
    roadshow = RoadshowFactory(capacity=1)
    a, b, c = _register(roadshow, 3)
    services.registration_cancel(registration=a, by=a.user)
    Registration.objects.filter(pk=b.pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()
    call_command("roadshow_offers", stdout=out)
    assert out.getvalue().strip() == "1 seat offers expired."
    assert Registration.objects.get(pk=c.pk).status == "offered"


def test_the_database_refuses_more_seats_confirmed_and_offered_than_capacity():
    roadshow = RoadshowFactory(capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Roadshow.objects.filter(pk=roadshow.pk).update(registered_count=1, offered_count=2)


def test_cancelling_a_waitlisted_registration_offers_nothing():
    roadshow = RoadshowFactory(capacity=1)
    _a, b, c = _register(roadshow, 3)
    services.registration_cancel(registration=b, by=b.user)
    c.refresh_from_db()
    assert c.status == "waitlisted"
    # Cancelling twice is harmless.
    services.registration_cancel(registration=b, by=b.user)


def test_only_the_person_or_staff_may_cancel():
    registration = services.registration_create(roadshow=RoadshowFactory(), user=UserFactory())
    with pytest.raises(PermissionDenied):
        services.registration_cancel(registration=registration, by=UserFactory())
    services.registration_cancel(registration=registration, by=StaffFactory())
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_more_seats_are_offered_fewer_than_held_refused():
    roadshow = RoadshowFactory(capacity=1)
    _a, b, _c = _register(roadshow, 3)
    staff = StaffFactory()
    services.roadshow_capacity_change(roadshow=roadshow, capacity=2, by=staff)
    b.refresh_from_db()
    assert b.status == "offered"
    # The seat offered to b counts: one seat is not enough for a and b.
    with pytest.raises(ValidationError):
        services.roadshow_capacity_change(roadshow=roadshow, capacity=1, by=staff)


# Check-in -----------------------------------------------------------------------------------


def test_checkin_valid_reused_wrong_event_unknown_waitlisted_cancelled():
    staff = StaffFactory()
    roadshow, other = RoadshowFactory(capacity=1), RoadshowFactory()
    first, waiting = _register(roadshow, 2)
    elsewhere = services.registration_create(roadshow=other, user=UserFactory())

    # Lower case and spaces are fine.
    typed = " ".join(first.code.lower())
    checked = services.checkin(roadshow=roadshow, code=typed, by=staff)
    assert checked.pk == first.pk and checked.checked_in_at is not None
    roadshow.refresh_from_db()
    assert roadshow.checked_in_count == 1

    def refused(code, expected):
        with pytest.raises(ValidationError) as error:
            services.checkin(roadshow=roadshow, code=code, by=staff)
        assert error.value.code == expected

    refused(first.code, "used")
    refused(elsewhere.code, "wrong_event")
    refused(new_checkin_code(), "unknown")
    refused("", "empty")
    refused(waiting.code, "waitlisted")
    services.registration_cancel(registration=elsewhere, by=elsewhere.user)
    with pytest.raises(ValidationError) as error:
        services.checkin(roadshow=other, code=elsewhere.code, by=staff)
    assert error.value.code == "cancelled"


def test_checkin_needs_staff():
    registration = services.registration_create(roadshow=RoadshowFactory(), user=UserFactory())
    with pytest.raises(PermissionDenied):
        services.checkin(
            roadshow=registration.roadshow, code=registration.code, by=registration.user
        )


def test_checked_in_registration_cannot_be_cancelled():
    registration = services.registration_create(roadshow=RoadshowFactory(), user=UserFactory())
    services.checkin(roadshow=registration.roadshow, code=registration.code, by=StaffFactory())
    with pytest.raises(ValidationError):
        services.registration_cancel(registration=registration, by=registration.user)


# Projects -----------------------------------------------------------------------------------


def test_submit_then_publish_through_the_shared_workflow():
    project = ProjectFactory(draft=True)
    submission = services.project_submit(project=project, by=project.lead)
    assert submission.reference.startswith("PJ-")
    assert submission.status == "submitted"
    project.refresh_from_db()
    assert project.status == ProjectStatus.SUBMITTED
    with pytest.raises(ValidationError):
        services.project_submit(project=project, by=project.lead)

    staff = StaffFactory()
    services.project_publish(project=project, by=staff)
    project.refresh_from_db()
    submission.refresh_from_db()
    assert project.status == "published" and project.published_at is not None
    assert submission.status == "approved"


def test_reject_returns_the_project_to_a_draft():
    project = ProjectFactory(draft=True)
    services.project_submit(project=project, by=project.lead)
    staff = StaffFactory()
    with pytest.raises(ValidationError):
        services.project_reject(project=project, by=staff, reason="")
    services.project_reject(project=project, by=staff, reason="缺少商业计划")
    project.refresh_from_db()
    assert project.status == "draft"
    assert ProjectSubmission.objects.get(project=project).status == "rejected"
    # It can be submitted again.
    services.project_submit(project=project, by=project.lead)


def test_only_the_team_submits_and_only_staff_publish():
    project = ProjectFactory(draft=True)
    with pytest.raises(PermissionDenied):
        services.project_submit(project=project, by=UserFactory())
    member = UserFactory()
    project.members.add(member)
    services.project_submit(project=project, by=member)
    with pytest.raises(PermissionDenied):
        services.project_publish(project=project, by=project.lead)


def test_search_finds_chinese_and_english():
    project = ProjectFactory(title_zh="固态锂电池电解质产业化", title_en="Solid-state electrolytes")
    ProjectFactory(title_zh="手术机器人")
    from projects.models import Project

    assert list(Project.objects.search("锂电池")) == [project]
    assert list(Project.objects.search("electrolyte")) == [project]


def test_projects_are_searched_as_policies_are():
    """Sub-words, English stems, the thesaurus and a title above a summary, as in the policy
    library (talentportal.search)."""
    from projects.models import Project

    in_title = ProjectFactory(
        title_zh="工业机器人视觉检测系统", title_en="Vision inspection for industrial robots"
    )
    in_summary = ProjectFactory(
        title_zh="智能制造平台", summary_zh="面向中小企业的机器人集成服务。"
    )
    ProjectFactory(title_zh="手术导航软件", summary_zh="医院用的手术导航。")

    assert list(Project.objects.search("机器人")) == [in_title, in_summary]
    assert list(Project.objects.search("视觉检测")) == [in_title]
    assert list(Project.objects.search("机器")) == [in_title, in_summary]  # a part of a word
    assert list(Project.objects.search("robot")) == [in_title]  # robots, stemmed
    SearchSynonym.objects.create(term="机械臂", alternatives=["机器人"])
    assert set(Project.objects.search("机械臂")) == {in_title, in_summary}


# Interest -------------------------------------------------------------------------------------


def test_interest_accept_shows_contacts_and_notifies():
    user, investor = investor_member()
    project = ProjectFactory()
    interest = services.interest_express(
        investor=investor, project=project, by=user, message="想进一步了解"
    )
    assert Notification.objects.filter(recipient=project.lead).exists()
    again = services.interest_express(investor=investor, project=project, by=user)
    assert again.pk == interest.pk
    with pytest.raises(PermissionDenied):
        services.interest_accept(interest=interest, by=user)
    services.interest_accept(interest=interest, by=project.lead)
    interest.refresh_from_db()
    assert interest.is_accepted
    assert Notification.objects.filter(recipient=user).exists()
    with pytest.raises(ValidationError):
        services.interest_decline(interest=interest, by=project.lead)


def test_unverified_investor_or_draft_project_cannot_express_interest():
    user, investor = investor_member(pending=True)
    with pytest.raises(PermissionDenied):
        services.interest_express(investor=investor, project=ProjectFactory(), by=user)
    user, investor = investor_member()
    with pytest.raises(ValidationError):
        services.interest_express(investor=investor, project=ProjectFactory(draft=True), by=user)
    assert not Interest.objects.exists()


def test_decline():
    interest = InterestFactory()
    services.interest_decline(interest=interest, by=interest.project.lead)
    interest.refresh_from_db()
    assert interest.status == "declined"


# Matchmaking ----------------------------------------------------------------------------------


def test_matching_investors_ranked_by_fit():
    project = ProjectFactory(stage="seed", funding_sought=5_000_000, region=region("330106"))
    best = InvestorFactory(name="A 全部吻合")  # industry, stage, ticket, anywhere: 10
    best_regions = InvestorFactory(name="B 浙江")
    best_regions.regions.set([region("330000")])  # Zhejiang covers the district: 10
    elsewhere = InvestorFactory(name="C 江苏")
    elsewhere.regions.set([region("320000")])  # 9
    stage_only = InvestorFactory(
        name="D 阶段", industries=[industry("biomedicine")], ticket_min=0, ticket_max=100
    )  # stage 3 + anywhere 1 = 4
    InvestorFactory(name="E 无关", industries=[industry("biomedicine")], stages=["b_plus"])
    InvestorFactory(name="F 未认证", pending=True)
    ranked = list(services.matching_investors(project))
    assert [i.name for i in ranked] == [
        best.name,
        best_regions.name,
        elsewhere.name,
        stage_only.name,
    ]
    assert [i.fit for i in ranked] == [10, 10, 9, 4]


def test_matching_projects_ranked_by_fit():
    investor = InvestorFactory()
    investor.regions.set([region("330000")])
    fits = ProjectFactory(region=region("330106"))
    too_big = ProjectFactory(funding_sought=900_000_000)
    ProjectFactory(industry=industry("biomedicine"), stage="b_plus")
    ProjectFactory(draft=True)
    ranked = list(services.matching_projects(investor))
    assert ranked == [fits, too_big]
    assert [p.fit for p in ranked] == [10, 8]


def test_counters_never_exceed_capacity_in_the_database():
    roadshow = RoadshowFactory(capacity=1)
    with pytest.raises(IntegrityError):
        Roadshow.objects.filter(pk=roadshow.pk).update(registered_count=2)
