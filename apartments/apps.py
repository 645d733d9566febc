from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApartmentsConfig(AppConfig):
    name = "apartments"
    verbose_name = _("Talent apartments")

    def ready(self):
        from apartments.models import Community, CommunityPhoto
        from talentportal import downloads

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
