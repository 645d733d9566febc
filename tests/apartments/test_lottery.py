import hashlib

import pytest

from apartments import lottery, services
from apartments.lottery import Line
from apartments.models import AllocationRound, ApartmentApplication, RoundUnit
from tests.apartments.factories import (
    AFTER,
    OPENS,
    SEED,
    ApplicationFactory,
    CommunityFactory,
    RoundFactory,
    apply,
    drawn_round,
    open_round,
    superuser,
    units,
)

pytestmark = pytest.mark.django_db


def _sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


# --- the published algorithm, without the database ---------------------------------------------


def test_commitment_is_the_sha256_of_the_seed():
    assert lottery.commitment("abc") == _sha("abc")
    assert len(lottery.seed_new()) == 64 and lottery.seed_new() != lottery.seed_new()


def test_canonical_list_is_sorted_by_reference_one_line_each():
    lines = [
        Line("AA-2026-000003", "general", 12, "2026-03-05T02:00:00.000000Z"),
        Line("AA-2026-000001", "families", 27, "2026-03-04T02:00:00.000000Z"),
    ]
    text = lottery.canonical_text(lines)
    assert text == (
        "AA-2026-000001|families|27|2026-03-04T02:00:00.000000Z\n"
        "AA-2026-000003|general|12|2026-03-05T02:00:00.000000Z\n"
    )
    assert lottery.list_hash(text) == _sha(text)
    assert lottery.parse_text(text) == sorted(lines, key=lambda line: line.reference)


def _lines(count, pool="general"):
    return [
        Line(f"AA-2026-{i:06d}", pool, i % 5, f"2026-03-05T02:00:{i % 60:02d}.000000Z")
        for i in range(1, count + 1)
    ]


def test_lottery_order_is_the_documented_sort_by_hash():
    lines = _lines(30)
    order = lottery.draw(lines, seed=SEED).orders["general"]
    # An independent reimplementation of the published rule.
    expected = sorted(lines, key=lambda line: _sha(f"{SEED}:general:{line.reference}"))
    assert order == expected


def test_same_seed_same_order_and_another_seed_another():
    lines = _lines(50)
    first = lottery.draw(lines, seed=SEED)
    again = lottery.draw(list(reversed(lines)), seed=SEED)
    assert first.orders == again.orders
    other = lottery.draw(lines, seed=SEED.replace("5", "6"))
    assert other.orders["general"] != first.orders["general"]


def test_queue_order_is_score_then_submission_then_reference():
    lines = [
        Line("AA-1", "general", 10, "2026-03-05T03:00:00.000000Z"),
        Line("AA-2", "general", 30, "2026-03-05T04:00:00.000000Z"),
        Line("AA-3", "general", 10, "2026-03-05T01:00:00.000000Z"),
        Line("AA-4", "general", 30, "2026-03-05T04:00:00.000000Z"),
    ]
    order = lottery.draw(lines, seed=None).orders["general"]
    assert [line.reference for line in order] == ["AA-2", "AA-4", "AA-3", "AA-1"]


def test_each_group_is_drawn_separately_and_everyone_is_in_general():
    lines = [
        *_lines(6),
        Line("AA-2026-900001", "families", 3, "2026-03-05T02:00:00.000000Z"),
        Line("AA-2026-900002", "families", 3, "2026-03-05T02:00:00.000000Z"),
    ]
    result = lottery.draw(lines, seed=SEED)
    assert set(result.orders) == {"families", "general"}
    assert len(result.orders["general"]) == 8
    families = result.orders["families"]
    assert families == sorted(families, key=lambda line: _sha(f"{SEED}:families:{line.reference}"))
    ranks = result.ranks()
    assert sorted(rank for ref, (rank, _g) in ranks.items() if ref.startswith("AA-2026-9")) == [
        1,
        2,
    ]
    assert sorted(general for _r, general in ranks.values()) == list(range(1, 9))


# --- rounds: draw and verify -------------------------------------------------------------------


def test_a_drawn_round_verifies_and_ranks_are_the_recomputed_order():
    round, ordered = drawn_round(applicants=25, unit_count=5)
    check = lottery.verify(round)
    assert check.ok, check.problems
    assert check.commitment_matches and check.list_hash_matches and check.records_match_list
    assert check.order_matches
    # Anyone can redo it from the published values alone.
    published = lottery.parse_text(round.frozen_list)
    assert _sha(round.revealed_seed) == round.seed_commitment
    assert _sha(round.frozen_list) == round.frozen_list_hash
    by_hand = sorted(
        published, key=lambda line: _sha(f"{round.revealed_seed}:general:{line.reference}")
    )
    assert [a.reference for a in ordered] == [line.reference for line in by_hand]
    assert [a.general_rank for a in ordered] == list(range(1, 26))


