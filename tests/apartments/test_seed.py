import io
import random

import pytest
from django.db.models import Count

from apartments import demo as apartments_seed
from apartments import lottery
from apartments.models import (
    AllocationRound,
    Community,
    Lease,
    Occupancy,
    Offer,
    Unit,
)
from talentportal import demo as core_seed
from talentportal.models import Region
from tests.apartments.factories import CommunityFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _seed():
    out = io.StringIO()
    core_seed.seed(scale="small", rng=random.Random("core"), stdout=out)
    apartments_seed.seed(scale="small", rng=random.Random("apartments"), stdout=out)
    return out.getvalue()


def test_small_seed_has_the_real_communities_and_a_round_in_every_state_idempotently():
    output = _seed()
    names = set(Community.objects.values_list("name_en", flat=True))
    assert {"Oriental Youth Talent Community", "Manbai Future Talent Community"} <= names
    cities = {code[:4] for code in Community.objects.values_list("region", flat=True)}
    assert cities == {"3204", "3301", "3302", "3205", "3201", "3208", "1201"}
    assert 300 <= Unit.objects.count() <= 500
    assert all(community.photos.count() == 2 for community in Community.objects.all())

    states = set(AllocationRound.objects.values_list("status", flat=True))
    assert states == {"draft", "open", "closed", "frozen", "drawn", "finished"}
    assert set(AllocationRound.objects.values_list("method", flat=True)) == {"lottery", "queue"}
    # Every drawn or finished round verifies from its published values.
    for round in AllocationRound.objects.filter(status__in=["frozen", "drawn", "finished"]):
        check = lottery.verify(round)
        assert check.ok, (round, check.problems)
        if round.is_lottery and round.status != "frozen":
            assert round.revealed_seed == apartments_seed.demo_round_seed(round.title_zh)
    # Offers in every state, each accepted one with its lease.
    assert set(Offer.objects.values_list("status", flat=True)) == {
        "pending",
        "accepted",
        "declined",
        "expired",
    }
    accepted = Offer.objects.filter(status="accepted")
    assert accepted.count() == Lease.objects.count() > 0
    assert not accepted.filter(lease__isnull=True).exists()
    # The closed round waits for staff: possible duplicates flagged.
    closed = AllocationRound.objects.get(status="closed")
    assert closed.applications.unresolved_duplicates().count() == 2
    # The open lottery published its commitment; the demo seed that drawing needs is printed.
    opened = AllocationRound.objects.get(status="open", method="lottery")
    assert opened.seed_commitment == lottery.commitment(
        apartments_seed.demo_round_seed(opened.title_zh)
    )
    assert apartments_seed.demo_round_seed(opened.title_zh) in output
    # Units let have leases; the summary adds up.
    assert (
        Unit.objects.filter(status="let").count() == Lease.objects.filter(status="active").count()
    )
    totals = Occupancy.objects.totals()
    assert totals["units"] == Unit.objects.count() and totals["let"] == Lease.objects.count()

    # Idempotent: a second run adds nothing and changes no round.
    counts = [model.objects.count() for model in (Community, Unit, AllocationRound, Offer, Lease)]
    statuses = list(AllocationRound.objects.order_by("pk").values_list("status", flat=True))
    again = io.StringIO()
    apartments_seed.seed(scale="small", rng=random.Random("apartments"), stdout=again)
    assert "units: 0 new" in again.getvalue() and "rounds: 0 new" in again.getvalue()
    assert counts == [
        model.objects.count() for model in (Community, Unit, AllocationRound, Offer, Lease)
    ]
    assert statuses == list(AllocationRound.objects.order_by("pk").values_list("status", flat=True))


def test_units_and_declarations_are_deterministic():
    spec = apartments_seed.COMMUNITIES[0]
    community = CommunityFactory()
    first = apartments_seed.small_units(spec, community, random.Random("x"))
    again = apartments_seed.small_units(spec, community, random.Random("x"))
    assert first == again and len(first) == spec.buildings * spec.floors * spec.per_floor
    user = type(
        "U", (), {"display_name": "陈思远", "get_full_name": lambda self: "", "username": "u"}
    )()
    assert apartments_seed.declaration(random.Random(1), user, 0) == apartments_seed.declaration(
        random.Random(1), user, 0
    )


def test_large_plan_reaches_450000_units_with_changzhou_at_78000():
    counties = list(
        Region.objects.filter(level=3, code__regex=r"^(32|33|12)")
        .order_by("code")
        .values_list("code", "name_zh", "name_en")
    )
    plan = apartments_seed._large_plan(counties, random.Random(3))
    total = sum(size for *_rest, size in plan)
    changzhou = sum(size for code, *_rest, size in plan if code.startswith("3204"))
    assert 449_000 <= total <= 450_000
    assert 77_900 <= changzhou <= 78_000
    assert all(0 < size <= 1500 for *_rest, size in plan)
    assert plan == apartments_seed._large_plan(counties, random.Random(3))


def test_large_leases_fill_let_units_once_with_households_that_fit():
    core_seed.seed(scale="small", rng=random.Random("core"), stdout=io.StringIO())
    community = CommunityFactory()
    for layout in ("studio", "one_bed", "two_bed", "three_bed"):
        UnitFactory.create_batch(5, community=community, layout=layout, status="let")
    UnitFactory(community=community, status="available")
    # A community staff made: its let units are theirs to lease.
    UnitFactory.create_batch(2, community=CommunityFactory(), status="let")
    assert apartments_seed.large_leases_ensure(communities=[community]) == 20
    assert apartments_seed.large_leases_ensure(communities=[community]) == 0
    leases = Lease.objects.select_related("unit")
    assert {lease.unit.community for lease in leases} == {community}
    assert all(lease.tenant.is_demo for lease in leases)
    assert {lease.unit.status for lease in leases} == {"let"}
    for lease in leases:
        assert 1 <= lease.residents <= lease.unit.capacity
        assert lease.end > lease.start
    assert Lease.objects.values("tenant").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert Occupancy.objects.filter(community=community).totals()["residents"] == sum(
        lease.residents for lease in leases
    )


def test_large_leases_give_the_units_to_the_demo_talents_in_turn():
    """The n-th unit (by id) goes to the n-th demo talent (by id), round the list again when
    there are more units than talents."""
    from talentportal.models import User

    core_seed.seed(scale="small", rng=random.Random("core"), stdout=io.StringIO())
    tenants = list(
        User.objects.filter(kind="talent", is_active=True, is_demo=True)
        .exclude(username__startswith="demo-")
        .order_by("id")
        .values_list("id", flat=True)
    )
    community = CommunityFactory()
    units = UnitFactory.create_batch(len(tenants) + 3, community=community, status="let")
    assert apartments_seed.large_leases_ensure(communities=[community]) == len(units)
    given = list(Lease.objects.order_by("unit_id").values_list("tenant_id", flat=True))
    assert given == [tenants[n % len(tenants)] for n in range(len(units))]
