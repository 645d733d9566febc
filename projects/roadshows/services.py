"""Every write path of projects, investors, roadshows, registrations and interest.

Views, admin actions, the seed and tests call these functions; each runs in a transaction and
raises a domain error (`RoadshowError`, a ValidationError) or PermissionDenied.

Capacity: every write to registrations locks the roadshow's row (SELECT … FOR UPDATE) and
counts the seats taken again under that lock, so that concurrent requests queue on the row and
the event is never over capacity (the counters' check constraint is the last line). The waiting
list is served in arrival order (the order in which registrations were created under the lock):
a freed seat is offered to the first waiting, who claims it within the event's `claim_hours`
(`registration_claim`); an unclaimed offer expires and passes on (`roadshow_offers_expire`, run
by a command, by the event's page and by every write to the event's registrations).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    Interest,
    InterestStatus,
    Investor,
    Project,
    ProjectStatus,
    ProjectSubmission,
    Registration,
    RegistrationStatus,
    Roadshow,
    RoadshowSlot,
    new_checkin_code,
)
from talentportal.models import AccountKind, ApplicationStatus, Region, User
from talentportal.notifications import notification_send
from talentportal.workflow import (
    application_approve,
    application_create,
    application_reject,
    application_submit,
)
from talents.models import Enterprise, VerificationStatus


class RoadshowError(ValidationError):
    """A request the rules of projects, roadshows or interest do not allow."""


# ---------------------------------------------------------------------------------------------
# Projects


def _lock_project(project: Project) -> Project:
    return Project.objects.select_for_update().get(pk=project.pk)


def project_editable_by(project: Project, user) -> bool:
    """The team edits its project while it is a draft; staff always."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_active and user.is_staff:
        return True
    return project.status == ProjectStatus.DRAFT and project.has_member(user)


@transaction.atomic
def project_submit(*, project: Project, by: User) -> ProjectSubmission:
    """Send a draft project to the office for review: a "PJ" application in the shared
    workflow. Submitting twice is refused, not doubled."""
    locked = _lock_project(project)
    if not locked.has_member(by):
        raise PermissionDenied(_("Only the project team can submit the project."))
    if locked.status != ProjectStatus.DRAFT:
        raise RoadshowError(_("This project has been submitted already."), code="submitted")
    submission = application_create(model=ProjectSubmission, applicant=by, project=locked)
    application_submit(application=submission, by=by)
    locked.status = ProjectStatus.SUBMITTED
    locked.save(update_fields=["status", "updated_at"])
    project.status = locked.status
    return submission


def _open_submission(project: Project) -> ProjectSubmission | None:
    return (
        project.submissions.exclude(status__in=ApplicationStatus.closed()).order_by("-pk").first()
    )


@transaction.atomic
def project_publish(*, project: Project, by: User, comment: str = "") -> Project:
    """Staff publish a project: its open submission is approved; a project staff entered
    themselves is published directly."""
    if not (by.is_active and by.is_staff):
        raise PermissionDenied(_("Only the office's staff can publish projects."))
    locked = _lock_project(project)
    if locked.status == ProjectStatus.PUBLISHED:
        return locked
    submission = _open_submission(locked)
    if submission is not None:
        application_approve(application=submission, by=by, comment=comment)
    locked.status = ProjectStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    project.status, project.published_at = locked.status, locked.published_at
    _tell_matching_investors(locked)
    return locked


def _tell_matching_investors(project: Project) -> None:
    """The members of the verified investors the new project fits best are told (once: a
    project is published once; unpublishing and publishing again tells them again)."""
    investors = list(matching_investors(project))
    members = Investor.members.through.objects.filter(
        investor__in=[investor.pk for investor in investors], user__is_active=True
    ).select_related("user", "investor")
    for membership in members:
        notification_send(
            recipient=membership.user,
            template="projects/roadshows/notifications/project_matches",
            context={"project": project, "investor": membership.investor},
            url=project.get_absolute_url(),
        )


@transaction.atomic
def project_reject(*, project: Project, by: User, reason: str) -> Project:
    """Staff return a submitted project to its team as a draft, with the reason."""
    if not (by.is_active and by.is_staff):
        raise PermissionDenied(_("Only the office's staff can review projects."))
    locked = _lock_project(project)
    if locked.status != ProjectStatus.SUBMITTED:
        raise RoadshowError(_("Only a submitted project can be returned."), code="not_submitted")
    submission = _open_submission(locked)
    if submission is not None:
        application_reject(application=submission, by=by, reason=reason)
    elif not reason.strip():
        raise RoadshowError(_("Give the reason for the rejection."), code="comment_required")
    locked.status = ProjectStatus.DRAFT
    locked.save(update_fields=["status", "updated_at"])
    project.status = locked.status
    return locked