def test_frozen_list_masks_nobody_but_contains_only_references_and_scores():
    round, ordered = drawn_round(applicants=3, unit_count=1)
    for application in ordered:
        assert application.id_number not in round.frozen_list
        assert application.full_name not in round.frozen_list
        assert f"{application.reference}|general|{application.priority_score}|" in round.frozen_list


def test_a_seed_that_does_not_match_the_commitment_is_refused_at_the_draw():
    staff = superuser()
    community = CommunityFactory()
    round = open_round(units_=units(community, 2), community=community, staff=staff)
    apply(round)
    services.round_close(round=round, by=staff, now=AFTER)
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff)
    with pytest.raises(services.AllocationError) as error:
        services.round_draw(round=round, by=staff, seed=SEED[:-1] + "0")
    assert error.value.code == "seed_mismatch"
    assert AllocationRound.objects.get(pk=round.pk).status == "frozen"
    services.round_draw(round=round, by=staff, seed=SEED)


def test_a_revealed_seed_changed_later_is_detected():
    round, _ordered = drawn_round(applicants=5, unit_count=2)
    AllocationRound.objects.filter(pk=round.pk).update(revealed_seed="0" * 64)
    check = lottery.verify(AllocationRound.objects.get(pk=round.pk))
    assert check.commitment_matches is False and not check.ok


@pytest.mark.parametrize(
    "tamper",
    [
        "rescore",  # a score changed after the freeze
        "add",  # an application slipped in after the freeze
        "remove",  # an application deleted after the freeze
    ],
)
def test_a_list_changed_after_the_freeze_is_refused_and_detected(tamper):
    staff = superuser()
    community = CommunityFactory()
    round = open_round(units_=units(community, 2), community=community, staff=staff)
    applications = [apply(round, full_name=f"人{i}", phone=f"1370000000{i}") for i in range(4)]
    services.round_close(round=round, by=staff, now=AFTER)
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff)
    victim = applications[0]
    if tamper == "rescore":
        ApartmentApplication.objects.filter(pk=victim.pk).update(priority_score=99)
    elif tamper == "add":
        ApplicationFactory(round=round, status="approved", submitted_at=AFTER)
    else:
        ApartmentApplication.objects.filter(pk=victim.pk).delete()
    check = lottery.verify(AllocationRound.objects.get(pk=round.pk))
    assert check.records_match_list is False and not check.ok
    with pytest.raises(services.AllocationError) as error:
        services.round_draw(round=round, by=staff, seed=SEED)
    assert error.value.code == "list_changed"


def test_a_published_list_edited_without_its_hash_is_detected():
    round, _ordered = drawn_round(applicants=4, unit_count=2)
    lines = round.frozen_list.splitlines(keepends=True)
    AllocationRound.objects.filter(pk=round.pk).update(frozen_list="".join(lines[1:]))
    check = lottery.verify(AllocationRound.objects.get(pk=round.pk))
    assert check.list_hash_matches is False and check.records_match_list is False


def test_stored_ranks_that_differ_from_the_draw_are_detected():
    round, ordered = drawn_round(applicants=4, unit_count=2)
    first, second = ordered[0], ordered[1]
    ApartmentApplication.objects.filter(pk=first.pk).update(rank=2, general_rank=2)
    ApartmentApplication.objects.filter(pk=second.pk).update(rank=1, general_rank=1)
    check = lottery.verify(round)
    assert check.order_matches is False and not check.ok


def test_before_the_draw_only_the_list_can_be_checked():
    staff = superuser()
    community = CommunityFactory()
    round = open_round(units_=units(community, 1), community=community, staff=staff)
    assert lottery.verify(round).ok and lottery.verify(round).list_hash_matches is None
    apply(round)
    services.round_close(round=round, by=staff, now=AFTER)
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff)
    check = lottery.verify(round)
    assert check.list_hash_matches and check.records_match_list
    assert check.commitment_matches is None and check.draw is None


def test_queue_round_draws_without_a_seed_and_verifies():
    round, ordered = drawn_round(applicants=12, unit_count=3, method="queue")
    assert round.revealed_seed == "" and round.seed_commitment == ""
    scores = [(-a.priority_score, a.submitted_at) for a in ordered]
    assert scores == sorted(scores)
    assert lottery.verify(round).ok


