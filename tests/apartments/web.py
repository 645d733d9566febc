"""Builders for the tests of the apartment pages and admin (on top of `factories`).

Pages run at the real clock, so a round that must accept applications opens yesterday and
closes next week; rounds that are past their window use the factories' fixed 2026 dates.
"""

import datetime

from django.utils import timezone

from apartments import services
from apartments.models import RoundUnit, UnitStatus
from tests.apartments.factories import (
    SEED,
    CommunityFactory,
    RoundFactory,
    UnitFactory,
    declared,
    drawn_round,
    superuser,
)
from tests.talentportal.factories import UserFactory

# The smallest valid PDF: what an upload must start with to be accepted.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="contract.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def accepting_round(*, community=None, unit_count=3, staff=None, method="lottery", **kwargs):
    """A round open for applications now, with `unit_count` one-bed units."""
    community = community or CommunityFactory()
    now = timezone.now()
    round = RoundFactory(
        community=community,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7),
        method=method,
        **kwargs,
    )
    for _ in range(unit_count):
        RoundUnit.objects.create(round=round, unit=UnitFactory(community=community))
    services.round_open(
        round=round, by=staff or superuser(), seed=SEED if method == "lottery" else None
    )
    return round


def form_data(**overrides) -> dict:
    """The application form as a browser posts it."""
    values = declared()
    data = {
        "full_name": values["full_name"],
        "id_number": values["id_number"],
        "birth_date": values["birth_date"].isoformat(),
        "phone": values["phone"],
        "household_size": "1",
        "layout_1": "",
        "layout_2": "",
        "layout_3": "",
        "employer": values["employer"],
        "employed_in_region": "yes",
        "years_in_region": "3",
        "owns_home_in_city": "no",
        "tier": "",
        "highest_degree": "2",
        "declaration": "on",
        "action": "submit",
    }
    data.update(overrides)
    return data


def offered_round(*, applicants=3, unit_count=2, staff=None):
    """A drawn round with offers made: (round, applications by general rank, offers)."""
    staff = staff or superuser()
    round, ordered = drawn_round(applicants=applicants, unit_count=unit_count, staff=staff)
    offers = services.allocation_commit(round=round, by=staff)
    return round, ordered, offers


def csv_file(text: str, name="units.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def other_talent():
    return UserFactory(kind="talent")


def available_units(community, count, **kwargs):
    return [
        UnitFactory(community=community, status=UnitStatus.AVAILABLE, **kwargs)
        for _ in range(count)
    ]
