"""The back office of the talent apartments.

- **Communities** with their rent rules and photos inline; the units (hundreds per community)
  are a link to the unit list filtered to the community, not an inline. A vacancy report.
- **Units**: filters, search, bulk status actions, import and export as CSV or XLSX
  (django-import-export; `UnitResource`).
- **Allocation rounds**: the steps of a round as buttons on its page — add units, open
  (commit to a seed, shown once), close, decide, freeze, draw (reveal the seed), allocation
  preview then commit, finish — each calling `apartments.services`.
- **Applications**: the queue with duplicate flags, decisions through the shared workflow,
  duplicate resolution.
- **Offers** and **leases** (renew, end / move out).

Staff scoped to a region (`User.staff_region`) see and change only the communities of that
region and the regions below it, and everything that belongs to them; the services check the
same scope again.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.tmp_storages import MediaStorage

from apartments import services
from apartments.models import (
    AllocationRound,
    ApartmentApplication,
    Community,
    CommunityPhoto,
    Layout,
    Lease,
    LeaseStatus,
    Offer,
    PreferenceGroup,
    RentRule,
    RoundStatus,
    RoundUnit,
    Unit,
    UnitStatus,
    vacancy_rate,
)
from talentportal import scope
from talentportal.admin_actions import apply_each, error_text
from talentportal.admin_base import ApplicationAdmin, MadeByServicesAdmin, RegionScopedAdmin
from talentportal.exports import FormulaSafeResource, csv_writer
from talentportal.models import ApplicationStatus
from talentportal.ratelimit import RateLimitedExportMixin
from talentportal.uploads import JPEG, PNG, clean_upload

FORMATS = [CSV, XLSX]
S = ApplicationStatus


# Communities -----------------------------------------------------------------------------------


class RentRuleInline(admin.TabularInline):
    model = RentRule
    extra = 0


class PhotoForm(forms.ModelForm):
    """A photo uploaded in the admin gets the site's check: type by content (JPEG or PNG),
    size cap, re-encoded so that nothing but pixels is stored (talentportal.uploads)."""

    class Meta:
        model = CommunityPhoto
        fields = ["image", "caption_zh", "caption_en", "position"]

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):  # unchanged: the stored photo
            return upload
        content, file_type = clean_upload(upload, allowed=(JPEG, PNG))
        return ContentFile(content.read(), name=f"photo{file_type.extension}")


class PhotoInline(admin.TabularInline):
    model = CommunityPhoto
    form = PhotoForm
    extra = 0
    fields = ["image", "caption_zh", "caption_en", "position"]


@admin.register(Community)
class CommunityAdmin(RegionScopedAdmin):
    list_display = ["name_zh", "region", "operator", "is_published", "units_link", "rounds_link"]
    list_filter = ["is_published", "region__level", "must_work_in_region", "min_degree"]
    search_fields = ["name_zh", "name_en", "address_zh", "operator"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    readonly_fields = ["created_at", "updated_at", "units_link", "public_page"]
    inlines = [RentRuleInline, PhotoInline]
    show_full_result_count = False
    change_list_template = "apartments/admin/community_change_list.html"
    fieldsets = [
        (None, {"fields": [("name_zh", "name_en"), "region", ("address_zh", "address_en")]}),
        (
            _("About"),
            {
                "fields": [
                    "operator",
                    "facilities",
                    ("description_zh", "description_en"),
                    ("transport_zh", "transport_en"),
                    ("rules_zh", "rules_en"),
                ]
            },
        ),
        (
            _("Eligibility"),
            {
                "fields": [
                    "tiers",
                    "min_degree",
                    "must_work_in_region",
                    "must_not_own_home",
                    "max_lease_months",
                ]
            },
        ),
        (
            _("Publication"),
            {"fields": ["is_published", "public_page", "units_link", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description=_("units"))
    def units_link(self, obj):
        if obj.pk is None:
            return "—"
        url = (
            reverse("admin:apartments_unit_changelist")
            + "?"
            + urlencode({"community__id__exact": obj.pk})
        )
        return format_html('<a href="{}">{}</a>', url, gettext("Units of this community"))

    @admin.display(description=_("rounds"))
    def rounds_link(self, obj):
        url = (
            reverse("admin:apartments_allocationround_changelist")
            + "?"
            + urlencode({"community__id__exact": obj.pk})
        )
        return format_html('<a href="{}">{}</a>', url, gettext("Rounds"))

    @admin.display(description=_("public page"))
    def public_page(self, obj):
        if obj.pk is None or not obj.is_published:
            return "—"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.get_absolute_url())

    def get_urls(self):
        return [
            path(
                "vacancy/",
                self.admin_site.admin_view(self.vacancy_view),
                name="apartments_community_vacancy",
            ),
            *super().get_urls(),
        ]

    def vacancy_view(self, request):
        """Communities by vacancy rate, highest first (the staff member's region only), from
        the occupancy summary; `?format=csv` downloads it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        communities = list(
            self.get_queryset(request)
            .with_occupancy()
            .select_related("region")
            .only("pk", "name_zh", "name_en", "region__name_zh", "region__name_en")
            .filter(units_total__gt=0)
        )
        for community in communities:
            community.rate = vacancy_rate(
                {
                    "units": community.units_total,
                    "maintenance": community.units_maintenance,
                    "let": community.units_let,
                }
            )
        communities.sort(key=lambda c: (-(c.rate or 0), c.name_zh))
        if request.GET.get("format") == "csv":
            response = HttpResponse(content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="vacancy-report.csv"'
            response.write("\ufeff")
            writer = csv_writer(response)  # no cell can run as a formula
            writer.writerow(
                [
                    gettext("Community"),
                    gettext("Region"),
                    gettext("Units"),
                    gettext("Let"),
                    gettext("Offered"),
                    gettext("Available"),
                    gettext("Under maintenance"),
                    gettext("Vacancy rate"),
                ]
            )
            for c in communities:
                writer.writerow(
                    [
                        c.name_zh,
                        c.region.name,
                        c.units_total,
                        c.units_let,
                        c.units_offered,
                        c.units_available,
                        c.units_maintenance,
                        "" if c.rate is None else f"{c.rate * 100:.1f}%",
                    ]
                )
            return response
        return TemplateResponse(
            request,
            "apartments/admin/vacancy_report.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": gettext("Vacancy report"),
                "communities": communities,
                "scope": scope.region_scope(request.user),
            },
        )


# Units -----------------------------------------------------------------------------------------


class UnitResource(FormulaSafeResource):
    """Units by spreadsheet. Columns: community (its number), building, floor, number, layout
    (studio, one_bed, two_bed, three_bed), area_m2, monthly_rent, furnished, accessible, status.
    A row whose community, building and number exist updates that unit; otherwise it adds one.
    A region-scoped staff member imports only into the communities of their region."""

    community = fields.Field(
        attribute="community",
        column_name="community",
        widget=widgets.ForeignKeyWidget(Community, field="pk"),
    )

    class Meta:
        model = Unit
        fields = (
            "community",
            "building",
            "floor",
            "number",
            "layout",
            "area_m2",
            "monthly_rent",
            "furnished",
            "accessible",
            "status",
        )
        import_id_fields = ("community", "building", "number")
        clean_model_instances = True
        skip_unchanged = True
        use_transactions = True

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        except (Community.DoesNotExist, ValueError):
            errors["community"] = [gettext("There is no community with this number.")]
        community = getattr(instance, "community", None) if instance.community_id else None
        if community is not None and not scope.covers(self.user, community.region_id):
            errors["community"] = [gettext("This community is outside your region.")]
        if errors:
            raise ValidationError(errors)

    def get_queryset(self):
        return super().get_queryset().in_scope_of(self.user)


class LayoutFilter(admin.SimpleListFilter):
    title = _("layout")
    parameter_name = "layout"

    def lookups(self, request, model_admin):
        return Layout.choices

    def queryset(self, request, queryset):
        return queryset.filter(layout=self.value()) if self.value() in Layout.values else queryset


@admin.register(Unit)
class UnitAdmin(RateLimitedExportMixin, ImportExportMixin, RegionScopedAdmin):
    region_field = "community__region"
    resource_classes = [UnitResource]
    tmp_storage_class = MediaStorage
    import_formats = export_formats = FORMATS
    list_display = [
        "unit_label",
        "community",
        "floor",
        "layout",
        "area_m2",
        "monthly_rent",
        "status",
        "furnished",
        "accessible",
    ]
    list_filter = ["status", LayoutFilter, "furnished", "accessible"]
    search_fields = ["=number", "=building", "community__name_zh"]
    search_help_text = _("A unit number, a building, or words of the community's name.")
    list_select_related = ["community"]
    autocomplete_fields = ["community"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["to_maintenance", "from_maintenance"]

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    @admin.display(description=_("unit"), ordering="number")
    def unit_label(self, obj):
        return obj.label

    def _maintenance(self, request, queryset, maintenance):
        apply_each(
            self,
            request,
            queryset.select_related("community"),
            lambda unit: services.unit_set_maintenance(
                unit=unit, by=request.user, maintenance=maintenance
            ),
            done=ngettext_lazy("%(count)d unit changed.", "%(count)d units changed.", "count"),
            failed=gettext("%(count)d units could not be changed from their current status."),
        )

    @admin.action(description=_("Take the selected available units out for maintenance"))
    def to_maintenance(self, request, queryset):
        self._maintenance(request, queryset, True)

    @admin.action(description=_("Bring the selected units back from maintenance"))
    def from_maintenance(self, request, queryset):
        self._maintenance(request, queryset, False)


# Rounds ----------------------------------------------------------------------------------------


class PreferenceGroupInline(admin.TabularInline):
    model = PreferenceGroup
    extra = 0
    fields = ["code", "kind", "name_zh", "name_en", "min_household", "position"]

    def has_change_permission(self, request, obj=None):
        return obj is None or obj.status == RoundStatus.DRAFT

    has_add_permission = has_delete_permission = has_change_permission


class SeedForm(forms.Form):
    seed = forms.CharField(
        label=_("Seed"),
        max_length=128,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 70}),
    )
    beacon_source = forms.CharField(
        label=_("Public random value: source"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"size": 70}),
        help_text=_(
            "Which public value, drawn after the list is frozen, the draw will mix in: name the "
            "draw and its date, e.g. a welfare lottery draw after the closing day."
        ),
    )
    beacon = forms.CharField(
        label=_("Public random value"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 70}),
    )


