"""Filters of the talent library's lists: candidates (`/talents/search/`), talent demands
(`/demands/`) and internships (`/internships/`).

Every parameter is optional and every bad value is reported on the page, never fatal (see
`talentportal.filters.PortalFilterSet`). Candidate filters hand their value to
`Talent.objects.matching()`, so the page, the admin and the tests share one definition of
each criterion. The candidate parameters, all shareable in a URL:

    q               search text (headline, skills, disciplines, job titles)
    discipline      a discipline code; a two-digit category includes its disciplines
    degree          at least this degree (1 junior college … 4 doctorate)
    years_min       at least this many years of experience
    years_max       at most this many
    region          lives in this region or one below it (a division code)
    industry        an industry code
    skills          comma-separated skills, all required
    tier            one or more talent tiers (A–E)
    overseas        yes / no: studied or worked abroad
    graduated_from  graduated in or after this year
    graduated_to    graduated in or before this year
    sort            relevance (with a search text), recent
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import (
    CharFilter,
    ChoiceFilter,
    DateFilter,
    MultipleChoiceFilter,
    NumberFilter,
)

from policies.filters import DateInput
from talentportal.choices import Degree, TalentTier
from talentportal.filters import PortalFilterSet, region_choices
from talentportal.models import Discipline, DisciplineLevel, Industry, Region
from talentportal.region_picker import RegionSelect
from talents.models import Demand, Internship, SchoolYear, Talent, normalise_skills
from talents.widgets import FastSelect

YES, NO = "yes", "no"
DEGREE_CHOICES = [(str(d.value), d.label) for d in Degree if d != Degree.NONE]
YEARS_LIMIT = 60
EARLIEST_GRADUATION, LATEST_GRADUATION = 1950, 2100
_SKILL_SEPARATORS = re.compile(r"[,，、;；]")


# Catalogue look-ups: one query each, made once per request by the FilterSet ----------------


def discipline_choices(disciplines) -> list:
    """Disciplines grouped by category for a <select>: choosing the category itself (its
    two-digit code) includes every discipline in it."""
    groups: dict[str, tuple[str, list]] = {}
    for discipline in disciplines:
        if discipline.level == DisciplineLevel.CATEGORY:
            groups[discipline.code] = (
                discipline.name,
                [(discipline.code, _("All of %(category)s") % {"category": discipline.name})],
            )
        else:
            category = discipline.code[:2]
            groups.setdefault(category, (category, []))[1].append(
                (discipline.code, f"– {discipline.name}")
            )
    return [(name, options) for name, options in groups.values()]


def industry_choices(industries) -> list[tuple[str, str]]:
    return [(industry.code, industry.name) for industry in industries]


class Catalogues:
    """Regions, disciplines and industries, fetched once (three queries) and shared by a
    FilterSet's filters and the page."""

    def __init__(self, *, regions=None, disciplines=None, industries=None):
        self.regions = list(regions if regions is not None else Region.objects.order_by("code"))
        self.disciplines = list(
            disciplines
            if disciplines is not None
            else Discipline.objects.only("code", "level", "name_zh", "name_en").order_by("code")
        )
        self.industries = list(
            industries
            if industries is not None
            else Industry.objects.filter(is_active=True).only("id", "code", "name_zh", "name_en")
        )
        self.region_by_code = {region.code: region for region in self.regions}
        self.discipline_by_code = {d.code: d for d in self.disciplines}
        self.industry_by_code = {industry.code: industry for industry in self.industries}


# Filters -------------------------------------------------------------------------------------


class MatchingFilter:
    """A filter whose value becomes one keyword of `Talent.objects.matching()`."""

    criterion = ""

    def criterion_value(self, value):
        return value

    def filter(self, qs, value):
        if value in (None, "", [], ()):
            return qs
        criterion = self.criterion_value(value)
        if criterion in (None, "", [], ()):
            return qs
        return qs.matching(**{self.criterion: criterion})


