"""The retention schedule: closed accounts anonymised, expired drafts and orphaned uploads
purged, through the command, the service and the background task."""

import datetime
import os
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from policies.models import ServiceApplication
from talentportal import retention, tasks, workflow
from talentportal.models import ApplicationDocument, ApplicationEvent, ApplicationStatus, User
from talents.models import Talent
from tests.talentportal.factories import StaffFactory, UserFactory
from tests.talentportal.workflow_factories import ServiceApplicationFactory
from tests.talents.factories import TalentFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NOW = timezone.now()


def days_ago(days):
    return NOW - datetime.timedelta(days=days)


def closed_user(days, **kwargs):
    user = UserFactory(is_active=False, **kwargs)
    User.objects.filter(pk=user.pk).update(closed_at=days_ago(days))
    return user


def draft(applicant=None, *, untouched_days=0, with_document=True):
    application = ServiceApplicationFactory(**({"applicant": applicant} if applicant else {}))
    document = None
    if with_document:
        document = workflow.document_attach(
            application=application,
            by=application.applicant,
            upload=SimpleUploadedFile("证书.pdf", PDF_BYTES),
        )
    ServiceApplication.objects.filter(pk=application.pk).update(updated_at=days_ago(untouched_days))
    return application, document


def stored_file(name, *, age_days):
    name = default_storage.save(name, ContentFile(b"%PDF-1.4 orphan"))
    stamp = days_ago(age_days).timestamp()
    os.utime(default_storage.path(name), (stamp, stamp))
    return name


@pytest.fixture
def scene(settings):
    """Something for every rule, and something each rule must leave alone."""
    settings.RETENTION = {
        "CLOSED_ACCOUNT_DAYS": 30,
        "DRAFT_DAYS": 180,
        "ORPHAN_UPLOAD_DAYS": 1,
        "SECURITY_LOG_DAYS": 200,
    }
    due = closed_user(31, phone="13800000000", display_name="张三")
    talent = TalentFactory(user=closed_user(40), name="李四", phone="13900000000")
    decided = ServiceApplicationFactory(applicant=talent.user, status=ApplicationStatus.APPROVED)
    old_expired, old_document = draft(untouched_days=200)
    return {
        "due": due,
        "talent": talent,
        "decided": decided,
        "recent": closed_user(10),
        "unstamped": UserFactory(is_active=False),
        "active": UserFactory(),
        "inactive_staff": StaffFactory(is_active=False),
        "expired_draft": old_expired,
        "expired_document": old_document,
        "fresh_draft": draft(untouched_days=100)[0],
        "old_submitted": ServiceApplicationFactory(status=ApplicationStatus.SUBMITTED),
        "orphan": stored_file("applications/2020/01/lost.pdf", age_days=3),
        "new_orphan": stored_file("applications/2020/01/just-uploaded.pdf", age_days=0),
    }


def snapshot():
    return (
        sorted(User.objects.values_list("pk", "username", "email", "is_active", "closed_at")),
        sorted(Talent.objects.values_list("pk", "name", "phone")),
        ServiceApplication.objects.count(),
        ApplicationDocument.objects.count(),
        sorted(p for p in _walk()),
    )


def _walk():
    return list(retention._walk(default_storage))


def test_a_dry_run_counts_per_rule_and_changes_nothing(scene):
    before = snapshot()
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)

    assert snapshot() == before
    text = out.getvalue()
    assert "Dry run" in text
    assert "accounts newly seen closed (their period starts): 2" in text  # unstamped + staff
    assert "closed accounts anonymised (after 30 days): 2" in text
    assert "draft applications purged (untouched 180 days): 1" in text
    assert "orphaned uploads deleted (older than 1 days): 1" in text