@transaction.atomic
def project_unpublish(*, project: Project, by: User) -> Project:
    if not (by.is_active and by.is_staff):
        raise PermissionDenied(_("Only the office's staff can unpublish projects."))
    locked = _lock_project(project)
    locked.status = ProjectStatus.DRAFT
    locked.published_at = None
    locked.featured = False
    locked.save(update_fields=["status", "published_at", "featured", "updated_at"])
    project.status = locked.status
    return locked


# ---------------------------------------------------------------------------------------------
# Investors


@transaction.atomic
def investor_verify(*, investor: Investor, by: User) -> Investor:
    if not (by.is_active and by.is_staff):
        raise PermissionDenied(_("Only the office's staff can verify investors."))
    Investor.objects.filter(pk=investor.pk).update(
        status=VerificationStatus.VERIFIED,
        verified_by=by,
        verified_at=timezone.now(),
        rejection_reason="",
    )
    investor.refresh_from_db()
    return investor


@transaction.atomic
def investor_reject(*, investor: Investor, by: User, reason: str) -> Investor:
    if not (by.is_active and by.is_staff):
        raise PermissionDenied(_("Only the office's staff can verify investors."))
    if not reason.strip():
        raise RoadshowError(_("Give the reason for the rejection."), code="comment_required")
    Investor.objects.filter(pk=investor.pk).update(
        status=VerificationStatus.REJECTED,
        verified_by=by,
        verified_at=timezone.now(),
        rejection_reason=reason.strip(),
    )
    investor.refresh_from_db()
    return investor


INVESTOR_FIELDS = frozenset(
    {
        "name",
        "name_en",
        "kind",
        "region",
        "stages",
        "ticket_min",
        "ticket_max",
        "contact_name",
        "contact_phone",
        "contact_email",
        "website",
        "description",
    }
)


@transaction.atomic
def investor_register(*, user: User, focus_industries=(), regions=(), **fields) -> Investor:
    """An investor account asks to join the databank for its institution: a new investor,
    pending verification, with `user` as its member. The office's staff are told; the
    databank opens to `user` once staff verify it (`investor_verify`)."""
    unknown = set(fields) - INVESTOR_FIELDS
    if unknown:
        raise ValueError(f"not registrable: {sorted(unknown)}")
    if not (user.is_authenticated and user.kind == AccountKind.INVESTOR):
        raise PermissionDenied(_("Only an investor account can register an institution."))
    if Investor.objects.of_member(user).exclude(status=VerificationStatus.REJECTED).exists():
        raise RoadshowError(
            _("You have registered an institution already."), code="already_registered"
        )
    investor = Investor(**fields)
    investor.full_clean(exclude=["focus_industries", "regions", "members"])
    investor.save()
    investor.members.add(user)
    investor.focus_industries.set(focus_industries)
    investor.regions.set(regions)
    staff = User.objects.with_perm(
        "projects.change_investor", backend="django.contrib.auth.backends.ModelBackend"
    ).filter(is_staff=True, is_active=True)
    for recipient in staff:
        notification_send(
            recipient=recipient,
            template="projects/roadshows/notifications/investor_registered",
            context={"investor": investor},
            url=reverse("admin:projects_investor_change", args=[investor.pk]),
        )
    return investor


def investor_of(user) -> Investor | None:
    """The institution `user` acts for, in whatever state (the newest if several)."""
    if user is None or not user.is_authenticated:
        return None
    return Investor.objects.of_member(user).order_by("-pk").first()


def verified_investor_of(user) -> Investor | None:
    """The verified institution `user` acts for, if any."""
    if user is None or not user.is_authenticated:
        return None
    return Investor.objects.verified().of_member(user).order_by("pk").first()


