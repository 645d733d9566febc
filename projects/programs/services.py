"""Talent programs: applications (with eligibility, deadline and endorsement), expert reviews,
scores, ranking and decisions within quota. The expert draw itself is
`projects.programs.expert_draw`.

Every function here is what views, admin actions, the seed and tests call alike."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.public_services.services import materials_missing
from projects.models import (
    Call,
    Criterion,
    EndorsementStatus,
    ProgramApplication,
    Review,
    ReviewAssignment,
    Score,
    Track,
)
from projects.programs.expert_draw import DrawError, replacement_draw
from talentportal import workflow
from talentportal.choices import Degree
from talentportal.models import ApplicationDocument, ApplicationStatus, User
from talentportal.notifications import notification_send
from talents.models import Enterprise

S = ApplicationStatus
AS = ReviewAssignment.Status
EDITABLE_FIELDS = frozenset({*ProgramApplication.ANSWER_FIELDS, "answers"})
DISAGREEMENT_SPREAD = Decimal(30)
TWO_PLACES = Decimal("0.01")


class DeadlineError(ValidationError):
    """The call is not open (not yet, or no longer) by the server's clock."""


# ---------------------------------------------------------------------------------------------
# Applications


def _require_open(call: Call, now=None) -> None:
    now = now or timezone.now()
    if now < call.opens_at:
        raise DeadlineError(_("This call is not open yet."), code="not_open")
    if call.has_closed(now):
        raise DeadlineError(
            _("This call closed on %(closes)s (Beijing time); no more applications are accepted.")
            % {"closes": timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M")},
            code="closed",
        )


def _check_fields(fields: dict) -> dict:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return fields


def _endorsement_for(track: Track, endorser: Enterprise | None) -> str:
    if endorser is None:
        return EndorsementStatus.NOT_NEEDED
    return EndorsementStatus.REQUESTED


def program_application_start(
    *, call: Call, applicant: User, track: Track, now=None, **fields
) -> ProgramApplication:
    """A new draft application to `track` of `call`, while the call is open."""
    _check_fields(fields)
    _require_open(call, now)
    if track.call_id != call.pk:
        raise ValidationError({"track": _("Choose a track of this call.")}, code="track")
    endorser = fields.get("endorser")
    try:
        with transaction.atomic():
            application = workflow.application_create(
                model=ProgramApplication,
                applicant=applicant,
                call=call,
                track=track,
                endorsement_status=_endorsement_for(track, endorser),
                **fields,
            )
    except IntegrityError as error:  # a concurrent start of the same applicant and call
        raise ValidationError(
            _("You have already applied to this call."), code="one_per_call"
        ) from error
    if endorser is not None:
        _tell_endorser(application)
    return application


def program_application_update(
    *, application: ProgramApplication, by: User, now=None, **fields
) -> ProgramApplication:
    """Change a draft while the call is open. A new endorser is asked again."""
    _check_fields(fields)
    with transaction.atomic():
        locked = ProgramApplication.objects.select_for_update().get(pk=application.pk)
        if by.pk != locked.applicant_id:
            raise PermissionDenied(_("Only the applicant can do this."))
        if locked.status != S.DRAFT:
            raise ValidationError(_("Only a draft can be changed."), code="not_draft")
        _require_open(locked.call, now)
        track = fields.get("track", locked.track)
        if track.call_id != locked.call_id:
            raise ValidationError({"track": _("Choose a track of this call.")}, code="track")
        endorser_changed = "endorser" in fields and fields["endorser"] != locked.endorser
        for name, value in fields.items():
            setattr(locked, name, value)
        if endorser_changed:
            locked.endorsement_status = _endorsement_for(track, locked.endorser)
            locked.endorsed_at = locked.endorsed_by = None
        locked.full_clean()
        locked.save()
    if endorser_changed and locked.endorser is not None:
        _tell_endorser(locked)
    return locked


def eligibility_problems(application: ProgramApplication) -> list[str]:
    """Why `application` may not be submitted yet; empty when it may."""
    call, track = application.call, application.track
    problems = []
    if track.call_id != call.pk:
        problems.append(_("The track does not belong to this call."))
    if application.highest_degree < call.min_degree:
        problems.append(
            _("This call requires at least: %(degree)s.")
            % {"degree": Degree(call.min_degree).label}
        )
    if call.max_age is not None and application.age_in(call.year) > call.max_age:
        problems.append(
            _("This call is for applicants aged %(age)d or under in %(year)d.")
            % {"age": call.max_age, "year": call.year}
        )
    if track.needs_endorsement:
        if application.endorser_id is None:
            problems.append(_("This track needs an endorsing enterprise or institution."))
        elif application.endorsement_status != EndorsementStatus.CONFIRMED:
            problems.append(_("The endorsing enterprise or institution has not confirmed yet."))
    documents = ApplicationDocument.objects.filter(reference=application.reference).only("label")
    for material in materials_missing(call.material_items, documents):
        problems.append(
            _("Attach the required material: %(material)s.") % {"material": material.name}
        )
    return problems


def program_application_submit(
    *, application: ProgramApplication, by: User, now=None
) -> ProgramApplication:
    """Submit a draft: only while the call is open and when the eligibility rules hold."""
    with transaction.atomic():
        locked = (
            ProgramApplication.objects.select_for_update(of=("self",))
            .select_related("call", "track")
            .get(pk=application.pk)
        )
        if by.pk != locked.applicant_id:
            raise PermissionDenied(_("Only the applicant can do this."))
        _require_open(locked.call, now)
        problems = eligibility_problems(locked)
        if problems:
            raise ValidationError([ValidationError(p, code="ineligible") for p in problems])
        workflow.application_submit(application=locked, by=by)
    application.refresh_from_db()
    return application


def program_document_attach(*, application: ProgramApplication, by: User, upload, label: str = ""):
    """Attach a document (checked by content and size) to a draft while the call is open, or
    to an application whose applicant was asked for more information."""
    if by.pk != application.applicant_id:
        raise PermissionDenied(_("Only the applicant can do this."))
    if application.status == S.DRAFT:
        _require_open(application.call)
    elif application.status != S.NEEDS_INFO:
        raise ValidationError(_("Documents can no longer be added."), code="closed")
    return workflow.document_attach(application=application, by=by, upload=upload, label=label)


# ---------------------------------------------------------------------------------------------
# Endorsement


def _tell_endorser(application: ProgramApplication) -> None:
    for member in application.endorser.members.select_related("user"):
        notification_send(
            recipient=member.user,
            template="projects/programs/notifications/endorsement_requested",
            context={"application": application},
            url="/programs/endorsements/",
        )


def endorsements_for(user: User):
    """The program applications that ask an enterprise of `user` for an endorsement."""
    return (
        ProgramApplication.objects.filter(
            endorser__in=Enterprise.objects.of_member(user), status=S.DRAFT
        )
        .exclude(endorsement_status=EndorsementStatus.NOT_NEEDED)
        .select_related("call__program", "track", "endorser")
        .order_by("-created_at", "-pk")
    )


def _endorsement_answer(*, application, by, status) -> ProgramApplication:
    with transaction.atomic():
        locked = (
            ProgramApplication.objects.select_for_update(of=("self",))
            .select_related("endorser")
            .get(pk=application.pk)
        )
        if locked.endorser is None or not locked.endorser.has_member(by):
            raise PermissionDenied(_("Only a member of the endorsing enterprise can answer."))
        if locked.status != S.DRAFT or locked.endorsement_status != EndorsementStatus.REQUESTED:
            raise ValidationError(
                _("This endorsement request has been answered already."), code="answered"
            )
        locked.endorsement_status = status
        locked.endorsed_at = timezone.now()
        locked.endorsed_by = by
        locked.save(update_fields=["endorsement_status", "endorsed_at", "endorsed_by"])
        notification_send(
            recipient=locked.applicant,
            template="projects/programs/notifications/endorsement_answered",
            context={"application": locked},
            url=locked.get_absolute_url(),
        )
    return locked


def endorsement_confirm(*, application: ProgramApplication, by: User) -> ProgramApplication:
    return _endorsement_answer(application=application, by=by, status=EndorsementStatus.CONFIRMED)


def endorsement_decline(*, application: ProgramApplication, by: User) -> ProgramApplication:
    return _endorsement_answer(application=application, by=by, status=EndorsementStatus.DECLINED)


# ---------------------------------------------------------------------------------------------
# Reviews


def _locked_assignment(assignment: ReviewAssignment, by: User) -> ReviewAssignment:
    locked = (
        ReviewAssignment.objects.select_for_update(of=("self",))
        .select_related("expert", "application__call")
        .get(pk=assignment.pk)
    )
    if locked.expert.user_id != by.pk:
        raise PermissionDenied(_("This is not your assignment."))
    return locked


def assignment_declare_no_conflict(*, assignment: ReviewAssignment, by: User):
    """The expert declares they have no conflict with the application: its content opens."""
    with transaction.atomic():
        locked = _locked_assignment(assignment, by)
        if locked.status != AS.ASSIGNED:
            raise ValidationError(_("This assignment is no longer open."), code="not_open")
        locked.status = AS.ACCEPTED
        locked.no_conflict_declared_at = timezone.now()
        locked.save(update_fields=["status", "no_conflict_declared_at"])
    return locked


def assignment_decline(*, assignment: ReviewAssignment, by: User, reason: str):
    """The expert declines (a conflict, or no time), with a reason; a replacement is drawn.
    Returns the replacement draw, or None when the pool has nobody left (staff are told)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason why you decline."), code="reason_required")
    with transaction.atomic():
        locked = _locked_assignment(assignment, by)
        if not locked.is_open:
            raise ValidationError(_("This assignment is no longer open."), code="not_open")
        locked.status = AS.DECLINED
        locked.declined_at = timezone.now()
        locked.decline_reason = reason[:2000]
        locked.save(update_fields=["status", "declined_at", "decline_reason"])
    try:
        return replacement_draw(application=locked.application, by=by, reason=reason).draw
    except DrawError:
        application = locked.application
        for processor in application.processors():
            notification_send(
                recipient=processor,
                template="projects/programs/notifications/replacement_missing",
                context={"application": application},
                url=application.get_admin_url(),
            )
        return None


def weighted_total(scores: dict[Criterion, int]) -> Decimal:
    """The weighted score on a 0–100 scale: each score is first put on 0–100 within its
    criterion's range, then averaged with the criteria's weights."""
    total_weight = sum(criterion.weight for criterion in scores)
    if not total_weight:
        return Decimal(0)
    weighted = sum(
        Decimal(criterion.weight)
        * (Decimal(value - criterion.min_score) * 100)
        / Decimal(criterion.max_score - criterion.min_score)
        for criterion, value in scores.items()
    )
    return (weighted / total_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def review_submit(
    *, assignment: ReviewAssignment, by: User, scores: dict[int, int], comment: str
) -> Review:
    """The expert's final review: one score per criterion of the call, each within its range,
    and a comment. A second submission (double click, two tabs) is refused."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _locked_assignment(assignment, by)
        if locked.status == AS.SUBMITTED:
            raise ValidationError(_("You have already submitted this review."), code="submitted")
        if locked.status != AS.ACCEPTED:
            raise ValidationError(
                _("Declare that you have no conflict of interest first."), code="not_accepted"
            )
        if locked.application.status not in (S.IN_REVIEW, S.SUBMITTED, S.RESUBMITTED):
            raise ValidationError(_("This application is no longer in review."), code="decided")
        criteria = list(locked.application.call.criteria.all())
        errors = {}
        checked = {}
        for criterion in criteria:
            value = scores.get(criterion.pk)
            if value is None:
                errors[f"criterion_{criterion.pk}"] = _("Give a score.")
            elif not criterion.min_score <= value <= criterion.max_score:
                errors[f"criterion_{criterion.pk}"] = _("Give a score from %(min)d to %(max)d.") % {
                    "min": criterion.min_score,
                    "max": criterion.max_score,
                }
            else:
                checked[criterion] = value
        if not comment:
            errors["comment"] = _("Write a comment.")
        if errors:
            raise ValidationError(errors)
        review = Review.objects.create(
            assignment=locked, comment=comment[:5000], total=weighted_total(checked)
        )
        Score.objects.bulk_create(
            Score(review=review, criterion=criterion, value=value)
            for criterion, value in checked.items()
        )
        locked.status = AS.SUBMITTED
        locked.save(update_fields=["status"])
    assignment.status = AS.SUBMITTED
    return review


# ---------------------------------------------------------------------------------------------
# Results


def trimmed_mean(totals: list[Decimal]) -> Decimal | None:
    """The mean of the review totals, without the highest and the lowest when there are five
    or more; None without any review."""
    if not totals:
        return None
    values = sorted(totals)
    if len(values) >= 5:
        values = values[1:-1]
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class RankRow:
    application: ProgramApplication
    totals: list[Decimal]
    score: Decimal | None
    rank: int | None = None
    within_quota: bool = False

    @property
    def spread(self) -> Decimal | None:
        return max(self.totals) - min(self.totals) if len(self.totals) > 1 else None

    @property
    def disagreement(self) -> bool:
        return self.spread is not None and self.spread >= DISAGREEMENT_SPREAD


def review_totals(applications) -> dict[int, list[Decimal]]:
    """Each application's submitted review totals, in one query."""
    totals: dict[int, list[Decimal]] = {application.pk: [] for application in applications}
    rows = Review.objects.filter(assignment__application__in=list(totals)).values_list(
        "assignment__application_id", "total"
    )
    for application_id, total in rows:
        totals[application_id].append(total)
    return totals


def track_ranking(track: Track) -> list[RankRow]:
    """The submitted applications of `track`, best weighted score first (ties: earlier
    submission first); the first `quota` scored ones are within the quota."""
    applications = list(
        ProgramApplication.objects.filter(track=track)
        .exclude(status__in=[S.DRAFT, S.WITHDRAWN])
        .select_related("applicant")
    )
    totals = review_totals(applications)
    rows = [
        RankRow(application=a, totals=totals[a.pk], score=trimmed_mean(totals[a.pk]))
        for a in applications
    ]
    far_future = timezone.now().replace(year=9999)
    rows.sort(
        key=lambda row: (
            row.score is None,
            -(row.score or 0),
            row.application.submitted_at or far_future,
            row.application.pk,
        )
    )
    rank = 0
    for row in rows:
        if row.score is not None:
            rank += 1
            row.rank = rank
            row.within_quota = rank <= track.quota
    return rows


def ranking_approve(*, track: Track, applications, by: User, comment: str = "") -> list:
    """Approve `applications` of `track`; refused as a whole when the approved would exceed
    the track's quota. The track row is locked, so two staff cannot both fill the last place."""
    with transaction.atomic():
        locked = Track.objects.select_for_update().get(pk=track.pk)
        applications = list(applications)
        if any(application.track_id != locked.pk for application in applications):
            raise ValidationError(_("Approve applications of one track at a time."), code="track")
        approved = ProgramApplication.objects.filter(track=locked, status=S.APPROVED).count()
        new = [a for a in applications if a.status != S.APPROVED]
        if approved + len(new) > locked.quota:
            raise ValidationError(
                _(
                    "The quota of “%(track)s” is %(quota)d and %(approved)d are approved "
                    "already: %(count)d more would exceed it."
                )
                % {
                    "track": locked.name,
                    "quota": locked.quota,
                    "approved": approved,
                    "count": len(new),
                },
                code="quota",
            )
        return [
            workflow.application_approve(application=application, by=by, comment=comment)
            for application in new
        ]


def outcome_scores(application: ProgramApplication) -> list[Decimal] | None:
    """The anonymised review totals an applicant sees once decided, when the call says so."""
    if not application.call.scores_visible or application.status not in (S.APPROVED, S.REJECTED):
        return None
    return sorted(review_totals([application])[application.pk], reverse=True)
