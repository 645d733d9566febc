"""The expert draw: a fair, reproducible and auditable assignment of reviewers.

For every application of a call that is waiting for review, in order of its id:

1. **Candidates** — the experts available for the call, active, who match the application
   (they share its discipline, its discipline's category or its industry), have no conflict
   with it (the applicant themselves; an expert working at, or having declared a conflict with,
   the applicant's employer or endorsing enterprise; a declared conflict with the applicant's
   person) and were never assigned to it before (declined and replaced assignments count: the
   database refuses the same pair twice), and whose load (open or submitted assignments in
   this call) is below the call's cap. The candidates are listed by expert id with their load.
2. **Picks** — `pick()`: the candidates, sorted by expert id, are shuffled by
   `random.Random(f"{seed}:{application id}")` (Python's Mersenne Twister, seeded from the
   string); a stable sort by load then puts the least loaded first, so ties are broken by the
   shuffle. The first N are drawn and their loads go up before the next application.

The seed, and per application the candidates with their loads and the picks, are stored in an
`ExpertDraw`'s log. `draw_verify()` recomputes every pick from the log alone; anyone can do the
same with the three lines of `pick()`.

**Nobody chooses the seed** (as the apartment lottery's, `apartments.lottery`):

- *Commitment* — before the call closes (before its pool of applications is fixed),
  `draw_commit()` makes a secret seed (64 hex digits from the operating system) and stores only
  ``sha256(seed)``, published on the call's draw page with the time. The seed is shown to staff
  once.
- *Draw* — staff reveal the seed; a draw with any other seed is refused. There is no preview:
  the first run of the draw is the draw. The revealed seed is published and every later run
  (applications that came in since) uses it. Replacement draws use
  ``f"{revealed seed}:redraw:{n}"`` (n: the call's n-th replacement draw).
- *Log* — every attempt, refused ones too (no commitment, wrong seed, a short pool), is an
  `ExpertDraw` row, shown on the public page `/programs/calls/<id>/draw/`, which recomputes
  every pick and the commitment in front of the reader.
"""

import hashlib
import random
import secrets
import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    Call,
    Conflict,
    Expert,
    ExpertDraw,
    ProgramApplication,
    ReviewAssignment,
)
from talentportal import workflow
from talentportal.models import ApplicationStatus, User
from talentportal.notifications import notification_send
from talentportal.scope import covers

Status = ReviewAssignment.Status
ACTIVE = (Status.ASSIGNED, Status.ACCEPTED, Status.SUBMITTED)


class DrawError(ValidationError):
    """The pool cannot give some application enough experts; nothing was assigned."""


def new_seed() -> str:
    """A fresh secret seed: 256 bits from the OS, as 64 lower-case hex digits."""
    return secrets.token_hex(32)