def databank_visible_to(user) -> bool:
    """The investor databank is for staff, members of a verified investor or a verified
    enterprise, and teams of a published project (all of them checked by the office)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff:
        return True
    if Investor.objects.verified().of_member(user).exists():
        return True
    if Enterprise.objects.verified().of_member(user).exists():
        return True
    return Project.objects.published().of_team(user).exists()


# ---------------------------------------------------------------------------------------------
# Matchmaking


def _ancestor_codes(region: Region) -> list[str]:
    """The codes of `region` and of the regions above it (province, city)."""
    code = region.code
    return list(dict.fromkeys([f"{code[:2]}0000", f"{code[:4]}00", code]))


def matching_investors(project: Project, *, limit: int = 10):
    """Verified investors whose focus fits the project, best fit first. Score: industry 4,
    stage 3, ticket size covers the funding sought 2, region (an investor without regions
    invests anywhere) 1; an investor must fit the industry or the stage to be listed."""
    region_through = Investor.regions.through.objects.filter(investor_id=OuterRef("pk"))
    industry_fit = Exists(
        Investor.focus_industries.through.objects.filter(
            investor_id=OuterRef("pk"), industry_id=project.industry_id
        )
    )
    region_fit = Exists(
        region_through.filter(region_id__in=_ancestor_codes(project.region))
    ) | ~Exists(region_through)
    ticket_fit = Q(ticket_min__lte=project.funding_sought, ticket_max__gte=project.funding_sought)
    stage_fit = Q(stages__contains=[project.stage])
    score = (
        Case(When(industry_fit, then=Value(4)), default=Value(0), output_field=IntegerField())
        + Case(When(stage_fit, then=Value(3)), default=Value(0), output_field=IntegerField())
        + Case(When(ticket_fit, then=Value(2)), default=Value(0), output_field=IntegerField())
        + Case(When(region_fit, then=Value(1)), default=Value(0), output_field=IntegerField())
    )
    return (
        Investor.objects.verified()
        .filter(industry_fit | stage_fit)
        .annotate(fit=score)
        .select_related("region")
        .order_by("-fit", "name", "pk")[:limit]
    )


def matching_projects(investor: Investor, *, limit: int = 10):
    """Published projects that fit the investor's focus, best fit first (the same score as
    `matching_investors`)."""
    industry_ids = list(investor.focus_industries.values_list("pk", flat=True))
    regions = list(investor.regions.all())
    industry_fit = Q(industry_id__in=industry_ids)
    stage_fit = Q(stage__in=investor.stages)
    ticket_fit = Q(funding_sought__gte=investor.ticket_min, funding_sought__lte=investor.ticket_max)
    region_fit = Q()
    for region in regions:
        region_fit |= Q(region__code__startswith=region.code_prefix)
    region_score = (
        Case(When(region_fit, then=Value(1)), default=Value(0), output_field=IntegerField())
        if regions
        else Value(1)
    )
    score = (
        Case(When(industry_fit, then=Value(4)), default=Value(0), output_field=IntegerField())
        + Case(When(stage_fit, then=Value(3)), default=Value(0), output_field=IntegerField())
        + Case(When(ticket_fit, then=Value(2)), default=Value(0), output_field=IntegerField())
        + region_score
    )
    return (
        Project.objects.published()
        .filter(industry_fit | stage_fit)
        .annotate(fit=score)
        .select_related("industry", "region")
        .order_by("-fit", "-published_at", "-pk")[:limit]
    )


# ---------------------------------------------------------------------------------------------
# Roadshows and registrations


def _lock_roadshow(roadshow: Roadshow) -> Roadshow:
    return Roadshow.objects.select_for_update().get(pk=roadshow.pk)


def _recount(roadshow: Roadshow) -> None:
    """Recompute the counters of a locked roadshow from its registrations. The database's
    check (confirmed + offered ≤ capacity) refuses the transaction of any write that would
    have put the event over capacity."""
    counts = Registration.objects.filter(roadshow=roadshow).aggregate(
        confirmed=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        offered=Count("pk", filter=Q(status=RegistrationStatus.OFFERED)),
        waitlisted=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    roadshow.registered_count = counts["confirmed"]
    roadshow.offered_count = counts["offered"]
    roadshow.waitlisted_count = counts["waitlisted"]
    roadshow.checked_in_count = counts["checked_in"]
    Roadshow.objects.filter(pk=roadshow.pk).update(
        registered_count=counts["confirmed"],
        offered_count=counts["offered"],
        waitlisted_count=counts["waitlisted"],
        checked_in_count=counts["checked_in"],
    )


def roadshow_recount(*, roadshow: Roadshow) -> Roadshow:
    """Recompute a roadshow's counters under its lock (after bulk writes, e.g. the seed)."""
    with transaction.atomic():
        locked = _lock_roadshow(roadshow)
        _recount(locked)
    return locked


