"""Admin building blocks every section reuses: region scoping for city and county staff, and
the application queue of the shared workflow (deadlines, timeline, documents, decisions)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from talentportal import workflow
from talentportal.models import ApplicationDocument, ApplicationEvent, ApplicationStatus


class RegionScopedAdmin(admin.ModelAdmin):
    """Staff scoped to a region (User.staff_region) see and edit only that region and the
    regions below it. `region_field` is the lookup path to the Region."""

    region_field = "region"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scope = request.user.staff_region
        if scope is None:
            return queryset
        return queryset.filter(**{f"{self.region_field}__code__startswith": scope.code_prefix})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        scope = request.user.staff_region
        if db_field.name == self.region_field and scope is not None:
            formfield.queryset = formfield.queryset.within(scope)
        return formfield


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


class ApplicationAdmin(RegionScopedAdmin):
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
    change_form_template = "admin/application_change_form.html"

    def get_readonly_fields(self, request, obj=None):
        return [*self.workflow_fields, *super().get_readonly_fields(request, obj)]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
                '<p><a href="{}">{}</a></p>',
                ((d.get_absolute_url(), d.original_name) for d in documents),
            )
            or "—"
        )

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        events = ApplicationEvent.objects.filter(reference=obj.reference).select_related("actor")
        return format_html_join(
            "",
            "<p>{} · {} · {} {}</p>",
            (
                (
                    timezone.localtime(e.created_at).strftime("%Y-%m-%d %H:%M"),
                    e.actor or "—",
                    e.get_to_status_display() if e.to_status else "",
                    e.comment,
                )
                for e in events
            ),
        )

    def _bulk(self, request, queryset, move):
        done = failed = 0
        for application in queryset:
            try:
                move(application=application, by=request.user)
                done += 1
            except (ValidationError, PermissionDenied):
                failed += 1
        if done:
            self.message_user(
                request, _("%(n)d applications updated.") % {"n": done}, messages.SUCCESS
            )
        if failed:
            self.message_user(
                request,
                _("%(n)d applications could not be changed from their current status.")
                % {"n": failed},
                messages.WARNING,
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
