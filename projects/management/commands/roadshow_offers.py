"""Expire the roadshow seat offers past their deadline, for cron or a systemd timer (hourly:
offers last hours, not days):

    python manage.py roadshow_offers

Each expired offer passes its seat to the next person on the waiting list, who is told. The
roadshow's page and every registration, claim or cancellation do the same for their event,
so a late run delays nobody who is using the site. Safe to run more than once and from
several hosts."""

from django.core.management.base import BaseCommand

from projects.roadshows.services import roadshow_offers_expire


class Command(BaseCommand):
    help = "Expire unclaimed roadshow seat offers; each seat passes to the next person waiting."

    def handle(self, *args, **options):
        expired = roadshow_offers_expire()
        self.stdout.write(f"{expired} seat offers expired.")
