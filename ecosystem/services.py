"""Writes of the talent ecosystem: feedback lifecycle, financial applications, memberships.

Every state change locks the row, checks who may make it, and goes through
`talentportal.workflow` so that it lands in the application's timeline and the applicant is
told. Feedback lifecycle on the shared statuses (see `ecosystem.models`):

    feedback_submit   draft → submitted              a talent or an enterprise member
    feedback_route    submitted/resubmitted → in review, department + answer deadline (staff)
    feedback_answer   in review → approved           a member of the routed department only
    feedback_rate     (approved) rating, comment, consent to publish   the submitter, once
    feedback_publish  (approved, consented) on the public board        staff who route
"""

import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ecosystem.models import (
    AllianceMembership,
    Department,
    Feedback,
    FinancialApplication,
    FinancialInstitution,
    FinancialProduct,
    KeyEnterprise,
)
from talentportal import workflow
from talentportal.locking import copy_state, row_lock
from talentportal.models import (
    AccountKind,
    ApplicationEvent,
    ApplicationStatus,
    Region,
    User,
)
from talentportal.notifications import notification_send
from talentportal.scope import in_scope
from talents.models import Enterprise, Talent, VerificationStatus

S = ApplicationStatus

# Working days a department has to answer, counted from the day the feedback is routed.
FEEDBACK_ANSWER_WORKING_DAYS = 10
MAX_ANSWER_LENGTH = 5000


def feedback_answer_days() -> int:
    return getattr(settings, "FEEDBACK_ANSWER_WORKING_DAYS", FEEDBACK_ANSWER_WORKING_DAYS)


#: What the feedback services change, and the caller's instance then shows too: the
#: workflow's state, and the routing, answer, rating and publication.
FEEDBACK_STATE = [
    *workflow.TRANSITION_STATE,
    "department_id",
    "routed_at",
    "routed_by_id",
    "answer",
    "answered_at",
    "answered_by_id",
    "rating",
    "rating_comment",
    "rated_at",
    "publish_consent",
    "is_published",
    "published_at",
]


def may_file_feedback(user) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.kind in (AccountKind.TALENT, AccountKind.ENTERPRISE)
    )