class CatalogueChoiceFilter(ChoiceFilter):
    """A choice from one of the `Catalogues` (regions, disciplines, industries): the
    FilterSet hands them over once (`offer`), and the filter offers them and knows their codes.
    `defaults` are the keyword arguments its declarations need not repeat; `unknown_message`
    is the problem reported for a code the catalogue does not hold."""

    defaults: dict = {}

    def __init__(self, *args, **kwargs):
        kwargs = {"choices": (), "widget": FastSelect, **self.defaults, **kwargs}
        if unknown_message := kwargs.pop("unknown_message", ""):
            kwargs.setdefault("error_messages", {"invalid_choice": unknown_message})
        super().__init__(*args, **kwargs)
        self.known: dict = {}

    def offer(self, catalogues: Catalogues) -> None:
        raise NotImplementedError


class DisciplineChoiceFilter(CatalogueChoiceFilter):
    """A discipline; a two-digit category includes every discipline in it."""

    defaults = {
        "label": _("Major (discipline)"),
        "empty_label": _("Any discipline"),
        "unknown_message": _("There is no discipline with the code “%(value)s”."),
        "help_text": _("A discipline category includes every discipline in it."),
    }

    def offer(self, catalogues: Catalogues) -> None:
        self.known = catalogues.discipline_by_code
        self.extra["choices"] = discipline_choices(catalogues.disciplines)


class RegionChoiceFilter(CatalogueChoiceFilter):
    """A region; a province or city includes the regions below it."""

    defaults = {
        "empty_label": _("All regions"),
        "widget": RegionSelect,
        "unknown_message": _("There is no region with the code “%(value)s”."),
        "help_text": _("A province or city includes the regions below it."),
    }

    def offer(self, catalogues: Catalogues) -> None:
        self.known = catalogues.region_by_code
        self.extra["choices"] = region_choices(catalogues.regions)


class IndustryChoiceFilter(CatalogueChoiceFilter):
    defaults = {
        "label": _("Industry"),
        "empty_label": _("All industries"),
        "unknown_message": _("There is no industry “%(value)s”."),
    }

    def offer(self, catalogues: Catalogues) -> None:
        self.known = catalogues.industry_by_code
        self.extra["choices"] = industry_choices(catalogues.industries)


