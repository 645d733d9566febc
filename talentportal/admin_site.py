from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class PortalAdminSite(admin.AdminSite):
    """The back office refuses a session that has not passed the second factor (django-otp),
    whatever else let it in; TwoFactorRequiredMiddleware sends such a user to the code step."""

    def has_permission(self, request):
        is_verified = getattr(request.user, "is_verified", None)
        return super().has_permission(request) and bool(is_verified and is_verified())

    def autocomplete_view(self, request):
        # A region-scoped admin's autocompletes offer only what lies in the user's scope.
        from talentportal.admin_base import ScopedAutocompleteJsonView

        return ScopedAutocompleteJsonView.as_view(admin_site=self)(request)


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with `admin.site` replaced by PortalAdminSite (INSTALLED_APPS)."""

    default_site = "talentportal.admin_site.PortalAdminSite"