def _create_with_code(**fields) -> Registration:
    """A new registration with a fresh check-in code (drawn again on the unlikely clash)."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Registration.objects.create(code=new_checkin_code(), **fields)
        except IntegrityError:
            if (
                Registration.objects.filter(roadshow=fields["roadshow"], user=fields["user"])
                .active()
                .exists()
            ):
                raise
    raise RoadshowError(_("Please try again."), code="code_clash")


def _held_seats(roadshow: Roadshow) -> int:
    """Seats taken: confirmed, or offered and not yet claimed (roadshow locked)."""
    return Registration.objects.filter(
        roadshow=roadshow,
        status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED],
    ).count()


def registration_create(*, roadshow: Roadshow, user: User) -> Registration:
    """Register `user` for `roadshow`: confirmed while seats last, waitlisted after.

    Registering again while registered returns the existing registration (a double click or a
    second tab does not take a second seat). A member of a verified investor registers on its
    behalf. Offers past their deadline pass on first: nobody registering now overtakes the
    waiting list."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Log in to register."))
    investor = verified_investor_of(user)
    with transaction.atomic():
        locked = _lock_roadshow(roadshow)
        now = timezone.now()
        if not locked.is_published:
            raise RoadshowError(_("This event is not open for registration."), code="closed")
        if locked.is_over(now):
            raise RoadshowError(_("This event is over."), code="over")
        if locked.capacity == 0:
            raise RoadshowError(
                _("This event is online only: follow the stream, no registration needed."),
                code="online_only",
            )
        _expire_due(locked, now)
        existing = Registration.objects.active().filter(roadshow=locked, user=user).first()
        if existing is not None:
            _recount(locked)
            return existing
        # Free seats are offered to the waiting list as they free up, so a free seat here
        # means nobody is waiting.
        seat = _held_seats(locked) < locked.capacity
        registration = _create_with_code(
            roadshow=locked,
            user=user,
            investor=investor,
            status=RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITLISTED,
            created_at=now,
            confirmed_at=now if seat else None,
        )
        _recount(locked)
    roadshow.registered_count = locked.registered_count
    roadshow.waitlisted_count = locked.waitlisted_count
    return registration


def claim_deadline(roadshow: Roadshow, now) -> datetime.datetime:
    """`claim_hours` from now, but no later than the start (or, once started, the end)."""
    limit = roadshow.starts_at if roadshow.starts_at > now else roadshow.ends_at
    return min(now + datetime.timedelta(hours=roadshow.claim_hours), limit)


def _offer_free_seats(roadshow: Roadshow, now) -> list[Registration]:
    """Offer each free seat to the next on the waiting list, in arrival order (roadshow
    locked). Nothing is offered once the event is over."""
    if roadshow.is_over(now):
        return []
    free = roadshow.capacity - _held_seats(roadshow)
    if free <= 0:
        return []
    offered = list(
        Registration.objects.waitlisted()
        .filter(roadshow=roadshow)
        .select_for_update(of=("self",))
        .select_related("user")[:free]
    )
    deadline = claim_deadline(roadshow, now)
    for registration in offered:
        registration.status = RegistrationStatus.OFFERED
        registration.offered_at = now
        registration.offer_expires_at = deadline
        registration.save(update_fields=["status", "offered_at", "offer_expires_at"])
        notification_send(
            recipient=registration.user,
            template="projects/roadshows/notifications/seat_offered",
            context={"registration": registration, "roadshow": roadshow},
            url=roadshow.get_absolute_url(),
        )
    return offered


def _expire_due(roadshow: Roadshow, now) -> int:
    """Expire the offers of a locked roadshow past their deadline, each person told, and offer
    the seats to the next on the waiting list."""
    due = list(
        Registration.objects.due(now)
        .filter(roadshow=roadshow)
        .select_for_update(of=("self",))
        .select_related("user")
    )
    for registration in due:
        registration.status = RegistrationStatus.EXPIRED
        registration.save(update_fields=["status"])
        notification_send(
            recipient=registration.user,
            template="projects/roadshows/notifications/offer_expired",
            context={"registration": registration, "roadshow": roadshow},
            url=roadshow.get_absolute_url(),
        )
    if due:
        _offer_free_seats(roadshow, now)
    return len(due)


