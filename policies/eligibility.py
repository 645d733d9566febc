"""Who qualifies for a benefit, and why.

Each criterion is a small named rule (the rule is in its docstring) that answers the same
question three ways, which the tests hold equal:

- `passes(benefit, profile)` — in Python, for one benefit (`eligibility_check`);
- `condition(profile)` — as a `Q` over `Benefit`, so the calculator asks the database to
  evaluate every criterion of every applicable benefit in one query (`benefits_matching`);
- `reason(...)` / `near_miss(...)` — the translated explanation shown to the talent.

A criterion the benefit does not set (no minimum degree, no age limit, …) passes and is not
listed; a profile that leaves a field empty fails a criterion that needs it.

A *near miss* is a benefit the profile misses by one criterion that a person can change or
prove (`Rule.actionable`: a degree, a job in the region, a tier, a title) — never by age or
the years since graduating, which nobody can act on.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policies.models import (
    Benefit,
    EnterpriseType,
    PolicyStatus,
    TalentCategory,
    ancestor_codes,
    categories_held,
)
from talentportal.choices import Degree, TalentTier
from talentportal.models import Industry, Region


@dataclass(frozen=True)
class Profile:
    """What the calculator knows about a talent (a form, or their saved profile)."""

    degree: int = Degree.NONE
    age: int | None = None
    years_since_graduation: int | None = None
    tier: str = ""
    overseas: bool = False
    industry: Industry | None = None
    enterprise_type: str = ""
    will_work_in_region: bool = True
    will_live_in_region: bool = True
    talent_categories: frozenset[str] = frozenset()

    def __post_init__(self):
        # What the person ticked plus what their titles imply (a skills master is a skilled
        # worker), so that every rule sees the same set.
        object.__setattr__(self, "talent_categories", categories_held(self.talent_categories))

    @classmethod
    def from_saved(cls, saved) -> "Profile":
        """From a `SavedProfile` (select_related("industry") avoids a query)."""
        return cls(
            degree=saved.degree,
            age=saved.age,
            years_since_graduation=saved.years_since_graduation,
            tier=saved.tier,
            overseas=saved.overseas,
            industry=saved.industry,
            enterprise_type=saved.enterprise_type,
            will_work_in_region=saved.will_work_in_region,
            will_live_in_region=saved.will_live_in_region,
            talent_categories=frozenset(saved.talent_categories),
        )

    @property
    def industry_id(self):
        return self.industry.pk if self.industry is not None else None


@dataclass(frozen=True)
class Criterion:
    """One condition of a benefit, checked against a profile."""

    name: str
    passed: bool
    reason: str


def _join(labels: Iterable[str]) -> str:
    return _(", ").join(str(label) for label in labels)


def _tiers(benefit) -> str:
    return _join(TalentTier(t).label for t in benefit.tiers)


def _enterprise_types(benefit) -> str:
    return _join(EnterpriseType(t).label for t in benefit.enterprise_types)


def _industries(benefit) -> list[Industry]:
    return list(benefit.industries.all())


#: A condition every row meets (an empty Q() cannot be a When() condition).
ALWAYS = Q(pk__isnull=False)


class Rule:
    name = ""
    #: Whether a person can change or prove what the rule asks (a near miss may name it).
    actionable = True

    def restricts(self, benefit) -> bool:
        raise NotImplementedError

    def passes(self, benefit, profile: Profile) -> bool:
        raise NotImplementedError

    def condition(self, profile: Profile) -> Q:
        """True in SQL exactly when `passes()` is true (including when not restricted)."""
        raise NotImplementedError

    def reason(self, benefit, profile: Profile, passed: bool) -> str:
        raise NotImplementedError

    def near_miss(self, benefit, profile: Profile) -> str:
        raise NotImplementedError


class MinimumDegree(Rule):
    """The talent's highest degree is at least the benefit's minimum degree."""

    name = "degree"

    def restricts(self, benefit):
        return benefit.min_degree > Degree.NONE

    def passes(self, benefit, profile):
        return profile.degree >= benefit.min_degree

    def condition(self, profile):
        return Q(min_degree__lte=profile.degree)

    def reason(self, benefit, profile, passed):
        return _("Requires at least: %(required)s. You have: %(yours)s.") % {
            "required": Degree(benefit.min_degree).label,
            "yours": Degree(profile.degree).label if profile.degree else _("no degree given"),
        }

    def near_miss(self, benefit, profile):
        return _("You would qualify with a %(degree)s.") % {
            "degree": str(Degree(benefit.min_degree).label).lower()
        }


class MaximumAge(Rule):
    """The talent is no older than the benefit's age limit."""

    name = "age"
    actionable = False

    def restricts(self, benefit):
        return benefit.max_age is not None

    def passes(self, benefit, profile):
        return benefit.max_age is None or (
            profile.age is not None and profile.age <= benefit.max_age
        )

    def condition(self, profile):
        if profile.age is None:
            return Q(max_age__isnull=True)
        return Q(max_age__isnull=True) | Q(max_age__gte=profile.age)

    def reason(self, benefit, profile, passed):
        if profile.age is None:
            return _("For applicants aged %(max)s or younger. Enter your age to check.") % {
                "max": benefit.max_age
            }
        return _("For applicants aged %(max)s or younger. You are %(age)s.") % {
            "max": benefit.max_age,
            "age": profile.age,
        }

    def near_miss(self, benefit, profile):
        if profile.age is None:
            return _("You would qualify if you are %(max)s or younger.") % {"max": benefit.max_age}
        return _("You would qualify if you were %(max)s or younger.") % {"max": benefit.max_age}


