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

        # Enterprise administrators (who add members and see candidates' contact details)
        # must use two-factor authentication like staff (talentportal.otp).
        from talentportal.otp import register_two_factor_requirement

        register_two_factor_requirement(enterprise_admin)

        # The home page's "registered talents", as the statistics dashboard counts them.
        from talentportal.home import register_home_figure
        from talents.models import Talent

        register_home_figure("talents", lambda: Talent.objects.active().count())


def enterprise_admin(user) -> bool:
    from talents.models import MemberRole

    return user.kind == "enterprise" and (
        user.enterprise_memberships.filter(role=MemberRole.ADMIN).exists()
    )
