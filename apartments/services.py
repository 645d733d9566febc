"""Every change to rounds, applications, offers and leases, for views, admin and commands alike.

A round goes draft → open → closed → frozen → drawn → finished:

- `round_open` commits to the lottery seed (only its SHA-256 is stored; the seed is returned to
  show to staff once, and must be given again at the draw);
- applicants `application_start` and `application_submit` while the round is open; eligibility
  and the priority score are computed and explained, duplicates flagged;
- `round_close` (after the window) re-checks everything; staff resolve duplicates
  (`duplicate_resolve`) and decide applications (`applications_decide`, or one by one through
  the shared workflow);
- `round_freeze` publishes the canonical list of approved applications and its hash;
- `round_draw` checks the revealed seed against the commitment and the records against the
  frozen list, and stores each application's rank (`apartments.lottery` documents the order);
- `allocation_plan` previews and `allocation_commit` makes the offers; `offer_accept` turns an
  offer into a lease, `offer_decline` and `offers_expire` pass the unit to the next in order;
- `lease_renew`, `lease_end` (a move-out frees the unit) and `leases_expire`.

Locks are always taken in the order round → unit → offer, so the services cannot deadlock each
other. A unit is never let twice: `offer_accept` locks the unit row, and the database's exclusion
constraint rejects any overlapping active lease whatever the write path.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apartments import lottery
from apartments.eligibility import (
    Applicant,
    eligibility_check,
    is_tenant,
    priority_score,
    talent_of,
    talent_tier,
)
from apartments.models import (
    LAYOUT_CAPACITY,
    AllocationRound,
    ApartmentApplication,
    Community,
    CommunityPhoto,
    Layout,
    Lease,
    LeaseStatus,
    Occupancy,
    Offer,
    OfferStatus,
    PreferenceGroup,
    PreferenceKind,
    RoundStatus,
    RoundUnit,
    Unit,
    UnitStatus,
    vacancy_rate,
)
from talentportal import workflow
from talentportal.locking import copy_state, row_lock
from talentportal.models import ApplicationEvent, ApplicationStatus, Region, User
from talentportal.notifications import notification_send
from talentportal.scope import covers, region_scope, scope_q
from talentportal.uploads import JPEG, PNG, clean_upload

S = ApplicationStatus
UNDECIDED = [S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO, S.RESUBMITTED]


class AllocationError(ValidationError):
    """A round, offer or lease change that the rules do not allow."""


# --- permissions -------------------------------------------------------------------------------


def staff_may(user: User, community: Community, permission: str) -> bool:
    """Whether `user` is staff with `apartments.<permission>` and, if scoped to a region, the
    community is in it."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if not user.has_perm(f"apartments.{permission}"):
        return False
    return covers(user, community.region_id)


def _require_staff(user: User, community: Community, permission: str) -> None:
    if not staff_may(user, community, permission):
        raise PermissionDenied(_("You may not manage this community."))


def _require_status(round: AllocationRound, *statuses: str) -> None:
    if round.status not in statuses:
        raise AllocationError(
            _("This is not possible while the round is “%(status)s”.")
            % {"status": round.get_status_display()},
            code="round_status",
        )


ROUND_FIELDS = [
    "status",
    "seed_commitment",
    "revealed_seed",
    "beacon_source",
    "beacon_value",
    "frozen_list",
    "frozen_list_hash",
    "opened_at",
    "frozen_at",
    "drawn_at",
    "finished_at",
]


# --- communities and units ----------------------------------------------------------------------


def photo_add(
    *, community: Community, upload, caption_zh: str, caption_en: str = "", position: int = 0
) -> CommunityPhoto:
    """A photo checked by content (JPEG or PNG) and re-encoded, so no metadata survives."""
    content, file_type = clean_upload(upload, allowed=(JPEG, PNG))
    photo = CommunityPhoto(
        community=community, caption_zh=caption_zh, caption_en=caption_en, position=position
    )
    photo.image.save(f"photo{file_type.extension}", content, save=False)
    photo.full_clean()
    photo.save()
    return photo


def unit_set_maintenance(*, unit: Unit, by: User, maintenance: bool) -> Unit:
    """Take an available unit out for maintenance, or bring it back."""
    _require_staff(by, unit.community, "change_unit")
    with transaction.atomic():
        locked = Unit.objects.select_for_update().get(pk=unit.pk)
        source, target = (
            (UnitStatus.AVAILABLE, UnitStatus.MAINTENANCE)
            if maintenance
            else (UnitStatus.MAINTENANCE, UnitStatus.AVAILABLE)
        )
        if locked.status != source:
            raise AllocationError(
                _("Only an available unit can go into maintenance, and back."), code="unit_status"
            )
        locked.status = target
        locked.save(update_fields=["status"])
    unit.status = locked.status
    return locked


