"""The talent library's back office.

- Talents: a read-only view (talents edit their own profiles); search by username only, no
  contact details anywhere in the admin, no COUNT(*) of a million rows on the changelist.
  Opening a talent's page is logged in the access log, which the talent sees.
- Enterprises: the verification queue. Staff scoped to a region see and verify only the
  enterprises of their region; verify and reject are actions that call the services.
- Requests to join an enterprise (a second employee of a registered company): the queue the
  enterprise's administrator answers on the site, for staff to answer when they cannot (the
  same service, region-scoped by the enterprise's region).
- Demands and internships: moderation (unpublish), region-scoped by place of work.
- Evaluations: confirm a nomination (the talent gets the tier and a card) or reject it.
- Profile accesses: the append-only log, read-only.
"""

import json
import math

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from talentportal import workflow
from talentportal.admin_actions import apply_each, reason_action
from talentportal.admin_base import ReadOnlyAdminMixin, RegionScopedAdmin
from talentportal.models import ApplicationStatus
from talentportal.uploads import file_response
from talents import services
from talents.models import (
    Demand,
    Education,
    Enterprise,
    EnterpriseJoinRequest,
    EnterpriseMember,
    Evaluation,
    Experience,
    Internship,
    ProfileAccess,
    Talent,
    TalentCard,
)
from talents.privacy import SUMMARY_SELECT_RELATED, mask_name, masked_summary

# Paging a big table ----------------------------------------------------------------------------


def estimated_count(queryset) -> int:
    """The planner's estimate of how many rows `queryset` returns (EXPLAIN, nothing is read)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class LargeTablePaginator(Paginator):
    """A changelist paginator for tables of millions of rows: an exact count up to `cap`
    rows (one bounded COUNT), the planner's estimate beyond it, and pages up to the cap only
    (search or filter to reach the rest), so no request counts or skips a million rows."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        bounded = self.object_list.order_by()[: self.cap + 1].count()
        if bounded <= self.cap:
            return bounded
        return max(estimated_count(self.object_list), self.cap + 1)

    @cached_property
    def num_pages(self) -> int:
        if self.count == 0 and not self.allow_empty_first_page:
            return 0
        shown = min(self.count, self.cap)
        return max(1, math.ceil(max(shown - self.orphans, 1) / self.per_page))


# Talents ---------------------------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EducationInline(ReadOnlyInline):
    model = Education
    fields = ["degree", "discipline", "graduation_year", "overseas"]
    readonly_fields = fields


class ExperienceInline(ReadOnlyInline):
    model = Experience
    fields = ["title", "start", "end", "overseas"]
    readonly_fields = fields


