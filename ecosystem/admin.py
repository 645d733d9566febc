"""The back office of the talent ecosystem.

- **Service points** with their designations and salons inline; services and hosted roadshows
  chosen by autocomplete.
- **Alliances** with members (an enterprise by autocomplete, or an institution by name) and
  activities inline.
- **Financial institutions** (verification by staff), **products**, the **applications** queue
  (shared workflow; an institution's own staff see only its products' applications), and the
  yearly **key enterprise lists** with their enterprises inline.
- **Departments** and the **feedback** queue: staff with the "route feedback" permission route
  it to a department and publish consented answers; a department's members see and answer only
  their department's feedback. Every step calls `ecosystem.services`.

Staff scoped to a region (`User.staff_region`) see and change only that region and below.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from ecosystem import services
from ecosystem.models import (
    Alliance,
    AllianceActivity,
    AllianceMembership,
    Department,
    Feedback,
    FinancialApplication,
    FinancialInstitution,
    FinancialProduct,
    KeyEnterprise,
    KeyEnterpriseList,
    ServicePoint,
    ServicePointDesignation,
    ServicePointEvent,
)
from talentportal.admin_base import ApplicationAdmin, RegionScopedAdmin
from talentportal.models import ApplicationStatus

S = ApplicationStatus
OPEN = [S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO, S.RESUBMITTED]


class PublishActionsMixin:
    """Publish / unpublish actions for models with an `is_published` flag."""

    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publish the selected items"))
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(request, _("%(n)d published.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Unpublish the selected items"))
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(request, _("%(n)d unpublished.") % {"n": count}, messages.SUCCESS)


# Service points -------------------------------------------------------------------------------


class DesignationInline(admin.TabularInline):
    model = ServicePointDesignation
    extra = 0


class ServicePointEventInline(admin.TabularInline):
    model = ServicePointEvent
    extra = 0
    fields = ["date", "title_zh", "title_en"]


@admin.register(ServicePoint)
class ServicePointAdmin(PublishActionsMixin, RegionScopedAdmin):
    list_display = ["name_zh", "kind", "region", "host_zh", "is_published", "updated_at"]
    list_filter = ["kind", "is_published", "region__level"]
    search_fields = ["name_zh", "name_en", "host_zh", "host_en", "address_zh"]
    list_select_related = ["region"]
    autocomplete_fields = ["region", "services", "roadshows"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [DesignationInline, ServicePointEventInline]


# Alliances --------------------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = AllianceMembership
    extra = 0
    autocomplete_fields = ["enterprise"]
    fields = ["role", "enterprise", "institution_name", "institution_name_en", "joined_on"]


class AllianceActivityInline(admin.TabularInline):
    model = AllianceActivity
    extra = 0
    fields = ["date", "title_zh", "title_en"]


@admin.register(Alliance)
class AllianceAdmin(PublishActionsMixin, RegionScopedAdmin):
    list_display = [
        "name_zh",
        "kind",
        "industry",
        "region",
        "members_listed",
        "declared_members",
        "talents_cultivated",
        "is_published",
    ]
    list_filter = ["kind", "is_published", "industry"]
    search_fields = ["name_zh", "name_en", "lead_organisation_zh"]
    list_select_related = ["region", "industry"]
    autocomplete_fields = ["region", "industry"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline, AllianceActivityInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("memberships"))

    @admin.display(description=_("members listed"), ordering="member_count")
    def members_listed(self, obj):
        return obj.member_count


@admin.register(AllianceMembership)
class AllianceMembershipAdmin(RegionScopedAdmin):
    region_field = "alliance__region"
    list_display = ["alliance", "member_name", "role", "joined_on"]
    list_filter = ["role", "alliance__kind"]
    search_fields = ["enterprise__name", "institution_name", "alliance__name_zh"]
    list_select_related = ["alliance", "enterprise"]
    autocomplete_fields = ["alliance", "enterprise"]


# Financial services -----------------------------------------------------------------------


class ProductInline(admin.TabularInline):
    model = FinancialProduct
    extra = 0
    fields = ["name_zh", "kind", "max_amount", "rate_zh", "is_published"]
    show_change_link = True


@admin.register(FinancialInstitution)
class FinancialInstitutionAdmin(RegionScopedAdmin):
    list_display = ["name_zh", "kind", "region", "in_listing_alliance", "is_verified"]
    list_filter = ["kind", "is_verified", "in_listing_alliance"]
    search_fields = ["name_zh", "name_en"]
    list_select_related = ["region"]
    autocomplete_fields = ["region", "staff"]
    readonly_fields = ["is_verified", "verified_at", "verified_by"]
    actions = ["verify"]
    inlines = [ProductInline]

    @admin.action(description=_("Verify the selected institutions"))
    def verify(self, request, queryset):
        count = 0
        for institution in queryset.filter(is_verified=False):
            services.institution_verify(institution=institution, by=request.user)
            count += 1
        self.message_user(request, _("%(n)d verified.") % {"n": count}, messages.SUCCESS)


@admin.register(FinancialProduct)
class FinancialProductAdmin(PublishActionsMixin, RegionScopedAdmin):
    list_display = ["name_zh", "kind", "institution", "region", "max_amount", "is_published"]
    list_filter = ["kind", "is_published", "institution__kind", "institution"]
    search_fields = ["name_zh", "name_en", "institution__name_zh"]
    list_select_related = ["institution", "region"]
    autocomplete_fields = ["institution", "region"]


@admin.register(FinancialApplication)
class FinancialApplicationAdmin(ApplicationAdmin):
    region_field = "product__region"
    workflow_fields = [
        "product",
        "enterprise",
        "enterprise_type",
        "amount",
        "purpose",
        *ApplicationAdmin.workflow_fields,
    ]
    list_display = [
        *ApplicationAdmin.list_display[:1],
        "product",
        "amount",
        *ApplicationAdmin.list_display[1:],
    ]
    list_filter = [*ApplicationAdmin.list_filter, "product__kind", "product__institution"]
    list_select_related = ["product", "applicant"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # An institution's own staff: its products' applications only.
        institutions = request.user.financial_institutions.values("pk")
        if not request.user.is_superuser and institutions.exists():
            queryset = queryset.filter(product__institution__in=institutions)
        return queryset


class KeyEnterpriseInline(admin.TabularInline):
    model = KeyEnterprise
    extra = 0
    autocomplete_fields = ["enterprise"]
    fields = ["enterprise", "stage", "note_zh", "note_en"]


@admin.register(KeyEnterpriseList)
class KeyEnterpriseListAdmin(RegionScopedAdmin):
    list_display = ["title_zh", "year", "region", "published_on", "entry_count"]
    list_filter = ["year"]
    search_fields = ["title_zh", "title_en"]
    list_select_related = ["region"]
    autocomplete_fields = ["region"]
    inlines = [KeyEnterpriseInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(entry_count=Count("entries"))

    @admin.display(description=_("enterprises"), ordering="entry_count")
    def entry_count(self, obj):
        return obj.entry_count


# Feedback ---------------------------------------------------------------------------------


@admin.register(Department)
class DepartmentAdmin(RegionScopedAdmin):
    list_display = ["name_zh", "region", "open_count", "late_count"]
    search_fields = ["name_zh", "name_en"]
    list_filter = ["region__level"]
    list_select_related = ["region"]
    autocomplete_fields = ["region", "members"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_count=Count("feedback", filter=Q(feedback__status__in=OPEN)),
                late_count=Count(
                    "feedback",
                    filter=Q(feedback__status__in=OPEN, feedback__due_on__lt=timezone.localdate()),
                ),
            )
        )

    @admin.display(description=_("open feedback"), ordering="open_count")
    def open_count(self, obj):
        return obj.open_count

    @admin.display(description=_("overdue"), ordering="late_count")
    def late_count(self, obj):
        """Links to the department's overdue feedback in the queue."""
        if not obj.late_count:
            return 0
        query = urlencode({"department": obj.pk, "overdue": "yes"})
        return format_html(
            '<a href="{}?{}">{}</a>',
            reverse("admin:ecosystem_feedback_changelist"),
            query,
            obj.late_count,
        )


