"""The one application workflow every section shares.

Every state change of any application goes through `application_transition` (or the small
wrappers below it), whether it comes from a view, an admin action or a command:

    draft → submitted → in review → needs more information → resubmitted → approved / rejected
    withdrawn by the applicant at any point before a decision

The row is locked while it changes, so two staff deciding at once cannot both win.
"""

import datetime

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentportal.locking import copy_state
from talentportal.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
    DocumentAccess,
    ReferenceCounter,
    User,
)
from talentportal.notifications import notification_send
from talentportal.uploads import clean_upload

S = ApplicationStatus

ALLOWED = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.IN_REVIEW, S.NEEDS_INFO, S.APPROVED, S.REJECTED, S.WITHDRAWN},
    S.IN_REVIEW: {S.NEEDS_INFO, S.APPROVED, S.REJECTED, S.WITHDRAWN},
    S.NEEDS_INFO: {S.RESUBMITTED, S.WITHDRAWN},
    S.RESUBMITTED: {S.IN_REVIEW, S.NEEDS_INFO, S.APPROVED, S.REJECTED, S.WITHDRAWN},
}
BY_APPLICANT = {S.SUBMITTED, S.RESUBMITTED, S.WITHDRAWN}


class TransitionError(ValidationError):
    """A status change that the workflow does not allow."""


def application_models() -> list[type[Application]]:
    """Every concrete application model of the project."""
    return [model for model in apps.get_models() if issubclass(model, Application)]


def application_get(reference: str) -> Application | None:
    """The application with this reference number, whichever section it belongs to."""
    prefix = reference.split("-", 1)[0]
    for model in application_models():
        if prefix == model.REFERENCE_PREFIX:
            return model.objects.filter(reference=reference).first()
    return None


def applications_of(user: User) -> list[Application]:
    """Every application of `user` across all sections, newest first: one query per kind
    of application, however many there are."""
    found = []
    for model in application_models():
        mine = model._default_manager.filter(applicant=user)
        if model.LIST_SELECT_RELATED:  # select_related() without names is deprecated
            mine = mine.select_related(*model.LIST_SELECT_RELATED)
        found.extend(mine)
    return sorted(found, key=lambda application: application.created_at, reverse=True)


NEXT_STEPS = {
    S.DRAFT: gettext_lazy("Complete the application and submit it."),
    S.SUBMITTED: gettext_lazy("The office will start the review."),
    S.IN_REVIEW: gettext_lazy("The office is reviewing your application."),
    S.NEEDS_INFO: gettext_lazy("Add the information the office asked for."),
    S.RESUBMITTED: gettext_lazy("The office will review your answer."),
}


def next_step(application: Application) -> str:
    """What happens next, in the applicant's words; empty once decided or withdrawn."""
    return NEXT_STEPS.get(application.status, "")


def reference_next(prefix: str, year: int | None = None) -> str:
    """The next reference number for `prefix`, e.g. SV-2026-000123. One upsert: concurrent
    callers queue on the counter row and each gets its own number."""
    year = year or timezone.localdate().year
    table = ReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, 1)
                ON CONFLICT (prefix, year) DO UPDATE SET last = {table}.last + 1
                RETURNING last""",
            [prefix, year],
        )
        (number,) = cursor.fetchone()
    return f"{prefix}-{year}-{number:06d}"


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days (Monday to Friday) after `start`."""
    current = start
    while days > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current


@transaction.atomic
def application_create(*, model: type[Application], applicant: User, **fields) -> Application:
    """A new draft application with its reference number."""
    application = model(
        applicant=applicant, reference=reference_next(model.REFERENCE_PREFIX), **fields
    )
    application.full_clean(exclude=["reference"])
    application.save()
    ApplicationEvent.objects.create(
        reference=application.reference, actor=applicant, to_status=S.DRAFT
    )
    return application


#: What a transition changes, and the caller's instance of the application then shows too.
TRANSITION_STATE = (
    "status",
    "submitted_at",
    "due_on",
    "decided_at",
    "decided_by_id",
    "decision_reason",
)


def application_transition(
    *, application: Application, to: str, by: User, comment: str = ""
) -> Application:
    """Move `application` to status `to`, record it in the timeline and tell the applicant.

    Raises TransitionError when the move is not allowed from the current status and
    PermissionDenied when `by` may not make it."""
    to = S(to)
    comment = comment.strip()
    with transaction.atomic():
        locked = type(application).objects.select_for_update().get(pk=application.pk)
        _check_transition(locked, to, by, comment)
        event = _apply(locked, to, by, comment)
        _notify(locked, event)
    copy_state(application, locked, TRANSITION_STATE)
    return locked


