"""Factories for projects, investors, roadshows, registrations and interest."""

import datetime

import factory
from django.utils import timezone

from projects.models import (
    Interest,
    Investor,
    InvestorKind,
    Project,
    ProjectStatus,
    Registration,
    Roadshow,
    RoadshowKind,
    RoadshowSlot,
    Stage,
    new_checkin_code,
)
from talentportal.models import AccountKind, Industry, Region
from talents.models import VerificationStatus
from tests.talentportal.factories import UserFactory


def region(code: str) -> Region:
    """A real region from the catalogues (Hangzhou 330100, its district 330106, Nanjing …)."""
    return Region.objects.get(code=code)


def industry(code: str = "artificial-intelligence") -> Industry:
    return Industry.objects.get(code=code)


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published AI project in Hangzhou, seed stage, seeking 5 million yuan."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    title_zh = factory.Sequence(lambda n: f"智能视觉检测项目{n}")
    title_en = factory.Sequence(lambda n: f"Machine vision project {n}")
    summary_zh = "工业机器视觉检测平台"
    lead = factory.SubFactory(UserFactory, kind=AccountKind.TALENT)
    industry = factory.LazyFunction(industry)
    region = factory.LazyFunction(lambda: region("330100"))
    stage = Stage.SEED
    funding_sought = 5_000_000
    needs = factory.LazyFunction(lambda: ["capital"])
    status = ProjectStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status=ProjectStatus.DRAFT, published_at=None)


class InvestorFactory(factory.django.DjangoModelFactory):
    """A verified VC investing in AI at seed and angel stage, 1–10 million yuan."""

    class Meta:
        model = Investor
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试创业投资基金{n}")
    name_en = factory.Sequence(lambda n: f"Test Venture Fund {n}")  # as every demo investor
    kind = InvestorKind.VC
    region = factory.LazyFunction(lambda: region("330100"))
    stages = factory.LazyFunction(lambda: [Stage.SEED, Stage.ANGEL])
    ticket_min = 1_000_000
    ticket_max = 10_000_000
    contact_name = "王经理"
    contact_phone = "0571-88888888"
    contact_email = factory.Sequence(lambda n: f"vc{n}@example.com")
    status = VerificationStatus.VERIFIED
    verified_at = factory.LazyFunction(timezone.now)

    class Params:
        pending = factory.Trait(status=VerificationStatus.PENDING, verified_at=None)

    @factory.post_generation
    def industries(obj, create, extracted, **kwargs):
        if create:
            obj.focus_industries.set(extracted if extracted is not None else [industry()])

    @factory.post_generation
    def member(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.add(extracted)


def investor_member(**investor_kwargs):
    """A user who is a member of a (by default verified) investor: (user, investor)."""
    user = UserFactory(kind=AccountKind.INVESTOR)
    return user, InvestorFactory(member=user, **investor_kwargs)


class RoadshowFactory(factory.django.DjangoModelFactory):
    """An upcoming roadshow in Hangzhou with 10 seats."""

    class Meta:
        model = Roadshow
        skip_postgeneration_save = True

    kind = RoadshowKind.ROADSHOW
    title_zh = factory.Sequence(lambda n: f"科创项目路演{n}")
    title_en = factory.Sequence(lambda n: f"Sci-tech roadshow {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    region = factory.LazyFunction(lambda: region("330100"))
    venue_zh = "杭州人才创业园路演厅"
    address = "杭州市西湖区"
    capacity = 10
    organiser_zh = "杭州市人才办"

    class Params:
        past = factory.Trait(
            starts_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
        )


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoadshowSlot

    roadshow = factory.SubFactory(RoadshowFactory)
    project = factory.SubFactory(ProjectFactory)
    position = factory.Sequence(lambda n: n + 1)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration written directly (tests of the services use the services)."""

    class Meta:
        model = Registration

    roadshow = factory.SubFactory(RoadshowFactory)
    user = factory.SubFactory(UserFactory)
    status = "confirmed"
    code = factory.LazyFunction(new_checkin_code)


class InterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interest

    investor = factory.SubFactory(InvestorFactory)
    project = factory.SubFactory(ProjectFactory)
    expressed_by = factory.SubFactory(UserFactory, kind=AccountKind.INVESTOR)
