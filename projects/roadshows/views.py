"""Pages of projects, the investor databank and roadshows.

Lists are built in a fixed order: base queryset → filters (`projects.roadshows.filters`) →
search → whitelisted ordering, one page at a time. Writes go through
`projects.roadshows.services`; every object is looked up through what the user may see, so
someone else's draft, registration or interest is a 404.
"""

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import CreateView, DetailView, UpdateView

from projects.models import (
    Interest,
    InterestStatus,
    Investor,
    Project,
    ProjectStatus,
    Registration,
    RegistrationStatus,
    Roadshow,
    RoadshowSlot,
)
from projects.roadshows import services
from projects.roadshows.filters import (
    InvestorFilterSet,
    ProjectFilterSet,
    RoadshowFilterSet,
    filter_regions,
)
from projects.roadshows.forms import (
    CheckinForm,
    InterestForm,
    InvestorRegistrationForm,
    ProjectForm,
)
from talentportal.lists import PortalFilterView, PortalListView
from talentportal.models import AccountKind
from talentportal.ratelimit import rate_limit
from talents.models import VerificationStatus


class FilteredListView(PortalFilterView):
    #: The id of the page's search <form>; the filters beside the results belong to it.
    search_form_id = "list-search"

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "regions": self.regions}

    @cached_property
    def regions(self):
        return filter_regions()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        for field in filterset.form.fields.values():
            field.widget.attrs["form"] = self.search_form_id
        context["search_form_id"] = self.search_form_id
        return context


# Projects -----------------------------------------------------------------------------------


class ProjectListView(FilteredListView):
    """`/projects/`: published projects, filtered and searched."""

    model = Project
    filterset_class = ProjectFilterSet
    template_name = "projects/roadshows/project_list.html"
    paginate_by = 20

    def get_queryset(self):
        return (
            Project.objects.published()
            .select_related("industry", "region")
            .defer("search_title", "search_body", "highlights")
        )


def _visible_project(request, pk) -> Project:
    return get_object_or_404(
        Project.objects.visible_to(request.user).select_related(
            "industry", "region", "lead", "enterprise", "program"
        ),
        pk=pk,
    )


class ProjectDetailView(DetailView):
    """`/projects/<id>/`: a project; its team sees its drafts, interests and who accepted;
    an investor the interest it expressed; everyone the fitting investors (databank members
    only) and the roadshows where it presents."""

    template_name = "projects/roadshows/project_detail.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        return _visible_project(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project, user = self.object, self.request.user
        is_team = project.has_member(user)
        investor = services.verified_investor_of(user)
        my_interest = None
        if investor is not None:
            my_interest = Interest.objects.filter(investor=investor, project=project).first()
        interests = []
        if is_team:
            interests = list(
                project.interests.select_related("investor").order_by("status", "-created_at")
            )
        members = list(project.members.all())
        slots = (
            RoadshowSlot.objects.filter(project=project, roadshow__is_published=True)
            .select_related("roadshow")
            .order_by("roadshow__starts_at")
        )
        context.update(
            is_team=is_team,
            can_edit=services.project_editable_by(project, user),
            investor=investor,
            my_interest=my_interest,
            interest_form=InterestForm(),
            interests=interests,
            slots=slots,
            members=members,
            team_names=project.team_names_for(user, members),
            matches=(
                list(services.matching_investors(project))
                if project.status == ProjectStatus.PUBLISHED and services.databank_visible_to(user)
                else []
            ),
        )
        return context


class ProjectCreateView(LoginRequiredMixin, CreateView):
    """`/projects/new/`: a team starts a project as a draft."""

    form_class = ProjectForm
    template_name = "projects/roadshows/project_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        form.instance.lead = self.request.user
        response = super().form_valid(form)
        messages.success(
            self.request, _("Your project is saved as a draft. Submit it when it is ready.")
        )
        return response


class ProjectUpdateView(LoginRequiredMixin, UpdateView):
    """`/projects/<id>/edit/`: the team edits its draft (staff any project)."""

    form_class = ProjectForm
    template_name = "projects/roadshows/project_form.html"
    context_object_name = "project"

    def get_object(self, queryset=None):
        project = get_object_or_404(Project, pk=self.kwargs["pk"])
        if not services.project_editable_by(project, self.request.user):
            raise Http404
        return project

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.object.lead}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your changes are saved."))
        return response


