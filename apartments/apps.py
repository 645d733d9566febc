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