class TalentTiers(Rule):
    """The talent's tier (A–E) is one of the benefit's tiers, if it names any."""

    name = "tier"

    def restricts(self, benefit):
        return bool(benefit.tiers)

    def passes(self, benefit, profile):
        return not benefit.tiers or (bool(profile.tier) and profile.tier in benefit.tiers)

    def condition(self, profile):
        if not profile.tier:
            return Q(tiers=[])
        return Q(tiers=[]) | Q(tiers__contains=[profile.tier])

    def reason(self, benefit, profile, passed):
        yours = TalentTier(profile.tier).label if profile.tier else _("none")
        return _("For talent of tier %(tiers)s. Your tier: %(yours)s.") % {
            "tiers": _tiers(benefit),
            "yours": yours,
        }

    def near_miss(self, benefit, profile):
        return _("You would qualify as a talent of tier %(tiers)s.") % {"tiers": _tiers(benefit)}


class YearsSinceGraduation(Rule):
    """The talent graduated no longer ago than the benefit allows."""

    name = "graduation"
    actionable = False

    def restricts(self, benefit):
        return benefit.max_years_since_graduation is not None

    def passes(self, benefit, profile):
        limit = benefit.max_years_since_graduation
        years = profile.years_since_graduation
        return limit is None or (years is not None and years <= limit)

    def condition(self, profile):
        if profile.years_since_graduation is None:
            return Q(max_years_since_graduation__isnull=True)
        return Q(max_years_since_graduation__isnull=True) | Q(
            max_years_since_graduation__gte=profile.years_since_graduation
        )

    def reason(self, benefit, profile, passed):
        limit = benefit.max_years_since_graduation
        if profile.years_since_graduation is None:
            return _(
                "For those who graduated at most %(limit)s years ago. Enter the years since "
                "you graduated to check."
            ) % {"limit": limit}
        return _(
            "For those who graduated at most %(limit)s years ago. You graduated %(years)s "
            "years ago."
        ) % {"limit": limit, "years": profile.years_since_graduation}

    def near_miss(self, benefit, profile):
        return _("You would qualify within %(limit)s years of graduating.") % {
            "limit": benefit.max_years_since_graduation
        }


class OverseasExperience(Rule):
    """The talent has overseas study or work experience, if the benefit requires it."""

    name = "overseas"
    actionable = False  # experience one has or has not had

    def restricts(self, benefit):
        return benefit.overseas_required

    def passes(self, benefit, profile):
        return not benefit.overseas_required or profile.overseas

    def condition(self, profile):
        return ALWAYS if profile.overseas else Q(overseas_required=False)

    def reason(self, benefit, profile, passed):
        if passed:
            return _("Requires overseas study or work experience, which you have.")
        return _("Requires overseas study or work experience, which you do not have.")

    def near_miss(self, benefit, profile):
        return _("You would qualify with overseas study or work experience.")


