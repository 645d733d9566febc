from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentsConfig(AppConfig):
    name = "talents"
    verbose_name = _("Talent library")

    def ready(self):
        # The retention run (talentportal, a layer below) erases a closed account's profile
        # through the same function as a talent's own deletion.
        from talentportal.retention import register_account_eraser
        from talents.services import talent_delete

        register_account_eraser(talent_delete)