def roadshow_offers_expire(*, now=None, roadshow: Roadshow | None = None) -> int:
    """Expire every seat offer past its deadline (of one roadshow, if given) and pass each
    seat to the next on the waiting list; the number expired. Run by `manage.py
    roadshow_offers` and, lazily, by the roadshow's page; safe to run from several places at
    once (each roadshow under its row lock)."""
    now = now or timezone.now()
    due = Registration.objects.due(now)
    if roadshow is not None:
        due = due.filter(roadshow=roadshow)
    expired = 0
    for roadshow_id in due.values_list("roadshow_id", flat=True).distinct().order_by():
        with transaction.atomic():
            locked = Roadshow.objects.select_for_update().get(pk=roadshow_id)
            count = _expire_due(locked, now)
            if count:
                _recount(locked)
            expired += count
    return expired


def registration_claim(*, registration: Registration, by: User, now=None) -> Registration:
    """The person offered a freed seat claims it before the deadline: confirmed. Claiming
    twice returns the confirmed registration; an offer past its deadline has passed on (the
    seat goes to the next on the waiting list) and is refused."""
    if by is None or not by.is_authenticated or registration.user_id != by.pk:
        raise PermissionDenied(_("This is not your registration."))
    now = now or timezone.now()
    with transaction.atomic():
        locked_roadshow = _lock_roadshow(registration.roadshow)
        expired = _expire_due(locked_roadshow, now)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status == RegistrationStatus.OFFERED:
            locked.status = RegistrationStatus.CONFIRMED
            locked.confirmed_at = now
            locked.save(update_fields=["status", "confirmed_at"])
        if expired or locked.status == RegistrationStatus.CONFIRMED:
            _recount(locked_roadshow)
    registration.status, registration.confirmed_at = locked.status, locked.confirmed_at
    if locked.status == RegistrationStatus.EXPIRED:
        raise RoadshowError(
            _("Your offer expired: the seat has passed to the next person waiting."),
            code="offer_expired",
        )
    if locked.status != RegistrationStatus.CONFIRMED:
        raise RoadshowError(_("No seat is offered to you."), code="no_offer")
    return locked


def registration_cancel(*, registration: Registration, by: User) -> Registration:
    """Cancel a registration (its person or staff), or decline a seat offered. A freed seat is
    offered to the first person on the waiting list, who is told. Cancelling twice is
    harmless."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Log in first."))
    if registration.user_id != by.pk and not (by.is_active and by.is_staff):
        raise PermissionDenied(_("This is not your registration."))
    with transaction.atomic():
        now = timezone.now()
        locked_roadshow = _lock_roadshow(registration.roadshow)
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status in RegistrationStatus.inactive():
            return locked
        if locked.checked_in_at is not None:
            raise RoadshowError(_("You have checked in already."), code="checked_in")
        locked.status = RegistrationStatus.CANCELLED
        locked.cancelled_at = now
        locked.save(update_fields=["status", "cancelled_at"])
        _expire_due(locked_roadshow, now)
        _offer_free_seats(locked_roadshow, now)
        _recount(locked_roadshow)
    registration.status, registration.cancelled_at = locked.status, locked.cancelled_at
    return locked


def roadshow_capacity_change(*, roadshow: Roadshow, capacity: int, by: User) -> Roadshow:
    """Change the offline seats: more seats are offered to the waiting list; fewer than the
    seats confirmed or offered are refused."""
    if not (by.is_active and by.is_staff):
        raise PermissionDenied(_("Only the office's staff can change an event."))
    with transaction.atomic():
        now = timezone.now()
        locked = _lock_roadshow(roadshow)
        _expire_due(locked, now)
        held = _held_seats(locked)
        if capacity < held:
            raise RoadshowError(
                _("%(count)s seats are confirmed or offered already: cancel registrations first.")
                % {"count": held},
                code="below_confirmed",
            )
        locked.capacity = capacity
        locked.save(update_fields=["capacity", "updated_at"])
        _offer_free_seats(locked, now)
        _recount(locked)
    return locked


def normalise_code(code: str) -> str:
    """A typed or scanned code: spaces, dashes and case do not matter."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:32]