class ListedFilter(admin.SimpleListFilter):
    """Findable or not, with fixed choices (the default filter of a generated column would
    read every row for its distinct values)."""

    title = _("findable")
    parameter_name = "listed"

    def lookups(self, request, model_admin):
        return [("1", _("Yes")), ("0", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("1", "0"):
            return queryset.filter(listed=self.value() == "1")
        return queryset


@admin.register(Talent)
class TalentAdmin(ReadOnlyAdminMixin, RegionScopedAdmin):
    """Talents' profiles, read-only: the talent edits them. Names, contact details and
    résumés are not shown here at all; a card or a tier is given by confirming an evaluation."""

    region_field = "current_region"
    list_display = [
        "username",
        "summary",
        "visibility",
        "listed",
        "tier",
        "updated_at",
    ]
    list_filter = ["visibility", ListedFilter, "tier", "highest_degree", "has_overseas"]
    list_select_related = ["user", *SUMMARY_SELECT_RELATED]
    search_fields = ["user__username"]
    search_help_text = _("The exact username (any case).")
    show_full_result_count = False
    paginator = LargeTablePaginator
    list_per_page = 50
    fields = [
        "username",
        "summary",
        "headline",
        "skills",
        "industries_display",
        "visibility",
        "listed",
        "search_consent",
        "tier",
        "tier_valid_until",
        "highest_degree",
        "main_discipline",
        "graduation_year",
        "years_experience",
        "has_overseas",
        "created_at",
        "updated_at",
        "deleted_at",
    ]
    readonly_fields = fields
    inlines = [EducationInline, ExperienceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("phone", "email", "resume", "search_tokens")

    def get_search_results(self, request, queryset, search_term):
        """An exact username, case-insensitively, through the index on lower(username)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        found = queryset.alias(login=Lower("user__username")).filter(login=term.lower())
        return found, False

    @admin.display(description=_("username"), ordering="user__username")
    def username(self, obj):
        return obj.user.username

    @admin.display(description=_("summary"))
    def summary(self, obj):
        return masked_summary(obj)

    @admin.display(description=_("industries"))
    def industries_display(self, obj):
        return ", ".join(industry.name for industry in obj.industries.all())

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Opening a talent's page in the back office is a view of their profile: logged."""
        if request.method == "GET":
            talent = self.get_object(request, object_id)
            if talent is not None and not talent.is_deleted:
                services.profile_view_record(
                    talent=talent,
                    viewer=request.user,
                    enterprise=None,
                    why=str(_("Opened in the talent office's back office")),
                )
        return super().change_view(request, object_id, form_url, extra_context)


# Enterprises -----------------------------------------------------------------------------------


class EnterpriseMemberInline(admin.TabularInline):
    model = EnterpriseMember
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(RegionScopedAdmin):
    """The verification queue: pending enterprises first. Region-scoped staff see and verify
    only their region's enterprises, and choose only their regions."""

    list_display = [
        "name",
        "credit_code",
        "region",
        "industry",
        "size",
        "status",
        "is_evaluator",
        "created_at",
    ]
    list_filter = ["status", "is_evaluator", "size", "region__level"]
    list_select_related = ["region", "industry"]
    search_fields = ["name", "name_en", "=credit_code"]
    autocomplete_fields = ["region", "industry"]
    show_full_result_count = False
    date_hierarchy = "created_at"
    actions = ["verify", "reject"]
    inlines = [EnterpriseMemberInline]
    fields = [
        "name",
        "name_en",
        "credit_code",
        "region",
        "industry",
        "size",
        "description",
        "website",
        "is_evaluator",
        "status",
        "evidence_link",
        "verified_by",
        "verified_at",
        "rejection_reason",
        "created_at",
    ]
    readonly_fields = [
        "status",
        "evidence_link",
        "verified_by",
        "verified_at",
        "rejection_reason",
        "created_at",
    ]

    #: The queue: pending first ("pending" < "rejected" < "verified"), oldest first.
    ordering = ["status", "created_at", "pk"]

    def get_urls(self):
        return [
            path(
                "<int:pk>/evidence/",
                self.admin_site.admin_view(self.evidence_view),
                name="talents_enterprise_evidence",
            ),
            *super().get_urls(),
        ]

    def evidence_view(self, request, pk):
        """The uploaded business licence, for staff who may see the enterprise."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        enterprise = get_object_or_404(self.get_queryset(request), pk=pk)
        if not enterprise.evidence:
            raise Http404
        return file_response(enterprise.evidence, filename=f"enterprise-{enterprise.pk}-licence")

    @admin.display(description=_("business licence"))
    def evidence_link(self, obj):
        if not obj.pk or not obj.evidence:
            return "—"
        url = reverse("admin:talents_enterprise_evidence", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))

    @admin.action(description=_("Verify the selected enterprises"), permissions=["change"])
    def verify(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda enterprise: services.enterprise_verify(enterprise=enterprise, by=request.user),
            done=ngettext_lazy(
                "%(count)d enterprise verified; its members have been told.",
                "%(count)d enterprises verified; their members have been told.",
                "count",
            ),
        )

    @admin.action(description=_("Reject the selected enterprises…"), permissions=["change"])
    def reject(self, request, queryset):
        return reason_action(
            self,
            request,
            queryset,
            action="reject",
            title=_("Reject enterprises"),
            intro=_(
                "These enterprises will not be verified. Their members are told, with the "
                "reason you give."
            ),
            apply=lambda enterprise, reason: services.enterprise_reject(
                enterprise=enterprise, by=request.user, reason=reason
            ),
            done=_("%(count)d done."),
        )


@admin.register(EnterpriseJoinRequest)
class EnterpriseJoinRequestAdmin(RegionScopedAdmin):
    """Requests to join a registered enterprise, open ones first. Read-only rows: approving
    or declining is an action through `services.enterprise_join_answer`, which adds the
    member and tells the person."""

    region_field = "enterprise__region"
    list_display = ["user", "enterprise", "message", "status", "created_at", "decided_by"]
    list_filter = ["status", "enterprise__status"]
    list_select_related = ["user", "enterprise", "decided_by"]
    search_fields = [
        "enterprise__name",
        "enterprise__name_en",
        "=enterprise__credit_code",
        "user__username",
        "user__display_name",
    ]
    fields = ["enterprise", "user", "message", "status", "created_at", "decided_at", "decided_by"]
    readonly_fields = fields
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["approve", "decline"]
    #: The queue: pending first ("pending" > "declined" > "approved"), oldest first.
    ordering = ["-status", "created_at", "pk"]

    def has_add_permission(self, request):
        return False  # a request is made by the person, on the site

    def _answer(self, request, queryset, *, approve: bool, done):
        apply_each(
            self,
            request,
            queryset.select_related("enterprise", "user"),
            lambda join: services.enterprise_join_answer(
                join=join, by=request.user, approve=approve
            ),
            done=done,
        )

    @admin.action(
        description=_("Approve the selected requests (the people join their enterprises)"),
        permissions=["change"],
    )
    def approve(self, request, queryset):
        self._answer(
            request,
            queryset,
            approve=True,
            done=ngettext_lazy(
                "%(count)d request approved.", "%(count)d requests approved.", "count"
            ),
        )

    @admin.action(description=_("Decline the selected requests"), permissions=["change"])
    def decline(self, request, queryset):
        self._answer(
            request,
            queryset,
            approve=False,
            done=ngettext_lazy(
                "%(count)d request declined.", "%(count)d requests declined.", "count"
            ),
        )


# Demands and internships -------------------------------------------------------------------------


class PostingAdmin(RegionScopedAdmin):
    list_display = [
        "position_zh",
        "enterprise",
        "region",
        "closing_on",
        "is_published",
        "created_at",
    ]
    list_filter = ["is_published", "region__level"]
    list_select_related = ["enterprise", "region"]
    search_fields = ["position_zh", "position_en", "enterprise__name"]
    raw_id_fields = ["enterprise"]
    autocomplete_fields = ["region"]
    show_full_result_count = False
    paginator = LargeTablePaginator
    actions = ["unpublish"]
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("description", "enterprise__description")

    @admin.action(description=_("Unpublish the selected postings"), permissions=["change"])
    def unpublish(self, request, queryset):
        """Moderation: the postings leave the public lists; applications already made stay.
        (The posting services act for an enterprise's members, not for staff.)"""
        count = queryset.filter(is_published=True).update(is_published=False)
        self.message_user(
            request,
            ngettext_lazy(
                "%(count)d posting unpublished.", "%(count)d postings unpublished.", "count"
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(Demand)
class DemandAdmin(PostingAdmin):
    list_display = [*PostingAdmin.list_display[:3], "min_degree", *PostingAdmin.list_display[3:]]
    list_filter = [*PostingAdmin.list_filter, "min_degree"]
    autocomplete_fields = ["region", "discipline"]


@admin.register(Internship)
class InternshipAdmin(PostingAdmin):
    list_filter = [*PostingAdmin.list_filter, "school_year"]


# Evaluations and cards ---------------------------------------------------------------------------


@admin.register(Evaluation)
class EvaluationAdmin(RegionScopedAdmin):
    """Nominations by evaluating entities. Confirming gives the talent the tier and a card
    (`services.evaluation_confirm`); staff of a region see their region's enterprises only."""

    region_field = "enterprise__region"
    list_display = [
        "reference",
        "enterprise",
        "talent_summary",
        "proposed_tier",
        "confirmed_tier",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "proposed_tier"]
    list_select_related = ["enterprise", *(f"talent__{n}" for n in SUMMARY_SELECT_RELATED)]
    search_fields = ["=reference", "enterprise__name"]
    show_full_result_count = False
    fields = [
        "reference",
        "enterprise",
        "talent_summary",
        "proposed_tier",
        "confirmed_tier",
        "evidence",
        "status",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_reason",
    ]
    readonly_fields = fields
    actions = ["start_review", "confirm", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).exclude(status=ApplicationStatus.DRAFT)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("talent"))
    def talent_summary(self, obj):
        return masked_summary(obj.talent)

    def _each(self, request, queryset, apply, success):
        apply_each(self, request, queryset, apply, done=success)

    @admin.action(description=_("Start the review"), permissions=["change"])
    def start_review(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda e: workflow.application_start_review(application=e, by=request.user),
            ngettext_lazy(
                "%(count)d evaluation in review.", "%(count)d evaluations in review.", "count"
            ),
        )

    @admin.action(
        description=_("Confirm the proposed tier (issues a talent card)"), permissions=["change"]
    )
    def confirm(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda e: services.evaluation_confirm(evaluation=e, by=request.user),
            ngettext_lazy(
                "%(count)d evaluation confirmed; its talent card issued.",
                "%(count)d evaluations confirmed; talent cards issued.",
                "count",
            ),
        )

    @admin.action(description=_("Reject the selected evaluations…"), permissions=["change"])
    def reject(self, request, queryset):
        return reason_action(
            self,
            request,
            queryset,
            action="reject",
            title=_("Reject evaluations"),
            intro=_("The nominating enterprise is told, with the reason you give."),
            apply=lambda evaluation, reason: workflow.application_reject(
                application=evaluation, by=request.user, reason=reason
            ),
            done=_("%(count)d done."),
        )


@admin.register(TalentCard)
class TalentCardAdmin(RegionScopedAdmin):
    """Talent cards, region-scoped like the talents: by where the holder lives."""

    region_field = "talent__current_region"
    list_display = ["number", "holder", "tier", "valid_from", "valid_until", "revoked_at"]
    list_filter = ["tier"]
    list_select_related = ["talent"]
    # The number, or the holder's name (a prefix: the name index serves it).
    search_fields = ["=number", "talent__name__istartswith"]
    search_help_text = _("The card number, or the beginning of the holder's name.")
    show_full_result_count = False
    fields = [
        "number",
        "holder",
        "tier",
        "valid_from",
        "valid_until",
        "evaluation",
        "issued_at",
        "revoked_at",
        "revoked_reason",
    ]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("holder"))
    def holder(self, obj):
        return mask_name(obj.talent.name)

    @admin.action(description=_("Revoke the selected cards…"), permissions=["change"])
    def revoke(self, request, queryset):
        return reason_action(
            self,
            request,
            queryset,
            action="revoke",
            title=_("Revoke talent cards"),
            intro=_("The cards stop being valid at once; the public check says so."),
            apply=lambda card, reason: services.talent_card_revoke(
                card=card, by=request.user, reason=reason
            ),
            done=_("%(count)d done."),
        )


# The access log --------------------------------------------------------------------------------


@admin.register(ProfileAccess)
class ProfileAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who saw whose personal data: append-only, so read-only here."""

    list_display = ["at", "talent_username", "viewer", "enterprise", "what", "why"]
    list_filter = ["what"]
    list_select_related = ["talent__user", "viewer", "enterprise"]
    search_fields = ["=talent__user__username", "=viewer__username"]
    show_full_result_count = False
    paginator = LargeTablePaginator
    fields = ["at", "talent_username", "viewer", "enterprise", "what", "why"]
    readonly_fields = fields

    @admin.display(description=_("talent"), ordering="talent__user__username")
    def talent_username(self, obj):
        return obj.talent.user.username
