"""The back office of the policy library: policies with their benefits, interpretations and
attachments; bulk import and export; the audit trail; freshness (stale reviews, dead links).

Region-scoped staff (User.staff_region) see, add and change only the policies of their region
and the regions below it (`policies.permissions`). Status changes are actions that call the
domain services (publishing tells followers); benefit changes go through `benefit_update()`
(version and changed-result notifications), also when made in the inline.

Imported by `policies.admin`, so that the admin registers it.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from import_export.admin import ImportExportMixin
from import_export.tmp_storages import MediaStorage

from policies import permissions
from policies.admin.imports import SpreadsheetImportMixin
from policies.audit import BenefitEvent, PolicyEvent
from policies.models import (
    POLICY_TEXT_FIELDS,
    Benefit,
    Category,
    Interpretation,
    Policy,
    PolicyAttachment,
    PolicyStatus,
)
from policies.resources import BenefitResource, InterpretationResource, PolicyResource
from policies.services import (
    benefit_update,
    policy_expire,
    policy_publish,
    policy_repeal,
    policy_review,
)
from talentportal.admin_actions import action_form, action_page, apply_each
from talentportal.admin_base import RegionScopedAdmin
from talentportal.models import Region, RegionLevel, User
from talentportal.ratelimit import RateLimitedExportMixin
from talentportal.search import parse_query

STALE_AFTER_DAYS = 365


# List filters ---------------------------------------------------------------------------


class RegionFilter(admin.SimpleListFilter):
    """A province or city (with everything below it), among those the user may see."""

    title = _("region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        scope = permissions.region_scope(request.user)
        regions = Region.objects.filter(level__lte=RegionLevel.CITY)
        if scope is not None:
            regions = regions.within(scope)
        return [
            (region.code, ("– " if region.level == RegionLevel.CITY else "") + region.name)
            for region in regions.order_by("code")
        ]

    def queryset(self, request, queryset):
        code = self.value()
        if not code:
            return queryset
        region = Region.objects.filter(code=code).first()
        if region is None:
            return queryset.none()
        return queryset.filter(**{f"{self.region_path}code__startswith": region.code_prefix})

    region_path = "region__"


class CategoryFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return Category.choices

    def queryset(self, request, queryset):
        if self.value() in Category.values:
            return queryset.filter(categories__contains=[self.value()])
        return queryset


class ReviewFilter(admin.SimpleListFilter):
    """Published policies nobody has reviewed for twelve months (`PolicyQuerySet.stale`)."""

    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("stale", _("Not reviewed for 12 months")),
            ("recent", _("Reviewed in the last 12 months")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "stale":
            return queryset.stale(today)
        if self.value() == "recent":
            return queryset.filter(
                last_reviewed_on__gte=today - datetime.timedelta(days=STALE_AFTER_DAYS)
            )
        return queryset


class SourceLinkFilter(admin.SimpleListFilter):
    """What `manage.py check_policy_links` found at the source link."""

    title = _("source link")
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [
            ("dead", _("Dead: did not answer")),
            ("ok", _("Answers")),
            ("unchecked", _("Not checked yet")),
            ("none", _("No source link")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "dead":
            return queryset.broken_source()
        if value == "ok":
            return queryset.filter(source_ok=True)
        if value == "unchecked":
            return queryset.exclude(source_url="").filter(source_ok__isnull=True)
        if value == "none":
            return queryset.filter(source_url="")
        return queryset


# Forms and inlines ----------------------------------------------------------------------


def checkboxes(model, name: str) -> forms.MultipleChoiceField:
    """An array of choices as checkboxes rather than comma-separated codes."""
    field = model._meta.get_field(name)
    return forms.MultipleChoiceField(
        label=field.verbose_name,
        choices=field.base_field.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=field.help_text,
    )


class ScopedFormMixin:
    """Forms that know the staff member's region scope (set by the admin's get_form)."""

    scope_user = None


class PolicyAdminForm(ScopedFormMixin, forms.ModelForm):
    categories = checkboxes(Policy, "categories")
    talent_groups = checkboxes(Policy, "talent_groups")

    class Meta:
        model = Policy
        # The admin's fieldsets decide the fields; these are the ones declared here.
        fields = ["region", "categories", "talent_groups"]

    def clean_region(self):
        region = self.cleaned_data.get("region")
        if region is not None and not permissions.may_edit_region(self.scope_user, region):
            raise ValidationError(
                _("You may only add or change policies of your region and the regions below it."),
                code="out_of_scope",
            )
        return region


class BenefitForm(forms.ModelForm):
    tiers = checkboxes(Benefit, "tiers")
    enterprise_types = checkboxes(Benefit, "enterprise_types")
    talent_categories = checkboxes(Benefit, "talent_categories")

    class Meta:
        model = Benefit
        # The admin's fieldsets decide the fields; these are the ones declared here.
        fields = ["tiers", "enterprise_types", "talent_categories"]


BENEFIT_FIELDSETS = [
    (
        None,
        {"fields": ["kind", ("title_zh", "title_en"), ("description_zh", "description_en")]},
    ),
    (
        _("Amount"),
        {"fields": [("amount_min", "amount_max"), ("period", "period_count")]},
    ),
    (
        _("Who qualifies"),
        {
            "fields": [
                ("min_degree", "max_age", "max_years_since_graduation"),
                "tiers",
                "overseas_required",
                "industries",
                ("must_work_in_region", "must_live_in_region"),
                "enterprise_types",
                "talent_categories",
                "competitive",
            ]
        },
    ),
    (_("Applying"), {"fields": ["service"]}),
    (None, {"fields": [("position", "version", "updated_at")]}),
]


class BenefitInline(admin.StackedInline):
    model = Benefit
    form = BenefitForm
    extra = 0
    autocomplete_fields = ["industries", "service"]
    readonly_fields = ["version", "updated_at"]
    fieldsets = BENEFIT_FIELDSETS


class InterpretationInline(admin.StackedInline):
    model = Interpretation
    extra = 0
    fields = ["kind", ("question_zh", "question_en"), ("answer_zh", "answer_en"), "position"]


class AttachmentInline(admin.TabularInline):
    model = PolicyAttachment
    extra = 0
    fields = ["title", "file", "position", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


class RepealForm(forms.Form):
    replaced_by = forms.IntegerField(
        label=_("Number (id) of the policy that replaces them"),
        required=False,
        min_value=1,
        help_text=_("Optional. Leave empty if nothing replaces them."),
    )


# Policies -------------------------------------------------------------------------------


class PolicyChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*POLICY_TEXT_FIELDS)


class BenefitChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        return (
            super()
            .get_queryset(request, exclude_parameters)
            .defer(*(f"policy__{name}" for name in POLICY_TEXT_FIELDS))
        )


@admin.register(Policy)
class PolicyAdmin(
    RateLimitedExportMixin, SpreadsheetImportMixin, ImportExportMixin, RegionScopedAdmin
):
    form = PolicyAdminForm
    resource_classes = [PolicyResource]
    tmp_storage_class = MediaStorage
    list_display = [
        "title_zh",
        "region",
        "level",
        "status",
        "issued_on",
        "is_major",
        "reviewed",
        "source_link",
    ]
    list_display_links = ["title_zh"]
    list_filter = [
        "status",
        ("region__level", admin.ChoicesFieldListFilter),
        RegionFilter,
        CategoryFilter,
        "is_major",
        ReviewFilter,
        SourceLinkFilter,
    ]
    list_select_related = ["region"]
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["title_zh", "title_en", "document_number"]
    search_help_text = _(
        "Full-text search of titles, summaries and texts in Chinese and English, or a "
        "document number or policy number."
    )
    date_hierarchy = "issued_on"
    autocomplete_fields = ["region", "industries", "replaced_by"]
    readonly_fields = [
        "status",
        "replaced_by",
        "created_at",
        "updated_at",
        "source_checked_at",
        "source_ok",
        "public_page",
    ]
    inlines = [BenefitInline, InterpretationInline, AttachmentInline]
    actions = ["publish", "mark_reviewed", "expire", "repeal"]
    object_history_template = "policies/admin/policy_history.html"
    fieldsets = [
        (None, {"fields": [("title_zh", "title_en"), ("summary_zh", "summary_en")]}),
        (_("Full text"), {"fields": ["body_zh", "body_en"], "classes": ["collapse"]}),
        (
            _("Issued"),
            {
                "fields": [
                    ("authority_zh", "authority_en"),
                    "document_number",
                    "region",
                    ("issued_on", "effective_on", "expires_on"),
                ]
            },
        ),
        (
            _("Classification"),
            {"fields": ["categories", "talent_groups", "industries", "is_major"]},
        ),
        (
            _("Status and freshness"),
            {
                "fields": [
                    ("status", "replaced_by"),
                    "public_page",
                    "source_url",
                    ("source_ok", "source_checked_at"),
                    "last_reviewed_on",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    # Scope ------------------------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"scope_user": request.user})

    def get_autocomplete_fields(self, request):
        # The region autocomplete lists every region; a scoped staff member gets a plain
        # <select> of their own regions instead (the form checks the choice either way).
        fields = list(super().get_autocomplete_fields(request))
        if permissions.region_scope(request.user) is not None:
            fields.remove("region")
        return fields

    def save_formset(self, request, form, formset, change):
        if formset.model is not Benefit:
            return super().save_formset(request, form, formset, change)
        # New and deleted benefits are saved as usual; a changed one goes through
        # benefit_update(), which versions it and tells the talents whose result changes.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        told = 0
        for inline_form in formset.forms:
            instance = inline_form.instance
            if formset.can_delete and formset._should_delete_form(inline_form):
                if instance.pk is not None:
                    instance.delete()
                    formset.deleted_objects.append(instance)
                continue
            if not inline_form.has_changed():
                continue
            if instance.pk is None:
                benefit = inline_form.save(commit=False)
                benefit.policy = form.instance
                benefit.save()
                inline_form.save_m2m()
                formset.new_objects.append(benefit)
                continue
            changes = {
                name: inline_form.cleaned_data[name]
                for name in inline_form.changed_data
                if name in inline_form.cleaned_data and name not in ("id", "policy")
            }
            benefit = Benefit.objects.select_related("policy").get(pk=instance.pk)
            told += len(benefit_update(benefit=benefit, by=request.user, **changes))
            formset.changed_objects.append((benefit, inline_form.changed_data))
        if told:
            self.message_user(
                request,
                ngettext(
                    "%(count)d talent was told how the change affects them.",
                    "%(count)d talents were told how the change affects them.",
                    told,
                )
                % {"count": told},
                messages.INFO,
            )

    # Search -----------------------------------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        """Full-text search of titles, summaries, benefits, Q&A, texts and document numbers
        (the GIN-indexed vector, with the public search's sub-words, synonyms and English
        stems), or a policy's number; never a table scan with LIKE."""
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q(pk__in=[])
        parsed = parse_query(term)
        if parsed is not None:
            condition |= Q(search_vector=parsed.full)
        if term.isdigit() and len(term) < 19:
            condition |= Q(pk=int(term))
        return queryset.filter(condition), False

    def get_changelist(self, request, **kwargs):
        return PolicyChangeList

    # Display ----------------------------------------------------------------------------

    @admin.display(description=_("level"), ordering="region__level")
    def level(self, obj):
        return RegionLevel(obj.region.level).label

    @admin.display(description=_("last reviewed"), ordering="last_reviewed_on")
    def reviewed(self, obj):
        if obj.last_reviewed_on is None:
            return format_html('<span class="policy-admin-stale">{}</span>', _("never"))
        stale = obj.last_reviewed_on < timezone.localdate() - datetime.timedelta(
            days=STALE_AFTER_DAYS
        )
        if stale:
            return format_html(
                '<span class="policy-admin-stale">{} ({})</span>',
                obj.last_reviewed_on.isoformat(),
                _("stale"),
            )
        return obj.last_reviewed_on.isoformat()

    @admin.display(description=_("source link"), ordering="source_ok")
    def source_link(self, obj):
        if not obj.source_url:
            return "—"
        if obj.source_ok is False:
            return format_html("<strong>{}</strong>", _("dead"))
        if obj.source_ok is None:
            return _("not checked")
        return _("answers")

    @admin.display(description=_("public page"))
    def public_page(self, obj):
        if obj.pk is None or obj.status == PolicyStatus.DRAFT:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    # Actions ----------------------------------------------------------------------------

    def _run(self, request, queryset, change, done, **kwargs):
        """Apply the service `change` to each selected policy; `done` says how many were
        changed (a text with `%(count)d`)."""
        apply_each(
            self,
            request,
            queryset.select_related("region"),
            lambda policy: change(policy=policy, by=request.user, **kwargs),
            done=done,
            label=lambda policy: policy.title_zh,
            level=messages.WARNING,
        )

    @admin.action(description=_("Publish the selected policies (tells their followers)"))
    def publish(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d policy published.", "%(count)d policies published.", "count"
        )
        self._run(request, queryset, policy_publish, done)

    @admin.action(description=_("Mark the selected policies as reviewed today (still current)"))
    def mark_reviewed(self, request, queryset):
        done = ngettext_lazy(
            "%(count)d policy marked as reviewed today.",
            "%(count)d policies marked as reviewed today.",
            "count",
        )
        self._run(request, queryset, policy_review, done)

    @admin.action(description=_("Mark the selected policies as expired"))
    def expire(self, request, queryset):
        done = ngettext_lazy("%(count)d policy expired.", "%(count)d policies expired.", "count")
        self._run(request, queryset, policy_expire, done)

    @admin.action(description=_("Repeal the selected policies…"))
    def repeal(self, request, queryset):
        """A confirmation page asks which policy, if any, replaces them."""
        form = action_form(request, RepealForm)
        if form.is_valid():
            replaced_by = None
            number = form.cleaned_data["replaced_by"]
            if number:
                replaced_by = (
                    Policy.objects.exclude(status=PolicyStatus.DRAFT).filter(pk=number).first()
                )
                if replaced_by is None:
                    form.add_error(
                        "replaced_by", _("There is no published policy with this number.")
                    )
            if not form.errors:
                done = ngettext_lazy(
                    "%(count)d policy repealed.", "%(count)d policies repealed.", "count"
                )
                self._run(request, queryset, policy_repeal, done, replaced_by=replaced_by)
                return None
        return action_page(
            self,
            request,
            queryset.select_related("region"),
            action="repeal",
            form=form,
            title=_("Repeal policies"),
            intro=_(
                "These policies will be marked as repealed. They stay readable on the site, "
                "with a notice that they no longer apply and a link to the policy that "
                "replaces them."
            ),
            template="policies/admin/repeal.html",
        )

    # Import and export --------------------------------------------------------------------

    def has_import_permission(self, request):
        return request.user.has_perm("policies.add_policy") and request.user.has_perm(
            "policies.change_policy"
        )

    def add_success_message(self, result, request):
        super().add_success_message(result, request)
        if getattr(result, "summary", {}).get("new"):
            messages.warning(
                request,
                format_html(
                    '{} <a href="{}?status__exact={}">{}</a>',
                    _(
                        "Imported policies are drafts: nobody sees them on the site until "
                        "they are published."
                    ),
                    reverse("admin:policies_policy_changelist"),
                    PolicyStatus.DRAFT,
                    _(
                        "Review the drafts and publish them "
                        "(action “Publish the selected policies”)."
                    ),
                ),
            )

    def has_export_permission(self, request):
        return request.user.has_perm("policies.view_policy")

    # History ----------------------------------------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        """The audit trail (database triggers): every change to the policy and its benefits,
        who made it and from where, newest first."""
        policy = self.get_object(request, admin.utils.unquote(object_id))
        if policy is None or not self.has_view_or_change_permission(request, policy):
            return super().history_view(request, object_id, extra_context)
        return super().history_view(
            request,
            object_id,
            {**(extra_context or {}), "audit_events": audit_events(policy)},
        )


def _diff(previous: dict | None, current: dict, fields: list[str]) -> list[tuple]:
    if previous is None:
        return []
    return [
        (name, previous.get(name), current.get(name))
        for name in fields
        if previous.get(name) != current.get(name)
    ]


def audit_events(policy, limit: int = 200) -> list[dict]:
    """The policy's and its benefits' events with who, when, what changed: three queries."""
    policy_fields = [
        f.name for f in PolicyEvent._meta.fields if not f.name.startswith("pgh_") and f.name != "id"
    ]
    benefit_fields = [
        f.name
        for f in BenefitEvent._meta.fields
        if not f.name.startswith("pgh_") and f.name != "id"
    ]
    rows = []
    for model, filters, fields, kind in (
        (PolicyEvent, {"pgh_obj_id": policy.pk}, policy_fields, "policy"),
        (BenefitEvent, {"policy_id": policy.pk}, benefit_fields, "benefit"),
    ):
        events = list(
            model.objects.filter(**filters)
            .select_related("pgh_context")
            .order_by("pgh_obj_id", "pgh_created_at", "pgh_id")
        )
        previous_by_obj: dict = {}
        for event in events:
            data = {name: getattr(event, model._meta.get_field(name).attname) for name in fields}
            context = event.pgh_context.metadata if event.pgh_context_id else {}
            rows.append(
                {
                    "at": event.pgh_created_at,
                    "label": event.pgh_label,
                    "kind": kind,
                    "kind_label": _("policy") if kind == "policy" else _("benefit"),
                    "object_id": event.pgh_obj_id,
                    "title": data.get("title_zh", ""),
                    "user_id": context.get("user"),
                    "url": context.get("url", ""),
                    "changes": _diff(previous_by_obj.get(event.pgh_obj_id), data, fields),
                }
            )
            previous_by_obj[event.pgh_obj_id] = data
    rows.sort(key=lambda row: row["at"], reverse=True)
    rows = rows[:limit]
    users = User.objects.in_bulk({row["user_id"] for row in rows if row["user_id"]})
    for row in rows:
        row["user"] = users.get(row["user_id"])
    return rows


# Benefits (their own list, for import and export and cross-policy review) ------------------


@admin.register(Benefit)
class BenefitAdmin(
    RateLimitedExportMixin, SpreadsheetImportMixin, ImportExportMixin, RegionScopedAdmin
):
    region_field = "policy__region"
    form = BenefitForm
    resource_classes = [BenefitResource]
    tmp_storage_class = MediaStorage
    list_display = ["title_zh", "kind", "policy", "amount_max", "period", "min_degree", "version"]
    list_filter = ["kind", "period", "min_degree", "overseas_required", "competitive"]
    list_select_related = ["policy"]
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["title_zh", "title_en", "policy__document_number"]
    autocomplete_fields = ["policy", "industries", "service"]
    readonly_fields = ["version", "updated_at"]
    fieldsets = [(None, {"fields": ["policy"]}), *BENEFIT_FIELDSETS]
    ordering = ["-pk"]  # the primary key's index; the model's order would sort every row

    def get_changelist(self, request, **kwargs):
        return BenefitChangeList

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("policy")

    def save_model(self, request, obj, form, change):
        self.ensure_in_scope(request, obj)
        if not change:
            return super().save_model(request, obj, form, change)
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in form.cleaned_data and name not in ("policy",)
        }
        benefit_update(benefit=Benefit.objects.get(pk=obj.pk), by=request.user, **changes)

    def save_related(self, request, form, formsets, change):
        if change:
            # industries went through benefit_update() with the other changes
            form.save_m2m = lambda: None
        super().save_related(request, form, formsets, change)

    def has_import_permission(self, request):
        return request.user.has_perm("policies.add_benefit") and request.user.has_perm(
            "policies.change_benefit"
        )

    def has_export_permission(self, request):
        return request.user.has_perm("policies.view_benefit")


# Interpretations (their own list, for import and export) ---------------------------------


@admin.register(Interpretation)
class InterpretationAdmin(
    RateLimitedExportMixin, SpreadsheetImportMixin, ImportExportMixin, RegionScopedAdmin
):
    region_field = "policy__region"
    resource_classes = [InterpretationResource]
    tmp_storage_class = MediaStorage
    list_display = ["question_zh", "kind", "policy", "position"]
    list_filter = ["kind"]
    list_select_related = ["policy"]
    list_per_page = 50
    show_full_result_count = False
    search_fields = ["question_zh", "question_en", "policy__document_number"]
    autocomplete_fields = ["policy"]
    fields = [
        "policy",
        "kind",
        ("question_zh", "question_en"),
        ("answer_zh", "answer_en"),
        "position",
    ]
    ordering = ["-pk"]

    def has_import_permission(self, request):
        return request.user.has_perm("policies.add_interpretation") and request.user.has_perm(
            "policies.change_interpretation"
        )

    def has_export_permission(self, request):
        return request.user.has_perm("policies.view_interpretation")
