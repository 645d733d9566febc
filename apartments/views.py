"""The public pages of the talent apartments (`/apartments/…`).

    /apartments/                          communities, with filters (apartments.filters)
    /apartments/<id>/                     a community: units, photos, rules, "do I qualify?"
    /apartments/rounds/<id>/              a round: units, groups, rules, commitments, result
    /apartments/rounds/<id>/apply/        the application form (shared workflow)
    /apartments/rounds/<id>/verify/       the draw recomputed in front of the visitor
    /apartments/rounds/<id>/verify/list.txt  the frozen list, byte for byte, to hash oneself
    /apartments/mine/                     my applications, offers and leases
    /apartments/applications/<reference>/ one of my applications: eligibility, score, rank, offers
    /apartments/offers/<id>/              an offer to me: accept or decline
    /apartments/leases/<id>/              my lease (the tenant only; a 404 for anyone else)
    /apartments/occupancy/                occupancy by province, city and community (+ CSV)

Views stay thin: reads go through the models' QuerySets, writes through `apartments.services`.
Every page runs a fixed number of queries whatever the number of units and applications, works
without JavaScript and answers bad input with a message or a 4xx, never a server error.
"""

from dataclasses import dataclass, replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, TemplateView

from apartments import lottery, services
from apartments.eligibility import (
    Applicant,
    community_rules,
    eligibility_check,
    priority_rules_table,
    priority_score,
)
from apartments.filters import CommunityFilterSet, community_regions
from apartments.forms import ApplicationForm, FindLineForm, OccupancyForm, QualifyForm
from apartments.models import (
    AllocationRound,
    ApartmentApplication,
    Community,
    CommunityPhoto,
    Layout,
    Lease,
    Occupancy,
    Offer,
    OfferStatus,
    RoundStatus,
    RoundUnit,
    Unit,
    UnitStatus,
)
from talentportal import workflow
from talentportal.charts import Bar, bar_chart
from talentportal.downloads import download_url
from talentportal.exports import csv_writer
from talentportal.filters import region_choices
from talentportal.lists import PortalFilterView
from talentportal.models import ApplicationDocument, ApplicationStatus, Region, RegionLevel
from talentportal.ratelimit import RateLimitMixin

S = ApplicationStatus
LAYOUT_ORDER = {layout: position for position, layout in enumerate(Layout.values)}


def page_of(request, items, per_page: int, *, number=None):
    """A page of `items`; a page number that is not a number shows the first page, one past
    the end the last (never a 404)."""
    return Paginator(items, per_page).get_page(
        number if number is not None else request.GET.get("page")
    )


def is_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


def visible_rounds(user):
    """Rounds anyone may see (not drafts, community published); staff also see the drafts of
    the communities they manage."""
    rounds = AllocationRound.objects.all()
    if is_staff(user):
        return rounds.filter(community__in=Community.objects.visible_to(user)) | rounds.public()
    return rounds.public()


# Communities ------------------------------------------------------------------------------


def occupancy_figures(*fields: str) -> dict:
    """`units_<field>` for each field of the occupancy summary, as a correlated subquery per
    community (a few summary rows each): no GROUP BY over the list, so PostgreSQL computes
    them only for the rows of the page, unless the list is sorted by one of them."""
    rows = Occupancy.objects.filter(community=OuterRef("pk")).order_by().values("community")
    names = {"units": "units_total"}
    return {
        names.get(field, f"units_{field}"): Coalesce(
            Subquery(rows.annotate(total=Sum(field)).values("total")), 0
        )
        for field in fields
    }


def rent_bound(order: str):
    """The lowest ("monthly_rent") or highest ("-monthly_rent") market rent of the community:
    the first row of each layout in the (community, layout, monthly_rent) index, four index
    probes per community however many units it has. Cheap enough to sort every community
    by (a MIN over the units would read them all, and PostgreSQL would JIT-compile it)."""
    bound = Least if order == "monthly_rent" else Greatest
    return bound(
        *(
            Subquery(
                Unit.objects.filter(community=OuterRef("pk"), layout=layout)
                .order_by(order)
                .values("monthly_rent")[:1]
            )
            for layout in Layout.values
        )
    )


