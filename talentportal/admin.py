from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from pghistory.admin import EventsAdmin
from pghistory.admin.core import EventModelFilter
from pghistory.models import Events

from talentportal import roles
from talentportal.admin_base import ReadOnlyAdminMixin
from talentportal.models import (
    SYNONYM_SEPARATORS,
    Discipline,
    DocumentAccess,
    Industry,
    Notification,
    Region,
    SearchSynonym,
    SecurityEvent,
    User,
)


class RoleFilter(admin.SimpleListFilter):
    """Staff by role (group), each named in the reader's language."""

    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        groups = Group.objects.order_by("name").values_list("pk", "name")
        return sorted(((pk, roles.role_label(name)) for pk, name in groups), key=lambda c: c[1])

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        # A string from the query string; the group's pk itself when the admin counts the
        # facets (?_facets), which applies each lookup in turn.
        value = str(value)
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(groups=int(value))


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "display_name",
        "email",
        "kind",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = [
        "kind",
        "is_staff",
        RoleFilter,
        "is_superuser",
        "is_active",
        "awaiting_confirmation",
        "preferred_language",
    ]
    search_fields = ["username", "email", "display_name"]
    readonly_fields = ["last_login", "date_joined", "awaiting_confirmation"]
    autocomplete_fields = ["staff_region"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Personal info"),
            {"fields": ["display_name", "first_name", "last_name", "email", "phone"]},
        ),
        (_("Portal"), {"fields": ["kind", "preferred_language", "staff_region"]}),
        (
            _("Permissions"),
            {
                "fields": [
                    "is_active",
                    "awaiting_confirmation",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "email", "kind", "password1", "password2"],
            },
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and formfield is not None:
            formfield.label_from_instance = lambda group: roles.role_label(group.name)
        return formfield


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Roles: shown by their label in the reader's language. A role's name is its key in
    talentportal/roles.py (`sync_roles` finds the group by it), so it cannot be renamed here."""

    list_display = ["label"]

    @admin.display(description=_("role"), ordering="name")
    def label(self, obj):
        return roles.role_label(obj.name)

    @staticmethod
    def _is_role(obj) -> bool:
        return obj is not None and obj.name in roles.ROLES

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "label"] if self._is_role(obj) else fields

    def get_fields(self, request, obj=None):
        if self._is_role(obj):
            return ["label", "permissions"]
        return super().get_fields(request, obj)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "kind", "position", "is_active"]
    list_filter = ["kind", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(Discipline)
class DisciplineAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "level", "parent"]
    list_filter = ["level", "parent"]
    search_fields = ["code", "name_zh", "name_en"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


class SynonymListField(forms.CharField):
    """Synonyms typed in one box, separated by commas (either width), 、, semicolons or new
    lines."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        return [part.strip() for part in SYNONYM_SEPARATORS.split(value or "") if part.strip()]


class SearchSynonymForm(forms.ModelForm):
    alternatives = SynonymListField(
        label=_("synonyms and narrower terms"),
        help_text=_("Separated by commas or on separate lines, e.g. 人才公寓, talent apartment."),
    )

    class Meta:
        model = SearchSynonym
        fields = ["term", "alternatives", "mutual", "language", "note"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """The search thesaurus. A change is used by the next search: nothing is re-indexed."""

    form = SearchSynonymForm
    list_display = ["term", "synonyms", "mutual", "language", "updated_at"]
    list_filter = ["mutual", "language"]
    search_fields = ["term", "note"]
    readonly_fields = ["updated_at"]

    @admin.display(description=_("synonyms and narrower terms"))
    def synonyms(self, obj):
        return ", ".join(obj.alternatives)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "created_at", "read_at"]
    list_filter = ["created_at"]
    search_fields = ["subject", "recipient__username", "recipient__email"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = ["recipient", "subject", "body", "url", "created_at", "read_at"]

    def has_add_permission(self, request):
        return False


@admin.register(DocumentAccess)
class DocumentAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The access trail of application documents, read-only."""

    list_display = ["at", "reference", "label", "viewer"]
    list_filter = ["at"]
    search_fields = ["=reference"]
    list_select_related = ["viewer"]
    show_full_result_count = False
    fields = ["at", "reference", "label", "document", "viewer"]
    readonly_fields = fields


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The security event log, read-only: the security auditor's and the administrator's."""

    list_display = ["at", "kind", "outcome", "username", "ip", "path", "detail"]
    list_filter = ["kind", "outcome", "at"]
    search_fields = ["^username", "ip"]
    # A date filter rather than date_hierarchy: no scan for the distinct dates of a big log.
    show_full_result_count = False
    fields = ["at", "kind", "outcome", "user", "username", "ip", "path", "detail"]
    readonly_fields = fields


class KnownEventModelFilter(EventModelFilter):
    """pghistory's "event model" filter, with a value that names no event model ignored
    (pghistory looks it up with apps.get_model, which raised ValueError: a 500)."""

    def value(self):
        value = super().value()
        return value if value in {label for label, _name in self.lookup_choices} else None


@admin.register(Events)
class AuditTrailAdmin(EventsAdmin):
    """The audit trail of content and applications (django-pghistory's triggers), across every
    tracked model, read-only: the security auditor's and the administrator's
    (`pghistory.view_events`). The per-model event tables also refuse changes in the database."""

    change_list_template = "admin/change_list.html"
    list_display = ["pgh_created_at", "pgh_label", "pgh_obj_model", "pgh_obj_id", "who", "pgh_diff"]
    show_full_result_count = False
    # No facet counts: they would count a large union of event tables per filter, and
    # pghistory's changelist refuses the argument the admin passes for them (a 500 on ?_facets).
    show_facets = admin.ShowFacets.NEVER

    def get_list_filter(self, request):
        return [
            KnownEventModelFilter if list_filter is EventModelFilter else list_filter
            for list_filter in super().get_list_filter(request)
        ]

    @admin.display(description=_("by"))
    def who(self, obj):
        # The request's user id and URL (pghistory's middleware), or a command's name.
        context = obj.pgh_context or {}
        return context.get("user") or context.get("command") or ""
