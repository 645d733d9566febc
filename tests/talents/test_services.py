import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from talentportal.choices import Degree
from talentportal.models import ApplicationStatus, Industry, Notification
from talentportal.workflow import (
    TransitionError,
    application_approve,
    application_reject,
    application_start_review,
    application_submit,
    application_withdraw,
)
from talents.models import (
    ContactRequest,
    DemandApplication,
    Enterprise,
    EnterpriseMember,
    Evaluation,
    Experience,
    InternshipApplication,
    Talent,
    TalentCard,
    VerificationStatus,
)
from talents.services import (
    applications_for_enterprise,
    contact_request_create,
    demand_application_create,
    demand_create,
    enterprise_member_add,
    enterprise_register,
    enterprise_reject,
    enterprise_verify,
    evaluation_confirm,
    evaluation_nominate,
    experience_years,
    internship_application_create,
    internship_create,
    talent_card_revoke,
    talent_card_verify,
    talent_profile_create,
    talent_profile_update,
)
from tests.concurrency import race
from tests.policies.factories import region
from tests.talentportal.factories import StaffFactory, UserFactory
from tests.talents.factories import (
    DemandFactory,
    EnterpriseFactory,
    InternshipFactory,
    TalentFactory,
    discipline,
    recruiter,
    staff_with,
)

pytestmark = pytest.mark.django_db

D = datetime.date
PNG_HEADER = b"\x89PNG\r\n\x1a\n"


def enterprise_of(user) -> Enterprise:
    return Enterprise.objects.of_member(user).get()


# --- profiles --------------------------------------------------------------------------------


def test_profile_update_keeps_the_derived_search_columns_current():
    talent = TalentFactory(highest_degree=Degree.NONE, years_experience=0)
    materials = Industry.objects.get(code="new-materials")
    talent_profile_update(
        talent=talent,
        headline="锂电池正极材料研发",
        skills=[" Python ", "python", "锂电池", ""],
        industries=[materials],
        work_regions=[region("330100")],
        educations=[
            {
                "degree": Degree.BACHELOR,
                "discipline": discipline("0703"),
                "school": "南京大学",
                "graduation_year": 2012,
            },
            {
                "degree": Degree.DOCTORATE,
                "discipline": discipline("0805"),
                "school": "Imperial College London",
                "graduation_year": 2017,
                "overseas": True,
            },
        ],
        experiences=[
            {"employer": "A", "title": "研究员", "start": D(2017, 9, 1), "end": D(2020, 9, 1)},
            {"employer": "B", "title": "顾问", "start": D(2019, 9, 1), "end": D(2021, 9, 1)},
        ],
    )
    talent.refresh_from_db()
    assert talent.highest_degree == Degree.DOCTORATE
    assert talent.main_discipline_id == "0805" and talent.graduation_year == 2017
    assert talent.years_experience == 4  # 2017-09 .. 2021-09, the overlap counted once
    assert talent.has_overseas
    assert talent.skills == ["python", "锂电池"]
    assert "python" in talent.search_tokens and "研究员" in talent.search_tokens
    assert list(talent.industries.all()) == [materials]
    assert Talent.objects.searchable().matching(discipline="08", years=(4, 4)).get() == talent

    # Replacing the records recomputes everything.
    talent_profile_update(talent=talent, educations=[], experiences=[])
    talent.refresh_from_db()
    assert talent.highest_degree == Degree.NONE and talent.main_discipline_id is None
    assert talent.years_experience == 0 and not talent.has_overseas


def test_profile_update_refuses_invalid_values_and_unknown_fields():
    talent = TalentFactory()
    with pytest.raises(ValidationError):
        talent_profile_update(talent=talent, birth_year=1800)
    with pytest.raises(ValidationError):
        talent_profile_update(
            talent=talent,
            experiences=[
                {"employer": "A", "title": "x", "start": D(2020, 1, 1), "end": D(2019, 1, 1)}
            ],
        )
    with pytest.raises(TypeError):
        talent_profile_update(talent=talent, tier="A")  # tiers come from evaluations only
    with pytest.raises(ValidationError):
        talent_profile_update(talent=talent, contact_visible_to_verified=True)  # no consent


def test_profile_create_is_for_talent_accounts_and_idempotent():
    user = UserFactory(kind="talent", display_name="王芳")
    talent = talent_profile_create(user=user, current_region=region("330100"))
    assert talent.name == "王芳" and not talent.listed  # hidden until the talent decides
    assert talent_profile_create(user=user) == talent
    with pytest.raises(ValidationError):
        talent_profile_create(user=UserFactory(kind="enterprise"))


