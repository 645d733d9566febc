"""The talent resource library: talents' profiles (which they control), enterprises that find
candidates, talent demands and internships, enterprise-led evaluation leading to a tier and a
talent card, and the append-only log of who saw whose personal data.

Personal data and where it lives:

- `Talent.name`, `phone`, `email`, `resume`, `birth_year` are private. Search results show
  `talents.privacy.masked_summary()` only; contact details and résumés go out through
  `talents.services.contact_details_view()` / `resume_open()`, which check the rules and write a
  `ProfileAccess` row every time.
- The search columns of `Talent` (`highest_degree`, `main_discipline`, `graduation_year`,
  `years_experience`, `has_overseas`, `search_tokens`) are derived from the education and
  experience records; `talents.services.talent_profile_update()` and the other services keep
  them current (`talent_refresh_derived()` after any other write).
- `Talent.search_consent` mirrors "the person's consent to be found is in force": PostgreSQL
  triggers on `Consent` and on `Talent` inserts keep it current on every write path
  (migration 0002), so withdrawing a consent hides the profile in the same statement.
- `Talent.listed` (a generated column) is the one condition every candidate search starts from:
  not hidden, not deleted, consent in force. The search indexes are partial indexes on it.
- `ProfileAccess` is append-only: the model refuses to save an existing row or delete one, and a
  trigger refuses UPDATE and DELETE in the database (migration 0002).
"""

import uuid
from pathlib import Path

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

from talentportal.choices import Degree, TalentTier
from talentportal.i18n import localized
from talentportal.models import (
    Application,
    ApplicationStatus,
    Discipline,
    Industry,
    Region,
    RegionalQuerySet,
    User,
)
from talentportal.scope import covers
from talentportal.search import search_query

MAX_SKILLS = 30


# ---------------------------------------------------------------------------------------------
# Vocabularies


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class Visibility(models.TextChoices):
    HIDDEN = "hidden", _("Hidden: nobody finds my profile")
    VERIFIED_ENTERPRISES = "verified_enterprises", _("Visible to verified enterprises")
    PUBLIC_SUMMARY = (
        "public_summary",
        _("Visible to verified enterprises, and a masked summary to everyone"),
    )


class ConsentPurpose(models.TextChoices):
    PROFILE_SEARCH = "profile_search", _("Verified enterprises may find my profile in a search")
    CONTACT_SHARING = (
        "contact_sharing",
        _("My contact details may be shared with enterprises I accept"),
    )
    RESUME_PROCESSING = "resume_processing", _("My résumé may be stored and shown to enterprises")


class EnterpriseSize(models.TextChoices):
    MICRO = "micro", _("Micro (under 10 employees)")
    SMALL = "small", _("Small (10–99)")
    MEDIUM = "medium", _("Medium (100–999)")
    LARGE = "large", _("Large (1,000 and more)")


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class MemberRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    RECRUITER = "recruiter", _("Recruiter")


class SchoolYear(models.TextChoices):
    ANY = "any", _("Any year")
    YEAR_1 = "year_1", _("First-year undergraduates")
    YEAR_2 = "year_2", _("Second-year undergraduates")
    YEAR_3 = "year_3", _("Third-year undergraduates")
    YEAR_4 = "year_4", _("Final-year undergraduates")
    GRADUATE = "graduate", _("Graduate students")


class ContactStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the talent's answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Permission withdrawn by the talent")


class AccessKind(models.TextChoices):
    CONTACT = "contact", _("Contact details")
    RESUME = "resume", _("Résumé")
    PROFILE = "profile", _("Full profile")


# ---------------------------------------------------------------------------------------------
# Validators and file paths


def validate_credit_code(value: str) -> None:
    """A unified social credit code (GB 32100-2015): 18 characters with a valid check digit."""
    try:
        uscc.validate(value)
    except InvalidChecksum:
        raise ValidationError(
            _("The check digit of this unified social credit code is wrong."), code="checksum"
        ) from None
    except StdnumError:
        raise ValidationError(
            _("Enter an 18-character unified social credit code."), code="format"
        ) from None