class CommunityListView(PortalFilterView):
    """`/apartments/`: the published communities (see `apartments.filters`).

    Queries: the regions of the filter, one COUNT, one page of communities with their region,
    unit counts by status (from the occupancy summary), rent range, layouts, first photo and
    whether a round is open — all annotated in that one query."""

    model = Community
    filterset_class = CommunityFilterSet
    template_name = "apartments/community_list.html"
    paginate_by = 12

    def get_queryset(self):
        now = timezone.now()
        return (
            Community.objects.published()
            .select_related("region")
            .only(
                "pk",
                "name_zh",
                "name_en",
                "address_zh",
                "address_en",
                "facilities",
                "region__code",
                "region__name_zh",
                "region__name_en",
                "region__level",
            )
            .annotate(
                **occupancy_figures("units", "available"),
                rent_low=rent_bound("monthly_rent"),
                rent_high=rent_bound("-monthly_rent"),
                photo_id=Subquery(
                    CommunityPhoto.objects.filter(community=OuterRef("pk"))
                    .order_by("position", "pk")
                    .values("pk")[:1]
                ),
                accepting=Exists(
                    AllocationRound.objects.filter(community=OuterRef("pk")).accepting(now)
                ),
            )
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "regions": self.regions}

    @cached_property
    def regions(self) -> list[Region]:
        return community_regions()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for community in context["page_obj"].object_list:
            # Served by the checked download, as on the community page (there is no public
            # /media/ URL).
            community.photo_url = (
                download_url(CommunityPhoto(pk=community.photo_id), "image")
                if community.photo_id
                else ""
            )
        return context


@dataclass
class LayoutSummary:
    layout: str
    label: str
    units: int
    available: int
    rent_low: int
    rent_high: int
    area_low: object
    area_high: object


def layout_summary(units) -> list[LayoutSummary]:
    """Units by layout: counts, available now, market rent and area ranges (one query)."""
    rows = (
        units.order_by()
        .values("layout")
        .annotate(
            units=Count("pk"),
            available=Count("pk", filter=Q(status=UnitStatus.AVAILABLE)),
            rent_low=Min("monthly_rent"),
            rent_high=Max("monthly_rent"),
            area_low=Min("area_m2"),
            area_high=Max("area_m2"),
        )
    )
    summary = [
        LayoutSummary(
            layout=row["layout"],
            label=Layout(row["layout"]).label,
            units=row["units"],
            available=row["available"],
            rent_low=row["rent_low"],
            rent_high=row["rent_high"],
            area_low=row["area_low"],
            area_high=row["area_high"],
        )
        for row in rows
        if row["layout"] in LAYOUT_ORDER
    ]
    return sorted(summary, key=lambda row: LAYOUT_ORDER[row.layout])


def qualify(request, community: Community, layouts) -> tuple[QualifyForm, object]:
    """The "do I qualify?" form and its result: the facts the visitor gives, completed from
    their talent profile (and their leases) when they are logged in."""
    form = QualifyForm(request.GET if "check" in request.GET else None)
    known = Applicant.from_user(request.user)
    facts = {
        "tier": known.tier,
        "degree": known.degree,
        "employed_in_region": None,
        "owns_home_in_city": None,
        "household_size": None,
    }
    if form.is_bound:
        given = form.facts()
        facts.update({key: value for key, value in given.items() if value is not None})
    elif known.tier is not None or known.degree is not None:
        initial = {}
        if known.tier is not None:
            initial["tier"] = known.tier or "none"
        if known.degree is not None:
            initial["degree"] = known.degree
        form = QualifyForm(initial=initial)
    applicant = Applicant(**facts, years_in_region=0, is_tenant=known.is_tenant)
    result = eligibility_check(community, applicant, layouts=layouts)
    return form, result


