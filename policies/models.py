"""The policy library: policies of every level, their comparable benefits and interpretations,
and what talents follow or saved to be told about changes.

Search: `Policy.search_vector` is a stored generated column computed by PostgreSQL (the
`english` configuration: English stemmed, Chinese as it is) from four token columns, by weight:
`search_title` (A), `search_summary` (B), `search_related` (C: the policy's benefits and
interpretations) and `search_body` (D). Python fills them with segmented Chinese and English
text (`talentportal.search.index_tokens`). Every write path keeps them current:
`Policy.save()`, and `PolicyQuerySet.update()`, `bulk_create()` and `bulk_update()`, which
re-tokenise when a searchable field is written; the same for a benefit's and an
interpretation's `search_tokens`, which database triggers gather into the policy's
`search_related` on every insert, update and delete (migration
`policies/migrations/0011_search_related.py`). Raw SQL must call
`policies.services.policy_reindex()` afterwards.
"""

import datetime
import html
import re

import nh3
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce, NullIf, Replace
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from talentportal.choices import Degree, TalentTier
from talentportal.i18n import localized
from talentportal.models import Application, Industry, Region, RegionalQuerySet, RegionLevel
from talentportal.scope import covers, region_scope, scope_q
from talentportal.search import (
    SEARCH_CONFIG,
    index_tokens,
    parse_query,
    ranked_search,
    segment,
)
from talentportal.uploads import RandomName


class Category(models.TextChoices):
    TALENT_INTRODUCTION = "talent_introduction", _("Talent introduction")
    HOUSING = "housing", _("Housing")
    ENTREPRENEURSHIP_FINANCE = "entrepreneurship_finance", _("Entrepreneurship and finance")
    SUBSIDIES_AWARDS = "subsidies_awards", _("Subsidies and awards")
    CHILDREN_EDUCATION = "children_education", _("Children's education")
    MEDICAL_CARE = "medical_care", _("Medical care")
    EVALUATION_TITLES = "evaluation_titles", _("Evaluation and professional titles")
    OVERSEAS_FOREIGN = "overseas_foreign", _("Overseas and foreign talent")
    GRADUATES_INTERNSHIPS = "graduates_internships", _("Graduates and internships")
    SKILLS_TRAINING = "skills_training", _("Skills and training")
    RESEARCH_INNOVATION = "research_innovation", _("Research and innovation")
    SERVICES = "services", _("Talent services")


class TalentGroup(models.TextChoices):
    HIGH_LEVEL = "high_level", _("High-level talent")
    DOCTORAL = "doctoral", _("Doctoral graduates")
    MASTERS = "masters", _("Master's graduates")
    GRADUATES = "graduates", _("College graduates")
    SKILLED = "skilled", _("Skilled workers")
    OVERSEAS_RETURNEES = "overseas_returnees", _("Overseas returnees")
    FOREIGN_EXPERTS = "foreign_experts", _("Foreign experts")
    ENTREPRENEURS = "entrepreneurs", _("Entrepreneurs")
    YOUNG_TALENT = "young_talent", _("Young talent")
    RESEARCHERS = "researchers", _("Researchers")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    EXPIRED = "expired", _("Expired")
    REPEALED = "repealed", _("Repealed")


class BenefitKind(models.TextChoices):
    HOUSING_SUBSIDY = "housing_subsidy", _("Housing purchase subsidy")
    RENT_SUBSIDY = "rent_subsidy", _("Rent subsidy")
    LIVING_ALLOWANCE = "living_allowance", _("Living allowance")
    SETTLING_ALLOWANCE = "settling_allowance", _("Relocation and settling-in allowance")
    STARTUP_FUNDING = "startup_funding", _("Start-up funding")
    RESEARCH_FUNDING = "research_funding", _("Research funding")
    AWARD = "award", _("Talent award")
    TALENT_APARTMENT = "talent_apartment", _("Talent apartment")
    CHILDREN_SCHOOLING = "children_schooling", _("Children's schooling")
    MEDICAL_GREEN_CHANNEL = "medical_green_channel", _("Medical green channel")
    SPOUSE_EMPLOYMENT = "spouse_employment", _("Spouse employment")
    HOUSEHOLD_REGISTRATION = "household_registration", _("Household registration (hukou)")
    LOAN_GUARANTEE = "loan_guarantee", _("Talent loan and guarantee")
    INTERNSHIP_SUBSIDY = "internship_subsidy", _("Internship subsidy")


class Period(models.TextChoices):
    ONCE = "once", _("once")
    MONTHLY = "monthly", _("per month")
    YEARLY = "yearly", _("per year")
    TOTAL = "total", _("in total over N years")


class EnterpriseType(models.TextChoices):
    STATE_OWNED = "state_owned", _("State-owned enterprise")
    PRIVATE = "private", _("Private enterprise")
    FOREIGN_INVESTED = "foreign_invested", _("Foreign-invested enterprise")
    HIGH_TECH = "high_tech", _("High-tech enterprise")
    STARTUP = "startup", _("Start-up founded by the applicant")
    UNIVERSITY = "university", _("University")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")


