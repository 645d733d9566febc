from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentportalConfig(AppConfig):
    name = "talentportal"
    verbose_name = _("Core")

    def ready(self):
        # Signal receivers of the two-factor steps.
        from talentportal import otp  # noqa: F401
