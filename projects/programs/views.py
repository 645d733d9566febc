"""Pages of the talent programs: the public list, programs and calls; a talent's application;
an enterprise's endorsements; an expert's review queue and reviews.

Permissions are checked per object on the server: an application is its applicant's (anyone
else gets a 404), an assignment its expert's (another expert gets a 404)."""

import inspect

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import DetailView

from projects.models import (
    Call,
    ExpertDraw,
    Program,
    ProgramApplication,
    Review,
    ReviewAssignment,
    Score,
)
from projects.programs import expert_draw, services
from projects.programs.filters import ProgramFilterSet
from projects.programs.forms import ApplicationForm, DeclineForm, DocumentForm, ReviewForm
from talentportal.lists import PortalFilterView, PortalListView
from talentportal.models import ApplicationDocument, ApplicationStatus
from talentportal.ratelimit import RateLimitMixin, rate_limit

S = ApplicationStatus


def _errors(error: ValidationError) -> list[str]:
    return list(error.messages)


def _add_errors(form, error: ValidationError) -> None:
    """A service's error next to the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Public pages ------------------------------------------------------------------------------


class ProgramListView(PortalFilterView):
    """`/programs/`: published programs with how many calls are open now.

    Queries: one COUNT and one page of programs with their region and open-call count."""

    model = Program
    filterset_class = ProgramFilterSet
    template_name = "projects/programs/program_list.html"
    paginate_by = 12

    def get_queryset(self):
        now = timezone.now()
        return (
            Program.objects.published()
            .select_related("region")
            .annotate(
                open_calls=Count(
                    "calls",
                    filter=Q(
                        calls__is_published=True,
                        calls__opens_at__lte=now,
                        calls__closes_at__gt=now,
                    ),
                )
            )
        )


class ProgramDetailView(DetailView):
    """`/programs/<id>/`: a program, its benefits and its calls (open ones first)."""

    template_name = "projects/programs/program_detail.html"
    context_object_name = "program"

    def get_queryset(self):
        return (
            Program.objects.published()
            .select_related("region")
            .prefetch_related(
                Prefetch("calls", queryset=Call.objects.published().order_by("-closes_at")),
                "benefits__policy",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        calls = list(self.object.calls.all())
        context.update(
            open_calls=[call for call in calls if call.is_open(now)],
            other_calls=[call for call in calls if not call.is_open(now)],
            now=now,
        )
        return context


class CallDetailView(DetailView):
    """`/programs/calls/<id>/`: a call with its tracks, criteria, materials and deadline."""

    template_name = "projects/programs/call_detail.html"
    context_object_name = "call"

    def get_queryset(self):
        return (
            Call.objects.published()
            .select_related("program__region")
            .prefetch_related("tracks", "criteria")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            is_open=self.object.is_open(),
            has_closed=self.object.has_closed(),
            mine=(
                ProgramApplication.objects.filter(call=self.object, applicant=user)
                .exclude(status=S.WITHDRAWN)
                .first()
                if user.is_authenticated
                else None
            ),
        )
        return context


class CallDrawView(DetailView):
    """`/programs/calls/<id>/draw/`: the expert draw in public — the seed commitment and when
    it was made, the revealed seed and its hash, every attempt (refused ones too) and, per
    application reference, the candidates (expert numbers and loads) and the picks, each
    recomputed here from what the page shows. No names: experts are numbers."""

    template_name = "projects/programs/call_draw.html"
    context_object_name = "call"

    def get_queryset(self):
        return Call.objects.published().select_related("program")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.object
        draws = list(ExpertDraw.objects.filter(call=call).order_by("created_at", "pk")[:50])
        context.update(
            seed_hash=expert_draw.commitment(call.draw_seed) if call.draw_seed else "",
            draws=[(draw, expert_draw.draw_verify(draw)) for draw in draws],
            algorithm=inspect.getsource(expert_draw.pick),
        )
        return context


# The talent's application ------------------------------------------------------------------


def _published_call(pk) -> Call:
    return get_object_or_404(
        Call.objects.published().select_related("program").prefetch_related("tracks"), pk=pk
    )


@method_decorator(login_required, name="dispatch")
class CallApplyView(RateLimitMixin, View):
    """`/programs/calls/<id>/apply/`: start an application (a draft) while the call is open.
    After the deadline: a clear message and no form."""

    template_name = "projects/programs/apply.html"
    rate_limit_group = "submit"
    rate_limit_methods = ["POST"]

    def _existing(self, call):
        return (
            ProgramApplication.objects.filter(call=call, applicant=self.request.user)
            .exclude(status=S.WITHDRAWN)
            .first()
        )

    def _render(self, call, form, status=200):
        context = {
            "call": call,
            "form": form,
            "is_open": call.is_open(),
            "has_closed": call.has_closed(),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, pk):
        call = _published_call(pk)
        existing = self._existing(call)
        if existing is not None:
            return redirect("projects:application", existing.reference)
        form = ApplicationForm(call=call, initial=self._initial(call)) if call.is_open() else None
        return self._render(call, form)

    def post(self, request, pk):
        call = _published_call(pk)
        existing = self._existing(call)
        if existing is not None:  # a double submit: continue with the first
            return redirect("projects:application", existing.reference)
        if not call.is_open():
            return self._render(call, None, status=409)
        form = ApplicationForm(request.POST, call=call)
        if form.is_valid():
            try:
                application = services.program_application_start(
                    call=call, applicant=request.user, **form.service_fields()
                )
            except services.DeadlineError:
                return self._render(call, None, status=409)
            except ValidationError as error:
                existing = self._existing(call)
                if existing is not None:
                    return redirect("projects:application", existing.reference)
                _add_errors(form, error)
            else:
                messages.success(request, _("Your draft is saved. Submit it before the deadline."))
                return redirect("projects:application", application.reference)
        return self._render(call, form)

    def _initial(self, call):
        user = self.request.user
        initial = {"full_name": user.display_name, "track": call.tracks.first()}
        talent = getattr(user, "talent", None)
        if talent is not None:
            initial.update(
                full_name=talent.name,
                highest_degree=talent.highest_degree,
                birth_year=talent.birth_year,
                discipline=talent.main_discipline_id,
            )
        return initial


def _own_application(request, reference) -> ProgramApplication:
    return get_object_or_404(
        ProgramApplication.objects.select_related(
            "call__program", "track", "endorser", "discipline", "industry"
        ),
        reference=reference,
        applicant=request.user,
    )


@login_required
def application_detail(request, reference):
    """`/programs/applications/<reference>/`: the applicant's own application: the draft to
    complete and submit, the endorsement, then the status and the outcome."""
    application = _own_application(request, reference)
    call = application.call
    editable = application.status == S.DRAFT and call.is_open()
    form = None
    if editable:
        if request.method == "POST":
            form = ApplicationForm(request.POST, instance=application, call=call)
            if form.is_valid():
                try:
                    services.program_application_update(
                        application=application, by=request.user, **form.service_fields()
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    messages.success(request, _("Your changes are saved."))
                    return redirect("projects:application", application.reference)
        else:
            form = ApplicationForm(instance=application, call=call)
    elif request.method == "POST":
        messages.error(request, _("This application can no longer be changed."))
        return redirect("projects:application", application.reference)
    return render(
        request,
        "projects/programs/application_detail.html",
        {
            "application": application,
            "call": call,
            "form": form,
            "editable": editable,
            "problems": services.eligibility_problems(application)
            if application.status == S.DRAFT
            else [],
            "scores": services.outcome_scores(application),
            "has_closed": call.has_closed(),
            "documents": ApplicationDocument.objects.filter(reference=application.reference),
            "document_form": _document_form(application, request),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _document_form(application, request, data=None, files=None):
    can_attach = application.status == S.NEEDS_INFO or (
        application.status == S.DRAFT and application.call.is_open()
    )
    if not can_attach:
        return None
    return DocumentForm(data, files, call=application.call)


@require_POST
@login_required
def application_document(request, reference):
    """Attach one document to the applicant's own draft (or when asked for more)."""
    application = _own_application(request, reference)
    form = _document_form(application, request, request.POST, request.FILES)
    if form is None:
        messages.error(request, _("Documents can no longer be added."))
    elif form.is_valid():
        try:
            services.program_document_attach(
                application=application,
                by=request.user,
                upload=form.cleaned_data["document"],
                label=form.cleaned_data["label"],
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The document is attached."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("projects:application", application.reference)


@require_POST
@login_required
@rate_limit("submit")
def application_submit(request, reference):
    application = _own_application(request, reference)
    try:
        services.program_application_submit(application=application, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Application %(reference)s is submitted.") % {"reference": application.reference},
        )
    return redirect("projects:application", application.reference)


# Endorsements ------------------------------------------------------------------------------


class EndorsementListView(LoginRequiredMixin, PortalListView):
    """`/programs/endorsements/`: the requests to the user's enterprises to endorse a talent."""

    template_name = "projects/programs/endorsements.html"
    context_object_name = "applications"
    paginate_by = 20

    def get_queryset(self):
        return services.endorsements_for(self.request.user)


@require_POST
@login_required
def endorsement_answer(request, reference, answer):
    application = get_object_or_404(services.endorsements_for(request.user), reference=reference)
    answer_service = {
        "confirm": services.endorsement_confirm,
        "decline": services.endorsement_decline,
    }.get(answer)
    if answer_service is None:
        raise Http404
    try:
        answer_service(application=application, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    except PermissionDenied as error:
        raise Http404 from error
    else:
        messages.success(request, _("Your answer has been sent to the applicant."))
    return redirect("projects:endorsements")


# Experts -----------------------------------------------------------------------------------


class ReviewQueueView(LoginRequiredMixin, PortalListView):
    """`/reviews/`: the signed-in expert's assignments, open ones first. Nobody else's."""

    template_name = "projects/programs/review_list.html"
    context_object_name = "assignments"
    paginate_by = 20

    def get_queryset(self):
        return (
            ReviewAssignment.objects.of_expert_user(self.request.user)
            .select_related("application__call__program", "application__track")
            .order_by("status", "-created_at", "-pk")
        )


def _own_assignment(request, pk) -> ReviewAssignment:
    return get_object_or_404(
        ReviewAssignment.objects.of_expert_user(request.user).select_related(
            "expert",
            "application__call__program",
            "application__track",
            "application__discipline",
            "application__industry",
            "application__endorser",
        ),
        pk=pk,
    )


def _review_context(assignment, form=None, decline_form=None):
    application = assignment.application
    call = application.call
    context = {
        "assignment": assignment,
        "application": application,
        "call": call,
        "blind": call.blind,
        "form": form,
        "decline_form": decline_form or DeclineForm(),
    }
    if assignment.status in (ReviewAssignment.Status.ACCEPTED, ReviewAssignment.Status.SUBMITTED):
        # Every material, linked to the checked download (which logs each opening).
        context["documents"] = ApplicationDocument.objects.filter(reference=application.reference)
    if assignment.status == ReviewAssignment.Status.ACCEPTED and form is None:
        context["form"] = ReviewForm(criteria=call.criteria.all())
    if assignment.status == ReviewAssignment.Status.SUBMITTED:
        review = Review.objects.get(assignment=assignment)
        context["own_review"] = review
        context["own_scores"] = Score.objects.filter(review=review).select_related("criterion")
        # The other experts' submitted reviews, never their names.
        context["other_reviews"] = list(
            Review.objects.filter(assignment__application=application)
            .exclude(assignment=assignment)
            .order_by("submitted_at", "pk")
        )
    return context


@login_required
def review_detail(request, pk):
    """`/reviews/<assignment id>/`: declare no conflict (or decline), then read and score.

    The application's content shows only after the declaration; in a blind call the
    applicant's name, employer and endorser never show."""
    assignment = _own_assignment(request, pk)
    form = None
    status = 200
    if request.method == "POST":
        if assignment.status != ReviewAssignment.Status.ACCEPTED:
            messages.error(request, _("This review cannot be submitted any more."))
            return redirect("projects:review", assignment.pk)
        form = ReviewForm(request.POST, criteria=assignment.application.call.criteria.all())
        if form.is_valid():
            try:
                services.review_submit(
                    assignment=assignment,
                    by=request.user,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                if getattr(error, "code", "") == "submitted":
                    return redirect("projects:review", assignment.pk)
                _add_errors(form, error)
                status = 400
            else:
                messages.success(request, _("Your review is submitted. Thank you."))
                return redirect("projects:review", assignment.pk)
        else:
            status = 400
    return render(
        request,
        "projects/programs/review_detail.html",
        _review_context(assignment, form=form),
        status=status,
    )


@require_POST
@login_required
def review_declare(request, pk):
    assignment = _own_assignment(request, pk)
    try:
        services.assignment_declare_no_conflict(assignment=assignment, by=request.user)
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    return redirect("projects:review", assignment.pk)


@require_POST
@login_required
def review_decline(request, pk):
    assignment = _own_assignment(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "projects/programs/review_detail.html",
            _review_context(assignment, decline_form=form),
            status=400,
        )
    try:
        services.assignment_decline(
            assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
        return redirect("projects:review", assignment.pk)
    messages.success(request, _("You have declined this assignment."))
    return redirect(reverse("projects:reviews"))
