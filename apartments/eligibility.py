"""Who may rent a talent apartment, and in what order — rules that explain themselves.

Eligibility is a list of small named rules (the rule is in each docstring). Each answers for
one community and one applicant: passed, failed, or not known yet (something the applicant
declares on the application form), always with the reason in plain words. The same rules,
worded for the community page, say who may apply (`community_rules`).

The priority score orders a queue round and is published with every round
(`PRIORITY_RULES`, `priority_rules_table`): points for the talent tier, for each full year
working in the city, and for the size of the household. Ties in a queue go to the earlier
submission.

The applicant's facts come from the application (`Applicant.from_application`) or, for the
"do I qualify?" check before applying, from their talent profile if they have one
(`Applicant.from_user`); what the profile does not say stays unknown.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apartments.models import LAYOUT_CAPACITY, Community, Layout, Lease, LeaseStatus
from talentportal.choices import Degree, TalentTier
from talentportal.models import Region

UNKNOWN = None


@dataclass(frozen=True)
class Applicant:
    """What eligibility and the priority score need to know. `None`: not known yet."""

    tier: str | None = ""
    degree: int | None = Degree.NONE
    employed_in_region: bool | None = None
    owns_home_in_city: bool | None = None
    household_size: int | None = 1
    years_in_region: int | None = 0
    is_tenant: bool = False

    @classmethod
    def from_application(cls, application) -> "Applicant":
        return cls(
            tier=application.tier,
            degree=application.highest_degree,
            employed_in_region=application.employed_in_region,
            owns_home_in_city=application.owns_home_in_city,
            household_size=application.household_size,
            years_in_region=application.years_in_region,
            is_tenant=is_tenant(application.applicant, exclude_application=application),
        )

    @classmethod
    def from_user(cls, user) -> "Applicant":
        """From the talent profile if the user has one; the rest unknown."""
        talent = talent_of(user)
        return cls(
            tier=talent_tier(talent) if talent is not None else UNKNOWN,
            degree=talent.highest_degree if talent is not None else UNKNOWN,
            employed_in_region=UNKNOWN,
            owns_home_in_city=UNKNOWN,
            household_size=UNKNOWN,
            years_in_region=UNKNOWN,
            is_tenant=is_tenant(user),
        )


def talent_of(user):
    """The user's talent profile, or None (no profile, or anonymous). Read through the
    reverse one-to-one accessor so that this app does not depend on how talents store it."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.talent
    except (ObjectDoesNotExist, AttributeError):
        return None


def talent_tier(talent) -> str:
    """The talent's tier while it is valid, else ""."""
    if talent is None or not talent.tier:
        return ""
    valid_until = getattr(talent, "tier_valid_until", None)
    if valid_until is not None and valid_until < timezone.localdate():
        return ""
    return talent.tier


def is_tenant(user, *, exclude_application=None) -> bool:
    """Whether `user` has an active talent-apartment lease (other than one coming from
    `exclude_application`, so that a tenant's own application still checks as it did)."""
    if user is None or not user.is_authenticated:
        return False
    leases = Lease.objects.filter(tenant=user, status=LeaseStatus.ACTIVE)
    if exclude_application is not None and exclude_application.pk:
        leases = leases.exclude(application=exclude_application)
    return leases.exists()


@dataclass(frozen=True)
class Check:
    """One rule's verdict: `passed` is True, False, or None (to be declared)."""

    rule: str
    passed: bool | None
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Eligibility:
    checks: list[Check] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        """Every rule passed."""
        return all(check.passed is True for check in self.checks)

    @property
    def possible(self) -> bool:
        """No rule failed: eligible once the unknowns are declared as needed."""
        return all(check.passed is not False for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if check.passed is False]

    def as_json(self) -> list[dict]:
        return [check.as_dict() for check in self.checks]

    def summary(self) -> str:
        """The reasons of the failed rules, one per line (a rejection's reason)."""
        return "\n".join(check.reason for check in self.failed)


def _join(labels: Iterable) -> str:
    return _(", ").join(str(label) for label in labels)


_REGIONS: dict[str, Region] = {}


def _region(code: str) -> Region | None:
    """Regions are a fixed catalogue: each looked up once per process."""
    if code not in _REGIONS:
        region = Region.objects.filter(code=code).first()
        if region is None:
            return None
        _REGIONS[code] = region
    return _REGIONS[code]