class Industries(Rule):
    """The talent works in one of the benefit's industries, if it names any."""

    name = "industry"

    def restricts(self, benefit):
        return bool(_industries(benefit))

    def passes(self, benefit, profile):
        industries = _industries(benefit)
        return not industries or profile.industry_id in {i.pk for i in industries}

    def condition(self, profile):
        through = Benefit.industries.through.objects.filter(benefit_id=OuterRef("pk"))
        unrestricted = ~Exists(through)
        if profile.industry_id is None:
            return Q(unrestricted)
        return Q(unrestricted) | Q(Exists(through.filter(industry_id=profile.industry_id)))

    def reason(self, benefit, profile, passed):
        yours = profile.industry.name if profile.industry is not None else _("none given")
        return _("For the industries: %(industries)s. Yours: %(yours)s.") % {
            "industries": _join(i.name for i in _industries(benefit)),
            "yours": yours,
        }

    def near_miss(self, benefit, profile):
        return _("You would qualify working in: %(industries)s.") % {
            "industries": _join(i.name for i in _industries(benefit))
        }


class RegionRequirement(Rule):
    """The talent does what the benefit requires of them in the region, if it requires it:
    the benefit's `requirement` flag against the profile's `answer`."""

    #: The Benefit field that requires it, and the Profile field that says the talent will.
    requirement = ""
    answer = ""
    met = unmet = near_miss_text = ""

    def restricts(self, benefit):
        return getattr(benefit, self.requirement)

    def passes(self, benefit, profile):
        return not getattr(benefit, self.requirement) or getattr(profile, self.answer)

    def condition(self, profile):
        return ALWAYS if getattr(profile, self.answer) else Q(**{self.requirement: False})

    def reason(self, benefit, profile, passed):
        return str(self.met if passed else self.unmet)

    def near_miss(self, benefit, profile):
        return str(self.near_miss_text)


class WorkInRegion(RegionRequirement):
    """The talent works in the region, if the benefit requires it."""

    name = "work"
    requirement = "must_work_in_region"
    answer = "will_work_in_region"
    met = gettext_lazy("Requires working in the region, as you would.")
    unmet = gettext_lazy("Requires working in the region, which you would not.")
    near_miss_text = gettext_lazy("You would qualify if you worked in the region.")


class LiveInRegion(RegionRequirement):
    """The talent lives in the region, if the benefit requires it."""

    name = "residence"
    requirement = "must_live_in_region"
    answer = "will_live_in_region"
    met = gettext_lazy("Requires living in the region, as you would.")
    unmet = gettext_lazy("Requires living in the region, which you would not.")
    near_miss_text = gettext_lazy("You would qualify if you lived in the region.")


class EnterpriseTypes(Rule):
    """The talent's employer is of one of the benefit's employer types, if it names any."""

    name = "employer"

    def restricts(self, benefit):
        return bool(benefit.enterprise_types)

    def passes(self, benefit, profile):
        return not benefit.enterprise_types or (
            bool(profile.enterprise_type) and profile.enterprise_type in benefit.enterprise_types
        )

    def condition(self, profile):
        if not profile.enterprise_type:
            return Q(enterprise_types=[])
        return Q(enterprise_types=[]) | Q(enterprise_types__contains=[profile.enterprise_type])

    def reason(self, benefit, profile, passed):
        yours = (
            EnterpriseType(profile.enterprise_type).label
            if profile.enterprise_type
            else _("none given")
        )
        return _("For people employed by: %(types)s. Yours: %(yours)s.") % {
            "types": _enterprise_types(benefit),
            "yours": yours,
        }

    def near_miss(self, benefit, profile):
        return _("You would qualify if employed by: %(types)s.") % {
            "types": _enterprise_types(benefit)
        }


def _categories(values) -> str:
    return _join(TalentCategory(c).label for c in values)


class TalentCategories(Rule):
    """The talent is of one of the benefit's talent categories (a skilled worker, a postdoc,
    a student, a title holder), if it names any: a skilled worker's subsidy is not a PhD's."""

    name = "category"

    def restricts(self, benefit):
        return bool(benefit.talent_categories)

    def passes(self, benefit, profile):
        return not benefit.talent_categories or not profile.talent_categories.isdisjoint(
            benefit.talent_categories
        )

    def condition(self, profile):
        if not profile.talent_categories:
            return Q(talent_categories=[])
        return Q(talent_categories=[]) | Q(
            talent_categories__overlap=sorted(profile.talent_categories)
        )

    def reason(self, benefit, profile, passed):
        yours = (
            _categories(sorted(profile.talent_categories))
            if profile.talent_categories
            else _("none given")
        )
        return _("Only for: %(categories)s. Yours: %(yours)s.") % {
            "categories": _categories(benefit.talent_categories),
            "yours": yours,
        }

    def near_miss(self, benefit, profile):
        return _("You would qualify as: %(categories)s.") % {
            "categories": _categories(benefit.talent_categories)
        }