def test_experience_years_merges_overlaps_and_counts_current_jobs_until_today():
    today = D(2026, 6, 30)
    jobs = [
        Experience(start=D(2010, 1, 1), end=D(2012, 1, 1)),
        Experience(start=D(2011, 1, 1), end=D(2013, 1, 1)),  # overlaps
        Experience(start=D(2020, 6, 30), end=None),  # current
        Experience(start=D(2030, 1, 1), end=None),  # in the future: ignored
    ]
    assert experience_years(jobs, today=today) == 3 + 6
    assert experience_years([], today=today) == 0


# --- enterprises -----------------------------------------------------------------------------


def evidence():
    return SimpleUploadedFile("营业执照.png", PNG_HEADER + b"not really", content_type="image/png")


def pdf_evidence():
    return SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4\n%%EOF\n")


def test_enterprise_registration_is_pending_with_the_user_as_admin():
    user = UserFactory(kind="enterprise")
    enterprise = enterprise_register(
        user=user,
        name="宁波甬江新材料有限公司",
        credit_code="91330100631706691m",
        region=region("330200"),
        size="small",
        evidence=pdf_evidence(),
    )
    assert enterprise.status == VerificationStatus.PENDING
    assert enterprise.credit_code == "91330100631706691M"
    assert enterprise.evidence.name.endswith(".pdf") and "营业执照" not in enterprise.evidence.name
    assert EnterpriseMember.objects.get(enterprise=enterprise).user == user
    with pytest.raises(ValidationError) as caught:
        enterprise_register(
            user=user,
            name="x",
            credit_code="91330100631706691N",
            region=region("330200"),
            size="small",
        )
    assert "credit_code" in caught.value.message_dict


def test_unverified_enterprises_cannot_search_or_post():
    member = recruiter(pending=True)
    enterprise = enterprise_of(member)
    with pytest.raises(PermissionDenied):
        demand_create(
            enterprise=enterprise, by=member, position_zh="工程师", region=region("330100")
        )
    with pytest.raises(PermissionDenied):
        contact_request_create(enterprise=enterprise, talent=TalentFactory(), by=member)


def test_region_scoped_staff_verify_only_their_region():
    ningbo = EnterpriseFactory(pending=True, region=region("330200"))
    hangzhou_staff = staff_with("change_enterprise", staff_region=region("330100"))
    ningbo_staff = staff_with("change_enterprise", staff_region=region("330200"))
    without_permission = UserFactory(kind="staff", is_staff=True)
    EnterpriseMember.objects.create(enterprise=ningbo, user=UserFactory(kind="enterprise"))

    for user in (hangzhou_staff, without_permission, recruiter()):
        with pytest.raises(PermissionDenied):
            enterprise_verify(enterprise=ningbo, by=user)
    ningbo.refresh_from_db()
    assert ningbo.status == VerificationStatus.PENDING

    enterprise_verify(enterprise=ningbo, by=ningbo_staff)
    ningbo.refresh_from_db()
    assert ningbo.status == VerificationStatus.VERIFIED and ningbo.verified_by == ningbo_staff
    assert Notification.objects.filter(
        recipient__enterprise_memberships__enterprise=ningbo
    ).exists()
    assert Enterprise.objects.editable_by(hangzhou_staff).filter(pk=ningbo.pk).count() == 0


def test_rejection_needs_a_reason_and_tells_the_members():
    enterprise = EnterpriseFactory(pending=True)
    member = UserFactory(kind="enterprise")
    EnterpriseMember.objects.create(enterprise=enterprise, user=member)
    staff = StaffFactory()
    with pytest.raises(ValidationError):
        enterprise_reject(enterprise=enterprise, by=staff, reason="  ")
    enterprise_reject(enterprise=enterprise, by=staff, reason="营业执照不清晰")
    enterprise.refresh_from_db()
    assert enterprise.status == VerificationStatus.REJECTED
    assert "营业执照不清晰" in Notification.objects.get(recipient=member).body


def test_only_enterprise_admins_add_members():
    enterprise = EnterpriseFactory()
    admin_user = UserFactory(kind="enterprise")
    EnterpriseMember.objects.create(enterprise=enterprise, user=admin_user, role="admin")
    colleague = UserFactory(kind="enterprise")
    enterprise_member_add(enterprise=enterprise, user=colleague, by=admin_user)
    with pytest.raises(PermissionDenied):
        enterprise_member_add(enterprise=enterprise, user=UserFactory(), by=colleague)
    assert enterprise.has_member(colleague)


# --- demands, internships and their applications ---------------------------------------------


