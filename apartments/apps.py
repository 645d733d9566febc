from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApartmentsConfig(AppConfig):
    name = "apartments"
    verbose_name = _("Talent apartments")

    def ready(self):
        from apartments.models import AllocationRound, Community, CommunityPhoto, RentRule, Unit
        from talentportal import downloads
        from talentportal.page_cache import invalidate_on_change

        # What the cached community pages show (talentportal/page_cache.py).
        invalidate_on_change(Community, CommunityPhoto, RentRule, Unit, AllocationRound)

        # The home page's figures, as the community list shows them.
        from talentportal.home import register_home_figure

        register_home_figure("communities", lambda: Community.objects.published().count())
        register_home_figure(
            "apartments", lambda: Unit.objects.filter(community__is_published=True).count()
        )

        # Photos of a published community are public; others only for its region's staff.
        downloads.register(
            CommunityPhoto,
            "image",
            public=lambda photo: photo.community.is_published,
            can_read=lambda user, photo: (
                Community.objects.visible_to(user).filter(pk=photo.community_id).exists()
            ),
            select_related=["community"],
        )
