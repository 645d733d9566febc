from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentportalConfig(AppConfig):
    name = "talentportal"
    verbose_name = _("Core")

    def ready(self):
        # Signal receivers of the two-factor steps.
        from talentportal import otp  # noqa: F401

        # The region, industry and discipline names that cached public pages show.
        from talentportal.models import Discipline, Industry, Region
        from talentportal.page_cache import invalidate_on_change

        invalidate_on_change(Region, Industry, Discipline)