def test_demand_and_internship_posting_by_members():
    member = recruiter()
    enterprise = enterprise_of(member)
    demand = demand_create(
        enterprise=enterprise,
        by=member,
        position_zh="电池研发工程师",
        region=region("330100"),
        discipline=discipline("0805"),
        min_degree=Degree.MASTER,
        min_years=3,
        salary_min=20_000,
        salary_max=35_000,
        is_published=True,
    )
    assert demand.enterprise == enterprise
    with pytest.raises(ValidationError):
        demand_create(
            enterprise=enterprise,
            by=member,
            position_zh="x",
            region=region("330100"),
            salary_min=40_000,
            salary_max=30_000,
        )
    internship = internship_create(
        enterprise=enterprise,
        by=member,
        position_zh="暑期实习生",
        region=region("330100"),
        school_year="year_3",
        duration_weeks=8,
        stipend=4_000,
    )
    assert internship.pk and not internship.is_published
    with pytest.raises(PermissionDenied):
        demand_create(
            enterprise=enterprise, by=recruiter(), position_zh="x", region=region("330100")
        )


@pytest.mark.parametrize(
    ("factory", "create", "model", "prefix"),
    [
        (
            DemandFactory,
            lambda posting, user: demand_application_create(demand=posting, applicant=user),
            DemandApplication,
            "DM-",
        ),
        (
            InternshipFactory,
            lambda posting, user: internship_application_create(
                internship=posting, applicant=user, school="浙江大学"
            ),
            InternshipApplication,
            "IN-",
        ),
    ],
)
def test_applications_go_through_the_workflow_and_the_enterprise_processes_them(
    factory, create, model, prefix
):
    posting = factory()
    member = recruiter(posting.enterprise)
    applicant = TalentFactory().user
    application = create(posting, applicant)
    assert isinstance(application, model) and application.reference.startswith(prefix)
    assert application.status == ApplicationStatus.DRAFT

    application_submit(application=application, by=applicant)
    # The enterprise's members are told and may process; nobody else may.
    assert Notification.objects.filter(recipient=member).exists()
    assert list(application.processors()) == [member]
    staff = StaffFactory()
    for outsider in (recruiter(), staff, applicant):
        assert not application.can_process(outsider)
    with pytest.raises(PermissionDenied):
        application_start_review(application=application, by=recruiter())
    with pytest.raises(PermissionDenied):
        application_approve(application=application, by=staff)

    application_start_review(application=application, by=member)
    application_reject(application=application, by=member, reason="岗位已满")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED and application.decided_by == member
    demands, internships = applications_for_enterprise(posting.enterprise)
    assert application in list(demands) + list(internships)


def test_an_enterprise_that_is_no_longer_verified_cannot_process():
    demand = DemandFactory()
    member = recruiter(demand.enterprise)
    applicant = TalentFactory().user
    application = demand_application_create(demand=demand, applicant=applicant)
    application_submit(application=application, by=applicant)
    Enterprise.objects.filter(pk=demand.enterprise_id).update(status="pending", verified_at=None)
    application = DemandApplication.objects.get(pk=application.pk)
    assert not application.can_process(member)


