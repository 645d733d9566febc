"""Enterprises: the public page of a verified enterprise, registration and requests to join,
and the enterprise's own pages under `/enterprise/`: the dashboard (members), the shortlist,
the contact requests sent, its postings and the applications they received (members of a
verified enterprise).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, TemplateView

from talentportal import workflow
from talentportal.lists import PortalListView
from talentportal.models import (
    AccountKind,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
)
from talents import services
from talents.filters import Catalogues
from talents.forms import (
    DemandForm,
    EnterpriseRegistrationForm,
    InternshipForm,
    JoinRequestForm,
    ProcessForm,
    apply_service_error,
)
from talents.models import (
    ContactRequest,
    ContactStatus,
    Demand,
    DemandApplication,
    Enterprise,
    EnterpriseJoinRequest,
    Internship,
    InternshipApplication,
    JoinRequestStatus,
    MemberRole,
    Shortlist,
    Talent,
    VerificationStatus,
)
from talents.privacy import masked_parts
from talents.views.access import (
    CANDIDATE_CAP,
    EnterpriseMemberRequired,
    VerifiedEnterpriseRequired,
    annotate_summaries,
    login_and_verified_enterprise,
    with_summaries,
)

#: Applications waiting for the enterprise's answer.
WAITING = (ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED)


class EnterpriseDetailView(DetailView):
    """`/enterprise/<id>/`: a verified enterprise's public page with its open postings; an
    enterprise that is not verified exists only for its members."""

    template_name = "talents/enterprise/detail.html"
    context_object_name = "enterprise"
    latest = 10

    def get_queryset(self):
        user = self.request.user
        visible = Q(status=VerificationStatus.VERIFIED)
        if user.is_authenticated:
            visible |= Q(members__user=user)
        return (
            Enterprise.objects.filter(visible)
            .distinct()
            .select_related("region", "industry")
            .defer("evidence", "rejection_reason")
        )

    def get_context_data(self, **kwargs):
        enterprise = self.object
        return super().get_context_data(
            demands=list(
                Demand.objects.published()
                .filter(enterprise=enterprise)
                .select_related("region")
                .defer("description")[: self.latest]
            ),
            internships=list(
                Internship.objects.published()
                .filter(enterprise=enterprise)
                .select_related("region")
                .defer("description")[: self.latest]
            ),
            is_member=enterprise.has_member(self.request.user),
            **kwargs,
        )


class EnterpriseRegisterView(LoginRequiredMixin, View):
    """`/enterprise/register/`: an enterprise account registers its enterprise, which then
    waits for the talent office to verify it."""

    template_name = "talents/enterprise/register.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.user.kind != AccountKind.ENTERPRISE:
                return render(request, "talents/enterprise/not_enterprise.html", status=403)
            if Enterprise.objects.of_member(request.user).exists():
                return redirect("talents:enterprise_dashboard")
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def catalogues(self):
        return Catalogues(disciplines=[])

    def make_form(self, *args, **kwargs):
        return EnterpriseRegistrationForm(
            *args,
            regions=self.catalogues.regions,
            industries=self.catalogues.industries,
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        return self.render(self.make_form())

    def post(self, request, *args, **kwargs):
        if "join-credit_code" in request.POST:
            return self.join(request)
        form = self.make_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.enterprise_register(user=request.user, **form.service_fields())
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your enterprise has been registered. The talent office will check it; "
                        "you will be told when it is verified."
                    ),
                )
                return redirect("talents:enterprise_dashboard")
        return self.render(form, status=400)

    def join(self, request):
        """A second employee asks to join the enterprise registered under a credit code."""
        join_form = JoinRequestForm(request.POST)
        if join_form.is_valid():
            try:
                join = services.enterprise_join_request(
                    user=request.user,
                    credit_code=join_form.cleaned_data["credit_code"],
                    message=join_form.cleaned_data["message"],
                )
            except ValidationError as error:
                apply_service_error(join_form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your request to join %(enterprise)s is sent to its administrator; "
                        "you will be told of the answer."
                    )
                    % {"enterprise": join.enterprise.display_name},
                )
                return redirect("talents:enterprise_register")
        return self.render(self.make_form(), status=400, join_form=join_form)

    def render(self, form, status=200, join_form=None):
        pending = EnterpriseJoinRequest.objects.filter(
            user=self.request.user, status=JoinRequestStatus.PENDING
        ).select_related("enterprise")
        context = {
            "form": form,
            "join_form": join_form or JoinRequestForm(),
            "pending_joins": list(pending),
        }
        return render(self.request, self.template_name, context, status=status)


@require_POST
@login_required
def enterprise_join_answer(request, pk, answer):
    """An administrator of the enterprise approves or declines a request to join it."""
    if answer not in ("approve", "decline"):
        raise Http404
    join = get_object_or_404(
        EnterpriseJoinRequest.objects.filter(
            enterprise__members__user=request.user,
            enterprise__members__role=MemberRole.ADMIN,
        ),
        pk=pk,
    )
    try:
        services.enterprise_join_answer(join=join, by=request.user, approve=answer == "approve")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your answer is sent."))
    return redirect("talents:enterprise_dashboard")


class EnterpriseDashboardView(EnterpriseMemberRequired, TemplateView):
    """`/enterprise/`: the enterprise's status and what it can do (a fixed number of queries:
    the enterprise, then one aggregate per kind of thing counted)."""

    template_name = "talents/enterprise/dashboard.html"

    def get_context_data(self, **kwargs):
        enterprise = self.enterprise
        figures = {}
        if enterprise.is_verified:
            today = timezone.localdate()
            open_q = Q(is_published=True) & (Q(closing_on__isnull=True) | Q(closing_on__gte=today))
            figures["demands"] = Demand.objects.filter(enterprise=enterprise).aggregate(
                total=Count("pk"), open=Count("pk", filter=open_q)
            )
            figures["internships"] = Internship.objects.filter(enterprise=enterprise).aggregate(
                total=Count("pk"), open=Count("pk", filter=open_q)
            )
            figures["demand_applications"] = DemandApplication.objects.filter(
                demand__enterprise=enterprise, status__in=WAITING
            ).count()
            figures["internship_applications"] = InternshipApplication.objects.filter(
                internship__enterprise=enterprise, status__in=WAITING
            ).count()
            figures["contacts"] = ContactRequest.objects.filter(enterprise=enterprise).aggregate(
                pending=Count("pk", filter=Q(status=ContactStatus.PENDING)),
                accepted=Count("pk", filter=Q(status=ContactStatus.ACCEPTED)),
            )
            figures["shortlist"] = Shortlist.objects.filter(
                enterprise=enterprise, talent__in=Talent.objects.searchable()
            ).count()
        join_requests = []
        if enterprise.members.filter(user=self.request.user, role=MemberRole.ADMIN).exists():
            join_requests = list(
                enterprise.join_requests.filter(status=JoinRequestStatus.PENDING).select_related(
                    "user"
                )
            )
        return super().get_context_data(
            enterprise=enterprise, figures=figures, join_requests=join_requests, **kwargs
        )


class ShortlistView(VerifiedEnterpriseRequired, PortalListView):
    """`/enterprise/shortlist/`: the enterprise's shortlist, as masked summaries. A talent who
    has since hidden their profile or deleted the account no longer appears."""

    template_name = "talents/enterprise/shortlist.html"
    context_object_name = "entries"
    paginate_by = 20
    count_cap = CANDIDATE_CAP

    def get_queryset(self):
        return with_summaries(
            Shortlist.objects.filter(
                enterprise=self.enterprise, talent__in=Talent.objects.searchable()
            ).select_related("added_by")
        ).order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entries = list(context["entries"])
        annotate_summaries([entry.talent for entry in entries], enterprise=self.enterprise)
        context.update(entries=entries, enterprise=self.enterprise)
        return context


class SentContactRequestsView(VerifiedEnterpriseRequired, PortalListView):
    """`/enterprise/contacts/`: the contact requests the enterprise sent and their answers."""

    template_name = "talents/enterprise/sent_requests.html"
    context_object_name = "contact_requests"
    paginate_by = 20
    count_cap = CANDIDATE_CAP

    def get_queryset(self):
        return with_summaries(
            ContactRequest.objects.filter(
                enterprise=self.enterprise, talent__deleted_at=None
            ).select_related("requested_by")
        ).order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contact_requests = list(context["contact_requests"])
        for contact in contact_requests:
            contact.talent.summary = masked_parts(contact.talent)
        context.update(contact_requests=contact_requests, enterprise=self.enterprise)
        return context


POSTING_KINDS = {
    "demand": (Demand, DemandForm, services.demand_create, services.demand_update),
    "internship": (
        Internship,
        InternshipForm,
        services.internship_create,
        services.internship_update,
    ),
}


def posting_kind(kind: str):
    if kind not in POSTING_KINDS:
        raise Http404
    return POSTING_KINDS[kind]


class PostingManageListView(VerifiedEnterpriseRequired, PortalListView):
    """`/enterprise/postings/?kind=demand|internship`: the enterprise's postings, open or
    closed, with how many applications wait for an answer."""

    template_name = "talents/enterprise/postings.html"
    context_object_name = "postings"
    paginate_by = 20
    count_cap = CANDIDATE_CAP

    @cached_property
    def kind(self) -> str:
        kind = self.request.GET.get("kind", "demand")
        return kind if kind in POSTING_KINDS else "demand"

    def get_queryset(self):
        model = POSTING_KINDS[self.kind][0]
        return (
            model.objects.filter(enterprise=self.enterprise)
            .select_related("region")
            .defer("description")
            .annotate(
                waiting=Count("applications", filter=Q(applications__status__in=WAITING)),
                received=Count(
                    "applications", filter=~Q(applications__status=ApplicationStatus.DRAFT)
                ),
            )
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published_ids = set(
            POSTING_KINDS[self.kind][0]
            .objects.published()
            .filter(pk__in=[p.pk for p in context["postings"]])
            .values_list("pk", flat=True)
        )
        for posting in context["postings"]:
            posting.is_open = posting.pk in published_ids
        context.update(kind=self.kind, enterprise=self.enterprise)
        return context


class PostingFormView(VerifiedEnterpriseRequired, View):
    template_name = "talents/enterprise/posting_form.html"

    def dispatch(self, request, *args, kind, **kwargs):
        self.kind = kind
        self.model, self.form_class, self.create, self.update = posting_kind(kind)
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def catalogues(self):
        return Catalogues(industries=[])

    def make_form(self, *args, **kwargs):
        return self.form_class(
            *args,
            regions=self.catalogues.regions,
            disciplines=self.catalogues.disciplines,
            **kwargs,
        )

    def render(self, form, posting=None, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "posting": posting, "kind": self.kind, "enterprise": self.enterprise},
            status=status,
        )


class PostingCreateView(PostingFormView):
    def get(self, request, *args, **kwargs):
        return self.render(self.make_form(initial={"region": self.enterprise.region_id}))

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                posting = self.create(
                    enterprise=self.enterprise, by=request.user, **form.service_fields()
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Saved: %(position)s.") % {"position": posting})
                return redirect(reverse("talents:postings") + f"?kind={self.kind}")
        return self.render(form, status=400)


class PostingUpdateView(PostingFormView):
    def dispatch(self, request, *args, pk, **kwargs):
        self.pk = pk
        return super().dispatch(request, *args, **kwargs)

    def get_posting(self):
        return get_object_or_404(self.model.objects.filter(enterprise=self.enterprise), pk=self.pk)

    def get(self, request, *args, **kwargs):
        posting = self.get_posting()
        return self.render(self.make_form(instance=posting), posting)

    def post(self, request, *args, **kwargs):
        posting = self.get_posting()
        form = self.make_form(request.POST, instance=posting)
        if form.is_valid():
            try:
                self.update(**{self.kind: posting}, by=request.user, **form.service_fields())
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Saved: %(position)s.") % {"position": posting})
                return redirect(reverse("talents:postings") + f"?kind={self.kind}")
        return self.render(form, posting, status=400)


@require_POST
@login_and_verified_enterprise
def posting_close(request, kind, pk, *, enterprise):
    """Close a posting: it leaves the public lists; applications already made stay."""
    model, _form, _create, update = posting_kind(kind)
    posting = get_object_or_404(model.objects.filter(enterprise=enterprise), pk=pk)
    update(**{kind: posting}, by=request.user, is_published=False)
    messages.success(request, _("Closed: %(position)s.") % {"position": posting})
    return redirect(reverse("talents:postings") + f"?kind={kind}")


APPLICATION_KINDS = {
    "demand": (DemandApplication, "demand"),
    "internship": (InternshipApplication, "internship"),
}


class ReceivedApplicationListView(VerifiedEnterpriseRequired, PortalListView):
    """`/enterprise/applications/?kind=…&status=…`: applications to the enterprise's postings
    (drafts are the applicant's own business and never shown)."""

    template_name = "talents/enterprise/applications.html"
    context_object_name = "applications"
    paginate_by = 20
    count_cap = CANDIDATE_CAP

    @cached_property
    def kind(self) -> str:
        kind = self.request.GET.get("kind", "demand")
        return kind if kind in APPLICATION_KINDS else "demand"

    @cached_property
    def status(self) -> str:
        status = self.request.GET.get("status", "")
        shown = {s for s in ApplicationStatus.values if s != ApplicationStatus.DRAFT}
        return status if status in shown else ""

    def get_queryset(self):
        demands, internships = services.applications_for_enterprise(self.enterprise)
        queryset = demands if self.kind == "demand" else internships
        if self.status:
            queryset = queryset.filter(status=self.status)
        return queryset.defer(
            f"{self.kind}__description", "cover_letter", "decision_reason"
        ).order_by("-submitted_at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kind=self.kind,
            status=self.status,
            statuses=[
                (value, label)
                for value, label in ApplicationStatus.choices
                if value != ApplicationStatus.DRAFT
            ],
            enterprise=self.enterprise,
            **kwargs,
        )


class ApplicationProcessView(VerifiedEnterpriseRequired, View):
    """`/enterprise/applications/<reference>/`: one application to the enterprise's posting,
    its timeline, and the workflow's next steps (review, ask for information, accept,
    reject). Another enterprise's application, or a draft, is a 404."""

    template_name = "talents/enterprise/application_process.html"
    TRANSITIONS = {
        ProcessForm.START_REVIEW: ApplicationStatus.IN_REVIEW,
        ProcessForm.REQUEST_INFO: ApplicationStatus.NEEDS_INFO,
        ProcessForm.APPROVE: ApplicationStatus.APPROVED,
        ProcessForm.REJECT: ApplicationStatus.REJECTED,
    }

    def dispatch(self, request, *args, reference, **kwargs):
        self.reference = reference[:20]
        return super().dispatch(request, *args, **kwargs)

    def get_application(self):
        prefix = self.reference.split("-", 1)[0]
        for model, field in APPLICATION_KINDS.values():
            if prefix == model.REFERENCE_PREFIX:
                application = (
                    model.objects.filter(
                        reference=self.reference, **{f"{field}__enterprise": self.enterprise}
                    )
                    .exclude(status=ApplicationStatus.DRAFT)
                    .select_related("applicant", field, f"{field}__region")
                    .first()
                )
                if application is not None:
                    application.posting = getattr(application, field)
                    application.kind = field
                    return application
        raise Http404

    def allowed_actions(self, application) -> list[str]:
        possible = workflow.ALLOWED.get(application.status, set())
        actions = [action for action, to in self.TRANSITIONS.items() if to in possible]
        if application.status not in ApplicationStatus.closed():
            actions.append(ProcessForm.COMMENT)
        return actions

    def get(self, request, *args, **kwargs):
        application = self.get_application()
        return self.render(application, ProcessForm(allowed=self.allowed_actions(application)))

    def post(self, request, *args, **kwargs):
        application = self.get_application()
        allowed = self.allowed_actions(application)
        form = ProcessForm(request.POST, allowed=allowed)
        if not form.is_valid():
            return self.render(application, form, status=400)
        action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
        try:
            if action == ProcessForm.COMMENT:
                workflow.application_comment(
                    application=application, by=request.user, comment=comment
                )
            else:
                workflow.application_transition(
                    application=application,
                    to=self.TRANSITIONS[action],
                    by=request.user,
                    comment=comment,
                )
        except ValidationError as error:
            apply_service_error(form, error)
            return self.render(application, form, status=400)
        except PermissionDenied:
            raise Http404 from None
        messages.success(
            request, _("Application %(reference)s updated.") % {"reference": application.reference}
        )
        return redirect("talents:application_process", reference=application.reference)

    def render(self, application, form, status=200):
        events = ApplicationEvent.objects.filter(reference=application.reference).select_related(
            "actor"
        )
        return render(
            self.request,
            self.template_name,
            {
                "application": application,
                "events": events,
                "documents_count": ApplicationDocument.objects.filter(
                    reference=application.reference
                ).count(),
                "form": form if form.fields["action"].choices else None,
                "enterprise": self.enterprise,
            },
            status=status,
        )
