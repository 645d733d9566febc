from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from talentportal import downloads, health, views

admin.site.site_header = _("Talent Office Back Office")
admin.site.site_title = _("TalentPortal back office")
admin.site.index_title = _("Curate content, verify organisations and process applications")

urlpatterns = [
    # Outside the language prefixes; docs/operations.md. /healthz: one query (make bench).
    path("health/", health.health, name="health"),
    path("ready/", health.ready, name="ready"),
    path("healthz", views.healthz, name="healthz"),
    # Uploaded files, for whoever may read them (never from a public /media/ URL).
    path("files/<str:label>/<int:pk>/<str:field>/", downloads.download, name="download"),
]

urlpatterns += i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/", include("talentportal.accounts_urls")),
    path("me/", include("talentportal.me_urls")),
    path(
        "privacy/", TemplateView.as_view(template_name="talentportal/privacy.html"), name="privacy"
    ),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="talentportal/accessibility.html"),
        name="accessibility",
    ),
    path("", include("policies.urls")),
    path("", include("talents.urls")),
    path("", include("projects.urls")),
    path("", include("apartments.urls")),
    path("", include("ecosystem.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "talentportal.views.permission_denied"
handler404 = "talentportal.views.page_not_found"
handler500 = "talentportal.views.server_error"