def test_the_run_anonymises_exactly_the_closed_accounts_and_keeps_their_history(
    scene, django_capture_on_commit_callbacks
):
    untouched = [scene[k] for k in ("recent", "active", "inactive_staff", "unstamped")]
    before = {user.pk: (user.username, user.email) for user in untouched}
    with django_capture_on_commit_callbacks(execute=True):
        report = retention.retention_run(now=NOW)

    assert report.accounts_anonymised == 2
    for key in ("due", "talent"):
        user = User.objects.get(pk=(scene[key] if key == "due" else scene[key].user).pk)
        assert user.username == f"deleted-{user.pk}"
        assert (user.email, user.display_name, user.phone) == ("", "", "")
        assert not user.has_usable_password() and not user.is_active
        assert user.anonymised_at is not None
    # the talent profile is erased, the decided application and its timeline stay
    talent = Talent.objects.get(pk=scene["talent"].pk)
    assert (talent.name, talent.phone, talent.deleted_at is not None) == ("", "", True)
    decided = ServiceApplication.objects.get(pk=scene["decided"].pk)
    assert decided.applicant_id == talent.user_id and decided.status == ApplicationStatus.APPROVED
    # nobody else changed; deactivated accounts without a date start their period now
    for user in untouched:
        user.refresh_from_db()
        assert (user.username, user.email) == before[user.pk]
        assert user.anonymised_at is None
    assert User.objects.get(pk=scene["unstamped"].pk).closed_at == NOW
    assert User.objects.get(pk=scene["inactive_staff"].pk).closed_at == NOW


