"""Talent demands and internships for everyone: the public lists (`/demands/`,
`/internships/`), a posting's page, and applying through the shared application workflow
(talents only).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from talentportal.lists import PortalFilterView
from talentportal.models import AccountKind, ApplicationStatus
from talentportal.ratelimit import RateLimitMixin
from talents import services
from talents.filters import DemandFilterSet, InternshipFilterSet
from talents.forms import DemandApplyForm, InternshipApplyForm, apply_service_error
from talents.models import Demand, DemandApplication, Internship, InternshipApplication

#: How many postings a list counts and pages through at most.
POSTING_CAP = 10000


class PostingListView(PortalFilterView):
    """What `/demands/` and `/internships/` share. Queries: the three catalogues, one bounded
    COUNT and one page of postings with their enterprise and region."""

    paginate_by = 20
    count_cap = POSTING_CAP
    kind = ""

    def get_queryset(self):
        return (
            self.model.objects.published()
            .select_related("enterprise", "region")
            .defer("description", "enterprise__description")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            postings=context["page_obj"].object_list,
            sort_key=self.filterset.sort_key,
            kind=self.kind,
        )
        return context


class DemandListView(PostingListView):
    model = Demand
    filterset_class = DemandFilterSet
    template_name = "talents/demand_list.html"
    kind = "demand"

    def get_queryset(self):
        return super().get_queryset().select_related("discipline")


class InternshipListView(PostingListView):
    model = Internship
    filterset_class = InternshipFilterSet
    template_name = "talents/internship_list.html"
    kind = "internship"


class PostingDetailView(DetailView):
    """A published posting, for everyone; an unpublished one for its enterprise's members."""

    context_object_name = "posting"
    application_model = None
    posting_field = ""
    kind = ""

    def get_queryset(self):
        model = self.model
        user = self.request.user
        visible = Q(pk__in=model.objects.published().values("pk"))
        if user.is_authenticated:
            visible |= Q(pk__in=model.objects.manageable_by(user).values("pk"))
        return model.objects.filter(visible).select_related(
            "enterprise", "enterprise__region", "enterprise__industry", "region"
        )

    def get_context_data(self, **kwargs):
        posting = self.object
        user = self.request.user
        mine = None
        if user.is_authenticated:
            mine = (
                self.application_model.objects.of(user)
                .filter(**{self.posting_field: posting})
                .exclude(status=ApplicationStatus.WITHDRAWN)
                .first()
            )
        return super().get_context_data(
            kind=self.kind,
            my_application=mine,
            is_open=self.model.objects.published().filter(pk=posting.pk).exists(),
            is_member=user.is_authenticated and posting.enterprise.has_member(user),
            **kwargs,
        )


class DemandDetailView(PostingDetailView):
    model = Demand
    template_name = "talents/demand_detail.html"
    application_model = DemandApplication
    posting_field = "demand"
    kind = "demand"

    def get_queryset(self):
        return super().get_queryset().select_related("discipline")


class InternshipDetailView(PostingDetailView):
    model = Internship
    template_name = "talents/internship_detail.html"
    application_model = InternshipApplication
    posting_field = "internship"
    kind = "internship"


class PostingApplyView(RateLimitMixin, LoginRequiredMixin, View):
    """Apply for a posting through the shared workflow: one application per person and
    posting (the database refuses a second), submitted at once; the enterprise's members
    process it. Talents only."""

    template_name = "talents/posting_apply.html"
    rate_limit_group = "submit"
    rate_limit_methods = ["POST"]
    model = None
    form_class = DemandApplyForm
    kind = ""

    def dispatch(self, request, *args, pk, **kwargs):
        self.posting = get_object_or_404(
            self.model.objects.published().select_related("enterprise", "region"), pk=pk
        )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if request.user.kind != AccountKind.TALENT:
            return self.render(None, status=403)
        existing = services.posting_application_of(posting=self.posting, applicant=request.user)
        if existing is not None and existing.status != ApplicationStatus.DRAFT:
            return self.already(existing)
        initial = None
        if existing is not None:  # a draft: its answers come back
            initial = {name: getattr(existing, name) for name in existing.ANSWER_FIELDS}
        return self.render(self.form_class(initial=initial))

    def post(self, request, *args, **kwargs):
        if request.user.kind != AccountKind.TALENT:
            return self.render(None, status=403)
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            application, submitted = services.posting_application_submit(
                posting=self.posting, applicant=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_error(form, error)
            return self.render(form, status=400)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return self.render(None, status=403)
        if not submitted:
            return self.already(application)
        messages.success(
            request,
            _("Your application %(reference)s has been sent to %(enterprise)s.")
            % {
                "reference": application.reference,
                "enterprise": self.posting.enterprise.display_name,
            },
        )
        return redirect(application)

    def already(self, application):
        messages.info(
            self.request,
            _("You have applied for this position already (%(reference)s).")
            % {"reference": application.reference},
        )
        return redirect(application)

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "posting": self.posting, "kind": self.kind},
            status=status,
        )


class DemandApplyView(PostingApplyView):
    model = Demand
    form_class = DemandApplyForm
    kind = "demand"


class InternshipApplyView(PostingApplyView):
    model = Internship
    form_class = InternshipApplyForm
    kind = "internship"
