"""Retention: personal data is kept only as long as its purpose needs (PIPL art. 19 and 47).

One run (`manage.py retention`, or the daily task in `talentportal.tasks`) applies every rule,
with the periods of `settings.RETENTION` (documented in docs/retention.md):

1. closed accounts — deactivated, not staff — are anonymised `CLOSED_ACCOUNT_DAYS` after they
   were first seen closed: the person is stripped, the rows stay (applications, decisions,
   consents and timelines keep pointing at `deleted-<id>`), so statistics and history survive;
2. draft applications of every kind untouched for `DRAFT_DAYS` are deleted with their files;
3. uploaded files that no row refers to any more, older than `ORPHAN_UPLOAD_DAYS`, are deleted;
4. security events older than `SECURITY_LOG_DAYS` are purged (when the security log exists).

A dry run counts what each rule would do and changes nothing.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from talentportal.models import ApplicationDocument, ApplicationEvent, ApplicationStatus, User
from talentportal.workflow import application_models

logger = logging.getLogger(__name__)

DEFAULTS = {
    "CLOSED_ACCOUNT_DAYS": 30,
    "DRAFT_DAYS": 180,
    "ORPHAN_UPLOAD_DAYS": 1,
    "SECURITY_LOG_DAYS": 365,
}
# Security events are evidence (MLPS 2.0 asks for at least six months): never shorter.
SECURITY_LOG_MIN_DAYS = 183
BATCH = 500

# Functions of the sections above this layer that erase what they hold of a person
# (the talent profile, memberships…). Each is called with the user, inside the transaction.
_account_erasers: list[Callable[[User], None]] = []


def register_account_eraser(eraser: Callable[[User], None]) -> Callable[[User], None]:
    if eraser not in _account_erasers:
        _account_erasers.append(eraser)
    return eraser


def period(name: str) -> int:
    days = {**DEFAULTS, **getattr(settings, "RETENTION", {})}[name]
    if name == "SECURITY_LOG_DAYS":
        days = max(days, SECURITY_LOG_MIN_DAYS)
    return int(days)


@dataclass
class Report:
    accounts_closed: int = 0  # newly seen deactivated: their period starts now
    accounts_anonymised: int = 0
    drafts_purged: int = 0
    drafts_kept: int = 0  # still referred to by other rows
    files_deleted: int = 0
    orphan_files_deleted: int = 0
    security_events_purged: int | None = None  # None: no security log in this installation
    errors: int = 0  # accounts or drafts that failed (logged; the next run tries again)

    def as_dict(self) -> dict:
        return asdict(self)


# --- 1. closed accounts ----------------------------------------------------------------------


def closed_accounts(now: datetime.datetime):
    """Accounts due for anonymisation: deactivated, closed for the period, not yet done.
    Staff accounts are kept: their names are the accountability of decisions and audit."""
    cutoff = now - datetime.timedelta(days=period("CLOSED_ACCOUNT_DAYS"))
    return User.objects.filter(
        is_active=False,
        is_staff=False,
        is_superuser=False,
        closed_at__lte=cutoff,
        anonymised_at__isnull=True,
    )


def _newly_closed():
    return User.objects.filter(is_active=False, closed_at__isnull=True)


@transaction.atomic
def account_anonymise(user: User, *, now: datetime.datetime | None = None) -> int:
    """Strip the person from `user` and from what the sections hold of them; return the
    number of files deleted. The account row stays for the foreign keys that protect it."""
    now = now or timezone.now()
    for eraser in _account_erasers:
        eraser(user)
    files = 0
    for document in ApplicationDocument.objects.filter(owner=user):
        _delete_file_on_commit(document.file)
        document.delete()
        files += 1
    for model in application_models():
        replaced = getattr(model, "ANONYMISED_FIELDS", {})
        if replaced:
            model._default_manager.filter(applicant=user).update(**replaced)
    user.refresh_from_db()
    user.username = f"deleted-{user.pk}"
    user.email = ""
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.last_login = None
    user.is_active = False
    user.staff_region = None
    user.set_unusable_password()
    user.anonymised_at = now
    user.save()
    return files


# --- 2. expired drafts -----------------------------------------------------------------------


def expired_drafts(model, now: datetime.datetime):
    cutoff = now - datetime.timedelta(days=period("DRAFT_DAYS"))
    return model._default_manager.filter(status=ApplicationStatus.DRAFT, updated_at__lt=cutoff)


def draft_purge(application) -> int:
    """Delete a draft, its timeline and its files; return the number of files deleted.
    ProtectedError when other rows still refer to it."""
    with transaction.atomic():
        documents = list(ApplicationDocument.objects.filter(reference=application.reference))
        files = [document.file for document in documents]
        files += [
            getattr(application, field.name)
            for field in application._meta.concrete_fields
            if isinstance(field, models.FileField) and getattr(application, field.name)
        ]
        ApplicationDocument.objects.filter(pk__in=[d.pk for d in documents]).delete()
        ApplicationEvent.objects.filter(reference=application.reference).delete()
        application.delete()
        for file in files:
            _delete_file_on_commit(file)
    return len(files)


# --- 3. orphaned uploads ---------------------------------------------------------------------


def _file_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field.attname


def _walk(storage, directory=""):
    directories, files = storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for sub in directories:
        yield from _walk(storage, f"{directory}/{sub}" if directory else sub)


def orphaned_files(now: datetime.datetime, storage=None):
    """Stored files no row of any model refers to, older than the grace period (an upload
    is saved just before its row is committed). One query per file field per batch."""
    storage = storage or default_storage
    cutoff = now - datetime.timedelta(days=period("ORPHAN_UPLOAD_DAYS"))
    try:
        names = list(_walk(storage))
    except FileNotFoundError:
        return []
    fields = list(_file_fields())
    orphans = []
    for start in range(0, len(names), BATCH):
        batch = set(names[start : start + BATCH])
        for model, attname in fields:
            used = model._default_manager.filter(**{f"{attname}__in": batch})
            batch -= set(used.values_list(attname, flat=True))
        orphans += [name for name in sorted(batch) if storage.get_modified_time(name) < cutoff]
    return orphans


# --- 4. security events ----------------------------------------------------------------------


def _security_log():
    try:
        from talentportal import security_log
    except ImportError:
        return None
    return security_log if hasattr(security_log, "purge_older_than") else None


def _security_events_older_than(security_log, now, days) -> int:
    cutoff = now - datetime.timedelta(days=days)
    return security_log.SecurityEvent.objects.filter(at__lt=cutoff).count()


def _delete_file_on_commit(file) -> None:
    storage, name = file.storage, file.name
    transaction.on_commit(lambda: storage.delete(name))


# --- the run -----------------------------------------------------------------------------------


def retention_run(*, dry_run: bool = False, now: datetime.datetime | None = None) -> Report:
    """Apply every rule once. Each account and each draft is its own transaction, so one
    failure does not undo the rest; it is logged and the run goes on."""
    now = now or timezone.now()
    report = Report()

    newly_closed = _newly_closed()
    report.accounts_closed = newly_closed.count()
    if not dry_run:
        newly_closed.update(closed_at=now)
    for user in closed_accounts(now).order_by("pk").iterator(chunk_size=BATCH):
        if not dry_run:
            try:
                report.files_deleted += account_anonymise(user, now=now)
            except Exception:
                logger.exception("retention: anonymising account %s failed", user.pk)
                report.errors += 1
                continue
        report.accounts_anonymised += 1

    for model in application_models():
        for application in expired_drafts(model, now).order_by("pk").iterator(chunk_size=BATCH):
            if dry_run:
                report.drafts_purged += 1
                continue
            try:
                report.files_deleted += draft_purge(application)
            except ProtectedError:
                report.drafts_kept += 1
            except Exception:
                logger.exception("retention: purging draft %s failed", application.reference)
                report.errors += 1
            else:
                report.drafts_purged += 1

    for name in orphaned_files(now):
        if not dry_run:
            default_storage.delete(name)
        report.orphan_files_deleted += 1

    security_log = _security_log()
    if security_log is not None:
        days = period("SECURITY_LOG_DAYS")
        if dry_run:
            report.security_events_purged = _security_events_older_than(security_log, now, days)
        else:
            report.security_events_purged = security_log.purge_older_than(days)

    logger.info("retention%s: %s", " (dry run)" if dry_run else "", report.as_dict())
    return report
