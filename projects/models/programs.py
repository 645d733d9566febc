"""Talent programs ("talent engineering"), their yearly calls, applications, the expert pool,
the expert draw and scored reviews (issue: talent programs).

- A `Program` (e.g. the provincial Ten Thousand Talents Program) opens a `Call` each year,
  with `Track`s (categories with a quota, some needing an endorsing enterprise) and review
  `Criterion`s (weight and score range).
- A talent applies with a `ProgramApplication` through the shared workflow; submission is
  accepted only while the call is open (server time) and when the eligibility rules hold.
- `Expert`s are drawn to applications by `projects.programs.expert_draw` (each draw recorded in an
  `ExpertDraw` with its seed, so it can be recomputed); a `ReviewAssignment` links one expert
  to one application — the database refuses a second one — and holds at most one `Review`
  with one `Score` per criterion.
"""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policies.models import Benefit
from talentportal.choices import Degree
from talentportal.i18n import localized
from talentportal.models import (
    Application,
    Discipline,
    Industry,
    Region,
    RegionalQuerySet,
    User,
)
from talentportal.scope import covers
from talents.models import Enterprise

__all__ = [
    "Call",
    "CallMaterial",
    "Conflict",
    "Criterion",
    "EndorsementStatus",
    "Expert",
    "ExpertDraw",
    "Program",
    "ProgramApplication",
    "ProgramLevel",
    "Review",
    "ReviewAssignment",
    "Score",
    "Seniority",
    "Track",
]


class ProgramLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District / county")


class ProgramQuerySet(RegionalQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def search(self, text: str):
        """Programs whose name, organiser or summary contains `text` (a few dozen rows)."""
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(name_zh__icontains=text)
            | Q(name_en__icontains=text)
            | Q(organiser_zh__icontains=text)
            | Q(organiser_en__icontains=text)
            | Q(summary_zh__icontains=text)
            | Q(summary_en__icontains=text)
        )


