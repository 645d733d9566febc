"""The talent resource library's pages. Views stay thin: filters parse the query string, forms
parse what was posted, and every write and every read of personal data goes through
`talents.services`, which checks the rules and writes the access log.

Who may see what:

- candidate search, candidate pages, the shortlist and contact requests: members of a
  verified enterprise; anyone else signed in gets a 404 (nothing tells an unverified or
  another enterprise that a talent or page exists), anonymous visitors the log-in page;
- `/me/profile/…`: talent accounts, their own data only;
- `/demands/`, `/internships/`, talent cards: everyone; applying: talents;
- `/enterprise/…`: members of the enterprise; posting and processing: verified ones.

Every list runs a fixed number of queries, and counts stop at a cap (`talentportal.lists`),
so no page counts a million rows.
"""

import json
from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, TemplateView

from talentportal import otp, workflow
from talentportal.http import safe_next
from talentportal.lists import PortalFilterView, PortalListView
from talentportal.models import (
    AccountKind,
    ApplicationDocument,
    ApplicationEvent,
    ApplicationStatus,
)
from talentportal.ratelimit import RateLimitMixin, rate_limit
from talentportal.uploads import file_response
from talents import services
from talents.filters import (
    CandidateFilterSet,
    Catalogues,
    DemandFilterSet,
    InternshipFilterSet,
)
from talents.forms import (
    AccessReasonForm,
    CardLookupForm,
    ConsentForm,
    ContactRequestForm,
    DeleteAccountForm,
    DemandApplyForm,
    DemandForm,
    EducationFormSet,
    EnterpriseRegistrationForm,
    ExperienceFormSet,
    InternshipApplyForm,
    InternshipForm,
    JoinRequestForm,
    NominateForm,
    ProcessForm,
    ProfileForm,
    ResumeForm,
    VisibilityForm,
    apply_service_error,
)
from talents.models import (
    ConsentPurpose,
    ContactRequest,
    ContactStatus,
    Demand,
    DemandApplication,
    Enterprise,
    EnterpriseJoinRequest,
    Evaluation,
    Internship,
    InternshipApplication,
    JoinRequestStatus,
    MemberRole,
    Shortlist,
    Talent,
    VerificationStatus,
    Visibility,
)
from talents.privacy import SUMMARY_SELECT_RELATED, masked_parts
from talents.services import EXPERIENCE_FIELDS

#: Columns a list of candidates never needs: contact details, résumé, search columns.
SUMMARY_DEFERRED = ("phone", "email", "resume", "search_tokens", "search_vector", "headline")
#: How many candidates a search counts and pages through at most.
CANDIDATE_CAP = 1000
#: How many postings a list counts and pages through at most.
POSTING_CAP = 10000


# Helpers ----------------------------------------------------------------------------------------


