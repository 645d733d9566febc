from django.core.management.base import BaseCommand

from talentportal.retention import period, retention_run

LABELS = {
    "accounts_closed": "accounts newly seen closed (their period starts)",
    "accounts_anonymised": "closed accounts anonymised (after {CLOSED_ACCOUNT_DAYS} days)",
    "drafts_purged": "draft applications purged (untouched {DRAFT_DAYS} days)",
    "drafts_kept": "expired drafts kept (other rows refer to them)",
    "files_deleted": "files of anonymised accounts and purged drafts deleted",
    "orphan_files_deleted": "orphaned uploads deleted (older than {ORPHAN_UPLOAD_DAYS} days)",
    "security_events_purged": "security events purged (older than {SECURITY_LOG_DAYS} days)",
    "errors": "failures (logged; retried by the next run)",
}


class Command(BaseCommand):
    help = (
        "Apply the retention schedule (settings.RETENTION, docs/retention.md): anonymise "
        "closed accounts, purge expired drafts and orphaned uploads, purge old security events."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be done; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        report = retention_run(dry_run=dry_run)
        periods = {name: period(name) for name in _period_names()}
        self.stdout.write("Dry run: nothing was changed." if dry_run else "Retention run done.")
        for key, value in report.as_dict().items():
            if value is None:
                value = "no security log installed"
            self.stdout.write(f"  {LABELS[key].format(**periods)}: {value}")


def _period_names():
    return ("CLOSED_ACCOUNT_DAYS", "DRAFT_DAYS", "ORPHAN_UPLOAD_DAYS", "SECURITY_LOG_DAYS")