def test_preference_group_members_are_ranked_within_their_group():
    staff = superuser()
    community = CommunityFactory()
    round_units = units(community, 4, layout="two_bed")
    round = open_round(
        units_=round_units[2:],
        community=community,
        staff=staff,
        groups=[({"code": "families", "kind": "family", "min_household": 3}, round_units[:2])],
    )
    families = round.groups.get()
    for i in range(6):
        apply(round, full_name=f"户{i}", phone=f"1350000000{i}", household_size=3)
    for i in range(4):
        apply(round, full_name=f"单{i}", phone=f"1340000000{i}", household_size=1)
    services.round_close(round=round, by=staff, now=AFTER)
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff)
    services.round_draw(round=round, by=staff, seed=SEED)
    members = round.applications.filter(preference_group=families).order_by("rank")
    assert [a.rank for a in members] == [1, 2, 3, 4, 5, 6]
    assert round.frozen_list.count("|families|") == 6
    assert sorted(round.applications.values_list("general_rank", flat=True)) == list(range(1, 11))
    assert lottery.verify(round).ok


def test_a_disqualification_after_the_freeze_keeps_the_draw_verifiable():
    """The workflow has no step back from "approved"; an administrator who disqualifies an
    applicant after the freeze leaves the published list and order intact: the others' order
    does not depend on that line, and the disqualified applicant is simply not offered."""
    staff = superuser()
    community = CommunityFactory()
    round = open_round(units_=units(community, 2), community=community, staff=staff)
    applications = [apply(round, full_name=f"人{i}", phone=f"1370000000{i}") for i in range(5)]
    services.round_close(round=round, by=staff, now=AFTER)
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff)
    leaving = applications[2]
    ApartmentApplication.objects.filter(pk=leaving.pk).update(status="rejected")
    services.round_draw(round=round, by=staff, seed=SEED)
    assert lottery.verify(round).ok
    leaving.refresh_from_db()
    assert leaving.general_rank is not None  # keeps its place in the published order
    offered = {item.application.pk for item in services.allocation_plan(round=round)}
    assert leaving.pk not in offered and len(offered) == 2


# --- public randomness drawn after the freeze (issue 17 point 9) ---------------------------------

BEACON_SOURCE = "中国福利彩票双色球 2026-03-18 开奖号码"
BEACON = "03 11 17 22 28 31 09"


def _frozen_round_with_a_beacon(applicants=20):
    staff = superuser()
    community = CommunityFactory()
    round = RoundFactory(community=community)
    for unit in units(community, 3):
        RoundUnit.objects.create(round=round, unit=unit)
    services.round_open(
        round=round, by=staff, seed=SEED, beacon_source=f" {BEACON_SOURCE} ", now=OPENS
    )
    for i in range(applicants):
        apply(round, full_name=f"申请人{i}", phone=f"139{i:08d}")
    services.round_close(round=round, by=staff, now=AFTER)
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff, now=AFTER)
    return AllocationRound.objects.get(pk=round.pk), staff


def test_the_draw_of_a_round_that_announced_a_public_value_needs_it():
    round, staff = _frozen_round_with_a_beacon()
    assert round.beacon_source == BEACON_SOURCE

    with pytest.raises(services.AllocationError) as error:
        services.round_draw(round=round, by=staff, seed=SEED)
    assert error.value.code == "beacon"
    assert AllocationRound.objects.get(pk=round.pk).status == "frozen"


def test_the_order_mixes_in_the_public_value_and_anyone_can_recompute_it():
    round, staff = _frozen_round_with_a_beacon()
    services.round_draw(round=round, by=staff, seed=SEED, beacon="  03 11 17 22\t28 31 09 ")
    round = AllocationRound.objects.get(pk=round.pk)
    assert round.beacon_value == BEACON

    check = lottery.verify(round)
    assert check.ok, check.problems
    published = lottery.parse_text(round.frozen_list)
    by_hand = sorted(published, key=lambda line: _sha(f"{SEED}:{BEACON}:general:{line.reference}"))
    ordered = list(round.applications.order_by("general_rank"))
    assert [a.reference for a in ordered] == [line.reference for line in by_hand]
    # Knowing the seed alone (as the office did before the freeze) does not give the order.
    seed_only = sorted(published, key=lambda line: _sha(f"{SEED}:general:{line.reference}"))
    assert [line.reference for line in seed_only] != [line.reference for line in by_hand]


def test_a_public_value_changed_after_the_draw_is_detected():
    round, staff = _frozen_round_with_a_beacon()
    services.round_draw(round=round, by=staff, seed=SEED, beacon=BEACON)
    AllocationRound.objects.filter(pk=round.pk).update(beacon_value="01 02 03 04 05 06 07")
    check = lottery.verify(AllocationRound.objects.get(pk=round.pk))
    assert check.order_matches is False and not check.ok


def test_the_verify_page_shows_the_public_value_and_its_source(client):
    round, staff = _frozen_round_with_a_beacon(applicants=5)
    services.round_draw(round=round, by=staff, seed=SEED, beacon=BEACON)
    page = client.get(f"/en/apartments/rounds/{round.pk}/verify/").text
    assert BEACON_SOURCE in page
    assert BEACON in page
    assert f'data-beacon="{BEACON}"' in page
    assert "Matches the published result" in page
