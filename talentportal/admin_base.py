"""Admin building blocks every section reuses: region scoping for city and county staff, rows that
only the services make (no adding or deleting by hand), and the application queue of the shared
workflow (deadlines, timeline, documents, decisions)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from talentportal import scope, workflow
from talentportal.admin_actions import apply_each
from talentportal.models import ApplicationDocument, ApplicationEvent, ApplicationStatus, Region


class ReadOnlyAdminMixin:
    """For rows staff read but never add, change or delete in the admin (logs, and records
    only the site makes); put it before the ModelAdmin class."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RegionScopedAdmin(admin.ModelAdmin):
    """The admin of rows that belong to a region: staff scoped to a region see and change only
    the rows of that region and the regions below it (the rule: `talentportal.scope`).

    `region_field` is the lookup path from the row to its Region ("community__region"). The
    foreign keys in `scoped_relations` (by default the first step of that path: the region
    itself, or the community the path goes through) offer only choices within the scope, in
    the change form's dropdowns and in their autocompletes; saving a row outside the scope is
    refused even if a form let it through."""

    region_field = "region"
    #: Foreign keys (and many-to-many fields) whose choices are limited to the scope; each
    #: points at Region or at a model whose admin is region-scoped. None: the first step of
    #: `region_field`.
    scoped_relations: tuple[str, ...] | None = None

    def scope_queryset(self, request, queryset):
        """`queryset` of this admin's model limited to the user's region scope."""
        return scope.in_scope(queryset, request.user, self.region_field)

    def get_queryset(self, request):
        return self.scope_queryset(request, super().get_queryset(request))

    def get_scoped_relations(self, request) -> tuple[str, ...]:
        if self.scoped_relations is not None:
            return self.scoped_relations
        return (self.region_field.split("__")[0],)

    def limit_related(self, request, db_field, queryset):
        """The choices of a related field, limited to the user's scope when the field is one
        of the scoped relations (called for dropdowns and for autocompletes)."""
        region = scope.region_scope(request.user)
        if region is None or db_field.name not in self.get_scoped_relations(request):
            return queryset
        related = db_field.related_model
        if related is Region:
            return queryset.within(region)
        related_admin = self.admin_site._registry.get(related)
        if isinstance(related_admin, RegionScopedAdmin):
            return related_admin.scope_queryset(request, queryset)
        first, _, rest = self.region_field.partition("__")
        if first == db_field.name and rest:
            return queryset.filter(scope.region_q(region, rest))
        raise ImproperlyConfigured(
            f"{type(self).__qualname__}.scoped_relations: {db_field.name} leads to no region"
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None:
            formfield.queryset = self.limit_related(request, db_field, formfield.queryset)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None:
            formfield.queryset = self.limit_related(request, db_field, formfield.queryset)
        return formfield

    def row_region_code(self, obj) -> str | None:
        """The code of the region `obj` belongs to, following `region_field`."""
        *steps, last = self.region_field.split("__")
        for step in steps:
            obj = getattr(obj, step, None)
            if obj is None:
                return None
        return getattr(obj, f"{last}_id", None)

    def ensure_in_scope(self, request, obj) -> None:
        """Refuse to save a row outside the user's region scope."""
        if not scope.covers(request.user, self.row_region_code(obj)):
            raise PermissionDenied

    def save_model(self, request, obj, form, change):
        self.ensure_in_scope(request, obj)
        super().save_model(request, obj, form, change)


class ScopedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, with the choices the source field's admin allows: a region-
    scoped admin offers only regions and rows within the user's scope (`limit_related`)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        source_admin = self.admin_site._registry.get(self.source_field.model)
        if isinstance(source_admin, RegionScopedAdmin):
            queryset = source_admin.limit_related(self.request, self.source_field, queryset)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue(timezone.localdate())
        return queryset


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea, required=False
    )


