"""Enterprise-led talent evaluation: an evaluating enterprise nominates a candidate for a tier
and follows its nominations; anyone may check a talent card.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from talentportal.lists import PortalListView
from talentportal.ratelimit import RateLimitMixin
from talents import services
from talents.forms import CardLookupForm, NominateForm, apply_service_error
from talents.models import Evaluation
from talents.privacy import masked_parts
from talents.views.access import (
    CANDIDATE_CAP,
    VerifiedEnterpriseRequired,
    searchable_talent,
    with_summaries,
)


class EvaluationNominateView(RateLimitMixin, VerifiedEnterpriseRequired, View):
    """`/talents/<id>/nominate/`: an authorised evaluating entity nominates a candidate for a
    tier; the talent office confirms. A 404 for enterprises that are not evaluators."""

    template_name = "talents/nominate.html"
    rate_limit_group = "submit"
    rate_limit_methods = ["POST"]

    def dispatch(self, request, *args, pk, **kwargs):
        self.pk = pk
        return super().dispatch(request, *args, **kwargs)

    def setup_talent(self):
        if not self.enterprise.is_evaluator:
            raise Http404
        self.talent = searchable_talent(self.pk)
        self.talent.summary = masked_parts(self.talent)

    def get(self, request, *args, **kwargs):
        self.setup_talent()
        return self.render(NominateForm())

    def post(self, request, *args, **kwargs):
        self.setup_talent()
        form = NominateForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(form, status=400)
        try:
            evaluation = services.evaluation_nominate(
                enterprise=self.enterprise,
                talent=self.talent,
                by=request.user,
                proposed_tier=form.cleaned_data["proposed_tier"],
                evidence=form.cleaned_data["evidence"],
                document=form.cleaned_data["document"],
                submit=True,
            )
        except ValidationError as error:
            apply_service_error(form, error)
            return self.render(form, status=400)
        messages.success(
            request,
            _("Nomination %(reference)s has been sent to the talent office.")
            % {"reference": evaluation.reference},
        )
        return redirect("talents:evaluations")

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "talent": self.talent, "enterprise": self.enterprise},
            status=status,
        )


class EvaluationListView(VerifiedEnterpriseRequired, PortalListView):
    """`/enterprise/evaluations/`: the enterprise's nominations and their outcome."""

    template_name = "talents/enterprise/evaluations.html"
    context_object_name = "evaluations"
    paginate_by = 20
    count_cap = CANDIDATE_CAP

    def get_queryset(self):
        if not self.enterprise.is_evaluator:
            raise Http404
        return with_summaries(
            Evaluation.objects.filter(enterprise=self.enterprise).defer("evidence")
        ).order_by("-created_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for evaluation in context["evaluations"]:
            evaluation.talent.summary = masked_parts(evaluation.talent)
        context["enterprise"] = self.enterprise
        return context


# Talent cards ----------------------------------------------------------------------------------


def card_lookup(request):
    """`/talents/card/?number=…`: the form to check a card; a valid number goes to its page."""
    form = CardLookupForm(request.GET if "number" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("talents:card", number=form.cleaned_data["number"])
    return render(request, "talents/card.html", {"form": form, "check": None})


def card_detail(request, number):
    """`/talents/card/<number>/`: anyone may check a card; it shows only the masked name, the
    tier and the validity. An unknown number is a 404 page that says so."""
    check = services.talent_card_verify(number)
    form = CardLookupForm(initial={"number": number[:20]})
    status = 200 if check is not None else 404
    return render(
        request,
        "talents/card.html",
        {"form": form, "check": check, "number": number[:20], "looked_up": True},
        status=status,
    )