def validate_pdf(file) -> None:
    """A PDF by its content, not only by its name."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(5)
    finally:
        file.seek(position)
    if head != b"%PDF-":
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")


def _resume_path(instance, filename):
    # A random stored name: nothing of the uploaded name (often the person's name) is kept.
    return f"talents/resumes/{uuid.uuid4().hex}.pdf"


def _evidence_path(instance, filename):
    return f"talents/enterprises/{uuid.uuid4().hex}{Path(filename).suffix.lower()[:5]}"


def _current_year() -> int:
    return timezone.localdate().year


# ---------------------------------------------------------------------------------------------
# Talents


LISTED = Q(search_consent=True, deleted_at__isnull=True) & ~Q(visibility=Visibility.HIDDEN)
SEARCHABLE = Q(
    listed=True, visibility__in=[Visibility.VERIFIED_ENTERPRISES, Visibility.PUBLIC_SUMMARY]
)
PUBLIC = Q(listed=True, visibility=Visibility.PUBLIC_SUMMARY)


class TalentQuerySet(models.QuerySet):
    def active(self):
        """Profiles of people who have not deleted their account."""
        return self.filter(deleted_at__isnull=True)

    def searchable(self):
        """What a verified enterprise may find: not hidden, not deleted, consent to be found in
        force (`listed`), visible to verified enterprises or as a public summary."""
        return self.filter(SEARCHABLE)

    def public(self):
        """What anybody may see as a masked summary."""
        return self.filter(PUBLIC)

    def visible_to(self, user):
        """The profiles `user` may see: staff all that are not deleted, members of a verified
        enterprise the searchable ones, everyone the public summaries; a talent always sees
        their own. (One condition on the table, no subquery: cheap with a filter on the key.)"""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.public()
        if user.is_staff:
            return self.active()
        own = Q(user=user, deleted_at__isnull=True)
        if Enterprise.objects.verified().of_member(user).exists():
            return self.filter(own | SEARCHABLE)
        return self.filter(own | PUBLIC)

    def matching(
        self,
        *,
        discipline: Discipline | str | None = None,
        min_degree: int | None = None,
        years: tuple[int | None, int | None] | None = None,
        region: Region | None = None,
        work_region: Region | None = None,
        industry: Industry | int | None = None,
        skills: list[str] | None = None,
        tier: str | list[str] | None = None,
        overseas: bool | None = None,
        graduation_year: int | tuple[int | None, int | None] | None = None,
    ):
        """Candidates meeting every given criterion (None or empty means "any").

        - `discipline`: a first-level discipline, or a category including all of its
          disciplines (by code prefix: category 08 includes 0801 … 0899)
        - `min_degree`: at least this degree (`Degree`, ordered)
        - `years`: (lowest, highest) years of experience, either end open (None)
        - `region`: lives in the region or a region below it; `work_region`: would work there
        - `industry`, `skills` (all of them), `tier` (one or several), `overseas`,
          `graduation_year` (a year or a (from, to) range)
        """
        qs = self
        if discipline:
            code = discipline.pk if isinstance(discipline, Discipline) else str(discipline)
            if len(code) == 2:
                # A category's disciplines carry its code as their prefix (08 -> 0801 … 0899):
                # a prefix match that the planner estimates from the column's statistics.
                qs = qs.filter(main_discipline__code__startswith=code)
            else:
                qs = qs.filter(main_discipline=code)
        if min_degree is not None and min_degree != "":
            qs = qs.filter(highest_degree__gte=int(min_degree))
        if years:
            low, high = years
            if low is not None:
                qs = qs.filter(years_experience__gte=low)
            if high is not None:
                qs = qs.filter(years_experience__lte=high)
        if region is not None:
            qs = qs.filter(current_region__code__startswith=region.code_prefix)
        if work_region is not None:
            through = Talent.work_regions.through
            qs = qs.filter(
                Exists(
                    through.objects.filter(
                        talent=OuterRef("pk"), region__code__startswith=work_region.code_prefix
                    )
                )
            )
        if industry:
            through = Talent.industries.through
            industry_id = industry.pk if isinstance(industry, Industry) else industry
            qs = qs.filter(
                Exists(through.objects.filter(talent=OuterRef("pk"), industry=industry_id))
            )
        if skills:
            wanted = normalise_skills(skills)
            if wanted:
                qs = qs.filter(skills__contains=wanted)
        if tier:
            qs = qs.filter(tier__in=[tier] if isinstance(tier, str) else list(tier))
        if overseas is not None:
            qs = qs.filter(has_overseas=overseas)
        if graduation_year:
            if isinstance(graduation_year, tuple | list):
                low, high = graduation_year
                if low is not None:
                    qs = qs.filter(graduation_year__gte=low)
                if high is not None:
                    qs = qs.filter(graduation_year__lte=high)
            else:
                qs = qs.filter(graduation_year=graduation_year)
        return qs

    def search(self, query: str | None):
        """Full-text search over headline, skills, disciplines and job titles (Chinese and
        English), best first, with `rank` annotated. No searchable word: unchanged."""
        tsquery = search_query(query or "")
        if tsquery is None:
            return self
        return (
            self.filter(search_vector=tsquery)
            .annotate(rank=SearchRank(F("search_vector"), tsquery))
            .order_by("-rank", "-updated_at", "-pk")
        )

    def recent(self):
        return self.order_by("-updated_at", "-pk")

    def count_upto(self, limit: int) -> int:
        """The exact count, but never counting beyond `limit` (a page shows "more than …")."""
        return self.order_by()[: limit + 1].count()


def normalise_skills(skills) -> list[str]:
    """Trimmed, lower-cased (for Latin letters), distinct, in order, at most MAX_SKILLS."""
    seen = {}
    for skill in skills or []:
        value = " ".join(str(skill).split()).lower()[:40]
        if value:
            seen.setdefault(value, None)
    return list(seen)[:MAX_SKILLS]


class Talent(models.Model):
    # Deleting an account goes through `talents.services.talent_delete` (anonymisation); a hard
    # delete by an administrator takes the profile with it unless the access log or an
    # application refers to it (they protect it).
    user = models.OneToOneField(
        User, verbose_name=_("account"), on_delete=models.CASCADE, related_name="talent"
    )
    name = models.CharField(_("full name"), max_length=100)
    gender = models.CharField(
        _("gender"), max_length=6, choices=Gender.choices, blank=True, help_text=_("Optional.")
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1920), MaxValueValidator(2015)],
    )
    headline = models.CharField(
        _("headline"),
        max_length=200,
        blank=True,
        help_text=_("What you do, in one line. Shown to enterprises; no contact details here."),
    )
    current_region = models.ForeignKey(
        Region,
        verbose_name=_("where you live"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    work_regions = models.ManyToManyField(
        Region,
        verbose_name=_("where you would work"),
        blank=True,
        related_name="+",
    )
    industries = models.ManyToManyField(
        Industry, verbose_name=_("industries"), blank=True, related_name="talents"
    )
    skills = ArrayField(
        models.CharField(max_length=40),
        verbose_name=_("skills"),
        default=list,
        blank=True,
        size=MAX_SKILLS,
    )
    tier = models.CharField(_("talent tier"), max_length=1, choices=TalentTier.choices, blank=True)
    tier_valid_until = models.DateField(_("tier valid until"), null=True, blank=True)
    resume = models.FileField(
        _("résumé (PDF)"),
        upload_to=_resume_path,
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
    )
    visibility = models.CharField(
        _("who may find my profile"),
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.HIDDEN,
    )
    contact_visible_to_verified = models.BooleanField(
        _("verified enterprises may see my contact details without asking"), default=False
    )
    phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, help_text=_("Empty: the account's.")
    )
    email = models.EmailField(_("contact e-mail"), blank=True, help_text=_("Empty: the account's."))

    # Derived from education and experience by the services (see the module docstring).
    highest_degree = models.PositiveSmallIntegerField(
        _("highest degree"), choices=Degree.choices, default=Degree.NONE, editable=False
    )
    main_discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("discipline"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    graduation_year = models.PositiveSmallIntegerField(
        _("graduation year"), null=True, blank=True, editable=False
    )
    years_experience = models.PositiveSmallIntegerField(
        _("years of experience"), default=0, editable=False
    )
    has_overseas = models.BooleanField(_("overseas study or work"), default=False, editable=False)
    search_tokens = models.TextField(editable=False, default="")
    search_vector = models.GeneratedField(
        expression=SearchVector("search_tokens", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # Kept current by database triggers on Consent (migration 0002).
    search_consent = models.BooleanField(
        _("consent to be found in force"), default=False, editable=False
    )
    listed = models.GeneratedField(
        expression=LISTED, output_field=models.BooleanField(), db_persist=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    deleted_at = models.DateTimeField(_("account deleted"), null=True, blank=True, editable=False)

    objects = TalentQuerySet.as_manager()

    class Meta:
        verbose_name = _("talent")
        verbose_name_plural = _("talents")
        indexes = [
            # Every candidate search filters on `listed`; the indexes cover only those rows.
            models.Index(
                fields=["-updated_at"], name="talent_listed_recent", condition=Q(listed=True)
            ),
            models.Index(
                fields=["visibility", "highest_degree", "years_experience"],
                name="talent_listed_degree_years",
                condition=Q(listed=True),
            ),
            models.Index(
                # Pattern operators, so that a category (a code prefix) is a range of it too.
                fields=["main_discipline", "highest_degree", "years_experience"],
                name="talent_listed_discipline",
                opclasses=["varchar_pattern_ops", "int2_ops", "int2_ops"],
                condition=Q(listed=True),
            ),
            models.Index(
                fields=["current_region", "highest_degree"],
                name="talent_listed_region",
                opclasses=["varchar_pattern_ops", "int2_ops"],
                condition=Q(listed=True),
            ),
            GinIndex(fields=["skills"], name="talent_listed_skills", condition=Q(listed=True)),
            models.Index(
                fields=["tier", "-updated_at"], name="talent_listed_tier", condition=Q(listed=True)
            ),
            models.Index(
                fields=["graduation_year", "highest_degree"],
                name="talent_listed_graduation",
                condition=Q(listed=True),
            ),
            models.Index(
                fields=["-updated_at"],
                name="talent_listed_overseas",
                condition=Q(listed=True, has_overseas=True),
            ),
            GinIndex(
                fields=["search_vector"], name="talent_listed_search", condition=Q(listed=True)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier="") | Q(tier__in=TalentTier.values), name="talent_tier_known"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=Visibility.values), name="talent_visibility_known"
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__range=(1900, 2100)),
                name="talent_birth_year_plausible",
            ),
        ]

    def __str__(self):
        return f"{self.user.username} ({self.pk})" if self.deleted_at is None else _("Deleted")

    def get_absolute_url(self):
        return reverse("talents:talent", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def contact_phone(self) -> str:
        return self.phone or self.user.phone

    @property
    def contact_email(self) -> str:
        return self.email or self.user.email


class Education(models.Model):
    talent = models.ForeignKey(
        Talent, verbose_name=_("talent"), on_delete=models.CASCADE, related_name="educations"
    )
    degree = models.PositiveSmallIntegerField(
        _("degree"),
        choices=[(d.value, d.label) for d in Degree if d != Degree.NONE],
    )
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("discipline"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    school = models.CharField(_("school"), max_length=200)
    graduation_year = models.PositiveSmallIntegerField(
        _("graduation year"), validators=[MinValueValidator(1950), MaxValueValidator(2100)]
    )
    overseas = models.BooleanField(_("studied abroad"), default=False)

    class Meta:
        ordering = ["-graduation_year", "-degree", "pk"]
        verbose_name = _("education")
        verbose_name_plural = _("education")
        constraints = [
            models.CheckConstraint(
                condition=Q(degree__gte=Degree.JUNIOR_COLLEGE, degree__lte=Degree.DOCTORATE),
                name="education_degree_known",
            ),
        ]

    def __str__(self):
        return f"{self.get_degree_display()}, {self.school} ({self.graduation_year})"


class Experience(models.Model):
    talent = models.ForeignKey(
        Talent, verbose_name=_("talent"), on_delete=models.CASCADE, related_name="experiences"
    )
    employer = models.CharField(_("employer"), max_length=200)
    title = models.CharField(_("job title"), max_length=100)
    start = models.DateField(pgettext_lazy("job", "from"))
    end = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: current job."))
    overseas = models.BooleanField(_("abroad"), default=False)

    class Meta:
        ordering = ["-start", "pk"]
        verbose_name = _("work experience")
        verbose_name_plural = _("work experience")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="experience_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.title}, {self.employer}"

    @property
    def years(self) -> float:
        """Length in years (a current job counts until today)."""
        end = self.end or timezone.localdate()
        return max((end - self.start).days, 0) / 365.25


class ConsentQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    """What a person agreed to, under which version of the privacy notice, and when. A
    withdrawn consent stays on record with the time of withdrawal."""

    user = models.ForeignKey(
        User, verbose_name=_("person"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    notice_version = models.CharField(_("version of the privacy notice"), max_length=20)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_in_force_per_purpose",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.notice_version})"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None


# ---------------------------------------------------------------------------------------------
# Enterprises


class EnterpriseQuerySet(RegionalQuerySet):
    def verified(self):
        return self.filter(status=VerificationStatus.VERIFIED)

    def demo(self):
        """The enterprises `manage.py seed_demo` made: the only ones it touches."""
        return self.filter(is_demo=True)

    def of_member(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(members__user=user)

    def editable_by(self, user):
        """The enterprises a staff member may verify: all for province-wide staff, their
        region's and below for region-scoped staff."""
        if user is None or not user.is_active or not user.is_staff:
            return self.none()
        return self.in_scope_of(user)


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        error_messages={"unique": _("An enterprise with this credit code is registered already.")},
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    size = models.CharField(_("size"), max_length=6, choices=EnterpriseSize.choices)
    description = models.TextField(_("about the enterprise"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_evaluator = models.BooleanField(
        _("authorised evaluating entity"),
        default=False,
        help_text=_("May nominate talents for a tier (enterprise-led evaluation)."),
    )
    status = models.CharField(
        _("verification"),
        max_length=8,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
        db_index=True,
    )
    evidence = models.FileField(
        _("business licence or other evidence"),
        upload_to=_evidence_path,
        max_length=200,
        blank=True,
        help_text=_("PDF, JPEG or PNG."),
    )
    verified_by = models.ForeignKey(
        User,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified or rejected"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for the rejection"), blank=True)
    # Set by the demo seed only, which never touches an enterprise without it.
    is_demo = models.BooleanField(
        _("demo enterprise"),
        default=False,
        db_default=False,
        editable=False,
        help_text=_("Made by the demo seed (manage.py seed_demo)."),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(
                fields=["region", "status"],
                name="enterprise_region_status",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="enterprise_credit_code_format",
            ),
            models.CheckConstraint(
                condition=~Q(status=VerificationStatus.REJECTED) | ~Q(rejection_reason=""),
                name="enterprise_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=VerificationStatus.VERIFIED) | Q(verified_at__isnull=False),
                name="enterprise_verified_has_time",
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("talents:enterprise", args=[self.pk])

    def clean(self):
        super().clean()
        self.credit_code = uscc.compact(self.credit_code or "")

    @property
    def display_name(self) -> str:
        """The English name on the English site when there is one, else the Chinese."""
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == VerificationStatus.VERIFIED

    def has_member(self, user) -> bool:
        return (
            user is not None and user.is_authenticated and self.members.filter(user=user).exists()
        )


class EnterpriseMember(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="enterprise_memberships",
    )
    role = models.CharField(
        _("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.RECRUITER
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["enterprise", "role", "pk"]
        verbose_name = _("enterprise member")
        verbose_name_plural = _("enterprise members")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "user"], name="enterprise_member_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.enterprise_id} ({self.role})"


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the administrator")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class EnterpriseJoinRequest(models.Model):
    """An enterprise account asks to join an enterprise already registered (a second
    employee); one of the enterprise's administrators approves (a member is added) or
    declines. One open request per person and enterprise (database constraint)."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(_("message"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request to join an enterprise")
        verbose_name_plural = _("requests to join an enterprise")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "user"],
                condition=Q(status="pending"),
                name="enterprise_join_one_open_request",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.enterprise_id} ({self.status})"


# ---------------------------------------------------------------------------------------------
# Demands and internships


class PostingQuerySet(RegionalQuerySet):
    def published(self, today=None):
        """Published by a verified enterprise and not closed."""
        today = today or timezone.localdate()
        return self.filter(
            is_published=True, enterprise__status=VerificationStatus.VERIFIED
        ).filter(Q(closing_on__isnull=True) | Q(closing_on__gte=today))

    def of_enterprise(self, enterprise):
        return self.filter(enterprise=enterprise)

    def manageable_by(self, user):
        """The postings `user` may edit: those of the enterprises they are a member of."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(enterprise__members__user=user)


class Posting(models.Model):
    """What demands and internships share."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="%(class)ss",
    )
    position_zh = models.CharField(_("position (Chinese)"), max_length=200)
    position_en = models.CharField(_("position (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("place of work"), on_delete=models.PROTECT, related_name="+"
    )
    closing_on = models.DateField(_("closing date"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.position

    @property
    def position(self) -> str:
        return localized(self, "position")


class Demand(Posting):
    """A talent demand an enterprise publishes: who it needs and what it pays."""

    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("discipline"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    min_degree = models.PositiveSmallIntegerField(
        _("minimum degree"), choices=Degree.choices, default=Degree.NONE
    )
    min_years = models.PositiveSmallIntegerField(_("years of experience, at least"), default=0)
    number_wanted = models.PositiveIntegerField(
        _("number of people wanted"), default=1, validators=[MinValueValidator(1)]
    )
    salary_min = models.PositiveIntegerField(_("salary from (yuan a month)"), null=True, blank=True)
    salary_max = models.PositiveIntegerField(_("salary to (yuan a month)"), null=True, blank=True)

    class Meta(Posting.Meta):
        verbose_name = _("talent demand")
        verbose_name_plural = _("talent demands")
        indexes = [
            models.Index(
                fields=["-created_at"],
                name="demand_published_recent",
                condition=Q(is_published=True),
            ),
            models.Index(
                fields=["region"],
                name="demand_published_region",
                opclasses=["varchar_pattern_ops"],
                condition=Q(is_published=True),
            ),
            models.Index(fields=["discipline", "min_degree"], name="demand_discipline_degree"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(salary_min__isnull=True)
                | Q(salary_max__isnull=True)
                | Q(salary_min__lte=F("salary_max")),
                name="demand_salary_range",
            ),
            models.CheckConstraint(condition=Q(number_wanted__gte=1), name="demand_wants_someone"),
        ]

    def get_absolute_url(self):
        return reverse("talents:demand", args=[self.pk])


class Internship(Posting):
    """A position for college students."""

    school_year = models.CharField(
        _("for students in"), max_length=10, choices=SchoolYear.choices, default=SchoolYear.ANY
    )
    duration_weeks = models.PositiveSmallIntegerField(
        _("duration (weeks)"), validators=[MinValueValidator(1), MaxValueValidator(104)]
    )
    stipend = models.PositiveIntegerField(
        _("stipend (yuan a month)"), null=True, blank=True, help_text=_("Empty: unpaid.")
    )

    class Meta(Posting.Meta):
        verbose_name = _("internship")
        verbose_name_plural = _("internships")
        indexes = [
            models.Index(
                fields=["-created_at"],
                name="internship_published_recent",
                condition=Q(is_published=True),
            ),
            models.Index(
                fields=["region"],
                name="internship_published_region",
                opclasses=["varchar_pattern_ops"],
                condition=Q(is_published=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_weeks__gte=1), name="internship_duration_positive"
            ),
        ]

    def get_absolute_url(self):
        return reverse("talents:internship", args=[self.pk])


class EnterpriseProcessed(Application):
    """An application that the members of an enterprise process, not staff."""

    class Meta(Application.Meta):
        abstract = True

    @property
    def processing_enterprise(self) -> Enterprise:
        raise NotImplementedError

    def can_process(self, user) -> bool:
        enterprise = self.processing_enterprise
        return (
            user is not None
            and user.is_authenticated
            and user.is_active
            and enterprise.is_verified
            and enterprise.has_member(user)
        )

    def processors(self):
        return User.objects.filter(
            is_active=True, enterprise_memberships__enterprise=self.processing_enterprise
        )

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT

    def submit_checked(self, *, by) -> None:
        """A draft posting application (one-step: the apply page submits at once) submitted
        from "check your answers": the same use case as the apply page."""
        from talents.services import posting_draft_submit

        posting_draft_submit(application=self, by=by)

    def get_admin_url(self):
        """Where processors handle it: the enterprise's own pages (the admin is for staff)."""
        try:
            return reverse("talents:application_process", args=[self.reference])
        except NoReverseMatch:
            return super().get_admin_url()


class DemandApplication(EnterpriseProcessed):
    REFERENCE_PREFIX = "DM"
    LIST_SELECT_RELATED = ("demand__enterprise",)
    ANSWER_FIELDS = ("cover_letter",)
    ANONYMISED_FIELDS = {"cover_letter": ""}  # retention: the person's own words go

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.PROTECT, related_name="applications"
    )
    cover_letter = models.TextField(_("cover letter"), blank=True, max_length=4000)

    class Meta(Application.Meta):
        verbose_name = _("application for a talent demand")
        verbose_name_plural = _("applications for talent demands")
        indexes = [models.Index(fields=["demand", "status"], name="demandapp_demand_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "demand"],
                condition=~Q(status="withdrawn"),
                name="demandapp_one_per_applicant",
                violation_error_code="duplicate",
                violation_error_message=_("You have applied for this position already."),
            ),
        ]

    @property
    def subject(self) -> str:
        return f"{self.demand.position} · {self.demand.enterprise}"

    @property
    def processing_enterprise(self) -> Enterprise:
        return self.demand.enterprise

    def resume_url(self) -> str:
        return reverse("talents:demand_apply", args=[self.demand_id]) if self.is_draft else ""


class InternshipApplication(EnterpriseProcessed):
    REFERENCE_PREFIX = "IN"
    LIST_SELECT_RELATED = ("internship__enterprise",)
    ANSWER_FIELDS = ("school", "cover_letter")
    ANONYMISED_FIELDS = {"cover_letter": ""}  # retention: the person's own words go

    internship = models.ForeignKey(
        Internship,
        verbose_name=_("internship"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    school = models.CharField(_("school"), max_length=200, blank=True)
    cover_letter = models.TextField(_("cover letter"), blank=True, max_length=4000)

    class Meta(Application.Meta):
        verbose_name = _("application for an internship")
        verbose_name_plural = _("applications for internships")
        indexes = [models.Index(fields=["internship", "status"], name="internshipapp_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "internship"],
                condition=~Q(status="withdrawn"),
                name="internshipapp_one_per_applicant",
                violation_error_code="duplicate",
                violation_error_message=_("You have applied for this internship already."),
            ),
        ]

    @property
    def subject(self) -> str:
        return f"{self.internship.position} · {self.internship.enterprise}"

    @property
    def processing_enterprise(self) -> Enterprise:
        return self.internship.enterprise

    def resume_url(self) -> str:
        if not self.is_draft:
            return ""
        return reverse("talents:internship_apply", args=[self.internship_id])


# ---------------------------------------------------------------------------------------------
# Contact between enterprises and talents


class ContactRequest(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="contact_requests",
    )
    talent = models.ForeignKey(
        Talent, verbose_name=_("talent"), on_delete=models.CASCADE, related_name="contact_requests"
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ContactStatus.choices, default=ContactStatus.PENDING
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        indexes = [models.Index(fields=["talent", "status"], name="contactrequest_talent")]
        constraints = [
            # One live request (waiting or accepted) per enterprise and talent: a double click
            # or two recruiters at once cannot pester the talent twice.
            models.UniqueConstraint(
                fields=["enterprise", "talent"],
                condition=Q(status__in=["pending", "accepted"]),
                name="contactrequest_one_open",
                violation_error_code="duplicate",
                violation_error_message=_("Your enterprise has asked this talent already."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False)),
                name="contactrequest_decided_when_answered",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise_id} → {self.talent_id} ({self.status})"


class Shortlist(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="shortlist"
    )
    talent = models.ForeignKey(
        Talent, verbose_name=_("talent"), on_delete=models.CASCADE, related_name="+"
    )
    added_by = models.ForeignKey(
        User, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("shortlisted talent")
        verbose_name_plural = _("shortlist")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "talent"], name="shortlist_unique"),
        ]

    def __str__(self):
        return f"{self.enterprise_id}: {self.talent_id}"


# ---------------------------------------------------------------------------------------------
# Evaluation and talent cards


class Evaluation(Application):
    """An authorised evaluating enterprise nominates a talent for a tier; staff confirm it
    (`talents.services.evaluation_confirm`), which gives the talent the tier and a card.
    The applicant is the enterprise member who nominates."""

    REFERENCE_PREFIX = "EV"
    LIST_SELECT_RELATED = ("enterprise", "talent")
    # What the nominating member wrote; not the talent, whom the enterprise sees masked.
    ANSWER_FIELDS = ("proposed_tier", "evidence")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("nominating enterprise"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    talent = models.ForeignKey(
        Talent, verbose_name=_("talent"), on_delete=models.PROTECT, related_name="evaluations"
    )
    proposed_tier = models.CharField(_("proposed tier"), max_length=1, choices=TalentTier.choices)
    confirmed_tier = models.CharField(
        _("confirmed tier"), max_length=1, choices=TalentTier.choices, blank=True
    )
    evidence = models.TextField(
        _("evidence"),
        max_length=8000,
        help_text=_("Achievements, awards, posts held; attach documents to the application."),
    )

    class Meta(Application.Meta):
        verbose_name = _("talent evaluation")
        verbose_name_plural = _("talent evaluations")
        indexes = [models.Index(fields=["talent", "status"], name="evaluation_talent_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "talent"],
                condition=~Q(status__in=["approved", "rejected", "withdrawn"]),
                name="evaluation_one_open_per_talent",
                violation_error_code="duplicate",
                violation_error_message=_("This enterprise has nominated this talent already."),
            ),
        ]

    @property
    def subject(self) -> str:
        return f"{self._meta.verbose_name} · {self.get_proposed_tier_display()}"

    def clean(self):
        super().clean()
        if self.enterprise_id and not (
            self.enterprise.is_evaluator and self.enterprise.is_verified
        ):
            raise ValidationError(
                {"enterprise": _("Only a verified, authorised evaluating entity may nominate.")},
                code="not_evaluator",
            )

    def can_process(self, user) -> bool:
        """Staff with the permission; a region's staff for enterprises of their region."""
        if not super().can_process(user):
            return False
        return covers(user, self.enterprise.region_id)


class TalentCardQuerySet(models.QuerySet):
    def valid(self, today=None):
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True, valid_from__lte=today, valid_until__gte=today)


class TalentCard(models.Model):
    number = models.CharField(_("card number"), max_length=20, unique=True)
    talent = models.ForeignKey(
        Talent, verbose_name=_("talent"), on_delete=models.PROTECT, related_name="cards"
    )
    evaluation = models.OneToOneField(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="card",
    )
    tier = models.CharField(_("tier"), max_length=1, choices=TalentTier.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=200, blank=True)

    objects = TalentCardQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("talent card")
        verbose_name_plural = _("talent cards")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="talentcard_valid_range"
            ),
            models.UniqueConstraint(
                fields=["talent"],
                condition=Q(revoked_at__isnull=True),
                name="talentcard_one_active_per_talent",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("talents:card", args=[self.number])

    def is_valid(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and self.valid_from <= today <= self.valid_until


# ---------------------------------------------------------------------------------------------
# The access log


class AppendOnlyError(Exception):
    """Rows of an append-only table are never changed or deleted."""


class ProfileAccess(models.Model):
    """Someone other than the talent saw their contact details, résumé or full profile.
    Append-only (see the module docstring); shown to the talent as "who viewed my profile"."""

    viewer = models.ForeignKey(
        User, verbose_name=_("viewer"), on_delete=models.PROTECT, related_name="+"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    talent = models.ForeignKey(
        Talent, verbose_name=_("talent"), on_delete=models.PROTECT, related_name="accesses"
    )
    what = models.CharField(_("what"), max_length=8, choices=AccessKind.choices)
    why = models.CharField(_("why"), max_length=200)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("profile access")
        verbose_name_plural = _("profile accesses")
        indexes = [models.Index(fields=["talent", "-at"], name="profileaccess_talent_at")]
        default_permissions = ("add", "view")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("ProfileAccess rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ProfileAccess rows cannot be deleted.")

    @property
    def why_display(self) -> str:
        """The reason in the reader's language when the portal wrote it (it is stored in the
        language of the viewer's page); what a person typed stays as typed."""
        return system_access_reason(self.why)


#: The reasons the portal itself records (the English source text of each).
SYSTEM_ACCESS_REASONS = (
    gettext_noop("Profile opened"),
    gettext_noop("Opened the profile from the candidate search"),
    gettext_noop("Opened in the talent office's back office"),
)


def system_access_reason(why: str) -> str:
    """`why` translated into the active language when it is one of `SYSTEM_ACCESS_REASONS`,
    stored in English or in Chinese; else `why` unchanged."""
    for source in SYSTEM_ACCESS_REASONS:
        with translation.override("zh-hans"):
            chinese = gettext(source)
        if why in (source, chinese):
            return gettext(source)
    return why


# The audit trail's event models (talents/audit.py) belong to this app: import them last.
from talents import audit  # noqa: E402, F401
