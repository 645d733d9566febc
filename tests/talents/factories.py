"""Factories of the talent library. Talents are listed (findable) by default: visible to
verified enterprises, with the profile-search consent in force."""

import random

import factory
from django.utils import timezone

from talentportal.choices import Degree
from talentportal.models import AccountKind, Discipline
from talentportal.workflow import reference_next
from talents.demo import credit_code
from talents.models import (
    Consent,
    ConsentPurpose,
    Demand,
    Enterprise,
    EnterpriseMember,
    EnterpriseSize,
    Internship,
    MemberRole,
    Talent,
    VerificationStatus,
    Visibility,
)
from tests.policies.factories import region
from tests.talentportal.factories import UserFactory, staff_member

_codes = random.Random(20260101)


def discipline(code: str) -> Discipline:
    """A discipline of the catalogue (loaded by the test database set-up)."""
    return Discipline.objects.get(code=code)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    user = factory.SubFactory(UserFactory)
    purpose = ConsentPurpose.PROFILE_SEARCH
    notice_version = "2026-01"


class TalentFactory(factory.django.DjangoModelFactory):
    """A findable talent. `consents=[...]` chooses the consents in force (default: the
    profile-search consent only)."""

    class Meta:
        model = Talent
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, kind=AccountKind.TALENT)
    name = factory.Faker("name", locale="zh_CN")
    current_region = factory.LazyFunction(lambda: region("330106"))
    visibility = Visibility.VERIFIED_ENTERPRISES
    highest_degree = Degree.MASTER
    years_experience = 3

    @factory.post_generation
    def consents(obj, create, extracted, **kwargs):
        if not create:
            return
        purposes = [ConsentPurpose.PROFILE_SEARCH] if extracted is None else extracted
        for purpose in purposes:
            ConsentFactory(user=obj.user, purpose=purpose)
        obj.refresh_from_db(fields=["search_consent", "listed"])


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """A verified enterprise in Hangzhou with a valid credit code."""

    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"杭州测试科技有限公司{n}")
    credit_code = factory.LazyFunction(lambda: credit_code(_codes, "330100"))
    region = factory.LazyFunction(lambda: region("330100"))
    size = EnterpriseSize.MEDIUM
    status = VerificationStatus.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)

    class Params:
        pending = factory.Trait(status=VerificationStatus.PENDING, verified_at=None)
        evaluator = factory.Trait(is_evaluator=True)


class EnterpriseMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseMember

    enterprise = factory.SubFactory(EnterpriseFactory)
    user = factory.SubFactory(UserFactory, kind=AccountKind.ENTERPRISE)
    role = MemberRole.RECRUITER


def recruiter(enterprise: Enterprise | None = None, **enterprise_kwargs):
    """A member of `enterprise` (by default a new verified one)."""
    enterprise = enterprise or EnterpriseFactory(**enterprise_kwargs)
    return EnterpriseMemberFactory(enterprise=enterprise).user


class DemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Demand

    enterprise = factory.SubFactory(EnterpriseFactory)
    position_zh = factory.Sequence(lambda n: f"锂电池材料研发工程师{n}")
    position_en = factory.Sequence(lambda n: f"Battery materials R&D engineer {n}")
    region = factory.LazyFunction(lambda: region("330100"))
    min_degree = Degree.MASTER
    min_years = 2
    salary_min = 15_000
    salary_max = 25_000
    is_published = True


class InternshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Internship

    enterprise = factory.SubFactory(EnterpriseFactory)
    position_zh = factory.Sequence(lambda n: f"数据分析实习生{n}")
    region = factory.LazyFunction(lambda: region("330200"))
    duration_weeks = 12
    stipend = 3_000
    is_published = True


def staff_with(*codenames: str, staff_region=None, **kwargs):
    """A staff member (not a superuser) with these talents permissions."""
    return staff_member(app="talents", codenames=codenames, staff_region=staff_region, **kwargs)


def evaluation_reference() -> str:
    return reference_next("EV")