def _city(community: Community) -> str:
    """The name of the community's city (in the active language)."""
    # Municipalities (Tianjin) have no city level: the province is the city.
    city = (
        _region(community.city_code)
        or _region(community.region_id[:2] + "0000")
        or _region(community.region_id)
    )
    return city.name if city is not None else community.region_id


class Rule:
    name = ""

    def applies(self, community: Community) -> bool:
        """Whether the community sets this rule at all (unset rules are not listed)."""
        return True

    def check(self, community: Community, applicant: Applicant, *, units=None) -> Check:
        raise NotImplementedError

    def describe(self, community: Community) -> str:
        """The rule in plain words for the community page."""
        raise NotImplementedError


class TierAdmitted(Rule):
    """If the community admits only some talent tiers, the applicant holds one of them
    (a tier whose validity has lapsed does not count)."""

    name = "tier"

    def applies(self, community):
        return bool(community.tiers)

    def _tiers(self, community):
        return _join(TalentTier(tier).label for tier in sorted(community.tiers))

    def check(self, community, applicant, *, units=None):
        if applicant.tier is UNKNOWN:
            return Check(
                self.name,
                UNKNOWN,
                _("Open to tiers: %(tiers)s. Your tier is not on record: declare it to apply.")
                % {"tiers": self._tiers(community)},
            )
        passed = applicant.tier in community.tiers
        yours = TalentTier(applicant.tier).label if applicant.tier else _("no tier")
        return Check(
            self.name,
            passed,
            _("Open to tiers: %(tiers)s. You have: %(yours)s.")
            % {"tiers": self._tiers(community), "yours": yours},
        )

    def describe(self, community):
        return _("Open to talents of tier %(tiers)s.") % {"tiers": self._tiers(community)}


class MinimumDegree(Rule):
    """The applicant's highest degree is at least the community's minimum degree."""

    name = "degree"

    def applies(self, community):
        return community.min_degree > Degree.NONE

    def check(self, community, applicant, *, units=None):
        required = Degree(community.min_degree).label
        if applicant.degree is UNKNOWN:
            return Check(
                self.name,
                UNKNOWN,
                _("Requires at least: %(required)s. Declare your degree when you apply.")
                % {"required": required},
            )
        return Check(
            self.name,
            applicant.degree >= community.min_degree,
            _("Requires at least: %(required)s. You have: %(yours)s.")
            % {
                "required": required,
                "yours": Degree(applicant.degree).label if applicant.degree else _("no degree"),
            },
        )

    def describe(self, community):
        return _("At least a %(degree)s.") % {
            "degree": str(Degree(community.min_degree).label).lower()
        }


class WorksInCity(Rule):
    """If the community requires it, the applicant is employed in the community's city
    (declared, with the employer's name)."""

    name = "employed_in_region"

    def applies(self, community):
        return community.must_work_in_region

    def check(self, community, applicant, *, units=None):
        city = _city(community)
        if applicant.employed_in_region is UNKNOWN:
            return Check(
                self.name,
                UNKNOWN,
                _("You must work in %(city)s; you declare your employer when you apply.")
                % {"city": city},
            )
        if applicant.employed_in_region:
            return Check(self.name, True, _("You work in %(city)s.") % {"city": city})
        return Check(
            self.name, False, _("You must work in %(city)s; you said you do not.") % {"city": city}
        )

    def describe(self, community):
        return _("You work for an employer in %(city)s.") % {"city": _city(community)}


class NoHomeInCity(Rule):
    """If the community requires it, the applicant does not own a home in the city
    (declared; a false declaration ends the lease)."""

    name = "no_home"

    def applies(self, community):
        return community.must_not_own_home

    def check(self, community, applicant, *, units=None):
        city = _city(community)
        if applicant.owns_home_in_city is UNKNOWN:
            return Check(
                self.name,
                UNKNOWN,
                _("You must not own a home in %(city)s; you declare this when you apply.")
                % {"city": city},
            )
        if applicant.owns_home_in_city:
            return Check(
                self.name,
                False,
                _("You must not own a home in %(city)s; you said you do.") % {"city": city},
            )
        return Check(self.name, True, _("You do not own a home in %(city)s.") % {"city": city})

    def describe(self, community):
        return _("You do not own a home in %(city)s.") % {"city": _city(community)}


class NotAlreadyTenant(Rule):
    """The applicant does not already rent a talent apartment (one per person)."""

    name = "not_tenant"

    def check(self, community, applicant, *, units=None):
        if applicant.is_tenant:
            return Check(
                self.name,
                False,
                _("You already rent a talent apartment; one per person."),
            )
        return Check(self.name, True, _("You do not rent a talent apartment yet."))

    def describe(self, community):
        return _("You do not already rent a talent apartment.")


