"""Admin for projects, investors and roadshows. Every state change goes through
`projects.roadshows.services`: publishing a project approves its submission in the shared
workflow, verifying an investor records who did it, check-in checks the code."""

from django import forms
from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from projects.models import (
    Interest,
    Investor,
    Project,
    ProjectStatus,
    ProjectSubmission,
    Registration,
    Roadshow,
    RoadshowSlot,
)
from projects.roadshows import services
from talentportal import security_log
from talentportal.admin_actions import action_form, action_page, apply_each, reason_action
from talentportal.admin_base import MadeByServicesAdmin, RegionScopedAdmin
from talentportal.exports import csv_writer


class AgendaForm(forms.Form):
    roadshow = forms.ModelChoiceField(
        label=_("Roadshow"),
        queryset=Roadshow.objects.none(),
        help_text=_("Upcoming events; the projects are added after the last slot."),
    )

    def __init__(self, *args, roadshows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roadshow"].queryset = roadshows.upcoming().order_by("starts_at")


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("Offline seats"), min_value=0, max_value=1_000_000)


@admin.register(Project)
class ProjectAdmin(RegionScopedAdmin):
    list_display = ["title_zh", "lead", "industry", "region", "stage", "status", "featured"]
    list_filter = ["status", "featured", "stage", "industry"]
    list_select_related = ["lead", "industry", "region"]
    search_fields = ["title_zh", "title_en", "lead__username", "lead__display_name"]
    autocomplete_fields = ["region", "enterprise"]
    raw_id_fields = ["lead", "members", "program"]
    readonly_fields = ["status", "published_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["publish", "reject", "add_to_agenda", "unpublish", "feature", "unfeature"]

    @admin.action(description=_("Put the selected projects on a roadshow's agenda"))
    def add_to_agenda(self, request, queryset):
        form = action_form(
            request,
            AgendaForm,
            roadshows=self.admin_site.get_model_admin(Roadshow).get_queryset(request),
        )
        if form.is_valid():
            roadshow = form.cleaned_data["roadshow"]
            apply_each(
                self,
                request,
                queryset.order_by("pk"),
                lambda project: services.slot_add(
                    roadshow=roadshow, project=project, by=request.user
                ),
                done=ngettext_lazy(
                    "%(count)d project put on the agenda.",
                    "%(count)d projects put on the agenda.",
                    "count",
                ),
            )
            return None
        return action_page(
            self,
            request,
            queryset,
            action="add_to_agenda",
            form=form,
            title=_("Put projects on a roadshow's agenda"),
        )

    @admin.action(description=_("Publish the selected projects (approves their submission)"))
    def publish(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda project: services.project_publish(project=project, by=request.user),
            done=ngettext_lazy(
                "%(count)d project published.", "%(count)d projects published.", "count"
            ),
        )

    @admin.action(description=_("Return the selected submitted projects to their teams"))
    def reject(self, request, queryset):
        return reason_action(
            self,
            request,
            queryset,
            action="reject",
            title=_("Return projects to their teams"),
            apply=lambda project, reason: services.project_reject(
                project=project, by=request.user, reason=reason
            ),
            done=ngettext_lazy(
                "%(count)d project returned to its team.",
                "%(count)d projects returned to their teams.",
                "count",
            ),
        )

    @admin.action(description=_("Unpublish the selected projects"))
    def unpublish(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda project: services.project_unpublish(project=project, by=request.user),
            done=ngettext_lazy(
                "%(count)d project unpublished.", "%(count)d projects unpublished.", "count"
            ),
        )

    @admin.action(description=_("Feature the selected projects"))
    def feature(self, request, queryset):
        count = queryset.filter(status=ProjectStatus.PUBLISHED).update(featured=True)
        self.message_user(request, _("%(count)s projects featured.") % {"count": count})

    @admin.action(description=_("Stop featuring the selected projects"))
    def unfeature(self, request, queryset):
        count = queryset.update(featured=False)
        self.message_user(request, _("%(count)s projects no longer featured.") % {"count": count})


@admin.register(ProjectSubmission)
class ProjectSubmissionAdmin(MadeByServicesAdmin, RegionScopedAdmin):
    """The review queue: decisions are taken on the project (publish or return)."""

    region_field = "project__region"

    list_display = ["reference", "project", "applicant", "status", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["project", "applicant"]
    search_fields = ["reference", "project__title_zh", "applicant__username"]
    readonly_fields = [
        "reference",
        "project",
        "applicant",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_reason",
    ]
    fields = readonly_fields
    date_hierarchy = "submitted_at"
    actions = ["publish"]

    @admin.action(description=_("Publish the projects of the selected submissions"))
    def publish(self, request, queryset):
        apply_each(
            self,
            request,
            queryset.select_related("project"),
            lambda submission: services.project_publish(
                project=submission.project, by=request.user
            ),
            done=ngettext_lazy(
                "%(count)d project published.", "%(count)d projects published.", "count"
            ),
        )


@admin.register(Investor)
class InvestorAdmin(RegionScopedAdmin):
    list_display = ["name", "kind", "region", "ticket_min", "ticket_max", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["region"]
    search_fields = ["name", "name_en", "contact_name"]
    autocomplete_fields = ["region"]
    filter_horizontal = ["focus_industries"]
    raw_id_fields = ["members", "regions"]
    readonly_fields = ["status", "verified_by", "verified_at", "created_at", "updated_at"]
    actions = ["verify", "reject"]

    @admin.action(description=_("Verify the selected investors"))
    def verify(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda investor: services.investor_verify(investor=investor, by=request.user),
            done=ngettext_lazy(
                "%(count)d investor verified.", "%(count)d investors verified.", "count"
            ),
        )

    @admin.action(description=_("Reject the selected investors"))
    def reject(self, request, queryset):
        return reason_action(
            self,
            request,
            queryset,
            action="reject",
            title=_("Reject investors"),
            apply=lambda investor, reason: services.investor_reject(
                investor=investor, by=request.user, reason=reason
            ),
            done=ngettext_lazy(
                "%(count)d investor rejected.", "%(count)d investors rejected.", "count"
            ),
        )


class SlotInline(admin.TabularInline):
    model = RoadshowSlot
    extra = 1
    raw_id_fields = ["project"]
    fields = ["position", "project", "starts_at", "minutes"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "project":
            kwargs["queryset"] = Project.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Roadshow)
class RoadshowAdmin(RegionScopedAdmin):
    list_display = [
        "title_zh",
        "kind",
        "starts_at",
        "region",
        "capacity",
        "registered_count",
        "offered_count",
        "waitlisted_count",
        "checked_in_count",
        "online_views",
        "is_published",
        "checkin_desk",
    ]
    list_filter = ["kind", "is_published"]
    list_select_related = ["region"]
    search_fields = ["title_zh", "title_en", "organiser_zh"]
    autocomplete_fields = ["region"]
    filter_horizontal = ["industries"]
    readonly_fields = [
        "registered_count",
        "offered_count",
        "waitlisted_count",
        "checked_in_count",
        "checkin_desk",
    ]

    @admin.display(description=_("check-in desk"))
    def checkin_desk(self, obj):
        if obj is None or obj.pk is None or not obj.capacity:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("projects:roadshow_checkin", args=[obj.pk]),
            _("Open the check-in desk"),
        )

    date_hierarchy = "starts_at"
    inlines = [SlotInline]
    actions = ["change_capacity", "export_attendees", "statistics"]

    @admin.action(description=_("Change the number of seats (offers new ones to the waiting list)"))
    def change_capacity(self, request, queryset):
        form = action_form(request, CapacityForm)
        if form.is_valid():
            capacity = form.cleaned_data["capacity"]
            apply_each(
                self,
                request,
                queryset,
                lambda roadshow: services.roadshow_capacity_change(
                    roadshow=roadshow, capacity=capacity, by=request.user
                ),
                done=ngettext_lazy(
                    "%(count)d event changed.", "%(count)d events changed.", "count"
                ),
            )
            return None
        return action_page(
            self,
            request,
            queryset,
            action="change_capacity",
            form=form,
            title=_("Change the number of seats"),
        )

    def get_readonly_fields(self, request, obj=None):
        # Capacity changes of an existing event go through the service (promotions).
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "capacity"] if obj is not None else fields

    @admin.action(description=_("Export the attendee list (CSV)"))
    def export_attendees(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:20])
        security_log.record(request, security_log.Kind.EXPORT, detail=f"attendees of {ids}")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="attendees.csv"'
        response.write("\ufeff")
        writer = csv_writer(response)  # no cell can run as a formula
        writer.writerow(
            ["roadshow", "name", "username", "investor", "status", "code", "checked_in"]
        )
        registrations = (
            Registration.objects.filter(roadshow__in=queryset)
            .select_related("roadshow", "user", "investor")
            .order_by("roadshow", "status", "pk")
        )
        for registration in registrations:
            writer.writerow(
                [
                    registration.roadshow.title_zh,
                    registration.user.get_short_name(),
                    registration.user.username,
                    registration.investor.name if registration.investor else "",
                    registration.status,
                    registration.code,
                    registration.checked_in_at.isoformat() if registration.checked_in_at else "",
                ]
            )
        return response

    @admin.action(description=_("Statistics per year of the selected events"))
    def statistics(self, request, queryset):
        rows = (
            queryset.annotate(year=ExtractYear("starts_at"))
            .values("year")
            .annotate(
                events=Count("pk"),
                confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
                checked_in=Count(
                    "registrations", filter=Q(registrations__checked_in_at__isnull=False)
                ),
            )
            .order_by("year")
        )
        views = {
            row["year"]: row["views"]
            for row in queryset.annotate(year=ExtractYear("starts_at"))
            .values("year")
            .annotate(views=Sum("online_views"))
        }
        rows = [{**row, "views": views.get(row["year"], 0)} for row in rows]
        return TemplateResponse(
            request,
            "projects/roadshows/admin/statistics.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Roadshow statistics"),
                "rows": rows,
                "events": queryset.order_by("starts_at"),
                "opts": self.model._meta,
            },
        )


