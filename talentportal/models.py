import re
import uuid
from pathlib import Path

import pgtrigger
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.fields import ArrayField
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from talentportal.i18n import localized
from talentportal.scope import in_scope, region_q


class AccountKind(models.TextChoices):
    TALENT = "talent", _("Talent")
    ENTERPRISE = "enterprise", _("Enterprise member")
    INVESTOR = "investor", _("Investor")
    EXPERT = "expert", _("Expert reviewer")
    STAFF = "staff", _("Talent office staff")


class UsernameValidator(validators.RegexValidator):
    # No "@" in usernames, so that a login name containing one is unambiguously an e-mail.
    regex = r"^[\w.+-]+\Z"
    message = _("Use letters, digits and . + - _ only.")


# Sign-up refuses usernames that begin with this: the documented demo accounts live there.
DEMO_USERNAME_PREFIX = "demo-"


class PortalUserManager(UserManager):
    def get_by_natural_key(self, username):
        """Log-in by username or e-mail address, both case-insensitive."""
        if "@" in username:
            return self.get(email__iexact=username)
        return self.get(username__iexact=username)

    def demo(self):
        """The demo population `manage.py seed_demo` made: the only accounts it touches."""
        return self.filter(is_demo=True)


class User(AbstractUser):
    username = models.CharField(
        _("username"),
        max_length=40,
        unique=True,
        validators=[UsernameValidator()],
        help_text=_("Up to 40 letters, digits and . + - _"),
        error_messages={"unique": _("A user with that username already exists.")},
    )
    email = models.EmailField(_("e-mail address"))
    display_name = models.CharField(
        _("display name"), max_length=60, blank=True, help_text=_("Shown on the site.")
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    kind = models.CharField(
        _("account type"), max_length=12, choices=AccountKind.choices, default=AccountKind.TALENT
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )
    staff_region = models.ForeignKey(
        "Region",
        verbose_name=_("staff region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "For staff of a city or county office: they curate only this region and the "
            "regions below it. Empty for province-wide staff."
        ),
    )
    # Retention (talentportal.retention): when the account was first seen deactivated, and
    # when its personal data was erased. Both are set by the retention run only.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    # Sign-up (talentportal.signup): an account made on the site stays inactive until the link
    # e-mailed to its address is followed. A flag apart from `is_active`, so that a link can
    # never reopen an account that was closed.
    awaiting_confirmation = models.BooleanField(
        _("awaiting e-mail confirmation"),
        default=False,
        db_default=False,
        editable=False,
        help_text=_("Signed up on the site; the address has not been confirmed yet."),
    )
    # Set by the demo seed only: it never touches an account without it (a person's, made
    # through the site or the admin).
    is_demo = models.BooleanField(
        _("demo account"),
        default=False,
        db_default=False,
        editable=False,
        help_text=_("Made by the demo seed (manage.py seed_demo)."),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_ci_unique",
            ),
        ]

    def __str__(self):
        return self.get_short_name()

    def get_short_name(self):
        return self.display_name or self.username


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    COUNTY = 3, _("County / district")


class RegionQuerySet(models.QuerySet):
    def within(self, region):
        """The region itself and every region below it, in one query."""
        return self.filter(code__startswith=region.code_prefix)

    def provinces(self):
        return self.filter(level=RegionLevel.PROVINCE)


class RegionalQuerySet(models.QuerySet):
    """For rows that belong to a region. `in_region(r)`: r and every region below it, a prefix
    match on the code that the region key's index serves. `region_field` is the path to the
    Region foreign key."""

    region_field = "region"

    def in_region(self, region):
        return self.filter(region_q(region, self.region_field))

    def in_scope_of(self, user):
        """The rows within `user`'s region scope (talentportal.scope): all of them for
        superusers and province-wide staff."""
        return in_scope(self, user, self.region_field)


