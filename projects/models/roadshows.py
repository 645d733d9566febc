"""Projects, investors, roadshows, registrations and interest (issue: projects and roadshows).

- A **Project** is shown to the public once staff have published it. Its review runs through the
  shared application workflow: submitting a project opens a `ProjectSubmission` ("PJ-…") that
  staff approve (the project is published) or reject (it returns to a draft). All of it goes
  through `projects.roadshows.services`.
- An **Investor** is an investment institution verified by staff like an enterprise; only
  verified investors appear in the databank and may express interest in projects.
- A **Roadshow** (or talent salon, talent day, campaign) has an offline capacity. Registrations
  are confirmed while seats last and waitlisted after. A seat freed later (a cancellation, more
  seats) is offered to the first on the waiting list, who has `claim_hours` to claim it; an
  offer not claimed in time expires and passes to the next (as pretix's waiting list). The
  capacity is protected by a row lock on the roadshow and the counters are recomputed under
  that lock; a check constraint refuses confirmed plus offered seats above the capacity.
- An **Interest** links an investor and a project; once the team accepts, each side sees the
  other's contact details.

Search: `Project.search_vector` is a stored generated column over two token columns filled by
`Project.fill_search_columns()` (segmented Chinese and English, title weighted above summary),
searched as the policy library is (`talentportal.search`: sub-words, the thesaurus, English
stems, tiers of rank).
"""

import secrets
import uuid

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentportal.i18n import localized
from talentportal.models import Application, Industry, Region, RegionalQuerySet, User
from talentportal.search import SEARCH_CONFIG, index_tokens, parse_query, ranked_search
from talents.models import Enterprise, VerificationStatus
from talents.privacy import mask_name

__all__ = [
    "CHECKIN_CODE_ALPHABET",
    "Interest",
    "InterestStatus",
    "Investor",
    "InvestorKind",
    "Need",
    "Project",
    "ProjectStatus",
    "ProjectSubmission",
    "Registration",
    "RegistrationStatus",
    "Roadshow",
    "RoadshowKind",
    "RoadshowSlot",
    "Stage",
    "new_checkin_code",
]


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROTOTYPE = "prototype", _("Prototype")
    SEED = "seed", _("Seed round")
    ANGEL = "angel", _("Angel round")
    A = "a", _("Series A")
    B_PLUS = "b_plus", _("Series B and later")


class Need(models.TextChoices):
    CAPITAL = "capital", _("Capital")
    SITE = "site", _("Site or premises")
    TALENT = "talent", _("Talent")
    PARTNERS = "partners", _("Partners")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    PUBLISHED = "published", _("Published")


def _pitch_deck_path(instance, filename):
    # A random stored name: nothing of the uploaded name reaches the file system.
    return f"projects/decks/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


def _memberships(user):
    return Project.members.through.objects.filter(user=user).values("project_id")


