"""Filters of the policy library (`/policies/`).

Every parameter is optional and every bad value is reported, not fatal (see
`talentportal.filters.PortalFilterSet`). The parameters, all shareable in a URL:

    q            search text (Chinese or English)
    region       a division code: the policies of the region, of the regions below it, and
                 of the regions above it, which apply there too (a county's list includes its
                 city's and province's policies)
    level        1 province, 2 city, 3 county
    category     one or more categories (any of them)
    group        one or more talent groups (any of them, or policies for every talent)
    industry     an industry code
    status       published (the default), expired, repealed — one or more
    issued_from  issued on or after (YYYY-MM-DD)
    issued_to    issued on or before
    sort         relevance (with a search text), newest, oldest
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter, DateFilter, MultipleChoiceFilter

from policies.models import Category, Policy, PolicyStatus, TalentGroup, ancestor_codes
from talentportal.filters import PortalFilterSet, RegionFilter
from talentportal.models import Industry, Region, RegionLevel
from talentportal.scope import region_q

#: Statuses the public may ask for; drafts are never listed.
PUBLIC_STATUSES = [
    (PolicyStatus.PUBLISHED, PolicyStatus.PUBLISHED.label),
    (PolicyStatus.EXPIRED, PolicyStatus.EXPIRED.label),
    (PolicyStatus.REPEALED, PolicyStatus.REPEALED.label),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class OverlapFilter(MultipleChoiceFilter):
    """Rows whose array field holds any of the chosen values (served by its GIN index).
    With `include_empty`, rows whose array is empty (meaning "everyone") match too."""

    def __init__(self, *args, include_empty=False, **kwargs):
        self.include_empty = include_empty
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        condition = Q(**{f"{self.field_name}__overlap": list(value)})
        if self.include_empty:
            condition |= Q(**{self.field_name: []})
        return qs.filter(condition)


class IndustryFilter(ChoiceFilter):
    """Policies tagged with the industry (an EXISTS, so no duplicate rows and no DISTINCT)."""

    def filter(self, qs, value):
        if not value:
            return qs
        through = Policy.industries.through.objects.filter(
            policy_id=OuterRef("pk"), industry__code=value
        )
        return qs.filter(Exists(through))


class StatusFilter(MultipleChoiceFilter):
    """Published by default (also when the value asked for is rejected); expired and repealed
    policies on request; never drafts."""

    applies_without_value = True

    def filter(self, qs, value):
        return qs.filter(status__in=list(value or []) or [PolicyStatus.PUBLISHED])


class ApplicableRegionFilter(RegionFilter):
    """The policies that concern a region: its own and those below it, and the policies of
    the regions above it, which apply there too (`Policy.objects.applicable_in`)."""

    def filter(self, qs, value):
        region = self.regions.get(value)
        if region is None:
            return qs
        above = ancestor_codes(region)[1:]
        return qs.filter(region_q(region, self.field_name) | Q(region_id__in=above))


class PolicyFilterSet(PortalFilterSet):
    region = ApplicableRegionFilter()
    level = ChoiceFilter(
        label=_("Level"),
        field_name="region__level",
        choices=RegionLevel.choices,
        empty_label=_("All levels"),
    )
    category = OverlapFilter(
        label=_("Category"),
        field_name="categories",
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    group = OverlapFilter(
        label=_("Talent group"),
        field_name="talent_groups",
        choices=TalentGroup.choices,
        include_empty=True,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Policies open to every talent are included."),
    )
    industry = IndustryFilter(label=_("Industry"), choices=(), empty_label=_("All industries"))
    status = StatusFilter(
        label=_("Status"),
        choices=PUBLIC_STATUSES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Published policies unless you choose otherwise."),
    )
    issued_from = DateFilter(
        label=_("Issued from"),
        field_name="issued_on",
        lookup_expr="gte",
        widget=DateInput,
    )
    issued_to = DateFilter(
        label=_("Issued until"), field_name="issued_on", lookup_expr="lte", widget=DateInput
    )

    sort_options = {
        "relevance": (_("Relevance"), ("-rank", "-issued_on", "-pk")),
        "newest": (_("Newest first"), ("-issued_on", "-pk")),
        "oldest": (_("Oldest first"), ("issued_on", "pk")),
    }
    default_sort = "newest"
    search_sort = "relevance"

    class Meta:
        model = Policy
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, regions=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        regions = list(regions if regions is not None else Region.objects.order_by("code"))
        self.filters["region"].set_regions(regions)
        self.filters["industry"].extra["choices"] = [
            (industry.code, industry.name)
            for industry in Industry.objects.filter(is_active=True).only(
                "code", "name_zh", "name_en"
            )
        ]

    def get_form_class(self):
        form_class = super().get_form_class()

        class PolicyFilterForm(form_class):
            def clean(self):
                cleaned = super().clean()
                start, end = cleaned.get("issued_from"), cleaned.get("issued_to")
                if start and end and start > end:
                    del cleaned["issued_from"], cleaned["issued_to"]
                    raise ValidationError(
                        _("The start of the issue date range is after its end."),
                        code="date_range",
                    )
                return cleaned

        return PolicyFilterForm

    @property
    def chosen_region(self) -> Region | None:
        return self.filters["region"].regions.get(self.cleaned("region", ""))

    @property
    def chosen_category(self) -> str:
        """The one category asked for, if exactly one (to offer following it)."""
        categories = self.cleaned("category", [])
        return categories[0] if len(categories) == 1 else ""
