"""The invariants the database keeps, whatever the code path (raw writes included), and the
querysets every page and the admin share."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from ecosystem.models import (
    Alliance,
    AllianceMembership,
    Feedback,
    FinancialApplication,
    FinancialProduct,
    KeyEnterprise,
    ServicePoint,
    ServicePointDesignation,
)
from tests.ecosystem.factories import (
    AllianceFactory,
    DesignationFactory,
    InstitutionFactory,
    KeyEnterpriseFactory,
    MembershipFactory,
    ProductFactory,
    ServicePointFactory,
    feedback_at,
)
from tests.policies.factories import region
from tests.talents.factories import EnterpriseFactory, TalentFactory

pytestmark = pytest.mark.django_db


def violates(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


# Constraints ------------------------------------------------------------------------------


def test_membership_is_an_enterprise_or_an_institution_never_both_or_neither():
    alliance = AllianceFactory()
    enterprise = EnterpriseFactory()
    violates(lambda: AllianceMembership.objects.create(alliance=alliance))
    violates(
        lambda: AllianceMembership.objects.create(
            alliance=alliance, enterprise=enterprise, institution_name="天津大学"
        )
    )
    AllianceMembership.objects.create(alliance=alliance, enterprise=enterprise)
    AllianceMembership.objects.create(alliance=alliance, institution_name="天津大学")
    violates(lambda: AllianceMembership.objects.create(alliance=alliance, enterprise=enterprise))
    violates(
        lambda: AllianceMembership.objects.create(alliance=alliance, institution_name="天津大学")
    )


def test_key_enterprise_once_per_list():
    entry = KeyEnterpriseFactory()
    violates(
        lambda: KeyEnterprise.objects.create(
            list=entry.list, enterprise=entry.enterprise, stage="listed"
        )
    )
    violates(lambda: KeyEnterprise.objects.filter(pk=entry.pk).update(stage="bankrupt"))


def test_product_figures_and_tiers_are_checked():
    product = ProductFactory()
    rows = FinancialProduct.objects.filter(pk=product.pk)
    violates(lambda: rows.update(max_amount=0))
    violates(lambda: rows.update(annual_rate=150))
    violates(lambda: rows.update(term_months=0))
    violates(lambda: rows.update(eligible_tiers=["A", "Z"]))
    rows.update(eligible_tiers=["A", "E"], annual_rate="3.45")


def test_institution_verified_needs_a_time():
    violates(lambda: InstitutionFactory(is_verified=True, verified_at=None))


def test_service_point_names_unique_per_region_and_kinds_known():
    point = ServicePointFactory()
    violates(lambda: ServicePointFactory(name_zh=point.name_zh, region=point.region))
    ServicePointFactory(name_zh=point.name_zh, region=region("330200"))
    violates(lambda: ServicePoint.objects.filter(pk=point.pk).update(kind="castle"))
    designation = DesignationFactory(service_point=point)
    violates(
        lambda: ServicePointDesignation.objects.create(
            service_point=point, title_zh=designation.title_zh, year=designation.year
        )
    )
    violates(lambda: DesignationFactory(service_point=point, year=1850))


def test_feedback_rating_range_and_order_of_the_lifecycle():
    submitted = feedback_at("submitted")
    rows = Feedback.objects.filter(pk=submitted.pk)
    # Not answered: no rating, no publication, no answer without department and author.
    violates(lambda: rows.update(rating=4, rated_at=timezone.now()))
    violates(lambda: rows.update(is_published=True, publish_consent=True))
    violates(lambda: rows.update(answered_at=timezone.now(), answer="答复"))
    violates(lambda: rows.update(routed_at=timezone.now()))

    answered = feedback_at("answered")
    rows = Feedback.objects.filter(pk=answered.pk)
    for bad in (0, 6):
        violates(lambda bad=bad: rows.update(rating=bad))
    violates(lambda: rows.update(is_published=True))  # no consent
    violates(lambda: rows.update(answer=""))
    violates(lambda: rows.update(answered_at=answered.routed_at - datetime.timedelta(minutes=1)))
    violates(lambda: rows.update(category="gossip"))
    rows.update(rating=5, publish_consent=True, is_published=True)


def test_one_open_financial_application_per_product():
    product = ProductFactory()
    applicant = TalentFactory().user
    FinancialApplication.objects.create(
        applicant=applicant, product=product, reference="FA-2026-900001", purpose="x"
    )
    violates(
        lambda: FinancialApplication.objects.create(
            applicant=applicant,
            product=product,
            reference="FA-2026-900002",
            purpose="y",
            status="submitted",
        )
    )
    FinancialApplication.objects.create(
        applicant=applicant,
        product=product,
        reference="FA-2026-900003",
        purpose="z",
        status="withdrawn",
    )
    violates(
        lambda: FinancialApplication.objects.create(
            applicant=applicant,
            product=ProductFactory(),
            reference="FA-2026-900004",
            purpose="z",
            amount=0,
        )
    )


# Querysets --------------------------------------------------------------------------------


def test_in_region_includes_the_regions_below():
    xihu = ServicePointFactory(region=region("330106"))
    hangzhou = ServicePointFactory(region=region("330100"))
    ningbo = ServicePointFactory(region=region("330212"))
    assert set(ServicePoint.objects.in_region(region("330100"))) == {xihu, hangzhou}
    assert set(ServicePoint.objects.in_region(region("330000"))) == {xihu, hangzhou, ningbo}
    assert set(ServicePoint.objects.in_region(region("330106"))) == {xihu}


def test_published_products_need_a_verified_institution():
    shown = ProductFactory()
    ProductFactory(is_published=False)
    ProductFactory(institution=InstitutionFactory(is_verified=False, verified_at=None))
    assert list(FinancialProduct.objects.published()) == [shown]
    hidden = AllianceFactory(is_published=False)
    assert hidden not in Alliance.objects.published()


def test_memberships_of_user():
    membership = MembershipFactory()
    member = membership.enterprise.members.create(user=TalentFactory().user).user
    MembershipFactory()
    assert list(AllianceMembership.objects.of_user(member)) == [membership]


def test_english_fields_fall_back_to_chinese():
    point = ServicePointFactory(name_en="", host_en="Host")
    with translation.override("en"):
        assert point.name == point.name_zh
        assert point.host == "Host"
    with translation.override("zh-hans"):
        assert point.host == point.host_zh
    membership = MembershipFactory(
        enterprise=None, institution_name="南开大学", institution_name_en="Nankai University"
    )
    with translation.override("en"):
        assert membership.member_name == "Nankai University"
    assert membership.member_name == "南开大学"


def test_feedback_deadline_is_due_on_and_overdue_only_until_answered():
    routed = feedback_at("routed")
    assert routed.answer_due_on == routed.due_on is not None
    late = routed.due_on + datetime.timedelta(days=1)
    assert routed.is_overdue(late) and not routed.is_overdue(routed.due_on)
    answered = feedback_at("answered")
    assert not answered.is_overdue(answered.due_on + datetime.timedelta(days=30))
    assert list(Feedback.objects.overdue(late)) == [routed]
