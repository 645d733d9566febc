"""Filters of the project list, the investor databank and the roadshow list.

Every parameter is optional and a bad value is reported, never fatal (see
`talentportal.filters.PortalFilterSet`).

/projects/    q, industry (code), stage, region (code, with the regions below it), need (any of
              them), funding_min, funding_max (yuan), sort
/investors/   q (name), kind, industry, stage, ticket (yuan: the ticket range covers it), region
/roadshows/   when (upcoming, the default; past), kind, region, industry
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter, MultipleChoiceFilter, NumberFilter

from projects.models import Investor, InvestorKind, Need, Project, Roadshow, RoadshowKind, Stage
from talentportal.filters import PortalFilterSet, RegionFilter
from talentportal.models import Industry, Region, RegionLevel

MAX_YUAN = 10**13


def filter_regions() -> list[Region]:
    """Provinces and cities (counties would make the list thousands long)."""
    return list(
        Region.objects.filter(level__lte=RegionLevel.CITY)
        .only("code", "level", "name_zh", "name_en")
        .order_by("code")
    )


def industry_choices() -> list[tuple[str, str]]:
    return [
        (industry.code, industry.name)
        for industry in Industry.objects.filter(is_active=True).only("code", "name_zh", "name_en")
    ]


class YuanFilter(NumberFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=0, max_value=MAX_YUAN, **kwargs)

    def get_max_digits(self):
        return 14


class _RegionsMixin:
    """The region and industry choices of a filter set: `regions` (the view's, so that the page
    asks for them once) or the provinces and cities, and the active industries."""

    region_filter_name = "region"

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, regions=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        regions = list(regions if regions is not None else filter_regions())
        self.filters[self.region_filter_name].set_regions(regions)
        self.filters["industry"].extra["choices"] = industry_choices()


class ProjectFilterSet(_RegionsMixin, PortalFilterSet):
    industry = ChoiceFilter(
        label=_("Industry"),
        field_name="industry__code",
        choices=(),
        empty_label=_("All industries"),
    )
    stage = MultipleChoiceFilter(
        label=_("Stage"), choices=Stage.choices, widget=forms.CheckboxSelectMultiple
    )
    region = RegionFilter()
    need = MultipleChoiceFilter(
        label=_("Needs"),
        field_name="needs",
        lookup_expr="overlap",
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        method="filter_needs",
    )
    funding_min = YuanFilter(
        label=_("Funding sought from (yuan)"), field_name="funding_sought", lookup_expr="gte"
    )
    funding_max = YuanFilter(
        label=_("Funding sought up to (yuan)"), field_name="funding_sought", lookup_expr="lte"
    )

    sort_options = {
        "relevance": (_("Relevance"), ("-rank", "-published_at", "-pk")),
        "newest": (_("Newest first"), ("-featured", "-published_at", "-pk")),
        "funding": (_("Largest funding sought"), ("-funding_sought", "-pk")),
    }
    default_sort = "newest"
    search_sort = "relevance"

    class Meta:
        model = Project
        fields = []

    def filter_needs(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(needs__overlap=list(value))

    def get_form_class(self):
        form_class = super().get_form_class()

        class ProjectFilterForm(form_class):
            def clean(self):
                cleaned = super().clean()
                low, high = cleaned.get("funding_min"), cleaned.get("funding_max")
                if low is not None and high is not None and low > high:
                    del cleaned["funding_min"], cleaned["funding_max"]
                    raise ValidationError(
                        _("The lower end of the funding range is above its upper end."),
                        code="funding_range",
                    )
                return cleaned

        return ProjectFilterForm


class InvestorFilterSet(_RegionsMixin, PortalFilterSet):
    kind = ChoiceFilter(
        label=_("Kind of institution"), choices=InvestorKind.choices, empty_label=_("All kinds")
    )
    industry = ChoiceFilter(
        label=_("Focus industry"), choices=(), empty_label=_("All industries"), method="by_industry"
    )
    stage = ChoiceFilter(
        label=_("Stage"), choices=Stage.choices, empty_label=_("All stages"), method="by_stage"
    )
    ticket = YuanFilter(label=_("Ticket size (yuan)"), method="by_ticket")
    region = RegionFilter(label=_("Headquarters"))

    sort_options = {
        "name": (_("Name"), ("name", "pk")),
        "ticket": (_("Largest ticket"), ("-ticket_max", "pk")),
    }
    default_sort = "name"

    class Meta:
        model = Investor
        fields = []

    def by_industry(self, qs, name, value):
        if not value:
            return qs
        through = Investor.focus_industries.through.objects.filter(
            investor_id=OuterRef("pk"), industry__code=value
        )
        return qs.filter(Exists(through))

    def by_stage(self, qs, name, value):
        return qs.filter(stages__contains=[value]) if value else qs

    def by_ticket(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(ticket_min__lte=value, ticket_max__gte=value)


WHEN_CHOICES = [("upcoming", _("Upcoming")), ("past", _("Past"))]


class WhenFilter(ChoiceFilter):
    """Upcoming events (the default, also when the value is rejected) or past ones."""

    applies_without_value = True

    def filter(self, qs, value):
        now = timezone.now()
        if value == "past":
            return qs.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
        return qs.filter(ends_at__gte=now).order_by("starts_at", "pk")


class RoadshowFilterSet(_RegionsMixin, PortalFilterSet):
    when = WhenFilter(label=_("When"), choices=WHEN_CHOICES, empty_label=None)
    kind = ChoiceFilter(
        label=_("Kind of event"), choices=RoadshowKind.choices, empty_label=_("All kinds")
    )
    region = RegionFilter()
    industry = ChoiceFilter(
        label=_("Industry"), choices=(), empty_label=_("All industries"), method="by_industry"
    )

    class Meta:
        model = Roadshow
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["q"]
        self.filters["when"].extra["required"] = False

    def by_industry(self, qs, name, value):
        if not value:
            return qs
        through = Roadshow.industries.through.objects.filter(
            roadshow_id=OuterRef("pk"), industry__code=value
        )
        return qs.filter(Exists(through))

    @property
    def showing_past(self) -> bool:
        return self.cleaned("when", "") == "past"
