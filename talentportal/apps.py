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

        # Third-party apps without a translated name show in the admin's language.
        from django.apps import apps

        for app_config in apps.get_app_configs():
            if app_config.label in THIRD_PARTY_APP_NAMES:
                app_config.verbose_name = THIRD_PARTY_APP_NAMES[app_config.label]


THIRD_PARTY_APP_NAMES = {
    "axes": _("Login attempts and lockouts"),
    "otp_totp": _("Authenticator apps (two-factor)"),
    "otp_static": _("Backup codes (two-factor)"),
}
