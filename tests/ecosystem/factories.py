"""Factories of the talent ecosystem. Content is published and in Hangzhou by default;
`feedback_at(stage)` builds feedback at a stage of its lifecycle through the services."""

import datetime

import factory
from django.utils import timezone

from ecosystem import services
from ecosystem.models import (
    Alliance,
    AllianceActivity,
    AllianceKind,
    AllianceMembership,
    Department,
    Feedback,
    FeedbackCategory,
    FinancialInstitution,
    FinancialProduct,
    InstitutionKind,
    KeyEnterprise,
    KeyEnterpriseList,
    MaturityStage,
    ProductKind,
    ServicePoint,
    ServicePointDesignation,
    ServicePointEvent,
    ServicePointKind,
)
from tests.policies.factories import region
from tests.talentportal.factories import staff_member
from tests.talents.factories import EnterpriseFactory, recruiter


class ServicePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint

    kind = ServicePointKind.HOMELAND
    name_zh = factory.Sequence(lambda n: f"测试大学人才之家{n}")
    name_en = factory.Sequence(lambda n: f"Test University Talent Homeland {n}")
    region = factory.LazyFunction(lambda: region("330106"))
    host_zh = "测试大学"
    host_en = "Test University"
    address_zh = "杭州市西湖区余杭塘路866号"
    opening_hours_zh = "工作日 9:00–17:00"
    phone = "0571-88888888"
    email = "homeland@example.edu.cn"
    is_published = True


class DesignationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePointDesignation

    service_point = factory.SubFactory(ServicePointFactory)
    title_zh = "第一批重点建设单位"
    title_en = "First batch of key construction units"
    year = 2023
    awarded_by_zh = "省委人才办"


class ServicePointEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePointEvent

    service_point = factory.SubFactory(ServicePointFactory)
    title_zh = factory.Sequence(lambda n: f"青年人才沙龙{n}")
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


class AllianceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alliance

    kind = AllianceKind.INDUSTRY
    name_zh = factory.Sequence(lambda n: f"测试产业人才联盟{n}")
    name_en = factory.Sequence(lambda n: f"Test Industry Talent Alliance {n}")
    region = factory.LazyFunction(lambda: region("330100"))
    lead_organisation_zh = "测试集团"
    founded_on = datetime.date(2022, 6, 1)
    is_published = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllianceMembership

    alliance = factory.SubFactory(AllianceFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    joined_on = datetime.date(2023, 3, 1)


class AllianceActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllianceActivity

    alliance = factory.SubFactory(AllianceFactory)
    title_zh = factory.Sequence(lambda n: f"产教对接会{n}")
    date = datetime.date(2025, 9, 1)


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancialInstitution

    kind = InstitutionKind.BANK
    name_zh = factory.Sequence(lambda n: f"测试银行{n}")
    region = factory.LazyFunction(lambda: region("330100"))
    is_verified = True
    verified_at = factory.LazyFunction(timezone.now)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancialProduct

    institution = factory.SubFactory(InstitutionFactory)
    kind = ProductKind.TALENT_LOAN
    name_zh = factory.Sequence(lambda n: f"人才贷{n}")
    name_en = factory.Sequence(lambda n: f"Talent loan {n}")
    max_amount = 5_000_000
    rate_zh = "LPR减50个基点"
    rate_en = "LPR − 50bp"
    term_months = 36
    region = factory.LazyFunction(lambda: region("330100"))
    is_published = True


class KeyEnterpriseListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyEnterpriseList

    year = 2026
    region = factory.LazyFunction(lambda: region("330100"))
    title_zh = "2026年度上市服务重点企业名单"
    criteria_zh = "营业收入、研发投入与股改进度达到上市培育标准。"
    published_on = datetime.date(2026, 3, 1)


class KeyEnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyEnterprise

    list = factory.SubFactory(KeyEnterpriseListFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    stage = MaturityStage.SHAREHOLDING


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        skip_postgeneration_save = True

    name_zh = factory.Sequence(lambda n: f"测试局{n}")
    name_en = factory.Sequence(lambda n: f"Test Bureau {n}")
    region = factory.LazyFunction(lambda: region("330100"))

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)


def staff_with(*codenames: str, staff_region=None, **kwargs):
    """A staff member (not a superuser) with these ecosystem permissions."""
    return staff_member(app="ecosystem", codenames=codenames, staff_region=staff_region, **kwargs)


def router(staff_region=None):
    """Staff who route and publish feedback (and see the queue in the admin)."""
    return staff_with(
        "route_feedback", "view_feedback", "change_feedback", staff_region=staff_region
    )


def department_member(department: Department | None = None):
    """A staff account of `department` (by default a new Hangzhou department)."""
    member = staff_with("view_feedback", "change_feedback")
    department = department or DepartmentFactory()
    department.members.add(member)
    return member


def feedback_at(stage: str = "submitted", *, applicant=None, department=None, **fields):
    """Feedback taken through the services up to `stage`: submitted, routed, answered,
    rated (with consent) or published."""
    applicant = applicant or recruiter()
    fields = {
        "category": FeedbackCategory.HOUSING,
        "region": region("330106"),
        "title": "人才公寓申请进度查询",
        "description": "提交申请已两个月，未收到审核结果。",
        **fields,
    }
    feedback = services.feedback_submit(applicant=applicant, **fields)
    stages = ["submitted", "routed", "answered", "rated", "published"]
    if stages.index(stage) >= 1:
        department = department or DepartmentFactory()
        if not department.members.exists():
            department_member(department)
        services.feedback_route(feedback=feedback, department=department, by=router())
    if stages.index(stage) >= 2:
        services.feedback_answer(
            feedback=feedback,
            answer="已协调住建部门，本周内完成审核。",
            by=department.members.first(),
        )
    if stages.index(stage) >= 3:
        services.feedback_rate(feedback=feedback, rating=5, publish=True, by=applicant)
    if stages.index(stage) >= 4:
        services.feedback_publish(feedback=feedback, by=router())
    feedback.refresh_from_db()
    return feedback


__all__ = ["Feedback"]