def round_units_add(
    *, round: AllocationRound, units, by: User, group: PreferenceGroup | None = None
) -> int:
    """Offer `units` of the round's community in a draft round, optionally set aside for
    `group`. Returns how many were added (units already in the round are moved to `group`)."""
    _require_staff(by, round.community, "change_allocationround")
    _require_status(round, RoundStatus.DRAFT)
    if group is not None and group.round_id != round.pk:
        raise AllocationError(_("The group belongs to another round."), code="group")
    units = list(units)
    if any(unit.community_id != round.community_id for unit in units):
        raise AllocationError(_("Every unit must be in the round's community."), code="community")
    with transaction.atomic():
        existing = set(
            RoundUnit.objects.filter(round=round, unit__in=units).values_list("unit_id", flat=True)
        )
        RoundUnit.objects.filter(round=round, unit_id__in=existing).update(group=group)
        RoundUnit.objects.bulk_create(
            [
                RoundUnit(round=round, unit=unit, group=group)
                for unit in units
                if unit.pk not in existing
            ]
        )
    return len(units) - len(existing)


# --- round lifecycle ----------------------------------------------------------------------------


def round_open(
    *,
    round: AllocationRound,
    by: User,
    seed: str | None = None,
    beacon_source: str = "",
    now=None,
) -> str | None:
    """Open a draft round for applications. For a lottery, commit to `seed` (a fresh one if
    not given): only its SHA-256 is stored and published; and announce `beacon_source`, the
    public random value drawn after the freeze that the draw will mix in (apartments.lottery).
    Returns the seed — show it to staff once; they must keep it and give it at the draw. None
    for a queue."""
    _require_staff(by, round.community, "change_allocationround")
    now = now or timezone.now()
    with transaction.atomic():
        locked = row_lock(round, "community")
        _require_status(locked, RoundStatus.DRAFT)
        if not locked.round_units.exists():
            raise AllocationError(_("Add the units the round offers first."), code="no_units")
        if locked.is_lottery:
            seed = (seed or lottery.seed_new()).strip()
            if len(seed) < 32:
                raise AllocationError(
                    _("The seed must be at least 32 characters long."), code="seed"
                )
            locked.seed_commitment = lottery.commitment(seed)
            locked.beacon_source = " ".join(beacon_source.split())
        else:
            seed = None
        locked.status = RoundStatus.OPEN
        locked.opened_at = now
        locked.save(update_fields=["seed_commitment", "beacon_source", "status", "opened_at"])
    copy_state(round, locked, ROUND_FIELDS)
    return seed


def round_close(*, round: AllocationRound, by: User, now=None) -> AllocationRound:
    """Close the round once its window has passed, re-check every submitted application
    (eligibility, score, preference group) and flag duplicates for review."""
    _require_staff(by, round.community, "change_allocationround")
    now = now or timezone.now()
    with transaction.atomic():
        locked = row_lock(round, "community")
        _require_status(locked, RoundStatus.OPEN)
        if now < locked.closes_at:
            raise AllocationError(
                _("The round accepts applications until %(closes)s.")
                % {"closes": timezone.localtime(locked.closes_at).strftime("%Y-%m-%d %H:%M")},
                code="window",
            )
        locked.status = RoundStatus.CLOSED
        locked.save(update_fields=["status"])
        layouts = _round_layouts(locked)
        groups = list(locked.groups.all())
        for application in locked.applications.filter(status__in=UNDECIDED).select_related(
            "applicant"
        ):
            _assess(application, locked, layouts=layouts, groups=groups)
            application.save(update_fields=ASSESSED_FIELDS)
        duplicates_detect(round=locked)
    copy_state(round, locked, ROUND_FIELDS)
    return locked


def applications_decide(*, round: AllocationRound, by: User) -> dict[str, int]:
    """Decide every undecided application of a closed round by its eligibility: approve the
    eligible ones, reject the others with the failed rules as the reason. Applications flagged
    as possible duplicates and not yet resolved are left for staff."""
    _require_staff(by, round.community, "change_apartmentapplication")
    _require_status(round, RoundStatus.CLOSED)
    counts = {"approved": 0, "rejected": 0, "left": 0}
    pending = (
        round.applications.filter(status__in=[S.SUBMITTED, S.IN_REVIEW, S.RESUBMITTED])
        .select_related("applicant", "round__community")
        .order_by("reference")
    )
    for application in pending:
        if application.flagged and application.flag_resolved_at is None:
            counts["left"] += 1
            continue
        if application.eligible:
            workflow.application_approve(
                application=application, by=by, comment=_("Eligible: every rule is met.")
            )
            counts["approved"] += 1
        else:
            reasons = "\n".join(
                check["reason"] for check in application.eligibility if check["passed"] is False
            )
            workflow.application_reject(
                application=application, by=by, reason=reasons or _("Not eligible.")
            )
            counts["rejected"] += 1
    return counts


