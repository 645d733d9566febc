from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcosystemConfig(AppConfig):
    name = "ecosystem"
    verbose_name = _("Talent ecosystem")

    def ready(self):
        # The home page's alliance figures, as the alliance list counts them.
        from talentportal.home import register_home_figure

        register_home_figure("alliances", alliance_count)
        register_home_figure("alliance_members", alliance_member_count)


def alliance_count() -> int:
    from ecosystem.models import Alliance

    return Alliance.objects.published().count()


def alliance_member_count() -> int:
    """The members of the published alliances as their cards on the list add up: the declared
    number when an alliance reports one, else the members listed."""
    from ecosystem.models import Alliance

    return sum(
        Alliance.objects.published().with_member_count().values_list("member_count", flat=True)
    )
