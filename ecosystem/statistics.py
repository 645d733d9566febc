"""The public statistics dashboard (`/statistics/`): figures computed from the database.

`compute_figures()` is a dozen GROUP BY queries over the whole portal. At a million talent profiles
they take a second or two, so their result (codes and numbers only, the same in both languages)
is cached (see `figures`); a page view then costs a few small name lookups. `tables()`
turns the figures into labelled tables, each drawn as a chart and downloadable as CSV.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import ExtractYear, Left
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apartments.models import Occupancy, vacancy_rate
from policies.models import Category, Policy, ServiceApplication, ServiceItem
from projects.models import Registration, RegistrationStatus, Roadshow
from talentportal.caching import CACHE_UNAVAILABLE
from talentportal.charts import Bar, bar_chart
from talentportal.choices import Degree
from talentportal.models import ApplicationStatus, Discipline, Industry, Region, RegionLevel
from talentportal.workflow import application_models
from talents.models import Talent

logger = logging.getLogger(__name__)

CACHE_KEY = "ecosystem:statistics:figures"
LOCK_KEY = "ecosystem:statistics:computing"
# Figures younger than this are served as they are; older ones are recomputed by one request
# while the others keep serving them, so that a cold count never piles up under load.
FRESH_SECONDS = 15 * 60
KEEP_SECONDS = 24 * 60 * 60
LOCK_SECONDS = 5 * 60
# Rows shown on the page per table; the CSV download has every row.
PAGE_ROWS = 15

DECIDED = [ApplicationStatus.APPROVED, ApplicationStatus.REJECTED]
COUNT, DAYS, PERCENT = "count", "days", "percent"
# Counts of people (talents, participants, applicants) below this are published as "<5", never
# as the number: a cell of 1 or 2 people can point at someone (and an average over them is one
# person's figure). Zero stays zero.
SMALL_COUNT = 5
SUPPRESSED = f"<{SMALL_COUNT}"


def people(n):
    """A count of people as published: the number, or "<5" for 1 to 4."""
    if isinstance(n, int) and 0 < n < SMALL_COUNT:
        return SUPPRESSED
    return n


def over_people(n, value):
    """A figure computed over `n` people (an average), withheld when they are fewer than 5."""
    return value if not (isinstance(n, int) and 0 < n < SMALL_COUNT) else None


def figures() -> dict:
    """The dashboard's numbers: cached ones while fresh; recomputed by one request at a time.
    Computed on every request while the cache cannot be reached (slower, not a 500)."""
    try:
        return _cached_figures()
    except CACHE_UNAVAILABLE:
        logger.warning("statistics not cached: cache unavailable", exc_info=True)
        return compute_figures()


def _cached_figures() -> dict:
    cached = cache.get(CACHE_KEY)
    if cached and timezone.now() - cached["computed_at"] < timedelta(seconds=FRESH_SECONDS):
        return cached
    locked = cache.add(LOCK_KEY, True, LOCK_SECONDS)
    if cached and not locked:
        return cached  # another request is computing them
    # With nothing cached at all (a cold start), every request computes: there is nothing else.
    try:
        data = compute_figures()
        cache.set(CACHE_KEY, data, KEEP_SECONDS)
    finally:
        if locked:
            cache.delete(LOCK_KEY)
    return data


def _pairs(queryset, key) -> list[tuple]:
    return list(queryset.values(key).annotate(n=Count("pk")).order_by().values_list(key, "n"))


def _processing(queryset, key=None):
    """Decided applications and the average days from submission to decision: one pair, or
    (key, count, days) rows grouped by `key`."""
    decided = queryset.filter(
        status__in=DECIDED, submitted_at__isnull=False, decided_at__isnull=False
    )
    average = Avg(F("decided_at") - F("submitted_at"))
    if key is None:
        totals = decided.aggregate(n=Count("pk"), average=average)
        return totals["n"], _days(totals["average"])
    rows = decided.values(key).order_by().annotate(n=Count("pk"), average=average)
    return [(row[key], row["n"], _days(row["average"])) for row in rows]


def _by_category(policies) -> list[tuple[str, int]]:
    """A policy counts once under each of its categories ("" for none): one query."""
    counts = policies.aggregate(
        **{value: Count("pk", filter=Q(categories__contains=[value])) for value in Category.values},
        **{"": Count("pk", filter=Q(categories=[]))},
    )
    return [(value, n) for value, n in counts.items() if n]


def _days(duration: timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def compute_figures() -> dict:
    talents = Talent.objects.active()
    talent_industries = Talent.industries.through.objects.filter(talent__deleted_at__isnull=True)
    policies = Policy.objects.published()
    roadshows = Roadshow.objects.filter(is_published=True)
    participants = Registration.objects.filter(
        roadshow__is_published=True, status=RegistrationStatus.CONFIRMED
    )
    return {
        "computed_at": timezone.now(),
        "talents": talents.count(),
        "talents_by_city": _pairs(talents.annotate(city=Left("current_region_id", 4)), "city"),
        "talents_by_degree": _pairs(talents, "highest_degree"),
        "talents_by_discipline": _pairs(
            talents.annotate(category=Left("main_discipline_id", 2)), "category"
        ),
        "talents_by_industry": list(
            talent_industries.values("industry_id")
            .annotate(n=Count("talent_id"))
            .order_by()
            .values_list("industry_id", "n")
        ),
        "policies_by_level": _pairs(policies, "region__level"),
        "policies_by_category": _by_category(policies),
        "services": _processing(ServiceApplication.objects.all(), "service_id"),
        "sections": [
            (model._meta.label, *_processing(model.objects.all())) for model in application_models()
        ],
        "roadshows_by_year": _pairs(roadshows.annotate(year=ExtractYear("starts_at")), "year"),
        "participants_by_year": _pairs(
            participants.annotate(year=ExtractYear("roadshow__starts_at")), "year"
        ),
        "apartments_by_province": [
            (row["province"], row["units"] or 0, row["let"] or 0, row["maintenance"] or 0)
            for row in Occupancy.objects.by_province()
        ],
    }


@dataclass(frozen=True)
class Table:
    """One figure of the dashboard: rows of (label, values) under `columns` of (heading,
    unit), unit being "count", "days" or "percent"; the chart draws the first value."""

    key: str
    title: str
    description: str
    label_heading: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, tuple], ...]

    @property
    def page_rows(self) -> list[tuple[str, list[str]]]:
        """The first `PAGE_ROWS` rows with their values written out."""
        units = [unit for _heading, unit in self.columns]
        return [
            (label, [format_value(value, unit) for value, unit in zip(values, units, strict=True)])
            for label, values in self.rows[:PAGE_ROWS]
        ]

    @property
    def more_rows(self) -> int:
        return max(len(self.rows) - PAGE_ROWS, 0)

    def chart(self) -> SafeString:
        unit = self.columns[0][1]
        bars = [
            Bar(label, ((_number(values[0]), "primary"),), format_value(values[0], unit))
            for label, values in self.rows[:PAGE_ROWS]
        ]
        return bar_chart(
            chart_id=f"chart-{self.key}",
            title=self.title,
            description=self.description,
            bars=bars,
            scale_max=100 if unit == PERCENT else None,
        )


def format_value(value, unit=COUNT) -> str:
    if value is None:
        return "–"
    if value == SUPPRESSED:
        return SUPPRESSED
    if unit == DAYS:
        return _("%(days)s days") % {"days": number_format(value, 1)}
    if unit == PERCENT:
        return f"{number_format(value, 1)}%"
    return number_format(value, force_grouping=True)


def _number(value) -> float:
    """What a chart draws: a withheld small count draws as nothing."""
    return value if isinstance(value, int | float) else 0


def _ranked(pairs, name_of, *, of_people=False) -> tuple:
    """Rows by count, largest first, labelled by `name_of(key)`. Counts of people below
    SMALL_COUNT are published as "<5" (and ranked among themselves by label only)."""
    if of_people:
        pairs = [(key, people(n)) for key, n in pairs]
    ordered = sorted(pairs, key=lambda pair: (-_number(pair[1]), str(pair[0])))
    return tuple((name_of(key), (n,)) for key, n in ordered)


def tables(data: dict | None = None) -> list[Table]:
    """The dashboard's tables in the current language."""
    data = data or figures()
    not_stated = _("Not stated")

    city_codes = [code + "00" for code, _n in data["talents_by_city"] if code]
    regions = Region.objects.in_bulk(
        city_codes
        + [code[:2] + "0000" for code in city_codes]
        + [code + "0000" for code, *_rest in data["apartments_by_province"]]
    )

    def city_name(prefix):
        if not prefix:
            return not_stated
        # A municipality's districts have no city above them: the province names them.
        region = regions.get(prefix + "00") or regions.get(prefix[:2] + "0000")
        return region.name if region else prefix + "00"

    disciplines = Discipline.objects.in_bulk(
        [code for code, _n in data["talents_by_discipline"] if code]
    )
    industries = Industry.objects.in_bulk([pk for pk, _n in data["talents_by_industry"]])
    services = ServiceItem.objects.in_bulk([pk for pk, *_rest in data["services"]])
    sections = {model._meta.label: model for model in application_models()}

    def name_in(lookup):
        return lambda key: lookup[key].name if key in lookup else not_stated

    def vacancy(units, let, maintenance):
        rate = vacancy_rate({"units": units, "let": let, "maintenance": maintenance})
        return None if rate is None else round(rate * 100, 1)

    talents = _("Talents")
    return [
        Table(
            "talents-by-region",
            _("Talents by city"),
            _("Registered talent profiles by the city they live in."),
            _("City"),
            ((talents, COUNT),),
            _ranked(data["talents_by_city"], city_name, of_people=True),
        ),
        Table(
            "talents-by-degree",
            _("Talents by highest degree"),
            _("Registered talent profiles by their highest degree."),
            _("Degree"),
            ((talents, COUNT),),
            tuple(
                (str(label), (people(dict(data["talents_by_degree"]).get(value, 0)),))
                for value, label in reversed(Degree.choices)
            ),
        ),
        Table(
            "talents-by-discipline",
            _("Talents by discipline"),
            _("Registered talent profiles by the discipline category of their main field."),
            _("Discipline"),
            ((talents, COUNT),),
            _ranked(data["talents_by_discipline"], name_in(disciplines), of_people=True),
        ),
        Table(
            "talents-by-industry",
            _("Talents by industry"),
            _("Registered talent profiles by industry; a talent may work in several."),
            _("Industry"),
            ((talents, COUNT),),
            _ranked(data["talents_by_industry"], name_in(industries), of_people=True),
        ),
        Table(
            "policies-by-level",
            _("Policies by level"),
            _("Published policies by the level of the issuing region."),
            _("Level"),
            ((_("Policies"), COUNT),),
            tuple(
                (str(label), (dict(data["policies_by_level"]).get(value, 0),))
                for value, label in RegionLevel.choices
            ),
        ),
        Table(
            "policies-by-category",
            _("Policies by category"),
            _("Published policies by category; a policy may have several."),
            _("Category"),
            ((_("Policies"), COUNT),),
            _ranked(
                data["policies_by_category"],
                lambda value: str(Category(value).label) if value in Category else not_stated,
            ),
        ),
        Table(
            "applications-by-service",
            _("Processing time by online service"),
            _(
                "Average days from submission to decision of the online service applications "
                "decided so far, by service."
            ),
            _("Service"),
            ((_("Average processing time"), DAYS), (_("Applications decided"), COUNT)),
            tuple(
                (name_in(services)(pk), (over_people(n, days), people(n)))
                for pk, n, days in sorted(data["services"], key=lambda row: -row[1])
            ),
        ),
        Table(
            "applications-by-section",
            _("Applications decided by section"),
            _("Applications of every kind decided so far, with the average days to a decision."),
            _("Kind of application"),
            ((_("Applications decided"), COUNT), (_("Average processing time"), DAYS)),
            tuple(
                (
                    str(sections[label]._meta.verbose_name_plural).capitalize(),
                    (people(n), over_people(n, days)),
                )
                for label, n, days in sorted(data["sections"], key=lambda row: -row[1])
                if label in sections
            ),
        ),
        Table(
            "roadshows-by-year",
            _("Roadshows and participants by year"),
            _("Published roadshows by the year they take place, with confirmed participants."),
            _("Year"),
            ((_("Roadshows"), COUNT), (_("Participants"), COUNT)),
            tuple(
                (str(year), (n, people(dict(data["participants_by_year"]).get(year, 0))))
                for year, n in sorted(data["roadshows_by_year"])
            ),
        ),
        Table(
            "apartments-by-province",
            _("Talent apartments: vacancy by province"),
            _("Share of lettable talent apartment units nobody lives in, by province."),
            _("Province"),
            (
                (_("Vacancy rate"), PERCENT),
                (_("Units"), COUNT),
                (_("Let"), COUNT),
                (_("Under maintenance"), COUNT),
            ),
            tuple(
                (
                    regions[code + "0000"].name if code + "0000" in regions else code,
                    (vacancy(units, let, maintenance), units, let, maintenance),
                )
                for code, units, let, maintenance in data["apartments_by_province"]
            ),
        ),
    ]


def headline(data: dict | None = None) -> dict:
    """The totals shown above the charts."""
    data = data or figures()
    units = sum(row[1] for row in data["apartments_by_province"])
    let = sum(row[2] for row in data["apartments_by_province"])
    return {
        "talents": data["talents"],
        "policies": sum(n for _level, n in data["policies_by_level"]),
        "decided": sum(row[1] for row in data["sections"]),
        "participants": sum(n for _year, n in data["participants_by_year"]),
        "units": units,
        "let": let,
        "computed_at": data["computed_at"],
    }
