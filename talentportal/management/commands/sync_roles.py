from django.core.management.base import BaseCommand

from talentportal.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Create the staff role groups (content editor, case officer, security auditor, system "
        "administrator) and set their permissions to those in talentportal/roles.py. Also run "
        "after every migrate."
    )

    def handle(self, *args, **options):
        for role, count in sync_roles().items():
            self.stdout.write(f"{role}: {count} permissions")
