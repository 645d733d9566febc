import datetime
import uuid
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ecosystem import services
from ecosystem.models import Feedback, FeedbackCategory, FinancialApplication
from talentportal.choices import TalentTier
from talentportal.models import (
    AccountKind,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    Notification,
)
from talentportal.workflow import TransitionError, applications_of
from tests.concurrency import race
from tests.ecosystem.factories import (
    DepartmentFactory,
    KeyEnterpriseFactory,
    MembershipFactory,
    ProductFactory,
    department_member,
    feedback_at,
    router,
)
from tests.policies.factories import region
from tests.talentportal.factories import StaffFactory, UserFactory
from tests.talents.factories import EnterpriseFactory, TalentFactory, recruiter

S = ApplicationStatus
pytestmark = pytest.mark.django_db


def at(year, month, day):
    """Django's clock stopped at 10:00 Shanghai time on that day."""
    moment = datetime.datetime(year, month, day, 10, tzinfo=timezone.get_current_timezone())
    return mock.patch("django.utils.timezone.now", return_value=moment)


# Feedback lifecycle ----------------------------------------------------------------------


def submit(applicant, **fields):
    return services.feedback_submit(
        applicant=applicant,
        category=fields.pop("category", FeedbackCategory.POLICY),
        region=fields.pop("region", region("330106")),
        title=fields.pop("title", "子女入学政策咨询"),
        description=fields.pop("description", "高层次人才子女入学需要哪些材料？"),
        **fields,
    )


def test_submit_files_feedback_in_my_applications_with_the_enterprise():
    member = recruiter()
    feedback = submit(member)
    assert feedback.status == S.SUBMITTED
    assert feedback.reference.startswith("FB-")
    assert feedback.enterprise == member.enterprise_memberships.get().enterprise
    assert feedback.due_on is None  # the deadline starts when it is routed
    assert [a.reference for a in applications_of(member)] == [feedback.reference]


@pytest.mark.parametrize("kind", [AccountKind.STAFF, AccountKind.INVESTOR, AccountKind.EXPERT])
def test_only_talents_and_enterprise_members_file_feedback(kind):
    with pytest.raises(PermissionDenied):
        submit(UserFactory(kind=kind))
    assert not Feedback.objects.exists()


def test_submission_is_announced_to_the_routers_of_its_region():
    province, hangzhou, ningbo = router(), router(region("330100")), router(region("330200"))
    feedback = submit(UserFactory(kind=AccountKind.TALENT))  # in Xihu, Hangzhou
    told = set(
        Notification.objects.filter(subject__contains=feedback.reference).values_list(
            "recipient", flat=True
        )
    )
    assert {province.pk, hangzhou.pk} <= told
    assert ningbo.pk not in told


def test_attachment_is_checked_and_a_bad_one_saves_nothing():
    talent = UserFactory(kind=AccountKind.TALENT)
    pdf = SimpleUploadedFile("notice.pdf", b"%PDF-1.4 notice", content_type="application/pdf")
    feedback = submit(talent, attachment=pdf)
    assert ApplicationDocument.objects.filter(reference=feedback.reference).count() == 1

    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        submit(talent, attachment=fake)
    assert Feedback.objects.count() == 1


def test_route_sets_department_and_a_deadline_of_ten_working_days():
    feedback = feedback_at("submitted")
    department = DepartmentFactory()
    department_member(department)
    staff = router()
    with at(2026, 11, 20):  # a Friday
        services.feedback_route(feedback=feedback, department=department, by=staff)
    feedback.refresh_from_db()
    assert feedback.status == S.IN_REVIEW
    assert feedback.department == department
    assert feedback.routed_by == staff
    # Friday 20 November + 10 working days = Friday 4 December.
    assert feedback.answer_due_on == datetime.date(2026, 12, 4)
    message = Notification.objects.filter(recipient=feedback.applicant).latest("pk")
    assert department.name_zh in message.body
    assert "2026-12-04" in message.body
    # The department is told what to answer and by when, without the submitter's name.
    (told,) = Notification.objects.filter(recipient=department.members.get())
    assert feedback.reference in told.subject
    assert "2026-12-04" in told.body and department.name_zh in told.body
    assert feedback.applicant.display_name not in told.body
    assert told.url == feedback.get_admin_url()


def test_deadline_follows_the_setting(settings):
    settings.FEEDBACK_ANSWER_WORKING_DAYS = 1
    feedback = feedback_at("routed")
    assert feedback.due_on <= timezone.localdate() + datetime.timedelta(days=3)