@admin.register(Registration)
class RegistrationAdmin(RegionScopedAdmin):
    region_field = "roadshow__region"
    list_display = [
        "code",
        "roadshow",
        "user",
        "investor",
        "status",
        "created_at",
        "offer_expires_at",
        "checked_in_at",
    ]
    list_filter = ["status"]
    list_select_related = ["roadshow", "user", "investor"]
    search_fields = ["code", "user__username", "user__display_name", "roadshow__title_zh"]
    raw_id_fields = ["roadshow", "user", "investor"]
    readonly_fields = [
        "roadshow",
        "user",
        "investor",
        "status",
        "code",
        "created_at",
        "confirmed_at",
        "offered_at",
        "offer_expires_at",
        "cancelled_at",
        "checked_in_at",
        "checked_in_by",
    ]
    show_full_result_count = False
    actions = ["check_in", "cancel"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Check in the selected registrations"))
    def check_in(self, request, queryset):
        apply_each(
            self,
            request,
            queryset.select_related("roadshow"),
            lambda registration: services.checkin(
                roadshow=registration.roadshow, code=registration.code, by=request.user
            ),
            done=ngettext_lazy(
                "%(count)d person checked in.", "%(count)d people checked in.", "count"
            ),
        )

    @admin.action(
        description=_("Cancel the selected registrations (offers the seats to the waiting list)")
    )
    def cancel(self, request, queryset):
        apply_each(
            self,
            request,
            queryset.select_related("roadshow"),
            lambda registration: services.registration_cancel(
                registration=registration, by=request.user
            ),
            done=ngettext_lazy(
                "%(count)d registration cancelled.", "%(count)d registrations cancelled.", "count"
            ),
        )


@admin.register(Interest)
class InterestAdmin(RegionScopedAdmin):
    region_field = "project__region"
    list_display = ["investor", "project", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["investor", "project"]
    search_fields = ["investor__name", "project__title_zh"]
    raw_id_fields = ["investor", "project", "expressed_by", "decided_by"]
    readonly_fields = ["status", "created_at", "decided_at", "decided_by"]
