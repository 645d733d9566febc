from django.core.management.base import BaseCommand
from django_tasks_db.models import DBTaskResult

from talentportal.tasks import DAILY


class Command(BaseCommand):
    help = (
        "Queue the daily background tasks (retention) for `manage.py db_worker`. "
        "Run once a day from cron: see docs/retention.md."
    )

    def handle(self, *args, **options):
        for daily_task in DAILY:
            # While the worker is down, cron must not pile up a copy a day.
            waiting = DBTaskResult.objects.filter(
                task_path=daily_task.module_path, status="READY"
            ).first()
            if waiting is not None:
                self.stdout.write(f"{daily_task.name} is already queued: {waiting.id}")
                continue
            result = daily_task.enqueue()
            self.stdout.write(f"Queued {daily_task.name}: {result.id}")