def commitment(seed: str) -> str:
    """What is published before the call closes: the SHA-256 of the seed (UTF-8, hex)."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def pick(*, seed: str, application_id: int, candidates, needed: int) -> list[int]:
    """The `needed` expert ids drawn from `candidates` ((expert id, load) pairs)."""
    ordered = sorted((int(expert_id), int(load)) for expert_id, load in candidates)
    random.Random(f"{seed}:{application_id}").shuffle(ordered)
    ordered.sort(key=lambda candidate: candidate[1])
    return [expert_id for expert_id, _load in ordered[:needed]]


# ---------------------------------------------------------------------------------------------
# The plan: pure data in, pure data out (tested without a database).


@dataclass(frozen=True)
class PoolExpert:
    id: int
    disciplines: frozenset[str]
    industries: frozenset[int]


@dataclass(frozen=True)
class DrawApplication:
    id: int
    reference: str
    disciplines: frozenset[str]  # its discipline and that discipline's category
    industry: int | None
    excluded: frozenset[int]  # conflicted experts and experts ever assigned to it
    active: int = 0  # experts it has already


@dataclass
class Plan:
    seed: str
    experts_per_application: int
    max_load: int
    entries: list[dict] = field(default_factory=list)
    shortages: list[dict] = field(default_factory=list)

    @property
    def picks(self) -> dict[int, list[int]]:
        return {entry["application"]: entry["picks"] for entry in self.entries}

    def as_log(self) -> dict:
        return {
            "seed": self.seed,
            "experts_per_application": self.experts_per_application,
            "max_load": self.max_load,
            "algorithm": "random.Random(f'{seed}:{application}').shuffle(sorted candidates); "
            "stable sort by load; first N",
            "applications": self.entries,
        }


def _matches(expert: PoolExpert, application: DrawApplication) -> bool:
    return bool(expert.disciplines & application.disciplines) or (
        application.industry is not None and application.industry in expert.industries
    )


def plan_draw(
    *,
    seed: str,
    applications: list[DrawApplication],
    experts: list[PoolExpert],
    loads: dict[int, int],
    experts_per_application: int,
    max_load: int,
) -> Plan:
    plan = Plan(seed=seed, experts_per_application=experts_per_application, max_load=max_load)
    loads = dict(loads)
    pool = sorted(experts, key=lambda expert: expert.id)
    for application in sorted(applications, key=lambda a: a.id):
        needed = experts_per_application - application.active
        if needed <= 0:
            continue
        candidates = [
            (expert.id, loads.get(expert.id, 0))
            for expert in pool
            if expert.id not in application.excluded
            and loads.get(expert.id, 0) < max_load
            and _matches(expert, application)
        ]
        if len(candidates) < needed:
            plan.shortages.append(
                {
                    "application": application.id,
                    "reference": application.reference,
                    "needed": needed,
                    "available": len(candidates),
                }
            )
            continue
        picks = pick(seed=seed, application_id=application.id, candidates=candidates, needed=needed)
        for expert_id in picks:
            loads[expert_id] = loads.get(expert_id, 0) + 1
        plan.entries.append(
            {
                "application": application.id,
                "reference": application.reference,
                "needed": needed,
                "candidates": [list(candidate) for candidate in candidates],
                "picks": picks,
            }
        )
    return plan


def draw_verify(draw: ExpertDraw) -> list[str]:
    """The references whose logged picks do not follow from the log; empty when it checks.
    A log whose seed is not the one stored with the draw fails as a whole ("seed")."""
    seed = draw.log.get("seed", draw.seed)
    if draw.outcome == ExpertDraw.Outcome.DRAWN and seed != draw.seed:
        return ["seed"]
    return [
        entry["reference"]
        for entry in draw.log.get("applications", [])
        if pick(
            seed=seed,
            application_id=entry["application"],
            candidates=entry["candidates"],
            needed=entry["needed"],
        )
        != entry["picks"]
    ]


# ---------------------------------------------------------------------------------------------
# From the database to the plan and back.


def _norm(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def _pool(call: Call) -> tuple[list[Expert], list[PoolExpert]]:
    experts = list(Expert.objects.available_for(call).prefetch_related("disciplines", "industries"))
    pool = [
        PoolExpert(
            id=expert.pk,
            disciplines=frozenset(d.code for d in expert.disciplines.all()),
            industries=frozenset(i.pk for i in expert.industries.all()),
        )
        for expert in experts
    ]
    return experts, pool


def _excluded(application: ProgramApplication, experts, conflicts, ever_assigned) -> frozenset:
    organisations = {_norm(application.employer)}
    if application.endorser is not None:
        organisations |= {_norm(application.endorser.name), _norm(application.endorser.name_en)}
    organisations.discard("")
    excluded = set(ever_assigned.get(application.pk, ()))
    for expert in experts:
        if expert.user_id == application.applicant_id or _norm(expert.organisation) in (
            organisations
        ):
            excluded.add(expert.pk)
    for conflict in conflicts:
        if conflict.person_id == application.applicant_id or (
            conflict.organisation and _norm(conflict.organisation) in organisations
        ):
            excluded.add(conflict.expert_id)
    return frozenset(excluded)


def _draw_inputs(call: Call, applications):
    experts, pool = _pool(call)
    expert_ids = [expert.pk for expert in experts]
    conflicts = list(Conflict.objects.filter(expert_id__in=expert_ids))
    assignments = list(
        ReviewAssignment.objects.filter(application__call=call).values_list(
            "application_id", "expert_id", "status"
        )
    )
    ever_assigned: dict[int, set[int]] = {}
    active: dict[int, int] = {}
    loads: dict[int, int] = {}
    for application_id, expert_id, status in assignments:
        ever_assigned.setdefault(application_id, set()).add(expert_id)
        if status in ACTIVE:
            active[application_id] = active.get(application_id, 0) + 1
            loads[expert_id] = loads.get(expert_id, 0) + 1
    inputs = []
    for application in applications:
        disciplines = set()
        if application.discipline is not None:
            disciplines = {application.discipline.code, application.discipline.parent_id}
            disciplines.discard(None)
        inputs.append(
            DrawApplication(
                id=application.pk,
                reference=application.reference,
                disciplines=frozenset(disciplines),
                industry=application.industry_id,
                excluded=_excluded(application, experts, conflicts, ever_assigned),
                active=active.get(application.pk, 0),
            )
        )
    return experts, pool, loads, inputs


def _draw_plan(call: Call, applications, *, seed: str) -> tuple[Plan, dict[int, Expert]]:
    """The plan of a draw (or replacement draw) for `applications` of `call`, from the call's
    pool, conflicts and assignments so far, with its experts by id. A pool too short for any
    application refuses the whole draw (DrawError)."""
    experts, pool, loads, inputs = _draw_inputs(call, applications)
    plan = plan_draw(
        seed=seed,
        applications=inputs,
        experts=pool,
        loads=loads,
        experts_per_application=call.experts_per_application,
        max_load=call.max_load,
    )
    if plan.shortages:
        raise _shortage_error(plan.shortages)
    return plan, {expert.pk: expert for expert in experts}


def _require_staff(by: User, call: Call) -> None:
    if not (by.is_active and by.is_staff and by.has_perm("projects.add_reviewassignment")):
        raise PermissionDenied(_("Only the talent office can draw experts."))
    if not covers(by, call.program.region_id):
        raise PermissionDenied(_("Only the talent office can draw experts."))


def _shortage_error(shortages) -> DrawError:
    return DrawError(
        [
            ValidationError(
                _(
                    "%(reference)s needs %(needed)d more experts but only %(available)d "
                    "fit (discipline or industry, no conflict, under the load cap)."
                ),
                code="shortage",
                params=shortage,
            )
            for shortage in shortages
        ]
    )


@dataclass
class DrawResult:
    plan: Plan
    draw: ExpertDraw


def draw_commit(*, call: Call, by: User, seed: str | None = None, now=None) -> str:
    """Commit to the draw seed of `call` before it closes: store and publish only its SHA-256.
    Returns the seed — show it to staff once; the draw needs it. Once per call."""
    now = now or timezone.now()
    seed = (seed or new_seed()).strip()
    if len(seed) < 32 or len(seed) > 64:
        raise ValidationError(_("The seed must be 32 to 64 characters long."), code="seed")
    with transaction.atomic():
        locked = Call.objects.select_for_update().select_related("program").get(pk=call.pk)
        _require_staff(by, locked)
        if locked.draw_commitment:
            raise ValidationError(
                _("This call's draw seed is already committed."), code="already_committed"
            )
        if locked.has_closed(now):
            raise ValidationError(
                _("The draw seed must be committed before the call closes."), code="closed"
            )
        locked.draw_commitment = commitment(seed)
        locked.draw_committed_at = now
        locked.save(update_fields=["draw_commitment", "draw_committed_at"])
    call.draw_commitment, call.draw_committed_at = locked.draw_commitment, now
    return seed


def _refused(call: Call, by: User, kind: str, error: ValidationError, log=None) -> None:
    """Log a refused attempt, in its own transaction (the attempt's own work is undone)."""
    ExpertDraw.objects.create(
        call_id=call.pk,
        kind=kind,
        outcome=ExpertDraw.Outcome.REFUSED,
        by=by,
        detail=" ".join(error.messages)[:2000],
        log=log or {},
    )


def _draw_seed(call: Call, seed: str | None) -> str:
    """The seed of a draw of the (locked) `call`: the revealed one, or `seed` when it opens
    the commitment (and is then revealed). Raises ValidationError otherwise."""
    if not call.draw_commitment:
        raise ValidationError(
            _("Commit to a draw seed before the call closes: there is none for this call."),
            code="no_commitment",
        )
    if call.draw_seed:
        return call.draw_seed
    seed = (seed or "").strip()
    if commitment(seed) != call.draw_commitment:
        raise ValidationError(
            _("This seed does not match the commitment published for the call."),
            code="seed_mismatch",
        )
    call.draw_seed = seed
    call.save(update_fields=["draw_seed"])
    return seed


def expert_draw(*, call: Call, by: User, seed: str | None = None) -> DrawResult:
    """Draw experts for every application of `call` that still needs some.

    The first draw needs the seed committed for the call; later runs use the revealed seed
    (`seed` is then ignored). Raises PermissionDenied for anyone but the office; DrawError
    naming each application the pool cannot serve (nothing is assigned); ValidationError for a
    missing commitment or a wrong seed. Every refused attempt is logged all the same."""
    with transaction.atomic():
        # One draw of a call at a time: later draws see the earlier ones' assignments.
        locked = Call.objects.select_for_update().select_related("program").get(pk=call.pk)
        _require_staff(by, locked)
    try:
        with transaction.atomic():
            locked = Call.objects.select_for_update().select_related("program").get(pk=call.pk)
            seed = _draw_seed(locked, seed)
            applications = list(
                ProgramApplication.objects.filter(call=locked)
                .reviewable()
                .select_related("discipline", "endorser")
                .order_by("pk")
            )
            plan, experts_by_id = _draw_plan(locked, applications, seed=seed)
            draw = ExpertDraw.objects.create(call=locked, seed=seed, by=by, log=plan.as_log())
            by_id = {application.pk: application for application in applications}
            _assign(draw, plan, by_id, experts_by_id, by)
    except ValidationError as error:
        _refused(locked, by, ExpertDraw.Kind.DRAW, error)
        raise
    call.draw_seed = locked.draw_seed
    return DrawResult(plan=plan, draw=draw)


def _assign(draw, plan, applications_by_id, experts_by_id, by):
    ReviewAssignment.objects.bulk_create(
        ReviewAssignment(application_id=application_id, expert_id=expert_id, draw=draw)
        for application_id, picks in plan.picks.items()
        for expert_id in picks
    )
    for application_id, picks in plan.picks.items():
        application = applications_by_id[application_id]
        if application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED):
            workflow.application_start_review(application=application, by=by)
        for expert_id in picks:
            expert = experts_by_id[expert_id]
            notification_send(
                recipient=expert.user,
                template="projects/programs/notifications/assigned",
                context={"call": draw.call, "expert": expert},
                url="/reviews/",
            )