class Program(models.Model):
    """A standing talent program of a province, city or district."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=ProgramLevel.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    organiser_zh = models.CharField(_("organiser (Chinese)"), max_length=200)
    organiser_en = models.CharField(_("organiser (English)"), max_length=300, blank=True)
    summary_zh = models.CharField(_("summary (Chinese)"), max_length=300, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=500, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    benefits = models.ManyToManyField(
        Benefit,
        verbose_name=_("benefits granted"),
        blank=True,
        related_name="programs",
        help_text=_("The policy benefits that a selected talent receives."),
    )
    source_url = models.URLField(_("source"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name_zh", "pk"]
        verbose_name = _("talent program")
        verbose_name_plural = _("talent programs")
        constraints = [
            models.UniqueConstraint(fields=["region", "name_zh"], name="program_unique_name"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:program", args=[self.pk])

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def organiser(self) -> str:
        return localized(self, "organiser")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def description(self) -> str:
        return localized(self, "description")


@dataclass(frozen=True)
class CallMaterial:
    """One material a call requires, in the shape of the service catalogue's materials (so
    `policies.public_services.services.material_label` and `materials_missing` apply)."""

    name_zh: str
    name_en: str = ""
    required: bool = True

    @property
    def name(self) -> str:
        return localized(self, "name")


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, program__is_published=True)

    def open_at(self, when):
        return self.filter(opens_at__lte=when, closes_at__gt=when)


class Call(models.Model):
    """One round of a program: who may apply, until when, and how applications are reviewed.

    Applications are accepted from `opens_at` (inclusive) until `closes_at` (exclusive), by the
    server's clock; both are stored as aware datetimes and shown in Asia/Shanghai time.
    """

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="calls"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    eligibility_zh = models.TextField(_("eligibility (Chinese)"), blank=True)
    eligibility_en = models.TextField(_("eligibility (English)"), blank=True)
    min_degree = models.PositiveSmallIntegerField(
        _("minimum degree"), choices=Degree.choices, default=Degree.NONE
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(18), MaxValueValidator(99)],
        help_text=_("Age in the call's year. Empty: no age limit."),
    )
    materials_zh = models.TextField(
        _("required materials (Chinese)"), blank=True, help_text=_("One per line.")
    )
    materials_en = models.TextField(
        _("required materials (English)"), blank=True, help_text=_("One per line.")
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    experts_per_application = models.PositiveSmallIntegerField(
        _("experts per application"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(15)],
    )
    max_load = models.PositiveSmallIntegerField(
        _("maximum applications per expert"),
        default=20,
        validators=[MinValueValidator(1)],
    )
    blind = models.BooleanField(
        _("blind review"), default=True, help_text=_("Experts do not see who applied.")
    )
    scores_visible = models.BooleanField(_("applicants see their anonymised scores"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    # The expert draw's public commitments (projects.programs.expert_draw documents the procedure).
    draw_commitment = models.CharField(
        _("draw seed commitment (SHA-256)"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Published before the call closes: the SHA-256 of the secret draw seed."),
    )
    draw_committed_at = models.DateTimeField(
        _("draw seed committed"), null=True, blank=True, editable=False
    )
    draw_seed = models.CharField(
        _("revealed draw seed"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Published at the first draw."),
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-round", "pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year", "round"], name="call_unique_round_per_year"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(experts_per_application__gte=1), name="call_at_least_one_expert"
            ),
            models.CheckConstraint(condition=Q(max_load__gte=1), name="call_max_load_positive"),
            models.CheckConstraint(
                condition=Q(draw_commitment="") | Q(draw_commitment__regex=r"^[0-9a-f]{64}$"),
                name="call_draw_commitment_is_sha256",
            ),
            # A seed is revealed only against a commitment made before.
            models.CheckConstraint(
                condition=Q(draw_seed="")
                | (~Q(draw_commitment="") & Q(draw_committed_at__isnull=False)),
                name="call_draw_seed_was_committed",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:call", args=[self.pk])

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def eligibility(self) -> str:
        return localized(self, "eligibility")

    @property
    def materials(self) -> list[str]:
        return [material.name for material in self.material_items]

    @property
    def material_items(self) -> list["CallMaterial"]:
        """The required materials, one per line of `materials_zh`; the English name is the
        line at the same position of `materials_en` (the Chinese one if there is none)."""
        names_zh = [line.strip() for line in self.materials_zh.splitlines() if line.strip()]
        names_en = [line.strip() for line in self.materials_en.splitlines()]
        return [
            CallMaterial(name_zh=name, name_en=names_en[i] if i < len(names_en) else "")
            for i, name in enumerate(names_zh)
        ]

    def is_open(self, when=None) -> bool:
        when = when or timezone.now()
        return self.opens_at <= when < self.closes_at

    def has_closed(self, when=None) -> bool:
        return (when or timezone.now()) >= self.closes_at


class Track(models.Model):
    """A category of a call with its own quota, e.g. "Leading talents in science"."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="tracks"
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    quota = models.PositiveSmallIntegerField(_("quota"), validators=[MinValueValidator(1)])
    needs_endorsement = models.BooleanField(
        _("needs an endorsing enterprise or institution"), default=False
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")
        constraints = [
            models.UniqueConstraint(fields=["call", "name_zh"], name="track_unique_name"),
            models.CheckConstraint(condition=Q(quota__gte=1), name="track_quota_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class Criterion(models.Model):
    """One thing the experts score, with its weight and the range of a valid score."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria"
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MinValueValidator(1)])
    min_score = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    max_score = models.PositiveSmallIntegerField(_("highest score"), default=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        constraints = [
            models.UniqueConstraint(fields=["call", "name_zh"], name="criterion_unique_name"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(max_score__gt=F("min_score")), name="criterion_range_not_empty"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class EndorsementStatus(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class ProgramApplicationQuerySet(models.QuerySet):
    def reviewable(self):
        """Submitted and not yet decided: what the expert draw assigns experts to."""
        return self.filter(status__in=["submitted", "in_review", "resubmitted"])


class ProgramApplication(Application):
    """A talent's application to one track of a call, through the shared workflow.

    What the experts match and the eligibility rules check (degree, year of birth,
    discipline, industry, employer) is declared on the application itself, so that it stays
    as it was when submitted."""

    REFERENCE_PREFIX = "PG"
    LIST_SELECT_RELATED = ("call__program",)
    ANSWER_FIELDS = (
        "track",
        "full_name",
        "employer",
        "highest_degree",
        "birth_year",
        "discipline",
        "industry",
        "project_title",
        "summary",
        "endorser",
    )
    # Retention: the person leaves an anonymised account's applications; the year of birth,
    # degree and discipline stay for statistics.
    ANONYMISED_FIELDS = {"full_name": "", "employer": ""}

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    track = models.ForeignKey(
        Track, verbose_name=_("track"), on_delete=models.PROTECT, related_name="applications"
    )
    full_name = models.CharField(_("full name"), max_length=100)
    employer = models.CharField(
        _("employer"), max_length=200, help_text=_("The organisation you work for.")
    )
    highest_degree = models.PositiveSmallIntegerField(
        _("highest degree"), choices=Degree.choices, default=Degree.NONE
    )
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), validators=[MinValueValidator(1920), MaxValueValidator(2015)]
    )
    discipline = models.ForeignKey(
        Discipline,
        verbose_name=_("discipline"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    project_title = models.CharField(_("project title"), max_length=200)
    summary = models.TextField(_("summary of achievements and plans"), max_length=5000)
    endorser = models.ForeignKey(
        Enterprise,
        verbose_name=_("endorsing enterprise or institution"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    endorsement_status = models.CharField(
        _("endorsement"),
        max_length=10,
        choices=EndorsementStatus.choices,
        default=EndorsementStatus.NOT_NEEDED,
    )
    endorsed_at = models.DateTimeField(_("endorsement answered"), null=True, blank=True)
    endorsed_by = models.ForeignKey(
        User,
        verbose_name=_("endorsement answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    objects = ProgramApplicationQuerySet.as_manager()

    class Meta(Application.Meta):
        verbose_name = _("program application")
        verbose_name_plural = _("program applications")
        indexes = [models.Index(fields=["call", "track", "status"], name="programapp_call_track")]
        constraints = [
            # One application per applicant and call (a withdrawn one does not count).
            models.UniqueConstraint(
                fields=["applicant", "call"],
                condition=~Q(status="withdrawn"),
                name="programapp_one_per_call",
                violation_error_code="one_per_call",
                violation_error_message=_("You have already applied to this call."),
            ),
            models.CheckConstraint(
                condition=Q(endorsement_status=EndorsementStatus.NOT_NEEDED)
                | Q(endorser__isnull=False),
                name="programapp_endorsement_has_endorser",
            ),
        ]

    def get_absolute_url(self):
        return reverse("projects:application", args=[self.reference])

    @property
    def subject(self) -> str:
        return f"{self.call.program.name} · {self.call.title}"

    def can_process(self, user) -> bool:
        """Staff with the permission; a region's staff only for programs of their region."""
        if not super().can_process(user):
            return False
        return covers(user, self.call.program.region_id)

    def can_read_documents(self, user) -> bool:
        """Staff who may process it, and its experts once they declared no conflict: they
        score from every material (in a blind call too; the review page shows the files by
        what they are, never by the applicant's file names). Every read is logged."""
        if self.can_process(user):
            return True
        return (
            self.assignments.of_expert_user(user)
            .filter(status__in=[AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED])
            .exists()
        )

    def document_name_for(self, document, user) -> str:
        """In a blind call experts get a file named after the material, never the applicant's
        own file name (often their name: "张三 简历.pdf")."""
        if self.call.blind and not self.can_process(user):
            return f"{document.label}{PurePath(document.original_name).suffix.lower()}"
        return document.original_name

    def resume_url(self) -> str:
        return self.get_absolute_url() if self.status == "draft" else ""

    def submit_checked(self, *, by) -> None:
        from projects.programs.services import program_application_submit

        program_application_submit(application=self, by=by)

    def age_in(self, year: int) -> int:
        return year - self.birth_year


class Seniority(models.IntegerChoices):
    INTERMEDIATE = 1, _("Intermediate title")
    ASSOCIATE = 2, _("Associate senior title")
    SENIOR = 3, _("Senior title (professor level)")
    ACADEMICIAN = 4, _("Academician")


class ExpertQuerySet(models.QuerySet):
    def available_for(self, call):
        return self.filter(is_active=True, available_calls=call)


class Expert(models.Model):
    """A reviewer in the expert pool: what they can judge and where they work."""

    user = models.OneToOneField(
        User, verbose_name=_("account"), on_delete=models.PROTECT, related_name="expert"
    )
    name = models.CharField(_("full name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    seniority = models.PositiveSmallIntegerField(
        _("seniority"), choices=Seniority.choices, default=Seniority.SENIOR
    )
    disciplines = models.ManyToManyField(
        Discipline, verbose_name=_("disciplines"), blank=True, related_name="+"
    )
    industries = models.ManyToManyField(
        Industry, verbose_name=_("industries"), blank=True, related_name="+"
    )
    available_calls = models.ManyToManyField(
        Call,
        verbose_name=_("available for the calls"),
        blank=True,
        related_name="experts",
        help_text=_("The calls this expert has agreed to review for."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class Conflict(models.Model):
    """A declared conflict of interest: an organisation (matched against an applicant's
    employer and endorser) or a person (an applicant's account)."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="conflicts"
    )
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    person = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("declared"), auto_now_add=True)

    class Meta:
        ordering = ["expert", "pk"]
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=~Q(organisation="") | Q(person__isnull=False),
                name="conflict_names_someone",
            ),
        ]

    def __str__(self):
        return self.organisation or str(self.person)


class ExpertDraw(models.Model):
    """One run of the expert draw, with everything needed to recompute it: the seed and, per
    application, the candidates in the order they were considered and the picks."""

    class Kind(models.TextChoices):
        DRAW = "draw", _("Draw")
        REDRAW = "redraw", _("Replacement draw")

    class Outcome(models.TextChoices):
        DRAWN = "drawn", _("Drawn")
        REFUSED = "refused", _("Refused")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="draws"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=Kind.choices, default=Kind.DRAW)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.DRAWN
    )
    detail = models.TextField(_("why it was refused"), blank=True)
    seed = models.CharField(_("seed"), max_length=200, blank=True)
    by = models.ForeignKey(User, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    log = models.JSONField(_("log"), default=dict)
    created_at = models.DateTimeField(_("drawn"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("expert draw")
        verbose_name_plural = _("expert draws")

    def __str__(self):
        return f"{self.call} · {self.get_kind_display()} · {self.get_outcome_display()}"


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", _("No conflict declared")
    DECLINED = "declined", _("Declined")
    REPLACED = "replaced", _("Replaced by staff")
    SUBMITTED = "submitted", _("Review submitted")


class ReviewAssignmentQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status__in=[AssignmentStatus.DECLINED, AssignmentStatus.REPLACED])

    def of_expert_user(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(expert__user=user)


class ReviewAssignment(models.Model):
    """One expert drawn to review one application. Declined or replaced assignments stay (the
    same expert is never drawn to the same application again: the pair is unique)."""

    Status = AssignmentStatus

    application = models.ForeignKey(
        ProgramApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="assignments"
    )
    draw = models.ForeignKey(
        ExpertDraw,
        verbose_name=_("draw"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AssignmentStatus.choices, default="assigned"
    )
    no_conflict_declared_at = models.DateTimeField(_("no conflict declared"), null=True)
    declined_at = models.DateTimeField(_("declined or replaced"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining or replacing"), blank=True)
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)

    objects = ReviewAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"],
                name="assignment_one_per_expert_and_application",
                violation_error_message=_("This expert is already assigned to the application."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["declined", "replaced"]) | ~Q(decline_reason=""),
                name="assignment_decline_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["expert", "status"], name="assignment_expert_status")]

    def __str__(self):
        return f"{self.application_id} ← {self.expert_id}"

    def get_absolute_url(self):
        return reverse("projects:review", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)


class Review(models.Model):
    """An expert's submitted review: final once saved. `total` is the weighted score on a
    0–100 scale (see `projects.programs.services.weighted_total`)."""

    assignment = models.OneToOneField(
        ReviewAssignment,
        verbose_name=_("assignment"),
        on_delete=models.PROTECT,
        related_name="review",
    )
    comment = models.TextField(_("comment"), max_length=5000)
    total = models.DecimalField(
        _("weighted score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(total__lte=100), name="review_total_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.assignment} · {self.total}"


class Score(models.Model):
    review = models.ForeignKey(
        Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    value = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["review", "criterion__position", "pk"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"