class UnitsForm(forms.Form):
    layout = forms.ChoiceField(
        label=_("Layout"), choices=[("", _("Every layout")), *Layout.choices], required=False
    )
    building = forms.CharField(label=_("Building"), max_length=20, required=False)
    accessible = forms.BooleanField(label=_("Accessible units only"), required=False)
    limit = forms.IntegerField(
        label=_("At most"), min_value=1, max_value=5000, initial=50, required=True
    )
    group = forms.ModelChoiceField(
        label=_("Set aside for"),
        queryset=PreferenceGroup.objects.none(),
        required=False,
        empty_label=_("Everyone"),
    )


#: The buttons a round's page shows in each status: (url name suffix, label, needs a form).
ROUND_STEPS = {
    RoundStatus.DRAFT: [("units", _("Add units"), True), ("open", _("Open the round"), True)],
    RoundStatus.OPEN: [("close", _("Close the round"), False)],
    RoundStatus.CLOSED: [
        ("decide", _("Decide the applications by eligibility"), False),
        ("freeze", _("Freeze the list"), False),
    ],
    RoundStatus.FROZEN: [("draw", _("Draw the order"), True)],
    RoundStatus.DRAWN: [
        ("allocation", _("Allocation: preview, then make the offers"), True),
        ("finish", _("Finish the round"), False),
    ],
    RoundStatus.FINISHED: [],
}