RULES: tuple[Rule, ...] = (
    MinimumDegree(),
    MaximumAge(),
    TalentTiers(),
    YearsSinceGraduation(),
    OverseasExperience(),
    Industries(),
    WorkInRegion(),
    LiveInRegion(),
    EnterpriseTypes(),
    TalentCategories(),
)
RULES_BY_NAME = {rule.name: rule for rule in RULES}


def eligibility_check(*, benefit, profile: Profile) -> list[Criterion]:
    """Every condition the benefit sets, whether the profile meets it, and why.
    An empty list means the benefit has no conditions: everyone qualifies."""
    criteria = []
    for rule in RULES:
        if rule.restricts(benefit):
            passed = rule.passes(benefit, profile)
            criteria.append(Criterion(rule.name, passed, rule.reason(benefit, profile, passed)))
    return criteria


def _annotation(rule: Rule) -> str:
    return f"passes_{rule.name}"


def _failures(rules):
    """The number of the rules whose condition the row fails, in SQL."""
    return sum(
        (
            Case(
                When(rule.condition(profile), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
            for rule, profile in rules
        ),
        start=Value(0),
    )


def annotate_eligibility(queryset, profile: Profile):
    """Annotate `passes_<criterion>` for every criterion, `failed_criteria`, the number of
    criteria the profile fails, and `failed_fixed`, how many of those a person cannot act on
    (age, years since graduating), computed by the database."""
    annotations = {
        _annotation(rule): Case(
            When(rule.condition(profile), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        for rule in RULES
    }
    return queryset.annotate(
        **annotations,
        failed_criteria=_failures((rule, profile) for rule in RULES),
        failed_fixed=_failures((rule, profile) for rule in RULES if not rule.actionable),
    )


def benefits_applicable_in(regions: Iterable[Region]):
    """Benefits of the published policies that apply in any of the regions (their own
    policies and those of the regions above them)."""
    codes = {code for region in regions for code in ancestor_codes(region)}
    return Benefit.objects.filter(
        policy__status=PolicyStatus.PUBLISHED, policy__region_id__in=codes
    )


def benefits_matching(*, profile: Profile, regions: Iterable[Region]):
    """The benefits applicable in the regions that the profile meets, or misses by one
    criterion a person can act on (a near miss), with their policy and online service — one
    query. The database decides; explaining a verdict (`criteria_from_annotations`) reads the
    benefit's industries: prefetch them for the benefits a page shows."""
    queryset = annotate_eligibility(benefits_applicable_in(regions), profile)
    return (
        queryset.filter(failed_criteria__lte=1, failed_fixed=0)
        .select_related("policy", "policy__region", "service")
        .defer(*BENEFIT_DEFERRED)
        .order_by("policy__region_id", "kind", "-amount_max", "pk")
    )


#: Columns the calculator never shows; not fetched.
BENEFIT_DEFERRED = (
    "description_zh",
    "description_en",
    "policy__body_zh",
    "policy__body_en",
    "policy__summary_zh",
    "policy__summary_en",
    "policy__search_title",
    "policy__search_summary",
    "policy__search_body",
    "policy__search_vector",
    "policy__title_segmented",
    "policy__summary_segmented",
    "service__description_zh",
    "service__description_en",
    "service__audience_zh",
    "service__audience_en",
    "service__form_schema",
)


def criteria_from_annotations(benefit, profile: Profile) -> list[Criterion]:
    """`eligibility_check`, but trusting the database's verdicts annotated on the benefit."""
    criteria = []
    for rule in RULES:
        if rule.restricts(benefit):
            passed = getattr(benefit, _annotation(rule))
            criteria.append(Criterion(rule.name, passed, rule.reason(benefit, profile, passed)))
    return criteria


def is_near_miss(criteria: list[Criterion]) -> bool:
    """Missed by exactly one criterion, and one a person can change or prove."""
    failed = [c for c in criteria if not c.passed]
    return len(failed) == 1 and RULES_BY_NAME[failed[0].name].actionable


def near_miss_message(benefit, profile: Profile, criteria: list[Criterion]) -> str:
    """For a near miss: what would make the talent qualify; empty for anything else."""
    if not is_near_miss(criteria):
        return ""
    failed = next(c for c in criteria if not c.passed)
    return RULES_BY_NAME[failed.name].near_miss(benefit, profile)
