"""The section's front page and what a verified enterprise does with candidates: search them,
open a candidate's masked profile, see contact details or the résumé when the talent allows it
(after a recent second factor, logged by `talents.services`), shortlist them and ask them for
contact details.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from talentportal import otp
from talentportal.http import safe_next
from talentportal.lists import PortalFilterView
from talentportal.models import AccountKind
from talentportal.ratelimit import RateLimitMixin
from talents import services
from talents.filters import CandidateFilterSet
from talents.forms import AccessReasonForm, ContactRequestForm
from talents.models import ConsentPurpose, Demand, Internship, Talent
from talents.views.access import (
    CANDIDATE_CAP,
    VerifiedEnterpriseRequired,
    acting_enterprise,
    annotate_summaries,
    login_and_verified_enterprise,
    searchable_talent,
    with_summaries,
)

# Section front page -----------------------------------------------------------------------------


class IndexView(TemplateView):
    """`/talents/`: the section's front page, with the newest demands and internships and
    what the signed-in person can do here (two queries, plus one for an enterprise)."""

    template_name = "talents/index.html"
    latest = 4

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            demands=list(
                Demand.objects.published()
                .select_related("enterprise", "region")
                .defer("description")
                .order_by("-created_at", "-pk")[: self.latest]
            ),
            internships=list(
                Internship.objects.published()
                .select_related("enterprise", "region")
                .defer("description")
                .order_by("-created_at", "-pk")[: self.latest]
            ),
            enterprise=acting_enterprise(user) if user.is_authenticated else None,
            is_talent=user.is_authenticated and user.kind == AccountKind.TALENT,
            **kwargs,
        )


# Candidate search ---------------------------------------------------------------------------------


SEARCH_FORM_ID = "candidate-search"


def talent_url(pk) -> str:
    return reverse("talents:talent", args=[pk])


class CandidateSearchView(RateLimitMixin, VerifiedEnterpriseRequired, PortalFilterView):
    """`/talents/search/`: find candidates (see `talents.filters.CandidateFilterSet`).

    Queries, however many talents there are: the enterprise, the three catalogues of the
    filter form, one bounded COUNT, one page of talents (with region and discipline), the
    page's shortlist entries and contact requests.

    Relevance is ranked among the matches the page shows and counts: when a search text
    matches more than the cap, the best matches of the first `cap` found are listed (the
    page says that it shows the first ones only), so that a common word does not make the
    database rank tens of thousands of profiles.
    """

    model = Talent
    filterset_class = CandidateFilterSet
    rate_limit_group = "search"
    template_name = "talents/search.html"
    paginate_by = 20
    count_cap = CANDIDATE_CAP

    def get_queryset(self):
        return with_summaries(Talent.objects.searchable(), via="")

    def get_paginator(self, queryset, *args, **kwargs):
        paginator = super().get_paginator(queryset, *args, **kwargs)
        if paginator.is_capped and self.filterset.sort_key == "relevance":
            first_found = queryset.order_by().values("pk")[: paginator.cap]
            paginator.object_list = queryset.filter(pk__in=first_found)
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        for name, field in filterset.form.fields.items():
            if name != "q":
                field.widget.attrs["form"] = SEARCH_FORM_ID
        context.update(
            enterprise=self.enterprise,
            results=annotate_summaries(context["page_obj"].object_list, enterprise=self.enterprise),
            sort_key=filterset.sort_key,
            search_form_id=SEARCH_FORM_ID,
            contact_form=ContactRequestForm(),
        )
        return context


def _candidate_context(request, talent, enterprise, **extra) -> dict:
    annotate_summaries([talent], enterprise=enterprise)
    allowed = services.contact_allowed(talent=talent, enterprise=enterprise)
    context = {
        "talent": talent,
        "enterprise": enterprise,
        "educations": list(talent.educations.select_related("discipline")),
        "experiences": list(talent.experiences.all()),
        "industries": list(talent.industries.all()),
        "work_regions": list(talent.work_regions.all()),
        "contact_allowed": allowed,
        "has_resume": bool(talent.resume)
        and talent.user.consents.in_force()
        .filter(purpose=ConsentPurpose.RESUME_PROCESSING)
        .exists(),
        "reason_form": AccessReasonForm(prefix_id="contact"),
        "resume_form": AccessReasonForm(prefix_id="resume"),
        "contact_form": ContactRequestForm(),
        "details": None,
        "next": talent_url(talent.pk),
    }
    context.update(extra)
    return context


@never_cache
@login_and_verified_enterprise
def candidate_detail(request, pk, *, enterprise):
    """`/talents/<id>/`: a candidate's masked profile. Opening it is logged as a profile view
    (the talent sees it in "who viewed my profile"); contact details are one more step."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    talent = searchable_talent(pk)
    services.profile_view_record(
        talent=talent,
        viewer=request.user,
        enterprise=enterprise,
        why=_("Opened the profile from the candidate search"),
    )
    return render(
        request, "talents/candidate_detail.html", _candidate_context(request, talent, enterprise)
    )


