"""Every write of the talent library, and every read of a talent's personal data by someone
else, goes through a function here: views, admin actions, commands and tests call the same ones.

Errors: `django.core.exceptions.ValidationError` for input that breaks a rule,
`PermissionDenied` for a person who may not act, and `TalentNotFound` (an `Http404`) where the
rules say the data does not exist for this viewer — a view that does not catch it answers 404,
so an unverified or another enterprise learns nothing from the difference.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from talentportal.choices import Degree, TalentTier
from talentportal.locking import copy_state, row_lock
from talentportal.models import (
    AccountKind,
    ApplicationDocument,
    ApplicationStatus,
    Notification,
    User,
)
from talentportal.notifications import notification_send
from talentportal.search import document_tokens
from talentportal.uploads import DOCUMENT_TYPES, PDF, clean_upload
from talentportal.workflow import (
    application_approve,
    application_create,
    application_submit,
    application_withdraw,
    applications_of,
    document_attach,
    reference_next,
)
from talents.models import (
    AccessKind,
    Consent,
    ConsentPurpose,
    ContactRequest,
    ContactStatus,
    Demand,
    DemandApplication,
    Education,
    Enterprise,
    EnterpriseJoinRequest,
    EnterpriseMember,
    Evaluation,
    Experience,
    Internship,
    InternshipApplication,
    JoinRequestStatus,
    MemberRole,
    ProfileAccess,
    Shortlist,
    Talent,
    TalentCard,
    VerificationStatus,
    Visibility,
    normalise_skills,
)
from talents.privacy import mask_name

NOTICE_VERSION = "2026-01"
CARD_PREFIX = "TC"
CARD_YEARS = 5
NOTIFICATIONS = "talents/notifications"


class TalentNotFound(Http404):
    """The talent's data does not exist for this viewer (a 404 in a view)."""


# ---------------------------------------------------------------------------------------------
# Helpers


def _require_member(*, enterprise: Enterprise, user: User, verified: bool = True) -> None:
    """`user` acts for `enterprise`: an active member, of a verified enterprise if required."""
    if (
        user is None
        or not user.is_authenticated
        or not user.is_active
        or not enterprise.has_member(user)
    ):
        raise PermissionDenied(_("You do not act for this enterprise."))
    if verified and not enterprise.is_verified:
        raise PermissionDenied(_("Only verified enterprises can do this."))


def _require_talent_user(talent: Talent, user: User) -> None:
    if user is None or user.pk != talent.user_id:
        raise PermissionDenied(_("Only the talent can do this."))