@admin.register(AllocationRound)
class AllocationRoundAdmin(RegionScopedAdmin):
    region_field = "community__region"
    list_display = [
        "title_zh",
        "community",
        "method",
        "status",
        "opens_at",
        "closes_at",
        "applications_count",
        "units_count",
    ]
    list_filter = ["status", "method"]
    search_fields = ["title_zh", "title_en", "community__name_zh"]
    list_select_related = ["community"]
    autocomplete_fields = ["community"]
    date_hierarchy = "opens_at"
    inlines = [PreferenceGroupInline]
    change_form_template = "apartments/admin/round_change_form.html"
    readonly_fields = [
        "status",
        "seed_commitment",
        "frozen_list_hash",
        "revealed_seed",
        "opened_at",
        "frozen_at",
        "drawn_at",
        "finished_at",
        "created_at",
        "public_links",
        "offers_link",
    ]
    fieldsets = [
        (None, {"fields": ["community", ("title_zh", "title_en"), ("opens_at", "closes_at")]}),
        (_("Allocation"), {"fields": ["method", "offer_days", "lease_starts_on"]}),
        (
            _("Progress and commitments"),
            {
                "fields": [
                    "status",
                    "seed_commitment",
                    "frozen_list_hash",
                    "revealed_seed",
                    ("opened_at", "frozen_at", "drawn_at", "finished_at"),
                    "public_links",
                    "offers_link",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("frozen_list")
            .annotate(
                n_applications=Count(
                    "applications",
                    filter=~Q(applications__status__in=[S.DRAFT, S.WITHDRAWN]),
                    distinct=True,
                ),
                n_units=Count("round_units", distinct=True),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields_ = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != RoundStatus.DRAFT:
            fields_ += ["community", "method"]
        return fields_

    @admin.display(description=_("applications"), ordering="n_applications")
    def applications_count(self, obj):
        url = (
            reverse("admin:apartments_apartmentapplication_changelist")
            + "?"
            + urlencode({"round__id__exact": obj.pk})
        )
        return format_html('<a href="{}">{}</a>', url, obj.n_applications)

    @admin.display(description=_("units"), ordering="n_units")
    def units_count(self, obj):
        return obj.n_units

    @admin.display(description=_("public pages"))
    def public_links(self, obj):
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            obj.get_absolute_url(),
            gettext("Round page"),
            obj.get_verify_url(),
            gettext("Verify page"),
        )

    @admin.display(description=_("offers"))
    def offers_link(self, obj):
        if obj.pk is None:
            return "—"
        url = (
            reverse("admin:apartments_offer_changelist")
            + "?"
            + urlencode({"application__round__id__exact": obj.pk})
        )
        return format_html('<a href="{}">{}</a>', url, gettext("Offers of this round"))

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["round_steps"] = [
                (f"admin:apartments_allocationround_{name}", label, has_form)
                for name, label, has_form in ROUND_STEPS.get(obj.status, [])
            ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_urls(self):
        def view(name, function):
            return path(
                f"<int:pk>/{name}/",
                self.admin_site.admin_view(function),
                name=f"apartments_allocationround_{name}",
            )

        return [
            view("units", self.units_view),
            view("open", self.open_view),
            view("close", self.close_view),
            view("decide", self.decide_view),
            view("freeze", self.freeze_view),
            view("draw", self.draw_view),
            view("allocation", self.allocation_view),
            view("finish", self.finish_view),
            *super().get_urls(),
        ]

    # Each step: the round (within the staff member's scope), the service, a message.

    def _round(self, request, pk) -> AllocationRound:
        round = get_object_or_404(self.get_queryset(request).select_related("community"), pk=pk)
        if not self.has_change_permission(request, round):
            raise PermissionDenied
        return round

    def _back(self, round):
        return HttpResponseRedirect(
            reverse("admin:apartments_allocationround_change", args=[round.pk])
        )

    def _render(self, request, round, template, **context):
        return TemplateResponse(
            request,
            f"apartments/admin/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": round,
                "round": round,
                "title": round.title,
                **context,
            },
        )

    def _step(self, request, pk, run, success):
        """A step without a form: POST only (the buttons on the round's page)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        round = self._round(request, pk)
        try:
            result = run(round)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, success(result) if callable(success) else success)
        return self._back(round)

    def units_view(self, request, pk):
        round = self._round(request, pk)
        form = UnitsForm(request.POST if request.method == "POST" else None)
        form.fields["group"].queryset = round.groups.all()
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            units = Unit.objects.filter(
                community=round.community, status=UnitStatus.AVAILABLE
            ).exclude(round_units__round=round)
            if data["layout"]:
                units = units.filter(layout=data["layout"])
            if data["building"]:
                units = units.filter(building=data["building"])
            if data["accessible"]:
                units = units.filter(accessible=True)
            units = units.order_by("building", "floor", "number")[: data["limit"]]
            try:
                added = services.round_units_add(
                    round=round, units=units, by=request.user, group=data["group"]
                )
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, gettext("%(n)d units added.") % {"n": added})
                return self._back(round)
        offered = (
            RoundUnit.objects.filter(round=round)
            .values("unit__layout", "group__name_zh")
            .annotate(n=Count("pk"))
            .order_by("group__name_zh", "unit__layout")
        )
        return self._render(request, round, "round_units.html", form=form, offered=offered)

    def open_view(self, request, pk):
        """Open the round. For a lottery the seed is committed to — a fresh one unless staff
        give their own — and shown once, here: staff must keep it for the draw."""
        round = self._round(request, pk)
        form = SeedForm(request.POST if request.method == "POST" else None)
        form.fields["beacon_source"].required = round.is_lottery
        if request.method == "POST" and form.is_valid():
            try:
                seed = services.round_open(
                    round=round,
                    by=request.user,
                    seed=form.cleaned_data["seed"] or None,
                    beacon_source=form.cleaned_data["beacon_source"],
                )
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
            else:
                messages.success(request, gettext("The round is open for applications."))
                if seed is None:
                    return self._back(round)
                return self._render(request, round, "round_seed.html", seed=seed)
        return self._render(request, round, "round_open.html", form=form)

    def close_view(self, request, pk):
        return self._step(
            request,
            pk,
            lambda round: services.round_close(round=round, by=request.user),
            gettext(
                "The round is closed. Applications were checked again and possible "
                "duplicates flagged."
            ),
        )

    def decide_view(self, request, pk):
        return self._step(
            request,
            pk,
            lambda round: services.applications_decide(round=round, by=request.user),
            lambda counts: (
                gettext(
                    "%(approved)d approved, %(rejected)d rejected, %(left)d left for you "
                    "(possible duplicates)."
                )
                % counts
            ),
        )

    def freeze_view(self, request, pk):
        return self._step(
            request,
            pk,
            lambda round: services.round_freeze(round=round, by=request.user),
            gettext("The list is frozen and its fingerprint published."),
        )

    def finish_view(self, request, pk):
        return self._step(
            request,
            pk,
            lambda round: services.round_finish(round=round, by=request.user),
            gettext("The round is finished."),
        )

    def draw_view(self, request, pk):
        round = self._round(request, pk)
        form = SeedForm(request.POST if request.method == "POST" else None)
        if round.is_lottery:
            form.fields["seed"].required = True
            form.fields["seed"].help_text = gettext(
                "The seed you were shown when the round opened. Its SHA-256 must be the "
                "published commitment."
            )
        if round.beacon_source:
            form.fields["beacon"].required = True
            form.fields["beacon"].help_text = round.beacon_source
        if request.method == "POST" and form.is_valid():
            try:
                services.round_draw(
                    round=round,
                    by=request.user,
                    seed=form.cleaned_data["seed"],
                    beacon=form.cleaned_data["beacon"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error("seed" if round.is_lottery else None, error_text(error))
            else:
                messages.success(
                    request, gettext("The order is drawn and published on the verify page.")
                )
                return self._back(round)
        return self._render(request, round, "round_draw.html", form=form)

    def allocation_view(self, request, pk):
        """GET: the offers the round would make now (nothing is written). POST: make them."""
        round = self._round(request, pk)
        if request.method == "POST":
            try:
                offers = services.allocation_commit(round=round, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, error_text(error))
            else:
                messages.success(
                    request,
                    gettext("%(n)d offers made; the applicants have been told.")
                    % {"n": len(offers)},
                )
                return self._back(round)
        plan = services.allocation_plan(round=round)
        return self._render(request, round, "round_allocation.html", plan=plan)


# Applications ----------------------------------------------------------------------------------


class DuplicateFilter(admin.SimpleListFilter):
    title = _("duplicate check")
    parameter_name = "duplicates"

    def lookups(self, request, model_admin):
        return [("open", _("To resolve")), ("resolved", _("Resolved"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.unresolved_duplicates()
        if self.value() == "resolved":
            return queryset.filter(flag_resolved_at__isnull=False)
        return queryset


class RoundStatusFilter(admin.SimpleListFilter):
    title = _("round status")
    parameter_name = "round_status"

    def lookups(self, request, model_admin):
        return RoundStatus.choices

    def queryset(self, request, queryset):
        if self.value() in RoundStatus.values:
            return queryset.filter(round__status=self.value())
        return queryset


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea, required=False
    )


@admin.register(ApartmentApplication)
class ApartmentApplicationAdmin(ApplicationAdmin):
    """Apartment applications: the core queue and decision page, with the eligibility checks,
    the duplicate flags and the lottery ranks; no approval here (the allocation does it)."""

    region_field = "round__community__region"
    list_display = [
        "reference",
        "round",
        "full_name",
        "id_number_masked",
        "status",
        "eligible",
        "priority_score",
        "duplicate_flag",
        "general_rank",
        "submitted_at",
    ]
    list_filter = ["status", DuplicateFilter, "eligible", RoundStatusFilter, "needs_accessible"]
    search_fields = ["=reference", "=id_number", "full_name", "applicant__username"]
    search_help_text = _("A reference number, a full ID number, a name or a username.")
    list_select_related = ["round", "applicant"]
    date_hierarchy = "submitted_at"
    show_full_result_count = False
    actions = ["start_review", "mark_duplicate", "mark_not_duplicate"]
    bulk_select_related = ["round__community"]
    workflow_fields = [
        "reference",
        "applicant",
        "round",
        "status",
        "full_name",
        "id_number_masked",
        "birth_date",
        "phone_masked",
        "household_size",
        "preferred_layouts",
        "needs_accessible",
        "employer",
        "employed_in_region",
        "owns_home_in_city",
        "tier",
        "highest_degree",
        "years_in_region",
        "eligibility_reasons",
        "priority_score",
        "preference_group",
        "rank",
        "general_rank",
        "duplicate_flag",
        "flag_reason",
        "duplicate_of",
        "flag_resolved_at",
        "flag_resolved_by",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_reason",
        "documents",
        "timeline",
    ]
    fields = workflow_fields

    @admin.display(description=_("ID number"))
    def id_number_masked(self, obj):
        return obj.id_number_masked

    @admin.display(description=_("phone"))
    def phone_masked(self, obj):
        return obj.phone_masked

    @admin.display(description=_("possible duplicate"), ordering="flagged")
    def duplicate_flag(self, obj):
        if not obj.flagged:
            return "—"
        if obj.flag_resolved_at is None:
            return format_html('<strong class="apt-flag">{}</strong>', gettext("To resolve"))
        return gettext("Resolved")

    @admin.display(description=_("eligibility"))
    def eligibility_reasons(self, obj):
        labels = {True: gettext("met"), False: gettext("NOT met"), None: gettext("to declare")}
        return (
            format_html_join(
                "",
                "<p>{}: {}</p>",
                (
                    (labels.get(check.get("passed")), check.get("reason", ""))
                    for check in obj.eligibility
                ),
            )
            or "—"
        )

    @admin.action(description=_("Duplicates: reject the selected flagged applications"))
    def mark_duplicate(self, request, queryset):
        self._bulk(request, queryset, partial(services.duplicate_resolve, duplicate=True))

    @admin.action(description=_("Duplicates: the selected flagged applications are not"))
    def mark_not_duplicate(self, request, queryset):
        self._bulk(request, queryset, partial(services.duplicate_resolve, duplicate=False))


# Offers and leases -----------------------------------------------------------------------------


@admin.register(Offer)
class OfferAdmin(MadeByServicesAdmin, RegionScopedAdmin):
    region_field = "unit__community__region"
    list_display = [
        "application",
        "unit",
        "status",
        "monthly_rent",
        "rent_terms",
        "offered_at",
        "expires_at",
        "decided_at",
    ]
    list_filter = ["status", "rent_terms"]
    search_fields = ["=application__reference", "=unit__number"]
    list_select_related = ["application", "unit"]
    date_hierarchy = "offered_at"
    show_full_result_count = False
    actions = ["expire_due"]
    readonly_fields = [
        "application",
        "unit",
        "status",
        "offered_at",
        "expires_at",
        "decided_at",
        "monthly_rent",
        "rent_terms",
    ]
    fields = readonly_fields

    @admin.action(description=_("Expire every offer past its reply date and pass the units on"))
    def expire_due(self, request, queryset):
        expired = services.offers_expire()
        self.message_user(
            request, gettext("%(n)d offers expired.") % {"n": expired}, messages.SUCCESS
        )


class RenewForm(forms.Form):
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=120)


class EndForm(forms.Form):
    on = forms.DateField(
        label=_("Move-out day"), widget=forms.DateInput(attrs={"type": "date"}), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


@admin.register(Lease)
class LeaseAdmin(MadeByServicesAdmin, RegionScopedAdmin):
    """Leases come from accepted offers (`services.offer_accept`); staff renew or end them."""

    region_field = "unit__community__region"
    list_display = [
        "unit",
        "tenant",
        "start",
        "end",
        "monthly_rent",
        "residents",
        "status",
        "renewals",
    ]
    list_filter = ["status", "rent_terms"]
    search_fields = ["=unit__number", "tenant__username", "=application__reference"]
    list_select_related = ["unit", "tenant"]
    date_hierarchy = "start"
    show_full_result_count = False
    actions = ["renew", "end_today"]
    change_form_template = "apartments/admin/lease_change_form.html"
    readonly_fields = [
        "unit",
        "tenant",
        "application",
        "offer",
        "start",
        "end",
        "monthly_rent",
        "rent_terms",
        "residents",
        "status",
        "renewals",
        "ended_at",
        "end_reason",
        "created_at",
    ]
    fields = readonly_fields

    def _bulk(self, request, queryset, run):
        apply_each(
            self,
            request,
            queryset.select_related("unit__community"),
            run,
            done=ngettext_lazy("%(count)d lease updated.", "%(count)d leases updated.", "count"),
            label=lambda lease: str(lease.unit),
            level=messages.WARNING,
        )

    @admin.action(description=_("Renew the selected leases by the community's lease length"))
    def renew(self, request, queryset):
        self._bulk(
            request, queryset, lambda lease: services.lease_renew(lease=lease, by=request.user)
        )

    @admin.action(description=_("End the selected leases today (move-out)"))
    def end_today(self, request, queryset):
        self._bulk(
            request, queryset, lambda lease: services.lease_end(lease=lease, by=request.user)
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/renew/",
                self.admin_site.admin_view(self.renew_view),
                name="apartments_lease_renew",
            ),
            path(
                "<int:pk>/end/",
                self.admin_site.admin_view(self.end_view),
                name="apartments_lease_end",
            ),
            *super().get_urls(),
        ]

    def _lease(self, request, pk):
        lease = get_object_or_404(
            self.get_queryset(request).select_related("unit__community"), pk=pk
        )
        if not self.has_change_permission(request, lease):
            raise PermissionDenied
        return lease

    def _form_view(self, request, lease, form, run, template):
        if request.method == "POST" and form.is_valid():
            try:
                run(form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(request, gettext("The lease has been updated."))
                return redirect(reverse("admin:apartments_lease_change", args=[lease.pk]))
        return TemplateResponse(
            request,
            f"apartments/admin/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": lease,
                "lease": lease,
                "form": form,
                "title": str(lease),
            },
        )

    def renew_view(self, request, pk):
        lease = self._lease(request, pk)
        form = RenewForm(
            request.POST if request.method == "POST" else None,
            initial={"months": lease.unit.community.max_lease_months},
        )
        return self._form_view(
            request,
            lease,
            form,
            lambda data: services.lease_renew(lease=lease, by=request.user, months=data["months"]),
            "lease_renew.html",
        )

    def end_view(self, request, pk):
        lease = self._lease(request, pk)
        form = EndForm(
            request.POST if request.method == "POST" else None,
            initial={"on": timezone.localdate()},
        )
        return self._form_view(
            request,
            lease,
            form,
            lambda data: services.lease_end(
                lease=lease, by=request.user, on=data["on"], reason=data["reason"]
            ),
            "lease_end.html",
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["lease_active"] = obj is not None and obj.status == LeaseStatus.ACTIVE
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