class MyProjectsView(LoginRequiredMixin, PortalListView):
    """`/projects/mine/`: the projects the user leads or is a member of."""

    template_name = "projects/roadshows/my_projects.html"
    paginate_by = 20
    context_object_name = "projects"

    def get_queryset(self):
        return (
            Project.objects.of_team(self.request.user)
            .select_related("industry", "region")
            .order_by("-updated_at", "-pk")
        )


@require_POST
@login_required
def project_submit(request, pk):
    project = get_object_or_404(Project.objects.of_team(request.user), pk=pk)
    try:
        submission = services.project_submit(project=project, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            _("Your project is submitted for review (%(reference)s).")
            % {"reference": submission.reference},
        )
    return redirect(project)


@login_required
def project_deck(request, pk):
    """The pitch deck, for the team, staff and investors whose interest the team accepted."""
    project = _visible_project(request, pk)
    user = request.user
    allowed = (
        project.has_member(user)
        or user.is_staff
        or Interest.objects.filter(
            project=project,
            status=InterestStatus.ACCEPTED,
            investor__in=Investor.objects.verified().of_member(user),
        ).exists()
    )
    if not allowed or not project.pitch_deck:
        raise Http404
    with project.pitch_deck.open("rb") as deck:
        response = HttpResponse(deck.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="project-{project.pk}.pdf"'
    return response


# Interest -----------------------------------------------------------------------------------


@require_POST
@login_required
def interest_express(request, pk):
    project = get_object_or_404(Project.objects.published(), pk=pk)
    investor = services.verified_investor_of(request.user)
    if investor is None:
        raise PermissionDenied(_("Only members of a verified investor can express interest."))
    form = InterestForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        services.interest_express(
            investor=investor, project=project, by=request.user, message=message
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("The team has been told of your interest."))
    return redirect(project)


@require_POST
@login_required
def interest_answer(request, pk, answer):
    if answer not in ("accept", "decline"):
        raise Http404
    interest = get_object_or_404(
        Interest.objects.select_related("project", "investor").filter(
            project__in=Project.objects.of_team(request.user)
        ),
        pk=pk,
    )
    action = services.interest_accept if answer == "accept" else services.interest_decline
    try:
        action(interest=interest, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        if interest.status == InterestStatus.ACCEPTED:
            messages.success(request, _("Accepted: you and the investor see each other's contact."))
        else:
            messages.success(request, _("Declined."))
    return redirect(interest.project)


# Investors ----------------------------------------------------------------------------------


class InvestorListView(FilteredListView):
    """`/investors/`: the databank of verified institutions, for its members (staff, verified
    investors and enterprises); others see what it is and how to get access."""

    model = Investor
    filterset_class = InvestorFilterSet
    template_name = "projects/roadshows/investor_list.html"
    paginate_by = 20

    def get_queryset(self):
        if not self.allowed:
            return Investor.objects.none()
        return (
            Investor.objects.verified()
            .select_related("region")
            .prefetch_related("focus_industries")
            .defer("description", "contact_phone", "contact_email", "rejection_reason")
        )

    @cached_property
    def allowed(self) -> bool:
        return services.databank_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(allowed=self.allowed, **kwargs)


@login_required
def my_investor(request):
    """`/investors/mine/`: an investor account's institution. None yet (or rejected): the
    form to register it and ask to join the databank; pending: what happens next; verified:
    the published projects that fit its stages, industries and regions, best fit first, and
    the interests it expressed with the teams' answers."""
    user = request.user
    investor = services.investor_of(user)
    if user.kind != AccountKind.INVESTOR and investor is None:
        return render(request, "projects/roadshows/not_investor.html", status=403)
    form = None
    status = 200
    if investor is None or investor.status == VerificationStatus.REJECTED:
        form = InvestorRegistrationForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                fields = dict(form.cleaned_data)
                try:
                    services.investor_register(user=user, **fields)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _(
                            "Your institution is registered. The talent office will check it; "
                            "the databank opens to you once it is verified."
                        ),
                    )
                    return redirect("projects:my_investor")
            status = 400
    matches, interests = [], []
    if investor is not None and investor.is_verified:
        matches = list(services.matching_projects(investor, limit=20))
        interests = list(
            Interest.objects.filter(investor=investor)
            .select_related("project")
            .order_by("-created_at", "-pk")[:50]
        )
    return render(
        request,
        "projects/roadshows/my_investor.html",
        {"investor": investor, "form": form, "matches": matches, "interests": interests},
        status=status,
    )


class InvestorDetailView(LoginRequiredMixin, DetailView):
    template_name = "projects/roadshows/investor_detail.html"
    context_object_name = "investor"

    def get_object(self, queryset=None):
        if not services.databank_visible_to(self.request.user):
            raise Http404
        return get_object_or_404(
            Investor.objects.verified()
            .select_related("region")
            .prefetch_related("focus_industries", "regions"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        investor, user = self.object, self.request.user
        accepted = Interest.objects.filter(
            investor=investor,
            status=InterestStatus.ACCEPTED,
            project__in=Project.objects.of_team(user),
        ).exists()
        return super().get_context_data(
            matches=list(services.matching_projects(investor)),
            show_contact=accepted or investor.members.filter(pk=user.pk).exists() or user.is_staff,
            **kwargs,
        )


# Roadshows ----------------------------------------------------------------------------------


class RoadshowListView(FilteredListView):
    """`/roadshows/`: upcoming events (or past ones), by month."""

    model = Roadshow
    filterset_class = RoadshowFilterSet
    template_name = "projects/roadshows/roadshow_list.html"
    paginate_by = 20

    def get_queryset(self):
        return Roadshow.objects.published().select_related("region")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["showing_past"] = self.filterset.showing_past
        return context


def _published_roadshow(pk) -> Roadshow:
    return get_object_or_404(Roadshow.objects.published().select_related("region"), pk=pk)


def qr_data_uri(code: str) -> str:
    """The check-in code as an SVG QR code in a data: URI (allowed by the CSP's img-src)."""
    return segno.make(code, error="m").svg_data_uri(scale=6, border=2)


def roadshow_detail(request, pk):
    """`/roadshows/<id>/`: the event, its agenda of presenting projects, seats left, and the
    visitor's registration: its check-in code (text and QR), their place on the waiting list,
    or the seat offered to them to claim."""
    roadshow = _published_roadshow(pk)
    # Offers past their deadline pass on before anyone reads the seats (the command does it
    # too, but perhaps only hourly).
    if services.roadshow_offers_expire(roadshow=roadshow):
        roadshow.refresh_from_db()
    slots = list(
        roadshow.slots.filter(project__status=ProjectStatus.PUBLISHED)
        .select_related("project__industry")
        .order_by("position", "pk")
    )
    registration = None
    if request.user.is_authenticated:
        registration = (
            Registration.objects.active()
            .with_waitlist_position()
            .filter(roadshow=roadshow, user=request.user)
            .first()
        )
    confirmed = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    context = {
        "roadshow": roadshow,
        "slots": slots,
        "industries": list(roadshow.industries.all()),
        "registration": registration,
        "waitlist_position": registration.waitlist_position if registration else None,
        "qr": qr_data_uri(registration.code) if confirmed else "",
        "is_over": roadshow.is_over(),
    }
    return render(request, "projects/roadshows/roadshow_detail.html", context)


@require_POST
@login_required
@rate_limit("submit")
def roadshow_register(request, pk):
    roadshow = _published_roadshow(pk)
    try:
        registration = services.registration_create(roadshow=roadshow, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        if registration.status == "confirmed":
            messages.success(request, _("You are registered. Show your check-in code at the door."))
        else:
            messages.info(
                request,
                _(
                    "The event is full: you are on the waiting list and will be told if a seat "
                    "becomes free."
                ),
            )
    return redirect(roadshow)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def roadshow_cancel(request, pk):
    """GET: "Are you sure?" with what cancelling means (the seat passes to the next person on
    the waiting list); POST with `confirm=yes`: cancel, or decline a seat offered. A POST
    without the confirmation (an old form, a stray click) only shows the question."""
    roadshow = _published_roadshow(pk)
    registration = get_object_or_404(
        Registration.objects.active(), roadshow=roadshow, user=request.user
    )
    declining = registration.status == RegistrationStatus.OFFERED
    if request.method != "POST" or request.POST.get("confirm") != "yes":
        if roadshow.is_over() or registration.checked_in_at is not None:
            return redirect(roadshow)
        return render(
            request,
            "projects/roadshows/roadshow_cancel.html",
            {"roadshow": roadshow, "registration": registration, "declining": declining},
            status=200 if request.method in ("GET", "HEAD") else 400,
        )
    try:
        services.registration_cancel(registration=registration, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(
            request,
            _("You declined the seat: it is offered to the next person.")
            if declining
            else _("Your registration is cancelled."),
        )
    return redirect(roadshow)


@require_POST
@login_required
def roadshow_claim(request, pk):
    """Claim the seat offered from the waiting list."""
    roadshow = _published_roadshow(pk)
    # The newest: an offer that has just expired is answered with why, not a 404.
    registration = (
        Registration.objects.filter(roadshow=roadshow, user=request.user).order_by("-pk").first()
    )
    if registration is None:
        raise Http404
    try:
        services.registration_claim(registration=registration, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
    else:
        messages.success(request, _("The seat is yours. Show your check-in code at the door."))
    return redirect(roadshow)


class MyRegistrationsView(LoginRequiredMixin, PortalListView):
    """`/roadshows/mine/`: the signed-in person's registrations, newest event first, with their
    place on the waiting list or the seat offered to them."""

    template_name = "projects/roadshows/my_registrations.html"
    context_object_name = "registrations"
    paginate_by = 20

    def get_queryset(self):
        return (
            Registration.objects.filter(user=self.request.user)
            .with_waitlist_position()
            .select_related("roadshow")
            .order_by("-roadshow__starts_at", "-pk")
        )


def roadshow_watch(request, pk):
    """Follow the online stream: counted as one online view, then redirected to it."""
    roadshow = _published_roadshow(pk)
    if not roadshow.stream_url:
        raise Http404
    services.roadshow_count_view(roadshow=roadshow)
    return HttpResponseRedirect(roadshow.stream_url)


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_fold(line: str) -> str:
    """Lines longer than 75 octets are folded (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        octets = char.encode()
        if len(current) + len(octets) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += octets
    parts.append(current.decode())
    return "\r\n ".join(parts)


def roadshow_ics(request, pk):
    """`/roadshows/<id>/event.ics`: the event for a calendar (RFC 5545)."""
    roadshow = _published_roadshow(pk)

    def utc(value: datetime.datetime) -> str:
        return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")

    location = ", ".join(part for part in (roadshow.venue, roadshow.address) if part)
    url = request.build_absolute_uri(roadshow.get_absolute_url())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Talent Service Portal//Roadshows//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:roadshow-{roadshow.pk}@{request.get_host().split(':')[0] or 'portal'}",
        f"DTSTAMP:{utc(timezone.now())}",
        f"DTSTART:{utc(roadshow.starts_at)}",
        f"DTEND:{utc(roadshow.ends_at)}",
        f"SUMMARY:{_ics_text(roadshow.title)}",
        f"LOCATION:{_ics_text(location)}",
        f"DESCRIPTION:{_ics_text(roadshow.description[:1000])}",
        f"URL:{url}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    body = "\r\n".join(_ics_fold(line) for line in lines) + "\r\n"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roadshow-{roadshow.pk}.ics"'
    return response


@login_required
def roadshow_checkin(request, pk):
    """`/roadshows/<id>/checkin/`: the check-in desk for staff (type or scan a code)."""
    if not (request.user.is_active and request.user.is_staff):
        raise Http404
    roadshow = get_object_or_404(Roadshow, pk=pk)
    form = CheckinForm(request.POST or None)
    checked = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            checked = services.checkin(
                roadshow=roadshow, code=form.cleaned_data["code"], by=request.user
            )
        except ValidationError as error:
            form.add_error("code", error)
            status = 422
        else:
            messages.success(
                request,
                _("Checked in: %(name)s.") % {"name": checked.user.get_short_name()},
            )
            return redirect("projects:roadshow_checkin", pk=roadshow.pk)
    elif request.method == "POST":
        status = 422
    roadshow.refresh_from_db()
    recent = (
        Registration.objects.filter(roadshow=roadshow, checked_in_at__isnull=False)
        .select_related("user")
        .order_by("-checked_in_at")[:10]
    )
    return render(
        request,
        "projects/roadshows/checkin.html",
        {"roadshow": roadshow, "form": form, "recent": recent},
        status=status,
    )


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")