def _consent_in_force(user_id: int, purpose: str) -> bool:
    return Consent.objects.filter(
        user_id=user_id, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


def _notify(recipient: User, template: str, context: dict, url: str = "") -> None:
    if recipient.is_active and recipient.email:
        notification_send(
            recipient=recipient, template=f"{NOTIFICATIONS}/{template}", context=context, url=url
        )


def _url(obj) -> str:
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:  # a page the site does not have (yet)
        return ""


# ---------------------------------------------------------------------------------------------
# Profiles

PROFILE_FIELDS = frozenset(
    {
        "name",
        "gender",
        "birth_year",
        "headline",
        "current_region",
        "skills",
        "visibility",
        "contact_visible_to_verified",
        "phone",
        "email",
    }
)
EDUCATION_FIELDS = ("degree", "discipline", "school", "graduation_year", "overseas")
EXPERIENCE_FIELDS = ("employer", "title", "start", "end", "overseas")


@transaction.atomic
def talent_profile_create(*, user: User, name: str = "", **fields) -> Talent:
    """The profile of a talent account (returned as it is when it exists already)."""
    if user.kind != AccountKind.TALENT:
        raise ValidationError(_("Only talent accounts have a profile."), code="not_talent")
    talent = Talent.objects.filter(user=user).first()
    if talent is not None:
        return talent
    talent = Talent(user=user, name=name or user.get_full_name() or user.get_short_name())
    return talent_profile_update(talent=talent, **fields)


@transaction.atomic
def talent_profile_update(
    *,
    talent: Talent,
    educations: list[dict] | None = None,
    experiences: list[dict] | None = None,
    industries=None,
    work_regions=None,
    **fields,
) -> Talent:
    """Change a profile and keep its derived search columns current.

    `fields` are profile fields (`PROFILE_FIELDS`); `educations` and `experiences`, when given,
    replace the records with dicts of `EDUCATION_FIELDS` / `EXPERIENCE_FIELDS`; `industries`
    and `work_regions` replace the sets. Raises ValidationError for invalid values.
    """
    if talent.is_deleted:
        raise ValidationError(_("This profile has been deleted."), code="deleted")
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise TypeError(f"Not profile fields: {', '.join(sorted(unknown))}")
    for field, value in fields.items():
        setattr(talent, field, value)
    talent.skills = normalise_skills(talent.skills)
    talent.full_clean(exclude=["user", "resume"])
    if talent.contact_visible_to_verified and not _consent_in_force(
        talent.user_id, ConsentPurpose.CONTACT_SHARING
    ):
        raise ValidationError(
            {
                "contact_visible_to_verified": _(
                    "Agree to share your contact details first (consents)."
                )
            },
            code="consent_required",
        )
    talent.save()
    if educations is not None:
        _replace_rows(talent, Education, educations, EDUCATION_FIELDS)
    if experiences is not None:
        _replace_rows(talent, Experience, experiences, EXPERIENCE_FIELDS)
    if industries is not None:
        talent.industries.set(industries)
    if work_regions is not None:
        talent.work_regions.set(work_regions)
    return talent_refresh_derived(talent=talent)


@transaction.atomic
def talent_profile_save(*, user: User, **changes) -> Talent:
    """The user's profile, made if they have none yet, with `changes` (the arguments of
    `talent_profile_update`) applied; nothing is saved when a change is invalid."""
    return talent_profile_update(talent=talent_profile_create(user=user), **changes)


def _pick(row: dict, names) -> dict:
    return {name: row[name] for name in names if name in row}


def _replace_rows(talent: Talent, model, rows, fields) -> None:
    """The talent's education or experience records become `rows` (each validated first)."""
    records = [model(talent=talent, **_pick(row, fields)) for row in rows]
    for record in records:
        record.full_clean(exclude=["talent"])
    model.objects.filter(talent=talent).delete()
    model.objects.bulk_create(records)


def talent_refresh_derived(*, talent: Talent) -> Talent:
    """Recompute the search columns from the education and experience records (call it after
    writing those records any other way, e.g. an admin inline)."""
    educations = list(
        talent.educations.select_related("discipline").order_by("-degree", "-graduation_year", "pk")
    )
    experiences = list(talent.experiences.all())
    values = derived_values(
        educations=educations, experiences=experiences, today=timezone.localdate()
    )
    values["search_tokens"] = document_tokens(
        "\n".join(
            [
                talent.headline,
                " ".join(talent.skills),
                *(_discipline_text(e.discipline) for e in educations if e.discipline_id),
                *(x.title for x in experiences),
            ]
        )
    )
    for field, value in values.items():
        setattr(talent, field, value)
    Talent.objects.filter(pk=talent.pk).update(**values, updated_at=timezone.now())
    talent.refresh_from_db(fields=["updated_at", "search_consent"])
    return talent


def _discipline_text(discipline) -> str:
    return f"{discipline.name_zh} {discipline.name_en}"


def derived_values(*, educations, experiences, today: datetime.date) -> dict:
    """The search columns of a profile: the highest degree and its discipline and year (the
    latest among equal degrees), years of experience (overlapping jobs counted once, whole
    years) and whether any study or work was abroad."""
    best = max(educations, key=lambda e: (e.degree, e.graduation_year), default=None)
    return {
        "highest_degree": best.degree if best else Degree.NONE,
        "main_discipline_id": best.discipline_id if best else None,
        "graduation_year": best.graduation_year if best else None,
        "years_experience": experience_years(experiences, today=today),
        "has_overseas": any(e.overseas for e in educations) or any(x.overseas for x in experiences),
    }


def experience_years(experiences, *, today: datetime.date) -> int:
    """Whole years worked, counting overlapping periods once."""
    spans = sorted((x.start, min(x.end or today, today)) for x in experiences if x.start <= today)
    days = 0
    current_start = current_end = None
    for start, end in spans:
        if current_end is None or start > current_end:
            if current_end is not None:
                days += (current_end - current_start).days
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        days += (current_end - current_start).days
    return days // 365  # whole years; a leap day per four years does not tip a count over


@transaction.atomic
def talent_resume_set(*, talent: Talent, upload) -> Talent:
    """Store a résumé (a PDF, checked by content). Needs the résumé-processing consent."""
    if not _consent_in_force(talent.user_id, ConsentPurpose.RESUME_PROCESSING):
        raise ValidationError(
            _("Agree to the processing of your résumé first (consents)."), code="consent_required"
        )
    content, _type = clean_upload(upload, allowed=(PDF,))
    old = talent.resume.name
    talent.resume.save("resume.pdf", content, save=False)
    Talent.objects.filter(pk=talent.pk).update(resume=talent.resume.name, updated_at=timezone.now())
    if old:
        _delete_file_on_commit(talent.resume.storage, old)
    return talent


@transaction.atomic
def talent_resume_upload(*, user: User, upload) -> Talent:
    """`talent_resume_set` for a talent account, whose profile is made if need be (and not
    kept when the résumé is refused)."""
    return talent_resume_set(talent=talent_profile_create(user=user), upload=upload)


def talent_resume_remove(*, talent: Talent) -> None:
    if talent.resume:
        _delete_file_on_commit(talent.resume.storage, talent.resume.name)
        Talent.objects.filter(pk=talent.pk).update(resume="")
        talent.resume = ""


def _delete_file_on_commit(storage, name: str) -> None:
    transaction.on_commit(lambda: storage.delete(name))


# ---------------------------------------------------------------------------------------------
# Consents


@transaction.atomic
def consent_give(*, user: User, purpose: str, notice_version: str = NOTICE_VERSION) -> Consent:
    """Record a consent. Agreeing again to the same notice changes nothing; agreeing to a new
    version of the notice ends the old consent and records the new one. The user's row is
    locked first: with no consent in force there is no row to lock, and two clicks at once
    would both insert one."""
    purpose = ConsentPurpose(purpose)
    User.objects.select_for_update().filter(pk=user.pk).first()
    current = Consent.objects.filter(user=user, purpose=purpose, withdrawn_at__isnull=True).first()
    if current is not None:
        if current.notice_version == notice_version:
            return current
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["withdrawn_at"])
    return Consent.objects.create(user=user, purpose=purpose, notice_version=notice_version)


