"""Filters of the community list (`/apartments/`).

Every parameter is optional and every bad value is reported on the page, never fatal (see
`talentportal.filters.PortalFilterSet`). The parameters, all shareable in a URL:

    q          words of the community's name or address (Chinese or English)
    region     a division code; a province or city includes the regions below it
    layout     one or more layouts (studio, one_bed, two_bed, three_bed): any of them
    rent_min   market rent per month, in yuan, at least …
    rent_max   … and at most
    facility   one or more facilities: all of them
    vacant     "1": only communities with a unit available now
    sort       name (default), region, vacancies, rent

The queryset given must carry the annotations the sort keys use: `units_available`
(`CommunityQuerySet.with_occupancy()`) and `rent_low` (the lowest market rent).

Layout, rent and vacancy speak of the *same* unit: "a two-bedroom unit available now for at
most 3,000 yuan" is one EXISTS over the units (served by the `unit_layout_rent` index). Without
a rent range, layout and vacancy are answered from the occupancy summary, which has a handful of
rows per community, whatever the number of units.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Concat, Left
from django.utils.translation import gettext_lazy as _
from django_filters import BooleanFilter, MultipleChoiceFilter, NumberFilter

from apartments.models import Community, Facility, Layout, Occupancy, Unit, UnitStatus
from talentportal.filters import PortalFilterSet, RegionFilter, SearchFilter
from talentportal.models import Region, RegionLevel

RENT_LIMIT = 1_000_000


class CommunitySearchFilter(SearchFilter):
    """Words of the name or address, in either language (communities are a few thousand rows;
    each word must match)."""

    def filter(self, qs, value):
        words = value.split() if value else []
        if not words:
            return qs
        for word in words[:8]:
            qs = qs.filter(
                Q(name_zh__icontains=word)
                | Q(name_en__icontains=word)
                | Q(address_zh__icontains=word)
                | Q(address_en__icontains=word)
            )
        return qs


class UnitConditionFilter:
    """A filter on the units of a community; the FilterSet combines them into one EXISTS."""

    def filter(self, qs, value):
        return qs


class LayoutFilter(UnitConditionFilter, MultipleChoiceFilter):
    pass


class RentFilter(UnitConditionFilter, NumberFilter):
    pass


class VacantFilter(UnitConditionFilter, BooleanFilter):
    """A checkbox: on when present (as a browser sends it: "on"), off when absent or
    "false"."""


class FacilityFilter(MultipleChoiceFilter):
    """Communities that have every facility chosen (array containment)."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(facilities__contains=list(value))


def community_regions() -> list[Region]:
    """The regions that have a published community, with the cities and provinces above them
    (for the region <select>): one query."""
    codes = Community.objects.published().values("region_id")
    return list(
        Region.objects.filter(
            Q(code__in=codes)
            | Q(
                level=RegionLevel.CITY,
                code__in=Community.objects.published()
                .annotate(city=_prefix("region_id", 4, "00"))
                .values("city"),
            )
            | Q(
                level=RegionLevel.PROVINCE,
                code__in=Community.objects.published()
                .annotate(province=_prefix("region_id", 2, "0000"))
                .values("province"),
            )
        ).order_by("code")
    )


def _prefix(field: str, length: int, padding: str):
    return Concat(Left(field, length), Value(padding), output_field=CharField())


class CommunityFilterSet(PortalFilterSet):
    q = CommunitySearchFilter(label=_("Name or address"))
    region = RegionFilter()
    layout = LayoutFilter(
        label=_("Layout"),
        choices=Layout.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Communities with units of any of these layouts."),
    )
    rent_min = RentFilter(
        label=_("Lowest rent (yuan)"),
        min_value=0,
        max_value=RENT_LIMIT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 100}),
    )
    rent_max = RentFilter(
        label=_("Highest rent (yuan)"),
        min_value=0,
        max_value=RENT_LIMIT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 100}),
    )
    facility = FacilityFilter(
        label=_("Facilities"),
        choices=Facility.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Communities with all of these."),
    )
    vacant = VacantFilter(
        label=_("Only communities with a unit available now"),
        widget=forms.CheckboxInput,
    )

    sort_options = {
        "name": (_("Name"), ("name_zh", "pk")),
        "region": (_("Region"), ("region_id", "name_zh", "pk")),
        "vacancies": (_("Most units available"), ("-units_available", "name_zh", "pk")),
        "rent": (_("Lowest rent"), ("rent_low", "name_zh", "pk")),
    }
    default_sort = "name"

    class Meta:
        model = Community
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, regions=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        regions = list(regions if regions is not None else community_regions())
        self.filters["region"].set_regions(regions)

    def get_form_class(self):
        form_class = super().get_form_class()

        class CommunityFilterForm(form_class):
            def clean(self):
                cleaned = super().clean()
                low, high = cleaned.get("rent_min"), cleaned.get("rent_max")
                if low is not None and high is not None and low > high:
                    del cleaned["rent_min"], cleaned["rent_max"]
                    raise ValidationError(
                        _("The lowest rent is above the highest."), code="rent_range"
                    )
                return cleaned

        return CommunityFilterForm

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        condition = self.unit_condition()
        return queryset.filter(condition) if condition is not None else queryset

    def unit_condition(self):
        """One EXISTS for layout, rent range and vacancy together (None: no such filter)."""
        layouts = list(self.cleaned("layout", []))
        low, high = self.cleaned("rent_min"), self.cleaned("rent_max")
        vacant = bool(self.cleaned("vacant", False))
        if low is None and high is None:
            if not layouts and not vacant:
                return None
            rows = Occupancy.objects.filter(community=OuterRef("pk"))
            if layouts:
                rows = rows.filter(layout__in=layouts)
            rows = rows.filter(available__gt=0) if vacant else rows.filter(units__gt=0)
            return Exists(rows)
        units = Unit.objects.filter(community=OuterRef("pk"))
        if layouts:
            units = units.filter(layout__in=layouts)
        if low is not None:
            units = units.filter(monthly_rent__gte=low)
        if high is not None:
            units = units.filter(monthly_rent__lte=high)
        if vacant:
            units = units.filter(status=UnitStatus.AVAILABLE)
        return Exists(units)

    @property
    def chosen_region(self) -> Region | None:
        return self.filters["region"].regions.get(self.cleaned("region", ""))
