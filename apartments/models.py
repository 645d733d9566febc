"""Talent apartments: communities, their units, allocation rounds, applications, offers, leases.

Invariants that concurrency could break live in the database:

- a unit never has two overlapping active leases: an EXCLUSION constraint over
  (unit, daterange(start, end)) for active leases (btree_gist);
- a unit has at most one pending offer, an application at most one pending or accepted offer;
- one application per person and round (withdrawn ones aside);
- a round's commitments are present once its state needs them (a lottery round that is open has
  its seed commitment, a frozen one its list hash, a drawn one its revealed seed).

State changes go through `apartments.services`; the lottery arithmetic is in `apartments.lottery`,
the eligibility rules and the priority score in `apartments.eligibility`.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Cast, Coalesce, Left, LPad, TruncYear
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from talentportal.choices import Degree, TalentTier
from talentportal.i18n import localized
from talentportal.models import (
    Application,
    ApplicationQuerySet,
    ApplicationStatus,
    Region,
    RegionalQuerySet,
)
from talentportal.scope import covers, in_scope

SHA256_HEX = RegexValidator(r"^[0-9a-f]{64}$", _("A SHA-256 digest: 64 lower-case hex digits."))


class Facility(models.TextChoices):
    COWORKING = "coworking", _("Co-working space")
    CANTEEN = "canteen", _("Canteen")
    GYM = "gym", _("Gym")
    CHILDCARE = "childcare", _("Childcare")
    CLINIC = "clinic", _("Clinic")
    LIBRARY = "library", _("Library / reading room")
    LAUNDRY = "laundry", _("Laundry")
    PARKING = "parking", _("Parking")
    SHOP = "shop", _("Convenience shop")
    MEETING = "meeting", _("Meeting rooms")
    EV_CHARGING = "ev_charging", _("EV charging")
    SHUTTLE = "shuttle", _("Shuttle bus")


class Layout(models.TextChoices):
    STUDIO = "studio", _("Studio")
    ONE_BED = "one_bed", _("One bedroom")
    TWO_BED = "two_bed", _("Two bedrooms")
    THREE_BED = "three_bed", _("Three bedrooms")

    @classmethod
    def capacity(cls, layout) -> int:
        """How many people a layout houses: the largest household it is offered to."""
        return LAYOUT_CAPACITY[cls(layout)]


LAYOUT_CAPACITY = {Layout.STUDIO: 1, Layout.ONE_BED: 2, Layout.TWO_BED: 4, Layout.THREE_BED: 6}


class RentTerms(models.TextChoices):
    FREE = "free", _("Rent-free")
    DISCOUNT = "discount", _("Discounted rent")
    MARKET = "market", _("Market rent")


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    OFFERED = "offered", _("Offered")
    LET = "let", _("Let")
    MAINTENANCE = "maintenance", _("Under maintenance")


class AllocationMethod(models.TextChoices):
    QUEUE = "queue", _("Queue (priority score, then submission time)")
    LOTTERY = "lottery", _("Lottery (verifiable draw)")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    CLOSED = "closed", _("Closed, under review")
    FROZEN = "frozen", _("List frozen")
    DRAWN = "drawn", _("Order drawn")
    FINISHED = "finished", _("Finished")


class PreferenceKind(models.TextChoices):
    HIGH_TIER = "high_tier", _("Tier A–B talents")
    FAMILY = "family", _("Families")
    ACCESSIBLE = "accessible", _("Accessible-needs households")


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting reply")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class LeaseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


# --- communities -------------------------------------------------------------------------------


class CommunityQuerySet(RegionalQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """What `user` may see: published ones for everyone, everything in their region for
        staff (province-wide staff: everything)."""
        if user.is_authenticated and user.is_active and user.is_staff:
            return self.in_scope_of(user)
        return self.published()

    def with_occupancy(self):
        """Annotate units, available, offered, let, maintenance, residents from the
        trigger-maintained summary (one small join, whatever the number of units)."""
        return self.annotate(
            units_total=Coalesce(Sum("occupancy__units"), 0),
            units_available=Coalesce(Sum("occupancy__available"), 0),
            units_offered=Coalesce(Sum("occupancy__offered"), 0),
            units_let=Coalesce(Sum("occupancy__let"), 0),
            units_maintenance=Coalesce(Sum("occupancy__maintenance"), 0),
            residents=Coalesce(Sum("occupancy__residents"), 0),
        )

    def with_vacancies(self):
        """Communities with at least one unit available now."""
        return self.filter(occupancy__available__gt=0).distinct()

    def with_layout(self, *layouts):
        return self.filter(occupancy__layout__in=layouts, occupancy__units__gt=0).distinct()


class Community(models.Model):
    """A talent community (人才社区): a block of talent apartments run by one operator."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    address_zh = models.CharField(_("address (Chinese)"), max_length=200)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    operator = models.CharField(
        _("operator"), max_length=200, blank=True, help_text=_("The company that runs it.")
    )
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    facilities = ArrayField(
        models.CharField(max_length=20, choices=Facility.choices),
        verbose_name=_("facilities"),
        default=list,
        blank=True,
    )
    transport_zh = models.TextField(_("transport (Chinese)"), blank=True)
    transport_en = models.TextField(_("transport (English)"), blank=True)
    rules_zh = models.TextField(_("house rules (Chinese)"), blank=True)
    rules_en = models.TextField(_("house rules (English)"), blank=True)

    # Eligibility (apartments.eligibility explains each rule to the applicant).
    tiers = ArrayField(
        models.CharField(max_length=1, choices=TalentTier.choices),
        verbose_name=_("talent tiers admitted"),
        default=list,
        blank=True,
        help_text=_("Empty: talents of any tier, and those without one."),
    )
    min_degree = models.PositiveSmallIntegerField(
        _("minimum degree"), choices=Degree.choices, default=Degree.NONE
    )
    must_work_in_region = models.BooleanField(_("must be employed in the city"), default=True)
    must_not_own_home = models.BooleanField(
        _("must not own a home in the city"), default=True, help_text=_("As declared.")
    )
    max_lease_months = models.PositiveSmallIntegerField(
        _("maximum lease length (months)"),
        default=36,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["region", "name_zh"]
        verbose_name = _("talent community")
        verbose_name_plural = _("talent communities")
        indexes = [
            models.Index(fields=["region", "name_zh"], name="community_region_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_lease_months__gte=1, max_lease_months__lte=120),
                name="community_lease_months_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("apartments:community", args=[self.pk])

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def address(self) -> str:
        return localized(self, "address")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def transport(self) -> str:
        return localized(self, "transport")

    @property
    def rules(self) -> str:
        return localized(self, "rules")

    @property
    def city_code(self) -> str:
        """The code of the city the community is in ("work in the city" means this city)."""
        return self.region_id[:4] + "00"

    def facility_labels(self) -> list[str]:
        return [Facility(f).label for f in self.facilities if f in Facility.values]

    def rent_rule_for(self, tier: str) -> "RentRule | None":
        """The rent rule of `tier`, else the default rule (tier empty); None if neither.
        Uses prefetched `rent_rules` when present."""
        rules = {rule.tier: rule for rule in self.rent_rules.all()}
        return rules.get(tier or "") or rules.get("")

    def rent_for(self, unit: "Unit", tier: str) -> tuple[int, str]:
        """(monthly rent in yuan, RentTerms) that a talent of `tier` pays for `unit`.
        Without a rule: the unit's (market) rent."""
        rule = self.rent_rule_for(tier)
        if rule is None:
            return unit.monthly_rent, RentTerms.MARKET
        return rule.apply(unit.monthly_rent), rule.terms


class RentRule(models.Model):
    """What a talent of one tier pays in a community: nothing, a discount, or market rent.
    The rule with an empty tier applies to everyone without a rule of their own."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="rent_rules"
    )
    tier = models.CharField(
        _("talent tier"),
        max_length=1,
        choices=TalentTier.choices,
        blank=True,
        help_text=_("Empty: everyone else."),
    )
    terms = models.CharField(_("rent"), max_length=10, choices=RentTerms.choices)
    discount_percent = models.PositiveSmallIntegerField(
        _("discount (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("For discounted rent: the share of the market rent waived."),
    )

    class Meta:
        ordering = ["community", "tier"]
        verbose_name = _("rent rule")
        verbose_name_plural = _("rent rules")
        constraints = [
            models.UniqueConstraint(fields=["community", "tier"], name="rentrule_one_per_tier"),
            models.CheckConstraint(
                condition=Q(
                    terms=RentTerms.DISCOUNT, discount_percent__gt=0, discount_percent__lt=100
                )
                | Q(~Q(terms=RentTerms.DISCOUNT), discount_percent=0),
                name="rentrule_discount_matches_terms",
            ),
        ]

    def __str__(self):
        tier = self.get_tier_display() if self.tier else _("everyone else")
        return f"{tier}: {self.describe()}"

    def apply(self, market_rent: int) -> int:
        if self.terms == RentTerms.FREE:
            return 0
        if self.terms == RentTerms.DISCOUNT:
            # Whole yuan, rounded half up, never float.
            return (market_rent * (100 - self.discount_percent) + 50) // 100
        return market_rent

    def describe(self) -> str:
        if self.terms == RentTerms.DISCOUNT:
            return _("%(percent)s%% off the market rent") % {"percent": self.discount_percent}
        return str(self.get_terms_display())


def _photo_path(instance, filename):
    return f"apartments/photos/{uuid.uuid4().hex}{Path(filename).suffix}"


class CommunityPhoto(models.Model):
    """A photo of a community. Uploads go through `talentportal.uploads.clean_upload`
    (type checked by content, re-encoded) — see `services.photo_add`."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("image"), upload_to=_photo_path, max_length=200)
    caption_zh = models.CharField(_("caption (Chinese)"), max_length=200)
    caption_en = models.CharField(_("caption (English)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["community", "position", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.caption

    @property
    def caption(self) -> str:
        return localized(self, "caption")


# --- units ------------------------------------------------------------------------------------


class UnitQuerySet(RegionalQuerySet):
    region_field = "community__region"

    def available(self):
        return self.filter(status=UnitStatus.AVAILABLE)

    def fitting(self, household_size: int):
        """Layouts big enough for the household."""
        return self.filter(
            layout__in=[
                layout for layout, size in LAYOUT_CAPACITY.items() if size >= household_size
            ]
        )


class Unit(models.Model):
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.CASCADE, related_name="units"
    )
    building = models.CharField(_("building"), max_length=20)
    floor = models.SmallIntegerField(_("floor"))
    number = models.CharField(_("unit number"), max_length=20)
    layout = models.CharField(_("layout"), max_length=10, choices=Layout.choices)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(1)]
    )
    monthly_rent = models.PositiveIntegerField(
        _("market rent (yuan per month)"),
        help_text=_("What a tenant without a discount pays; rent rules may lower it."),
    )
    furnished = models.BooleanField(_("furnished"), default=True)
    accessible = models.BooleanField(_("accessible"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.AVAILABLE
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["community", "building", "floor", "number"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "building", "number"], name="unit_unique_number"
            ),
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="unit_area_positive"),
        ]
        indexes = [
            # Community page and vacancy filters: units of a community by status and layout.
            models.Index(fields=["community", "status", "layout"], name="unit_community_status"),
            models.Index(fields=["community", "layout", "monthly_rent"], name="unit_layout_rent"),
            # Rent range across communities.
            models.Index(fields=["monthly_rent"], name="unit_rent"),
        ]

    def __str__(self):
        return f"{self.community_id}·{self.building}-{self.number}"

    @property
    def label(self) -> str:
        return _("Building %(building)s, unit %(number)s") % {
            "building": self.building,
            "number": self.number,
        }

    @property
    def capacity(self) -> int:
        return Layout.capacity(self.layout)


# --- occupancy summary -------------------------------------------------------------------------


class OccupancyQuerySet(RegionalQuerySet):
    region_field = "community__region"

    def _totals(self):
        return {
            "units": Sum("units"),
            "available": Sum("available"),
            "offered": Sum("offered"),
            "let": Sum("let"),
            "maintenance": Sum("maintenance"),
            "residents": Sum("residents"),
        }

    def totals(self) -> dict:
        return {key: value or 0 for key, value in self.aggregate(**self._totals()).items()}

    def by_community(self):
        return (
            self.values(
                "community", "community__name_zh", "community__name_en", "community__region"
            )
            .annotate(**self._totals())
            .order_by("community__region", "community__name_zh")
        )

    def by_city(self):
        """One row per city: `code` (four digits + "00") and the totals."""
        return (
            self.annotate(city=Left("community__region_id", 4))
            .values("city")
            .annotate(**self._totals())
            .order_by("city")
        )

    def by_province(self):
        return (
            self.annotate(province=Left("community__region_id", 2))
            .values("province")
            .annotate(**self._totals())
            .order_by("province")
        )


class Occupancy(models.Model):
    """Units by status and residents, per community and layout.

    Kept current by statement-level triggers on units and leases (migration 0002), so every
    write path — services, admin, bulk imports, raw SQL — updates it in the same transaction.
    Occupancy figures for a province of 450,000 units read a few thousand rows of this table;
    `services.occupancy_rebuild()` recomputes it from scratch."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="occupancy")
    layout = models.CharField(_("layout"), max_length=10, choices=Layout.choices)
    units = models.IntegerField(_("units"), default=0)
    available = models.IntegerField(_("available"), default=0)
    offered = models.IntegerField(_("offered"), default=0)
    let = models.IntegerField(_("let"), default=0)
    maintenance = models.IntegerField(_("under maintenance"), default=0)
    residents = models.IntegerField(_("residents"), default=0)

    objects = OccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancy")
        constraints = [
            models.UniqueConstraint(fields=["community", "layout"], name="occupancy_unique"),
        ]

    def __str__(self):
        return f"{self.community_id} {self.layout}: {self.let}/{self.units}"


def vacancy_rate(totals: dict) -> float | None:
    """Share of lettable units (not under maintenance) that nobody lives in, 0–1; for display."""
    lettable = totals["units"] - totals["maintenance"]
    if lettable <= 0:
        return None
    return (lettable - totals["let"]) / lettable


# --- allocation rounds -------------------------------------------------------------------------


class AllocationRoundQuerySet(RegionalQuerySet):
    region_field = "community__region"

    def public(self):
        return self.exclude(status=RoundStatus.DRAFT).filter(community__is_published=True)

    def accepting(self, now):
        return self.filter(status=RoundStatus.OPEN, opens_at__lte=now, closes_at__gt=now)


class AllocationRound(models.Model):
    """Staff offer units of one community; applicants apply in the window; the order is a
    queue (priority score, then submission time) or a verifiable lottery.

    draft → open (seed committed) → closed (review, duplicates) → frozen (list hashed)
    → drawn (seed revealed, order computed) → finished (offers done)."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="rounds"
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    method = models.CharField(
        _("allocation"),
        max_length=8,
        choices=AllocationMethod.choices,
        default=AllocationMethod.LOTTERY,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RoundStatus.choices,
        default=RoundStatus.DRAFT,
        db_index=True,
    )
    offer_days = models.PositiveSmallIntegerField(
        _("days to reply to an offer"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    lease_starts_on = models.DateField(
        _("leases start on"),
        null=True,
        blank=True,
        help_text=_("Empty: a lease starts on the day its offer is accepted."),
    )
    units = models.ManyToManyField(
        "Unit", verbose_name=_("units offered"), through="RoundUnit", related_name="rounds"
    )

    # The lottery's public commitments (apartments.lottery documents the algorithm).
    seed_commitment = models.CharField(
        _("seed commitment (SHA-256)"),
        max_length=64,
        blank=True,
        validators=[SHA256_HEX],
        help_text=_("Published at opening: the SHA-256 of the secret seed."),
    )
    revealed_seed = models.CharField(
        _("revealed seed"), max_length=128, blank=True, help_text=_("Published at the draw.")
    )
    # Public randomness no one knows before the list is frozen (apartments.lottery, step 3).
    beacon_source = models.CharField(
        _("public random value: source"),
        max_length=300,
        blank=True,
        help_text=_(
            "Announced at opening: which public value, drawn after the list is frozen, is mixed "
            "into the draw (e.g. the winning numbers of a named welfare lottery draw)."
        ),
    )
    beacon_value = models.CharField(
        _("public random value"),
        max_length=200,
        blank=True,
        help_text=_("Entered at the draw, exactly as the source published it."),
    )
    frozen_list = models.TextField(
        _("frozen list"),
        blank=True,
        help_text=_("The canonical list of eligible applications, as frozen."),
    )
    frozen_list_hash = models.CharField(
        _("frozen list hash (SHA-256)"), max_length=64, blank=True, validators=[SHA256_HEX]
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = AllocationRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("allocation round")
        verbose_name_plural = _("allocation rounds")
        indexes = [models.Index(fields=["community", "-opens_at"], name="round_community")]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(seed_commitment="") | Q(seed_commitment__regex=r"^[0-9a-f]{64}$"),
                name="round_commitment_is_sha256",
            ),
            models.CheckConstraint(
                condition=Q(frozen_list_hash="") | Q(frozen_list_hash__regex=r"^[0-9a-f]{64}$"),
                name="round_list_hash_is_sha256",
            ),
            # A lottery commits to its seed before anyone can apply.
            models.CheckConstraint(
                condition=Q(method=AllocationMethod.QUEUE)
                | Q(status=RoundStatus.DRAFT)
                | ~Q(seed_commitment=""),
                name="round_lottery_committed_when_open",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED])
                | ~Q(frozen_list_hash=""),
                name="round_list_hashed_when_frozen",
            ),
            models.CheckConstraint(
                condition=Q(method=AllocationMethod.QUEUE)
                | ~Q(status__in=[RoundStatus.DRAWN, RoundStatus.FINISHED])
                | ~Q(revealed_seed=""),
                name="round_seed_revealed_when_drawn",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("apartments:round", args=[self.pk])

    def get_verify_url(self):
        return reverse("apartments:round_verify", args=[self.pk])

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def is_lottery(self) -> bool:
        return self.method == AllocationMethod.LOTTERY

    def is_accepting(self, now) -> bool:
        return self.status == RoundStatus.OPEN and self.opens_at <= now < self.closes_at


class PreferenceGroup(models.Model):
    """Units of a round set aside for some applicants (tiers A–B, families, accessible needs).
    Its members are ordered among themselves first for its units; what they leave goes to
    everyone (see `apartments.lottery`)."""

    round = models.ForeignKey(
        AllocationRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="groups"
    )
    code = models.SlugField(
        _("code"), max_length=20, help_text=_("Used in the published list and the draw.")
    )
    kind = models.CharField(_("for"), max_length=12, choices=PreferenceKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    min_household = models.PositiveSmallIntegerField(
        _("minimum household size"), default=3, help_text=_("For family groups.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["round", "position", "id"]
        verbose_name = _("preference group")
        verbose_name_plural = _("preference groups")
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="prefgroup_unique_code"),
            # "general" names everyone's pool in the frozen list and the draw.
            models.CheckConstraint(condition=~Q(code="general"), name="prefgroup_code_not_general"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class RoundUnit(models.Model):
    """A unit offered in a round, set aside for a preference group or for everyone."""

    round = models.ForeignKey(
        AllocationRound,
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        related_name="round_units",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="round_units"
    )
    group = models.ForeignKey(
        PreferenceGroup,
        verbose_name=_("set aside for"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="round_units",
    )

    class Meta:
        ordering = ["round", "unit"]
        verbose_name = _("unit in a round")
        verbose_name_plural = _("units in a round")
        constraints = [
            models.UniqueConstraint(fields=["round", "unit"], name="roundunit_unique"),
        ]

    def __str__(self):
        return f"{self.round_id}: {self.unit}"


# --- applications ------------------------------------------------------------------------------


def validate_resident_id(value: str) -> None:
    """A PRC resident identity card number (18 characters) with a valid check digit."""
    try:
        ric.validate(value)
    except StdnumError:
        raise ValidationError(
            _("Enter a valid 18-character resident ID number."), code="id_number"
        ) from None


def mask_id_number(value: str) -> str:
    """ "320402199001011234" → "320***********1234": region of issue and last four only."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)


class ApartmentApplicationQuerySet(ApplicationQuerySet):
    def in_region(self, region: Region):
        return self.filter(round__community__region__code__startswith=region.code_prefix)

    def processable_by(self, user):
        """The applications `user` (staff) may process: all, or those of their region."""
        if not (user.is_active and user.is_staff):
            return self.none()
        return in_scope(self, user, "round__community__region")

    def unresolved_duplicates(self):
        return self.filter(flagged=True, flag_resolved_at__isnull=True)

    def in_frozen_list(self):
        """The applications that take part in the allocation: approved, not a duplicate."""
        return self.filter(status=ApplicationStatus.APPROVED, duplicate_of__isnull=True)

    def in_the_running(self):
        """Submitted applications not yet refused, withdrawn or found to be duplicates: those
        a queue's provisional order counts before the list is frozen."""
        return self.exclude(
            status__in=[
                ApplicationStatus.DRAFT,
                ApplicationStatus.WITHDRAWN,
                ApplicationStatus.REJECTED,
            ]
        ).filter(duplicate_of__isnull=True, submitted_at__isnull=False)

    def queue_position(self, application) -> dict:
        """Where `application` stands in its round's queue order now (score, highest first;
        then submission time; then reference, as `lottery.queue_order`), among everyone and in
        its preference group: one query. Provisional until the list is frozen and drawn."""
        ahead = (
            Q(priority_score__gt=application.priority_score)
            | Q(
                priority_score=application.priority_score,
                submitted_at__lt=application.submitted_at,
            )
            | Q(
                priority_score=application.priority_score,
                submitted_at=application.submitted_at,
                reference__lt=application.reference,
            )
        )
        group = application.preference_group_id
        in_group = Q(preference_group_id=group) if group else Q(pk__in=[])
        return (
            self.filter(round_id=application.round_id)
            .in_the_running()
            .aggregate(
                position=Count("id", filter=ahead) + 1,
                total=Count("id"),
                group_position=Count("id", filter=ahead & in_group) + 1,
                group_total=Count("id", filter=in_group),
            )
        )

    def summary(self):
        return self.aggregate(
            total=Count("id", filter=~Q(status=ApplicationStatus.DRAFT)),
            approved=Count("id", filter=Q(status=ApplicationStatus.APPROVED)),
        )


class ApartmentApplication(Application):
    """An application for a talent apartment in one round, through the shared workflow.

    The applicant declares what eligibility needs (prefilled from their talent profile if they
    have one); `eligibility` keeps the explained result computed at submission and at review."""

    REFERENCE_PREFIX = "AA"
    DETAIL_TEMPLATE = "apartments/includes/me_application.html"
    LIST_SELECT_RELATED = ("round__community",)
    ANSWER_FIELDS = (
        "full_name",
        "id_number",
        "birth_date",
        "phone",
        "household_size",
        "preferred_layouts",
        "needs_accessible",
        "employer",
        "employed_in_region",
        "years_in_region",
        "owns_home_in_city",
        "tier",
        "highest_degree",
    )
    MASKED_ANSWER_FIELDS = ("id_number",)
    # Retention: what is left of the person once their account is anonymised. The ID number
    # becomes a unique non-number (region 000000), so duplicate checks never match it; the
    # year of birth stays for statistics.
    ANONYMISED_FIELDS = {
        "full_name": "",
        "phone": "",
        "employer": "",
        "id_number": LPad(Cast("id", models.CharField()), 18, Value("0")),
        "birth_date": TruncYear("birth_date"),
    }

    round = models.ForeignKey(
        AllocationRound,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    full_name = models.CharField(_("full name (as on the ID card)"), max_length=60)
    id_number = models.CharField(
        _("resident ID number"),
        max_length=18,
        validators=[validate_resident_id],
        help_text=_("Used only to find duplicate applications; shown masked."),
    )
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("mobile phone"), max_length=20)
    household_size = models.PositiveSmallIntegerField(
        _("household size"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Including yourself."),
    )
    preferred_layouts = ArrayField(
        models.CharField(max_length=10, choices=Layout.choices),
        verbose_name=_("preferred layouts"),
        default=list,
        blank=True,
        help_text=_("In order of preference; empty: any layout that fits the household."),
    )
    needs_accessible = models.BooleanField(_("needs an accessible unit"), default=False)
    employer = models.CharField(_("employer"), max_length=200)
    employed_in_region = models.BooleanField(_("employed in the city"), default=False)
    owns_home_in_city = models.BooleanField(_("owns a home in the city"), default=False)
    tier = models.CharField(_("talent tier"), max_length=1, choices=TalentTier.choices, blank=True)
    highest_degree = models.PositiveSmallIntegerField(
        _("highest degree"), choices=Degree.choices, default=Degree.NONE
    )
    years_in_region = models.PositiveSmallIntegerField(
        _("years working in the city"), default=0, validators=[MaxValueValidator(60)]
    )

    # Computed by apartments.eligibility / services.
    eligible = models.BooleanField(_("eligible"), null=True, blank=True)
    eligibility = models.JSONField(_("eligibility check"), default=list, blank=True)
    priority_score = models.PositiveSmallIntegerField(_("priority score"), default=0)
    preference_group = models.ForeignKey(
        PreferenceGroup,
        verbose_name=_("preference group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    rank = models.PositiveIntegerField(
        _("rank"),
        null=True,
        blank=True,
        help_text=_("Position in the group's order (or everyone's)."),
    )
    general_rank = models.PositiveIntegerField(_("rank among everyone"), null=True, blank=True)

    # Duplicate detection (same person or household under two accounts).
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    flagged = models.BooleanField(_("flagged as possible duplicate"), default=False)
    flag_reason = models.CharField(_("why flagged"), max_length=200, blank=True)
    flag_resolved_at = models.DateTimeField(_("flag resolved"), null=True, blank=True)
    flag_resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flag resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApartmentApplicationQuerySet.as_manager()

    class Meta(Application.Meta):
        verbose_name = _("apartment application")
        verbose_name_plural = _("apartment applications")
        indexes = [
            models.Index(fields=["round", "status"], name="aptapp_round_status"),
            models.Index(fields=["round", "rank"], name="aptapp_round_rank"),
            models.Index(fields=["id_number"], name="aptapp_id_number"),
            models.Index(fields=["birth_date", "phone"], name="aptapp_birth_phone"),
        ]
        constraints = [
            # One application per account and round (a withdrawn one may be replaced).
            models.UniqueConstraint(
                fields=["round", "applicant"],
                condition=~Q(status="withdrawn"),
                name="aptapp_one_per_round",
                violation_error_code="one_per_round",
                violation_error_message=_("You have already applied in this round."),
            ),
            models.CheckConstraint(
                condition=Q(household_size__gte=1, household_size__lte=10),
                name="aptapp_household_range",
            ),
            models.CheckConstraint(
                condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"), name="aptapp_id_number_form"
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_of=F("pk")),
                name="aptapp_not_own_duplicate",
            ),
        ]

    def clean(self):
        super().clean()
        if self.id_number:
            self.id_number = self.id_number.strip().upper()
        if self.id_number and self.birth_date:
            try:
                born = ric.get_birth_date(self.id_number)
            except StdnumError:  # the field's validator reports a bad number
                born = None
            if born is not None and born != self.birth_date:
                raise ValidationError(
                    {"birth_date": _("The date of birth does not match the ID number.")},
                    code="birth_date",
                )

    @property
    def subject(self) -> str:
        return self.round.title

    def resume_url(self) -> str:
        if self.status != "draft":
            return ""
        return reverse("apartments:round_apply", args=[self.round_id])

    def submitted_url(self) -> str:
        return reverse("apartments:application", args=[self.reference])

    def submit_checked(self, *, by) -> None:
        from apartments.services import application_submit

        application_submit(application=self, by=by)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def pool(self) -> str:
        """The code of the pool the application is ranked in first: its group or "general"."""
        return self.preference_group.code if self.preference_group_id else "general"

    def can_process(self, user) -> bool:
        """Staff with the permission; a region's staff only for communities of their region."""
        if not super().can_process(user):
            return False
        return covers(user, self.round.community.region_id)


# --- offers and leases -------------------------------------------------------------------------


class OfferQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OfferStatus.PENDING)

    def due(self, now):
        return self.pending().filter(expires_at__lte=now)

    def of(self, user):
        return self.filter(application__applicant=user)


class Offer(models.Model):
    """A unit offered to an application; accepted, it becomes a lease. It expires after the
    round's `offer_days`, and the unit passes to the next in rank."""

    application = models.ForeignKey(
        ApartmentApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="offers"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    offered_at = models.DateTimeField(_("offered"))
    expires_at = models.DateTimeField(_("reply by"))
    decided_at = models.DateTimeField(_("replied"), null=True, blank=True)
    monthly_rent = models.PositiveIntegerField(_("rent (yuan per month)"))
    rent_terms = models.CharField(_("rent terms"), max_length=10, choices=RentTerms.choices)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-offered_at", "-id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [
            models.Index(
                fields=["expires_at"], condition=Q(status="pending"), name="offer_pending_expiry"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(status="pending"), name="offer_one_pending_per_unit"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["pending", "accepted"]),
                name="offer_one_live_per_application",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("offered_at")), name="offer_expires_after_offer"
            ),
        ]

    def __str__(self):
        return f"{self.application_id} → {self.unit}"


class LeaseQuerySet(RegionalQuerySet):
    region_field = "unit__community__region"

    def active(self):
        return self.filter(status=LeaseStatus.ACTIVE)

    def of(self, user):
        return self.filter(tenant=user)

    def ending_before(self, day):
        return self.active().filter(end__lt=day)


class DateRange(models.Func):
    """PostgreSQL `daterange(start, end, '[)')`: the end day is the move-out day, free for the
    next tenant."""

    function = "daterange"
    output_field = DateRangeField()


class Lease(models.Model):
    """A tenancy of one unit. `end` is exclusive (the move-out day); a renewal moves it later,
    a move-out sets it to the move-out day and ends the lease."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="leases"
    )
    tenant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tenant"),
        on_delete=models.PROTECT,
        related_name="apartment_leases",
    )
    application = models.ForeignKey(
        ApartmentApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leases",
    )
    offer = models.OneToOneField(
        Offer,
        verbose_name=_("offer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lease",
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end (move-out day)"))
    monthly_rent = models.PositiveIntegerField(_("rent (yuan per month)"))
    rent_terms = models.CharField(
        _("rent terms"), max_length=10, choices=RentTerms.choices, default=RentTerms.MARKET
    )
    residents = models.PositiveSmallIntegerField(
        _("residents"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    status = models.CharField(
        _("status"), max_length=8, choices=LeaseStatus.choices, default=LeaseStatus.ACTIVE
    )
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = LeaseQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        indexes = [
            models.Index(fields=["tenant", "status"], name="lease_tenant_status"),
            models.Index(fields=["end"], condition=Q(status="active"), name="lease_active_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="lease_end_after_start"),
            # A unit never has two overlapping active leases, whatever the write path.
            ExclusionConstraint(
                name="lease_no_overlap",
                expressions=[
                    ("unit", RangeOperators.EQUAL),
                    (DateRange("start", "end", models.Value("[)")), RangeOperators.OVERLAPS),
                ],
                condition=Q(status="active"),
                violation_error_code="overlap",
                violation_error_message=_("The unit is already let for these dates."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} {self.start}–{self.end}"

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month


# The audit trail's event models (apartments/audit.py) belong to this app: import them last.
from apartments import audit  # noqa: E402, F401