def test_one_application_per_person_and_posting_and_only_for_open_postings():
    demand = DemandFactory()
    applicant = TalentFactory().user
    first = demand_application_create(demand=demand, applicant=applicant)
    with pytest.raises(ValidationError) as caught:
        demand_application_create(demand=demand, applicant=applicant)
    assert caught.value.code == "duplicate"
    application_withdraw(application=first, by=applicant)
    demand_application_create(demand=demand, applicant=applicant)  # again, after withdrawing

    closed = DemandFactory(closing_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        demand_application_create(demand=closed, applicant=applicant)
    with pytest.raises(PermissionDenied):
        demand_application_create(demand=demand, applicant=recruiter())


# --- evaluation, cards and their verification ------------------------------------------------


def nominate(**kwargs):
    enterprise = kwargs.pop("enterprise", None) or EnterpriseFactory(evaluator=True)
    member = recruiter(enterprise)
    talent = kwargs.pop("talent", None) or TalentFactory(name="赵建国")
    evaluation = evaluation_nominate(
        enterprise=enterprise,
        talent=talent,
        by=member,
        proposed_tier=kwargs.pop("tier", "C"),
        evidence="国家级科技进步二等奖第一完成人",
    )
    application_submit(application=evaluation, by=member)
    return evaluation, member, talent


def test_a_nomination_whose_document_is_refused_leaves_nothing_behind():
    enterprise = EnterpriseFactory(evaluator=True)
    member = recruiter(enterprise)
    talent = TalentFactory()
    fields = {
        "enterprise": enterprise,
        "talent": talent,
        "by": member,
        "proposed_tier": "C",
        "evidence": "省级技能大师工作室领办人",
        "submit": True,
    }
    not_a_pdf = SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00 an executable")
    with pytest.raises(ValidationError):
        evaluation_nominate(document=not_a_pdf, **fields)
    assert not Evaluation.objects.filter(talent=talent).exists()
    # The corrected form goes through: it is not turned away as a second nomination.
    evaluation = evaluation_nominate(document=pdf_evidence(), **fields)
    assert evaluation.status == ApplicationStatus.SUBMITTED


def test_evaluation_confirmed_gives_a_tier_and_a_card_anyone_can_check():
    evaluation, _member, talent = nominate()
    staff = staff_with("change_evaluation")
    card = evaluation_confirm(evaluation=evaluation, by=staff, valid_from=D(2026, 3, 1))
    assert card.number.startswith("TC-2026-") and len(card.number) == len("TC-2026-000001")
    assert (card.tier, card.valid_from, card.valid_until) == ("C", D(2026, 3, 1), D(2031, 2, 28))
    talent.refresh_from_db()
    evaluation.refresh_from_db()
    assert talent.tier == "C" and talent.tier_valid_until == D(2031, 2, 28)
    assert evaluation.status == ApplicationStatus.APPROVED and evaluation.confirmed_tier == "C"
    assert Notification.objects.filter(recipient=talent.user, subject__contains="C").exists()

    check = talent_card_verify(card.number.lower(), today=D(2027, 1, 1))
    assert check.is_valid and check.masked_name == "赵**" and check.tier == "C"
    assert "建国" not in repr(check)
    assert talent_card_verify(card.number, today=D(2031, 3, 1)).status == "expired"
    assert talent_card_verify(card.number, today=D(2026, 2, 1)).status == "not_yet_valid"
    assert talent_card_verify("TC-2026-999999") is None
    assert talent_card_verify("") is None


def test_staff_may_confirm_another_tier_and_a_new_card_replaces_the_old():
    evaluation, _member, talent = nominate(tier="C")
    staff = StaffFactory()
    first = evaluation_confirm(evaluation=evaluation, by=staff)
    second_evaluation, _m, _t = nominate(talent=talent, tier="B")
    second = evaluation_confirm(evaluation=second_evaluation, by=staff, tier="A")
    first.refresh_from_db()
    assert first.revoked_at is not None and second.tier == "A"
    assert talent_card_verify(first.number).status == "revoked"
    assert TalentCard.objects.valid().get(talent=talent) == second


def test_only_authorised_verified_evaluators_nominate():
    plain = EnterpriseFactory(is_evaluator=False)
    with pytest.raises(PermissionDenied):
        evaluation_nominate(
            enterprise=plain,
            talent=TalentFactory(),
            by=recruiter(plain),
            proposed_tier="D",
            evidence="x",
        )
    unverified = EnterpriseFactory(evaluator=True, pending=True)
    with pytest.raises(PermissionDenied):
        evaluation_nominate(
            enterprise=unverified,
            talent=TalentFactory(),
            by=recruiter(unverified),
            proposed_tier="D",
            evidence="x",
        )
    assert not Evaluation.objects.exists()


def test_evaluations_are_processed_by_staff_of_the_enterprise_region():
    evaluation, member, _talent = nominate(
        enterprise=EnterpriseFactory(evaluator=True, region=region("330200"))
    )
    hangzhou = staff_with("change_evaluation", staff_region=region("330100"))
    ningbo = staff_with("change_evaluation", staff_region=region("330200"))
    for user in (hangzhou, member):
        with pytest.raises(PermissionDenied):
            evaluation_confirm(evaluation=evaluation, by=user)
    assert not TalentCard.objects.exists()
    evaluation_confirm(evaluation=evaluation, by=ningbo)
    with pytest.raises(TransitionError):  # decided already
        evaluation_confirm(evaluation=evaluation, by=ningbo)
    assert TalentCard.objects.count() == 1


def test_revoking_the_last_card_removes_the_tier():
    evaluation, _member, talent = nominate()
    card = evaluation_confirm(evaluation=evaluation, by=StaffFactory())
    with pytest.raises(PermissionDenied):
        talent_card_revoke(card=card, by=recruiter(), reason="x")
    talent_card_revoke(card=card, by=StaffFactory(), reason="材料造假")
    talent.refresh_from_db()
    assert talent.tier == "" and talent_card_verify(card.number).status == "revoked"


# --- races -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_recruiters_asking_at_once_make_one_open_request():
    talent = TalentFactory()
    enterprise = EnterpriseFactory()
    first, second = recruiter(enterprise), recruiter(enterprise)
    results = race(
        lambda: contact_request_create(enterprise=enterprise, talent=talent, by=first),
        lambda: contact_request_create(enterprise=enterprise, talent=talent, by=second),
    )
    created = [r for r in results if isinstance(r, ContactRequest)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(created) == 1 and len(refused) == 1, results
    assert refused[0].code == "duplicate"
    assert ContactRequest.objects.filter(enterprise=enterprise, talent=talent).count() == 1
    # The talent was told once.
    assert Notification.objects.filter(recipient=talent.user).count() == 1
