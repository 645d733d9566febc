"""Admin for talent programs, calls (tracks and criteria inline), applications, the expert
pool, conflicts, the expert draw (preview, then commit; load per expert; replacement of one
assignment), the ranking per track with decisions within quota, and read-only reviews.

Every action calls the same services as the site (`projects.programs.services`,
`projects.programs.expert_draw`)."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Call,
    Conflict,
    Criterion,
    Expert,
    ExpertDraw,
    Program,
    ProgramApplication,
    Review,
    ReviewAssignment,
    Score,
    Track,
)
from projects.programs import services
from projects.programs.expert_draw import (
    draw_commit,
    draw_verify,
    expert_draw,
    expert_loads,
    expert_redraw,
)
from talentportal import security_log
from talentportal.admin_base import ApplicationAdmin, MadeByServicesAdmin, RegionScopedAdmin
from talentportal.exports import csv_writer
from talentportal.models import ApplicationStatus

TEMPLATES = "projects/programs/admin"


@admin.register(Program)
class ProgramAdmin(RegionScopedAdmin):
    list_display = ["name_zh", "name_en", "level", "region", "organiser_zh", "is_published"]
    list_filter = ["level", "is_published"]
    search_fields = ["name_zh", "name_en", "organiser_zh"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    raw_id_fields = ["benefits"]


class TrackInline(admin.TabularInline):
    model = Track
    extra = 1


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 1


class DrawForm(forms.Form):
    seed = forms.CharField(
        label=_("Seed"),
        max_length=64,
        required=False,
        help_text=_(
            "The seed shown when it was committed. Only that seed opens the draw; "
            "every attempt is logged and published."
        ),
    )


class RedrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the replacement"), widget=forms.Textarea)


class DecideForm(forms.Form):
    applications = forms.ModelMultipleChoiceField(
        label=_("Applications to approve"),
        queryset=ProgramApplication.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    comment = forms.CharField(label=_("Message to the applicants"), required=False)


@admin.register(Call)
class CallAdmin(RegionScopedAdmin):
    region_field = "program__region"
    list_display = ["title_zh", "program", "year", "round", "opens_at", "closes_at", "links"]
    list_filter = ["year", "blind", "program__level"]
    search_fields = ["title_zh", "title_en", "program__name_zh"]
    list_select_related = ["program"]
    autocomplete_fields = ["program"]
    date_hierarchy = "closes_at"
    inlines = [TrackInline, CriterionInline]

    @admin.display(description=_("review"))
    def links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:projects_call_draw", args=[obj.pk]),
            _("Expert draw"),
            reverse("admin:projects_call_ranking", args=[obj.pk]),
            _("Ranking"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/draw/", view(self.draw_view), name="projects_call_draw"),
            path("<int:pk>/ranking/", view(self.ranking_view), name="projects_call_ranking"),
            path("<int:pk>/ranking.csv", view(self.ranking_csv), name="projects_call_ranking_csv"),
            *super().get_urls(),
        ]

    def _call(self, request, pk) -> Call:
        call = get_object_or_404(self.get_queryset(request).select_related("program"), pk=pk)
        if not self.has_change_permission(request, call):
            raise PermissionDenied
        return call

    def draw_view(self, request, pk):
        """Commit to a seed before the call closes; draw with it (no preview); later runs
        use the revealed seed. Loads, and every attempt with its recomputation."""
        call = self._call(request, pk)
        form = DrawForm(request.POST or None)
        if request.method == "POST" and "commit_seed" in request.POST:
            try:
                seed = draw_commit(call=call, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    messages.error(request, message)
            else:
                messages.warning(
                    request,
                    _(
                        "Seed committed; only its SHA-256 is published. Keep this seed: the "
                        "draw needs it and it is shown only now: %(seed)s"
                    )
                    % {"seed": seed},
                )
            return redirect("admin:projects_call_draw", call.pk)
        if request.method == "POST" and "draw" in request.POST and form.is_valid():
            try:
                result = expert_draw(call=call, by=request.user, seed=form.cleaned_data["seed"])
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("Draw done: %(n)d applications got experts.")
                    % {"n": len(result.plan.entries)},
                )
            return redirect("admin:projects_call_draw", call.pk)
        draws = list(ExpertDraw.objects.filter(call=call).select_related("by")[:50])
        return TemplateResponse(
            request,
            f"{TEMPLATES}/draw.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "call": call,
                "form": form,
                "can_commit": not call.draw_commitment and not call.has_closed(),
                "loads": expert_loads(call),
                "draws": [(draw, draw_verify(draw)) for draw in draws],
                "title": _("Expert draw: %(call)s") % {"call": call},
            },
        )

    def ranking_view(self, request, pk):
        """Per track: applications by weighted score, spread and disagreement, quota; approve
        in bulk within the quota."""
        call = self._call(request, pk)
        tracks = []
        for track in call.tracks.all():
            rows = services.track_ranking(track)
            form = DecideForm(
                request.POST if request.POST.get("track") == str(track.pk) else None,
                prefix=f"track{track.pk}",
            )
            form.fields["applications"].queryset = ProgramApplication.objects.filter(
                track=track
            ).reviewable()
            if form.is_bound and form.is_valid():
                try:
                    services.ranking_approve(
                        track=track,
                        applications=form.cleaned_data["applications"],
                        by=request.user,
                        comment=form.cleaned_data["comment"],
                    )
                except (ValidationError, PermissionDenied) as error:
                    for message in getattr(error, "messages", [str(error)]):
                        messages.error(request, message)
                else:
                    messages.success(request, _("The applications are approved."))
                    return redirect("admin:projects_call_ranking", call.pk)
            approved = sum(row.application.status == ApplicationStatus.APPROVED for row in rows)
            tracks.append({"track": track, "rows": rows, "form": form, "approved": approved})
        return TemplateResponse(
            request,
            f"{TEMPLATES}/ranking.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "call": call,
                "tracks": tracks,
                "title": _("Ranking: %(call)s") % {"call": call},
            },
        )

    def ranking_csv(self, request, pk):
        call = self._call(request, pk)
        security_log.record(request, security_log.Kind.EXPORT, detail=f"ranking of call {call.pk}")
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="ranking-call-{call.pk}.csv"'
        response.write("\ufeff")
        writer = csv_writer(response)  # no cell can run as a formula
        writer.writerow(
            [
                "track",
                "rank",
                "reference",
                "name",
                "score",
                "reviews",
                "spread",
                "within quota",
                "status",
            ]
        )
        for track in call.tracks.all():
            for row in services.track_ranking(track):
                writer.writerow(
                    [
                        track.name_zh,
                        row.rank or "",
                        row.application.reference,
                        row.application.full_name,
                        row.score if row.score is not None else "",
                        len(row.totals),
                        row.spread if row.spread is not None else "",
                        "yes" if row.within_quota else "no",
                        row.application.status,
                    ]
                )
        return response


class AssignmentInline(admin.TabularInline):
    model = ReviewAssignment
    extra = 0
    fields = ["expert", "status", "draw", "created_at", "decline_reason"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ProgramApplication)
class ProgramApplicationAdmin(ApplicationAdmin):
    region_field = "call__program__region"
    list_display = [
        "reference",
        "full_name",
        "call",
        "track",
        "status",
        "endorsement_status",
        "submitted_at",
    ]
    list_filter = ["status", "endorsement_status", "call__program", "call__year"]
    search_fields = ["reference", "full_name", "employer", "applicant__username"]
    list_select_related = ["call", "track", "applicant"]
    fields = [
        *ApplicationAdmin.workflow_fields,
        "call",
        *ProgramApplication.ANSWER_FIELDS,
        "endorsement_status",
        "endorsed_at",
        "answers",
    ]
    readonly_fields = fields[len(ApplicationAdmin.workflow_fields) :]
    inlines = [AssignmentInline]
    actions = ["start_review", "approve"]

    @admin.action(description=_("Approve the selected applications (within each track's quota)"))
    def approve(self, request, queryset):
        by_track: dict[int, list] = {}
        for application in queryset.select_related("track"):
            by_track.setdefault(application.track_id, []).append(application)
        for applications in by_track.values():
            try:
                services.ranking_approve(
                    track=applications[0].track, applications=applications, by=request.user
                )
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    self.message_user(request, message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(n)d applications approved.") % {"n": len(applications)},
                    messages.SUCCESS,
                )

    def decide_view(self, request, pk, to):
        """Approving one application also respects its track's quota."""
        if to == ApplicationStatus.APPROVED and request.method == "POST":
            application = get_object_or_404(self.get_queryset(request), pk=pk)
            track = application.track
            approved = ProgramApplication.objects.filter(
                track=track, status=ApplicationStatus.APPROVED
            ).count()
            if approved >= track.quota:
                messages.error(request, _("The quota of this track is full."))
                return redirect("admin:projects_programapplication_change", pk)
        return super().decide_view(request, pk, to)


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "region", "seniority", "is_active"]
    list_filter = ["seniority", "is_active", "region__level"]
    search_fields = ["name", "organisation", "user__username"]
    list_select_related = ["region"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["region", "available_calls", "disciplines", "industries"]


@admin.register(Conflict)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["expert", "organisation", "person", "reason", "created_at"]
    search_fields = ["expert__name", "organisation", "person__username"]
    list_select_related = ["expert", "person"]
    autocomplete_fields = ["expert"]
    raw_id_fields = ["person"]


@admin.register(ExpertDraw)
class ExpertDrawAdmin(MadeByServicesAdmin, RegionScopedAdmin):
    region_field = "call__program__region"
    list_display = ["created_at", "call", "kind", "outcome", "by", "verified"]
    list_filter = ["kind", "outcome"]
    search_fields = ["seed", "call__title_zh"]
    list_select_related = ["call", "by"]
    fields = [
        "call",
        "kind",
        "outcome",
        "detail",
        "seed",
        "by",
        "reason",
        "created_at",
        "verified",
        "log_pretty",
    ]
    readonly_fields = fields

    @admin.display(description=_("recomputed from the log"))
    def verified(self, obj):
        mismatches = draw_verify(obj)
        return (
            _("matches")
            if not mismatches
            else _("differs for %(refs)s") % {"refs": ", ".join(mismatches)}
        )

    @admin.display(description=_("log"))
    def log_pretty(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.log, ensure_ascii=False, indent=1))


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(MadeByServicesAdmin, RegionScopedAdmin):
    region_field = "application__call__program__region"
    list_display = ["application", "expert", "status", "created_at", "draw"]
    list_filter = ["status", "application__call__program"]
    search_fields = ["application__reference", "expert__name"]
    list_select_related = ["application", "expert", "draw"]
    fields = [
        "application",
        "expert",
        "draw",
        "status",
        "no_conflict_declared_at",
        "declined_at",
        "decline_reason",
        "created_at",
        "redraw_link",
    ]
    readonly_fields = fields

    @admin.display(description=_("replace"))
    def redraw_link(self, obj):
        if not obj.is_open:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:projects_reviewassignment_redraw", args=[obj.pk]),
            _("Replace this expert (draw another)"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/redraw/",
                self.admin_site.admin_view(self.redraw_view),
                name="projects_reviewassignment_redraw",
            ),
            *super().get_urls(),
        ]

    def redraw_view(self, request, pk):
        assignment = get_object_or_404(
            self.get_queryset(request).select_related("application", "expert"), pk=pk
        )
        form = RedrawForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = expert_redraw(
                    assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
                )
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    _("Replaced; replacement draw with seed %(seed)s.")
                    % {"seed": result.draw.seed},
                )
                return redirect("admin:projects_reviewassignment_change", pk)
        return TemplateResponse(
            request,
            f"{TEMPLATES}/redraw.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "assignment": assignment,
                "form": form,
                "title": _("Replace an expert"),
            },
        )


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    readonly_fields = ["criterion", "value"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(MadeByServicesAdmin, RegionScopedAdmin):
    region_field = "assignment__application__call__program__region"
    list_display = ["assignment", "total", "submitted_at"]
    search_fields = ["assignment__application__reference"]
    list_select_related = ["assignment__application", "assignment__expert"]
    readonly_fields = ["assignment", "comment", "total", "submitted_at"]
    inlines = [ScoreInline]

    def has_change_permission(self, request, obj=None):
        return False