def test_route_needs_the_permission_and_the_region():
    feedback = feedback_at("submitted")  # in Xihu, Hangzhou
    department = DepartmentFactory()
    with pytest.raises(PermissionDenied):
        services.feedback_route(
            feedback=feedback, department=department, by=department_member(department)
        )
    with pytest.raises(PermissionDenied):
        services.feedback_route(
            feedback=feedback, department=department, by=router(staff_region=region("330200"))
        )
    services.feedback_route(
        feedback=feedback, department=department, by=router(staff_region=region("330100"))
    )
    assert feedback.status == S.IN_REVIEW


def test_route_refuses_a_department_of_another_region():
    feedback = feedback_at("submitted")
    with pytest.raises(ValidationError):
        services.feedback_route(
            feedback=feedback, department=DepartmentFactory(region=region("330200")), by=router()
        )
    feedback.refresh_from_db()
    assert feedback.status == S.SUBMITTED and feedback.department is None


def test_only_the_routed_department_answers():
    feedback = feedback_at("routed")
    with pytest.raises(PermissionDenied):
        services.feedback_answer(feedback=feedback, answer="答复", by=department_member())
    with pytest.raises(PermissionDenied):
        services.feedback_answer(feedback=feedback, answer="答复", by=router())
    with pytest.raises(PermissionDenied):
        services.feedback_answer(feedback=feedback, answer="答复", by=StaffFactory())
    member = feedback.department.members.get()
    with pytest.raises(ValidationError):
        services.feedback_answer(feedback=feedback, answer="   ", by=member)
    services.feedback_answer(feedback=feedback, answer="已办结。", by=member)
    feedback.refresh_from_db()
    assert feedback.status == S.APPROVED
    assert (feedback.answer, feedback.answered_by) == ("已办结。", member)
    told = Notification.objects.filter(recipient=feedback.applicant).latest("created_at")
    assert "已办结。" in told.body


def test_unrouted_feedback_cannot_be_answered():
    department = DepartmentFactory()
    member = department_member(department)
    feedback = feedback_at("submitted")
    with pytest.raises(PermissionDenied):
        services.feedback_answer(feedback=feedback, answer="答复", by=member)


def test_answered_feedback_cannot_be_answered_again():
    feedback = feedback_at("answered")
    with pytest.raises(TransitionError):
        services.feedback_answer(
            feedback=feedback, answer="再答", by=feedback.department.members.get()
        )


def test_only_the_submitter_rates_once_answered_and_only_once():
    feedback = feedback_at("routed")
    with pytest.raises(ValidationError):
        services.feedback_rate(feedback=feedback, rating=4, by=feedback.applicant)
    services.feedback_answer(feedback=feedback, answer="答复", by=feedback.department.members.get())
    with pytest.raises(PermissionDenied):
        services.feedback_rate(feedback=feedback, rating=4, by=recruiter())
    for bad in (0, 6):
        with pytest.raises(ValidationError):
            services.feedback_rate(feedback=feedback, rating=bad, by=feedback.applicant)
    services.feedback_rate(
        feedback=feedback, rating=4, comment="很及时", publish=True, by=feedback.applicant
    )
    with pytest.raises(ValidationError):
        services.feedback_rate(feedback=feedback, rating=1, by=feedback.applicant)
    feedback.refresh_from_db()
    assert (feedback.rating, feedback.rating_comment, feedback.publish_consent) == (
        4,
        "很及时",
        True,
    )
    assert ApplicationEvent.objects.filter(
        reference=feedback.reference, comment__contains="4/5"
    ).exists()


def test_publish_needs_consent_and_staff():
    without = feedback_at("answered")
    services.feedback_rate(feedback=without, rating=3, publish=False, by=without.applicant)
    with pytest.raises(ValidationError):
        services.feedback_publish(feedback=without, by=router())

    consented = feedback_at("rated")
    with pytest.raises(PermissionDenied):
        services.feedback_publish(feedback=consented, by=consented.applicant)
    with pytest.raises(PermissionDenied):
        services.feedback_publish(feedback=consented, by=consented.department.members.get())
    services.feedback_publish(feedback=consented, by=router())
    assert list(Feedback.objects.public_board()) == [consented]
    assert Notification.objects.filter(
        recipient=consented.applicant, subject__contains=consented.reference
    ).exists()


def test_submitter_withdraws_consent_and_leaves_the_board():
    feedback = feedback_at("published")
    services.feedback_unpublish(feedback=feedback, by=feedback.applicant)
    feedback.refresh_from_db()
    assert not feedback.is_published and not feedback.publish_consent
    assert not Feedback.objects.public_board().exists()
    with pytest.raises(PermissionDenied):
        services.feedback_unpublish(feedback=feedback, by=recruiter())