class HouseholdFits(Rule):
    """Some unit offered fits the household: a studio houses 1 person, one bedroom 2,
    two bedrooms 4, three bedrooms 6."""

    name = "household"

    def check(self, community, applicant, *, units=None):
        layouts = set(units) if units is not None else set(LAYOUT_CAPACITY)
        largest = max((LAYOUT_CAPACITY[Layout(layout)] for layout in layouts), default=0)
        if applicant.household_size is UNKNOWN:
            return Check(
                self.name,
                UNKNOWN,
                _("The largest unit offered houses %(count)s people.") % {"count": largest},
            )
        passed = applicant.household_size <= largest
        return Check(
            self.name,
            passed,
            _("Your household: %(size)s; the largest unit offered houses %(count)s.")
            % {"size": applicant.household_size, "count": largest},
        )

    def describe(self, community):
        return _("Your household fits a unit offered (studio 1, one bedroom 2, two bedrooms 4, "
                 "three bedrooms 6 people).")  # fmt: skip


RULES: list[Rule] = [
    TierAdmitted(),
    MinimumDegree(),
    WorksInCity(),
    NoHomeInCity(),
    NotAlreadyTenant(),
    HouseholdFits(),
]


def eligibility_check(
    community: Community, applicant: Applicant, *, layouts: Iterable[str] | None = None
) -> Eligibility:
    """Every rule the community sets, checked for `applicant`. `layouts`: the layouts a round
    offers (for the household rule); None: every layout."""
    layouts = list(layouts) if layouts is not None else None
    return Eligibility(
        [
            rule.check(community, applicant, units=layouts)
            for rule in RULES
            if rule.applies(community)
        ]
    )


def community_rules(community: Community) -> list[str]:
    """Who may apply, in plain words, for the community page."""
    return [rule.describe(community) for rule in RULES if rule.applies(community)]


# --- priority score ---------------------------------------------------------------------------

#: Points for the talent tier.
TIER_POINTS = {"A": 40, "B": 34, "C": 28, "D": 22, "E": 16, "": 0}
#: Points for each full year working in the city, up to a cap.
POINTS_PER_YEAR = 3
MAX_YEAR_POINTS = 30
#: Points for the household size (4 or more: the last value).
HOUSEHOLD_POINTS = [0, 0, 6, 12, 15]

PRIORITY_RULES = [
    (
        gettext_lazy("Talent tier"),
        gettext_lazy("A: 40, B: 34, C: 28, D: 22, E: 16, no tier: 0 points."),
    ),
    (
        gettext_lazy("Years working in the city"),
        gettext_lazy("3 points per full year, at most 30 points."),
    ),
    (
        gettext_lazy("Household"),
        gettext_lazy("1 person: 0, 2 people: 6, 3 people: 12, 4 or more: 15 points."),
    ),
    (
        gettext_lazy("Ties"),
        gettext_lazy("Equal scores are ordered by submission time, earliest first."),
    ),
]


@dataclass(frozen=True)
class ScorePart:
    label: str
    points: int
    reason: str


@dataclass(frozen=True)
class Score:
    parts: list[ScorePart]

    @property
    def total(self) -> int:
        return sum(part.points for part in self.parts)


def priority_score(applicant: Applicant) -> Score:
    """The published priority score of `applicant` (unknown facts count as nothing)."""
    tier = applicant.tier or ""
    years = applicant.years_in_region or 0
    household = applicant.household_size or 1
    year_points = min(years * POINTS_PER_YEAR, MAX_YEAR_POINTS)
    household_points = HOUSEHOLD_POINTS[min(household, len(HOUSEHOLD_POINTS) - 1)]
    return Score(
        [
            ScorePart(
                _("Talent tier"),
                TIER_POINTS[tier],
                _("Tier %(tier)s") % {"tier": tier} if tier else _("No tier"),
            ),
            ScorePart(
                _("Years working in the city"),
                year_points,
                _("%(years)s full years × %(points)s, at most %(cap)s")
                % {"years": years, "points": POINTS_PER_YEAR, "cap": MAX_YEAR_POINTS},
            ),
            ScorePart(
                _("Household"),
                household_points,
                _("%(size)s people") % {"size": household},
            ),
        ]
    )


def priority_rules_table() -> list[tuple[str, str]]:
    """The published rules as (what, points) rows."""
    return [(str(what), str(points)) for what, points in PRIORITY_RULES]
