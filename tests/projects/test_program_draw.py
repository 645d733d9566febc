"""The expert draw: properties (hypothesis) over random pools (no conflict, no expert over the cap,
exactly N distinct experts, a named error when the pool is short, same seed → same draw),
the database draw with its log, redraws, and the unique assignment under a race."""

import random

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import ExpertDraw, ReviewAssignment
from projects.programs.expert_draw import (
    DrawApplication,
    DrawError,
    PoolExpert,
    draw_commit,
    draw_verify,
    expert_draw,
    expert_loads,
    expert_redraw,
    pick,
    plan_draw,
)
from talentportal.models import AccountKind, ApplicationStatus, Region
from tests.concurrency import race
from tests.projects.program_factories import (
    OTHER_DISCIPLINE,
    ConflictFactory,
    ExpertFactory,
    ProgramApplicationFactory,
    call_with,
    committed_seed,
    discipline,
    draw,
)
from tests.talentportal.factories import UserFactory
from tests.talents.factories import EnterpriseFactory

# -- properties of the plan (pure: no database) -----------------------------------------------

CODES = ["0812", "0835", "1001", "0202"]


def random_case(rng: random.Random):
    experts = [
        PoolExpert(
            id=i,
            disciplines=frozenset(rng.sample(CODES, rng.randint(0, 2))),
            industries=frozenset(rng.sample(range(5), rng.randint(0, 2))),
        )
        for i in range(1, rng.randint(1, 40))
    ]
    ids = [expert.id for expert in experts]
    applications = [
        DrawApplication(
            id=i,
            reference=f"PG-2026-{i:06d}",
            disciplines=frozenset([rng.choice(CODES)]),
            industry=rng.choice([None, 0, 1, 2, 3, 4]),
            excluded=frozenset(rng.sample(ids, rng.randint(0, min(4, len(ids))))),
            active=rng.randint(0, 1),
        )
        for i in range(1, rng.randint(1, 25))
    ]
    loads = {expert_id: rng.randint(0, 2) for expert_id in rng.sample(ids, len(ids) // 3)}
    return {
        "seed": str(rng.random()),
        "applications": applications,
        "experts": experts,
        "loads": loads,
        "experts_per_application": rng.randint(1, 5),
        "max_load": rng.randint(1, 8),
    }


@settings(
    max_examples=200,
    deadline=None,
    # The project's autouse fixtures (settings) do not touch this pure function.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.randoms(use_true_random=False))
def test_draw_properties(rng):
    case = random_case(rng)
    plan = plan_draw(**case)
    experts = {expert.id: expert for expert in case["experts"]}
    loads = dict(case["loads"])
    applications = {a.id: a for a in case["applications"]}
    n = case["experts_per_application"]
    for entry in plan.entries:
        application = applications[entry["application"]]
        picks = entry["picks"]
        assert len(picks) == len(set(picks)) == n - application.active
        for expert_id in picks:
            assert expert_id not in application.excluded  # never a conflict, never twice
            expert = experts[expert_id]
            assert expert.disciplines & application.disciplines or (
                application.industry in expert.industries
            )
            loads[expert_id] = loads.get(expert_id, 0) + 1
    picked = {expert_id for entry in plan.entries for expert_id in entry["picks"]}
    assert all(loads[expert_id] <= case["max_load"] for expert_id in picked)  # the cap
    served = {entry["application"] for entry in plan.entries}
    short = {shortage["application"] for shortage in plan.shortages}
    needing = {a.id for a in case["applications"] if a.active < n}
    assert served | short == needing and not served & short
    for shortage in plan.shortages:
        assert shortage["available"] < shortage["needed"]
        assert shortage["reference"] == applications[shortage["application"]].reference
    assert plan_draw(**case).entries == plan.entries  # same seed, same draw


def test_different_seeds_differ_and_the_log_recomputes():
    experts = [
        PoolExpert(id=i, disciplines=frozenset(["0812"]), industries=frozenset())
        for i in range(1, 30)
    ]
    applications = [
        DrawApplication(
            id=i,
            reference=str(i),
            disciplines=frozenset(["0812"]),
            industry=None,
            excluded=frozenset(),
        )
        for i in range(1, 6)
    ]
    common = {
        "applications": applications,
        "experts": experts,
        "loads": {},
        "experts_per_application": 3,
        "max_load": 5,
    }
    assert plan_draw(seed="a", **common).picks != plan_draw(seed="b", **common).picks
    for entry in plan_draw(seed="a", **common).entries:
        assert (
            pick(
                seed="a",
                application_id=entry["application"],
                candidates=entry["candidates"],
                needed=entry["needed"],
            )
            == entry["picks"]
        )


def test_load_balancing_prefers_the_least_loaded():
    candidates = [(1, 3), (2, 0), (3, 1), (4, 0)]
    assert set(pick(seed="x", application_id=1, candidates=candidates, needed=2)) == {2, 4}


# -- the draw in the database ------------------------------------------------------------------


@pytest.mark.django_db
def test_draw_assigns_n_excludes_conflicts_and_logs(staff):
    call = call_with(experts_per_application=2, max_load=3)
    track = call.tracks.get()
    endorser = EnterpriseFactory(name="同单位科技有限公司")
    applicant = UserFactory()
    application = ProgramApplicationFactory(
        track=track,
        applicant=applicant,
        employer="浙江大学",
        endorser=endorser,
        endorsement_status="confirmed",
    )
    others = ProgramApplicationFactory.create_batch(3, track=track)
    draft = ProgramApplicationFactory(track=track, status=ApplicationStatus.DRAFT)
    same_employer = ExpertFactory(calls=[call], organisation=" 浙江大学 ")
    same_endorser = ExpertFactory(calls=[call])
    ConflictFactory(expert=same_endorser, organisation="同单位科技有限公司")
    person = ExpertFactory(calls=[call])
    ConflictFactory(expert=person, person=applicant)
    applicant_self = ExpertFactory(calls=[call], user=applicant)
    wrong_field = ExpertFactory(calls=[call], disciplines=[discipline(OTHER_DISCIPLINE)])
    not_available = ExpertFactory()
    fine = ExpertFactory.create_batch(3, calls=[call])
    conflicted = {same_employer, same_endorser, person, applicant_self}

    seed = committed_seed(call, staff)
    result = expert_draw(call=call, by=staff, seed=seed)
    assignments = ReviewAssignment.objects.select_related("expert")
    assert not assignments.filter(application=draft).exists()
    for each in [application, *others]:
        drawn = {a.expert for a in assignments.filter(application=each)}
        assert len(drawn) == 2
        assert wrong_field not in drawn and not_available not in drawn
        each.refresh_from_db()
        assert each.status == ApplicationStatus.IN_REVIEW
    assert not {a.expert for a in assignments.filter(application=application)} & conflicted
    assert max(load for _e, load in expert_loads(call)) <= 3
    assert draw_verify(result.draw) == []
    assert result.draw.log["seed"] == seed
    # Tampering with the log shows.
    entry = result.draw.log["applications"][0]
    entry["picks"] = list(reversed(entry["picks"]))
    assert draw_verify(result.draw) == [entry["reference"]]
    # A second run (with the revealed seed, whatever is typed) has nothing left to do.
    again = expert_draw(call=call, by=staff, seed="another seed")
    assert again.draw.seed == seed
    assert again.plan.entries == [] and ReviewAssignment.objects.count() == 8
    assert fine  # the pool


@pytest.mark.django_db
def test_same_seed_same_draw_on_identical_data(staff):
    call = call_with(experts_per_application=2)
    ExpertFactory.create_batch(6, calls=[call])
    ProgramApplicationFactory.create_batch(3, track=call.tracks.get())

    def run(seed):
        seed = seed.ljust(32, "0")
        with transaction.atomic():
            draw_commit(call=call, by=staff, seed=seed)
            expert_draw(call=call, by=staff, seed=seed)
            drawn = sorted(ReviewAssignment.objects.values_list("application_id", "expert_id"))
            transaction.set_rollback(True)
        return drawn

    first = run("same")
    assert not ReviewAssignment.objects.exists()
    assert run("same") == first
    assert any(run(f"other-{n}") != first for n in range(5))


@pytest.mark.django_db
def test_a_short_pool_names_the_application_and_assigns_nothing(staff):
    call = call_with(experts_per_application=3)
    ExpertFactory.create_batch(2, calls=[call])
    application = ProgramApplicationFactory(track=call.tracks.get())
    with pytest.raises(DrawError) as error:
        draw(call, staff)
    assert application.reference in error.value.messages[0]
    assert not ReviewAssignment.objects.exists()
    refused = ExpertDraw.objects.get()  # the attempt is logged all the same
    assert refused.outcome == "refused" and application.reference in refused.detail


@pytest.mark.django_db
def test_the_load_cap_holds_across_the_call(staff):
    call = call_with(experts_per_application=1, max_load=2)
    ExpertFactory.create_batch(2, calls=[call])
    ProgramApplicationFactory.create_batch(4, track=call.tracks.get())
    draw(call, staff)
    assert sorted(load for _e, load in expert_loads(call)) == [2, 2]
    ProgramApplicationFactory(track=call.tracks.get())
    with pytest.raises(DrawError):
        expert_draw(call=call, by=staff)


@pytest.mark.django_db
def test_staff_redraw_needs_a_reason_and_never_reuses_the_expert(staff):
    call = call_with(experts_per_application=1)
    ExpertFactory.create_batch(2, calls=[call])
    ProgramApplicationFactory(track=call.tracks.get())
    main = draw(call, staff).draw
    first = ReviewAssignment.objects.get()
    with pytest.raises(ValidationError):
        expert_redraw(assignment=first, by=staff, reason=" ")
    result = expert_redraw(assignment=first, by=staff, reason="回避")
    assert result.draw.kind == "redraw" and result.draw.reason == "回避"
    assert result.draw.seed == f"{main.seed}:redraw:1"  # derived, never chosen
    first.refresh_from_db()
    assert first.status == "replaced"
    second = ReviewAssignment.objects.active().get()
    assert second.expert != first.expert
    with pytest.raises(DrawError):  # the first expert may not come back
        expert_redraw(assignment=second, by=staff, reason="再次回避")
    second.refresh_from_db()
    assert second.status == "assigned"  # the failed redraw rolled back
    assert ExpertDraw.objects.filter(kind="redraw", outcome="refused").count() == 1


@pytest.mark.django_db
def test_only_staff_draw():
    call = call_with()
    with pytest.raises(PermissionDenied):
        draw_commit(call=call, by=UserFactory())
    with pytest.raises(PermissionDenied):
        expert_draw(call=call, by=UserFactory(), seed="x")


# -- the unique pair under a race ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_second_assignment_of_the_same_pair():
    application = ProgramApplicationFactory()
    expert = ExpertFactory()
    ReviewAssignment.objects.create(application=application, expert=expert)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewAssignment.objects.create(application=application, expert=expert)


@pytest.mark.django_db(transaction=True)
def test_two_connections_racing_to_assign_the_same_pair_one_wins():
    application = ProgramApplicationFactory()
    expert = ExpertFactory()

    def assign():
        with transaction.atomic():
            return ReviewAssignment.objects.create(application=application, expert=expert)

    outcomes = race(assign, assign)
    assert sorted(type(o).__name__ for o in outcomes) == ["IntegrityError", "ReviewAssignment"]
    assert ReviewAssignment.objects.filter(application=application, expert=expert).count() == 1


@pytest.mark.django_db
def test_region_scoped_staff_draw_only_in_their_region():
    call = call_with(experts_per_application=1)  # a Zhejiang program
    ExpertFactory(calls=[call])
    ProgramApplicationFactory(track=call.tracks.get())

    def staff_of(code):
        user = UserFactory(
            kind=AccountKind.STAFF, is_staff=True, staff_region=Region.objects.get(code=code)
        )
        user.user_permissions.add(
            *Permission.objects.filter(
                codename__in=["add_reviewassignment", "change_programapplication"]
            )
        )
        return type(user).objects.get(pk=user.pk)

    with pytest.raises(PermissionDenied):
        draw(call, staff_of("120000"))
    assert draw(call, staff_of("330000")).draw is not None


# -- nobody chooses the seed (issue 19, point 5) ------------------------------------------------


@pytest.mark.django_db
def test_only_the_seed_committed_before_closing_opens_the_draw_and_every_attempt_is_logged(
    staff, client
):
    import datetime

    from django.urls import reverse
    from django.utils import timezone

    from projects.programs.expert_draw import commitment

    call = call_with(experts_per_application=1)
    ExpertFactory.create_batch(3, calls=[call])
    application = ProgramApplicationFactory(track=call.tracks.get())
    with pytest.raises(ValidationError) as error:
        expert_draw(call=call, by=staff, seed="acceptance-1")
    assert error.value.code == "no_commitment"
    seed = draw_commit(call=call, by=staff)
    assert len(seed) == 64
    call.refresh_from_db()
    assert call.draw_commitment == commitment(seed) and seed not in call.draw_commitment
    with pytest.raises(ValidationError):  # one commitment per call
        draw_commit(call=call, by=staff)
    for attempt in ("acceptance-1", "acceptance-2", seed[:-1]):
        with pytest.raises(ValidationError) as error:
            expert_draw(call=call, by=staff, seed=attempt)
        assert error.value.code == "seed_mismatch"
    assert not ReviewAssignment.objects.exists()
    result = expert_draw(call=call, by=staff, seed=seed)
    call.refresh_from_db()
    assert call.draw_seed == seed and result.draw.seed == seed
    attempts = list(ExpertDraw.objects.order_by("pk").values_list("outcome", flat=True))
    assert attempts == ["refused"] * 4 + ["drawn"]
    # A call that closed without a commitment cannot get one any more.
    late = call_with(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(ValidationError) as error:
        draw_commit(call=late, by=staff, now=timezone.now())
    assert error.value.code == "closed"
    # The public page: commitment, revealed seed and its hash, every attempt, recomputed.
    page = client.get(reverse("projects:call_draw", args=[call.pk]))
    assert page.status_code == 200
    text = page.text
    assert call.draw_commitment in text and seed in text
    assert text.count(application.reference) == 1
    assert "seed_mismatch" not in text and text.count("refused") == 0
    assert "random.Random" in text  # the algorithm, to recompute with
    for expert in ExpertDraw.objects.get(outcome="drawn").assignments.all():
        assert expert.expert.name not in text  # experts are numbers
    # Tampering with the log shows on the page.
    drawn = ExpertDraw.objects.get(outcome="drawn")
    drawn.log["seed"] = "acceptance-1"
    ExpertDraw.objects.filter(pk=drawn.pk).update(log=drawn.log)
    assert "seed" in draw_verify(ExpertDraw.objects.get(pk=drawn.pk))
