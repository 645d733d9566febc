"""The public pages of the talent ecosystem.

    /service-points/                 service points, with filters (ecosystem.filters)
    /service-points/<id>/            services, designations, upcoming events, hours, contact
    /alliances/                      industry talent alliances and industry–education consortia
    /alliances/<id>/                 lead, members with join dates, activities
    /alliances/mine/                 the alliances the signed-in member's enterprises belong to
    /finance/                        financial products of verified institutions
    /finance/<id>/                   a product, with eligibility explained for the visitor
    /finance/<id>/apply/             the application (draft or submit; shared workflow)
    /finance/key-enterprises/        the yearly key enterprises list for listing services
    /feedback/                       the public board: anonymised questions and answers
    /feedback/new/                   a talent or enterprise member files a problem or suggestion
    /feedback/<reference>/           the submitter's tracking page (404 for anyone else)
    /feedback/<reference>/rate/      the submitter rates the answer and may consent to publish
    /feedback/<reference>/unpublish/ the submitter withdraws the consent (off the public board)

Views stay thin: reads through the models' QuerySets, writes through `ecosystem.services`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, TemplateView

from ecosystem import services
from ecosystem.filters import (
    AllianceFilterSet,
    FeedbackBoardFilterSet,
    ProductFilterSet,
    ServicePointFilterSet,
)
from ecosystem.forms import FeedbackForm, FinancialApplicationForm, RatingForm
from ecosystem.models import (
    Alliance,
    AllianceMembership,
    Feedback,
    FinancialApplication,
    FinancialProduct,
    KeyEnterprise,
    KeyEnterpriseList,
    MaturityStage,
    ServicePoint,
)
from policies.models import EnterpriseType
from talentportal.choices import TalentTier
from talentportal.lists import PortalFilterView, PortalListView
from talentportal.models import ApplicationStatus
from talentportal.ratelimit import RateLimitMixin, rate_limit
from talents.models import EnterpriseMember, VerificationStatus


class EcosystemListView(PortalFilterView):
    paginate_by = 12


# Service points ---------------------------------------------------------------------------


class ServicePointListView(EcosystemListView):
    filterset_class = ServicePointFilterSet
    template_name = "ecosystem/servicepoint_list.html"

    def get_queryset(self):
        return (
            ServicePoint.objects.published()
            .select_related("region")
            .annotate(service_count=Count("services", distinct=True))
        )


class ServicePointDetailView(DetailView):
    template_name = "ecosystem/servicepoint_detail.html"
    context_object_name = "point"

    def get_queryset(self):
        return ServicePoint.objects.published().select_related("region")

    def get_context_data(self, **kwargs):
        point = self.object
        return super().get_context_data(
            services=list(
                point.services.filter(is_published=True)
                .select_related("region")
                .order_by("name_zh", "pk")
            ),
            designations=list(point.designations.all()),
            roadshows=list(
                point.roadshows.filter(is_published=True, ends_at__gte=timezone.now()).order_by(
                    "starts_at", "pk"
                )
            ),
            salons=list(point.events.filter(date__gte=timezone.localdate()).order_by("date", "pk")),
            **kwargs,
        )


# Alliances --------------------------------------------------------------------------------


class AllianceListView(EcosystemListView):
    filterset_class = AllianceFilterSet
    template_name = "ecosystem/alliance_list.html"

    def get_queryset(self):
        return Alliance.objects.published().select_related("region", "industry").with_member_count()


class AllianceDetailView(DetailView):
    template_name = "ecosystem/alliance_detail.html"
    context_object_name = "alliance"

    def get_queryset(self):
        return Alliance.objects.published().select_related("region", "industry")

    def get_context_data(self, **kwargs):
        alliance = self.object
        return super().get_context_data(
            memberships=list(
                AllianceMembership.objects.filter(alliance=alliance)
                .select_related("enterprise")
                .defer("enterprise__description", "enterprise__evidence")
                .order_by("role", "joined_on", "pk")
            ),
            activities=list(alliance.activities.all()),
            verified=VerificationStatus.VERIFIED,
            **kwargs,
        )


class MyMembershipsView(LoginRequiredMixin, PortalListView):
    """The alliance memberships of the enterprises the signed-in user is a member of."""

    template_name = "ecosystem/my_memberships.html"
    context_object_name = "memberships"

    def get_queryset(self):
        return services.memberships_of(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_member=EnterpriseMember.objects.filter(user=self.request.user).exists(), **kwargs
        )


# Finance ----------------------------------------------------------------------------------


class ProductListView(EcosystemListView):
    filterset_class = ProductFilterSet
    template_name = "ecosystem/product_list.html"

    def get_queryset(self):
        return FinancialProduct.objects.published().select_related("institution", "region")


class ProductDetailView(DetailView):
    template_name = "ecosystem/product_detail.html"
    context_object_name = "product"

    def get_queryset(self):
        return FinancialProduct.objects.published().select_related("institution", "region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(product_context(self.request, self.object))
        return context


def product_context(request, product, form=None) -> dict:
    """What the product page shows the visitor: eligibility, their application, the form."""
    user = request.user
    context = {
        "product": product,
        "tier_labels": [TalentTier(tier).label for tier in product.eligible_tiers],
        "type_labels": [EnterpriseType(kind).label for kind in product.eligible_enterprise_types],
    }
    if not user.is_authenticated:
        return context
    mine = (
        FinancialApplication.objects.filter(applicant=user, product=product)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .order_by("-created_at")
        .first()
    )
    draft = mine if mine is not None and mine.status == ApplicationStatus.DRAFT else None
    eligibility = services.product_eligibility(product=product, user=user)
    if form is None:
        initial = None
        if draft is not None:
            initial = {
                "amount": draft.amount,
                "purpose": draft.purpose,
                "enterprise_type": draft.enterprise_type,
            }
        form = FinancialApplicationForm(
            product=product, enterprise=eligibility.enterprise, initial=initial
        )
    context.update(eligibility=eligibility, application=mine, form=form)
    return context


@require_POST
@rate_limit("submit")
@login_required
def product_apply(request, pk):
    """Save the draft: `action=save` comes back to the product page, `action=submit` (the
    form's main button) goes on to "check your answers", which submits
    (`FinancialApplication.submit_checked`). A second submit (a double click) finds the
    application submitted and says so; nothing is lost."""
    product = get_object_or_404(
        FinancialProduct.objects.published().select_related("institution", "region"), pk=pk
    )
    eligibility = services.product_eligibility(product=product, user=request.user)
    form = FinancialApplicationForm(
        request.POST, product=product, enterprise=eligibility.enterprise
    )
    if form.is_valid():
        try:
            application = services.financial_application_save(
                product=product,
                applicant=request.user,
                amount=form.cleaned_data["amount"],
                purpose=form.cleaned_data["purpose"],
                enterprise_type=form.cleaned_data.get("enterprise_type", ""),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if request.POST.get("action") in ("submit", "check"):
                return redirect("me:application_check", reference=application.reference)
            messages.success(request, _("Your draft is saved. Submit it when it is ready."))
            return redirect("ecosystem:product", pk=product.pk)
    return render(
        request,
        "ecosystem/product_detail.html",
        product_context(request, product, form=form),
        status=400,
    )


class KeyEnterpriseListView(TemplateView):
    """`/finance/key-enterprises/?year=2026`: the lists of that year (the latest year by
    default), each with its maturity criteria and the chosen enterprises by stage. A few
    hundred enterprises a year at most: no pagination, three queries."""

    template_name = "ecosystem/key_enterprises.html"

    def get_context_data(self, **kwargs):
        published = KeyEnterpriseList.objects.published().select_related("region")
        years = sorted(set(published.values_list("year", flat=True)), reverse=True)
        year = self.request.GET.get("year", "")
        if year:
            if not year.isdigit() or int(year) not in years:
                raise Http404(_("There is no key enterprises list for that year."))
            chosen = int(year)
        else:
            chosen = years[0] if years else None
        entries = (
            KeyEnterprise.objects.select_related("enterprise", "enterprise__region")
            .defer("enterprise__description", "enterprise__evidence")
            .order_by("stage", "enterprise__name", "pk")
        )
        lists = list(
            published.filter(year=chosen)
            .order_by("region_id")
            .prefetch_related(Prefetch("entries", queryset=entries))
        )
        return super().get_context_data(
            years=years,
            year=chosen,
            lists=lists,
            stages=MaturityStage.choices,
            verified=VerificationStatus.VERIFIED,
            **kwargs,
        )


# Feedback ---------------------------------------------------------------------------------


class FeedbackBoardView(EcosystemListView):
    filterset_class = FeedbackBoardFilterSet
    template_name = "ecosystem/feedback_board.html"

    def get_queryset(self):
        return (
            Feedback.objects.public_board()
            .select_related("region", "department")
            .defer("rating_comment")
        )


class FeedbackCreateView(LoginRequiredMixin, RateLimitMixin, FormView):
    form_class = FeedbackForm
    rate_limit_group = "submit"
    rate_limit_methods = ["POST"]
    template_name = "ecosystem/feedback_form.html"

    def dispatch(self, request, *args, **kwargs):
        # Anonymous visitors: the log-in page (LoginRequiredMixin), before this check.
        if request.user.is_authenticated and not services.may_file_feedback(request.user):
            raise PermissionDenied(_("Only talents and enterprise members may file feedback."))
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        key = data["submission_key"]
        filed = Feedback.objects.filter(applicant=self.request.user, submission_key=key).first()
        if filed is not None:  # the same form sent again: show what it filed
            messages.info(self.request, _("This feedback was already filed."))
            return redirect("ecosystem:feedback", reference=filed.reference)
        try:
            feedback = services.feedback_submit(
                applicant=self.request.user,
                category=data["category"],
                region=data["region"],
                title=data["title"],
                description=data["description"],
                attachment=data.get("attachment"),
                submission_key=key,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Thank you. Your feedback %(reference)s is filed; follow it on this page.")
            % {"reference": feedback.reference},
        )
        return redirect("ecosystem:feedback", reference=feedback.reference)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


def own_feedback(request, reference) -> Feedback:
    """The signed-in user's feedback; a 404 for anyone else's (its existence stays hidden)."""
    return get_object_or_404(
        Feedback.objects.select_related("region", "department"),
        reference=reference,
        applicant=request.user,
    )


@login_required
def feedback_track(request, reference, form=None):
    feedback = own_feedback(request, reference)
    can_rate = feedback.answered_at is not None and feedback.rating is None
    return render(
        request,
        "ecosystem/feedback_detail.html",
        {
            "feedback": feedback,
            "can_rate": can_rate,
            "form": form or (RatingForm() if can_rate else None),
        },
        status=400 if form is not None else 200,
    )


@require_POST
@login_required
def feedback_rate(request, reference):
    feedback = own_feedback(request, reference)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return feedback_track(request, reference, form=form)
    try:
        services.feedback_rate(
            feedback=feedback,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            publish=form.cleaned_data["publish"],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you for rating the answer."))
    return redirect("ecosystem:feedback", reference=feedback.reference)


@require_POST
@login_required
def feedback_unpublish(request, reference):
    """The submitter takes their question off the public board (and withdraws the consent)."""
    feedback = own_feedback(request, reference)
    if feedback.publish_consent or feedback.is_published:
        services.feedback_unpublish(feedback=feedback, by=request.user)
        messages.success(request, _("Your question is off the public board."))
    return redirect("ecosystem:feedback", reference=feedback.reference)