class TalentCategory(models.TextChoices):
    """What a person is or holds that decides a benefit besides degree and tier: a status
    (a postdoc, a student) or a title (senior technician, skills master). Titles imply the
    broader category: a skills master or senior technician is a highly skilled worker."""

    SKILLED_WORKER = "skilled_worker", _("Highly skilled worker (technician or above)")
    SENIOR_TECHNICIAN = "senior_technician", _("Senior technician certificate")
    SKILLS_MASTER = "skills_master", _("Named skills master")
    POSTDOC = "postdoc", _("Postdoctoral researcher (in or just out of a station)")
    STUDENT = "student", _("Student at a university or college")


#: A title implies the broader categories listed here.
CATEGORY_IMPLIES = {
    TalentCategory.SENIOR_TECHNICIAN: (TalentCategory.SKILLED_WORKER,),
    TalentCategory.SKILLS_MASTER: (TalentCategory.SKILLED_WORKER,),
}


def categories_held(categories) -> frozenset[str]:
    """The categories a person ticked plus those their titles imply."""
    held = {str(c) for c in categories}
    for category in list(held):
        held.update(str(c) for c in CATEGORY_IMPLIES.get(category, ()))
    return frozenset(held)


class InterpretationKind(models.TextChoices):
    QA = "qa", _("Question and answer")
    EXPLANATION = "explanation", _("Official explanation")


#: Tags and attributes a policy body may keep; everything else is removed on save.
BODY_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a",
    "table", "thead", "tbody", "tr", "th", "td", "blockquote",
}  # fmt: skip
BODY_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}

ZERO_WIDTH_SPACE = "\u200b"
#: Characters that show nothing but survive copy and paste: zero-width space, non-joiner and
#: joiner, word joiner, byte-order mark. Never in visible text.
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
#: Plain-text fields staff type that pages show as they are.
VISIBLE_TEXT_FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en")


def visible_text(value: str) -> str:
    """The text without invisible characters (typed or pasted ones, or the word breaks
    `segmented_text` puts into search headlines)."""
    return INVISIBLE.sub("", value or "")


COMPARISON_YEARS = 3
COMPARISON_MONTHS = 12 * COMPARISON_YEARS

#: The fields whose text feeds the search vector, by weight (search_related, weight C, is
#: gathered from the benefits and interpretations by the database).
SEARCH_SOURCES = {
    "search_title": ("title_zh", "title_en", "document_number"),
    "search_summary": ("summary_zh", "summary_en", "authority_zh", "authority_en"),
    "search_body": ("body_zh", "body_en"),
}
#: Short fields are indexed down to single Chinese characters too (a search for 贷 finds 人才贷).
CHARACTER_INDEXED = frozenset({"search_title", "search_summary"})
#: Where a result matched, by the weight of the vector's part: (key, label).
MATCH_PLACES = {
    "a": ("title", _("title")),
    "b": ("summary", _("summary")),
    "c": ("benefits", _("benefits and Q&A")),
    "d": ("body", _("full text")),
}
RICH_TEXT_FIELDS = frozenset({"body_zh", "body_en"})
SEARCH_SOURCE_FIELDS = frozenset(f for fields in SEARCH_SOURCES.values() for f in fields)
SEARCH_DERIVED_FIELDS = (*SEARCH_SOURCES, "title_segmented", "summary_segmented")
#: A policy's full text and search columns: what a list of policies, or a page that shows a
#: policy only as a link, never fetches (`.defer(*POLICY_TEXT_FIELDS)`).
POLICY_TEXT_FIELDS = (
    "body_zh",
    "body_en",
    *SEARCH_DERIVED_FIELDS,
    "search_related",
    "search_vector",
)


def sanitize_body(value: str) -> str:
    """Rich text as staff may store it: a small set of tags, safe links only."""
    return nh3.clean(
        value or "",
        tags=BODY_TAGS,
        attributes=BODY_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def _plain(value: str) -> str:
    return html.unescape(strip_tags(value or ""))


def segmented_text(text: str) -> str:
    """The text, HTML-escaped, with a zero-width space between its words: it reads the same,
    and PostgreSQL's parser (which treats a run of Chinese characters as one word) sees the
    words, so that `ts_headline` can highlight them."""
    if not text:
        return ""
    return escape(ZERO_WIDTH_SPACE.join(segment(text)))


def _sql_escape(expression):
    """HTML-escape text in SQL, like django.utils.html.escape."""
    for char, entity in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ('"', "&quot;"),
        ("'", "&#x27;"),
    ):
        expression = Replace(expression, Value(char), Value(entity))
    return expression


def comparable_figure(amount: int | None, period: str, period_count: int | None) -> int | None:
    """The whole amount a benefit pays over its term, the one normalisation every page uses:
    once → the amount; monthly → amount × months; yearly → amount × years; a total over N
    years → the total. A monthly or yearly payment with no stated end counts for three years
    (`COMPARISON_YEARS`). None when there is no amount."""
    if amount is None:
        return None
    if period == Period.MONTHLY:
        return amount * (period_count or COMPARISON_MONTHS)
    if period == Period.YEARLY:
        return amount * (period_count or COMPARISON_YEARS)
    return amount


