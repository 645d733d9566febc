from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from talentportal.page_cache import content_changed


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

    def admin_view(self, view, cacheable=False):
        """Every back-office view. A POST (a save, a delete, a bulk action, an import) may have
        changed what visitors see: the cached pages are out of date once it has run, whether it
        wrote through models (signals) or through QuerySet.update() (none)."""
        wrapped = super().admin_view(view, cacheable)

        def view_then_invalidate(request, *args, **kwargs):
            try:
                return wrapped(request, *args, **kwargs)
            finally:
                # Staff only: a refused POST (no permission, no CSRF token) changed nothing.
                if request.method == "POST" and self.has_permission(request):
                    content_changed()

        return update_wrapper(view_then_invalidate, wrapped)


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with `admin.site` replaced by PortalAdminSite (INSTALLED_APPS)."""

    default_site = "talentportal.admin_site.PortalAdminSite"