def expert_redraw(*, assignment: ReviewAssignment, by: User, reason: str) -> DrawResult:
    """Staff replace one assignment (with a reason, logged): the expert leaves the
    application and one replacement is drawn the same way as in the draw."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the replacement."), code="reason_required")
    try:
        with transaction.atomic():
            locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
            if locked.status not in (Status.ASSIGNED, Status.ACCEPTED):
                raise ValidationError(
                    _("Only an assignment without a submitted review can be replaced."),
                    code="not_open",
                )
            _require_staff(by, locked.application.call)
            locked.status = Status.REPLACED
            locked.declined_at = timezone.now()
            locked.decline_reason = reason
            locked.save(update_fields=["status", "declined_at", "decline_reason"])
            result = _replacement_draw(application=locked.application, by=by, reason=reason)
    except DrawError as error:
        _refused(assignment.application.call, by, ExpertDraw.Kind.REDRAW, error)
        raise
    assignment.status = locked.status
    return result


def _redraw_seed(call: Call) -> str:
    """The seed of the call's next replacement draw: derived from the revealed seed (from the
    commitment while none is revealed, e.g. for assignments made by hand), never chosen."""
    number = ExpertDraw.objects.filter(call=call, kind=ExpertDraw.Kind.REDRAW).count() + 1
    return f"{call.draw_seed or call.draw_commitment or call.pk}:redraw:{number}"


def replacement_draw(*, application: ProgramApplication, by: User, reason: str) -> DrawResult:
    """Draw the experts `application` is missing (after a decline or a replacement). A short
    pool raises DrawError, logged as a refused attempt."""
    try:
        return _replacement_draw(application=application, by=by, reason=reason)
    except DrawError as error:
        _refused(application.call, by, ExpertDraw.Kind.REDRAW, error)
        raise


def _replacement_draw(*, application: ProgramApplication, by: User, reason: str) -> DrawResult:
    with transaction.atomic():
        call = (
            Call.objects.select_for_update().select_related("program").get(pk=application.call_id)
        )
        application = (
            ProgramApplication.objects.select_related("discipline", "endorser")
            .select_for_update(of=("self",))
            .get(pk=application.pk)
        )
        seed = _redraw_seed(call)
        plan, experts_by_id = _draw_plan(call, [application], seed=seed)
        draw = ExpertDraw.objects.create(
            call=call,
            seed=seed,
            by=by,
            kind=ExpertDraw.Kind.REDRAW,
            reason=reason,
            log=plan.as_log(),
        )
        _assign(draw, plan, {application.pk: application}, experts_by_id, by)
    return DrawResult(plan=plan, draw=draw)


def expert_loads(call: Call) -> list[tuple[Expert, int]]:
    """Each available expert of `call` with their number of open or submitted assignments."""
    return [
        (expert, expert.load)
        for expert in Expert.objects.available_for(call)
        .annotate(
            load=Count(
                "assignments",
                filter=Q(assignments__application__call=call, assignments__status__in=ACTIVE),
            )
        )
        .order_by("-load", "name", "pk")
    ]