def enterprise_of(user) -> Enterprise | None:
    """The enterprise an enterprise member acts for: their first verified one."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Enterprise.objects.of_member(user)
        .filter(status=VerificationStatus.VERIFIED)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def feedback_submit(
    *,
    applicant: User,
    category: str,
    region: Region,
    title: str,
    description: str,
    attachment=None,
    enterprise: Enterprise | None = None,
    submission_key: uuid.UUID | None = None,
) -> Feedback:
    """File a problem or suggestion; it is submitted at once. A bad attachment raises
    ValidationError and nothing is saved. The same `submission_key` (the form's) files once:
    a second call, even a concurrent one, returns the first feedback."""
    if not may_file_feedback(applicant):
        raise PermissionDenied(_("Only talents and enterprise members may file feedback."))
    if enterprise is not None and not enterprise.has_member(applicant):
        raise PermissionDenied(_("You are not a member of this enterprise."))
    if enterprise is None and applicant.kind == AccountKind.ENTERPRISE:
        enterprise = enterprise_of(applicant)
    try:
        with transaction.atomic():
            feedback = workflow.application_create(
                model=Feedback,
                applicant=applicant,
                category=category,
                region=region,
                title=title.strip(),
                description=description.strip(),
                enterprise=enterprise,
                submission_key=submission_key,
            )
            if attachment is not None:
                workflow.document_attach(
                    application=feedback, by=applicant, upload=attachment, label=_("Attachment")
                )
            return workflow.application_submit(application=feedback, by=applicant)
    except (IntegrityError, ValidationError):
        # Lost a race with the same form's first send: the unique (applicant, submission_key)
        # refused the row (as an IntegrityError, or in the model's validation if the first
        # had already committed). Any other error is raised as it is.
        first = None
        if submission_key is not None:
            first = Feedback.objects.filter(applicant=applicant, submission_key=submission_key)
            first = first.first()
        if first is None:
            raise
        return first


def feedback_route(*, feedback: Feedback, department: Department, by: User) -> Feedback:
    """Send the feedback to the department that must answer it, with a deadline of N working
    days from today. The submitter is told (in their language) who answers and by when, and
    the department's members what to answer."""
    with transaction.atomic():
        locked = row_lock(feedback, "department")
        if not locked.can_route(by):
            raise PermissionDenied(_("You may not route this feedback."))
        if locked.status not in (S.SUBMITTED, S.RESUBMITTED):
            raise workflow.TransitionError(
                _("Only submitted feedback can be routed; this one is “%(status)s”.")
                % {"status": locked.get_status_display()},
                code="transition",
            )
        if not locked.region_id.startswith(department.region.code_prefix):
            raise ValidationError(
                _("This department does not cover the region of the feedback."),
                code="department_region",
            )
        now = timezone.now()
        locked.department = department
        locked.routed_at = now
        locked.routed_by = by
        locked.due_on = workflow.add_working_days(timezone.localdate(now), feedback_answer_days())
        locked.save(update_fields=["department", "routed_at", "routed_by", "due_on"])
        with translation.override(locked.applicant.preferred_language):
            comment = _("Routed to %(department)s. An answer is due by %(due)s.") % {
                "department": department.name,
                "due": date_format(locked.due_on, "Y-m-d"),
            }
        locked = workflow.application_transition(
            application=locked, to=S.IN_REVIEW, by=by, comment=comment
        )
        # The department's members learn what to answer and by when (no submitter's name).
        locked.department = department
        for member in department.members.filter(is_active=True):
            notification_send(
                recipient=member,
                template="ecosystem/notifications/feedback_routed",
                context={"application": locked},
                url=locked.get_admin_url(),
            )
    copy_state(feedback, locked, FEEDBACK_STATE)
    return locked


def feedback_answer(*, feedback: Feedback, answer: str, by: User) -> Feedback:
    """The routed department's answer; only one of its members may give it, once."""
    answer = (answer or "").strip()
    with transaction.atomic():
        locked = row_lock(feedback, "department")
        if not locked.is_department_member(by):
            raise PermissionDenied(_("Only the department it was routed to may answer."))
        if locked.status not in (S.IN_REVIEW, S.RESUBMITTED):
            raise workflow.TransitionError(
                _("This feedback cannot be answered now; it is “%(status)s”.")
                % {"status": locked.get_status_display()},
                code="transition",
            )
        if not answer:
            raise ValidationError(_("Write the answer."), code="answer_required")
        if len(answer) > MAX_ANSWER_LENGTH:
            raise ValidationError(
                _("The answer is too long: at most %(n)d characters.") % {"n": MAX_ANSWER_LENGTH},
                code="answer_length",
            )
        locked.answer = answer
        locked.answered_at = timezone.now()
        locked.answered_by = by
        locked.save(update_fields=["answer", "answered_at", "answered_by"])
        # The answer is the decision: the timeline and the submitter's notification carry it.
        locked = workflow.application_transition(
            application=locked, to=S.APPROVED, by=by, comment=answer
        )
    copy_state(feedback, locked, FEEDBACK_STATE)
    return locked


def feedback_rate(
    *, feedback: Feedback, rating: int, comment: str = "", publish: bool = False, by: User
) -> Feedback:
    """The submitter rates the answer (1–5) once, and may agree to its anonymised
    publication on the public board."""
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = row_lock(feedback, "department")
        if by.pk != locked.applicant_id:
            raise PermissionDenied(_("Only the person who filed the feedback may rate it."))
        if locked.answered_at is None or locked.status != S.APPROVED:
            raise ValidationError(_("The feedback has not been answered yet."), code="unanswered")
        if locked.rating is not None:
            raise ValidationError(_("You have rated this answer already."), code="rated")
        if not isinstance(rating, int) or not 1 <= rating <= 5:
            raise ValidationError(_("Give a rating from 1 to 5."), code="rating")
        if len(comment) > 2000:
            raise ValidationError(_("The comment is too long."), code="comment_length")
        locked.rating = rating
        locked.rating_comment = comment
        locked.rated_at = timezone.now()
        locked.publish_consent = bool(publish)
        locked.save(update_fields=["rating", "rating_comment", "rated_at", "publish_consent"])
        text = _("Rated the answer %(rating)d/5.") % {"rating": rating}
        if publish:
            text += " " + _("Agreed to publish it anonymised.")
        ApplicationEvent.objects.create(
            reference=locked.reference, actor=by, comment=f"{text}\n{comment}".strip()
        )
    copy_state(feedback, locked, FEEDBACK_STATE)
    return locked


def feedback_publish(*, feedback: Feedback, by: User) -> Feedback:
    """Staff put an answered feedback on the public board; only with the submitter's
    consent. The board shows no names (`FeedbackQuerySet.public_board`)."""
    with transaction.atomic():
        locked = row_lock(feedback, "department")
        if not locked.can_route(by):
            raise PermissionDenied(_("You may not publish this feedback."))
        if locked.answered_at is None:
            raise ValidationError(_("Only answered feedback can be published."), code="unanswered")
        if not locked.publish_consent:
            raise ValidationError(
                _("The submitter has not agreed to publish this feedback."), code="no_consent"
            )
        if locked.is_published:
            raise ValidationError(_("This feedback is published already."), code="published")
        locked.is_published = True
        locked.published_at = timezone.now()
        locked.save(update_fields=["is_published", "published_at"])
        _event_and_notify(locked, by, "feedback_published")
    copy_state(feedback, locked, FEEDBACK_STATE)
    return locked


def feedback_unpublish(*, feedback: Feedback, by: User) -> Feedback:
    """Take feedback off the public board: staff who route, or the submitter, who then also
    withdraws the consent."""
    with transaction.atomic():
        locked = row_lock(feedback, "department")
        is_submitter = by.pk == locked.applicant_id
        if not (is_submitter or locked.can_route(by)):
            raise PermissionDenied(_("You may not change this feedback."))
        locked.is_published = False
        locked.published_at = None
        if is_submitter:
            locked.publish_consent = False
        locked.save(update_fields=["is_published", "published_at", "publish_consent"])
        ApplicationEvent.objects.create(
            reference=locked.reference,
            actor=by,
            comment=_("Taken off the public board.")
            + (" " + _("Consent withdrawn.") if is_submitter else ""),
        )
    copy_state(feedback, locked, FEEDBACK_STATE)
    return locked


def _event_and_notify(feedback: Feedback, by: User, template: str) -> None:
    with translation.override(feedback.applicant.preferred_language):
        text = _("Published on the public feedback board, without names.")
    event = ApplicationEvent.objects.create(reference=feedback.reference, actor=by, comment=text)
    notification_send(
        recipient=feedback.applicant,
        template=f"ecosystem/notifications/{template}",
        context={"application": feedback, "event": event},
        url=feedback.get_absolute_url(),
    )


def feedback_overdue(*, by: User | None = None, today=None):
    """Routed feedback whose answer is late, oldest deadline first; for staff scoped to a
    region only theirs, for a department member only their departments'."""
    today = today or timezone.localdate()
    queryset = Feedback.objects.overdue(today).filter(department__isnull=False)
    if by is not None:
        queryset = feedback_visible_to(queryset, by)
    return queryset.select_related("department", "region").order_by("due_on", "pk")


def feedback_visible_to(queryset, user: User):
    """What `user` sees of the feedback queue: routers their region's, department members
    their departments'."""
    if not user.is_active or not user.is_staff:
        return queryset.none()
    if user.is_superuser:
        return queryset
    if user.has_perm("ecosystem.route_feedback"):
        return in_scope(queryset, user)
    return queryset.filter(department__members=user)


# ---------------------------------------------------------------------------------------------
# Financial products


@dataclass
class Eligibility:
    """Whether a user may apply for a product, with the reason for each rule in their words."""

    eligible: bool
    reasons: list[str] = field(default_factory=list)
    enterprise: Enterprise | None = None

    def __bool__(self):
        return self.eligible


def _talent_tier(user) -> str:
    talent = Talent.objects.filter(user=user).only("tier", "tier_valid_until").first()
    if talent is None or not talent.tier:
        return ""
    if talent.tier_valid_until and talent.tier_valid_until < timezone.localdate():
        return ""
    return talent.tier


def product_eligibility(*, product: FinancialProduct, user) -> Eligibility:
    """Tier rule: a talent whose tier (still valid) is listed. Enterprise-type rule: a member
    of a verified enterprise; the institution checks the enterprise's type. When a product has
    both rules, either is enough; with none, every talent and enterprise member may apply."""
    if user is None or not user.is_authenticated:
        return Eligibility(False, [_("Log in as a talent or an enterprise member to apply.")])
    if user.kind not in (AccountKind.TALENT, AccountKind.ENTERPRISE):
        return Eligibility(False, [_("Only talents and enterprise members may apply.")])
    enterprise = enterprise_of(user)
    tiers, types = product.eligible_tiers, product.eligible_enterprise_types
    if not tiers and not types:
        return Eligibility(True, [_("Open to every talent and enterprise.")], enterprise)
    reasons = []
    eligible = False
    if tiers:
        tier = _talent_tier(user)
        listed = ", ".join(sorted(tiers))
        if tier in tiers:
            eligible = True
            reasons.append(_("Your talent tier %(tier)s is eligible.") % {"tier": tier})
        elif tier:
            reasons.append(
                _("Your talent tier %(tier)s is not one of %(tiers)s.")
                % {"tier": tier, "tiers": listed}
            )
        else:
            reasons.append(
                _("A valid talent tier is needed (%(tiers)s); you have none.") % {"tiers": listed}
            )
    if types:
        labels = ", ".join(
            str(label)
            for value, label in FinancialProduct._meta.get_field(
                "eligible_enterprise_types"
            ).base_field.choices
            if value in types
        )
        if enterprise is not None:
            eligible = True
            reasons.append(
                _("%(name)s may apply; the institution checks its type (%(types)s).")
                % {"name": enterprise.display_name, "types": labels}
            )
        else:
            reasons.append(
                _("Open to members of a verified enterprise of these types: %(types)s.")
                % {"types": labels}
            )
    return Eligibility(eligible, reasons, enterprise)


def institution_verify(*, institution: FinancialInstitution, by: User) -> FinancialInstitution:
    """Staff confirm that an institution is who it says: its products can then be published."""
    if not (by.is_active and by.is_staff and by.has_perm("ecosystem.change_financialinstitution")):
        raise PermissionDenied(_("You may not verify institutions."))
    institution.is_verified = True
    institution.verified_at = timezone.now()
    institution.verified_by = by
    institution.save(update_fields=["is_verified", "verified_at", "verified_by"])
    return institution


def financial_application_save(
    *,
    product: FinancialProduct,
    applicant: User,
    amount: int | None,
    purpose: str,
    submit: bool = False,
    enterprise_type: str = "",
) -> FinancialApplication:
    """Save the applicant's draft for `product` (creating it) and submit it if asked (the
    site submits from "check your answers": `financial_application_submit`).
    ValidationError when the product is closed, the applicant is not eligible, the amount is
    out of bounds, or an application is already open (a double submit)."""
    eligibility = _financial_checks(
        product=product, applicant=applicant, amount=amount, enterprise_type=enterprise_type
    )
    fields = {
        "amount": amount,
        "purpose": (purpose or "").strip(),
        "enterprise": eligibility.enterprise,
        "enterprise_type": enterprise_type if eligibility.enterprise else "",
    }
    try:
        with transaction.atomic():
            application = (
                FinancialApplication.objects.select_for_update()
                .filter(applicant=applicant, product=product)
                .exclude(status__in=S.closed())
                .first()
            )
            if application is not None and application.status != S.DRAFT:
                raise _already_applied(application)
            if application is None:
                application = workflow.application_create(
                    model=FinancialApplication, applicant=applicant, product=product, **fields
                )
            else:
                for name, value in fields.items():
                    setattr(application, name, value)
                application.full_clean(exclude=["reference"])
                application.save()
            if submit:
                application = workflow.application_submit(application=application, by=applicant)
    except IntegrityError:
        # Two requests at once: the partial unique constraint let only one through.
        raise ValidationError(
            _("You already have an open application for this product."), code="one_open"
        ) from None
    return application


def financial_application_submit(*, application: FinancialApplication, by: User) -> None:
    """Submit a saved draft after "check your answers", with the checks of saving it again
    (the product may have closed, the applicant's tier expired, the maximum changed since)
    and the amount given. A second submit (a double click) is refused with the reference
    of the application already submitted."""
    with transaction.atomic():
        locked = (
            FinancialApplication.objects.select_for_update()
            .select_related("product")
            .get(pk=application.pk)
        )
        if locked.status != S.DRAFT:
            raise _already_applied(locked)
        _financial_checks(
            product=locked.product,
            applicant=locked.applicant,
            amount=locked.amount,
            enterprise_type=locked.enterprise_type,
        )
        if locked.amount is None:  # a draft saved without it (the purpose is required)
            raise ValidationError(_("Enter the amount requested."), code="incomplete")
        workflow.application_submit(application=locked, by=by)
    application.status = locked.status
    application.submitted_at = locked.submitted_at


def _financial_checks(*, product, applicant, amount, enterprise_type) -> Eligibility:
    """What saving and submitting a financial application both check: the product is open,
    the applicant eligible, the amount within bounds, the declared enterprise type one of
    the product's. The eligibility, or ValidationError."""
    if not FinancialProduct.objects.published().filter(pk=product.pk).exists():
        raise ValidationError(_("This product is not open for applications."), code="closed")
    eligibility = product_eligibility(product=product, user=applicant)
    if not eligibility:
        raise ValidationError(eligibility.reasons, code="not_eligible")
    if amount is not None and amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="amount")
    if amount is not None and product.max_amount and amount > product.max_amount:
        raise ValidationError(
            _("The amount is more than this product's maximum of %(max)s yuan.")
            % {"max": product.max_amount},
            code="amount",
        )
    if enterprise_type and enterprise_type not in product.eligible_enterprise_types:
        raise ValidationError(_("This enterprise type is not eligible."), code="not_eligible")
    return eligibility


def _already_applied(application: FinancialApplication) -> ValidationError:
    return ValidationError(
        _("You already applied for this product: %(reference)s.")
        % {"reference": application.reference},
        code="one_open",
    )


# ---------------------------------------------------------------------------------------------
# Memberships of an enterprise user


def memberships_of(user):
    """The alliance memberships of the enterprises `user` is a member of."""
    return (
        AllianceMembership.objects.of_user(user)
        .select_related("alliance", "alliance__industry", "enterprise")
        .order_by("enterprise__name", "alliance__name_zh", "pk")
    )


def key_listings_of(user):
    """The key-enterprise list entries of the enterprises `user` is a member of."""
    if user is None or not user.is_authenticated:
        return KeyEnterprise.objects.none()
    return (
        KeyEnterprise.objects.filter(enterprise__members__user=user)
        .select_related("list", "enterprise")
        .order_by("-list__year", "pk")
    )