@transaction.atomic
def consent_withdraw(*, user: User, purpose: str) -> int:
    """Withdraw a consent, with effect at once: without `profile_search` the profile leaves
    every search (a database trigger, same statement); without `contact_sharing` contact
    details are no longer shown to anyone; without `resume_processing` the résumé is deleted.
    Returns how many consents were withdrawn (0 if none was in force)."""
    purpose = ConsentPurpose(purpose)
    now = timezone.now()
    count = Consent.objects.filter(user=user, purpose=purpose, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    talent = Talent.objects.filter(user=user).first()
    if talent is not None:
        if purpose == ConsentPurpose.CONTACT_SHARING:
            Talent.objects.filter(pk=talent.pk).update(contact_visible_to_verified=False)
            ContactRequest.objects.filter(talent=talent, status=ContactStatus.ACCEPTED).update(
                status=ContactStatus.REVOKED, decided_at=now
            )
        elif purpose == ConsentPurpose.RESUME_PROCESSING:
            talent_resume_remove(talent=talent)
    return count


def consents_of(user: User):
    """Every consent of `user`, in force or withdrawn, newest first."""
    return Consent.objects.filter(user=user).order_by("-given_at", "-pk")


# ---------------------------------------------------------------------------------------------
# Contact requests, contact details, résumés and the access log


@dataclass(frozen=True)
class ContactDetails:
    name: str
    phone: str
    email: str


def contact_allowed(*, talent: Talent, enterprise: Enterprise) -> bool:
    """Whether the talent lets `enterprise` see their contact details: they accepted its
    request, or made them visible to verified enterprises (with the sharing consent in force
    and a findable profile). Says nothing about who is asking: see `contact_details_view`."""
    if talent.is_deleted or not enterprise.is_verified:
        return False
    if ContactRequest.objects.filter(
        enterprise=enterprise, talent=talent, status=ContactStatus.ACCEPTED
    ).exists():
        return True
    return (
        talent.contact_visible_to_verified
        and Talent.objects.searchable().filter(pk=talent.pk).exists()
        and _consent_in_force(talent.user_id, ConsentPurpose.CONTACT_SHARING)
    )


def _check_viewer(*, talent: Talent, viewer: User, enterprise: Enterprise, why: str) -> str:
    why = " ".join((why or "").split())[:200]
    if not why:
        raise ValidationError(_("Say why you need this."), code="why_required")
    if (
        viewer is None
        or not viewer.is_authenticated
        or not viewer.is_active
        or not enterprise.is_verified
        or not enterprise.has_member(viewer)
        or not contact_allowed(talent=talent, enterprise=enterprise)
    ):
        raise TalentNotFound(_("No such talent."))
    return why


@transaction.atomic
def contact_details_view(
    *, talent: Talent, viewer: User, enterprise: Enterprise, why: str
) -> ContactDetails:
    """The talent's name, phone and e-mail for a member of a verified enterprise the talent
    allows (see `contact_allowed`); every such view is logged in `ProfileAccess`.
    Raises TalentNotFound otherwise (and logs nothing: nothing was seen)."""
    why = _check_viewer(talent=talent, viewer=viewer, enterprise=enterprise, why=why)
    ProfileAccess.objects.create(
        viewer=viewer, enterprise=enterprise, talent=talent, what=AccessKind.CONTACT, why=why
    )
    return ContactDetails(name=talent.name, phone=talent.contact_phone, email=talent.contact_email)


@transaction.atomic
def resume_open(*, talent: Talent, viewer: User, enterprise: Enterprise, why: str):
    """The résumé file (opened for reading) under the same rules as contact details, and only
    while the résumé-processing consent is in force; logged. TalentNotFound otherwise."""
    why = _check_viewer(talent=talent, viewer=viewer, enterprise=enterprise, why=why)
    if not talent.resume or not _consent_in_force(talent.user_id, ConsentPurpose.RESUME_PROCESSING):
        raise TalentNotFound(_("No résumé."))
    ProfileAccess.objects.create(
        viewer=viewer, enterprise=enterprise, talent=talent, what=AccessKind.RESUME, why=why
    )
    return talent.resume.open("rb")


@transaction.atomic
def profile_view_record(
    *, talent: Talent, viewer: User, enterprise: Enterprise | None, why: str
) -> ProfileAccess | None:
    """Log that someone other than the talent opened their full profile (education, experience;
    never contact details). Raises TalentNotFound when `viewer` may not see the profile."""
    if viewer is not None and viewer.pk == talent.user_id:
        return None
    if not Talent.objects.visible_to(viewer).filter(pk=talent.pk).exists():
        raise TalentNotFound(_("No such talent."))
    if enterprise is not None and not enterprise.has_member(viewer):
        raise TalentNotFound(_("No such talent."))
    return ProfileAccess.objects.create(
        viewer=viewer,
        enterprise=enterprise,
        talent=talent,
        what=AccessKind.PROFILE,
        why=" ".join((why or "").split())[:200] or _("Profile opened"),
    )


def profile_accesses_of(talent: Talent):
    """ "Who viewed my profile": newest first, with the enterprise and the viewer."""
    return ProfileAccess.objects.filter(talent=talent).select_related("enterprise", "viewer")


def contact_request_create(
    *, enterprise: Enterprise, talent: Talent, by: User, message: str = ""
) -> ContactRequest:
    """Ask a talent for their contact details. One live request (waiting or accepted) per
    enterprise and talent, enforced by the database: a second one raises ValidationError."""
    _require_member(enterprise=enterprise, user=by)
    if not Talent.objects.searchable().filter(pk=talent.pk).exists():
        raise TalentNotFound(_("No such talent."))
    try:
        with transaction.atomic():
            request = ContactRequest.objects.create(
                enterprise=enterprise,
                talent=talent,
                requested_by=by,
                message=message.strip()[:1000],
            )
            _notify(
                talent.user,
                "contact_request",
                {"request": request, "enterprise": enterprise},
                url=_url_contact_requests(),
            )
    except IntegrityError as error:
        if "contactrequest_one_open" in str(error):
            raise ValidationError(
                _("Your enterprise has asked this talent already."), code="duplicate"
            ) from None
        raise
    return request


def _url_contact_requests() -> str:
    try:
        return reverse("talents:profile_requests")
    except NoReverseMatch:
        return ""


@transaction.atomic
def _contact_request_answer(*, request: ContactRequest, by: User, to: str) -> ContactRequest:
    locked = ContactRequest.objects.select_for_update().select_related("talent").get(pk=request.pk)
    _require_talent_user(locked.talent, by)
    allowed_from = {
        ContactStatus.ACCEPTED: {ContactStatus.PENDING},
        ContactStatus.DECLINED: {ContactStatus.PENDING},
        ContactStatus.REVOKED: {ContactStatus.ACCEPTED},
    }[to]
    if locked.status not in allowed_from:
        raise ValidationError(_("This request has been answered already."), code="answered")
    locked.status = to
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_at"])
    request.status, request.decided_at = locked.status, locked.decided_at
    if to != ContactStatus.REVOKED:
        _notify(
            locked.requested_by,
            "contact_answer",
            {"request": locked, "masked_name": mask_name(locked.talent.name)},
        )
    return locked


def contact_request_accept(*, request: ContactRequest, by: User) -> ContactRequest:
    """The talent lets the enterprise see their contact details."""
    return _contact_request_answer(request=request, by=by, to=ContactStatus.ACCEPTED)


def contact_request_decline(*, request: ContactRequest, by: User) -> ContactRequest:
    return _contact_request_answer(request=request, by=by, to=ContactStatus.DECLINED)


def contact_request_revoke(*, request: ContactRequest, by: User) -> ContactRequest:
    """The talent takes back a permission given earlier; the enterprise may ask again."""
    return _contact_request_answer(request=request, by=by, to=ContactStatus.REVOKED)


def shortlist_add(*, enterprise: Enterprise, talent: Talent, by: User, note: str = "") -> Shortlist:
    _require_member(enterprise=enterprise, user=by)
    if not Talent.objects.searchable().filter(pk=talent.pk).exists():
        raise TalentNotFound(_("No such talent."))
    entry, _created = Shortlist.objects.get_or_create(
        enterprise=enterprise, talent=talent, defaults={"added_by": by, "note": note[:200]}
    )
    return entry


def shortlist_remove(*, enterprise: Enterprise, talent: Talent, by: User) -> None:
    _require_member(enterprise=enterprise, user=by, verified=False)
    Shortlist.objects.filter(enterprise=enterprise, talent=talent).delete()


# ---------------------------------------------------------------------------------------------
# The talent's own data: export and deletion


def _iso(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def talent_export(user: User) -> dict:
    """Every category of personal data the portal holds about `user`, JSON-serialisable."""
    talent = (
        Talent.objects.filter(user=user).select_related("current_region", "main_discipline").first()
    )
    data = {
        "account": {
            "username": user.username,
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "kind": user.kind,
            "preferred_language": user.preferred_language,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "profile": None,
        "education": [],
        "experience": [],
        "consents": [
            {
                "purpose": c.purpose,
                "notice_version": c.notice_version,
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in consents_of(user)
        ],
        "applications": _applications_export(user),
        "contact_requests": [],
        "profile_accesses": [],
        "shortlisted_by": [],
        "evaluations": [],
        "talent_cards": [],
        "notifications": [
            {
                "subject": n.subject,
                "body": n.body,
                "created_at": _iso(n.created_at),
                "read_at": _iso(n.read_at),
            }
            for n in Notification.objects.for_user(user)
        ],
    }
    if talent is None:
        return data
    data["profile"] = {
        "name": talent.name,
        "gender": talent.gender,
        "birth_year": talent.birth_year,
        "headline": talent.headline,
        "current_region": talent.current_region_id,
        "work_regions": sorted(talent.work_regions.values_list("code", flat=True)),
        "industries": sorted(talent.industries.values_list("code", flat=True)),
        "skills": talent.skills,
        "tier": talent.tier,
        "tier_valid_until": _iso(talent.tier_valid_until),
        "resume": bool(talent.resume),
        "visibility": talent.visibility,
        "contact_visible_to_verified": talent.contact_visible_to_verified,
        "phone": talent.phone,
        "email": talent.email,
        "highest_degree": talent.highest_degree,
        "main_discipline": talent.main_discipline_id,
        "graduation_year": talent.graduation_year,
        "years_experience": talent.years_experience,
        "has_overseas": talent.has_overseas,
        "created_at": _iso(talent.created_at),
        "updated_at": _iso(talent.updated_at),
    }
    data["education"] = [
        {
            "degree": e.degree,
            "discipline": e.discipline_id,
            "school": e.school,
            "graduation_year": e.graduation_year,
            "overseas": e.overseas,
        }
        for e in talent.educations.all()
    ]
    data["experience"] = [
        {
            "employer": x.employer,
            "title": x.title,
            "start": _iso(x.start),
            "end": _iso(x.end),
            "overseas": x.overseas,
        }
        for x in talent.experiences.all()
    ]
    data["contact_requests"] = [
        {
            "enterprise": r.enterprise.name,
            "message": r.message,
            "status": r.status,
            "created_at": _iso(r.created_at),
            "decided_at": _iso(r.decided_at),
        }
        for r in talent.contact_requests.select_related("enterprise")
    ]
    data["profile_accesses"] = [
        {
            "enterprise": a.enterprise.name if a.enterprise_id else None,
            "viewer": a.viewer.get_short_name(),
            "what": a.what,
            "why": a.why,
            "at": _iso(a.at),
        }
        for a in profile_accesses_of(talent)
    ]
    data["shortlisted_by"] = [
        {"enterprise": s.enterprise.name, "at": _iso(s.created_at)}
        for s in Shortlist.objects.filter(talent=talent).select_related("enterprise")
    ]
    data["evaluations"] = [
        {
            "reference": e.reference,
            "enterprise": e.enterprise.name,
            "proposed_tier": e.proposed_tier,
            "confirmed_tier": e.confirmed_tier,
            "status": e.status,
            "evidence": e.evidence,
            "created_at": _iso(e.created_at),
        }
        for e in talent.evaluations.select_related("enterprise")
    ]
    data["talent_cards"] = [
        {
            "number": c.number,
            "tier": c.tier,
            "valid_from": _iso(c.valid_from),
            "valid_until": _iso(c.valid_until),
            "revoked_at": _iso(c.revoked_at),
        }
        for c in talent.cards.all()
    ]
    return data


def _applications_export(user: User) -> list[dict]:
    """Every application with what the person answered and the documents they attached
    (one query for all documents)."""
    applications = applications_of(user)
    documents: dict[str, list[dict]] = {}
    for document in ApplicationDocument.objects.filter(
        reference__in=[a.reference for a in applications]
    ).order_by("created_at", "pk"):
        documents.setdefault(document.reference, []).append(
            {
                "label": document.label,
                "file_name": document.original_name,
                "content_type": document.content_type,
                "size": document.size,
                "uploaded_at": _iso(document.created_at),
            }
        )
    return [
        {
            **_application_export(application),
            "answers": [
                {"question": question, "answer": answer}
                for question, answer in application.answers_summary()
            ],
            "documents": documents.get(application.reference, []),
        }
        for application in applications
    ]


def _application_export(application) -> dict:
    return {
        "reference": application.reference,
        "kind": str(application._meta.verbose_name),
        "subject": application.subject,
        "status": application.status,
        "created_at": _iso(application.created_at),
        "submitted_at": _iso(application.submitted_at),
        "decided_at": _iso(application.decided_at),
        "decision_reason": application.decision_reason,
    }


@transaction.atomic
def talent_delete(user: User) -> None:
    """Delete a talent's account: the profile leaves every search at once and is anonymised,
    education, experience, résumé, shortlist entries and notifications are deleted, open
    applications are withdrawn, cards revoked, pending contact requests declined and accepted
    ones revoked; the account can no longer log in and keeps no name or address. What the law
    requires to keep stays, pointing at the anonymised person: the consent records (as
    withdrawn), decided applications and the append-only access log."""
    now = timezone.now()
    for application in applications_of(user):
        if application.status not in ApplicationStatus.closed():
            application_withdraw(
                application=application, by=user, comment=_("The applicant deleted the account.")
            )
    talent = Talent.objects.select_for_update().filter(user=user).first()
    if talent is not None:
        talent_resume_remove(talent=talent)
        talent.educations.all().delete()
        talent.experiences.all().delete()
        talent.industries.clear()
        talent.work_regions.clear()
        Shortlist.objects.filter(talent=talent).delete()
        ContactRequest.objects.filter(talent=talent, status=ContactStatus.PENDING).update(
            status=ContactStatus.DECLINED, decided_at=now
        )
        ContactRequest.objects.filter(talent=talent, status=ContactStatus.ACCEPTED).update(
            status=ContactStatus.REVOKED, decided_at=now
        )
        TalentCard.objects.filter(talent=talent, revoked_at__isnull=True).update(
            revoked_at=now, revoked_reason="account deleted"
        )
        Talent.objects.filter(pk=talent.pk).update(
            name="",
            gender="",
            birth_year=None,
            headline="",
            current_region=None,
            skills=[],
            tier="",
            tier_valid_until=None,
            visibility=Visibility.HIDDEN,
            contact_visible_to_verified=False,
            phone="",
            email="",
            highest_degree=Degree.NONE,
            main_discipline=None,
            graduation_year=None,
            years_experience=0,
            has_overseas=False,
            search_tokens="",
            deleted_at=now,
        )
    Consent.objects.filter(user=user, withdrawn_at__isnull=True).update(withdrawn_at=now)
    Notification.objects.filter(recipient=user).delete()
    EnterpriseMember.objects.filter(user=user).delete()
    user.username = f"deleted-{user.pk}"
    user.email = ""
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


# ---------------------------------------------------------------------------------------------
# Enterprises


@transaction.atomic
def enterprise_register(
    *, user: User, name: str, credit_code: str, region, size: str, evidence=None, **fields
) -> Enterprise:
    """A new enterprise, pending verification, with `user` as its administrator."""
    enterprise = Enterprise(
        name=name.strip(),
        credit_code=uscc.compact(credit_code or ""),
        region=region,
        size=size,
        **fields,
    )
    enterprise.full_clean(exclude=["evidence"])
    enterprise.save()
    EnterpriseMember.objects.create(enterprise=enterprise, user=user, role=MemberRole.ADMIN)
    if evidence is not None:
        enterprise_evidence_set(enterprise=enterprise, upload=evidence, by=user)
    return enterprise


def enterprise_evidence_set(*, enterprise: Enterprise, upload, by: User) -> Enterprise:
    """Upload the business licence (PDF, JPEG or PNG, checked by content)."""
    _require_member(enterprise=enterprise, user=by, verified=False)
    content, file_type = clean_upload(upload, allowed=DOCUMENT_TYPES)
    old = enterprise.evidence.name
    enterprise.evidence.save(f"evidence{file_type.extension}", content, save=False)
    Enterprise.objects.filter(pk=enterprise.pk).update(evidence=enterprise.evidence.name)
    if old:
        _delete_file_on_commit(enterprise.evidence.storage, old)
    return enterprise


def _require_verifier(*, enterprise: Enterprise, by: User) -> None:
    if not (
        by.is_active
        and by.is_staff
        and by.has_perm("talents.change_enterprise")
        and Enterprise.objects.editable_by(by).filter(pk=enterprise.pk).exists()
    ):
        raise PermissionDenied(_("You may not verify this enterprise."))


@transaction.atomic
def enterprise_verify(*, enterprise: Enterprise, by: User) -> Enterprise:
    """Staff (of the enterprise's region or above) confirm the enterprise; members are told."""
    return _enterprise_decide(
        enterprise=enterprise,
        by=by,
        status=VerificationStatus.VERIFIED,
        reason="",
        template="enterprise_verified",
    )


@transaction.atomic
def enterprise_reject(*, enterprise: Enterprise, by: User, reason: str) -> Enterprise:
    """Staff refuse the verification, with the reason the members are told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the rejection."), code="reason_required")
    return _enterprise_decide(
        enterprise=enterprise,
        by=by,
        status=VerificationStatus.REJECTED,
        reason=reason,
        template="enterprise_rejected",
    )


def _enterprise_decide(
    *, enterprise: Enterprise, by: User, status: str, reason: str, template: str
) -> Enterprise:
    """Record the verifier's decision on the locked row and tell the members."""
    _require_verifier(enterprise=enterprise, by=by)
    locked = row_lock(enterprise)
    locked.status = status
    locked.verified_by = by
    locked.verified_at = timezone.now()
    locked.rejection_reason = reason
    locked.save(
        update_fields=["status", "verified_by", "verified_at", "rejection_reason", "updated_at"]
    )
    _tell_members(locked, template)
    copy_state(enterprise, locked, ("status", "verified_by_id", "verified_at", "rejection_reason"))
    return locked


def _tell_members(enterprise: Enterprise, template: str) -> None:
    for member in enterprise.members.select_related("user"):
        _notify(member.user, template, {"enterprise": enterprise}, url=_url(enterprise))


def enterprise_member_add(
    *, enterprise: Enterprise, user: User, role: str = MemberRole.RECRUITER, by: User
) -> EnterpriseMember:
    """An enterprise administrator adds a colleague."""
    if not enterprise.members.filter(user=by, role=MemberRole.ADMIN).exists():
        raise PermissionDenied(_("Only the enterprise's administrators can add members."))
    member, _created = EnterpriseMember.objects.update_or_create(
        enterprise=enterprise, user=user, defaults={"role": MemberRole(role)}
    )
    return member


def enterprise_join_request(
    *, user: User, credit_code: str, message: str = ""
) -> EnterpriseJoinRequest:
    """An enterprise account asks to join the enterprise registered under `credit_code` (a
    second employee of a registered company); its administrators are told. Asking again while
    a request is open returns that request."""
    if not (user.is_authenticated and user.is_active and user.kind == AccountKind.ENTERPRISE):
        raise PermissionDenied(_("Only an enterprise account can join an enterprise."))
    enterprise = Enterprise.objects.filter(credit_code=uscc.compact(credit_code or "")).first()
    if enterprise is None:
        raise ValidationError(
            {"credit_code": _("No enterprise is registered with this credit code.")},
            code="unknown",
        )
    if enterprise.has_member(user):
        raise ValidationError(_("You are a member of this enterprise already."), code="member")
    try:
        with transaction.atomic():
            join, created = EnterpriseJoinRequest.objects.get_or_create(
                enterprise=enterprise,
                user=user,
                status=JoinRequestStatus.PENDING,
                defaults={"message": (message or "").strip()[:300]},
            )
    except IntegrityError:  # a concurrent request of the same person won
        return EnterpriseJoinRequest.objects.get(
            enterprise=enterprise, user=user, status=JoinRequestStatus.PENDING
        )
    if created:
        admins = enterprise.members.filter(role=MemberRole.ADMIN).select_related("user")
        for admin in admins:
            _notify(
                admin.user,
                "join_request",
                {"join": join, "enterprise": enterprise},
                url=_url_named("talents:enterprise_dashboard"),
            )
    return join


@transaction.atomic
def enterprise_join_answer(
    *, join: EnterpriseJoinRequest, by: User, approve: bool
) -> EnterpriseJoinRequest:
    """An administrator of the enterprise, or the office's staff who may decide join
    requests in the enterprise's region (the back office's queue), approves (the person
    becomes a recruiter) or declines a request to join; the person is told. Answering twice
    is refused."""
    locked = row_lock(join, "enterprise", "user")
    enterprise = locked.enterprise
    if not (
        enterprise.members.filter(user=by, role=MemberRole.ADMIN).exists()
        or _may_decide_join_requests(enterprise=enterprise, by=by)
    ):
        raise PermissionDenied(_("Only the enterprise's administrators can answer this."))
    if locked.status != JoinRequestStatus.PENDING:
        raise ValidationError(_("This request has been answered already."), code="answered")
    locked.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.DECLINED
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    if approve:
        EnterpriseMember.objects.get_or_create(
            enterprise=enterprise, user=locked.user, defaults={"role": MemberRole.RECRUITER}
        )
    _notify(
        locked.user,
        "join_answer",
        {"join": locked, "enterprise": enterprise},
        url=_url_named(
            "talents:enterprise_dashboard" if approve else "talents:enterprise_register"
        ),
    )
    return locked


def _may_decide_join_requests(*, enterprise: Enterprise, by: User) -> bool:
    return (
        by.is_active
        and by.is_staff
        and by.has_perm("talents.change_enterprisejoinrequest")
        and Enterprise.objects.editable_by(by).filter(pk=enterprise.pk).exists()
    )


def _url_named(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


# ---------------------------------------------------------------------------------------------
# Demands and internships


DEMAND_FIELDS = frozenset(
    {
        "position_zh",
        "position_en",
        "description",
        "region",
        "closing_on",
        "is_published",
        "discipline",
        "min_degree",
        "min_years",
        "number_wanted",
        "salary_min",
        "salary_max",
    }
)
INTERNSHIP_FIELDS = frozenset(
    {
        "position_zh",
        "position_en",
        "description",
        "region",
        "closing_on",
        "is_published",
        "school_year",
        "duration_weeks",
        "stipend",
    }
)


def _posting_save(posting, *, by: User, fields: dict, allowed: frozenset):
    _require_member(enterprise=posting.enterprise, user=by)
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Not fields of a posting: {', '.join(sorted(unknown))}")
    for field, value in fields.items():
        setattr(posting, field, value)
    posting.full_clean()
    posting.save()
    return posting


@transaction.atomic
def demand_create(*, enterprise: Enterprise, by: User, **fields) -> Demand:
    return _posting_save(Demand(enterprise=enterprise), by=by, fields=fields, allowed=DEMAND_FIELDS)


@transaction.atomic
def demand_update(*, demand: Demand, by: User, **fields) -> Demand:
    return _posting_save(demand, by=by, fields=fields, allowed=DEMAND_FIELDS)


@transaction.atomic
def internship_create(*, enterprise: Enterprise, by: User, **fields) -> Internship:
    return _posting_save(
        Internship(enterprise=enterprise), by=by, fields=fields, allowed=INTERNSHIP_FIELDS
    )


@transaction.atomic
def internship_update(*, internship: Internship, by: User, **fields) -> Internship:
    return _posting_save(internship, by=by, fields=fields, allowed=INTERNSHIP_FIELDS)


def _application_for(*, model, posting_field: str, posting, applicant: User, **fields):
    if applicant.kind != AccountKind.TALENT or not applicant.is_active:
        raise PermissionDenied(_("Only talents can apply."))
    if not type(posting).objects.published().filter(pk=posting.pk).exists():
        raise ValidationError(_("This position is closed."), code="closed")
    try:
        with transaction.atomic():
            return application_create(
                model=model, applicant=applicant, **{posting_field: posting}, **fields
            )
    except ValidationError as error:
        if "duplicate" in _codes(error):
            raise ValidationError(_("You have applied already."), code="duplicate") from None
        raise


def _codes(error: ValidationError) -> set:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def demand_application_create(
    *, demand: Demand, applicant: User, cover_letter: str = ""
) -> DemandApplication:
    """A draft application for a published demand; submit it with
    `talentportal.workflow.application_submit`. The enterprise's members process it."""
    return _application_for(
        model=DemandApplication,
        posting_field="demand",
        posting=demand,
        applicant=applicant,
        cover_letter=cover_letter,
    )


def internship_application_create(
    *, internship: Internship, applicant: User, school: str = "", cover_letter: str = ""
) -> InternshipApplication:
    return _application_for(
        model=InternshipApplication,
        posting_field="internship",
        posting=internship,
        applicant=applicant,
        school=school,
        cover_letter=cover_letter,
    )


POSTING_APPLICATIONS = {
    Demand: (DemandApplication, "demand"),
    Internship: (InternshipApplication, "internship"),
}


def posting_application_of(*, posting: Demand | Internship, applicant: User):
    """The applicant's application for a demand or internship that is not withdrawn, or None."""
    model, posting_field = POSTING_APPLICATIONS[type(posting)]
    return (
        model.objects.of(applicant)
        .filter(**{posting_field: posting})
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .first()
    )


@transaction.atomic
def posting_application_submit(*, posting: Demand | Internship, applicant: User, **fields):
    """Submit the applicant's application for a published demand or internship: a new one, or
    their draft with `fields` (the form's answers) put in. Returns (application, submitted):
    an application already submitted, also by a double click that lost the race, comes back
    unchanged with submitted False."""
    model, posting_field = POSTING_APPLICATIONS[type(posting)]
    application = posting_application_of(posting=posting, applicant=applicant)
    if application is None:
        try:
            application = _application_for(
                model=model,
                posting_field=posting_field,
                posting=posting,
                applicant=applicant,
                **fields,
            )
        except ValidationError as error:
            application = posting_application_of(posting=posting, applicant=applicant)
            if "duplicate" not in _codes(error) or application is None:
                raise
            return application, False
    elif application.status != ApplicationStatus.DRAFT:
        return application, False
    else:
        if not type(posting).objects.published().filter(pk=posting.pk).exists():
            raise ValidationError(_("This position is closed."), code="closed")
        application = model.objects.select_for_update().get(pk=application.pk)
        if application.status != ApplicationStatus.DRAFT:  # submitted a moment ago
            return application, False
        for field, value in fields.items():
            setattr(application, field, value)
        application.save(update_fields=[*fields, "updated_at"])
    application_submit(application=application, by=applicant)
    return application, True


def posting_draft_submit(*, application: DemandApplication | InternshipApplication, by: User):
    """Submit the applicant's draft posting application as it is (from "check your answers"):
    the apply page's use case, with its checks. A second submit is refused with the
    reference."""
    if by.pk != application.applicant_id:
        raise PermissionDenied(_("Only the applicant may submit this application."))
    fields = dict(POSTING_APPLICATIONS.values())
    posting = getattr(application, fields[type(application)])
    submitted, was_sent = posting_application_submit(
        posting=posting,
        applicant=by,
        **{name: getattr(application, name) for name in application.ANSWER_FIELDS},
    )
    if not was_sent:
        raise ValidationError(
            _("You have applied for this position already (%(reference)s).")
            % {"reference": submitted.reference},
            code="duplicate",
        )
    application.status = submitted.status
    application.submitted_at = submitted.submitted_at


def applications_for_enterprise(enterprise: Enterprise):
    """(demand applications, internship applications) the enterprise processes, drafts
    excluded (a draft is the applicant's own business)."""
    demands = (
        DemandApplication.objects.filter(demand__enterprise=enterprise)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("applicant", "demand")
    )
    internships = (
        InternshipApplication.objects.filter(internship__enterprise=enterprise)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("applicant", "internship")
    )
    return demands, internships


# ---------------------------------------------------------------------------------------------
# Evaluation and talent cards


@transaction.atomic
def evaluation_nominate(
    *,
    enterprise: Enterprise,
    talent: Talent,
    by: User,
    proposed_tier: str,
    evidence: str,
    document=None,
    submit: bool = False,
) -> Evaluation:
    """A nomination by an authorised evaluating entity, with its evidence `document` (an
    upload) when given: a draft, or sent to the talent office when `submit`. Otherwise attach
    documents with `talentportal.workflow.document_attach` and submit with
    `application_submit`."""
    _require_member(enterprise=enterprise, user=by)
    if not enterprise.is_evaluator:
        raise PermissionDenied(_("Only authorised evaluating entities may nominate talents."))
    if talent.is_deleted:
        raise TalentNotFound(_("No such talent."))
    try:
        with transaction.atomic():
            evaluation = application_create(
                model=Evaluation,
                applicant=by,
                enterprise=enterprise,
                talent=talent,
                proposed_tier=TalentTier(proposed_tier),
                evidence=evidence.strip(),
            )
    except ValidationError as error:
        if "duplicate" in _codes(error):
            raise ValidationError(
                _("This enterprise has nominated this talent already."), code="duplicate"
            ) from None
        raise
    if document:
        document_attach(application=evaluation, by=by, upload=document, label=_("Evidence"))
    if submit:
        evaluation = application_submit(application=evaluation, by=by)
    return evaluation


@transaction.atomic
def evaluation_confirm(
    *,
    evaluation: Evaluation,
    by: User,
    tier: str | None = None,
    valid_from: datetime.date | None = None,
    years: int = CARD_YEARS,
    comment: str = "",
) -> TalentCard:
    """Staff approve a nomination (through the workflow, which checks permission and status):
    the talent holds the tier (the proposed one unless `tier` is given) and a new talent card;
    an earlier card is revoked."""
    tier = TalentTier(tier or evaluation.proposed_tier)
    approved = application_approve(application=evaluation, by=by, comment=comment)
    valid_from = valid_from or timezone.localdate()
    valid_until = _add_years(valid_from, years) - datetime.timedelta(days=1)
    Evaluation.objects.filter(pk=approved.pk).update(confirmed_tier=tier)
    evaluation.confirmed_tier = tier
    talent = Talent.objects.select_for_update().get(pk=evaluation.talent_id)
    TalentCard.objects.filter(talent=talent, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=f"replaced by {evaluation.reference}"
    )
    card = TalentCard.objects.create(
        number=reference_next(CARD_PREFIX, valid_from.year),
        talent=talent,
        evaluation=approved,
        tier=tier,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    Talent.objects.filter(pk=talent.pk).update(
        tier=tier, tier_valid_until=valid_until, updated_at=timezone.now()
    )
    _notify(talent.user, "talent_card", {"card": card}, url=_url(card))
    return card


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class CardCheck:
    """What anyone may learn about a card: masked name, tier and validity."""

    number: str
    masked_name: str
    tier: str
    tier_label: str
    valid_from: datetime.date
    valid_until: datetime.date
    status: str  # "valid", "expired", "not_yet_valid" or "revoked"

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"


def talent_card_verify(number: str, *, today: datetime.date | None = None) -> CardCheck | None:
    """The public check of a card number; None when there is no such card."""
    number = (number or "").strip().upper()[:20]
    card = TalentCard.objects.select_related("talent").filter(number=number).first()
    if card is None:
        return None
    today = today or timezone.localdate()
    if card.revoked_at is not None:
        status = "revoked"
    elif today < card.valid_from:
        status = "not_yet_valid"
    elif today > card.valid_until:
        status = "expired"
    else:
        status = "valid"
    return CardCheck(
        number=card.number,
        masked_name=mask_name(card.talent.name),
        tier=card.tier,
        tier_label=str(TalentTier(card.tier).label),
        valid_from=card.valid_from,
        valid_until=card.valid_until,
        status=status,
    )


@transaction.atomic
def talent_card_revoke(*, card: TalentCard, by: User, reason: str) -> TalentCard:
    if not (by.is_active and by.is_staff and by.has_perm("talents.change_talentcard")):
        raise PermissionDenied(_("You may not revoke talent cards."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason."), code="reason_required")
    TalentCard.objects.filter(pk=card.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason[:200]
    )
    card.refresh_from_db()
    if not TalentCard.objects.filter(talent=card.talent_id, revoked_at__isnull=True).exists():
        Talent.objects.filter(pk=card.talent_id).update(tier="", tier_valid_until=None)
    return card
