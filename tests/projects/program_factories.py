"""Factories of the talent programs part: programs, calls with tracks and criteria, experts,
applications and reviews."""

import datetime

import factory
from django.utils import timezone

from projects.models import (
    Call,
    Conflict,
    Criterion,
    Expert,
    Program,
    ProgramApplication,
    ReviewAssignment,
    Track,
)
from talentportal.choices import Degree
from talentportal.models import AccountKind, ApplicationStatus, Discipline, Region
from talentportal.workflow import reference_next
from tests.talentportal.factories import UserFactory

DISCIPLINE = "0812"  # Computer science and technology
OTHER_DISCIPLINE = "1001"  # Basic medicine


def discipline(code: str = DISCIPLINE) -> Discipline:
    return Discipline.objects.get(code=code)


def region(code: str = "330000") -> Region:
    return Region.objects.get(code=code)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name_zh = factory.Sequence(lambda n: f"测试人才计划{n}")
    name_en = factory.Sequence(lambda n: f"Test Talent Program {n}")
    level = "provincial"
    region = factory.LazyFunction(region)
    organiser_zh = "省人才办"
    organiser_en = "Provincial Talent Office"


class CallFactory(factory.django.DjangoModelFactory):
    """An open call (opened yesterday, closes in thirty days) with no age or degree limit."""

    class Meta:
        model = Call

    program = factory.SubFactory(ProgramFactory)
    year = 2026
    round = factory.Sequence(lambda n: n + 1)
    title_zh = factory.Sequence(lambda n: f"2026年度第{n}批申报")
    title_en = factory.Sequence(lambda n: f"2026 call, round {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    experts_per_application = 2
    max_load = 10


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    call = factory.SubFactory(CallFactory)
    name_zh = factory.Sequence(lambda n: f"科技创新类{n}")
    name_en = factory.Sequence(lambda n: f"Science and innovation {n}")
    quota = 2


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    call = factory.SubFactory(CallFactory)
    name_zh = factory.Sequence(lambda n: f"评审指标{n}")
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1
    min_score = 0
    max_score = 100


class ExpertFactory(factory.django.DjangoModelFactory):
    """An expert in computer science, available for `calls=[...]`."""

    class Meta:
        model = Expert
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, kind=AccountKind.EXPERT)
    name = factory.Sequence(lambda n: f"专家{n}")
    organisation = factory.Sequence(lambda n: f"测试大学{n}")
    region = factory.LazyFunction(region)

    @factory.post_generation
    def disciplines(obj, create, extracted, **kwargs):
        if create:
            obj.disciplines.set(extracted if extracted is not None else [discipline()])

    @factory.post_generation
    def industries(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.industries.set(extracted)

    @factory.post_generation
    def calls(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.available_calls.set(extracted)


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conflict

    expert = factory.SubFactory(ExpertFactory)


class ProgramApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application in computer science (the workflow is skipped: for set-ups)."""

    class Meta:
        model = ProgramApplication

    applicant = factory.SubFactory(UserFactory, kind=AccountKind.TALENT)
    reference = factory.LazyFunction(lambda: reference_next("PG"))
    track = factory.SubFactory(TrackFactory)
    call = factory.SelfAttribute("track.call")
    status = ApplicationStatus.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)
    full_name = factory.Sequence(lambda n: f"申请人{n}")
    employer = factory.Sequence(lambda n: f"申请单位{n}")
    highest_degree = Degree.DOCTORATE
    birth_year = 1985
    discipline = factory.LazyFunction(discipline)
    project_title = factory.Sequence(lambda n: f"项目{n}")
    summary = "研究成果与计划。"


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ProgramApplicationFactory)
    expert = factory.SubFactory(ExpertFactory)


def call_with(*, tracks=1, criteria=((2, 0, 100), (1, 0, 10)), **call_fields) -> Call:
    """A call with `tracks` tracks and criteria given as (weight, min, max)."""
    call = CallFactory(**call_fields)
    for _n in range(tracks):
        TrackFactory(call=call)
    for weight, low, high in criteria:
        CriterionFactory(call=call, weight=weight, min_score=low, max_score=high)
    return call


def committed_seed(call: Call, staff) -> str:
    """Commit to a draw seed for `call` as staff did before it closed (returns the seed)."""
    from projects.programs.expert_draw import draw_commit

    return draw_commit(call=call, by=staff, now=min(call.opens_at, timezone.now()))


def draw(call: Call, staff):
    """The first draw of `call`: commit to a seed, then draw with it."""
    from projects.programs.expert_draw import expert_draw

    return expert_draw(call=call, by=staff, seed=committed_seed(call, staff))
