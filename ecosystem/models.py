"""The talent ecosystem: service points, industry alliances, financial services, feedback.

Feedback rides on the shared application workflow (`talentportal.workflow`), so that it shows
in "My applications" with a reference number and a timeline. Its lifecycle maps onto the
shared statuses (services in `ecosystem.services` make every move):

    draft → submitted (filed by a talent or an enterprise member)
          → in review (staff routed it to a department; the answer is due in N working days)
          → approved (the department answered)
    needs more information / resubmitted / withdrawn / rejected work as for every application.

The answer deadline is the shared `due_on` (set at routing, not at submission), so the generic
"overdue" filters of the workflow apply; `answer_due_on` is the same date under the name the
feedback pages use.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from policies.models import EnterpriseType, ServiceItem
from projects.models import Roadshow
from talentportal.choices import TalentTier
from talentportal.i18n import localized
from talentportal.models import (
    Application,
    ApplicationQuerySet,
    ApplicationStatus,
    Industry,
    Region,
    RegionalQuerySet,
    User,
    answer_display,
)
from talentportal.scope import covers
from talents.models import Enterprise


class PublishedQuerySet(RegionalQuerySet):
    """`published()` and `in_region(r)` for models with an `is_published` flag and a region."""

    def published(self):
        return self.filter(is_published=True)


# ---------------------------------------------------------------------------------------------
# Service points


class ServicePointKind(models.TextChoices):
    HOMELAND = "homeland", _("Talent homeland")
    LOUNGE = "lounge", _("Talent lounge")
    ENCLAVE = "enclave", _("Talent enclave")
    BUILDING = "building", _("Talent building")
    INNOVATION_CENTRE = "innovation_centre", _("Innovation centre")
    ACADEMICIANS = "academicians", _("Home of academicians")
    COMMUNITY_CENTRE = "community_centre", _("Talent community service centre")


class ServicePoint(models.Model):
    """A place where talents are served in person: a university's Talent Homeland, a lounge,
    a talent enclave in another city, the Talent Building, a Home of Academicians…"""

    kind = models.CharField(_("kind"), max_length=20, choices=ServicePointKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    host_zh = models.CharField(_("host organisation (Chinese)"), max_length=120)
    host_en = models.CharField(_("host organisation (English)"), max_length=200, blank=True)
    address_zh = models.CharField(_("address (Chinese)"), max_length=200, blank=True)
    address_en = models.CharField(_("address (English)"), max_length=300, blank=True)
    opening_hours_zh = models.CharField(_("opening hours (Chinese)"), max_length=200, blank=True)
    opening_hours_en = models.CharField(_("opening hours (English)"), max_length=300, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    services = models.ManyToManyField(
        ServiceItem,
        verbose_name=_("services offered"),
        blank=True,
        related_name="service_points",
    )
    roadshows = models.ManyToManyField(
        Roadshow,
        verbose_name=_("roadshows and salons hosted"),
        blank=True,
        related_name="service_points",
    )
    # An office's line, never a person's.
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    email = models.EmailField(_("office e-mail"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name_zh", "pk"]
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        indexes = [
            models.Index(
                fields=["region", "kind"],
                condition=Q(is_published=True),
                name="servicepoint_published",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["region", "name_zh"], name="servicepoint_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=ServicePointKind.values), name="servicepoint_kind_known"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ecosystem:service_point", args=[self.pk])

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def host(self) -> str:
        return localized(self, "host")

    @property
    def address(self) -> str:
        return localized(self, "address")

    @property
    def opening_hours(self) -> str:
        return localized(self, "opening_hours")

    @property
    def description(self) -> str:
        return localized(self, "description")


class ServicePointDesignation(models.Model):
    """A title a service point was awarded, e.g. "first batch of key construction units"."""

    service_point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("service point"),
        on_delete=models.CASCADE,
        related_name="designations",
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1980), MaxValueValidator(2100)]
    )
    awarded_by_zh = models.CharField(_("awarded by (Chinese)"), max_length=120, blank=True)
    awarded_by_en = models.CharField(_("awarded by (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.UniqueConstraint(
                fields=["service_point", "title_zh", "year"], name="designation_unique"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1980, year__lte=2100), name="designation_year_range"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def awarded_by(self) -> str:
        return localized(self, "awarded_by")


class ServicePointEvent(models.Model):
    """A salon or meeting a service point held that is not a portal roadshow."""

    service_point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("service point"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    date = models.DateField(_("date"))
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("service point event")
        verbose_name_plural = _("service point events")
        indexes = [models.Index(fields=["service_point", "-date"], name="servicepointevent_date")]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")


# ---------------------------------------------------------------------------------------------
# Alliances


class AllianceKind(models.TextChoices):
    INDUSTRY = "industry", _("Industry talent alliance")
    CONSORTIUM = "consortium", _("Industry–education integration consortium")


class AllianceQuerySet(PublishedQuerySet):
    def with_member_count(self):
        """`member_count`: the number of members the alliance declares when it reports one (not
        every member is listed here), else the members listed."""
        return self.annotate(member_count=Coalesce("declared_members", Count("memberships")))


class Alliance(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=AllianceKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alliances",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    lead_organisation_zh = models.CharField(_("lead organisation (Chinese)"), max_length=120)
    lead_organisation_en = models.CharField(
        _("lead organisation (English)"), max_length=200, blank=True
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    talents_cultivated = models.PositiveIntegerField(_("talents cultivated"), default=0)
    declared_members = models.PositiveIntegerField(
        _("members (declared)"),
        null=True,
        blank=True,
        help_text=_("The number of members the alliance reports, when not all are listed here."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AllianceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name_zh", "pk"]
        verbose_name = _("alliance")
        verbose_name_plural = _("alliances")
        indexes = [
            models.Index(
                fields=["region", "kind"],
                condition=Q(is_published=True),
                name="alliance_published",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["industry"], name="alliance_industry"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["name_zh"], name="alliance_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=AllianceKind.values), name="alliance_kind_known"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ecosystem:alliance", args=[self.pk])

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def lead_organisation(self) -> str:
        return localized(self, "lead_organisation")

    @property
    def description(self) -> str:
        return localized(self, "description")


class MembershipRole(models.TextChoices):
    LEAD = "lead", _("Lead organisation")
    MEMBER = "member", _("Member")


class AllianceMembershipQuerySet(models.QuerySet):
    def of_user(self, user):
        """The memberships of the enterprises `user` is a member of."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(enterprise__members__user=user)


