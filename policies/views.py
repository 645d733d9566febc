"""The policy library's public pages, and the public-service catalogue's landing page.

Every page works without JavaScript and answers bad query strings with a message on the page
(or a 400 for a CSV), never a server error. Each runs a fixed number of queries, however many
policies and benefits there are.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django.views.generic import DetailView, TemplateView

from policies.eligibility import Profile
from policies.filters import PolicyFilterSet
from policies.forms import CalculatorForm, CompareForm, FollowForm, split_codes
from policies.models import (
    Benefit,
    Category,
    Policy,
    PolicyFollow,
    PolicyStatus,
    SavedProfile,
    TalentGroup,
)
from policies.services import (
    calculate,
    compare_regions,
    policy_follow,
    policy_unfollow,
    saved_profile_save,
)
from policies.suggestions import search_suggestions
from talentportal.exports import csv_writer
from talentportal.http import safe_next
from talentportal.lists import PortalFilterView
from talentportal.models import Region
from talentportal.ratelimit import RateLimitMixin, rate_limited

#: Header a script sends to get only the results of the search page.
FRAGMENT_HEADER = "X-Fragment"
SEARCH_FORM_ID = "policy-search"
#: Columns the search results never show; not fetched.
LIST_DEFERRED = (
    "body_zh",
    "body_en",
    "search_title",
    "search_summary",
    "search_body",
    "search_related",
    "search_vector",
)


#: What a benefit's "apply online" link does not need of its service.
SERVICE_DEFERRED = (
    "service__description_zh",
    "service__description_en",
    "service__audience_zh",
    "service__audience_en",
    "service__form_schema",
)


def all_regions() -> list[Region]:
    """Every region, for the region <select>s and to resolve codes: one query."""
    return list(Region.objects.order_by("code"))


def follow_rows(user) -> list[tuple[str | None, str, int | None]]:
    """(region code, category, policy id) of every follow of the user: one query, none when
    anonymous."""
    if not user.is_authenticated:
        return []
    return list(
        PolicyFollow.objects.filter(user=user).values_list("region_id", "category", "policy_id")
    )


def follows_of(user, rows=None) -> set[tuple[str | None, str]]:
    """(region code, category) of every follow of a region or category of the user."""
    rows = follow_rows(user) if rows is None else rows
    return {(region, category) for region, category, policy in rows if policy is None}


def regions_asked(request) -> list[str]:
    """The region codes of the query string (repeated or comma-separated)."""
    return split_codes(request.GET.getlist("regions"))


# Search ---------------------------------------------------------------------------------


@method_decorator(vary_on_headers(FRAGMENT_HEADER), name="dispatch")
class PolicyListView(RateLimitMixin, PortalFilterView):
    """`/policies/`: search and filter the library (see `policies.filters`).

    Queries: the regions and industries of the filter form, one COUNT of the matching
    policies, one page of them (with their region); the user's follows when logged in.
    """

    model = Policy
    filterset_class = PolicyFilterSet
    rate_limit_group = "search"
    template_name = "policies/policy_list.html"
    paginate_by = 20

    def get_queryset(self):
        return (
            Policy.objects.exclude(status=PolicyStatus.DRAFT)
            .select_related("region")
            .defer(*LIST_DEFERRED)
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "regions": self.regions}

    @cached_property
    def regions(self) -> list[Region]:
        return all_regions()

    def get_template_names(self):
        if self.request.headers.get(FRAGMENT_HEADER) == "results":
            return [f"{self.template_name}#results"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filterset
        # The filters sit beside the results, outside the search <form>, whose follow buttons
        # are forms of their own; the `form` attribute ties them to the search form.
        for name, field in filterset.form.fields.items():
            if name != "q":
                field.widget.attrs["form"] = SEARCH_FORM_ID
        follows = follows_of(self.request.user)
        region, category = filterset.chosen_region, filterset.chosen_category
        if context["search_text"] and not context["result_count"] and filterset.searched:
            context["suggestions"] = search_suggestions(context["search_text"])
        context.update(
            sort_key=filterset.sort_key,
            follow_region=region,
            follow_category=category,
            follow_category_label=Category(category).label if category else "",
            follows_region=region is not None and (region.code, "") in follows,
            follows_category=bool(category) and (None, category) in follows,
        )
        return context


# Policy page ----------------------------------------------------------------------------


class PolicyDetailView(DetailView):
    """`/policies/<id>/`: a policy with its benefits, interpretations, attachments, related
    policies and what replaced it. Drafts are a 404 except for the staff who may edit them."""

    template_name = "policies/policy_detail.html"
    context_object_name = "policy"
    related_limit = 6

    def get_queryset(self):
        return (
            Policy.objects.visible_to(self.request.user)
            .select_related("region", "replaced_by", "replaced_by__region")
            .defer(
                "search_title", "search_summary", "search_body", "search_related", "search_vector"
            )
            .prefetch_related(
                Prefetch(
                    "benefits",
                    queryset=Benefit.objects.select_related("service")
                    .defer(*SERVICE_DEFERRED)
                    .prefetch_related("industries")
                    .order_by("position", "pk"),
                ),
                "interpretations",
                "attachments",
                "industries",
                Prefetch(
                    "replaces",
                    queryset=Policy.objects.exclude(status=PolicyStatus.DRAFT)
                    .select_related("region")
                    # replaced_by too: the prefetch joins on it (deferred, it would cost a
                    # query per replaced policy).
                    .only(
                        "pk", "title_zh", "title_en", "status", "issued_on", "region", "replaced_by"
                    ),
                ),
            )
        )

    def related_policies(self, policy: Policy) -> list[Policy]:
        """Published policies on a shared category that apply where this one applies or
        below it: the most relevant (major, recent) first."""
        region = policy.region
        where = Q(region__code__startswith=region.code_prefix) | Q(
            pk__in=Policy.objects.applicable_in(region).values("pk")
        )
        queryset = (
            Policy.objects.published()
            .filter(where)
            .exclude(pk=policy.pk)
            .select_related("region")
            .only("pk", "title_zh", "title_en", "issued_on", "is_major", "region")
            .order_by("-is_major", "-issued_on", "-pk")
        )
        if policy.replaced_by_id:
            queryset = queryset.exclude(pk=policy.replaced_by_id)
        if policy.categories:
            queryset = queryset.filter(categories__overlap=policy.categories)
        return list(queryset[: self.related_limit])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        policy = self.object
        rows = follow_rows(self.request.user)
        follows = follows_of(self.request.user, rows)
        replaced_by = policy.replaced_by
        if replaced_by is not None and replaced_by.status == PolicyStatus.DRAFT:
            replaced_by = None
        context.update(
            benefits=list(policy.benefits.all()),
            interpretations=list(policy.interpretations.all()),
            attachments=list(policy.attachments.all()),
            related=self.related_policies(policy),
            replaced_by=replaced_by,
            follows_region=(policy.region_id, "") in follows,
            follows_policy=any(followed == policy.pk for _r, _c, followed in rows),
            followed_categories={c for r, c in follows if r is None and c},
            category_choices=[(c, Category(c).label) for c in policy.categories],
        )
        return context


# Comparison -----------------------------------------------------------------------------


class CompareView(TemplateView):
    """`/policies/compare/?regions=330100,330200,320400&group=doctoral` (and `&format=csv`)."""

    template_name = "policies/compare.html"

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv" and (limited := rate_limited(request, "export")):
            return limited
        regions = all_regions()
        known = {region.code for region in regions}
        prefill = regions_asked(request)
        if set(request.GET) <= {"regions"} and len(prefill) < 2 and set(prefill) <= known:
            # A link from a policy page ("compare Hangzhou with…"): preselect, no error yet.
            form = CompareForm(initial={"regions": prefill}, regions=regions)
        else:
            form = CompareForm(request.GET, regions=regions)
        table = None
        if form.is_bound and form.is_valid():
            try:
                table = compare_regions(
                    regions=form.cleaned_data["regions"], group=form.cleaned_data["group"] or None
                )
            except ValidationError as error:
                form.add_error(None, error)
        if request.GET.get("format") == "csv":
            if table is None:
                problems = "; ".join(e for errors in form.errors.values() for e in errors)
                return HttpResponseBadRequest(
                    problems or _("Choose the regions to compare."),
                    content_type="text/plain; charset=utf-8",
                )
            return self.csv_response(table)
        context = self.get_context_data(
            form=form,
            table=table,
            csv_query=self.csv_query(form) if table else "",
            group_label=TalentGroup(table.group).label if table and table.group else "",
        )
        return self.render_to_response(context)

    @staticmethod
    def csv_query(form) -> str:
        from urllib.parse import urlencode

        params = {"regions": ",".join(r.code for r in form.cleaned_data["regions"])}
        if form.cleaned_data["group"]:
            params["group"] = form.cleaned_data["group"]
        params["format"] = "csv"
        return urlencode(params)

    @staticmethod
    def csv_response(table) -> HttpResponse:
        codes = "-".join(region.code for region in table.regions)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="policy-comparison-{codes}.csv"'
        response.write("\ufeff")  # so that spreadsheet programs read the file as UTF-8
        writer = csv_writer(response)  # no cell can run as a formula
        for row in table.csv_rows():
            writer.writerow(row)
        return response


# Calculator -----------------------------------------------------------------------------


class CalculatorView(TemplateView):
    """`/policies/calculator/`: the benefits a profile qualifies for, region by region.

    The profile comes from the query string (a GET form, so a result can be bookmarked) or,
    for a logged-in user who saved one, from their saved profile. POST saves the profile for
    a logged-in user, who is then told when a benefit change alters their result.
    """

    template_name = "policies/calculator.html"

    def saved_profile(self) -> SavedProfile | None:
        user = self.request.user
        if not user.is_authenticated:
            return None
        return (
            SavedProfile.objects.filter(user=user)
            .select_related("industry")
            .prefetch_related("regions")
            .first()
        )

    def get(self, request, *args, **kwargs):
        regions = all_regions()
        saved = self.saved_profile()
        known = {region.code for region in regions}
        prefill = regions_asked(request)
        if set(request.GET) <= {"regions"} and len(prefill) == 1 and set(prefill) <= known:
            # A link from a policy page: the region preselected, the profile still to fill in.
            form = CalculatorForm(initial={"regions": prefill}, regions=regions)
        elif "regions" in request.GET:
            form = CalculatorForm(request.GET, regions=regions)
        elif saved is not None and saved.regions.all():
            form = CalculatorForm(
                CalculatorForm.initial_from_saved(saved) | {"saved": "1"}, regions=regions
            )
        elif saved is not None:
            form = CalculatorForm(initial=CalculatorForm.initial_from_saved(saved), regions=regions)
        else:
            form = CalculatorForm(regions=regions)
        return self.render_form(form, regions, saved)

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("policies:calculator"))
        regions = all_regions()
        form = CalculatorForm(request.POST, regions=regions)
        if not form.is_valid():
            return self.render_form(form, regions, self.saved_profile(), status=400)
        try:
            saved_profile_save(
                user=request.user, regions=form.cleaned_data["regions"], **form.profile_fields()
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_form(form, regions, self.saved_profile(), status=400)
        messages.success(
            request,
            _(
                "Your profile is saved. We will tell you when a change to a benefit changes "
                "what you qualify for."
            ),
        )
        return redirect("policies:calculator")

    @staticmethod
    def save_fields(form) -> list[tuple[str, str]]:
        """The cleaned profile as hidden inputs of the "save" form: what was calculated is
        what gets saved."""
        fields = form.profile_fields()
        pairs = [
            ("degree", str(fields["degree"])),
            ("age", "" if fields["age"] is None else str(fields["age"])),
            (
                "years_since_graduation",
                ""
                if fields["years_since_graduation"] is None
                else str(fields["years_since_graduation"]),
            ),
            ("tier", fields["tier"]),
            ("industry", fields["industry"].code if fields["industry"] else ""),
            ("enterprise_type", fields["enterprise_type"]),
        ]
        pairs += [
            (name, "on")
            for name in ("overseas", "will_work_in_region", "will_live_in_region")
            if fields[name]
        ]
        pairs += [("talent_categories", category) for category in fields["talent_categories"]]
        pairs += [("regions", region.code) for region in form.cleaned_data["regions"]]
        return pairs

    def expand_regions(self, result) -> None:
        """`?…&more=330100` shows everything for that region; otherwise each part of its
        result shows its first few, with a link (the same query plus `more`) to show all.
        Codes of regions not in the result are ignored."""
        query = self.request.GET.copy()
        expanded = set(query.getlist("more")) & {r.region.code for r in result.regions}
        for region in result.regions:
            code = region.region.code
            region.expanded = code in expanded
            more = query.copy()
            more.setlist("more", [*sorted(expanded), code])
            region.more_query = more.urlencode()

    def render_form(self, form, regions, saved, status=200):
        result = None
        if form.is_bound and form.is_valid():
            try:
                result = calculate(
                    profile=Profile(**form.profile_fields()), regions=form.cleaned_data["regions"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.expand_regions(result)
                result.prefetch_shown()
        context = self.get_context_data(
            form=form,
            result=result,
            saved=saved,
            showing_saved=form.is_bound and form.data.get("saved") == "1",
            save_fields=self.save_fields(form) if result else [],
        )
        return self.render_to_response(context, status=status)


# Following ------------------------------------------------------------------------------


class FollowingView(View):
    """`/policies/following/`: GET lists what the user follows (or explains following to a
    visitor); POST follows a region and/or a category."""

    template_name = "policies/following.html"

    def get(self, request):
        from django.template.response import TemplateResponse

        follows, saved = [], None
        if request.user.is_authenticated:
            follows = list(
                PolicyFollow.objects.filter(user=request.user)
                .select_related("region", "policy", "policy__region")
                .defer(*(f"policy__{name}" for name in LIST_DEFERRED))
                .order_by("-created_at", "-pk")
            )
            saved = (
                SavedProfile.objects.filter(user=request.user)
                .select_related("industry")
                .prefetch_related("regions")
                .first()
            )
        return TemplateResponse(
            request,
            self.template_name,
            {"follows": follows, "saved": saved},
        )

    def post(self, request):
        if not request.user.is_authenticated:
            return redirect_to_login(safe_next(request, reverse("policies:following")))
        form = FollowForm(request.POST)
        fallback = reverse("policies:following")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(safe_next(request, fallback))
        follow = policy_follow(
            user=request.user,
            region=form.cleaned_data["region"],
            category=form.cleaned_data["category"],
            policy=form.cleaned_data["policy"],
        )
        messages.success(
            request,
            _("You follow %(what)s. We will tell you when a matching policy is published.")
            % {"what": str(follow)},
        )
        return redirect(safe_next(request, fallback))


@require_POST
def unfollow(request, pk: int):
    """Stop following; only one's own follows (another user's is a 404)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("policies:following"))
    follow = get_object_or_404(PolicyFollow, pk=pk, user=request.user)
    label = str(follow)
    policy_unfollow(user=request.user, follow_id=follow.pk)
    messages.success(request, _("You no longer follow %(what)s.") % {"what": label})
    return redirect(safe_next(request, reverse("policies:following")))