class CommunityDetailView(DetailView):
    """`/apartments/<id>/`: a community — units by layout, photos, facilities, rent by tier,
    rules and eligibility in plain words, its rounds, and "do I qualify?".

    Queries: the community with its region, photos, rent rules, the layout summary, the rounds;
    for a logged-in visitor their talent profile and whether they rent already."""

    template_name = "apartments/community_detail.html"
    context_object_name = "community"

    def get_queryset(self):
        return (
            Community.objects.visible_to(self.request.user)
            .select_related("region")
            .prefetch_related("photos", "rent_rules")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        community = self.object
        layouts = layout_summary(Unit.objects.filter(community=community))
        offered = [row.layout for row in layouts]
        form, result = qualify(self.request, community, offered or None)
        rounds = list(
            visible_rounds(self.request.user)
            .filter(community=community)
            .order_by("-opens_at", "-pk")[:10]
        )
        now = timezone.now()
        for round in rounds:
            round.accepting = round.is_accepting(now)
        context.update(
            layouts=layouts,
            totals={
                "units": sum(row.units for row in layouts),
                "available": sum(row.available for row in layouts),
            },
            photos=list(community.photos.all()),
            rent_rules=sorted(community.rent_rules.all(), key=lambda rule: rule.tier or "Z"),
            rules=community_rules(community),
            qualify_form=form,
            qualify=result,
            qualify_checked=form.is_bound,
            rounds=rounds,
        )
        return context


# Rounds -------------------------------------------------------------------------------------


def round_or_404(user, pk) -> AllocationRound:
    return get_object_or_404(
        visible_rounds(user).select_related("community", "community__region"), pk=pk
    )


def round_units_summary(round: AllocationRound) -> list[dict]:
    """The units a round offers, by preference group and layout (one query)."""
    rows = (
        RoundUnit.objects.filter(round=round)
        .order_by()
        .values("group_id", "unit__layout")
        .annotate(
            units=Count("pk"),
            accessible=Count("pk", filter=Q(unit__accessible=True)),
            rent_low=Min("unit__monthly_rent"),
            rent_high=Max("unit__monthly_rent"),
            area_low=Min("unit__area_m2"),
            area_high=Max("unit__area_m2"),
        )
    )
    return sorted(
        (
            {**row, "layout": row["unit__layout"], "label": Layout(row["unit__layout"]).label}
            for row in rows
        ),
        key=lambda row: (row["group_id"] or 0, LAYOUT_ORDER.get(row["layout"], 9)),
    )


def pool_totals(round: AllocationRound) -> dict:
    """Applicants in the frozen list and units offered, per pool ("general": everyone)."""
    applicants = dict(
        round.applications.in_frozen_list()
        .order_by()
        .values_list("preference_group_id")
        .annotate(n=Count("pk"))
    )
    units = dict(
        RoundUnit.objects.filter(round=round)
        .order_by()
        .values_list("group_id")
        .annotate(n=Count("pk"))
    )
    return {
        "applicants": sum(applicants.values()),
        "applicants_by_group": applicants,
        "units": sum(units.values()),
        "units_by_group": units,
    }


class RoundDetailView(TemplateView):
    """`/apartments/rounds/<id>/`: what a round offers, its rules and commitments, the visitor's
    own application, and after the draw the result in order (reference numbers only)."""

    template_name = "apartments/round_detail.html"
    results_per_page = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        round = round_or_404(user, kwargs["pk"])
        community = round.community
        groups = list(round.groups.all())
        units = round_units_summary(round)
        group_names = {group.pk: group.name for group in groups}
        for row in units:
            row["group"] = group_names.get(row["group_id"], "")
        now = timezone.now()
        mine = None
        eligibility = None
        if user.is_authenticated:
            mine = (
                round.applications.filter(applicant=user)
                .exclude(status=S.WITHDRAWN)
                .select_related("preference_group")
                .first()
            )
            if mine is None and round.is_accepting(now):
                eligibility = eligibility_check(
                    community,
                    Applicant.from_user(user),
                    layouts={row["layout"] for row in units},
                )
        drawn = round.status in (RoundStatus.DRAWN, RoundStatus.FINISHED)
        results = None
        if drawn:
            latest_offer = Offer.objects.filter(application=OuterRef("pk")).order_by(
                "-offered_at", "-pk"
            )
            results = page_of(
                self.request,
                round.applications.filter(general_rank__isnull=False)
                .select_related("preference_group")
                .only(
                    "reference",
                    "rank",
                    "general_rank",
                    "priority_score",
                    "preference_group__code",
                    "preference_group__name_zh",
                    "preference_group__name_en",
                )
                .annotate(offer_status=Subquery(latest_offer.values("status")[:1]))
                .order_by("general_rank"),
                self.results_per_page,
            )
        context.update(
            round=round,
            community=community,
            groups=groups,
            units=units,
            totals=pool_totals(round),
            rules=community_rules(community),
            priority_rules=priority_rules_table(),
            accepting=round.is_accepting(now),
            upcoming=round.status == RoundStatus.OPEN and now < round.opens_at,
            mine=mine,
            eligibility=eligibility,
            drawn=drawn,
            results=results,
            offer_labels=dict(OfferStatus.choices),
            applied=round.applications.exclude(status__in=[S.DRAFT, S.WITHDRAWN]).count(),
        )
        return context


@method_decorator(login_required, name="dispatch")
class RoundApplyView(RateLimitMixin, View):
    """`/apartments/rounds/<id>/apply/`: GET shows the form (resuming the draft), POST saves the
    draft (`action=save`) or submits (`action=submit`). One application per person and round:
    a second one, or a double click, finds the first."""

    template_name = "apartments/round_apply.html"
    rate_limit_group = "submit"
    rate_limit_methods = ["POST"]

    def dispatch(self, request, *args, pk, **kwargs):
        self.round = round_or_404(request.user, pk)
        self.community = self.round.community
        self.layouts = set(
            RoundUnit.objects.filter(round=self.round).values_list("unit__layout", flat=True)
        )
        return super().dispatch(request, *args, **kwargs)

    def mine(self):
        return self.round.applications.filter(applicant=self.request.user).exclude(
            status=S.WITHDRAWN
        )

    def get(self, request, *args, **kwargs):
        application = self.mine().first()
        if application is not None and application.status != S.DRAFT:
            return self.already_applied(application)
        if application is None and not self.round.is_accepting(timezone.now()):
            return self.closed()
        if application is not None:
            form = ApplicationForm(instance=application, layouts=self.layouts)
        else:
            form = ApplicationForm(
                initial=services.application_prefill(user=request.user), layouts=self.layouts
            )
        return self.render_form(form, application)

    def post(self, request, *args, **kwargs):
        # "check": save, then "check your answers" submits (the form's main button).
        checking = request.POST.get("action") == "check"
        submitting = request.POST.get("action") == "submit"
        application = self.mine().first()
        if application is not None and application.status != S.DRAFT:
            return self.already_applied(application)
        if not self.round.is_accepting(timezone.now()):
            return self.closed(status=400)
        form = ApplicationForm(
            request.POST, request.FILES, instance=application, layouts=self.layouts
        )
        if not form.is_valid():
            return self.render_form(form, application, status=400)
        try:
            if application is None:
                application = services.application_start(
                    round=self.round, applicant=request.user, **form.declared()
                )
            else:
                services.application_update(
                    application=application, by=request.user, **form.declared()
                )
        except ValidationError as error:
            if getattr(error, "code", "") == "one_per_round":
                return self.already_applied(self.mine().first())
            add_errors(form, error)
            return self.render_form(form, application, status=400)
        for label, upload in form.uploads():
            try:
                workflow.document_attach(
                    application=application, by=request.user, upload=upload, label=label
                )
            except ValidationError as error:
                field = "document" if label == form.fields["document"].label else "document_2"
                form.add_error(field, error)
        if form.errors:
            messages.warning(request, _("Your draft is saved, but a document was refused."))
            return self.render_form(form, application, status=400)
        if checking:
            return redirect("me:application_check", reference=application.reference)
        if not submitting:
            messages.success(
                request, _("Your draft is saved. You can come back to it until the round closes.")
            )
            return redirect("apartments:round_apply", pk=self.round.pk)
        try:
            services.application_submit(application=application, by=request.user)
        except workflow.TransitionError:
            return self.already_applied(application)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("apartments:round_apply", pk=self.round.pk)
        messages.success(request, _("Your application has been submitted."))
        return redirect("apartments:application", reference=application.reference)

    def already_applied(self, application):
        messages.info(
            self.request,
            _("You have already applied in this round: %(reference)s.")
            % {"reference": application.reference},
        )
        return redirect("apartments:application", reference=application.reference)

    def closed(self, status=200):
        return render(
            self.request,
            "apartments/round_closed.html",
            {"round": self.round, "community": self.community},
            status=status,
        )

    def render_form(self, form, application, status=200):
        documents = (
            list(ApplicationDocument.objects.filter(reference=application.reference))
            if application is not None
            else []
        )
        eligibility = eligibility_check(
            self.community, Applicant.from_user(self.request.user), layouts=self.layouts
        )
        return render(
            self.request,
            self.template_name,
            {
                "round": self.round,
                "community": self.community,
                "form": form,
                "application": application,
                "documents": documents,
                "eligibility": eligibility,
                "rules": community_rules(self.community),
                "priority_rules": priority_rules_table(),
            },
            status=status,
        )


def add_errors(form, error: ValidationError) -> None:
    """A model or service error, next to its field when it names one the form shows."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Verification ---------------------------------------------------------------------------------


def verify_round(round: AllocationRound) -> lottery.Verification:
    """`lottery.verify`, also when the published list has been damaged so badly that it no
    longer parses: that is a failed check, not a server error."""
    try:
        return lottery.verify(round)
    except ValueError:
        result = lottery.Verification(
            list_hash_matches=lottery.list_hash(round.frozen_list) == round.frozen_list_hash
        )
        result.problems.append(_("The published list cannot be read: it is not in the format."))
        return result


@dataclass
class VerifiedLine:
    """One line of the frozen list, where the order recomputed here puts it, and the ranks
    the office stored for it (None before the draw)."""

    position: int | None
    line: lottery.Line
    key: str = ""
    group_position: int | None = None
    stored: tuple[int | None, int | None] | None = None
    is_mine: bool = False

    @property
    def recomputed(self) -> tuple[int | None, int | None]:
        """(rank in its own pool, rank among everyone), as `lottery.Draw.ranks()` has them."""
        own = self.group_position if self.line.pool != lottery.GENERAL else self.position
        return (own, self.position)

    @property
    def matches(self) -> bool:
        return self.stored == self.recomputed


class RoundVerifyView(TemplateView):
    """`/apartments/rounds/<id>/verify/`: the commitments, the revealed seed and the frozen list,
    and the order recomputed here from them (apartments.lottery), compared with the ranks the
    office published. Nothing is trusted that the visitor cannot check: the list can be
    downloaded byte for byte and hashed, the seed hashed, and the order recomputed.

    Queries: the round, the records of the frozen list, the stored ranks and the group names
    (four), however long the list."""

    template_name = "apartments/round_verify.html"
    per_page = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        round = round_or_404(self.request.user, kwargs["pk"])
        result = verify_round(round)
        find = FindLineForm(self.request.GET if "reference" in self.request.GET else None)
        wanted = find.cleaned_data["reference"] if find.is_bound and find.is_valid() else ""
        rows = self.rows(round, result, wanted)
        found = next((row for row in rows if row.is_mine), None)
        number = None
        if found is not None and "page" not in self.request.GET:
            index = rows.index(found)
            number = index // self.per_page + 1
        # Pools by their name (the code stays beside it: it is what the list contains).
        names = {group.code: group.name for group in round.groups.all()}
        names[lottery.GENERAL] = _("Everyone")
        pools = []
        if result.draw is not None:
            for pool, order in result.draw.orders.items():
                pools.append((pool, names.get(pool, pool), len(order)))
        context.update(
            round=round,
            community=round.community,
            result=result,
            seed_hash=lottery.commitment(round.revealed_seed) if round.revealed_seed else "",
            list_hash=lottery.list_hash(round.frozen_list) if round.frozen_list_hash else "",
            line_count=len(rows),
            page_obj=page_of(self.request, rows, self.per_page, number=number),
            pools=pools,
            general=lottery.GENERAL,
            find_form=find,
            wanted=wanted,
            found=found,
            found_group=names.get(found.line.pool, found.line.pool) if found else "",
            drawn=result.draw is not None,
            mismatches=sum(1 for row in rows if not row.matches) if result.draw else 0,
        )
        return context

    @staticmethod
    def rows(round, result, wanted) -> list[VerifiedLine]:
        if not round.frozen_list_hash:
            return []
        try:
            listed = lottery.parse_text(round.frozen_list)
        except ValueError:
            listed = []  # a list that does not parse also fails its hash check
        if result.draw is None:
            return [VerifiedLine(None, line, is_mine=line.reference == wanted) for line in listed]
        seed = (
            lottery.draw_seed(round.revealed_seed, round.beacon_value) if round.is_lottery else None
        )
        group_positions = {
            line.reference: position
            for pool, order in result.draw.orders.items()
            if pool != lottery.GENERAL
            for position, line in enumerate(order, start=1)
        }
        stored = {
            reference: (rank, general_rank)
            for reference, rank, general_rank in round.applications.filter(
                rank__isnull=False
            ).values_list("reference", "rank", "general_rank")
        }
        return [
            VerifiedLine(
                position=position,
                line=line,
                key=lottery.draw_key(seed, lottery.GENERAL, line.reference) if seed else "",
                group_position=group_positions.get(line.reference),
                stored=stored.get(line.reference),
                is_mine=line.reference == wanted,
            )
            for position, line in enumerate(result.draw.orders[lottery.GENERAL], start=1)
        ]


def round_frozen_list(request, pk):
    """The frozen list exactly as hashed (UTF-8, one line per application), to check with
    any SHA-256 tool: `sha256sum list.txt`."""
    round = round_or_404(request.user, pk)
    if not round.frozen_list_hash:
        raise Http404
    response = HttpResponse(round.frozen_list.encode(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="round-{round.pk}-frozen-list.txt"'
    return response


def round_published_result(request, pk):
    """The order the office published, one line per application: `general rank|rank in its
    own pool|reference`, by general rank. With the frozen list and the seed, anyone can check
    it (the verify page's script does, in the browser)."""
    round = round_or_404(request.user, pk)
    if round.status not in (RoundStatus.DRAWN, RoundStatus.FINISHED):
        raise Http404
    rows = (
        round.applications.filter(general_rank__isnull=False)
        .order_by("general_rank")
        .values_list("general_rank", "rank", "reference")
    )
    text = "".join(f"{general}|{rank}|{reference}\n" for general, rank, reference in rows)
    response = HttpResponse(text.encode(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="round-{round.pk}-result.txt"'
    return response


# The applicant's own pages -------------------------------------------------------------------


def own_application_or_404(user, reference) -> ApartmentApplication:
    application = (
        ApartmentApplication.objects.filter(reference=reference[:20], applicant=user)
        .select_related("round__community__region", "preference_group")
        .first()
    )
    if application is None:
        raise Http404
    return application


@dataclass
class Standing:
    """Where an application stands in its round's draw, for its applicant."""

    rank: int | None
    general_rank: int | None
    pool_name: str
    pool_applicants: int
    pool_units: int
    applicants: int
    units: int


def standing_of(application: ApartmentApplication) -> Standing | None:
    """The application's rank and the totals it is ranked among (None before the draw)."""
    if application.general_rank is None:
        return None
    totals = pool_totals(application.round)
    group = application.preference_group_id
    return Standing(
        rank=application.rank,
        general_rank=application.general_rank,
        pool_name=application.preference_group.name if group else "",
        pool_applicants=totals["applicants_by_group"].get(group, 0)
        if group
        else totals["applicants"],
        pool_units=totals["units_by_group"].get(group, 0) if group else totals["units"],
        applicants=totals["applicants"],
        units=totals["units"],
    )


def application_panel(application: ApartmentApplication) -> dict:
    """What an applicant sees of their apartment application besides the shared workflow:
    eligibility with the reasons, the priority score, rank and totals after the draw, the
    offers and the lease. Four queries at most."""
    offers = list(application.offers.select_related("unit").order_by("-offered_at", "-pk"))
    leases = list(application.leases.select_related("unit").order_by("-start"))
    now = timezone.now()
    for offer in offers:
        offer.is_open = offer.status == OfferStatus.PENDING and now < offer.expires_at
    standing = standing_of(application)
    provisional = None
    if (
        standing is None
        and not application.round.is_lottery
        and application.submitted_at is not None
        and application.status not in (S.WITHDRAWN, S.REJECTED)
    ):
        provisional = ApartmentApplication.objects.queue_position(application)
    return {
        "application": application,
        "round": application.round,
        "community": application.round.community,
        "standing": standing,
        "provisional": provisional,
        "score": priority_score(Applicant.from_application(application)),
        "offers": offers,
        "leases": leases,
    }


@login_required
def application_detail(request, reference):
    """`/apartments/applications/<reference>/`: eligibility with the reasons, the priority
    score, the rank and the totals after the draw, the offers and the lease."""
    application = own_application_or_404(request.user, reference)
    return render(
        request,
        "apartments/application_detail.html",
        {
            **application_panel(application),
            "next_step": workflow.next_step(application),
            "preferred_layouts": [
                Layout(layout).label
                for layout in application.preferred_layouts
                if layout in Layout.values
            ],
        },
    )


@login_required
def mine(request):
    """`/apartments/mine/`: every apartment application of mine, my offers and my leases."""
    applications = list(
        ApartmentApplication.objects.of(request.user)
        .select_related("round__community")
        .order_by("-created_at")
    )
    offers = list(
        Offer.objects.of(request.user)
        .filter(status=OfferStatus.PENDING)
        .select_related("unit__community", "application")
    )
    leases = list(
        Lease.objects.of(request.user).select_related("unit__community").order_by("-start")
    )
    return render(
        request,
        "apartments/mine.html",
        {"applications": applications, "offers": offers, "leases": leases},
    )


def own_offer_or_404(user, pk) -> Offer:
    offer = (
        Offer.objects.of(user)
        .select_related("unit__community__region", "application__round")
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        raise Http404
    return offer


@login_required
def offer_detail(request, pk):
    """`/apartments/offers/<id>/`: the unit offered, the rent, the reply date; accept or
    decline. Only the applicant it was made to sees it."""
    offer = own_offer_or_404(request.user, pk)
    lease = (
        Lease.objects.filter(offer=offer).first() if offer.status == OfferStatus.ACCEPTED else None
    )
    now = timezone.now()
    return render(
        request,
        "apartments/offer_detail.html",
        {
            "offer": offer,
            "unit": offer.unit,
            "community": offer.unit.community,
            "application": offer.application,
            "lease": lease,
            "open": offer.status == OfferStatus.PENDING and now < offer.expires_at,
            "expired": offer.status == OfferStatus.EXPIRED
            or (offer.status == OfferStatus.PENDING and now >= offer.expires_at),
        },
    )


@login_required
@require_POST
def offer_accept(request, pk):
    offer = own_offer_or_404(request.user, pk)
    try:
        lease = services.offer_accept(offer=offer, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
        return redirect("apartments:offer", pk=offer.pk)
    messages.success(request, _("You have accepted the offer. Welcome home!"))
    return redirect("apartments:lease", pk=lease.pk)


@login_required
@require_POST
def offer_decline(request, pk):
    offer = own_offer_or_404(request.user, pk)
    try:
        services.offer_decline(offer=offer, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _message(error))
        return redirect("apartments:offer", pk=offer.pk)
    messages.success(request, _("You have declined the offer. It passes to the next applicant."))
    return redirect("apartments:application", reference=offer.application.reference)


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not do this.")


@login_required
def lease_detail(request, pk):
    """`/apartments/leases/<id>/`: the tenant's lease. Anyone else — staff included, who use
    the back office — gets a 404, so that a lease's existence is not revealed."""
    lease = (
        Lease.objects.of(request.user)
        .select_related("unit__community__region", "application")
        .filter(pk=pk)
        .first()
    )
    if lease is None:
        raise Http404
    return render(
        request,
        "apartments/lease_detail.html",
        {
            "lease": lease,
            "unit": lease.unit,
            "community": lease.unit.community,
            "today": timezone.localdate(),
        },
    )


# Occupancy ------------------------------------------------------------------------------------

OCCUPANCY_LEVELS = ("province", "city", "community")
CSV_COLUMNS = ("units", "let", "offered", "available", "maintenance", "residents")


def occupancy_regions() -> list[Region]:
    """Provinces and cities that have a published community (one query)."""
    return [region for region in community_regions() if region.level < RegionLevel.COUNTY]


def _percent(rate) -> str:
    return "" if rate is None else f"{rate * 100:.1f}%"


def occupancy_chart(chart_id, title, rows, *, units_description, rate_description):
    """Two charts of the same rows: units by status (stacked) and the vacancy rate."""
    units = bar_chart(
        chart_id=f"{chart_id}-units",
        title=_("%(title)s: units by status") % {"title": title},
        description=units_description,
        bars=[
            Bar(
                row.name,
                (
                    (row.let, "let"),
                    (row.offered, "offered"),
                    (row.available, "available"),
                    (row.maintenance, "maintenance"),
                ),
                _("%(let)s of %(units)s let") % {"let": row.let, "units": row.units},
            )
            for row in rows
        ],
    )
    rates = bar_chart(
        chart_id=f"{chart_id}-rate",
        title=_("%(title)s: vacancy rate") % {"title": title},
        description=rate_description,
        bars=[
            Bar(
                row.name,
                (((row.vacancy_rate or 0) * 100, "rate"),),
                _percent(row.vacancy_rate) or _("no lettable units"),
            )
            for row in rows
        ],
        scale_max=100,
    )
    return units, rates


class OccupancyView(TemplateView):
    """`/apartments/occupancy/`: units, let, vacancy rate and residents per province, per city
    and per community, as tables and SVG charts of the same figures; `?format=csv&level=…`
    downloads a table. Read from the trigger-maintained occupancy summary (services.
    occupancy_report): a few thousand rows, however many units."""

    template_name = "apartments/occupancy.html"
    community_limit = 60

    def get(self, request, *args, **kwargs):
        regions = occupancy_regions()
        self.by_code = {region.code: region for region in regions}
        self.form = OccupancyForm(request.GET or None, region_choices=region_choices(regions))
        region = None
        if self.form.is_bound and self.form.is_valid():
            region = self.by_code.get(self.form.cleaned_data["region"])
        self.region = region
        if request.GET.get("format") == "csv":
            level = request.GET.get("level", "community")
            if level not in OCCUPANCY_LEVELS:
                return HttpResponse(
                    _("Unknown level: use province, city or community."),
                    status=400,
                    content_type="text/plain; charset=utf-8",
                )
            return self.csv(level)
        return super().get(request, *args, **kwargs)

    def csv(self, level):
        rows = services.occupancy_report(level=level, region=self.region)
        if level == "community":
            published = set(Community.objects.published().values_list("pk", flat=True))
            rows = [row for row in rows if int(row.code) in published]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        suffix = f"-{self.region.code}" if self.region else ""
        response["Content-Disposition"] = f'attachment; filename="occupancy-{level}{suffix}.csv"'
        response.write("\ufeff")  # so that spreadsheets read UTF-8 Chinese names correctly
        writer = csv_writer(response)  # no cell can run as a formula
        writer.writerow(
            [
                _("Code") if level != "community" else _("Community number"),
                _("Name"),
                _("Units"),
                _("Let"),
                _("Offered"),
                _("Available"),
                _("Under maintenance"),
                _("Residents"),
                _("Vacancy rate"),
            ]
        )
        for row in rows:
            writer.writerow(
                [
                    row.code,
                    row.name,
                    *(getattr(row, column) for column in CSV_COLUMNS),
                    _percent(row.vacancy_rate),
                ]
            )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = self.region
        totals = services.occupancy_totals(region=region)
        province = None
        if region is not None:
            province = self.by_code.get(region.code[:2] + "0000")
        provinces = services.occupancy_report(level="province")
        names = {row.code[:2]: row.name for row in provinces}
        cities = [
            # A municipality (Tianjin) has no city level: its districts sit below the province.
            replace(row, name=names.get(row.code[:2], row.name)) if row.name == row.code else row
            for row in services.occupancy_report(level="city", region=province or region)
        ]
        communities = []
        if region is not None:
            communities = services.occupancy_report(level="community", region=region)
            # Unpublished communities count in the totals but are not named.
            published = set(
                Community.objects.published().in_region(region).values_list("pk", flat=True)
            )
            communities = [row for row in communities if int(row.code) in published]
        charts = {}
        if provinces:
            charts["provinces"] = occupancy_chart(
                "provinces",
                _("Provinces"),
                provinces,
                units_description=_(
                    "Bars per province: let, offered, available and under-maintenance units. "
                    "The table below gives the same figures."
                ),
                rate_description=_("Share of lettable units nobody lives in, per province."),
            )
        if cities:
            charts["cities"] = occupancy_chart(
                "cities",
                _("Cities"),
                cities,
                units_description=_(
                    "Bars per city: let, offered, available and under-maintenance units. "
                    "The table below gives the same figures."
                ),
                rate_description=_("Share of lettable units nobody lives in, per city."),
            )
        context.update(
            form=self.form,
            region=region,
            province=province,
            totals=totals,
            provinces=provinces,
            cities=cities,
            communities=communities[: self.community_limit],
            communities_more=max(len(communities) - self.community_limit, 0),
            charts=charts,
            percent=_percent,
        )
        return context