class AllianceMembership(models.Model):
    """An enterprise of the portal, or an institution (a university or college that is not an
    enterprise account) in an alliance: exactly one of the two."""

    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="memberships"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="alliance_memberships",
    )
    institution_name = models.CharField(_("institution (Chinese)"), max_length=120, blank=True)
    institution_name_en = models.CharField(_("institution (English)"), max_length=200, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    role = models.CharField(
        _("role"), max_length=6, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )

    objects = AllianceMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["alliance", "role", "joined_on", "pk"]
        verbose_name = _("alliance membership")
        verbose_name_plural = _("alliance memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, institution_name="")
                | Q(enterprise__isnull=True) & ~Q(institution_name=""),
                name="membership_enterprise_xor_institution",
                violation_error_message=_("Choose an enterprise or name an institution, not both."),
            ),
            models.UniqueConstraint(
                fields=["alliance", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="membership_unique_enterprise",
            ),
            models.UniqueConstraint(
                fields=["alliance", "institution_name"],
                condition=~Q(institution_name=""),
                name="membership_unique_institution",
            ),
        ]

    def __str__(self):
        return f"{self.member_name} @ {self.alliance_id}"

    @property
    def member_name(self) -> str:
        if self.enterprise_id:
            return self.enterprise.display_name
        if self.institution_name_en and (get_language() or "").startswith("en"):
            return self.institution_name_en
        return self.institution_name


class AllianceActivity(models.Model):
    alliance = models.ForeignKey(
        Alliance, verbose_name=_("alliance"), on_delete=models.CASCADE, related_name="activities"
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    date = models.DateField(_("date"))
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("alliance activity")
        verbose_name_plural = _("alliance activities")
        indexes = [models.Index(fields=["alliance", "-date"], name="allianceactivity_date")]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")


# ---------------------------------------------------------------------------------------------
# Financial services


class InstitutionKind(models.TextChoices):
    BANK = "bank", _("Bank")
    BROKER = "broker", _("Securities broker")
    FUND = "fund", _("Investment fund")
    EXCHANGE = "exchange", _("Stock exchange")
    INSURER = "insurer", _("Insurer")
    GUARANTOR = "guarantor", _("Guarantee company")


class FinancialInstitution(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=InstitutionKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    website = models.URLField(_("website"), blank=True)
    in_listing_alliance = models.BooleanField(
        _("member of the listing-service alliance"), default=False
    )
    staff = models.ManyToManyField(
        User,
        verbose_name=_("staff of the institution"),
        blank=True,
        related_name="financial_institutions",
        help_text=_(
            "Accounts of the institution: they process applications for its products only."
        ),
    )
    is_verified = models.BooleanField(_("verified by the talent office"), default=False)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["kind", "name_zh"]
        verbose_name = _("financial institution")
        verbose_name_plural = _("financial institutions")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_verified=False) | Q(verified_at__isnull=False),
                name="institution_verified_has_time",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class ProductKind(models.TextChoices):
    TALENT_LOAN = "talent_loan", _("Talent loan")
    CARD_BENEFIT = "card_benefit", _("Talent card benefit")
    INSURANCE = "insurance", _("Insurance")
    GUARANTEE = "guarantee", _("Guarantee")
    LISTING = "listing", _("Equity and listing service")


class FinancialProductQuerySet(PublishedQuerySet):
    def published(self):
        """Published products of verified institutions."""
        return self.filter(is_published=True, institution__is_verified=True)


class FinancialProduct(models.Model):
    """A product of the "Talent Service Bank": a talent loan, a talent-card benefit… Empty
    eligibility lists mean anyone may apply; otherwise a talent of a listed tier or a member of
    an enterprise of a listed type (`ecosystem.services.financial_eligibility`)."""

    institution = models.ForeignKey(
        FinancialInstitution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="products",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ProductKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    eligible_tiers = ArrayField(
        models.CharField(max_length=1, choices=TalentTier.choices),
        verbose_name=_("eligible talent tiers"),
        default=list,
        blank=True,
        help_text=_("Empty: no tier required."),
    )
    eligible_enterprise_types = ArrayField(
        models.CharField(max_length=30, choices=EnterpriseType.choices),
        verbose_name=_("eligible enterprise types"),
        default=list,
        blank=True,
        help_text=_("Empty: no enterprise type required."),
    )
    max_amount = models.PositiveIntegerField(
        _("maximum amount (yuan)"), null=True, blank=True, help_text=_("Empty: no amount.")
    )
    annual_rate = models.DecimalField(
        _("annual rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    rate_zh = models.CharField(_("rate (Chinese)"), max_length=120, blank=True)
    rate_en = models.CharField(
        _("rate (English)"), max_length=200, blank=True, help_text=_("E.g. “LPR − 50bp”.")
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    how_to_apply_zh = models.TextField(_("how to apply (Chinese)"), blank=True)
    how_to_apply_en = models.TextField(_("how to apply (English)"), blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    is_published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FinancialProductQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name_zh", "pk"]
        verbose_name = _("financial product")
        verbose_name_plural = _("financial products")
        indexes = [
            models.Index(
                fields=["region", "kind"],
                condition=Q(is_published=True),
                name="product_published",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name_zh"], name="product_unique_name"),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gt=0),
                name="product_max_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(annual_rate__isnull=True) | Q(annual_rate__gte=0, annual_rate__lte=100),
                name="product_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(term_months__isnull=True) | Q(term_months__gt=0),
                name="product_term_positive",
            ),
            models.CheckConstraint(
                condition=Q(eligible_tiers__contained_by=TalentTier.values),
                name="product_tiers_known",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ecosystem:product", args=[self.pk])

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def rate(self) -> str:
        return localized(self, "rate")

    @property
    def how_to_apply(self) -> str:
        return localized(self, "how_to_apply")


class FinancialApplicationQuerySet(ApplicationQuerySet):
    def in_region(self, region: Region):
        return self.filter(product__region__code__startswith=region.code_prefix)


class FinancialApplication(Application):
    """A talent's or an enterprise member's application for a financial product."""

    REFERENCE_PREFIX = "FA"
    LIST_SELECT_RELATED = ("product", "enterprise")
    # An enterprise's application also says which one and (when the product asks) its type.
    ANSWER_FIELDS = ("amount", "purpose", "enterprise", "enterprise_type")

    product = models.ForeignKey(
        FinancialProduct,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("on behalf of the enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise_type = models.CharField(
        _("enterprise type (as declared)"),
        max_length=30,
        choices=EnterpriseType.choices,
        blank=True,
    )
    amount = models.PositiveIntegerField(_("amount requested (yuan)"), null=True, blank=True)
    purpose = models.TextField(_("purpose"))

    objects = FinancialApplicationQuerySet.as_manager()

    class Meta(Application.Meta):
        verbose_name = _("financial application")
        verbose_name_plural = _("financial applications")
        indexes = [models.Index(fields=["product", "status"], name="finapp_product_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "product"],
                condition=Q(
                    status__in=["draft", "submitted", "in_review", "needs_info", "resubmitted"]
                ),
                name="finapp_one_open_per_product",
                violation_error_code="one_open",
                violation_error_message=_("You already have an open application for this product."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="finapp_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(enterprise_type="") | Q(enterprise__isnull=False),
                name="finapp_type_needs_enterprise",
            ),
        ]

    @property
    def subject(self) -> str:
        return self.product.name

    def answers_summary(self) -> list[tuple[str, str]]:
        """The answers; a talent's own application leaves out the enterprise questions, and
        an enterprise's the type when the product did not ask for it."""
        skipped = set()
        if self.enterprise_id is None:
            skipped = {"enterprise", "enterprise_type"}
        elif not self.enterprise_type:
            skipped = {"enterprise_type"}
        return [
            (str(field.verbose_name), answer_display(self, field))
            for field in (self._meta.get_field(name) for name in self.ANSWER_FIELDS)
            if field.name not in skipped
        ]

    def resume_url(self) -> str:
        """The product's page, at its form, while a draft."""
        if self.status != ApplicationStatus.DRAFT:
            return ""
        return reverse("ecosystem:product", args=[self.product_id]) + "#apply"

    def submit_checked(self, *, by) -> None:
        from ecosystem.services import financial_application_submit

        financial_application_submit(application=self, by=by)

    def can_process(self, user) -> bool:
        """Staff with the permission, within their region; an institution's own staff only
        for its products."""
        if not super().can_process(user):
            return False
        if not covers(user, self.product.region_id):
            return False
        institutions = set(user.financial_institutions.values_list("pk", flat=True))
        return not institutions or self.product.institution_id in institutions

    def processors(self):
        """Told about a new submission: the institution's own staff when it has any, else the
        office's staff with the permission."""
        own = self.product.institution.staff.filter(is_active=True, is_staff=True)
        if own.exists():
            return own
        return User.objects.with_perm(
            self._change_permission(), backend="django.contrib.auth.backends.ModelBackend"
        ).filter(is_staff=True)


class KeyEnterpriseListQuerySet(models.QuerySet):
    def published(self, today=None):
        return self.filter(published_on__lte=today or timezone.localdate())

    def in_region(self, region: Region):
        return self.filter(region__code__startswith=region.code_prefix)


class KeyEnterpriseList(models.Model):
    """The yearly list of talent enterprises the listing-service alliance serves first."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    criteria_zh = models.TextField(_("listing maturity criteria (Chinese)"))
    criteria_en = models.TextField(_("listing maturity criteria (English)"), blank=True)
    published_on = models.DateField(
        _("published on"), null=True, blank=True, help_text=_("Empty: not published yet.")
    )

    objects = KeyEnterpriseListQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "region"]
        verbose_name = _("key enterprise list")
        verbose_name_plural = _("key enterprise lists")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="keylist_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="keylist_year_range"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("ecosystem:key_enterprises") + f"?year={self.year}"

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def criteria(self) -> str:
        return localized(self, "criteria")


class MaturityStage(models.TextChoices):
    CULTIVATING = "cultivating", _("Cultivating")
    SHAREHOLDING = "shareholding", _("Shareholding reform")
    COUNSELLING = "counselling", _("Listing counselling filed")
    SUBMITTED = "submitted", _("Listing application submitted")
    LISTED = "listed", _("Listed")


class KeyEnterprise(models.Model):
    list = models.ForeignKey(
        KeyEnterpriseList,
        verbose_name=_("list"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="key_listings",
    )
    stage = models.CharField(_("maturity stage"), max_length=12, choices=MaturityStage.choices)
    note_zh = models.CharField(_("note (Chinese)"), max_length=200, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["list", "stage", "pk"]
        verbose_name = _("key enterprise")
        verbose_name_plural = _("key enterprises")
        indexes = [models.Index(fields=["list", "stage"], name="keyenterprise_stage")]
        constraints = [
            models.UniqueConstraint(
                fields=["list", "enterprise"], name="keyenterprise_once_per_list"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=MaturityStage.values), name="keyenterprise_stage_known"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} in {self.list_id}"

    @property
    def note(self) -> str:
        return localized(self, "note")


# ---------------------------------------------------------------------------------------------
# Feedback


class DepartmentQuerySet(models.QuerySet):
    def in_region(self, region: Region):
        return self.filter(region__code__startswith=region.code_prefix)

    def of_member(self, user):
        return self.filter(members=user)


class Department(models.Model):
    """A government department that answers the feedback routed to it."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        User,
        verbose_name=_("members"),
        blank=True,
        related_name="departments",
        limit_choices_to={"is_staff": True},
        help_text=_("Staff accounts who answer the feedback routed to this department."),
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["region", "name_zh"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["region", "name_zh"], name="department_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class FeedbackCategory(models.TextChoices):
    POLICY = "policy", _("Policy")
    TALENT_SERVICE = "talent_service", _("Talent services")
    HOUSING = "housing", _("Housing")
    EDUCATION = "education", _("Children's education")
    MEDICAL = "medical", _("Medical care")
    ENTERPRISE = "enterprise", _("Enterprise operations")
    OTHER = "other", _("Other")


class FeedbackQuerySet(ApplicationQuerySet):
    def in_region(self, region: Region):
        return self.filter(region__code__startswith=region.code_prefix)

    def public_board(self):
        """Answered feedback the submitter agreed to publish and staff published."""
        return self.filter(
            is_published=True, publish_consent=True, status="approved", answered_at__isnull=False
        )

    def for_department_member(self, user):
        return self.filter(department__members=user)


class Feedback(Application):
    """A problem or suggestion from a talent or an enterprise, routed by staff to the
    department that must answer it within a deadline (see the module docstring)."""

    REFERENCE_PREFIX = "FB"
    LIST_SELECT_RELATED = ()
    # Department, deadline, answer and the link to rate it, on the "My applications" page.
    DETAIL_TEMPLATE = "ecosystem/includes/feedback_panel.html"

    category = models.CharField(_("category"), max_length=16, choices=FeedbackCategory.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("on behalf of the enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
    )
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    routed_by = models.ForeignKey(
        User,
        verbose_name=_("routed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        User,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_comment = models.TextField(_("comment on the answer"), blank=True, max_length=2000)
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)
    publish_consent = models.BooleanField(
        _("agrees to publish anonymised"),
        default=False,
        help_text=_("The question and answer may appear on the public board, without names."),
    )
    is_published = models.BooleanField(_("on the public board"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Sent with the form that filed it: the same form sent twice (a double click, a reload)
    # files one feedback, however close together the two requests arrive.
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    objects = FeedbackQuerySet.as_manager()

    class Meta(Application.Meta):
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        permissions = [("route_feedback", _("Can route feedback and publish answers"))]
        indexes = [
            models.Index(
                fields=["region", "status"],
                name="feedback_region_status",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(
                fields=["department", "due_on"],
                condition=Q(answered_at__isnull=True),
                name="feedback_department_open",
            ),
            models.Index(
                fields=["-answered_at"],
                condition=Q(is_published=True),
                name="feedback_board",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "submission_key"], name="feedback_one_per_submission_key"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(category__in=FeedbackCategory.values), name="feedback_category_known"
            ),
            models.CheckConstraint(
                condition=Q(routed_at__isnull=True) | Q(department__isnull=False),
                name="feedback_routed_has_department",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | Q(department__isnull=False, answered_by__isnull=False) & ~Q(answer=""),
                name="feedback_answer_complete",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(answered_at__isnull=False),
                name="feedback_rated_after_answer",
            ),
            models.CheckConstraint(
                condition=Q(is_published=False)
                | Q(publish_consent=True, answered_at__isnull=False),
                name="feedback_published_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | Q(routed_at__isnull=False, answered_at__gte=F("routed_at")),
                name="feedback_answered_after_routing",
            ),
        ]

    @property
    def subject(self) -> str:
        return self.title

    @property
    def answer_due_on(self):
        """The answer deadline: routing date + N working days (the workflow's `due_on`)."""
        return self.due_on

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.answered_at is None and self.due_on is not None and self.due_on < today

    def is_department_member(self, user) -> bool:
        return (
            user is not None
            and user.is_authenticated
            and user.is_active
            and self.department_id is not None
            and self.department.members.filter(pk=user.pk).exists()
        )

    def can_route(self, user) -> bool:
        """Staff who route feedback and publish answers: the permission, within their region."""
        if not (user.is_active and user.is_staff and user.has_perm("ecosystem.route_feedback")):
            return False
        return covers(user, self.region_id)

    def can_process(self, user) -> bool:
        """The workflow's generic steps (more information, rejection): routers, and the
        members of the department it was routed to."""
        return self.can_route(user) or self.is_department_member(user)

    def processors(self):
        """Told about a new submission: the staff who route feedback of its region (those
        scoped to it, its city or its province, and province-wide staff)."""
        code = self.region_id
        return User.objects.with_perm(
            "ecosystem.route_feedback", backend="django.contrib.auth.backends.ModelBackend"
        ).filter(
            Q(staff_region__isnull=True)
            | Q(staff_region__in={code, code[:4] + "00", code[:2] + "0000"}),
            is_staff=True,
        )


# The audit trail's event models (ecosystem/audit.py) belong to this app: import them last.
from ecosystem import audit  # noqa: E402, F401