def test_the_run_is_idempotent(scene, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        retention.retention_run(now=NOW)
        again = retention.retention_run(now=NOW)
    assert again.accounts_anonymised == again.drafts_purged == again.orphan_files_deleted == 0


def test_only_expired_drafts_are_purged_with_their_files(scene, django_capture_on_commit_callbacks):
    expired, document = scene["expired_draft"], scene["expired_document"]
    assert default_storage.exists(document.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        report = retention.retention_run(now=NOW)

    assert report.drafts_purged == 1
    assert not ServiceApplication.objects.filter(pk=expired.pk).exists()
    assert not ApplicationDocument.objects.filter(pk=document.pk).exists()
    assert not ApplicationEvent.objects.filter(reference=expired.reference).exists()
    assert not default_storage.exists(document.file.name)
    # a draft touched within the period and an old submitted application stay
    assert ServiceApplication.objects.filter(pk=scene["fresh_draft"].pk).exists()
    assert ServiceApplication.objects.filter(pk=scene["old_submitted"].pk).exists()
    fresh_documents = ApplicationDocument.objects.filter(reference=scene["fresh_draft"].reference)
    assert all(default_storage.exists(d.file.name) for d in fresh_documents)


def test_orphaned_uploads_are_deleted_after_the_grace_period(
    scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = retention.retention_run(now=NOW)
    assert report.orphan_files_deleted == 1
    assert not default_storage.exists(scene["orphan"])
    assert default_storage.exists(scene["new_orphan"])  # may belong to an upload in progress
    kept = ApplicationDocument.objects.get(reference=scene["fresh_draft"].reference)
    assert default_storage.exists(kept.file.name)


def test_the_security_log_is_purged_no_shorter_than_six_months(scene, monkeypatch, settings):
    calls = []

    class FakeLog:
        @staticmethod
        def purge_older_than(days):
            calls.append(days)
            return 7

    monkeypatch.setattr(retention, "_security_log", lambda: FakeLog)
    settings.RETENTION = {**settings.RETENTION, "SECURITY_LOG_DAYS": 30}
    assert retention.retention_run(now=NOW).security_events_purged == 7
    assert calls == [retention.SECURITY_LOG_MIN_DAYS]


def test_the_daily_task_runs_the_same_service(scene, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    result = tasks.retention_daily.enqueue()
    assert result.return_value["accounts_anonymised"] == 2
    assert User.objects.get(pk=scene["due"].pk).anonymised_at is not None


@pytest.mark.django_db(transaction=True)  # the worker commits and reconnects, as in production
def test_enqueue_daily_queues_in_the_database_and_the_worker_runs_it(scene):
    call_command("enqueue_daily", stdout=StringIO())
    call_command("enqueue_daily", stdout=StringIO())  # the worker was down: no second copy
    queued = DBTaskResult.objects.get(task_path="talentportal.tasks.retention_daily")
    assert queued.status == "READY"

    call_command(
        "db_worker", batch=True, startup_delay=False, reload=False, verbosity=0, stdout=StringIO()
    )
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL", queued.traceback
    assert queued.return_value["accounts_anonymised"] == 2
    assert User.objects.get(pk=scene["due"].pk).anonymised_at is not None


def test_applications_of_an_anonymised_account_keep_no_person(settings):
    from apartments.models import ApartmentApplication
    from projects.models import ProgramApplication
    from tests.apartments.factories import ApplicationFactory
    from tests.projects.program_factories import ProgramApplicationFactory

    settings.RETENTION = {**retention.DEFAULTS, "CLOSED_ACCOUNT_DAYS": 30}
    user = closed_user(31)
    kept = UserFactory()
    apartment = ApplicationFactory(applicant=user, status=ApplicationStatus.APPROVED)
    other = ApplicationFactory(applicant=kept, status=ApplicationStatus.APPROVED)
    program = ProgramApplicationFactory(applicant=user, status=ApplicationStatus.REJECTED)
    service = ServiceApplicationFactory(
        applicant=user, status=ApplicationStatus.APPROVED, answers={"phone": "13800000000"}
    )

    retention.retention_run(now=NOW)

    apartment = ApartmentApplication.objects.get(pk=apartment.pk)
    assert (apartment.full_name, apartment.phone, apartment.employer) == ("", "", "")
    assert apartment.id_number == f"{apartment.pk:018d}"
    assert apartment.birth_date == datetime.date(1994, 1, 1)  # the year stays for statistics
    assert apartment.status == ApplicationStatus.APPROVED and apartment.applicant_id == user.pk
    program = ProgramApplication.objects.get(pk=program.pk)
    assert (program.full_name, program.employer, program.birth_year) == ("", "", 1985)
    assert ServiceApplication.objects.get(pk=service.pk).answers == {}
    # someone else's application is untouched
    untouched = ApartmentApplication.objects.get(pk=other.pk)
    assert (untouched.full_name, untouched.id_number) == (other.full_name, other.id_number)


def test_one_failing_account_does_not_stop_the_run(scene, monkeypatch):
    real = retention.account_anonymise

    def failing_for_the_first(user, **kwargs):
        if user.pk == scene["due"].pk:
            raise RuntimeError("storage unavailable")
        return real(user, **kwargs)

    monkeypatch.setattr(retention, "account_anonymise", failing_for_the_first)
    report = retention.retention_run(now=NOW)
    assert (report.errors, report.accounts_anonymised, report.drafts_purged) == (1, 1, 1)
    assert User.objects.get(pk=scene["due"].pk).anonymised_at is None  # tried again next run
    assert User.objects.get(pk=scene["talent"].user_id).anonymised_at is not None


def test_old_security_events_go_and_six_months_stay(settings):
    from talentportal.models import SecurityEvent

    settings.RETENTION = {**retention.DEFAULTS, "SECURITY_LOG_DAYS": 365}
    old = SecurityEvent.objects.create(at=days_ago(400), kind="login", outcome="success")
    recent = SecurityEvent.objects.create(at=days_ago(200), kind="login", outcome="success")

    dry = retention.retention_run(dry_run=True, now=NOW)
    assert dry.security_events_purged == 1 and SecurityEvent.objects.count() == 2
    report = retention.retention_run(now=NOW)
    assert report.security_events_purged == 1
    assert list(SecurityEvent.objects.filter(pk__in=[old.pk, recent.pk])) == [recent]
