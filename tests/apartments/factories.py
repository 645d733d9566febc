"""Factories and small builders for the apartments tests.

Times are explicit: a round opens at OPENS and closes at CLOSES, so tests call the services with
`now=DURING` or `now=AFTER` instead of waiting."""

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from stdnum.cn import ric

from apartments import services
from apartments.models import (
    AllocationMethod,
    AllocationRound,
    ApartmentApplication,
    Community,
    Layout,
    Lease,
    PreferenceGroup,
    RentRule,
    RoundUnit,
    Unit,
)
from talentportal.models import Region
from talentportal.workflow import reference_next
from tests.talentportal.factories import StaffFactory, UserFactory, staff_member

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPENS = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=SHANGHAI)
DURING = datetime.datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)
CLOSES = datetime.datetime(2026, 3, 15, 17, 0, tzinfo=SHANGHAI)
AFTER = datetime.datetime(2026, 3, 16, 9, 0, tzinfo=SHANGHAI)
SEED = "5f1c0e4a9b7d2c3e8f6a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e"

CHANGZHOU_DISTRICT = "320402"  # 天宁区, Changzhou
HANGZHOU_DISTRICT = "330106"  # 西湖区, Hangzhou

_id_numbers = itertools.count(1)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def resident_id(
    birth: datetime.date = datetime.date(1994, 5, 17), *, area: str = CHANGZHOU_DISTRICT, n=None
) -> str:
    """A valid 18-character resident ID number (real area code, birth date, check digit)."""
    sequence = next(_id_numbers) if n is None else n
    body = f"{area}{birth:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    name_zh = factory.Sequence(lambda n: f"测试人才社区{n}")
    name_en = factory.Sequence(lambda n: f"Test Talent Community {n}")
    region = factory.LazyFunction(lambda: region(CHANGZHOU_DISTRICT))
    address_zh = "常州市天宁区青洋北路1号"
    operator = "常州人才安居有限公司"
    facilities = factory.LazyFunction(lambda: ["coworking", "canteen", "gym"])
    tiers = factory.LazyFunction(list)
    min_degree = 0
    must_work_in_region = True
    must_not_own_home = True
    max_lease_months = 36
    is_published = True


class RentRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RentRule

    community = factory.SubFactory(CommunityFactory)
    tier = ""
    terms = "market"
    discount_percent = 0


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    community = factory.SubFactory(CommunityFactory)
    building = "1"
    floor = factory.Sequence(lambda n: 1 + n % 20)
    number = factory.Sequence(lambda n: f"{1 + n % 20}{n:04d}")
    layout = Layout.ONE_BED
    area_m2 = Decimal("48.50")
    monthly_rent = 2000
    furnished = True
    accessible = False


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationRound

    community = factory.SubFactory(CommunityFactory)
    title_zh = factory.Sequence(lambda n: f"2026年第{n}批人才公寓配租")
    title_en = factory.Sequence(lambda n: f"2026 allocation round {n}")
    opens_at = OPENS
    closes_at = CLOSES
    method = AllocationMethod.LOTTERY
    offer_days = 7


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PreferenceGroup

    round = factory.SubFactory(RoundFactory)
    code = factory.Sequence(lambda n: f"group{n}")
    kind = "family"
    name_zh = "家庭"
    name_en = "Families"


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A bare application row (for model tests); flows use `apply()`."""

    class Meta:
        model = ApartmentApplication

    applicant = factory.SubFactory(UserFactory)
    round = factory.SubFactory(RoundFactory)
    reference = factory.LazyFunction(lambda: reference_next("AA"))
    full_name = "张伟"
    id_number = factory.LazyFunction(resident_id)
    birth_date = datetime.date(1994, 5, 17)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    employer = "常州某科技有限公司"
    employed_in_region = True


def apartment_staff(*, region_code: str | None = None, **kwargs):
    """A staff member with every apartments permission (not a superuser), scoped to a region
    when `region_code` is given."""
    return staff_member(
        app="apartments", staff_region=region(region_code) if region_code else None, **kwargs
    )


def superuser():
    return StaffFactory()


def units(community, count, **kwargs) -> list[Unit]:
    return [UnitFactory(community=community, **kwargs) for _ in range(count)]


def open_round(*, units_=(), staff=None, seed=SEED, groups=(), **kwargs) -> AllocationRound:
    """A round with its units (RoundUnit rows) and preference groups — `groups` is a list of
    (PreferenceGroup fields, units set aside) — opened by staff with `seed`."""
    round = RoundFactory(**kwargs)
    for unit in units_:
        RoundUnit.objects.create(round=round, unit=unit, group=None)
    for position, (group_fields, group_units) in enumerate(groups):
        group = GroupFactory(round=round, position=position, **group_fields)
        for unit in group_units:
            RoundUnit.objects.update_or_create(round=round, unit=unit, defaults={"group": group})
    services.round_open(round=round, by=staff or superuser(), seed=seed, now=OPENS)
    return round


def declared(**overrides) -> dict:
    birth = overrides.pop("birth_date", datetime.date(1994, 5, 17))
    values = {
        "full_name": "张伟",
        "id_number": resident_id(birth),
        "birth_date": birth,
        "phone": "13900000000",
        "household_size": 1,
        "preferred_layouts": [],
        "employer": "常州某科技有限公司",
        "employed_in_region": True,
        "owns_home_in_city": False,
        "tier": "",
        "highest_degree": 2,
        "years_in_region": 2,
    }
    values.update(overrides)
    return values


def apply(round, applicant=None, *, submit=True, now=DURING, **overrides):
    """Start (and submit) an application through the services."""
    applicant = applicant or UserFactory()
    application = services.application_start(
        round=round, applicant=applicant, now=now, **declared(**overrides)
    )
    if submit:
        application = services.application_submit(application=application, by=applicant, now=now)
    return application


def drawn_round(*, applicants: int, unit_count: int, staff=None, method="lottery", **kwargs):
    """A drawn round: `unit_count` one-bed units, `applicants` eligible distinct people,
    closed, decided, frozen and drawn. Returns (round, applications by general rank)."""
    staff = staff or superuser()
    community = kwargs.pop("community", None) or CommunityFactory()
    round_units = units(community, unit_count)
    round = open_round(units_=round_units, staff=staff, community=community, method=method)
    for i in range(applicants):
        apply(
            round,
            full_name=f"申请人{i}",
            phone=f"138{i:08d}",
            years_in_region=i % 7,
            household_size=1 + i % 2,
        )
    services.round_close(round=round, by=staff, now=AFTER)
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff, now=AFTER)
    services.round_draw(round=round, by=staff, seed=SEED if method == "lottery" else None)
    ordered = list(round.applications.order_by("general_rank").select_related("applicant"))
    return round, ordered


def lease_for(unit, tenant=None, start=datetime.date(2026, 4, 1), months=12, **kwargs) -> Lease:
    """A lease written directly (bypassing the services), for constraint tests."""
    return Lease.objects.create(
        unit=unit,
        tenant=tenant or UserFactory(),
        start=start,
        end=services.add_months(start, months),
        monthly_rent=unit.monthly_rent,
        **kwargs,
    )
