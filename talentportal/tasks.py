"""Background tasks (Django's Tasks framework, stored by django-tasks-db).

`manage.py enqueue_daily` (from cron, once a day) puts the daily tasks in the queue;
`manage.py db_worker` runs them. See docs/retention.md."""

from django.tasks import task

from talentportal.retention import retention_run


@task
def retention_daily() -> dict:
    """The retention schedule: the same service as `manage.py retention`."""
    return retention_run().as_dict()


DAILY = [retention_daily]