def checkin(*, roadshow: Roadshow, code: str, by: User) -> Registration:
    """Check a person in at the door by their code (typed or scanned). Refused: an unknown
    code, a code of another event, a cancelled or waitlisted registration, a code used
    already."""
    if not (by.is_active and by.is_staff):
        raise PermissionDenied(_("Only the office's staff can check people in."))
    code = normalise_code(code)
    if not code:
        raise RoadshowError(_("Enter a check-in code."), code="empty")
    with transaction.atomic():
        locked_roadshow = _lock_roadshow(roadshow)
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(code=code)
            .first()
        )
        if registration is None:
            raise RoadshowError(_("There is no registration with this code."), code="unknown")
        if registration.roadshow_id != locked_roadshow.pk:
            raise RoadshowError(_("This code is for another event."), code="wrong_event")
        if registration.status in RegistrationStatus.inactive():
            raise RoadshowError(_("This registration was cancelled."), code="cancelled")
        if registration.status == RegistrationStatus.OFFERED:
            raise RoadshowError(
                _("This person was offered a seat but has not claimed it."), code="offered"
            )
        if registration.status == RegistrationStatus.WAITLISTED:
            raise RoadshowError(
                _("This person is on the waiting list, without a seat."), code="waitlisted"
            )
        if registration.checked_in_at is not None:
            raise RoadshowError(
                _("This code was used already, at %(time)s.")
                % {"time": timezone.localtime(registration.checked_in_at).strftime("%H:%M")},
                code="used",
            )
        registration.checked_in_at = timezone.now()
        registration.checked_in_by = by
        registration.save(update_fields=["checked_in_at", "checked_in_by"])
        _recount(locked_roadshow)
    return registration


def roadshow_count_view(*, roadshow: Roadshow) -> None:
    """One more online view (someone followed the stream link)."""
    Roadshow.objects.filter(pk=roadshow.pk).update(online_views=F("online_views") + 1)


@transaction.atomic
def slot_add(*, roadshow: Roadshow, project: Project, by: User, starts_at=None) -> RoadshowSlot:
    """Put a published project on a roadshow's agenda, after the last slot."""
    if not (by.is_active and by.is_staff):
        raise PermissionDenied(_("Only the office's staff can build an agenda."))
    locked = _lock_roadshow(roadshow)
    if project.status != ProjectStatus.PUBLISHED:
        raise RoadshowError(_("Only published projects can present."), code="not_published")
    if locked.slots.filter(project=project).exists():
        raise RoadshowError(_("This project is on the agenda already."), code="duplicate")
    last = locked.slots.order_by("-position").values_list("position", flat=True).first() or 0
    return RoadshowSlot.objects.create(
        roadshow=locked, project=project, position=last + 1, starts_at=starts_at
    )


# ---------------------------------------------------------------------------------------------
# Interest


def interest_express(
    *, investor: Investor, project: Project, by: User, message: str = ""
) -> Interest:
    """A verified investor's member tells a published project's team of its interest.
    Expressing it again returns the existing interest."""
    if not investor.is_verified or not investor.members.filter(pk=by.pk).exists():
        raise PermissionDenied(_("Only members of a verified investor can express interest."))
    if project.status != ProjectStatus.PUBLISHED:
        raise RoadshowError(_("This project is not published."), code="not_published")
    with transaction.atomic():
        interest, created = Interest.objects.get_or_create(
            investor=investor,
            project=project,
            defaults={"expressed_by": by, "message": (message or "").strip()[:1000]},
        )
        if created:
            notification_send(
                recipient=project.lead,
                template="projects/roadshows/notifications/interest",
                context={"interest": interest, "project": project, "investor": investor},
                url=project.get_absolute_url(),
            )
    return interest


def _interest_answer(*, interest: Interest, by: User, status: str) -> Interest:
    if not interest.project.has_member(by):
        raise PermissionDenied(_("Only the project team can answer."))
    with transaction.atomic():
        locked = Interest.objects.select_for_update().get(pk=interest.pk)
        if locked.status == status:
            return locked
        if locked.status != InterestStatus.PENDING:
            raise RoadshowError(_("This interest has been answered already."), code="answered")
        locked.status = status
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        for member in interest.investor.members.all():
            notification_send(
                recipient=member,
                template="projects/roadshows/notifications/interest_answer",
                context={"interest": locked, "project": interest.project},
                url=interest.project.get_absolute_url(),
            )
    interest.status, interest.decided_at = locked.status, locked.decided_at
    return locked


def interest_accept(*, interest: Interest, by: User) -> Interest:
    """The team accepts: the investor and the team see each other's contact details."""
    return _interest_answer(interest=interest, by=by, status=InterestStatus.ACCEPTED)


def interest_decline(*, interest: Interest, by: User) -> Interest:
    return _interest_answer(interest=interest, by=by, status=InterestStatus.DECLINED)