def test_public_board_shows_only_published_answered_consented():
    feedback_at("answered")
    feedback_at("rated")
    published = feedback_at("published")
    assert list(Feedback.objects.public_board()) == [published]


def test_overdue_listing_for_staff():
    ningbo = DepartmentFactory(region=region("330200"))
    with at(2026, 11, 2):  # a Monday: answers due Monday 16 November
        late = feedback_at("routed")
        feedback_at("answered")
        elsewhere = feedback_at("routed", region=region("330212"), department=ningbo)
        feedback_at("submitted")  # not routed: no deadline yet
    assert late.due_on == datetime.date(2026, 11, 16)
    assert list(services.feedback_overdue(today=datetime.date(2026, 11, 16))) == []
    day_after = datetime.date(2026, 11, 17)
    assert set(services.feedback_overdue(today=day_after)) == {late, elsewhere}
    assert late.is_overdue(day_after) and not late.is_overdue(datetime.date(2026, 11, 16))
    scoped = router(staff_region=region("330100"))
    assert list(services.feedback_overdue(by=scoped, today=day_after)) == [late]
    member = ningbo.members.get()
    assert list(services.feedback_overdue(by=member, today=day_after)) == [elsewhere]


# Concurrency ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_form_sent_twice_at_once_files_one_feedback():
    talent = TalentFactory().user
    key = uuid.uuid4()

    outcomes = race(*(lambda: submit(talent, submission_key=key) for _ in range(2)))

    assert all(isinstance(outcome, Feedback) for outcome in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Feedback.objects.filter(applicant=talent).count() == 1
    assert submit(talent, submission_key=uuid.uuid4()).pk != outcomes[0].pk


@pytest.mark.django_db(transaction=True)
def test_two_staff_routing_at_once_route_once():
    feedback = feedback_at("submitted")
    first, second = DepartmentFactory(), DepartmentFactory()
    staff = [router(), router()]
    outcomes = race(
        lambda: services.feedback_route(
            feedback=Feedback.objects.get(pk=feedback.pk), department=first, by=staff[0]
        ),
        lambda: services.feedback_route(
            feedback=Feedback.objects.get(pk=feedback.pk), department=second, by=staff[1]
        ),
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], TransitionError)
    feedback.refresh_from_db()
    winner = next(o for o in outcomes if isinstance(o, Feedback))
    assert feedback.department_id == winner.department_id
    assert (
        ApplicationEvent.objects.filter(reference=feedback.reference, to_status=S.IN_REVIEW).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_members_answering_at_once_answer_once():
    department = DepartmentFactory()
    members = [department_member(department), department_member(department)]
    feedback = feedback_at("routed", department=department)
    outcomes = race(
        *(
            lambda m=m: services.feedback_answer(
                feedback=Feedback.objects.get(pk=feedback.pk), answer=f"{m.pk} 的答复", by=m
            )
            for m in members
        )
    )
    assert sum(isinstance(o, TransitionError) for o in outcomes) == 1
    feedback.refresh_from_db()
    assert feedback.answer == f"{feedback.answered_by_id} 的答复"
    assert (
        ApplicationEvent.objects.filter(reference=feedback.reference, to_status=S.APPROVED).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_on_two_connections_makes_one_application():
    product = ProductFactory()
    applicant = talent_of_tier("A")
    outcomes = race(
        *(
            lambda: services.financial_application_save(
                product=product, applicant=applicant, amount=100, purpose="研发", submit=True
            )
            for _ in range(2)
        )
    )
    assert sum(isinstance(o, FinancialApplication) for o in outcomes) == 1
    assert sum(isinstance(o, ValidationError) for o in outcomes) == 1
    assert FinancialApplication.objects.get().status == S.SUBMITTED


# Financial applications ----------------------------------------------------------------


def talent_of_tier(tier, valid_until=None):
    return TalentFactory(tier=tier, tier_valid_until=valid_until).user


def test_product_open_to_everyone():
    product = ProductFactory()
    assert services.product_eligibility(product=product, user=talent_of_tier("")).eligible
    assert services.product_eligibility(product=product, user=recruiter()).eligible
    assert not services.product_eligibility(product=product, user=StaffFactory()).eligible


def test_eligibility_by_tier():
    product = ProductFactory(eligible_tiers=[TalentTier.A, TalentTier.B])
    assert services.product_eligibility(product=product, user=talent_of_tier("B")).eligible
    result = services.product_eligibility(product=product, user=talent_of_tier("D"))
    assert not result.eligible and "D" in result.reasons[0]
    expired = talent_of_tier("A", valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert not services.product_eligibility(product=product, user=expired).eligible
    assert not services.product_eligibility(product=product, user=recruiter()).eligible


def test_eligibility_by_enterprise_type():
    product = ProductFactory(eligible_enterprise_types=["high_tech", "startup"])
    assert services.product_eligibility(product=product, user=recruiter()).eligible
    pending = recruiter(pending=True)
    assert not services.product_eligibility(product=product, user=pending).eligible
    assert not services.product_eligibility(product=product, user=talent_of_tier("A")).eligible


def test_apply_draft_then_submit_and_not_twice():
    product = ProductFactory(max_amount=1_000_000)
    member = recruiter()
    draft = services.financial_application_save(
        product=product, applicant=member, amount=500_000, purpose="研发投入"
    )
    assert draft.status == S.DRAFT and draft.reference.startswith("FA-")
    submitted = services.financial_application_save(
        product=product, applicant=member, amount=800_000, purpose="研发投入", submit=True
    )
    assert submitted.pk == draft.pk and submitted.status == S.SUBMITTED
    assert FinancialApplication.objects.get().amount == 800_000
    assert (
        FinancialApplication.objects.get().enterprise
        == member.enterprise_memberships.get().enterprise
    )
    with pytest.raises(ValidationError):
        services.financial_application_save(
            product=product, applicant=member, amount=1, purpose="再次", submit=True
        )
    assert FinancialApplication.objects.count() == 1


def test_apply_checks_amount_eligibility_and_publication():
    product = ProductFactory(max_amount=1_000_000, eligible_tiers=["A"])
    with pytest.raises(ValidationError):
        services.financial_application_save(
            product=product, applicant=talent_of_tier("C"), amount=10, purpose="x"
        )
    applicant = talent_of_tier("A")
    for amount in (0, 1_000_001):
        with pytest.raises(ValidationError):
            services.financial_application_save(
                product=product, applicant=applicant, amount=amount, purpose="x"
            )
    hidden = ProductFactory(is_published=False)
    unverified = ProductFactory(institution__is_verified=False, institution__verified_at=None)
    for closed in (hidden, unverified):
        with pytest.raises(ValidationError):
            services.financial_application_save(
                product=closed, applicant=applicant, amount=10, purpose="x"
            )
    assert not FinancialApplication.objects.exists()


def test_institution_staff_process_only_their_products():
    product, other = ProductFactory(), ProductFactory()
    applicant = talent_of_tier("A")
    application = services.financial_application_save(
        product=product, applicant=applicant, amount=10, purpose="x", submit=True
    )
    from tests.ecosystem.factories import staff_with

    officer = staff_with("change_financialapplication", "view_financialapplication")
    assert application.can_process(officer)
    other.institution.staff.add(officer)
    officer = type(officer).objects.get(pk=officer.pk)
    assert not application.can_process(officer)
    product.institution.staff.add(officer)
    assert application.can_process(officer)
    ningbo = staff_with("change_financialapplication", staff_region=region("330200"))
    assert not application.can_process(ningbo)


# Memberships ------------------------------------------------------------------------------


def test_memberships_and_key_listings_of_an_enterprise_member():
    enterprise = EnterpriseFactory()
    member = recruiter(enterprise)
    mine = MembershipFactory(enterprise=enterprise)
    MembershipFactory()  # another enterprise's
    listing = KeyEnterpriseFactory(enterprise=enterprise)
    assert list(services.memberships_of(member)) == [mine]
    assert list(services.key_listings_of(member)) == [listing]
    assert not services.memberships_of(UserFactory()).exists()


def test_submitting_a_draft_checks_it_again():
    product = ProductFactory(max_amount=1_000_000, eligible_tiers=["A"])
    applicant = talent_of_tier("A")
    draft = services.financial_application_save(
        product=product, applicant=applicant, amount=None, purpose="周转"
    )
    with pytest.raises(ValidationError) as refused:
        services.financial_application_submit(application=draft, by=applicant)
    assert refused.value.code == "incomplete"
    draft.amount = 2_000
    draft.save(update_fields=["amount"])
    product.eligible_tiers = ["B"]  # the tier rule changed since the draft was saved
    product.save(update_fields=["eligible_tiers"])
    with pytest.raises(ValidationError):
        services.financial_application_submit(application=draft, by=applicant)
    assert FinancialApplication.objects.get().status == S.DRAFT
    product.eligible_tiers = ["A"]
    product.save(update_fields=["eligible_tiers"])
    services.financial_application_submit(application=draft, by=applicant)
    assert draft.status == S.SUBMITTED
    assert FinancialApplication.objects.get().status == S.SUBMITTED
    with pytest.raises(ValidationError, match=draft.reference):
        services.financial_application_submit(application=draft, by=applicant)