def ancestor_codes(region: Region) -> list[str]:
    """The region's own code and the codes of the regions above it, derived from the code
    the same way `Region.objects.within()` derives descendants (no query)."""
    codes = [region.code]
    if region.level >= RegionLevel.COUNTY:
        codes.append(region.code[:4] + "00")
    if region.level >= RegionLevel.CITY:
        codes.append(region.code[:2] + "0000")
    return list(dict.fromkeys(codes))


class PolicyQuerySet(RegionalQuerySet):
    def published(self):
        return self.filter(status=PolicyStatus.PUBLISHED)

    def applicable_in(self, region: Region):
        """Policies that apply in the region: its own and those of the regions above it
        (a Hangzhou district gets Zhejiang's and Hangzhou's policies too)."""
        return self.filter(region__in=ancestor_codes(region))

    def visible_to(self, user):
        """Drafts only for staff who may edit them; everything else for everyone."""
        if user is not None and user.is_active and user.is_staff:
            if region_scope(user) is None:
                return self.all()
            return self.filter(~Q(status=PolicyStatus.DRAFT) | scope_q(user))
        return self.exclude(status=PolicyStatus.DRAFT)

    def editable_by(self, user):
        """The policies a staff member may create and change: all of them for province-wide
        staff, those of their region and below for region-scoped staff."""
        if user is None or not user.is_active or not user.is_staff:
            return self.none()
        return self.in_scope_of(user)

    def search(self, query: str | None):
        """Full-text search in Chinese and English (`talentportal.search`): sub-words,
        synonyms of the thesaurus, English stems; best first, with `rank`, `matched_in`
        (the parts that matched: "a" title, "b" summary, "c" benefits and Q&A, "d" full
        text) and `title_headline`/`summary_headline` (matched words in <mark>) annotated.
        `other_title_headline` is the title in the other language, highlighted the same way.
        A query with no searchable word leaves the queryset unchanged."""
        parsed = parse_query(query or "")
        if parsed is None:
            return self
        english = (get_language() or "").startswith("en")

        def source(field, *, in_english=english):
            # Both sources are HTML-escaped, so a headline is safe to show as HTML. The
            # Chinese forms of the query are set apart with zero-width spaces, so that a
            # part of a word (公寓 in 人才公寓) is a word of its own to ts_headline.
            text = F(f"{field}_segmented")
            if in_english:
                text = Coalesce(NullIf(_sql_escape(F(f"{field}_en")), Value("")), text)
            if not parsed.highlight_pattern:
                return text
            return Func(
                text,
                Value(parsed.highlight_pattern),
                Value(ZERO_WIDTH_SPACE + "\\1" + ZERO_WIDTH_SPACE),
                Value("g"),
                function="regexp_replace",
                output_field=models.TextField(),
            )

        options = {"config": SEARCH_CONFIG, "start_sel": "<mark>", "stop_sel": "</mark>"}
        # policies_search_matched_in (migration 0009): computed for the page's rows only.
        matched_in = Func(
            F("search_vector"),
            parsed.full,
            function="policies_search_matched_in",
            output_field=ArrayField(models.CharField(max_length=1)),
        )
        return (
            ranked_search(self, parsed)
            .annotate(
                matched_in=matched_in,
                title_headline=SearchHeadline(
                    source("title"), parsed.highlight, highlight_all=True, **options
                ),
                # The title in the other language: an English query on the Chinese pages
                # (or the reverse) shows the words it matched there.
                other_title_headline=SearchHeadline(
                    source("title", in_english=not english),
                    parsed.highlight,
                    highlight_all=True,
                    **options,
                ),
                summary_headline=SearchHeadline(
                    source("summary"), parsed.highlight, max_words=40, min_words=15, **options
                ),
            )
            .order_by("-rank", "-issued_on", "-pk")
        )

    def stale(self, today):
        """Published policies nobody has reviewed for twelve months."""
        year_ago = today - datetime.timedelta(days=365)
        return self.published().filter(
            Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lt=year_ago)
        )

    def broken_source(self):
        """Policies whose source link did not answer when it was last checked."""
        return self.filter(source_ok=False)

    # Write paths that bypass save() keep the search columns current too.

    def update(self, **kwargs):
        if SEARCH_SOURCE_FIELDS.isdisjoint(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            rows = super().update(**kwargs)
            policy_reindex(Policy.objects.using(self.db).filter(pk__in=pks))
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.prepare_for_save()
        return super().bulk_create(objs, *args, **kwargs)

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        fields = list(fields)
        if not SEARCH_SOURCE_FIELDS.isdisjoint(fields):
            objs = list(objs)
            for obj in objs:
                obj.prepare_for_save()
            fields = list(dict.fromkeys([*fields, *SEARCH_DERIVED_FIELDS]))
        return super().bulk_update(objs, fields, *args, **kwargs)

    bulk_update.alters_data = True


def policy_reindex(queryset=None, *, batch_size: int = 500) -> int:
    """Recompute the search columns of the given policies (all by default) from their text;
    for paths that wrote text without the ORM. Returns how many were reindexed."""
    queryset = Policy.objects.all() if queryset is None else queryset
    count = 0
    batch = []
    fields = ["pk", *SEARCH_SOURCE_FIELDS]
    for policy in queryset.only(*fields).order_by("pk").iterator(chunk_size=batch_size):
        policy.fill_search_columns()
        batch.append(policy)
        if len(batch) >= batch_size:
            Policy.objects.using(queryset.db).bulk_update(batch, SEARCH_DERIVED_FIELDS)
            count += len(batch)
            batch = []
    if batch:
        Policy.objects.using(queryset.db).bulk_update(batch, SEARCH_DERIVED_FIELDS)
        count += len(batch)
    return count


class Policy(models.Model):
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    body_zh = models.TextField(
        _("full text (Chinese)"), blank=True, help_text=_("Rich text; unsafe markup is removed.")
    )
    body_en = models.TextField(
        _("full text (English)"), blank=True, help_text=_("Rich text; unsafe markup is removed.")
    )
    authority_zh = models.CharField(_("issuing authority (Chinese)"), max_length=200)
    authority_en = models.CharField(_("issuing authority (English)"), max_length=300, blank=True)
    document_number = models.CharField(
        _("document number"),
        max_length=100,
        blank=True,
        help_text=_("For example 浙人才〔2023〕3号"),
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="policies"
    )
    categories = ArrayField(
        models.CharField(max_length=40, choices=Category.choices),
        verbose_name=_("categories"),
        default=list,
        blank=True,
    )
    talent_groups = ArrayField(
        models.CharField(max_length=40, choices=TalentGroup.choices),
        verbose_name=_("target talent groups"),
        default=list,
        blank=True,
        help_text=_("Empty means every talent."),
    )
    industries = models.ManyToManyField(
        Industry, verbose_name=_("industries"), blank=True, related_name="policies"
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_on = models.DateField(_("effective from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PolicyStatus.choices,
        default=PolicyStatus.DRAFT,
        db_index=True,
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        help_text=_("Only for a repealed policy: the policy that replaces it."),
    )
    is_major = models.BooleanField(_("major policy"), default=False)
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    source_checked_at = models.DateTimeField(_("source link checked"), null=True, blank=True)
    source_ok = models.BooleanField(
        _("source link answers"), null=True, blank=True, help_text=_("Empty until checked.")
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Derived from the text above on every write (see the module docstring).
    search_title = models.TextField(editable=False, default="")
    search_summary = models.TextField(editable=False, default="")
    search_body = models.TextField(editable=False, default="")
    # Written by the database only (see the module docstring).
    search_related = models.TextField(editable=False, default="")
    title_segmented = models.TextField(editable=False, default="")
    summary_segmented = models.TextField(editable=False, default="")
    search_vector = models.GeneratedField(
        expression=SearchVector("search_title", config=SEARCH_CONFIG, weight="A")
        + SearchVector("search_summary", config=SEARCH_CONFIG, weight="B")
        + SearchVector("search_related", config=SEARCH_CONFIG, weight="C")
        + SearchVector("search_body", config=SEARCH_CONFIG, weight="D"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        indexes = [
            GinIndex(fields=["search_vector"], name="policy_search_vector"),
            GinIndex(fields=["categories"], name="policy_categories"),
            GinIndex(fields=["talent_groups"], name="policy_talent_groups"),
            models.Index(fields=["status", "-issued_on"], name="policy_status_issued"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(status=PolicyStatus.REPEALED),
                name="policy_replaced_only_when_repealed",
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=F("pk")), name="policy_not_replaced_by_itself"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(expires_on__gte=F("effective_on")),
                name="policy_expires_after_effective",
                violation_error_message=_(
                    "The expiry date (expires on) must not be before the date the policy takes "
                    "effect (effective from)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(last_reviewed_on__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(last_reviewed_on__gte=F("issued_on")),
                name="policy_reviewed_after_issued",
            ),
            models.CheckConstraint(
                condition=Q(status=PolicyStatus.DRAFT) | Q(issued_on__isnull=False),
                name="policy_published_has_issue_date",
            ),
            models.CheckConstraint(
                condition=Q(categories__contained_by=Category.values),
                name="policy_categories_known",
            ),
            models.CheckConstraint(
                condition=Q(talent_groups__contained_by=TalentGroup.values),
                name="policy_talent_groups_known",
            ),
            models.UniqueConstraint(
                fields=["document_number"],
                condition=~Q(document_number=""),
                name="policy_document_number_unique",
                violation_error_message=_("Another policy already has this document number."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.prepare_for_save()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not SEARCH_SOURCE_FIELDS.isdisjoint(update_fields):
            kwargs["update_fields"] = list(dict.fromkeys([*update_fields, *SEARCH_DERIVED_FIELDS]))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("policies:detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.last_reviewed_on and self.issued_on and self.last_reviewed_on < self.issued_on:
            raise ValidationError(
                {"last_reviewed_on": _("A policy cannot be reviewed before it was issued.")},
                code="reviewed_before_issued",
            )

    def prepare_for_save(self):
        """Drop invisible characters, sanitise the rich text and refresh the search columns."""
        for name in VISIBLE_TEXT_FIELDS:
            setattr(self, name, visible_text(getattr(self, name)))
        self.body_zh = sanitize_body(self.body_zh)
        self.body_en = sanitize_body(self.body_en)
        self.fill_search_columns()

    def fill_search_columns(self):
        for column, fields in SEARCH_SOURCES.items():
            text = "\n".join(
                _plain(getattr(self, field)) if field in RICH_TEXT_FIELDS else getattr(self, field)
                for field in fields
            )
            setattr(self, column, index_tokens(text, characters=column in CHARACTER_INDEXED))
        self.title_segmented = segmented_text(self.title_zh)
        self.summary_segmented = segmented_text(self.summary_zh)

    @property
    def title(self) -> str:
        return visible_text(localized(self, "title"))

    @property
    def summary(self) -> str:
        return localized(self, "summary")

    @property
    def body(self) -> str:
        return localized(self, "body")

    @property
    def authority(self) -> str:
        return localized(self, "authority")

    @property
    def level(self) -> int:
        """The level of the issuing region: 1 province, 2 city, 3 county (RegionLevel)."""
        return self.region.level

    def get_level_display(self) -> str:
        return RegionLevel(self.region.level).label

    def get_categories_display(self) -> list[str]:
        return [Category(c).label for c in self.categories if c in Category.values]

    @property
    def is_stale(self) -> bool:
        """Published and not reviewed for a year (as `PolicyQuerySet.stale`)."""
        if self.status != PolicyStatus.PUBLISHED:
            return False
        year_ago = timezone.localdate() - datetime.timedelta(days=365)
        return self.last_reviewed_on is None or self.last_reviewed_on < year_ago

    @property
    def reviewed_on(self) -> datetime.date | None:
        """When staff last checked the policy is current, shown to the public: never before
        it was issued (an older date comes from a previous edition or a data error)."""
        reviewed = self.last_reviewed_on
        if reviewed is not None and self.issued_on is not None and reviewed < self.issued_on:
            return None
        return reviewed

    def get_talent_groups_display(self) -> list[str]:
        return [TalentGroup(g).label for g in self.talent_groups if g in TalentGroup.values]


def validate_pdf(file):
    """A PDF by its content, not only its name."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(1024)
    finally:
        file.seek(position)
    if b"%PDF-" not in head[:1024]:
        raise ValidationError(_("The file is not a PDF document."), code="not_pdf")


def validate_attachment_size(file):
    if file.size > settings_attachment_max_bytes():
        raise ValidationError(
            _("The file is larger than %(size)s MB."),
            code="too_large",
            params={"size": settings_attachment_max_bytes() // (1024 * 1024)},
        )


def settings_attachment_max_bytes() -> int:
    return getattr(settings, "POLICY_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)


class PolicyAttachment(models.Model):
    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file (PDF)"),
        upload_to=RandomName("policies/attachments", ".pdf"),
        max_length=200,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf, validate_attachment_size],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["policy", "position", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.title


#: The Benefit fields that decide who gets how much; changing one bumps `version`.
VERSIONED_FIELDS = (
    "kind",
    "amount_min",
    "amount_max",
    "period",
    "period_count",
    "min_degree",
    "max_age",
    "tiers",
    "max_years_since_graduation",
    "overseas_required",
    "industries",
    "must_work_in_region",
    "must_live_in_region",
    "enterprise_types",
    "talent_categories",
    "competitive",
)


class SearchTokensQuerySet(models.QuerySet):
    """For the benefits and interpretations: every write path keeps `search_tokens` (gathered
    into their policy's search vector by the database) current, like PolicyQuerySet's."""

    def update(self, **kwargs):
        if self.model.SEARCHED_FIELDS.isdisjoint(kwargs):
            return super().update(**kwargs)
        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            rows = super().update(**kwargs)
            objs = list(self.model.objects.using(self.db).filter(pk__in=pks))
            for obj in objs:
                obj.fill_search_tokens()
            self.model.objects.using(self.db).bulk_update(objs, ["search_tokens"])
        return rows

    update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.fill_search_tokens()
        return super().bulk_create(objs, *args, **kwargs)

    bulk_create.alters_data = True

    def bulk_update(self, objs, fields, *args, **kwargs):
        fields = list(fields)
        if not self.model.SEARCHED_FIELDS.isdisjoint(fields):
            objs = list(objs)
            for obj in objs:
                obj.fill_search_tokens()
            fields = list(dict.fromkeys([*fields, "search_tokens"]))
        return super().bulk_update(objs, fields, *args, **kwargs)

    bulk_update.alters_data = True


class SearchTokensMixin:
    """`search_tokens` from the fields in SEARCHED_FIELDS, refreshed on every save."""

    SEARCHED_FIELDS: frozenset = frozenset()
    #: The fields indexed down to single Chinese characters (short ones).
    CHARACTER_FIELDS: tuple = ()

    def fill_search_tokens(self):
        short = " ".join(getattr(self, f) or "" for f in self.CHARACTER_FIELDS)
        long = " ".join(
            getattr(self, f) or ""
            for f in sorted(self.SEARCHED_FIELDS - set(self.CHARACTER_FIELDS))
        )
        self.search_tokens = " ".join(
            filter(None, [index_tokens(short, characters=True), index_tokens(long)])
        )

    def save(self, *args, **kwargs):
        self.fill_search_tokens()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not self.SEARCHED_FIELDS.isdisjoint(update_fields):
            kwargs["update_fields"] = list(dict.fromkeys([*update_fields, "search_tokens"]))
        super().save(*args, **kwargs)


class Benefit(SearchTokensMixin, models.Model):
    """One concrete, comparable provision of a policy: what a talent gets and who qualifies.

    `version` goes up whenever an amount or a condition changes: a database trigger compares
    the columns on every update (migration 0005); industry changes go through
    `policies.services.benefit_update()`, which also tells the talents whose calculator result
    changes.
    """

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="benefits"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=BenefitKind.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    amount_min = models.PositiveIntegerField(
        _("minimum amount (yuan)"),
        null=True,
        blank=True,
        help_text=_("Empty for 'up to' amounts and for non-monetary benefits."),
    )
    amount_max = models.PositiveIntegerField(
        _("amount (yuan)"),
        null=True,
        blank=True,
        help_text=_("The amount, or the most paid; empty for a non-monetary benefit."),
    )
    period = models.CharField(_("paid"), max_length=10, choices=Period.choices, default=Period.ONCE)
    period_count = models.PositiveSmallIntegerField(
        _("for how long"),
        null=True,
        blank=True,
        help_text=_(
            "Months for a monthly amount, years for a yearly one, N for a total paid over "
            "N years. Empty: once, or without an end."
        ),
    )
    min_degree = models.PositiveSmallIntegerField(
        _("minimum degree"), choices=Degree.choices, default=Degree.NONE
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"),
        null=True,
        blank=True,
        validators=[MinValueValidator(16), MaxValueValidator(100)],
    )
    tiers = ArrayField(
        models.CharField(max_length=1, choices=TalentTier.choices),
        verbose_name=_("talent tiers"),
        default=list,
        blank=True,
        help_text=_("Empty means any tier, or none."),
    )
    max_years_since_graduation = models.PositiveSmallIntegerField(
        _("at most years since graduation"), null=True, blank=True
    )
    overseas_required = models.BooleanField(_("overseas experience required"), default=False)
    industries = models.ManyToManyField(
        Industry,
        verbose_name=_("industries"),
        blank=True,
        related_name="benefits",
        help_text=_("Empty means any industry."),
    )
    must_work_in_region = models.BooleanField(_("must work in the region"), default=False)
    must_live_in_region = models.BooleanField(_("must live in the region"), default=False)
    enterprise_types = ArrayField(
        models.CharField(max_length=30, choices=EnterpriseType.choices),
        verbose_name=_("employer types"),
        default=list,
        blank=True,
        help_text=_("Empty means any employer."),
    )
    talent_categories = ArrayField(
        models.CharField(max_length=30, choices=TalentCategory.choices),
        verbose_name=_("talent categories"),
        default=list,
        blank=True,
        help_text=_(
            "Only for people of one of these categories (a skilled worker, a postdoc, a "
            "student, a title holder). Empty means anyone."
        ),
    )
    competitive = models.BooleanField(
        _("awarded by selection"),
        default=False,
        help_text=_(
            "A competitive selection or an award: meeting the conditions means one may apply, "
            "not that one gets it. The calculator never counts it in a total."
        ),
    )
    service = models.ForeignKey(
        "ServiceItem",
        verbose_name=_("online service that grants it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="benefits",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Derived from the title and description on every write; searched with the policy.
    search_tokens = models.TextField(editable=False, default="")

    objects = SearchTokensQuerySet.as_manager()

    SEARCHED_FIELDS = frozenset({"title_zh", "title_en", "description_zh", "description_en"})
    CHARACTER_FIELDS = ("title_zh", "title_en", "description_zh", "description_en")

    class Meta:
        ordering = ["policy", "position", "pk"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        indexes = [models.Index(fields=["kind", "policy"], name="benefit_kind_policy")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True)
                | Q(amount_max__isnull=False, amount_max__gte=F("amount_min")),
                name="benefit_amount_range",
                violation_error_message=_(
                    "The minimum amount must not be more than the amount (the most paid), and "
                    "a minimum needs an amount."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_count__isnull=True) | Q(period_count__gte=1),
                name="benefit_period_count_positive",
                violation_error_message=_("“For how long” must be at least 1."),
            ),
            models.CheckConstraint(
                condition=~Q(period=Period.TOTAL) | Q(period_count__isnull=False),
                name="benefit_total_has_years",
                violation_error_message=_(
                    "An amount paid “in total over N years” needs the number of years in "
                    "“for how long”."
                ),
            ),
            models.CheckConstraint(
                condition=Q(min_degree__gte=Degree.NONE, min_degree__lte=Degree.DOCTORATE),
                name="benefit_min_degree_known",
            ),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__gte=16, max_age__lte=100),
                name="benefit_max_age_range",
                violation_error_message=_("The maximum age must be between 16 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(tiers__contained_by=TalentTier.values), name="benefit_tiers_known"
            ),
            models.CheckConstraint(
                condition=Q(enterprise_types__contained_by=EnterpriseType.values),
                name="benefit_enterprise_types_known",
            ),
            models.CheckConstraint(
                condition=Q(talent_categories__contained_by=TalentCategory.values),
                name="benefit_talent_categories_known",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="benefit_version_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return visible_text(localized(self, "title"))

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def is_monetary(self) -> bool:
        return self.amount_max is not None

    @property
    def comparable_figure(self) -> int | None:
        """The whole amount paid over the term for the most paid ("up to"); None if
        non-monetary (see `comparable_figure`)."""
        return comparable_figure(self.amount_max, self.period, self.period_count)

    @property
    def comparable_figure_min(self) -> int | None:
        amount = self.amount_min if self.amount_min is not None else self.amount_max
        return comparable_figure(amount, self.period, self.period_count)


class Interpretation(SearchTokensMixin, models.Model):
    """A question and answer or an official explanation of a policy ("dry goods")."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="interpretations"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=InterpretationKind.choices, default=InterpretationKind.QA
    )
    question_zh = models.CharField(_("question or heading (Chinese)"), max_length=300)
    question_en = models.CharField(_("question or heading (English)"), max_length=400, blank=True)
    answer_zh = models.TextField(_("answer (Chinese)"))
    answer_en = models.TextField(_("answer (English)"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Derived from the question and answer on every write; searched with the policy.
    search_tokens = models.TextField(editable=False, default="")

    objects = SearchTokensQuerySet.as_manager()

    SEARCHED_FIELDS = frozenset({"question_zh", "question_en", "answer_zh", "answer_en"})
    CHARACTER_FIELDS = ("question_zh", "question_en")

    class Meta:
        ordering = ["policy", "position", "pk"]
        verbose_name = _("interpretation")
        verbose_name_plural = _("interpretations")

    def __str__(self):
        return self.question

    @property
    def question(self) -> str:
        return localized(self, "question")

    @property
    def answer(self) -> str:
        return localized(self, "answer")


class PolicyFollow(models.Model):
    """A user wants to hear about newly published policies of a region (and the regions
    below and above it), of a category, or of a category in a region."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="policy_follows",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=40, choices=Category.choices, blank=True)
    policy = models.ForeignKey(
        Policy,
        verbose_name=_("policy"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="follows",
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["user", "pk"]
        verbose_name = _("policy follow")
        verbose_name_plural = _("policy follows")
        constraints = [
            models.CheckConstraint(
                condition=(Q(policy__isnull=True) & (Q(region__isnull=False) | ~Q(category="")))
                | (Q(policy__isnull=False) & Q(region__isnull=True) & Q(category="")),
                name="policyfollow_one_subject",
            ),
            models.UniqueConstraint(
                fields=["user", "region", "category", "policy"],
                nulls_distinct=False,
                name="policyfollow_unique",
            ),
        ]

    def __str__(self):
        if self.policy_id:
            return str(self.policy)
        parts = [str(self.region) if self.region_id else "", self.get_category_display()]
        return " · ".join(p for p in parts if p)


class SavedProfile(models.Model):
    """A talent's calculator profile and the result last shown to them, so that they can
    be told when a benefit change alters what they would get.

    `result` maps a benefit id (as a string) to {"version", "eligible", "value"} for every
    benefit they qualified for or nearly qualified for.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="policy_profile",
    )
    degree = models.PositiveSmallIntegerField(
        _("highest degree"), choices=Degree.choices, default=Degree.NONE
    )
    age = models.PositiveSmallIntegerField(
        _("age"), null=True, blank=True, validators=[MinValueValidator(16), MaxValueValidator(100)]
    )
    years_since_graduation = models.PositiveSmallIntegerField(
        _("years since graduation"), null=True, blank=True
    )
    tier = models.CharField(_("talent tier"), max_length=1, choices=TalentTier.choices, blank=True)
    overseas = models.BooleanField(_("overseas study or work experience"), default=False)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise_type = models.CharField(
        _("employer type"), max_length=30, choices=EnterpriseType.choices, blank=True
    )
    will_work_in_region = models.BooleanField(_("will work in the region"), default=True)
    will_live_in_region = models.BooleanField(_("will live in the region"), default=True)
    talent_categories = ArrayField(
        models.CharField(max_length=30, choices=TalentCategory.choices),
        verbose_name=_("talent categories and titles"),
        default=list,
        blank=True,
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions of interest"), blank=True, related_name="+"
    )
    result = models.JSONField(_("last result"), default=dict, blank=True, editable=False)
    computed_at = models.DateTimeField(_("result computed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("saved calculator profile")
        verbose_name_plural = _("saved calculator profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(tier="") | Q(tier__in=TalentTier.values),
                name="savedprofile_tier_known",
            ),
        ]

    def __str__(self):
        return str(self.user)


# Public services ("Maximum One Visit"): the online services that implement the policies.


class FieldKind(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    CHOICE = "choice", _("Choice")
    YES_NO = "yes_no", _("Yes / no")


def validate_form_schema(schema):
    """The questions a service asks, as a list of
    {"name": "employer", "label_zh": "…", "label_en": "…", "kind": "text", "required": true,
     "choices": ["…"] (choice only)}. Names are unique identifiers."""
    if not isinstance(schema, list):
        raise ValidationError(_("The form must be a list of fields."))
    seen = set()
    for position, item in enumerate(schema, start=1):
        if not isinstance(item, dict):
            raise ValidationError(_("Field %(n)s is not an object.") % {"n": position})
        name = item.get("name")
        if not isinstance(name, str) or not name.isidentifier() or name in seen:
            raise ValidationError(
                _("Field %(n)s needs a unique name of letters, digits and _.") % {"n": position}
            )
        seen.add(name)
        if item.get("kind") not in FieldKind.values:
            raise ValidationError(_("Field %(n)s has an unknown kind.") % {"n": position})
        if not isinstance(item.get("label_zh"), str) or not item["label_zh"].strip():
            raise ValidationError(_("Field %(n)s needs a Chinese label.") % {"n": position})
        choices = item.get("choices")
        if item["kind"] == FieldKind.CHOICE and (
            not isinstance(choices, list)
            or not choices
            or not all(isinstance(c, str) and c for c in choices)
        ):
            raise ValidationError(_("Field %(n)s needs a list of choices.") % {"n": position})
        unknown = set(item) - {"name", "label_zh", "label_en", "kind", "required", "choices"}
        if unknown:
            raise ValidationError(
                _("Field %(n)s has unknown keys: %(keys)s.")
                % {"n": position, "keys": ", ".join(sorted(unknown))}
            )


class ServiceItemQuerySet(RegionalQuerySet):
    def published(self):
        return self.filter(is_published=True)


class ServiceItem(models.Model):
    """A public service the talent office offers, e.g. confirming a high-level talent's
    benefits or verifying a senior professional-title certificate."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    department_zh = models.CharField(_("responsible department (Chinese)"), max_length=120)
    department_en = models.CharField(
        _("responsible department (English)"), max_length=200, blank=True
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    policy = models.ForeignKey(
        "Policy",
        verbose_name=_("policy it implements"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
    )
    description_zh = models.TextField(_("what it is (Chinese)"))
    description_en = models.TextField(_("what it is (English)"), blank=True)
    audience_zh = models.TextField(_("who may apply (Chinese)"))
    audience_en = models.TextField(_("who may apply (English)"), blank=True)
    form_schema = models.JSONField(
        _("form fields"), default=list, blank=True, validators=[validate_form_schema]
    )
    promised_days = models.PositiveSmallIntegerField(
        _("promised processing time (working days)"),
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    is_online = models.BooleanField(_("can be applied for online"), default=True)
    fees_zh = models.CharField(_("fees (Chinese)"), max_length=120, blank=True, default="免费")
    fees_en = models.CharField(_("fees (English)"), max_length=120, blank=True, default="Free")
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = ServiceItemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("public service")
        verbose_name_plural = _("public services")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def department(self) -> str:
        return localized(self, "department")


class ServiceMaterial(models.Model):
    """A document an applicant must or may upload for a service."""

    service = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    required = models.BooleanField(_("mandatory"), default=True)
    accepts_images = models.BooleanField(
        _("accepts JPEG/PNG"), default=True, help_text=_("PDF is always accepted.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")


class ServiceApplication(Application):
    """An application for a public service, through the shared workflow."""

    REFERENCE_PREFIX = "SV"
    LIST_SELECT_RELATED = ("service",)
    # Retention: an anonymised account's answers go; the decision and its reason stay.
    ANONYMISED_FIELDS = {"answers": {}}

    service = models.ForeignKey(
        ServiceItem,
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)

    class Meta(Application.Meta):
        verbose_name = _("service application")
        verbose_name_plural = _("service applications")
        indexes = [models.Index(fields=["service", "status"], name="serviceapp_service_status")]
        constraints = [
            # At most one open draft per applicant and service: a double click, the back
            # button or a second tab resume the same draft instead of starting another.
            models.UniqueConstraint(
                fields=["applicant", "service"],
                condition=Q(status="draft"),
                name="serviceapp_one_draft_per_service",
                violation_error_code="one_draft",
                violation_error_message=_("You already have a draft application for this service."),
            ),
        ]

    @property
    def subject(self) -> str:
        return self.service.name

    def promised_working_days(self) -> int | None:
        return self.service.promised_days

    def answers_summary_labels(self) -> list[tuple[str, str]]:
        """(name, label in the active language) of every question of the service's form."""
        english = (get_language() or "").startswith("en")
        return [
            (item["name"], (english and item.get("label_en")) or item.get("label_zh", item["name"]))
            for item in self.service.form_schema
            if isinstance(item, dict) and "name" in item
        ]

    def answers_summary(self) -> list[tuple[str, str]]:
        """Every question of the service's form with the stored answer ("—" when empty)."""
        summary = []
        for name, label in self.answers_summary_labels():
            value = self.answers.get(name)
            if isinstance(value, bool):
                value = _("Yes") if value else _("No")
            summary.append((label, "—" if value in (None, "") else str(value)))
        return summary

    def resume_url(self) -> str:
        if self.status != "draft":
            return ""
        return reverse("policies:service_apply", args=[self.service_id])

    def submitted_url(self) -> str:
        return reverse("policies:service_applied", args=[self.reference])

    def submit_checked(self, *, by) -> None:
        from policies.public_services.services import service_application_submit

        service_application_submit(application=self, by=by)

    def can_process(self, user) -> bool:
        """Staff with the permission; a region's staff only for services of their region."""
        if not super().can_process(user):
            return False
        return covers(user, self.service.region_id)


# The audit trail's event models (policies/audit.py) belong to this app: import them last.
from policies import audit  # noqa: E402, F401
