"""Who qualifies for a benefit, and why.

Each criterion is a small named rule (the rule is in its docstring) that answers the same
question three ways, which the tests hold equal:

- `passes(benefit, profile)` — in Python, for one benefit (`eligibility_check`);
- `condition(profile)` — as a `Q` over `Benefit`, so the calculator asks the database to
  evaluate every criterion of every applicable benefit in one query (`benefits_matching`);
- `reason(...)` / `near_miss(...)` — the translated explanation shown to the talent.

A criterion the benefit does not set (no minimum degree, no age limit, …) passes and is not
listed; a profile that leaves a field empty fails a criterion that needs it.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from policies.models import Benefit, EnterpriseType, PolicyStatus, ancestor_codes
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


class WorkInRegion(Rule):
    """The talent works in the region, if the benefit requires it."""

    name = "work"

    def restricts(self, benefit):
        return benefit.must_work_in_region

    def passes(self, benefit, profile):
        return not benefit.must_work_in_region or profile.will_work_in_region

    def condition(self, profile):
        return ALWAYS if profile.will_work_in_region else Q(must_work_in_region=False)

    def reason(self, benefit, profile, passed):
        if passed:
            return _("Requires working in the region, as you would.")
        return _("Requires working in the region, which you would not.")

    def near_miss(self, benefit, profile):
        return _("You would qualify if you worked in the region.")


class LiveInRegion(Rule):
    """The talent lives in the region, if the benefit requires it."""

    name = "residence"

    def restricts(self, benefit):
        return benefit.must_live_in_region

    def passes(self, benefit, profile):
        return not benefit.must_live_in_region or profile.will_live_in_region

    def condition(self, profile):
        return ALWAYS if profile.will_live_in_region else Q(must_live_in_region=False)

    def reason(self, benefit, profile, passed):
        if passed:
            return _("Requires living in the region, as you would.")
        return _("Requires living in the region, which you would not.")

    def near_miss(self, benefit, profile):
        return _("You would qualify if you lived in the region.")


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


def annotate_eligibility(queryset, profile: Profile):
    """Annotate `passes_<criterion>` for every criterion and `failed_criteria`, the number
    of criteria the profile fails, computed by the database."""
    annotations = {
        _annotation(rule): Case(
            When(rule.condition(profile), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        for rule in RULES
    }
    failed = sum(
        (
            Case(
                When(rule.condition(profile), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
            for rule in RULES
        ),
        start=Value(0),
    )
    return queryset.annotate(**annotations, failed_criteria=failed)


def benefits_applicable_in(regions: Iterable[Region]):
    """Benefits of the published policies that apply in any of the regions (their own
    policies and those of the regions above them)."""
    codes = {code for region in regions for code in ancestor_codes(region)}
    return Benefit.objects.filter(
        policy__status=PolicyStatus.PUBLISHED, policy__region_id__in=codes
    )


def benefits_matching(*, profile: Profile, regions: Iterable[Region], max_failed: int = 1):
    """The benefits applicable in the regions that the profile meets, or misses by at most
    `max_failed` criteria — one query, plus one prefetch of the benefits' industries."""
    queryset = annotate_eligibility(benefits_applicable_in(regions), profile)
    return (
        queryset.filter(failed_criteria__lte=max_failed)
        .select_related("policy", "policy__region")
        .prefetch_related("industries")
        .order_by("policy__region_id", "kind", "-amount_max", "pk")
    )


def criteria_from_annotations(benefit, profile: Profile) -> list[Criterion]:
    """`eligibility_check`, but trusting the database's verdicts annotated on the benefit."""
    criteria = []
    for rule in RULES:
        if rule.restricts(benefit):
            passed = getattr(benefit, _annotation(rule))
            criteria.append(Criterion(rule.name, passed, rule.reason(benefit, profile, passed)))
    return criteria


def near_miss_message(benefit, profile: Profile, criteria: list[Criterion]) -> str:
    """For a benefit missed by exactly one criterion: what would make the talent qualify."""
    failed = [c for c in criteria if not c.passed]
    if len(failed) != 1:
        return ""
    return RULES_BY_NAME[failed[0].name].near_miss(benefit, profile)
