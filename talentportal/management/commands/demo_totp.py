"""`manage.py demo_totp`: the current two-factor code of the demo staff account.

It computes the code from the fixed, published demo key (talentportal.demo.DEMO_TOTP_KEY), not
from the database: it gives nothing for any real account.
"""

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP

from talentportal.demo import DEMO_TOTP_KEY, DEMO_TOTP_USERNAME


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo staff account (demo key only)."

    def handle(self, *args, **options):
        totp = TOTP(DEMO_TOTP_KEY)
        seconds_left = totp.step - int(totp.time - totp.t0) % totp.step
        self.stdout.write(
            f"{totp.token():06d}  ({DEMO_TOTP_USERNAME}; valid for {seconds_left} more seconds)"
        )
