"""Applications (deadline, eligibility, endorsement), reviews, scores, ranking and quota."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from projects.models import EndorsementStatus, ProgramApplication, ReviewAssignment
from projects.programs import services
from talentportal.choices import Degree
from talentportal.models import AccountKind, ApplicationStatus
from tests.projects.program_factories import (
    CallFactory,
    CriterionFactory,
    ExpertFactory,
    ProgramApplicationFactory,
    ReviewAssignmentFactory,
    TrackFactory,
    call_with,
    discipline,
    draw,
)
from tests.talentportal.factories import UserFactory
from tests.talents.factories import EnterpriseFactory, recruiter

pytestmark = pytest.mark.django_db

FIELDS = {
    "full_name": "张三",
    "employer": "浙江大学",
    "highest_degree": Degree.DOCTORATE,
    "birth_year": 1988,
    "project_title": "新型锂电池材料",
    "summary": "成果与计划",
}


def start(call, applicant=None, track=None, **fields):
    return services.program_application_start(
        call=call,
        applicant=applicant or UserFactory(kind=AccountKind.TALENT),
        track=track or call.tracks.first(),
        **{**FIELDS, "discipline": discipline(), **fields},
    )


# -- deadline ---------------------------------------------------------------------------------


def test_submission_accepted_until_the_last_microsecond_before_closing():
    call = call_with()
    application = start(call)
    services.program_application_submit(
        application=application,
        by=application.applicant,
        now=call.closes_at - datetime.timedelta(microseconds=1),
    )
    assert application.status == ApplicationStatus.SUBMITTED


def test_submission_refused_at_the_closing_instant_and_after():
    call = call_with()
    application = start(call)
    for now in (call.closes_at, call.closes_at + datetime.timedelta(seconds=1)):
        with pytest.raises(services.DeadlineError) as error:
            services.program_application_submit(
                application=application, by=application.applicant, now=now
            )
        assert error.value.code == "closed"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_deadline_uses_the_server_clock_in_shanghai_time(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    call = call_with(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(services.DeadlineError) as error:
        start(call)
    closes = timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")
    assert closes in error.value.messages[0]


def test_no_application_before_the_call_opens():
    call = call_with(opens_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(services.DeadlineError):
        start(call)
    assert not ProgramApplication.objects.exists()


# -- eligibility ------------------------------------------------------------------------------


def test_degree_and_age_checked_at_submission():
    call = call_with(min_degree=Degree.DOCTORATE, max_age=40, year=2026)
    young_doctor = start(call, birth_year=1986)  # 40 in 2026
    assert services.eligibility_problems(young_doctor) == []
    master = start(call, highest_degree=Degree.MASTER)
    old = start(call, birth_year=1985)  # 41
    for application in (master, old):
        with pytest.raises(ValidationError) as error:
            services.program_application_submit(application=application, by=application.applicant)
        assert {e.code for e in error.value.error_list} == {"ineligible"}
        application.refresh_from_db()
        assert application.status == ApplicationStatus.DRAFT


def test_one_application_per_call():
    call = call_with()
    applicant = UserFactory()
    start(call, applicant=applicant)
    with pytest.raises(ValidationError):
        start(call, applicant=applicant)


def test_only_the_applicant_submits_and_a_track_of_another_call_is_refused():
    call = call_with()
    application = start(call)
    with pytest.raises(PermissionDenied):
        services.program_application_submit(application=application, by=UserFactory())
    with pytest.raises(ValidationError):
        start(call, track=TrackFactory())


# -- endorsement ------------------------------------------------------------------------------


def test_endorsement_track_needs_the_enterprise_to_confirm():
    call = call_with()
    track = TrackFactory(call=call, needs_endorsement=True)
    enterprise = EnterpriseFactory()
    member = recruiter(enterprise)
    application = start(call, track=track, endorser=enterprise)
    assert application.endorsement_status == EndorsementStatus.REQUESTED
    assert member.notifications.count() == 1
    with pytest.raises(ValidationError):
        services.program_application_submit(application=application, by=application.applicant)
    with pytest.raises(PermissionDenied):
        services.endorsement_confirm(application=application, by=recruiter())
    services.endorsement_confirm(application=application, by=member)
    with pytest.raises(ValidationError):
        services.endorsement_decline(application=application, by=member)
    services.program_application_submit(application=application, by=application.applicant)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.endorsement_status == EndorsementStatus.CONFIRMED


def test_endorsement_track_without_endorser_is_not_eligible_and_decline_blocks():
    call = call_with()
    track = TrackFactory(call=call, needs_endorsement=True)
    application = start(call, track=track)
    assert services.eligibility_problems(application)
    enterprise = EnterpriseFactory()
    member = recruiter(enterprise)
    services.program_application_update(
        application=application, by=application.applicant, endorser=enterprise
    )
    services.endorsement_decline(application=application, by=member)
    application.refresh_from_db()
    assert application.endorsement_status == EndorsementStatus.DECLINED
    assert services.eligibility_problems(application)


# -- scoring ----------------------------------------------------------------------------------


def test_weighted_total_normalises_each_range_and_weighs():
    call = call_with(criteria=((2, 0, 100), (1, 0, 10)))
    first, second = call.criteria.all()
    assert services.weighted_total({first: 100, second: 10}) == Decimal("100.00")
    assert services.weighted_total({first: 0, second: 0}) == Decimal("0.00")
    # (2 × 80 + 1 × 50) / 3 = 70
    assert services.weighted_total({first: 80, second: 5}) == Decimal("70.00")


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        ([], None),
        ([Decimal(80)], Decimal("80.00")),
        ([Decimal(60), Decimal(90)], Decimal("75.00")),
        ([Decimal(x) for x in (10, 70, 80, 90, 100)], Decimal("80.00")),  # trims 10 and 100
        ([Decimal(x) for x in (50, 60, 70, 80)], Decimal("65.00")),  # four: no trim
    ],
)
def test_trimmed_mean(totals, expected):
    assert services.trimmed_mean(totals) == expected


def accepted_assignment(call=None, **kwargs):
    call = call or call_with()
    application = ProgramApplicationFactory(
        track=call.tracks.first(), status=ApplicationStatus.IN_REVIEW, **kwargs
    )
    assignment = ReviewAssignmentFactory(application=application)
    services.assignment_declare_no_conflict(assignment=assignment, by=assignment.expert.user)
    assignment.refresh_from_db()
    return assignment


def scores_for(call, *values):
    return dict(zip([c.pk for c in call.criteria.all()], values, strict=True))


def test_review_scores_are_range_checked_and_the_review_is_final():
    assignment = accepted_assignment()
    call = assignment.application.call
    user = assignment.expert.user
    with pytest.raises(ValidationError) as error:
        services.review_submit(
            assignment=assignment, by=user, scores=scores_for(call, 101, 5), comment="好"
        )
    assert list(error.value.message_dict) == [f"criterion_{call.criteria.first().pk}"]
    with pytest.raises(ValidationError):
        services.review_submit(assignment=assignment, by=user, scores={}, comment="")
    review = services.review_submit(
        assignment=assignment, by=user, scores=scores_for(call, 80, 5), comment="好"
    )
    assert review.total == Decimal("70.00")
    assert review.scores.count() == 2
    with pytest.raises(ValidationError) as error:
        services.review_submit(
            assignment=assignment, by=user, scores=scores_for(call, 10, 1), comment="again"
        )
    assert error.value.code == "submitted"


def test_review_needs_the_conflict_declaration_and_the_assigned_expert():
    call = call_with()
    application = ProgramApplicationFactory(
        track=call.tracks.first(), status=ApplicationStatus.IN_REVIEW
    )
    assignment = ReviewAssignmentFactory(application=application)
    with pytest.raises(ValidationError):
        services.review_submit(
            assignment=assignment,
            by=assignment.expert.user,
            scores=scores_for(call, 1, 1),
            comment="x",
        )
    with pytest.raises(PermissionDenied):
        services.assignment_declare_no_conflict(assignment=assignment, by=ExpertFactory().user)


def test_decline_draws_a_replacement(staff):
    call = call_with(experts_per_application=1)
    experts = ExpertFactory.create_batch(3, calls=[call])
    ProgramApplicationFactory(track=call.tracks.first())
    draw(call, staff)
    assignment = ReviewAssignment.objects.get()
    replacement = services.assignment_decline(
        assignment=assignment, by=assignment.expert.user, reason="时间冲突"
    )
    assert replacement is not None and replacement.kind == "redraw"
    active = ReviewAssignment.objects.active()
    assert active.count() == 1
    assert active.get().expert != assignment.expert
    assert {a.expert for a in ReviewAssignment.objects.all()} <= set(experts)


# -- ranking and quota ------------------------------------------------------------------------


def review(application, *totals):
    for total in totals:
        assignment = ReviewAssignmentFactory(application=application, status="submitted")
        assignment.review = services.Review.objects.create(
            assignment=assignment, comment="x", total=Decimal(total)
        )


def test_ranking_per_track_within_quota_flags_disagreement(staff):
    call = call_with()
    track = call.tracks.get()
    track.quota = 2
    track.save()
    low, high, middle, unscored = (ProgramApplicationFactory(track=track) for _ in range(4))
    review(low, 50, 60)
    review(high, 90, 95, 10, 100, 92)  # trimmed: 90, 92, 95
    review(middle, 40, 95)
    other_track = TrackFactory(call=call)
    review(ProgramApplicationFactory(track=other_track), 99)
    rows = services.track_ranking(track)
    assert [row.application for row in rows] == [high, middle, low, unscored]
    assert [row.rank for row in rows] == [1, 2, 3, None]
    assert [row.within_quota for row in rows] == [True, True, False, False]
    assert rows[0].score == Decimal("92.33")
    assert rows[1].disagreement and not rows[2].disagreement


def test_approval_refused_beyond_the_quota(staff):
    call = call_with()
    track = call.tracks.get()
    track.quota = 1
    track.save()
    first, second = ProgramApplicationFactory.create_batch(2, track=track)
    with pytest.raises(ValidationError) as error:
        services.ranking_approve(track=track, applications=[first, second], by=staff)
    assert error.value.code == "quota"
    services.ranking_approve(track=track, applications=[first], by=staff)
    with pytest.raises(ValidationError):
        services.ranking_approve(track=track, applications=[second], by=staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (
        ApplicationStatus.APPROVED,
        ApplicationStatus.SUBMITTED,
    )


def test_outcome_scores_only_when_the_call_shows_them(staff):
    call = CallFactory(scores_visible=True)
    CriterionFactory(call=call)
    application = ProgramApplicationFactory(track=TrackFactory(call=call))
    review(application, 70, 80)
    assert services.outcome_scores(application) is None
    services.ranking_approve(track=application.track, applications=[application], by=staff)
    application.refresh_from_db()
    assert services.outcome_scores(application) == [Decimal(80), Decimal(70)]


def test_decline_without_a_replacement_tells_staff(staff):
    call = call_with(experts_per_application=1)
    ExpertFactory(calls=[call])
    ProgramApplicationFactory(track=call.tracks.first())
    draw(call, staff)
    assignment = ReviewAssignment.objects.get()
    assert (
        services.assignment_decline(assignment=assignment, by=assignment.expert.user, reason="出差")
        is None
    )
    assignment.refresh_from_db()
    assert assignment.status == "declined"
    assert staff.notifications.filter(subject__contains=assignment.application.reference).exists()


# -- required materials (issue 19, point 4) ---------------------------------------------------


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attach(application, label):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.program_document_attach(
        application=application,
        by=application.applicant,
        upload=SimpleUploadedFile("m.pdf", PDF, content_type="application/pdf"),
        label=label,
    )


def test_a_call_refuses_submission_until_every_required_material_is_attached():
    from django.utils import translation

    call = call_with(
        materials_zh="申报书\n学历学位证书\n代表性成果\n推荐信\n身份证明",
        materials_en="Application form\nDegree certificates\nKey achievements\nReference\nID",
    )
    application = start(call)
    _attach(application, "申报书")
    with pytest.raises(ValidationError) as error:
        services.program_application_submit(application=application, by=application.applicant)
    assert len(error.value.messages) == 4
    assert any("学历学位证书" in message for message in error.value.messages)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    with translation.override("en"):
        problems = services.eligibility_problems(application)
    assert "Attach the required material: Key achievements." in problems
    for label in ("学历学位证书", "代表性成果", "推荐信", "身份证明"):
        _attach(application, label)
    services.program_application_submit(application=application, by=application.applicant)
    assert application.status == ApplicationStatus.SUBMITTED


def test_the_document_form_stores_the_chinese_name_in_english_too():
    from django.utils import translation

    from projects.programs.forms import DocumentForm

    call = call_with(materials_zh="申报书\n推荐信", materials_en="Application form")
    with translation.override("en"):
        choices = list(DocumentForm(call=call).fields["label"].choices)
    assert choices == [("申报书", "Application form"), ("推荐信", "推荐信")]
