from django.core.management.base import BaseCommand

from talentportal.tasks import DAILY


class Command(BaseCommand):
    help = (
        "Queue the daily background tasks (retention) for `manage.py db_worker`. "
        "Run once a day from cron: see docs/retention.md."
    )

    def handle(self, *args, **options):
        for daily_task in DAILY:
            result = daily_task.enqueue()
            self.stdout.write(f"Queued {daily_task.name}: {result.id}")
