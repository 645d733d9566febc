"""The daily job of the apartments section, for cron or a systemd timer:

    python manage.py apartments_daily

expires the offers past their reply date (each unit passes to the next in order) and ends the
leases whose last day has passed. Safe to run more than once a day and from several hosts."""

from django.core.management.base import BaseCommand

from apartments.services import leases_expire, offers_expire


class Command(BaseCommand):
    help = "Expire overdue apartment offers (passing units on) and end leases that ran out."

    def handle(self, *args, **options):
        offers = offers_expire()
        leases = leases_expire()
        self.stdout.write(f"{offers} offers expired, {leases} leases ended.")