def round_freeze(*, round: AllocationRound, by: User, now=None) -> AllocationRound:
    """Freeze the list of approved applications: store its canonical text and publish its
    SHA-256. Refused while duplicates are unresolved or applications undecided."""
    _require_staff(by, round.community, "change_allocationround")
    now = now or timezone.now()
    with transaction.atomic():
        locked = row_lock(round, "community")
        _require_status(locked, RoundStatus.CLOSED)
        unresolved = (
            locked.applications.unresolved_duplicates().exclude(status__in=S.closed()).count()
        )
        if unresolved:
            raise AllocationError(
                _("Resolve the %(count)s possible duplicate applications first.")
                % {"count": unresolved},
                code="duplicates",
            )
        undecided = locked.applications.filter(status__in=UNDECIDED).count()
        if undecided:
            raise AllocationError(
                _("Decide the %(count)s undecided applications first.") % {"count": undecided},
                code="undecided",
            )
        text = lottery.canonical_text(lottery.lines_of(locked))
        locked.frozen_list = text
        locked.frozen_list_hash = lottery.list_hash(text)
        locked.status = RoundStatus.FROZEN
        locked.frozen_at = now
        locked.save(update_fields=["frozen_list", "frozen_list_hash", "status", "frozen_at"])
    copy_state(round, locked, ROUND_FIELDS)
    return locked


def round_draw(
    *,
    round: AllocationRound,
    by: User,
    seed: str | None = None,
    beacon: str = "",
    now=None,
) -> lottery.Draw:
    """Reveal the seed (lottery), enter the public random value announced at opening
    (`beacon`), and compute the order of every pool from the frozen list; store each
    application's rank. Refused when the seed does not match the commitment, the announced
    public value is not given, or the records no longer match the frozen list."""
    _require_staff(by, round.community, "change_allocationround")
    now = now or timezone.now()
    with transaction.atomic():
        locked = row_lock(round, "community")
        _require_status(locked, RoundStatus.FROZEN)
        if locked.is_lottery:
            seed = (seed or "").strip()
            if lottery.commitment(seed) != locked.seed_commitment:
                raise AllocationError(
                    _("This seed does not match the commitment published at opening."),
                    code="seed_mismatch",
                )
            beacon = lottery.beacon_normal(beacon) if locked.beacon_source else ""
            if locked.beacon_source and not beacon:
                raise AllocationError(
                    _("Enter the public random value announced at opening: %(source)s")
                    % {"source": locked.beacon_source},
                    code="beacon",
                )
        else:
            seed, beacon = None, ""
        if lottery.list_hash(
            locked.frozen_list
        ) != locked.frozen_list_hash or not lottery.records_match(locked):
            raise AllocationError(
                _("The applications changed after the list was frozen."), code="list_changed"
            )
        result = lottery.draw(
            lottery.parse_text(locked.frozen_list),
            seed=None if seed is None else lottery.draw_seed(seed, beacon),
        )
        ranks = result.ranks()
        applications = list(locked.applications.filter(reference__in=ranks))
        for application in applications:
            application.rank, application.general_rank = ranks[application.reference]
        ApartmentApplication.objects.bulk_update(
            applications, ["rank", "general_rank"], batch_size=2000
        )
        locked.revealed_seed = seed or ""
        locked.beacon_value = beacon
        locked.status = RoundStatus.DRAWN
        locked.drawn_at = now
        locked.save(update_fields=["revealed_seed", "beacon_value", "status", "drawn_at"])
    copy_state(round, locked, ROUND_FIELDS)
    return result


def round_finish(*, round: AllocationRound, by: User, now=None) -> AllocationRound:
    """End a drawn round once no offer is waiting for a reply."""
    _require_staff(by, round.community, "change_allocationround")
    now = now or timezone.now()
    with transaction.atomic():
        locked = row_lock(round, "community")
        _require_status(locked, RoundStatus.DRAWN)
        if Offer.objects.filter(application__round=locked, status=OfferStatus.PENDING).exists():
            raise AllocationError(_("Some offers still await a reply."), code="pending_offers")
        locked.status = RoundStatus.FINISHED
        locked.finished_at = now
        locked.save(update_fields=["status", "finished_at"])
    copy_state(round, locked, ROUND_FIELDS)
    return locked


# --- applications -------------------------------------------------------------------------------

ASSESSED_FIELDS = ["eligible", "eligibility", "priority_score", "preference_group"]
DECLARED_FIELDS = frozenset(ApartmentApplication.ANSWER_FIELDS)


def application_prefill(*, user: User) -> dict:
    """Initial values for the application form from the user's talent profile, if any."""
    talent = talent_of(user)
    initial = {"phone": user.phone, "full_name": user.get_full_name() or user.display_name}
    if talent is not None:
        initial.update(
            full_name=talent.name or initial["full_name"],
            phone=getattr(talent, "phone", "") or user.phone,
            tier=talent_tier(talent),
            highest_degree=talent.highest_degree,
        )
    return initial


