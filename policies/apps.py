from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self):
        from policies.models import (
            Benefit,
            Interpretation,
            Policy,
            PolicyAttachment,
            PolicyStatus,
            ServiceItem,
            ServiceMaterial,
        )
        from talentportal import downloads
        from talentportal.home import register_home_figure

        # The home page's figures, as the library counts them (every policy but drafts).
        register_home_figure(
            "policies", lambda: Policy.objects.exclude(status=PolicyStatus.DRAFT).count()
        )
        register_home_figure("services", lambda: ServiceItem.objects.published().count())
        register_home_figure(
            "interpretations",
            lambda: Interpretation.objects.exclude(policy__status=PolicyStatus.DRAFT).count(),
        )
        from talentportal.page_cache import invalidate_on_change

        # What the cached policy and service pages show (talentportal/page_cache.py).
        invalidate_on_change(
            Policy, PolicyAttachment, Benefit, Interpretation, ServiceItem, ServiceMaterial
        )

        # Attachments of a policy anyone may read are public; a draft's only for its editors.
        downloads.register(
            PolicyAttachment,
            "file",
            public=lambda attachment: attachment.policy.status != PolicyStatus.DRAFT,
            can_read=lambda user, attachment: (
                Policy.objects.visible_to(user).filter(pk=attachment.policy_id).exists()
            ),
            filename=lambda attachment: attachment.title,
            select_related=["policy"],
        )