class MadeByServicesAdmin(admin.ModelAdmin):
    """The admin of rows that only the services make (applications, draws, assignments,
    submissions, offers, leases): staff read them and act on them through the actions, never
    add or delete one by hand."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApplicationAdmin(MadeByServicesAdmin, RegionScopedAdmin):
    """The queue of one kind of application. Staff decide through the workflow only: bulk
    actions for simple cases, and a decision page per application for the steps that need a
    message to the applicant (needs more information, rejection)."""

    workflow_fields = [
        "reference",
        "applicant",
        "status",
        "submitted_at",
        "due_on",
        "decided_at",
        "decided_by",
        "decision_reason",
        "documents",
        "timeline",
    ]
    list_display = ["reference", "applicant", "status", "submitted_at", "due_on", "is_overdue"]
    list_filter = ["status", OverdueFilter]
    search_fields = ["reference", "applicant__username", "applicant__display_name"]
    date_hierarchy = "submitted_at"
    show_full_result_count = False
    actions = ["start_review", "approve"]
    bulk_select_related: list[str] = []  # what the workflow reads of each application
    change_form_template = "admin/application_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        return [*self.workflow_fields, *super().get_readonly_fields(request, obj)]

    @admin.display(boolean=True, description=_("overdue"))
    def is_overdue(self, obj):
        return (
            obj.due_on is not None
            and obj.status not in ApplicationStatus.closed()
            and obj.due_on < timezone.localdate()
        )

    @admin.display(description=_("documents"))
    def documents(self, obj):
        documents = ApplicationDocument.objects.filter(reference=obj.reference)
        return (
            format_html_join(
                "",
                '<p><a href="{}">{}</a> ({})</p>',
                ((d.get_absolute_url(), d.original_name, d.label) for d in documents),
            )
            or "—"
        )

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        return self.timeline_html(obj)

    @staticmethod
    def timeline_html(obj, *, applicant_as=None):
        """The application's events, oldest first: when, who, the new status, the comment.
        With `applicant_as`, the applicant's own steps name them by that word instead (for
        readers who must not learn who applied)."""
        events = ApplicationEvent.objects.filter(reference=obj.reference).select_related("actor")
        return format_html_join(
            "",
            "<p>{} · {} · {} {}</p>",
            (
                (
                    timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                    applicant_as
                    if applicant_as is not None and e.actor_id == obj.applicant_id
                    else (e.actor or "—"),
                    e.get_to_status_display() if e.to_status else "",
                    e.comment,
                )
                for e in events
            ),
        )

    def _bulk(self, request, queryset, move):
        apply_each(
            self,
            request,
            queryset.select_related(*self.bulk_select_related)
            if self.bulk_select_related
            else queryset,
            lambda application: move(application=application, by=request.user),
            done=ngettext_lazy(
                "%(count)d application updated.", "%(count)d applications updated.", "count"
            ),
            failed=ngettext_lazy(
                "%(count)d application could not be changed from its current status.",
                "%(count)d applications could not be changed from their current status.",
                "count",
            ),
        )

    @admin.action(description=_("Start the review of the selected applications"))
    def start_review(self, request, queryset):
        self._bulk(request, queryset, workflow.application_start_review)

    @admin.action(description=_("Approve the selected applications"))
    def approve(self, request, queryset):
        self._bulk(request, queryset, workflow.application_approve)

    def _url_name(self, view):
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        return [
            path(
                "<int:pk>/decide/<str:to>/",
                self.admin_site.admin_view(self.decide_view),
                name=self._url_name("decide"),
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def staff_steps(application) -> list[ApplicationStatus]:
        allowed = workflow.ALLOWED.get(application.status, set()) - workflow.BY_APPLICANT
        return [ApplicationStatus(to) for to in ApplicationStatus.values if to in allowed]

    def decide_view(self, request, pk, to):
        """One decision on one application, with the message the applicant will read."""
        application = get_object_or_404(self.get_queryset(request), pk=pk)
        change_url = reverse(f"admin:{self._url_name('change')}", args=[pk])
        if to not in self.staff_steps(application):
            messages.error(request, _("That step is not possible from the current status."))
            return redirect(change_url)
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                workflow.application_transition(
                    application=application,
                    to=to,
                    by=request.user,
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error("comment", error)
            else:
                messages.success(request, _("The applicant has been told."))
                return redirect(change_url)
        status = ApplicationStatus(to)
        return TemplateResponse(
            request,
            "admin/application_decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "application": application,
                "to": status,
                "form": form,
                "title": format_html("{} · {}", application.reference, status.label),
            },
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["decisions"] = self.staff_steps(obj)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
