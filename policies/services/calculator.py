"""The policy calculator: every benefit a profile qualifies for in each region, why, what
it is worth, and what the talent narrowly misses."""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from policies.eligibility import (
    Criterion,
    Profile,
    benefits_matching,
    criteria_from_annotations,
    near_miss_message,
)
from policies.models import Benefit, BenefitKind, SavedProfile, ancestor_codes
from talentportal.models import Region

MAX_REGIONS = 6
#: Near misses, selections, and benefits of one kind shown per region before "show all".
NEAR_MISSES_SHOWN = 5
MAY_APPLY_SHOWN = 5
PER_KIND_SHOWN = 3
KIND_ORDER = {kind: position for position, kind in enumerate(BenefitKind.values)}


@dataclass
class BenefitResult:
    """One benefit checked against the profile. The database decided eligibility
    (`failed_criteria`); the explanations are built only for the results a page shows."""

    benefit: Benefit
    profile: Profile

    @property
    def eligible(self) -> bool:
        return self.benefit.failed_criteria == 0

    @property
    def competitive(self) -> bool:
        """A selection or award: "you may apply", never counted in a total."""
        return self.benefit.competitive

    @property
    def value(self) -> int | None:
        """The whole amount paid over the benefit's term ("up to")."""
        return self.benefit.comparable_figure

    @cached_property
    def criteria(self) -> list[Criterion]:
        return criteria_from_annotations(self.benefit, self.profile)

    @cached_property
    def near_miss(self) -> str:
        """What would make the talent qualify; empty when eligible."""
        return near_miss_message(self.benefit, self.profile, self.criteria)

    @property
    def policy(self):
        return self.benefit.policy

    @property
    def service(self):
        """The online service that grants the benefit, if it is published and online."""
        service = self.benefit.service
        if service is None or not service.is_published or not service.is_online:
            return None
        return service

    def snapshot(self) -> dict:
        return {"version": self.benefit.version, "eligible": self.eligible, "value": self.value}


@dataclass
class KindGroup:
    kind: str
    results: list[BenefitResult]
    limit: int | None = None  # how many a page shows; None: all

    @property
    def shown(self) -> list[BenefitResult]:
        """The largest first (the one the total counts), then the alternatives."""
        return self.results if self.limit is None else self.results[: self.limit]

    @property
    def hidden(self) -> int:
        return len(self.results) - len(self.shown)

    @property
    def label(self) -> str:
        return BenefitKind(self.kind).label

    @property
    def counted(self) -> BenefitResult | None:
        """The result the total counts for this kind: the largest figure."""
        figures = [r for r in self.results if r.value is not None]
        return max(figures, key=lambda r: r.value) if figures else None


@dataclass
class RegionResult:
    region: Region
    eligible: list[BenefitResult] = field(default_factory=list)  # entitlements
    may_apply: list[BenefitResult] = field(default_factory=list)  # selections, awards
    near_misses: list[BenefitResult] = field(default_factory=list)
    expanded: bool = False  # every near miss shown ("show all")
    more_query: str = ""  # the query string that shows them all

    @property
    def total(self) -> int:
        """Estimated yuan, each benefit's whole term (see `comparable_figure`). Benefits of
        the same kind are alternatives — the policies themselves grant "the highest, not
        several" (就高不重复), and one policy often has one amount for a PhD and another for
        a master — so only the largest of each kind counts. Selections and awards
        (`may_apply`) never count: the odds of being selected are unknown."""
        return sum(group.counted.value for group in self.groups if group.counted is not None)

    @property
    def groups(self) -> list[KindGroup]:
        """The entitlements grouped by kind, in the order of `BenefitKind`; each shows its
        first few unless the region is expanded."""
        by_kind: dict[str, list[BenefitResult]] = {}
        for result in self.eligible:
            by_kind.setdefault(result.benefit.kind, []).append(result)
        limit = None if self.expanded else PER_KIND_SHOWN
        return [
            KindGroup(kind, results, limit)
            for kind, results in sorted(by_kind.items(), key=lambda item: KIND_ORDER[item[0]])
        ]

    @property
    def shown_may_apply(self) -> list[BenefitResult]:
        return self.may_apply if self.expanded else self.may_apply[:MAY_APPLY_SHOWN]

    @property
    def shown_near_misses(self) -> list[BenefitResult]:
        """The best few near misses (the largest first), or all of them when expanded."""
        return self.near_misses if self.expanded else self.near_misses[:NEAR_MISSES_SHOWN]

    @property
    def shown(self) -> list[BenefitResult]:
        """Every result a page shows of the region."""
        return [
            *(result for group in self.groups for result in group.shown),
            *self.shown_may_apply,
            *self.shown_near_misses,
        ]

    @property
    def hidden(self) -> int:
        """How many results "show all" would add."""
        return (
            sum(group.hidden for group in self.groups)
            + len(self.may_apply)
            - len(self.shown_may_apply)
            + len(self.near_misses)
            - len(self.shown_near_misses)
        )


@dataclass
class CalculatorResult:
    profile: Profile
    regions: list[RegionResult]

    def prefetch_shown(self) -> None:
        """Fetch, in one query, the industries of the benefits a page shows: their
        explanations need them, the verdicts (decided by the database) do not."""
        benefits = {result.benefit.pk: result.benefit for r in self.regions for result in r.shown}
        prefetch_related_objects(list(benefits.values()), "industries")

    def snapshot(self) -> dict:
        """{benefit id: {"version", "eligible", "value"}} for every benefit matched, as
        `SavedProfile.result` stores it."""
        snapshot = {}
        for region in self.regions:
            for result in (*region.eligible, *region.may_apply, *region.near_misses):
                snapshot[str(result.benefit.pk)] = result.snapshot()
        return snapshot


def _sort_key(result: BenefitResult):
    return (result.value is None, -(result.value or 0), result.benefit.pk)


def calculate(*, profile: Profile, regions) -> CalculatorResult:
    """Match the profile against every benefit of the published policies that apply in the
    regions: the database decides every criterion of every benefit in one query (plus one
    prefetch). A benefit of a province's policy shows under each of the province's regions
    asked about."""
    regions = list(dict.fromkeys(regions))
    if not 1 <= len(regions) <= MAX_REGIONS:
        raise ValidationError(
            _("Choose between one and %(max)s regions."), params={"max": MAX_REGIONS}
        )
    results = {region.code: RegionResult(region) for region in regions}
    ancestors = {region.code: set(ancestor_codes(region)) for region in regions}
    for benefit in benefits_matching(profile=profile, regions=regions):
        result = BenefitResult(benefit=benefit, profile=profile)
        if not result.eligible:
            bucket_name = "near_misses"
        elif result.competitive:
            bucket_name = "may_apply"
        else:
            bucket_name = "eligible"
        for region in regions:
            if benefit.policy.region_id in ancestors[region.code]:
                getattr(results[region.code], bucket_name).append(result)
    for bucket in results.values():
        bucket.eligible.sort(key=_sort_key)
        bucket.may_apply.sort(key=_sort_key)
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
    "talent_categories",
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