def application_start(*, round: AllocationRound, applicant: User, now=None, **declared):
    """A draft application in an open round; what is not declared comes from the profile."""
    now = now or timezone.now()
    if not round.is_accepting(now):
        raise AllocationError(_("This round is not open for applications."), code="window")
    unknown = set(declared) - set(DECLARED_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    fields = {**application_prefill(user=applicant), **declared}
    fields["id_number"] = (fields.get("id_number") or "").strip().upper()
    try:
        with transaction.atomic():
            return workflow.application_create(
                model=ApartmentApplication, applicant=applicant, round=round, **fields
            )
    except IntegrityError:
        # Two submits at once: the partial unique constraint let only one through.
        raise AllocationError(
            _("You have already applied in this round."), code="one_per_round"
        ) from None


def application_update(*, application: ApartmentApplication, by: User, **declared):
    """Change what the applicant declared, while the application is a draft or needs
    more information."""
    if by.pk != application.applicant_id:
        raise PermissionDenied(_("Only the applicant can change the application."))
    if application.status not in (S.DRAFT, S.NEEDS_INFO):
        raise AllocationError(_("The application can no longer be changed."), code="locked")
    unknown = set(declared) - set(DECLARED_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in declared.items():
        setattr(application, name, value)
    application.id_number = application.id_number.strip().upper()
    application.full_clean(exclude=["reference"])
    application.save(update_fields=[*declared, "updated_at"])
    return application


def application_submit(*, application: ApartmentApplication, by: User, now=None):
    """Submit (or resubmit after a request for information): compute eligibility, priority
    score and preference group, flag duplicates, then move it on in the shared workflow.
    An ineligible application can still be submitted: staff decide, with the reasons shown."""
    now = now or timezone.now()
    round = application.round
    resubmit = application.status == S.NEEDS_INFO
    if not resubmit and not round.is_accepting(now):
        raise AllocationError(_("This round is not open for applications."), code="window")
    if resubmit and round.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        raise AllocationError(_("The list of this round is already frozen."), code="frozen")
    with transaction.atomic():
        _assess(application, round)
        application.save(update_fields=[*ASSESSED_FIELDS, "updated_at"])
        if resubmit:
            workflow.application_resubmit(application=application, by=by)
        else:
            workflow.application_submit(application=application, by=by)
        duplicates_detect(round=round)
    application.refresh_from_db()
    return application


def _round_layouts(round: AllocationRound) -> list[str]:
    return list(round.units.values_list("layout", flat=True).distinct())


def _assess(application, round, *, layouts=None, groups=None) -> None:
    """Eligibility, score and preference group from what the application declares."""
    applicant = Applicant.from_application(application)
    layouts = _round_layouts(round) if layouts is None else layouts
    result = eligibility_check(round.community, applicant, layouts=layouts)
    application.eligible = result.eligible
    application.eligibility = result.as_json()
    application.priority_score = priority_score(applicant).total
    groups = list(round.groups.all()) if groups is None else groups
    application.preference_group = preference_group_for(application, groups)


def preference_group_for(application, groups) -> PreferenceGroup | None:
    """The first group (by position) the application belongs to:
    tier A–B talents, households of at least the group's minimum size, accessible needs."""
    for group in sorted(groups, key=lambda g: (g.position, g.pk)):
        if group.kind == PreferenceKind.HIGH_TIER and application.tier in ("A", "B"):
            return group
        if (
            group.kind == PreferenceKind.FAMILY
            and application.household_size >= group.min_household
        ):
            return group
        if group.kind == PreferenceKind.ACCESSIBLE and application.needs_accessible:
            return group
    return None


# --- duplicates ---------------------------------------------------------------------------------


def duplicates_detect(*, round: AllocationRound) -> int:
    """Flag applications of the round that look like the same person under another account:
    the same resident ID number, or the same name, date of birth and phone. The earliest
    submission is kept as the original; the later ones are flagged with `duplicate_of` for staff
    to resolve. Applications staff have already resolved are left alone. Returns how many were
    newly flagged."""
    candidates = list(
        round.applications.exclude(status__in=[S.DRAFT, S.WITHDRAWN, S.REJECTED])
        .order_by("submitted_at", "pk")
        .only(
            "pk",
            "reference",
            "applicant_id",
            "id_number",
            "full_name",
            "birth_date",
            "phone",
            "flagged",
            "flag_resolved_at",
            "duplicate_of_id",
            "submitted_at",
        )
    )
    first_by_id: dict[str, ApartmentApplication] = {}
    first_by_person: dict[tuple, ApartmentApplication] = {}
    flagged = []
    for application in candidates:
        person = (
            "".join(application.full_name.split()).casefold(),
            application.birth_date,
            "".join(ch for ch in application.phone if ch.isdigit())[-11:],
        )
        original, reason = None, ""
        if application.id_number in first_by_id:
            original = first_by_id[application.id_number]
            reason = _("Same resident ID number as %(reference)s.")
        elif person in first_by_person:
            original = first_by_person[person]
            reason = _("Same name, date of birth and phone as %(reference)s.")
        first_by_id.setdefault(application.id_number, application)
        first_by_person.setdefault(person, application)
        if original is None or original.applicant_id == application.applicant_id:
            continue
        if application.flag_resolved_at is not None or application.flagged:
            continue
        application.flagged = True
        application.duplicate_of = original
        application.flag_reason = (reason % {"reference": original.reference})[:200]
        flagged.append(application)
    ApartmentApplication.objects.bulk_update(flagged, ["flagged", "duplicate_of", "flag_reason"])
    return len(flagged)


def duplicate_resolve(
    *, application: ApartmentApplication, by: User, duplicate: bool, comment: str = ""
) -> ApartmentApplication:
    """Staff decide a flagged application: a duplicate is rejected (the original stays);
    otherwise the flag is cleared and it goes on like any other."""
    if not application.can_process(by):
        raise PermissionDenied(_("You may not process this application."))
    if not application.flagged or application.flag_resolved_at is not None:
        raise AllocationError(_("This application is not awaiting a duplicate check."), code="flag")
    with transaction.atomic():
        locked = ApartmentApplication.objects.select_for_update().get(pk=application.pk)
        locked.flag_resolved_at = timezone.now()
        locked.flag_resolved_by = by
        if duplicate:
            locked.save(update_fields=["flag_resolved_at", "flag_resolved_by"])
            reason = locked.flag_reason
            if comment.strip():
                reason = f"{reason}\n{comment.strip()}"
            if locked.status not in S.closed():
                workflow.application_reject(
                    application=locked,
                    by=by,
                    reason=_("A duplicate application. %(reason)s") % {"reason": reason},
                )
        else:
            locked.duplicate_of = None
            locked.save(update_fields=["flag_resolved_at", "flag_resolved_by", "duplicate_of"])
            workflow.application_comment(
                application=locked,
                by=by,
                comment=comment.strip() or _("Checked: not a duplicate application."),
            )
    application.refresh_from_db()
    return application


# --- allocation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedOffer:
    application: ApartmentApplication
    unit: Unit
    pool: str
    monthly_rent: int
    rent_terms: str


def _fits(unit: Unit, application: ApartmentApplication) -> bool:
    if LAYOUT_CAPACITY[Layout(unit.layout)] < application.household_size:
        return False
    if application.preferred_layouts and unit.layout not in application.preferred_layouts:
        return False
    return not application.needs_accessible or unit.accessible


def _best_unit(units: list[Unit], application: ApartmentApplication) -> Unit | None:
    """The first fitting unit: preferred layouts in the applicant's order (else the smallest
    that fits), then building, floor, number."""
    fitting = [unit for unit in units if _fits(unit, application)]
    if not fitting:
        return None
    preferences = application.preferred_layouts

    def key(unit):
        layout_order = (
            preferences.index(unit.layout) if preferences else LAYOUT_CAPACITY[Layout(unit.layout)]
        )
        return (layout_order, unit.building, unit.floor, unit.number, unit.pk)

    return min(fitting, key=key)


def allocation_plan(*, round: AllocationRound) -> list[PlannedOffer]:
    """The offers the round would make now (nothing is written): the available units of the
    round to the best-ranked applications that have not had an offer yet. See
    `apartments.lottery` for the order and the rules."""
    if round.status != RoundStatus.DRAWN:
        return []
    had_offer = Offer.objects.filter(application=OuterRef("pk"))
    is_tenant = Lease.objects.filter(tenant=OuterRef("applicant"), status=LeaseStatus.ACTIVE)
    applications = list(
        round.applications.in_frozen_list()
        .filter(general_rank__isnull=False)
        .exclude(Exists(had_offer))
        .exclude(Exists(is_tenant))
        .select_related("preference_group", "applicant")
        .order_by("general_rank")
    )
    round_units = list(
        round.round_units.filter(unit__status=UnitStatus.AVAILABLE).select_related("unit", "group")
    )
    community = round.community
    groups = list(round.groups.all())
    planned: list[PlannedOffer] = []
    served: set[int] = set()
    taken: set[int] = set()

    def offer(application, unit, pool):
        rent, terms = community.rent_for(unit, application.tier)
        planned.append(PlannedOffer(application, unit, pool, rent, terms))
        served.add(application.pk)
        taken.add(unit.pk)

    for group in sorted(groups, key=lambda g: (g.position, g.pk)):
        units = [ru.unit for ru in round_units if ru.group_id == group.pk]
        members = sorted(
            (a for a in applications if a.preference_group_id == group.pk), key=lambda a: a.rank
        )
        for application in members:
            unit = _best_unit([u for u in units if u.pk not in taken], application)
            if unit is not None:
                offer(application, unit, group.code)
    remaining = [ru.unit for ru in round_units if ru.unit.pk not in taken]
    for application in applications:
        if application.pk in served:
            continue
        unit = _best_unit([u for u in remaining if u.pk not in taken], application)
        if unit is not None:
            offer(application, unit, lottery.GENERAL)
    return planned


#: The name the admin's "preview" step knows it by.
allocation_preview = allocation_plan


def allocation_commit(*, round: AllocationRound, by: User, now=None) -> list[Offer]:
    """Make the offers `allocation_plan` shows, under a lock on the round and its units."""
    _require_staff(by, round.community, "change_allocationround")
    with transaction.atomic():
        locked = row_lock(round, "community")
        _require_status(locked, RoundStatus.DRAWN)
        return _allocate(locked, now=now or timezone.now(), by=by)


def _allocate(round: AllocationRound, *, now, by: User | None = None) -> list[Offer]:
    """Offer the round's available units (caller holds the round's lock)."""
    if round.status != RoundStatus.DRAWN:
        return []
    # Lock the units that could be offered, in primary-key order.
    list(
        Unit.objects.select_for_update()
        .filter(round_units__round=round, status=UnitStatus.AVAILABLE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    plan = allocation_plan(round=round)
    if not plan:
        return []
    expires = now + datetime.timedelta(days=round.offer_days)
    offers = Offer.objects.bulk_create(
        [
            Offer(
                application=item.application,
                unit=item.unit,
                offered_at=now,
                expires_at=expires,
                monthly_rent=item.monthly_rent,
                rent_terms=item.rent_terms,
            )
            for item in plan
        ]
    )
    Unit.objects.filter(pk__in=[item.unit.pk for item in plan]).update(status=UnitStatus.OFFERED)
    for offer, item in zip(offers, plan, strict=True):
        offer.application = item.application
        offer.unit = item.unit
        offer.unit.status = UnitStatus.OFFERED
        _event(
            item.application,
            by,
            _("Offered %(unit)s; reply by %(expires)s.")
            % {"unit": _unit_text(item.unit), "expires": _when(expires)},
        )
        _notify(item.application, "offer_made", {"offer": offer, "round": round})
    return offers


def _unit_text(unit: Unit) -> str:
    return f"{unit.building}-{unit.number} ({unit.get_layout_display()})"


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _event(application, actor, comment):
    ApplicationEvent.objects.create(reference=application.reference, actor=actor, comment=comment)


def _notify(application, template, context):
    notification_send(
        recipient=application.applicant,
        template=f"apartments/notifications/{template}",
        context={"application": application, **context},
        url=application.get_absolute_url(),
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (the month's last day if it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def offer_accept(*, offer: Offer, by: User, now=None) -> Lease:
    """The applicant accepts: the lease is created and the unit let. The unit's row is locked
    first, so concurrent acceptances of the same unit queue and only one can let it; the
    exclusion constraint is the last line. Accepting twice returns the same lease."""
    now = now or timezone.now()
    if (
        by.pk
        != Offer.objects.filter(pk=offer.pk)
        .values_list("application__applicant_id", flat=True)
        .first()
    ):
        raise PermissionDenied(_("This offer is not yours."))
    with transaction.atomic():
        # The applicant's row first: their acceptances of offers of different rounds queue, and
        # the second sees the lease the first made (one talent apartment per person). FOR NO
        # KEY UPDATE: rows that merely refer to the person (events, notifications written
        # under the unit's lock by an expiry) are not held up by it, so no deadlock.
        User.objects.select_for_update(no_key=True).filter(pk=by.pk).first()
        unit = (
            Unit.objects.select_for_update(of=("self",))
            .select_related("community")
            .get(pk=offer.unit_id)
        )
        locked = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("application__round", "application__applicant")
            .get(pk=offer.pk)
        )
        if locked.status == OfferStatus.ACCEPTED:
            return Lease.objects.get(offer=locked)
        if locked.status != OfferStatus.PENDING:
            raise AllocationError(
                _("This offer is %(status)s.") % {"status": locked.get_status_display().lower()},
                code="offer_closed",
            )
        if now >= locked.expires_at:
            raise AllocationError(_("This offer has expired."), code="offer_expired")
        if unit.status != UnitStatus.OFFERED:
            raise AllocationError(_("This unit is no longer on offer."), code="unit_status")
        application = locked.application
        if is_tenant(application.applicant, exclude_application=application):
            raise AllocationError(
                _("You already rent a talent apartment: decline this offer or move out first."),
                code="tenant",
            )
        round = application.round
        start = max(round.lease_starts_on or timezone.localdate(now), timezone.localdate(now))
        lease = Lease(
            unit=unit,
            tenant=application.applicant,
            application=application,
            offer=locked,
            start=start,
            end=add_months(start, unit.community.max_lease_months),
            monthly_rent=locked.monthly_rent,
            rent_terms=locked.rent_terms,
            residents=application.household_size,
        )
        try:
            with transaction.atomic():
                lease.save()
        except IntegrityError:
            raise AllocationError(
                _("The unit is already let for these dates."), code="overlap"
            ) from None
        unit.status = UnitStatus.LET
        unit.save(update_fields=["status"])
        locked.status = OfferStatus.ACCEPTED
        locked.decided_at = now
        locked.save(update_fields=["status", "decided_at"])
        _event(
            application,
            by,
            _("Accepted the offer of %(unit)s; lease from %(start)s to %(end)s.")
            % {"unit": _unit_text(unit), "start": lease.start, "end": lease.end},
        )
        _notify(application, "lease_started", {"lease": lease, "unit": unit})
    offer.status = locked.status
    return lease


def offer_decline(*, offer: Offer, by: User, now=None) -> Offer:
    """The applicant declines: the unit passes to the next in order."""
    now = now or timezone.now()
    application = offer.application
    if by.pk != application.applicant_id:
        raise PermissionDenied(_("This offer is not yours."))
    with transaction.atomic():
        round = row_lock(application.round, "community")
        locked = _release(offer, OfferStatus.DECLINED, now)
        if locked is None:
            raise AllocationError(_("This offer is no longer open."), code="offer_closed")
        _event(
            application,
            by,
            _("Declined the offer of %(unit)s.") % {"unit": _unit_text(locked.unit)},
        )
        _allocate(round, now=now)
    offer.status = locked.status
    return locked


def _release(offer: Offer, status: str, now) -> Offer | None:
    """Close a pending offer and make its unit available again (caller holds the round).
    None if the offer is no longer pending (or, to expire it, no longer due)."""
    unit = Unit.objects.select_for_update().get(pk=offer.unit_id)
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if locked.status != OfferStatus.PENDING:
        return None
    if status == OfferStatus.EXPIRED and locked.expires_at > now:
        return None
    locked.status = status
    locked.decided_at = now
    locked.save(update_fields=["status", "decided_at"])
    if unit.status == UnitStatus.OFFERED:
        unit.status = UnitStatus.AVAILABLE
        unit.save(update_fields=["status"])
    locked.unit = unit
    return locked


def offers_expire(*, now=None, round=None) -> int:
    """Expire every offer past its reply date (of one round, if given) and pass each unit to
    the next in order. Safe to run from several workers at once: each offer is handled under
    its round's lock."""
    now = now or timezone.now()
    expired = 0
    due = Offer.objects.due(now).select_related("application__round", "application__applicant")
    if round is not None:
        due = due.filter(application__round=round)
    for offer in due.order_by("expires_at", "pk"):
        with transaction.atomic():
            round = row_lock(offer.application.round, "community")
            locked = _release(offer, OfferStatus.EXPIRED, now)
            if locked is None:
                continue
            expired += 1
            _event(
                offer.application,
                None,
                _("The offer of %(unit)s expired without a reply.")
                % {"unit": _unit_text(locked.unit)},
            )
            _notify(offer.application, "offer_expired", {"offer": locked})
            _allocate(round, now=now)
    return expired


# --- leases -------------------------------------------------------------------------------------


def lease_renew(*, lease: Lease, by: User, months: int | None = None) -> Lease:
    """Extend an active lease by `months` (at most the community's maximum lease length)."""
    community = lease.unit.community
    _require_staff(by, community, "change_lease")
    months = months or community.max_lease_months
    if not 1 <= months <= community.max_lease_months:
        raise AllocationError(
            _("A renewal is 1 to %(max)s months.") % {"max": community.max_lease_months},
            code="months",
        )
    with transaction.atomic():
        Unit.objects.select_for_update().get(pk=lease.unit_id)
        locked = Lease.objects.select_for_update().get(pk=lease.pk)
        if locked.status != LeaseStatus.ACTIVE:
            raise AllocationError(_("Only an active lease can be renewed."), code="lease_status")
        old_end = locked.end
        locked.end = add_months(locked.end, months)
        locked.renewals += 1
        try:
            with transaction.atomic():
                locked.save(update_fields=["end", "renewals"])
        except IntegrityError:
            raise AllocationError(
                _("The unit is let to someone else after this lease."), code="overlap"
            ) from None
        if locked.application_id:
            _event(
                locked.application,
                by,
                _("Lease renewed: it now ends on %(end)s (was %(old)s).")
                % {"end": locked.end, "old": old_end},
            )
    copy_state(lease, locked, ["end", "renewals"])
    return locked


def lease_end(
    *, lease: Lease, by: User, on: datetime.date | None = None, reason: str = "", now=None
) -> Lease:
    """Move-out: the lease ends on `on` (today by default) and the unit is available again
    (unless another active lease already follows)."""
    _require_staff(by, lease.unit.community, "change_lease")
    now = now or timezone.now()
    on = on or timezone.localdate(now)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=lease.unit_id)
        locked = Lease.objects.select_for_update().get(pk=lease.pk)
        _end(locked, unit, on=on, reason=reason, now=now)
        if locked.application_id:
            _event(
                locked.application,
                by,
                _("Moved out on %(day)s.") % {"day": locked.end}
                + (f" {reason.strip()}" if reason.strip() else ""),
            )
    copy_state(lease, locked, ["end", "status", "ended_at", "end_reason"])
    return locked


def _end(lease: Lease, unit: Unit, *, on, reason, now):
    if lease.status != LeaseStatus.ACTIVE:
        raise AllocationError(_("This lease has already ended."), code="lease_status")
    if on <= lease.start:
        raise AllocationError(
            _("The move-out day must be after the start of the lease (%(start)s).")
            % {"start": lease.start},
            code="move_out",
        )
    lease.end = min(on, lease.end)
    lease.status = LeaseStatus.ENDED
    lease.ended_at = now
    lease.end_reason = reason.strip()[:200]
    lease.save(update_fields=["end", "status", "ended_at", "end_reason"])
    if unit.status == UnitStatus.LET and not unit.leases.filter(status=LeaseStatus.ACTIVE).exists():
        unit.status = UnitStatus.AVAILABLE
        unit.save(update_fields=["status"])


def leases_expire(*, today: datetime.date | None = None, now=None) -> int:
    """End every active lease whose end day has come (the tenant moved out as agreed)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    ended = 0
    for lease_id, unit_id in Lease.objects.ending_before(
        today + datetime.timedelta(days=1)
    ).values_list("pk", "unit_id"):
        with transaction.atomic():
            unit = Unit.objects.select_for_update().get(pk=unit_id)
            lease = Lease.objects.select_for_update().get(pk=lease_id)
            if lease.status != LeaseStatus.ACTIVE or lease.end > today:
                continue
            _end(lease, unit, on=lease.end, reason=_("End of the lease term."), now=now)
            ended += 1
    return ended


# --- occupancy ----------------------------------------------------------------------------------


@transaction.atomic
def occupancy_rebuild() -> int:
    """Recompute the occupancy summary from the units and leases (the triggers keep it
    current; this is for repairs and after a bulk load with triggers disabled)."""
    table = Occupancy._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"""
            INSERT INTO {table}
                (community_id, layout, units, available, offered, let, maintenance, residents)
            SELECT u.community_id, u.layout, count(*),
                   count(*) FILTER (WHERE u.status = 'available'),
                   count(*) FILTER (WHERE u.status = 'offered'),
                   count(*) FILTER (WHERE u.status = 'let'),
                   count(*) FILTER (WHERE u.status = 'maintenance'),
                   coalesce(sum(r.residents), 0)
            FROM apartments_unit u
            LEFT JOIN (
                SELECT unit_id, sum(residents) AS residents FROM apartments_lease
                WHERE status = 'active' GROUP BY unit_id
            ) r ON r.unit_id = u.id
            GROUP BY u.community_id, u.layout
            """
        )
        return cursor.rowcount


@dataclass(frozen=True)
class OccupancyRow:
    code: str
    name: str
    units: int
    available: int
    offered: int
    let: int
    maintenance: int
    residents: int

    @property
    def vacancy_rate(self) -> float | None:
        return vacancy_rate(self.__dict__)


def occupancy_report(*, level: str, region: Region | None = None) -> list[OccupancyRow]:
    """Occupancy by "community", "city" or "province" (within `region` if given), from the
    summary table: a few thousand rows, however many units there are."""
    rows = Occupancy.objects.all()
    if region is not None:
        rows = rows.in_region(region)
    fields = ("units", "available", "offered", "let", "maintenance", "residents")
    if level == "community":
        result = []
        for row in rows.by_community():
            community = Community(
                name_zh=row["community__name_zh"], name_en=row["community__name_en"]
            )
            result.append(
                OccupancyRow(str(row["community"]), community.name, *(row[f] or 0 for f in fields))
            )
        return result
    if level == "city":
        grouped = [(row["city"] + "00", row) for row in rows.by_city()]
    elif level == "province":
        grouped = [(row["province"] + "0000", row) for row in rows.by_province()]
    else:
        raise ValueError(f"unknown level {level!r}")
    codes = [code for code, _row in grouped]
    regions = Region.objects.in_bulk(codes + [code[:2] + "0000" for code in codes])

    def name(code):
        # A municipality's districts have no city above them: the province names them.
        region = regions.get(code) or regions.get(code[:2] + "0000")
        return region.name if region else code

    return [
        OccupancyRow(
            code,
            name(code),
            *(row[f] or 0 for f in fields),
        )
        for code, row in grouped
    ]


def occupancy_totals(*, region: Region | None = None) -> OccupancyRow:
    rows = Occupancy.objects.all()
    if region is not None:
        rows = rows.in_region(region)
    totals = rows.totals()
    return OccupancyRow(
        region.code if region else "",
        region.name if region else _("All communities"),
        *(totals[f] for f in ("units", "available", "offered", "let", "maintenance", "residents")),
    )


def applications_visible_to(user: User):
    """Apartment applications `user` may see: their own, plus what their staff scope covers."""
    own = Q(applicant=user)
    if user.is_active and user.is_staff and user.has_perm("apartments.view_apartmentapplication"):
        if region_scope(user) is None:
            return ApartmentApplication.objects.all()
        return ApartmentApplication.objects.filter(own | scope_q(user, "round__community__region"))
    return ApartmentApplication.objects.filter(own)
