import io
import random

import pytest
from django.db.models import Count

from ecosystem import demo as ecosystem_seed
from ecosystem.models import (
    Alliance,
    AllianceMembership,
    Feedback,
    FinancialProduct,
    KeyEnterprise,
    ServicePoint,
    ServicePointDesignation,
)
from talentportal import demo as core_seed
from talentportal.models import ApplicationEvent, ReferenceCounter
from talentportal.workflow import reference_next
from tests.policies.factories import region
from tests.talents.factories import EnterpriseFactory, recruiter

pytestmark = pytest.mark.django_db


def _seed(scale="small"):
    out = io.StringIO()
    core_seed.seed(scale="small", rng=random.Random("core"), stdout=out)
    ecosystem_seed.seed(scale=scale, rng=random.Random("ecosystem"), stdout=out)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            ServicePoint,
            ServicePointDesignation,
            Alliance,
            AllianceMembership,
            FinancialProduct,
            KeyEnterprise,
            Feedback,
            ApplicationEvent,
        )
    }


def test_small_seed_is_drawn_from_the_sources_and_idempotent():
    for index in range(12):  # as the talents seed makes them
        EnterpriseFactory(region=region("120116" if index % 2 else "330106"), is_demo=True)
    # An enterprise someone registered on the site: never made a member or a key enterprise.
    theirs = recruiter(region=region("120116")).enterprise_memberships.get().enterprise
    _seed()
    first = counts()
    assert _seed() and counts() == first

    names = set(ServicePoint.objects.values_list("name_en", flat=True))
    assert {
        "Red and Blue Talent Homeland",
        "Quzhou Overseas Returnees Entrepreneurship Park (Hangzhou)",
        "Zhejiang Talent Building",
        "Oriental Youth Talent Community Service Centre",
    } <= names
    assert set(ServicePoint.objects.values_list("kind", flat=True)) == {
        "homeland",
        "lounge",
        "enclave",
        "building",
        "innovation_centre",
        "academicians",
        "community_centre",
    }
    homeland = ServicePoint.objects.get(name_en="Red and Blue Talent Homeland")
    assert "1+2+N" in homeland.description_zh
    assert homeland.designations.get().title_zh.endswith("第一批重点建设单位")

    consortia = Alliance.objects.filter(kind="consortium")
    assert consortia.count() == 4
    # The source's totals: 514 members and 18,000 talents across the four consortia.
    assert sum(consortia.values_list("declared_members", flat=True)) == 514
    assert sum(consortia.values_list("talents_cultivated", flat=True)) == 18_000
    assert Alliance.objects.filter(name_en__contains="Aerospace").exists()
    # Representative members: seeded enterprises of the region, and named universities.
    assert AllianceMembership.objects.filter(enterprise__region__code__startswith="12").exists()
    assert AllianceMembership.objects.filter(institution_name="南开大学").exists()
    assert Alliance.objects.filter(
        name_zh__contains="333", activities__title_zh__contains="尚贤汇"
    ).exists()

    assert set(FinancialProduct.objects.published().values_list("name_en", flat=True)) >= {
        "Talent card",
        "Talent loan",
        "Talent benefit",
    }
    assert KeyEnterprise.objects.exists()
    assert not AllianceMembership.objects.filter(enterprise=theirs).exists()
    assert not KeyEnterprise.objects.filter(enterprise=theirs).exists()


def test_feedback_at_every_stage_some_on_the_board():
    _seed()
    statuses = set(Feedback.objects.values_list("status", flat=True))
    assert statuses == {"submitted", "in_review", "approved"}
    assert Feedback.objects.public_board().count() >= 2
    assert Feedback.objects.filter(rating__isnull=False, is_published=False).exists()
    # Each answered one was answered by a member of its department, through the workflow.
    for feedback in Feedback.objects.filter(answered_at__isnull=False):
        assert feedback.department.members.filter(pk=feedback.answered_by_id).exists()
        assert ApplicationEvent.objects.filter(
            reference=feedback.reference, to_status="approved"
        ).exists()


def test_large_seed_adds_bulk_feedback_once_with_timelines(monkeypatch):
    monkeypatch.setattr(ecosystem_seed, "LARGE_FEEDBACK", 60)
    _seed("large")
    bulk = Feedback.objects.filter(reference__startswith="FB-2025-")
    assert bulk.count() == 60
    first = counts()
    _seed("large")
    assert counts() == first
    by_status = dict(bulk.values_list("status").annotate(n=Count("pk")))
    assert set(by_status) == {"submitted", "in_review", "approved"}
    # Back-dated into last year, timelines included.
    assert not bulk.exclude(created_at__year=2025).exists()
    approved = bulk.filter(status="approved").first()
    assert (
        ApplicationEvent.objects.filter(
            reference=approved.reference, created_at__year__gte=2025
        ).count()
        == 4
    )
    # Numbers the workflow hands out later continue after the bulk ones.
    assert ReferenceCounter.objects.get(prefix="FB", year=2025).last == 60
    assert reference_next("FB", 2025) == "FB-2025-000061"