def _check_transition(application, to, by, comment):
    if to not in ALLOWED.get(application.status, set()):
        raise TransitionError(
            _("An application that is “%(current)s” cannot become “%(new)s”.")
            % {"current": application.get_status_display(), "new": to.label},
            code="transition",
        )
    if to in BY_APPLICANT:
        if by.pk != application.applicant_id:
            raise PermissionDenied(_("Only the applicant can do this."))
    elif not application.can_process(by):
        raise PermissionDenied(_("You may not process this application."))
    if to == S.NEEDS_INFO and not comment:
        raise TransitionError(_("Say what information is missing."), code="comment_required")
    if to == S.REJECTED and not comment:
        raise TransitionError(_("Give the reason for the rejection."), code="comment_required")


def _apply(application, to, by, comment):
    now = timezone.now()
    from_status = application.status
    application.status = to
    if to == S.SUBMITTED:
        application.submitted_at = now
        days = application.promised_working_days()
        application.due_on = add_working_days(timezone.localdate(now), days) if days else None
    if to in (S.APPROVED, S.REJECTED):
        application.decided_at = now
        application.decided_by = by
        application.decision_reason = comment
    application.save()
    return ApplicationEvent.objects.create(
        reference=application.reference,
        actor=by,
        from_status=from_status,
        to_status=to,
        comment=comment,
    )


def _notify(application, event):
    context = {"application": application, "event": event}
    notification_send(
        recipient=application.applicant,
        template="talentportal/notifications/application_status",
        context=context,
        url=application.get_absolute_url(),
    )
    if event.to_status == S.SUBMITTED:
        for processor in application.processors():
            notification_send(
                recipient=processor,
                template="talentportal/notifications/application_submitted",
                context=context,
                url=application.get_admin_url(),
            )


def application_submit(*, application, by):
    return application_transition(application=application, to=S.SUBMITTED, by=by)


def application_start_review(*, application, by):
    return application_transition(application=application, to=S.IN_REVIEW, by=by)


def application_request_info(*, application, by, comment):
    return application_transition(application=application, to=S.NEEDS_INFO, by=by, comment=comment)


def application_resubmit(*, application, by, comment=""):
    return application_transition(application=application, to=S.RESUBMITTED, by=by, comment=comment)


def application_approve(*, application, by, comment=""):
    return application_transition(application=application, to=S.APPROVED, by=by, comment=comment)


def application_reject(*, application, by, reason):
    return application_transition(application=application, to=S.REJECTED, by=by, comment=reason)


def application_withdraw(*, application, by, comment=""):
    return application_transition(application=application, to=S.WITHDRAWN, by=by, comment=comment)


def application_comment(*, application: Application, by: User, comment: str) -> ApplicationEvent:
    """A message in the timeline, from the applicant or from staff, without a status change."""
    if by.pk != application.applicant_id and not application.can_process(by):
        raise PermissionDenied(_("You may not comment on this application."))
    if not comment.strip():
        raise ValidationError(_("Write a message."), code="comment_required")
    return ApplicationEvent.objects.create(
        reference=application.reference, actor=by, comment=comment.strip()
    )


@transaction.atomic
def application_respond(*, application: Application, by: User, message: str, document=None) -> bool:
    """The applicant's message on their application, with an optional document. When the office
    asked for more information, this is the answer and the application goes back to review.
    Whether it went back to review."""
    if document:
        document_attach(application=application, by=by, upload=document)
    if application.status == S.NEEDS_INFO:
        application_resubmit(application=application, by=by, comment=message)
        return True
    application_comment(application=application, by=by, comment=message)
    return False


def document_attach(
    *, application: Application, by: User, upload, label: str = ""
) -> ApplicationDocument:
    """Attach an uploaded file after checking its type by content and its size."""
    if by.pk != application.applicant_id and not application.can_process(by):
        raise PermissionDenied(_("You may not add documents to this application."))
    if application.status in S.closed():
        raise TransitionError(_("This application is closed."), code="closed")
    content, file_type = clean_upload(upload)
    document = ApplicationDocument(
        reference=application.reference,
        owner=application.applicant,
        uploaded_by=by,
        label=label[:100],
        original_name=(upload.name or "")[:200],
        content_type=file_type.content_type,
        size=content.size,
    )
    document.file.save(f"upload{file_type.extension}", content, save=False)
    document.save()
    return document


def document_open(document: ApplicationDocument, user: User) -> str | None:
    """The file name to serve `document` under when `user` may read it, None otherwise. The
    applicant may, and whoever the application admits (staff of its section and region, its
    assigned experts where the section says so), under the name the application gives them
    (a blind review hides the applicant's own file name). A read by anyone but the applicant
    is written to the access trail (`DocumentAccess`) before the file is served."""
    if not (user.is_authenticated and user.is_active):
        return None
    if document.owner_id == user.pk:
        return document.original_name
    application = application_get(document.reference)
    if application is None or not application.can_read_documents(user):
        return None
    DocumentAccess.objects.create(
        document=document, reference=document.reference, viewer=user, label=document.label
    )
    return application.document_name_for(document, user)
