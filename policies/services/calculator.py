"""The policy calculator: every benefit a profile qualifies for in each region, why, what
it is worth, and what the talent narrowly misses."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.eligibility import (
    Criterion,
    Profile,
    benefits_matching,
    criteria_from_annotations,
    near_miss_message,
)
from policies.models import Benefit, SavedProfile, ancestor_codes
from talentportal.models import Region

MAX_REGIONS = 6


@dataclass
class BenefitResult:
    benefit: Benefit
    criteria: list[Criterion]
    value: int | None  # comparable figure: yuan over three years, "up to"
    near_miss: str = ""  # what would make the talent qualify; empty when eligible

    @property
    def eligible(self) -> bool:
        return all(c.passed for c in self.criteria)

    @property
    def policy(self):
        return self.benefit.policy

    def snapshot(self) -> dict:
        return {"version": self.benefit.version, "eligible": self.eligible, "value": self.value}


@dataclass
class RegionResult:
    region: Region
    eligible: list[BenefitResult] = field(default_factory=list)
    near_misses: list[BenefitResult] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Estimated yuan over three years. Benefits of the same kind are alternatives — the
        policies themselves grant "the highest, not several" (就高不重复), and one policy often
        has one amount for a PhD and another for a master — so only the largest of each kind
        counts."""
        best: dict[str, int] = {}
        for result in self.eligible:
            if result.value is not None:
                kind = result.benefit.kind
                best[kind] = max(best.get(kind, 0), result.value)
        return sum(best.values())


@dataclass
class CalculatorResult:
    profile: Profile
    regions: list[RegionResult]

    def snapshot(self) -> dict:
        """{benefit id: {"version", "eligible", "value"}} for every benefit shown, as
        `SavedProfile.result` stores it."""
        snapshot = {}
        for region in self.regions:
            for result in (*region.eligible, *region.near_misses):
                snapshot[str(result.benefit.pk)] = result.snapshot()
        return snapshot


def _sort_key(result: BenefitResult):
    return (result.value is None, -(result.value or 0), result.benefit.pk)


def calculate(*, profile: Profile, regions) -> CalculatorResult:
    """Match the profile against every benefit of the published policies that apply in the
    regions, in one database query (plus one prefetch). A benefit of a province's policy
    shows under each of the province's regions asked about."""
    regions = list(dict.fromkeys(regions))
    if not 1 <= len(regions) <= MAX_REGIONS:
        raise ValidationError(
            _("Choose between one and %(max)s regions."), params={"max": MAX_REGIONS}
        )
    results = {region.code: RegionResult(region) for region in regions}
    ancestors = {region.code: set(ancestor_codes(region)) for region in regions}
    for benefit in benefits_matching(profile=profile, regions=regions):
        criteria = criteria_from_annotations(benefit, profile)
        result = BenefitResult(
            benefit=benefit,
            criteria=criteria,
            value=benefit.comparable_figure,
            near_miss=near_miss_message(benefit, profile, criteria),
        )
        for region in regions:
            if benefit.policy.region_id in ancestors[region.code]:
                bucket = results[region.code]
                (bucket.eligible if result.eligible else bucket.near_misses).append(result)
    for bucket in results.values():
        bucket.eligible.sort(key=_sort_key)
        bucket.near_misses.sort(key=_sort_key)
    return CalculatorResult(profile=profile, regions=list(results.values()))


PROFILE_FIELDS = (
    "degree",
    "age",
    "years_since_graduation",
    "tier",
    "overseas",
    "industry",
    "enterprise_type",
    "will_work_in_region",
    "will_live_in_region",
)


@transaction.atomic
def saved_profile_save(*, user, regions, **fields) -> tuple[SavedProfile, CalculatorResult]:
    """Create or update the user's calculator profile, run the calculator and keep the
    result as the snapshot later benefit changes are compared with."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown profile fields: {', '.join(sorted(unknown))}")
    saved, _created = SavedProfile.objects.select_for_update().get_or_create(user=user)
    for name, value in fields.items():
        setattr(saved, name, value)
    saved.full_clean(exclude=["user", "regions", "result"])
    regions = list(regions)
    result = calculate(profile=Profile.from_saved(saved), regions=regions)
    saved.result = result.snapshot()
    saved.computed_at = timezone.now()
    saved.save()
    saved.regions.set(regions)
    return saved, result