class RouteForm(forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())

    def __init__(self, *args, feedback: Feedback, **kwargs):
        super().__init__(*args, **kwargs)
        # Departments that cover the feedback's region: its own, its city's, its province's.
        region = feedback.region_id
        codes = {region, region[:4] + "00", region[:2] + "0000"}
        self.fields["department"].queryset = Department.objects.filter(
            region_id__in=codes
        ).order_by("region", "name_zh")


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea,
        max_length=services.MAX_ANSWER_LENGTH,
        help_text=_("The submitter reads it; it may appear on the public board anonymised."),
    )


class DepartmentFilter(admin.SimpleListFilter):
    """The departments the user may see feedback of (not every department of the province)."""

    title = _("department")
    parameter_name = "department"

    def lookups(self, request, model_admin):
        departments = Department.objects.all()
        if not request.user.is_superuser and not request.user.has_perm("ecosystem.route_feedback"):
            departments = departments.of_member(request.user)
        return [(str(d.pk), d.name) for d in departments.order_by("region", "name_zh")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(department_id=int(value))
        return queryset


@admin.register(Feedback)
class FeedbackAdmin(ApplicationAdmin):
    workflow_fields = [
        "title",
        "description",
        "category",
        "region",
        "enterprise",
        "department",
        "routed_at",
        "routed_by",
        "answer",
        "answered_at",
        "answered_by",
        "rating",
        "rating_comment",
        "publish_consent",
        "is_published",
        "published_at",
        *ApplicationAdmin.workflow_fields,
    ]
    list_display = [
        "reference",
        "title",
        "category",
        "region",
        "department",
        "status",
        "due_on",
        "is_overdue",
        "rating",
        "board",
    ]
    list_filter = [
        "status",
        *ApplicationAdmin.list_filter[1:],
        "category",
        DepartmentFilter,
        "publish_consent",
        "is_published",
    ]
    search_fields = ["reference", "title"]
    list_select_related = ["region", "department"]
    actions = ["publish_answers"]
    change_form_template = "admin/ecosystem/feedback/change_form.html"

    def get_queryset(self, request):
        return services.feedback_visible_to(super().get_queryset(request), request.user)

    @staticmethod
    def _is_router(user) -> bool:
        return user.is_superuser or user.has_perm("ecosystem.route_feedback")

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "anonymised_timeline"]

    def get_fields(self, request, obj=None):
        """A department answers the question, not the person: its members see neither the
        submitter nor their enterprise, and the timeline names the submitter by role."""
        fields = super().get_fields(request, obj)
        if self._is_router(request.user):
            return [f for f in fields if f != "anonymised_timeline"]
        hidden = {"applicant", "enterprise", "timeline"}
        return [f for f in fields if f not in hidden]

    @admin.display(description=_("timeline"))
    def anonymised_timeline(self, obj):
        return self.timeline_html(obj, applicant_as=_("submitter"))

    @admin.display(boolean=True, description=_("on the board"))
    def board(self, obj):
        return obj.is_published

    @staticmethod
    def staff_steps(application):
        # Routing and answering have their own pages (a department, an answer); the generic
        # decisions offered are asking for more information and closing without an answer.
        steps = ApplicationAdmin.staff_steps(application)
        return [step for step in steps if step in (S.NEEDS_INFO, S.REJECTED)]

    @admin.action(description=_("Publish the selected answers (with consent) on the board"))
    def publish_answers(self, request, queryset):
        self._bulk(
            request,
            queryset,
            lambda application, by: services.feedback_publish(feedback=application, by=by),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/route/",
                self.admin_site.admin_view(self.route_view),
                name=self._url_name("route"),
            ),
            path(
                "<int:pk>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name=self._url_name("answer"),
            ),
            *super().get_urls(),
        ]

    def _step_view(self, request, pk, form_class, step, title):
        feedback = get_object_or_404(
            self.get_queryset(request).select_related("region", "department"), pk=pk
        )
        change_url = reverse(f"admin:{self._url_name('change')}", args=[pk])
        kwargs = {"feedback": feedback} if form_class is RouteForm else {}
        form = form_class(request.POST or None, **kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                step(feedback, form.cleaned_data, request.user)
            except PermissionDenied as error:
                messages.error(request, str(error) or _("You may not do this."))
                return redirect(change_url)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Done. The submitter has been told."))
                return redirect(change_url)
        return TemplateResponse(
            request,
            "admin/ecosystem/feedback/step.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "feedback": feedback,
                "form": form,
                "title": format_html("{} · {}", feedback.reference, title),
            },
        )

    def route_view(self, request, pk):
        return self._step_view(
            request,
            pk,
            RouteForm,
            lambda feedback, data, by: services.feedback_route(
                feedback=feedback, department=data["department"], by=by
            ),
            _("Route to a department"),
        )

    def answer_view(self, request, pk):
        return self._step_view(
            request,
            pk,
            AnswerForm,
            lambda feedback, data, by: services.feedback_answer(
                feedback=feedback, answer=data["answer"], by=by
            ),
            _("Answer"),
        )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["can_route"] = obj.status in (S.SUBMITTED, S.RESUBMITTED) and obj.can_route(
                request.user
            )
            context["can_answer"] = obj.status in (
                S.IN_REVIEW,
                S.RESUBMITTED,
            ) and obj.is_department_member(request.user)
            context["is_late"] = obj.is_overdue(timezone.localdate())
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