def error_codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def acting_enterprise(user) -> Enterprise | None:
    """The enterprise `user` acts for: a verified one first, then the oldest membership."""
    if not user.is_authenticated or not user.is_active:
        return None
    return (
        Enterprise.objects.of_member(user)
        .select_related("region", "industry")
        .annotate(
            verified_first=Case(
                When(status=VerificationStatus.VERIFIED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("verified_first", "pk")
        .first()
    )


class EnterpriseNotVerified(Exception):
    """The user's enterprise is registered but not (yet) verified."""

    def __init__(self, enterprise: Enterprise):
        super().__init__(enterprise.pk)
        self.enterprise = enterprise


def verified_enterprise(request) -> Enterprise:
    """The verified enterprise the signed-in user acts for; EnterpriseNotVerified for a member
    of an enterprise still waiting (or refused), Http404 for everyone else (the caller sends
    anonymous visitors to the log-in page first)."""
    enterprise = acting_enterprise(request.user)
    if enterprise is None:
        raise Http404
    if not enterprise.is_verified:
        raise EnterpriseNotVerified(enterprise)
    return enterprise


def not_verified_page(request, enterprise: Enterprise):
    """What a member of an enterprise that is not verified yet sees instead of the pages of
    verified enterprises: where the verification stands and what to do (a 403, not a 404)."""
    return render(
        request, "talents/enterprise/not_verified.html", {"enterprise": enterprise}, status=403
    )


class VerifiedEnterpriseRequired(LoginRequiredMixin):
    """Members of a verified enterprise only: `self.enterprise`; members of an enterprise
    waiting for verification get a page that says so, anyone else a 404. A member who owes a
    second factor now is sent to it first."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                self.enterprise = verified_enterprise(request)
            except EnterpriseNotVerified as pending:
                return not_verified_page(request, pending.enterprise)
            if owed := owed_second_factor(request):
                return owed
        return super().dispatch(request, *args, **kwargs)


def acting_talent(request) -> Talent | None:
    """The signed-in talent's active profile (None before it is created); Http404 for accounts
    that are not talents."""
    if request.user.kind != AccountKind.TALENT:
        raise Http404
    return Talent.objects.active().filter(user=request.user).first()


def owed_second_factor(request):
    """The redirect to the second factor a member owes at this moment (`otp`), or None."""
    back = request.get_full_path() if request.method == "GET" else reverse("talents:search")
    return otp.second_factor_response(request, next_url=back)


class EnterpriseMemberRequired(LoginRequiredMixin):
    """Members of an enterprise, verified or not: `self.enterprise`. Someone without one is
    sent to register an enterprise."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.enterprise = acting_enterprise(request.user)
            if self.enterprise is None:
                if request.user.kind == AccountKind.ENTERPRISE:
                    return redirect("talents:enterprise_register")
                raise Http404
        return super().dispatch(request, *args, **kwargs)


class TalentRequired(LoginRequiredMixin):
    """Talent accounts only (`self.talent` is their profile, None before it is created)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.talent = acting_talent(request)
        return super().dispatch(request, *args, **kwargs)


def login_and_verified_enterprise(view):
    """For function views: log-in page for anonymous visitors, 404 for anyone who is not a
    member of a verified enterprise; the view receives the enterprise."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            enterprise = verified_enterprise(request)
        except EnterpriseNotVerified as pending:
            return not_verified_page(request, pending.enterprise)
        if owed := owed_second_factor(request):
            return owed
        return view(request, *args, enterprise=enterprise, **kwargs)

    return wrapped


def login_and_talent(view):
    """For function views: talent accounts only; the view receives their profile (or None)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return view(request, *args, talent=acting_talent(request), **kwargs)

    return wrapped


def talent_url(pk) -> str:
    return reverse("talents:talent", args=[pk])


def searchable_talent(pk) -> Talent:
    """A talent a verified enterprise may find, with what its summary shows; 404 otherwise."""
    return get_object_or_404(
        Talent.objects.searchable().select_related(*SUMMARY_SELECT_RELATED), pk=pk
    )


def annotate_summaries(talents, *, enterprise) -> list[Talent]:
    """Attach to each talent its masked summary (`summary`), whether the enterprise has
    shortlisted it (`shortlisted`) and the state of its contact request (`contact_status`):
    two queries for the whole page."""
    talents = list(talents)
    ids = [talent.pk for talent in talents]
    shortlisted = set(
        Shortlist.objects.filter(enterprise=enterprise, talent_id__in=ids).values_list(
            "talent_id", flat=True
        )
    )
    statuses = dict(
        ContactRequest.objects.filter(
            enterprise=enterprise,
            talent_id__in=ids,
            status__in=[ContactStatus.PENDING, ContactStatus.ACCEPTED],
        ).values_list("talent_id", "status")
    )
    for talent in talents:
        talent.summary = masked_parts(talent)
        talent.shortlisted = talent.pk in shortlisted
        talent.contact_status = statuses.get(talent.pk, "")
    return talents


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
        return (
            Talent.objects.searchable()
            .select_related(*SUMMARY_SELECT_RELATED)
            .defer(*SUMMARY_DEFERRED)
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "catalogues": Catalogues()}

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
        "next": reverse("talents:talent", args=[talent.pk]),
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
    fallback = reverse("talents:talent", args=[pk])
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
    fallback = reverse("talents:talent", args=[pk])
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


# The talent's own profile ------------------------------------------------------------------------


def profile_nav(active: str) -> dict:
    return {"profile_section": active}


class ProfileEditView(TalentRequired, View):
    """`/me/profile/`: the profile, its education and experience, and the résumé."""

    template_name = "talents/profile/edit.html"

    @cached_property
    def catalogues(self):
        return Catalogues()

    def forms(self, data=None):
        talent = self.talent
        kwargs = {"regions": self.catalogues.regions, "industries": self.catalogues.industries}
        disciplines = self.catalogues.disciplines
        if talent is None:
            initial = {"name": self.request.user.get_full_name() or ""}
            profile = ProfileForm(data, initial=initial, **kwargs)
            educations, experiences = [], []
        else:
            profile = ProfileForm(data, instance=talent, **kwargs)
            educations = [
                {
                    name: getattr(e, f"{name}_id" if name == "discipline" else name)
                    for name in ("degree", "discipline", "school", "graduation_year", "overseas")
                }
                for e in talent.educations.all()
            ]
            experiences = [
                {name: getattr(x, name) for name in EXPERIENCE_FIELDS}
                for x in talent.experiences.all()
            ]
        education_set = EducationFormSet(
            data,
            initial=educations,
            prefix="education",
            form_kwargs={"disciplines": disciplines},
        )
        experience_set = ExperienceFormSet(data, initial=experiences, prefix="experience")
        return profile, education_set, experience_set

    def get(self, request, *args, **kwargs):
        return self.render(*self.forms())

    def post(self, request, *args, **kwargs):
        profile, education_set, experience_set = self.forms(request.POST)
        valid = all([profile.is_valid(), education_set.is_valid(), experience_set.is_valid()])
        if valid:
            values = profile.service_fields()
            try:
                services.talent_profile_save(
                    user=request.user,
                    educations=education_set.rows(),
                    experiences=experience_set.rows(),
                    industries=values["industries"],
                    work_regions=values["work_regions"],
                    **values["fields"],
                )
            except ValidationError as error:
                apply_service_error(profile, error)
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("talents:me_profile")
        return self.render(profile, education_set, experience_set, status=400)

    def render(self, profile, education_set, experience_set, status=200):
        context = {
            "form": profile,
            "education_set": education_set,
            "experience_set": experience_set,
            "talent": self.talent,
            "summary": masked_parts(self.talent) if self.talent else None,
            "resume_form": ResumeForm(),
            "resume_consent": self.request.user.consents.in_force()
            .filter(purpose=ConsentPurpose.RESUME_PROCESSING)
            .exists(),
            **profile_nav("profile"),
        }
        return render(self.request, self.template_name, context, status=status)


@require_POST
@login_and_talent
def resume_upload(request, *, talent):
    form = ResumeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.talent_resume_upload(user=request.user, upload=form.cleaned_data["resume"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your résumé has been uploaded."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("talents:me_profile") + "#resume")


@never_cache
@login_and_talent
def resume_delete(request, *, talent):
    """GET: "Are you sure?"; POST with `confirm=yes`: delete the résumé. A POST without the
    confirmation (an old form, a stray click) only asks."""
    if talent is None or not talent.resume:
        return redirect(reverse("talents:me_profile") + "#resume")
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        return render(
            request,
            "talents/profile/resume_delete.html",
            {"talent": talent, **profile_nav("profile")},
            status=200 if request.method in ("GET", "HEAD") else 400,
        )
    services.talent_resume_remove(talent=talent)
    messages.success(request, _("Your résumé has been deleted."))
    return redirect(reverse("talents:me_profile") + "#resume")


@never_cache
@login_and_talent
def resume_download(request, *, talent):
    """The talent's own résumé (no log entry: it is their own)."""
    if talent is None or not talent.resume:
        raise Http404
    return file_response(talent.resume, filename="resume.pdf", content_type="application/pdf")


class PrivacyView(TalentRequired, View):
    """`/me/profile/privacy/`: who may find the profile, consents with one-click withdrawal."""

    template_name = "talents/profile/privacy.html"

    def get(self, request, *args, **kwargs):
        talent = self.talent
        initial = {
            "visibility": talent.visibility if talent else Visibility.HIDDEN,
            "contact_visible_to_verified": talent.contact_visible_to_verified if talent else False,
        }
        return self.render(VisibilityForm(initial=initial))

    def post(self, request, *args, **kwargs):
        form = VisibilityForm(request.POST)
        if form.is_valid():
            try:
                services.talent_profile_save(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Your choices have been saved."))
                return redirect("talents:me_privacy")
        return self.render(form, status=400)

    def render(self, form, status=200):
        consents = list(services.consents_of(self.request.user))
        in_force = {c.purpose for c in consents if c.in_force}
        context = {
            "form": form,
            "talent": self.talent,
            "consents": consents,
            "missing": [
                (purpose, label)
                for purpose, label in ConsentPurpose.choices
                if purpose not in in_force
            ],
            "search_consent": ConsentPurpose.PROFILE_SEARCH in in_force,
            "notice_version": services.NOTICE_VERSION,
            **profile_nav("privacy"),
        }
        return render(self.request, self.template_name, context, status=status)


@require_POST
@login_and_talent
def consent_give(request, *, talent):
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.consent_give(user=request.user, purpose=form.cleaned_data["purpose"])
        messages.success(request, _("Thank you. Your consent has been recorded."))
    else:
        messages.error(request, _("This is not something you can agree to."))
    return redirect("talents:me_privacy")


@require_POST
@login_and_talent
def consent_withdraw(request, pk, *, talent):
    """One click withdraws a consent, with effect at once."""
    consent = get_object_or_404(request.user.consents.in_force(), pk=pk)
    services.consent_withdraw(user=request.user, purpose=consent.purpose)
    messages.success(
        request,
        _("You have withdrawn your consent: “%(purpose)s”. This took effect immediately.")
        % {"purpose": consent.get_purpose_display()},
    )
    return redirect("talents:me_privacy")


class ProfileViewersView(TalentRequired, PortalListView):
    """`/me/profile/viewers/`: who viewed my profile, contact details or résumé, newest
    first (from the append-only access log)."""

    template_name = "talents/profile/viewers.html"
    context_object_name = "accesses"
    paginate_by = 25
    count_cap = CANDIDATE_CAP

    def get_queryset(self):
        if self.talent is None:
            return Talent.objects.none()
        return services.profile_accesses_of(self.talent).order_by("-at", "-pk")

    def get_context_data(self, **kwargs):
        return super().get_context_data(talent=self.talent, **profile_nav("viewers"), **kwargs)


class ContactRequestListView(TalentRequired, PortalListView):
    """`/me/profile/requests/`: enterprises asking for contact details; accept or decline."""

    template_name = "talents/profile/requests.html"
    context_object_name = "contact_requests"
    paginate_by = 20
    count_cap = CANDIDATE_CAP

    def get_queryset(self):
        if self.talent is None:
            return ContactRequest.objects.none()
        return (
            ContactRequest.objects.filter(talent=self.talent)
            .select_related("enterprise", "enterprise__region")
            .order_by(
                Case(
                    When(status=ContactStatus.PENDING, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                "-created_at",
                "-pk",
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(talent=self.talent, **profile_nav("requests"), **kwargs)


ANSWERS = {
    "accept": (services.contact_request_accept, _("You accepted the request of %(enterprise)s.")),
    "decline": (services.contact_request_decline, _("You declined the request of %(enterprise)s.")),
    "revoke": (
        services.contact_request_revoke,
        _("%(enterprise)s may no longer see your contact details."),
    ),
}


@require_POST
@login_and_talent
def contact_request_answer(request, pk, answer, *, talent):
    if answer not in ANSWERS or talent is None:
        raise Http404
    contact = get_object_or_404(
        ContactRequest.objects.select_related("enterprise"), pk=pk, talent=talent
    )
    service, message = ANSWERS[answer]
    try:
        service(request=contact, by=request.user)
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        messages.success(request, message % {"enterprise": contact.enterprise.display_name})
    return redirect("talents:me_requests")


class MyDataView(TalentRequired, TemplateView):
    """`/me/profile/data/`: export everything, or delete the account."""

    template_name = "talents/profile/data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(talent=self.talent, **profile_nav("data"), **kwargs)


@never_cache
@login_and_talent
@rate_limit("export")
def profile_export(request, *, talent):
    """All my data as a JSON file (GET, so that the browser downloads it)."""
    data = services.talent_export(request.user)
    data["exported_at"] = timezone.now().isoformat()
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-talentportal-data-{stamp}.json"'
    return response


class ProfileDeleteView(TalentRequired, View):
    """`/me/profile/delete/`: confirm with the password; the profile leaves every search at
    once, personal data is removed, the person is logged out."""

    template_name = "talents/profile/delete.html"

    def get(self, request, *args, **kwargs):
        return self.render(DeleteAccountForm(user=request.user))

    def post(self, request, *args, **kwargs):
        form = DeleteAccountForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.render(form, status=400)
        services.talent_delete(request.user)
        logout(request)
        return render(request, "talents/profile/deleted.html")

    def render(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "talent": self.talent, **profile_nav("data")},
            status=status,
        )


# Demands and internships --------------------------------------------------------------------------


class PostingListView(PortalFilterView):
    """What `/demands/` and `/internships/` share. Queries: the three catalogues, one bounded
    COUNT and one page of postings with their enterprise and region."""

    paginate_by = 20
    count_cap = POSTING_CAP
    kind = ""

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "catalogues": Catalogues()}

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
        return (
            Demand.objects.published()
            .select_related("enterprise", "region", "discipline")
            .defer("description", "enterprise__description")
        )


class InternshipListView(PostingListView):
    model = Internship
    filterset_class = InternshipFilterSet
    template_name = "talents/internship_list.html"
    kind = "internship"

    def get_queryset(self):
        return (
            Internship.objects.published()
            .select_related("enterprise", "region")
            .defer("description", "enterprise__description")
        )


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
        return self.render(self.form_class())

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


# Enterprises -------------------------------------------------------------------------------------


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
            waiting = [ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED]
            figures["demand_applications"] = DemandApplication.objects.filter(
                demand__enterprise=enterprise, status__in=waiting
            ).count()
            figures["internship_applications"] = InternshipApplication.objects.filter(
                internship__enterprise=enterprise, status__in=waiting
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
        return (
            Shortlist.objects.filter(
                enterprise=self.enterprise, talent__in=Talent.objects.searchable()
            )
            .select_related("added_by", *(f"talent__{name}" for name in SUMMARY_SELECT_RELATED))
            .defer(*(f"talent__{name}" for name in SUMMARY_DEFERRED))
            .order_by("-created_at", "-pk")
        )

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
        return (
            ContactRequest.objects.filter(enterprise=self.enterprise, talent__deleted_at=None)
            .select_related("requested_by", *(f"talent__{n}" for n in SUMMARY_SELECT_RELATED))
            .defer(*(f"talent__{name}" for name in SUMMARY_DEFERRED))
            .order_by("-created_at", "-pk")
        )

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
        waiting = [ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED]
        return (
            model.objects.filter(enterprise=self.enterprise)
            .select_related("region")
            .defer("description")
            .annotate(
                waiting=Count("applications", filter=Q(applications__status__in=waiting)),
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
WAITING = (ApplicationStatus.SUBMITTED, ApplicationStatus.RESUBMITTED)


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


class EvaluationListView(VerifiedEnterpriseRequired, PortalListView):
    """`/enterprise/evaluations/`: the enterprise's nominations and their outcome."""

    template_name = "talents/enterprise/evaluations.html"
    context_object_name = "evaluations"
    paginate_by = 20
    count_cap = CANDIDATE_CAP

    def get_queryset(self):
        if not self.enterprise.is_evaluator:
            raise Http404
        return (
            Evaluation.objects.filter(enterprise=self.enterprise)
            .select_related(*(f"talent__{n}" for n in SUMMARY_SELECT_RELATED))
            .defer("evidence", *(f"talent__{name}" for name in SUMMARY_DEFERRED))
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for evaluation in context["evaluations"]:
            evaluation.talent.summary = masked_parts(evaluation.talent)
        context["enterprise"] = self.enterprise
        return context