class CatalogueFilterSet(PortalFilterSet):
    """A FilterSet whose catalogue filters offer `catalogues`, fetched once (three queries)
    and shared with the page."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, catalogues=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.catalogues = catalogues or Catalogues()
        for filter_ in self.filters.values():
            if isinstance(filter_, CatalogueChoiceFilter):
                filter_.offer(self.catalogues)


class DisciplineFilter(MatchingFilter, DisciplineChoiceFilter):
    criterion = "discipline"

    def criterion_value(self, value):
        return value if value in self.known else None


class DegreeFilter(MatchingFilter, ChoiceFilter):
    criterion = "min_degree"

    def criterion_value(self, value):
        return int(value)


class YearsFilter(NumberFilter):
    """One end of the years-of-experience range (the other end is open)."""

    def __init__(self, *args, end, **kwargs):
        self.end = end
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", YEARS_LIMIT)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)
        self.field_class = forms.IntegerField

    def filter(self, qs, value):
        if value is None:
            return qs
        years = (int(value), None) if self.end == "low" else (None, int(value))
        return qs.matching(years=years)


class TalentRegionFilter(MatchingFilter, RegionChoiceFilter):
    criterion = "region"

    def criterion_value(self, value):
        return self.known.get(value)


class TalentIndustryFilter(MatchingFilter, IndustryChoiceFilter):
    criterion = "industry"

    def criterion_value(self, value):
        industry = self.known.get(value)
        return industry.pk if industry is not None else None


class SkillsFilter(MatchingFilter, CharFilter):
    """Comma-separated skills (Chinese or Latin commas); a candidate must have all of them."""

    criterion = "skills"

    def criterion_value(self, value):
        return normalise_skills(_SKILL_SEPARATORS.split(value))


class TierFilter(MatchingFilter, MultipleChoiceFilter):
    criterion = "tier"

    def criterion_value(self, value):
        return list(value)


class OverseasFilter(MatchingFilter, ChoiceFilter):
    criterion = "overseas"

    def criterion_value(self, value):
        return {YES: True, NO: False}.get(value)


class GraduationFilter(NumberFilter):
    def __init__(self, *args, end, **kwargs):
        self.end = end
        kwargs.setdefault("min_value", EARLIEST_GRADUATION)
        kwargs.setdefault("max_value", LATEST_GRADUATION)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)
        self.field_class = forms.IntegerField

    def filter(self, qs, value):
        if value is None:
            return qs
        years = (int(value), None) if self.end == "low" else (None, int(value))
        return qs.matching(graduation_year=years)


def _range_clean(form, low_name, high_name, message, code):
    """A reversed range is reported, and both of its ends are left out."""
    cleaned = form.cleaned_data
    low, high = cleaned.get(low_name), cleaned.get(high_name)
    if low is not None and high is not None and low > high:
        del cleaned[low_name], cleaned[high_name]
        form.add_error(None, ValidationError(message, code=code))


# Candidates ----------------------------------------------------------------------------------


class CandidateFilterSet(CatalogueFilterSet):
    discipline = DisciplineFilter()
    degree = DegreeFilter(
        label=_("Degree, at least"),
        choices=DEGREE_CHOICES,
        empty_label=_("Any degree"),
        error_messages={"invalid_choice": _("“%(value)s” is not a degree.")},
    )
    years_min = YearsFilter(label=_("From (years)"), end="low")
    years_max = YearsFilter(label=_("To (years)"), end="high")
    region = TalentRegionFilter(label=_("Lives in"))
    industry = TalentIndustryFilter()
    skills = SkillsFilter(
        label=_("Skills"),
        max_length=200,
        strip=True,
        help_text=_("Separate skills with commas; candidates have all of them."),
    )
    tier = TierFilter(
        label=_("Talent tier"),
        choices=TalentTier.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” is not a talent tier.")},
    )
    overseas = OverseasFilter(
        label=_("Studied or worked abroad"),
        choices=[(YES, _("Yes")), (NO, _("No"))],
        empty_label=_("Either"),
        error_messages={"invalid_choice": _("Choose yes or no.")},
    )
    graduated_from = GraduationFilter(label=_("Graduated from"), end="low")
    graduated_to = GraduationFilter(label=_("Graduated until"), end="high")

    sort_options = {
        "recent": (_("Recently updated"), ("-updated_at", "-pk")),
        "relevance": (_("Relevance"), ("-rank", "-updated_at", "-pk")),
    }
    default_sort = "recent"
    search_sort = "relevance"

    class Meta:
        model = Talent
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["q"].label = _("Search profiles")
        self.filters["q"].extra["help_text"] = _("Words from headlines, skills and job titles.")

    def get_form_class(self):
        form_class = super().get_form_class()

        class CandidateFilterForm(form_class):
            def clean(self):
                cleaned = super().clean()
                _range_clean(
                    self,
                    "years_min",
                    "years_max",
                    _("The lower end of the years of experience is above the upper end."),
                    "years_range",
                )
                _range_clean(
                    self,
                    "graduated_from",
                    "graduated_to",
                    _("The first graduation year is after the last."),
                    "graduation_range",
                )
                return cleaned

        return CandidateFilterForm


# Demands and internships ---------------------------------------------------------------------


class PostingRegionFilter(RegionChoiceFilter):
    def filter(self, qs, value):
        region = self.known.get(value)
        return qs.in_region(region) if region is not None else qs


class PostingIndustryFilter(IndustryChoiceFilter):
    """Postings of enterprises in the industry."""

    def filter(self, qs, value):
        industry = self.known.get(value)
        return qs.filter(enterprise__industry=industry.pk) if industry is not None else qs


class PostingDisciplineFilter(DisciplineChoiceFilter):
    """Demands for the discipline, or for any discipline of a category."""

    def filter(self, qs, value):
        if value not in self.known:
            return qs
        if len(value) == 2:
            return qs.filter(Q(discipline_id=value) | Q(discipline__parent_id=value))
        return qs.filter(discipline_id=value)


class HeldDegreeFilter(ChoiceFilter):
    """Demands open to someone holding this degree (their minimum is at most it)."""

    def filter(self, qs, value):
        return qs.filter(min_degree__lte=int(value)) if value not in (None, "") else qs


class PostingFilterSet(CatalogueFilterSet):
    """What demand and internship lists share: region, industry, closing date."""

    region = PostingRegionFilter(label=_("Place of work"))
    industry = PostingIndustryFilter()
    open_until = DateFilter(
        label=_("Still open on"),
        field_name="closing_on",
        method="filter_open_until",
        widget=DateInput,
        help_text=_("Postings whose closing date is on or after this day (or have none)."),
    )

    sort_options = {
        "newest": (_("Newest first"), ("-created_at", "-pk")),
        "closing": (_("Closing soonest"), ("closing_on", "-created_at", "-pk")),
    }
    default_sort = "newest"
    #: The order of the fields on the page (subclasses' own filters first).
    field_order = (
        "discipline",
        "degree",
        "school_year",
        "paid",
        "region",
        "industry",
        "open_until",
        "sort",
    )

    class Meta:
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.filters["q"]  # postings are found by their filters
        self.filters = {
            name: self.filters[name] for name in self.field_order if name in self.filters
        } | self.filters

    @staticmethod
    def filter_open_until(qs, name, value):
        if value is None:
            return qs
        return qs.filter(Q(closing_on__isnull=True) | Q(closing_on__gte=value))

    def get_form_class(self):
        form_class = super().get_form_class()
        today = timezone.localdate()

        class PostingFilterForm(form_class):
            def clean_open_until(self):
                value = self.cleaned_data.get("open_until")
                if value is not None and not (
                    today.replace(year=today.year - 5) <= value <= today.replace(year=2100)
                ):
                    raise ValidationError(_("Enter a date in the near future."), code="date_range")
                return value

        return PostingFilterForm


class DemandFilterSet(PostingFilterSet):
    discipline = PostingDisciplineFilter()
    degree = HeldDegreeFilter(
        label=_("Your degree"),
        choices=DEGREE_CHOICES,
        empty_label=_("Any degree"),
        error_messages={"invalid_choice": _("“%(value)s” is not a degree.")},
        help_text=_("Demands that require at most this degree."),
    )

    class Meta:
        model = Demand
        fields = []


class InternshipFilterSet(PostingFilterSet):
    school_year = ChoiceFilter(
        label=_("For students in"),
        choices=[(c.value, c.label) for c in SchoolYear if c != SchoolYear.ANY],
        empty_label=_("Any year"),
        method="filter_school_year",
        error_messages={"invalid_choice": _("“%(value)s” is not a year of study.")},
        help_text=_("Internships open to every year are included."),
    )
    paid = ChoiceFilter(
        label=_("Stipend"),
        choices=[(YES, _("Paid only"))],
        empty_label=_("Paid or unpaid"),
        method="filter_paid",
        error_messages={"invalid_choice": _("Choose paid or leave it empty.")},
    )

    class Meta:
        model = Internship
        fields = []

    @staticmethod
    def filter_school_year(qs, name, value):
        if not value:
            return qs
        return qs.filter(school_year__in=[value, SchoolYear.ANY])

    @staticmethod
    def filter_paid(qs, name, value):
        return qs.filter(stipend__gt=0) if value == YES else qs