@never_cache
@require_POST
@login_and_verified_enterprise
def contact_details(request, pk, *, enterprise):
    """POST `/talents/<id>/contact-details/` with a reason: the talent's name, phone and
    e-mail, when the talent allows this enterprise (`services.contact_details_view` checks
    and logs). Shown once, not stored in a URL; a 404 when not allowed. Only after a second
    factor passed in the last few minutes (`otp.step_up_response`)."""
    talent = searchable_talent(pk)
    if stepped_up := otp.step_up_response(request, next_url=talent_url(pk)):
        return stepped_up
    form = AccessReasonForm(request.POST, prefix_id="contact")
    if not form.is_valid():
        context = _candidate_context(request, talent, enterprise, reason_form=form)
        return render(request, "talents/candidate_detail.html", context, status=400)
    details = services.contact_details_view(
        talent=talent, viewer=request.user, enterprise=enterprise, why=form.cleaned_data["why"]
    )
    context = _candidate_context(request, talent, enterprise, details=details)
    return render(request, "talents/candidate_detail.html", context)


@never_cache
@require_POST
@login_and_verified_enterprise
def candidate_resume(request, pk, *, enterprise):
    """POST `/talents/<id>/resume/` with a reason: the résumé (logged by the service), after a
    recent second factor as for contact details."""
    talent = searchable_talent(pk)
    if stepped_up := otp.step_up_response(request, next_url=talent_url(pk)):
        return stepped_up
    form = AccessReasonForm(request.POST, prefix_id="resume")
    if not form.is_valid():
        context = _candidate_context(request, talent, enterprise, resume_form=form)
        return render(request, "talents/candidate_detail.html", context, status=400)
    try:
        handle = services.resume_open(
            talent=talent, viewer=request.user, enterprise=enterprise, why=form.cleaned_data["why"]
        )
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename="resume.pdf", content_type="application/pdf"
    )


@require_POST
@login_and_verified_enterprise
def shortlist_toggle(request, pk, *, enterprise):
    """POST `/talents/<id>/shortlist/` with `action=add` or `remove`."""
    talent = get_object_or_404(Talent.objects.active(), pk=pk)
    fallback = talent_url(pk)
    if request.POST.get("action") == "remove":
        services.shortlist_remove(enterprise=enterprise, talent=talent, by=request.user)
        messages.success(request, _("Removed from your shortlist."))
    else:
        services.shortlist_add(enterprise=enterprise, talent=talent, by=request.user)
        messages.success(request, _("Added to your shortlist."))
    return redirect(safe_next(request, fallback))


@require_POST
@login_and_verified_enterprise
def contact_request(request, pk, *, enterprise):
    """POST `/talents/<id>/contact/` with a message: ask the talent for contact details."""
    talent = searchable_talent(pk)
    form = ContactRequestForm(request.POST)
    fallback = talent_url(pk)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(safe_next(request, fallback))
    try:
        services.contact_request_create(
            enterprise=enterprise,
            talent=talent,
            by=request.user,
            message=form.cleaned_data["message"],
        )
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Your request has been sent. You will be told when the talent answers."),
        )
    return redirect(safe_next(request, fallback))