class ProjectQuerySet(RegionalQuerySet):
    def published(self):
        return self.filter(status=ProjectStatus.PUBLISHED)

    def of_team(self, user):
        """The projects `user` leads or is a member of."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(Q(lead=user) | Q(pk__in=_memberships(user)))

    def visible_to(self, user):
        """Published projects for everyone; a team also sees its own drafts; staff see all."""
        if user is not None and user.is_authenticated:
            if user.is_active and user.is_staff:
                return self.all()
            return self.filter(
                Q(status=ProjectStatus.PUBLISHED) | Q(lead=user) | Q(pk__in=_memberships(user))
            )
        return self.published()

    def search(self, query: str | None):
        """Full-text search in Chinese and English with `rank` annotated, best first; a query
        without a searchable word leaves the queryset unchanged."""
        parsed = parse_query(query or "")
        if parsed is None:
            return self
        return ranked_search(self, parsed).order_by("-rank", "-published_at", "-pk")


#: The fields whose text feeds the search vector, by weight.
PROJECT_SEARCH_SOURCES = {
    "search_title": ("title_zh", "title_en"),
    "search_body": ("summary_zh", "summary_en", "highlights"),
}


class Project(models.Model):
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), max_length=4000)
    summary_en = models.TextField(_("summary (English)"), max_length=8000, blank=True)
    lead = models.ForeignKey(
        User,
        verbose_name=_("project lead"),
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    members = models.ManyToManyField(
        User, verbose_name=_("team members"), blank=True, related_name="project_memberships"
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), on_delete=models.PROTECT, related_name="projects"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    funding_sought = models.PositiveBigIntegerField(
        _("funding sought (yuan)"), default=0, help_text=_("In yuan; 0 if none.")
    )
    needs = ArrayField(
        models.CharField(max_length=10, choices=Need.choices),
        verbose_name=_("what the project needs"),
        default=list,
        blank=True,
        size=len(Need.choices),
    )
    highlights = models.TextField(
        _("highlights"), max_length=2000, blank=True, help_text=_("One highlight per line.")
    )
    pitch_deck = models.FileField(
        _("pitch deck (PDF)"),
        upload_to=_pitch_deck_path,
        max_length=200,
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProjectStatus.choices,
        default=ProjectStatus.DRAFT,
        db_index=True,
    )
    featured = models.BooleanField(_("featured"), default=False)
    team_names_public = models.BooleanField(
        _("show the team's names"),
        default=False,
        help_text=_(
            "The project lead's consent: without it, the project page shows the team's names "
            "masked (the surname, then **) to everyone outside the team."
        ),
    )
    program = models.ForeignKey(
        "projects.Program",
        verbose_name=_("talent program it came from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    search_title = models.TextField(editable=False, default="")
    search_body = models.TextField(editable=False, default="")
    search_vector = models.GeneratedField(
        expression=SearchVector("search_title", config=SEARCH_CONFIG, weight="A")
        + SearchVector("search_body", config=SEARCH_CONFIG, weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [
            GinIndex(fields=["search_vector"], name="project_search_vector"),
            GinIndex(fields=["needs"], name="project_needs"),
            models.Index(fields=["status", "-published_at"], name="project_status_published"),
            models.Index(
                fields=["region", "status"],
                name="project_region_status",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ProjectStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="project_published_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.fill_search_columns()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *PROJECT_SEARCH_SOURCES}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:project", args=[self.pk])

    def fill_search_columns(self):
        for column, sources in PROJECT_SEARCH_SOURCES.items():
            text = " ".join(getattr(self, field) or "" for field in sources)
            # A title is short: single characters are indexed too (人才贷 → 贷).
            setattr(self, column, index_tokens(text, characters=column == "search_title"))

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def highlight_list(self) -> list[str]:
        return [line.strip() for line in self.highlights.splitlines() if line.strip()]

    @property
    def funding_display(self) -> str:
        """The funding sought with thousands separators (“5,000,000”)."""
        return f"{self.funding_sought:,}"

    def get_needs_display(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels.get(need, need)) for need in self.needs]

    def team_names_for(self, user, members) -> list[str]:
        """The lead's and the members' names as `user` may see them: in full for the team,
        staff, and everyone when the lead consented (`team_names_public`); masked otherwise."""
        people = [self.lead, *members]
        names = [person.get_short_name() for person in people]
        if self.team_names_public or (user.is_authenticated and user.is_staff):
            return names
        if user.is_authenticated and user.pk in {person.pk for person in people}:
            return names
        return [mask_name(name) for name in names]

    def has_member(self, user) -> bool:
        """Whether `user` is on the team (the lead or a member)."""
        if user is None or not user.is_authenticated:
            return False
        return self.lead_id == user.pk or self.members.filter(pk=user.pk).exists()


class ProjectSubmission(Application):
    """A project's request to be published, through the shared workflow: approval publishes the
    project, rejection returns it to its team as a draft."""

    REFERENCE_PREFIX = "PJ"
    LIST_SELECT_RELATED = ("project",)

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )

    class Meta(Application.Meta):
        verbose_name = _("project submission")
        verbose_name_plural = _("project submissions")
        constraints = [
            # One open submission per project: a double click cannot open two reviews.
            models.UniqueConstraint(
                fields=["project"],
                condition=~Q(status__in=["approved", "rejected", "withdrawn"]),
                name="projectsubmission_one_open",
                violation_error_message=_("This project is already waiting for review."),
            ),
        ]

    @property
    def subject(self) -> str:
        return self.project.title


class InvestorKind(models.TextChoices):
    VC = "vc", _("Venture capital fund")
    ANGEL_NETWORK = "angel", _("Angel investor network")
    BANK = "bank", _("Bank")
    BROKER = "broker", _("Securities broker")
    GUIDANCE_FUND = "guidance", _("Government guidance fund")
    GUARANTEE = "guarantee", _("Guarantee company")


class InvestorQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=VerificationStatus.VERIFIED)

    def of_member(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(members=user)

    def search(self, query: str | None):
        """Institutions whose Chinese or English name contains the text (a few hundred rows)."""
        text = (query or "").strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(name_en__icontains=text))


class Investor(models.Model):
    """An investment institution, verified by staff before it appears in the databank."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind of institution"), max_length=10, choices=InvestorKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("headquarters"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.TextField(_("about the institution"), max_length=4000, blank=True)
    website = models.URLField(_("website"), blank=True)
    focus_industries = models.ManyToManyField(
        Industry, verbose_name=_("focus industries"), blank=True, related_name="investors"
    )
    stages = ArrayField(
        models.CharField(max_length=10, choices=Stage.choices),
        verbose_name=_("stages invested in"),
        default=list,
        blank=True,
        size=len(Stage.choices),
    )
    ticket_min = models.PositiveBigIntegerField(_("smallest ticket (yuan)"), default=0)
    ticket_max = models.PositiveBigIntegerField(_("largest ticket (yuan)"), default=0)
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("regions invested in"),
        blank=True,
        related_name="+",
        help_text=_("Empty: anywhere."),
    )
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    members = models.ManyToManyField(
        User, verbose_name=_("members"), blank=True, related_name="investor_memberships"
    )
    status = models.CharField(
        _("verification"),
        max_length=8,
        choices=VerificationStatus.choices,
        default=VerificationStatus.PENDING,
        db_index=True,
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
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InvestorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("investor")
        verbose_name_plural = _("investors")
        indexes = [
            GinIndex(fields=["stages"], name="investor_stages"),
            models.Index(fields=["status", "kind"], name="investor_status_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ticket_max__gte=F("ticket_min")), name="investor_ticket_range"
            ),
            models.CheckConstraint(
                condition=~Q(status=VerificationStatus.REJECTED) | ~Q(rejection_reason=""),
                name="investor_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=VerificationStatus.VERIFIED) | Q(verified_at__isnull=False),
                name="investor_verified_has_time",
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("projects:investor", args=[self.pk])

    @property
    def display_name(self) -> str:
        return localized(self, "name", chinese="name")

    @property
    def is_verified(self) -> bool:
        return self.status == VerificationStatus.VERIFIED

    @property
    def ticket_min_display(self) -> str:
        return f"{self.ticket_min:,}"

    @property
    def ticket_max_display(self) -> str:
        return f"{self.ticket_max:,}"

    def get_stages_display(self) -> list[str]:
        labels = dict(Stage.choices)
        return [str(labels.get(stage, stage)) for stage in self.stages]


class RoadshowKind(models.TextChoices):
    ROADSHOW = "roadshow", _("Project roadshow")
    SALON = "salon", _("Talent salon")
    TALENT_DAY = "talent_day", _("Talent day")
    CAMPAIGN = "campaign", _("Campaign")


class RoadshowQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now())

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now())


class Roadshow(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=RoadshowKind.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    venue_zh = models.CharField(_("venue (Chinese)"), max_length=200, blank=True)
    venue_en = models.CharField(_("venue (English)"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(
        _("offline seats"), default=0, help_text=_("0: online only, no registration for seats.")
    )
    stream_url = models.URLField(_("online stream link"), blank=True)
    industries = models.ManyToManyField(
        Industry, verbose_name=_("industries"), blank=True, related_name="roadshows"
    )
    organiser_zh = models.CharField(_("organiser (Chinese)"), max_length=200)
    organiser_en = models.CharField(_("organiser (English)"), max_length=300, blank=True)
    claim_hours = models.PositiveSmallIntegerField(
        _("hours to claim a freed seat"),
        default=48,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A seat that becomes free is offered to the first person on the waiting list for "
            "this long (at most until the event starts); unclaimed, it passes to the next."
        ),
    )
    is_published = models.BooleanField(_("published"), default=True)
    # Kept by the services under the roadshow's row lock.
    registered_count = models.PositiveIntegerField(_("confirmed"), default=0, editable=False)
    offered_count = models.PositiveIntegerField(_("seats offered"), default=0, editable=False)
    waitlisted_count = models.PositiveIntegerField(_("waitlisted"), default=0, editable=False)
    checked_in_count = models.PositiveIntegerField(_("checked in"), default=0, editable=False)
    online_views = models.PositiveIntegerField(_("online views"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RoadshowQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("roadshow")
        verbose_name_plural = _("roadshows")
        indexes = [
            models.Index(fields=["is_published", "ends_at"], name="roadshow_published_ends"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="roadshow_ends_after_start"
            ),
            # A seat offered from the waiting list is held for its claimant.
            models.CheckConstraint(
                condition=Q(registered_count__lte=F("capacity") - F("offered_count")),
                name="roadshow_not_over_capacity",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:roadshow", args=[self.pk])

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def venue(self) -> str:
        return localized(self, "venue")

    @property
    def organiser(self) -> str:
        return localized(self, "organiser")

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.registered_count - self.offered_count, 0)

    def is_over(self, now=None) -> bool:
        return self.ends_at < (now or timezone.now())


class RoadshowSlot(models.Model):
    """A project presenting at a roadshow, in agenda order."""

    roadshow = models.ForeignKey(
        Roadshow, verbose_name=_("roadshow"), on_delete=models.CASCADE, related_name="slots"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="slots"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    starts_at = models.DateTimeField(_("time"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), default=15, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["roadshow", "position", "pk"]
        verbose_name = _("presenting slot")
        verbose_name_plural = _("presenting slots")
        constraints = [
            models.UniqueConstraint(
                fields=["roadshow", "project"],
                name="roadshowslot_project_once",
                violation_error_message=_("This project is on the agenda already."),
            ),
            models.UniqueConstraint(
                fields=["roadshow", "position"],
                name="roadshowslot_position_unique",
                violation_error_message=_("Another project has this place in the agenda."),
            ),
        ]

    def __str__(self):
        return f"{self.position}. {self.project_id}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    OFFERED = "offered", _("Seat offered, to claim")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Offer expired")

    @classmethod
    def inactive(cls) -> tuple[str, str]:
        """No seat and no place in the queue: the person may register again."""
        return (cls.CANCELLED, cls.EXPIRED)


#: No 0/O, 1/I/L: a code read out or typed at the door is not misread.
CHECKIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECKIN_CODE_LENGTH = 10


def new_checkin_code() -> str:
    return "".join(secrets.choice(CHECKIN_CODE_ALPHABET) for _ in range(CHECKIN_CODE_LENGTH))


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status__in=RegistrationStatus.inactive())

    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def offered(self):
        return self.filter(status=RegistrationStatus.OFFERED)

    def due(self, now):
        """Offers not claimed by their deadline."""
        return self.offered().filter(offer_expires_at__lte=now)

    def waitlisted(self):
        """The waiting list in arrival order."""
        return self.filter(status=RegistrationStatus.WAITLISTED).order_by("pk")

    def with_waitlist_position(self):
        """`waitlist_position` annotated: 1 for the first on its event's waiting list, None
        when not waiting; one subquery, however many registrations are listed."""
        ahead = (
            Registration.objects.filter(
                roadshow_id=OuterRef("roadshow_id"),
                status=RegistrationStatus.WAITLISTED,
                pk__lte=OuterRef("pk"),
            )
            .order_by()
            .values("roadshow_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            waitlist_position=Case(
                When(status=RegistrationStatus.WAITLISTED, then=Subquery(ahead)),
                output_field=models.IntegerField(),
            )
        )


class Registration(models.Model):
    roadshow = models.ForeignKey(
        Roadshow,
        verbose_name=_("roadshow"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        User,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="roadshow_registrations",
    )
    investor = models.ForeignKey(
        Investor,
        verbose_name=_("on behalf of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RegistrationStatus.choices, db_index=True
    )
    code = models.CharField(_("check-in code"), max_length=16, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    offered_at = models.DateTimeField(_("seat offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("claim by"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        User,
        verbose_name=_("checked in by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["roadshow", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["roadshow", "status", "id"], name="registration_queue"),
            models.Index(
                fields=["offer_expires_at"],
                condition=Q(status="offered"),
                name="registration_offer_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["roadshow", "user"],
                condition=~Q(status__in=["cancelled", "expired"]),
                name="registration_one_active_per_person",
                violation_error_message=_("You are registered for this event already."),
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | Q(status="confirmed"),
                name="registration_checkin_only_confirmed",
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="registration_offer_has_deadline",
            ),
        ]

    def __str__(self):
        return f"{self.roadshow_id}/{self.user_id}: {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status not in RegistrationStatus.inactive()


class InterestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the team")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Interest(models.Model):
    """An investor's interest in a project. Once the team accepts, both see each other's
    contact details."""

    investor = models.ForeignKey(
        Investor, verbose_name=_("investor"), on_delete=models.CASCADE, related_name="interests"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="interests"
    )
    expressed_by = models.ForeignKey(
        User, verbose_name=_("expressed by"), on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField(_("message"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=InterestStatus.choices,
        default=InterestStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("expressed"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(
                fields=["investor", "project"],
                name="interest_once_per_pair",
                violation_error_message=_("This investor has expressed interest already."),
            ),
        ]

    def __str__(self):
        return f"{self.investor_id} → {self.project_id}: {self.status}"

    @property
    def is_accepted(self) -> bool:
        return self.status == InterestStatus.ACCEPTED