class Region(models.Model):
    """An administrative division, keyed by its official six-digit GB/T 2260 code.

    The code encodes the tree: a province's descendants share its first two digits, a city's
    its first four, so "in region R" is a prefix match that the primary key's index serves.
    """

    code = models.CharField(_("division code"), max_length=6, primary_key=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[1-8][0-9]{5}$"), name="region_code_six_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | models.Q(level__gt=RegionLevel.PROVINCE, parent__isnull=False),
                name="region_only_provinces_are_roots",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def code_prefix(self) -> str:
        return {RegionLevel.PROVINCE: self.code[:2], RegionLevel.CITY: self.code[:4]}.get(
            self.level, self.code
        )


class IndustryKind(models.TextChoices):
    SECTION = "section", _("National industry section")
    STRATEGIC = "strategic", _("Strategic emerging industry")
    FUTURE = "future", _("Future industry")


class Industry(models.Model):
    """The curated industry list a talent office classifies policies, people and projects by."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=IndustryKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class DisciplineLevel(models.IntegerChoices):
    CATEGORY = 1, _("Discipline category")
    FIRST_LEVEL = 2, _("First-level discipline")


class Discipline(models.Model):
    """The national catalogue of disciplines: categories (two digits) and first-level
    disciplines (four digits) with their official codes."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=DisciplineLevel.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=DisciplineLevel.CATEGORY, code__regex=r"^[0-9]{2}$")
                | models.Q(level=DisciplineLevel.FIRST_LEVEL, code__regex=r"^[0-9]{4}$"),
                name="discipline_code_matches_level",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An on-site message to one user; the same text is also e-mailed to them."""

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notification_inbox",
            )
        ]

    def __str__(self):
        return self.subject


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    NEEDS_INFO = "needs_info", _("Needs more information")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @classmethod
    def closed(cls):
        """The statuses after which nothing changes any more."""
        return [cls.APPROVED, cls.REJECTED, cls.WITHDRAWN]


class ApplicationQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(applicant=user)

    def open(self):
        return self.exclude(status__in=ApplicationStatus.closed())

    def overdue(self, today):
        return self.open().exclude(status=ApplicationStatus.DRAFT).filter(due_on__lt=today)


class Application(models.Model):
    """What every application in the portal shares: applicant, reference number, status,
    decision and deadline. Services, programs, internships, evaluations and apartments
    subclass it; state changes go through `talentportal.workflow` only."""

    REFERENCE_PREFIX = "AP"
    # What `subject` needs, so that lists of applications stay at one query per kind.
    LIST_SELECT_RELATED: tuple[str, ...] = ()
    # A template a section adds to the applicant's page of this application (rank, offers…).
    DETAIL_TEMPLATE = ""
    # Retention (talentportal.retention): field -> value (or expression) that replaces the
    # person's data in the applications of an anonymised account; the rows stay.
    ANONYMISED_FIELDS: dict = {}
    # The fields the applicant filled in, in the order of the form: what "check your answers",
    # the application's page and the data export show (`answers_summary`).
    ANSWER_FIELDS: tuple[str, ...] = ()
    # Answer fields shown masked even to the applicant (an ID number on a shared screen): the
    # model's `<field>_masked` property.
    MASKED_ANSWER_FIELDS: tuple[str, ...] = ()

    applicant = models.ForeignKey(
        User,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_applications",
    )
    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    due_on = models.DateField(_("decision due"), null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("me:application", args=[self.reference])

    def get_admin_url(self):
        return reverse(
            f"admin:{self._meta.app_label}_{self._meta.model_name}_change", args=[self.pk]
        )

    @property
    def subject(self) -> str:
        """What the application is for, as the applicant would say it."""
        return str(self._meta.verbose_name)

    def promised_working_days(self) -> int | None:
        """How many working days a decision may take; None when no promise is made."""
        return None

    def answers_summary(self) -> list[tuple[str, str]]:
        """(question, answer) for everything the applicant filled in, in the active language:
        the `ANSWER_FIELDS` with their labels and displayed values. Sections whose questions
        are not model fields (a service's own form) override it."""
        summary = []
        for name in self.ANSWER_FIELDS:
            field = self._meta.get_field(name)
            summary.append((str(field.verbose_name), answer_display(self, field)))
        return summary

    def resume_url(self) -> str:
        """Where the applicant completes this application while it is a draft: the section's
        form. Empty when the application cannot be changed any more."""
        return ""

    def submitted_url(self) -> str:
        """Where the applicant lands once the application is submitted."""
        return self.get_absolute_url()

    def submit_checked(self, *, by) -> None:
        """Submit the draft after the applicant checked their answers: the section's submit
        use case, with its own checks (required answers and documents, eligibility)."""
        from talentportal.workflow import application_submit

        application_submit(application=self, by=by)

    def can_process(self, user) -> bool:
        """Whether `user` may review and decide this application."""
        return user.is_active and user.is_staff and user.has_perm(self._change_permission())

    def can_read_documents(self, user) -> bool:
        """Whether `user`, who is not the applicant, may read the application's documents:
        whoever may process it (staff of the section and region)."""
        return self.can_process(user)

    def document_name_for(self, document, user) -> str:
        """The file name `user`, who may read the documents, is served `document` under."""
        return document.original_name

    def processors(self):
        """The people told about a new submission: staff who may process it."""
        # django-axes comes first in AUTHENTICATION_BACKENDS; permissions are ModelBackend's.
        return User.objects.with_perm(
            self._change_permission(), backend="django.contrib.auth.backends.ModelBackend"
        ).filter(is_staff=True)

    def _change_permission(self) -> str:
        return f"{self._meta.app_label}.change_{self._meta.model_name}"


def answer_display(instance: models.Model, field) -> str:
    """A model field's value as an applicant reads it: the label of a choice, yes or no, a
    list joined, "—" when empty, an ID number masked."""
    value = getattr(instance, field.name)
    if field.name in getattr(instance, "MASKED_ANSWER_FIELDS", ()) and value:
        return getattr(instance, f"{field.name}_masked")
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if value in (None, "", []):
        return "—"
    choices = getattr(field, "flatchoices", None) or getattr(
        getattr(field, "base_field", None), "flatchoices", None
    )
    labels = {str(key): str(label) for key, label in choices or ()}
    if isinstance(value, list | tuple):
        separator = ", " if (get_language() or "").startswith("en") else "、"
        return separator.join(labels.get(str(item), str(item)) for item in value)
    if labels:
        return labels.get(str(value), str(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class ReferenceCounter(models.Model):
    """The last reference number handed out per prefix and year. Incremented with a
    single upsert, so concurrent submissions never get the same number."""

    prefix = models.CharField(max_length=4)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_counter_unique")
        ]

    def __str__(self):
        return f"{self.prefix}-{self.year}: {self.last}"


class ApplicationEvent(models.Model):
    """One entry in an application's timeline: a status change, a comment or a document."""

    reference = models.CharField(_("reference number"), max_length=20, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(
        _("from"), max_length=12, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(
        _("to"), max_length=12, choices=ApplicationStatus.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.reference}: {self.from_status} → {self.to_status}"


def _document_path(instance, filename):
    # A random stored name: nothing of the uploaded name reaches the file system.
    return f"applications/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}{Path(filename).suffix}"


class ApplicationDocument(models.Model):
    """A file attached to an application, readable by its applicant and by staff only."""

    reference = models.CharField(_("reference number"), max_length=20, db_index=True)
    owner = models.ForeignKey(
        User, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("what it is"), max_length=100, blank=True)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("me:document", args=[self.pk])


class DocumentAccess(models.Model):
    """Someone other than the applicant opened one of an application's documents through the
    checked download (staff processing it, an expert reviewing it). Append-only: a trigger
    refuses every UPDATE; rows outlive the document (no foreign-key constraint)."""

    document = models.ForeignKey(
        ApplicationDocument,
        verbose_name=_("document"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    reference = models.CharField(_("reference number"), max_length=20, db_index=True)
    viewer = models.ForeignKey(
        User,
        verbose_name=_("opened by"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    label = models.CharField(_("what it is"), max_length=100, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("document access")
        verbose_name_plural = _("document accesses")
        default_permissions = ("view",)
        triggers = [
            pgtrigger.Protect(name="document_access_no_update", operation=pgtrigger.Update),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.reference}"


# The security log's short labels ("event", "path", "Export"…) have their own translation
# context: the same English words mean other things elsewhere in the portal.
class SecurityEventKind(models.TextChoices):
    LOGIN = "login", pgettext_lazy("security log", "Login")
    LOGIN_FAILED = "login_failed", pgettext_lazy("security log", "Login failed")
    LOCKOUT = "lockout", pgettext_lazy("security log", "Lockout")
    LOGOUT = "logout", pgettext_lazy("security log", "Logout")
    PERMISSION_DENIED = "denied", pgettext_lazy("security log", "Permission denied")
    ADMIN_ACTION = "admin", pgettext_lazy("security log", "Admin action")
    EXPORT = "export", pgettext_lazy("security log", "Export")
    PASSWORD_CHANGE = "password", pgettext_lazy("security log", "Password change")
    TWO_FACTOR = "2fa", pgettext_lazy("security log", "Two-factor authentication")


class SecurityOutcome(models.TextChoices):
    SUCCESS = "success", pgettext_lazy("security log", "Success")
    FAILURE = "failure", pgettext_lazy("security log", "Failure")
    DENIED = "denied", pgettext_lazy("security log", "Denied")


class SecurityEvent(models.Model):
    """One entry of the security event log (`talentportal.security_log`): who did what, from
    where, with what outcome. Never a password, an ID number or a query string. Append-only:
    triggers refuse every UPDATE, and every DELETE of a row younger than the retention floor."""

    at = models.DateTimeField(
        pgettext_lazy("security log", "time"), default=timezone.now, db_index=True
    )
    # No database constraint and no cascade: the log outlives deleted accounts unchanged.
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=40, blank=True, db_index=True)
    ip = models.GenericIPAddressField(
        pgettext_lazy("security log", "IP address"), null=True, blank=True, db_index=True
    )
    kind = models.CharField(
        pgettext_lazy("security log", "event"), max_length=12, choices=SecurityEventKind.choices
    )
    outcome = models.CharField(
        pgettext_lazy("security log", "outcome"), max_length=8, choices=SecurityOutcome.choices
    )
    path = models.CharField(pgettext_lazy("security log", "path"), max_length=200, blank=True)
    detail = models.CharField(pgettext_lazy("security log", "detail"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = pgettext_lazy("security log", "security event")
        verbose_name_plural = pgettext_lazy("security log", "security events")
        indexes = [models.Index(fields=["kind", "-at"], name="securityevent_kind_at")]
        triggers = [
            pgtrigger.Protect(name="security_event_no_update", operation=pgtrigger.Update),
            # Rows are kept at least 6 months (183 days); only older ones may be purged.
            pgtrigger.Protect(
                name="security_event_keep_6_months",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Condition("OLD.\"at\" > NOW() - INTERVAL '183 days'"),
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"


class SynonymLanguage(models.TextChoices):
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    MIXED = "mixed", _("Chinese and English")


#: What staff may type between synonyms: commas (either width), 、, semicolons, new lines.
SYNONYM_SEPARATORS = re.compile(r"[,，、;；\n\r]+")


def normalise_term(value: str) -> str:
    """A thesaurus term as it is matched: lower case, single spaces."""
    return " ".join((value or "").lower().split())


class SearchSynonymQuerySet(models.QuerySet):
    def matches(self, text: str) -> list[tuple[int, int, list[str]]]:
        """(start, end, synonyms) for every place in `text` (lower case) where a term of the
        thesaurus occurs (or a synonym of a two-way entry, which then brings the term and the
        other synonyms), longest first; Latin terms only as whole words. One query."""
        if not text:
            return []
        rows = self.filter(
            RawSQL(
                "strpos(%s, term) > 0 OR (mutual AND EXISTS "
                "(SELECT 1 FROM unnest(alternatives) AS a WHERE strpos(%s, a) > 0))",
                [text, text],
                output_field=models.BooleanField(),
            )
        ).values_list("term", "alternatives", "mutual")
        spans: dict[tuple[int, int], list[str]] = {}
        for term, alternatives, mutual in rows:
            keys = [term, *(alternatives if mutual else [])]
            for key in keys:
                others = [k for k in keys if k != key] if mutual else alternatives
                pattern = re.escape(key)
                if re.match(r"\w", key, re.ASCII):
                    pattern = rf"(?<![a-z0-9]){pattern}(?![a-z0-9])"
                for found in re.finditer(pattern, text):
                    span = spans.setdefault(found.span(), [])
                    span.extend(o for o in others if o not in span)
        return sorted(
            ((start, end, synonyms) for (start, end), synonyms in spans.items()),
            key=lambda item: (item[0] - item[1], item[0]),
        )


class SearchSynonym(models.Model):
    """An entry of the search thesaurus: a term and the words that should find what it finds.

    Two-way entries are synonyms (人才房 = 人才公寓): each finds the others. One-way entries
    widen a broader term to narrower ones (住房补贴 → 购房补贴, 租房补贴): the narrower terms do
    not find the broader one. Applied when a query is parsed (`talentportal.search`), so a
    change takes effect at the next search, with nothing re-indexed."""

    term = models.CharField(
        _("term"), max_length=100, unique=True, help_text=_("What people type, e.g. 人才房.")
    )
    alternatives = ArrayField(
        models.CharField(max_length=100),
        verbose_name=_("synonyms and narrower terms"),
        help_text=_("Separated by commas, e.g. 人才公寓, talent apartment."),
    )
    mutual = models.BooleanField(
        _("two-way"),
        default=True,
        help_text=_(
            "Two-way: each synonym also finds the term and the others. One-way: only the term "
            "finds the synonyms (a broader term and its narrower ones)."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=SynonymLanguage.choices,
        default=SynonymLanguage.CHINESE,
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchSynonymQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(term=""), name="search_synonym_term_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(alternatives__len__gte=1),
                name="search_synonym_has_alternatives",
            ),
        ]

    def __str__(self):
        arrow = " ⇄ " if self.mutual else " → "
        return self.term + arrow + ", ".join(self.alternatives)

    def save(self, *args, **kwargs):
        self.term = normalise_term(self.term)
        self.alternatives = [
            a for a in dict.fromkeys(normalise_term(a) for a in self.alternatives) if a
        ]
        super().save(*args, **kwargs)

    def clean(self):
        self.term = normalise_term(self.term)
        alternatives = [normalise_term(a) for a in self.alternatives or []]
        self.alternatives = [a for a in dict.fromkeys(alternatives) if a and a != self.term]
        if not self.alternatives:
            raise ValidationError(
                {"alternatives": _("Give at least one synonym other than the term itself.")}
            )


# Signal receivers, connected once the models exist: the security log's, and the staff roles'
# sync after every migrate; and the audit trail's event models (talentportal/audit.py).
from talentportal import audit, roles, security_log  # noqa: E402, F401


class RateCounter(models.Model):
    """A counter of the rate limits when no Redis is configured (talentportal.counter_cache):
    one row per client, group and window, shared by every worker and server of the database."""

    key = models.CharField(max_length=250, primary_key=True)
    value = models.BigIntegerField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")

    def __str__(self):
        return self.key
