"""Online applications to the public services (the catalogue's use cases): start a draft, save
it, submit it. The apply page (`views.py` beside this module) only parses the form and calls
these.

Double submission never makes two applications: the database allows one draft per applicant
and service, and a draft is saved and submitted under a row lock, so of two submissions of one
draft one submits and the other finds it submitted."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from policies.models import ServiceApplication, ServiceItem, ServiceMaterial
from talentportal import workflow
from talentportal.models import ApplicationDocument, ApplicationStatus, User


def material_label(material: ServiceMaterial) -> str:
    """What a document attached for `material` is called in the application's documents.
    Any material with a Chinese name (`name_zh`) will do, e.g. a program call's."""
    return material.name_zh[:100]


def materials_missing(materials, documents) -> list:
    """The required materials (`required` true) that none of `documents` is attached for,
    matched by `material_label`: what keeps an application from being submitted."""
    attached = {document.label for document in documents}
    return [m for m in materials if m.required and material_label(m) not in attached]


def service_draft_get_or_create(*, service: ServiceItem, applicant: User) -> ServiceApplication:
    """The applicant's draft for `service`, created if there is none. Safe under concurrency:
    when two requests create at once, the unique constraint lets one win and the other
    continues with the winner's application — which the winner may already have submitted,
    so callers check the status of what they get."""
    mine = ServiceApplication.objects.filter(applicant=applicant, service=service)
    draft = mine.filter(status=ApplicationStatus.DRAFT).first()
    if draft is not None:
        return draft
    try:
        with transaction.atomic():
            return workflow.application_create(
                model=ServiceApplication, applicant=applicant, service=service
            )
    except IntegrityError:
        pass  # another request inserted the draft after our check
    except ValidationError as error:
        # full_clean() saw the other request's committed draft.
        errors = error.error_dict.get(NON_FIELD_ERRORS, []) if hasattr(error, "error_dict") else []
        if "one_draft" not in {e.code for e in errors}:
            raise
    return mine.order_by("-created_at", "-pk").first()


@dataclass
class ServiceApplicationSaved:
    """What `service_application_save` did."""

    application: ServiceApplication
    #: The uploads the workflow refused, with why; nothing was submitted if there is one.
    refused: list[tuple[ServiceMaterial, ValidationError]] = field(default_factory=list)
    submitted: bool = False
    #: The application had left the draft state (a double click submitted it a moment ago):
    #: nothing was changed.
    was_not_a_draft: bool = False


@transaction.atomic
def service_application_save(
    *,
    application: ServiceApplication,
    by: User,
    answers: Callable[[dict], dict],
    uploads: list[tuple[ServiceMaterial, object]],
    submit: bool = False,
) -> ServiceApplicationSaved:
    """Save a draft (answers, and the uploads: a new file for a material replaces the draft's
    earlier one) and submit it if asked and every upload was accepted. `answers` makes the
    answers to store from the ones stored, read under the lock."""
    locked = ServiceApplication.objects.select_for_update().get(pk=application.pk)
    if locked.status != ApplicationStatus.DRAFT:
        return ServiceApplicationSaved(locked, was_not_a_draft=True)
    refused = []
    for material, upload in uploads:
        earlier = list(
            ApplicationDocument.objects.filter(
                reference=locked.reference, label=material_label(material)
            )
        )
        try:
            workflow.document_attach(
                application=locked, by=by, upload=upload, label=material_label(material)
            )
        except ValidationError as error:
            refused.append((material, error))
            continue
        for document in earlier:
            document.delete()
            transaction.on_commit(lambda f=document.file: f.delete(save=False))
    new_answers = answers(locked.answers)
    if new_answers != locked.answers:
        locked.answers = new_answers
        locked.save(update_fields=["answers", "updated_at"])
    submitted = submit and not refused
    if submitted:
        workflow.application_submit(application=locked, by=by)
    return ServiceApplicationSaved(locked, refused=refused, submitted=submitted)


def service_application_missing(application: ServiceApplication) -> list[str]:
    """What the stored draft still lacks before it can be submitted, in the applicant's words:
    a required question without an answer, a required document not attached."""
    labels = dict(application.answers_summary_labels())
    missing = []
    for item in application.service.form_schema:
        if not isinstance(item, dict) or not item.get("required"):
            continue
        if application.answers.get(item.get("name")) in (None, ""):
            missing.append(_("Answer “%(question)s”.") % {"question": labels[item["name"]]})
    attached = set(
        ApplicationDocument.objects.filter(reference=application.reference).values_list(
            "label", flat=True
        )
    )
    for material in application.service.materials.filter(required=True):
        if material_label(material) not in attached:
            missing.append(_("Upload “%(document)s”.") % {"document": material.name})
    return missing


@transaction.atomic
def service_application_submit(*, application: ServiceApplication, by: User) -> None:
    """Submit a saved draft after "check your answers": refused, with what is missing, unless
    every required answer and document is there."""
    locked = ServiceApplication.objects.select_for_update().get(pk=application.pk)
    missing = service_application_missing(locked)
    if missing:
        raise ValidationError(missing, code="incomplete")
    workflow.application_submit(application=locked, by=by)
    application.status = locked.status
