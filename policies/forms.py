"""Forms of the policy pages: comparison, calculator and following.

Regions are chosen by their division code. Several regions travel as one parameter
(`regions=330100,330200`, the shareable form) or repeated (`regions=330100&regions=330200`,
what a form of several <select>s sends without JavaScript); both are accepted.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from policies.models import (
    Category,
    EnterpriseType,
    Policy,
    PolicyStatus,
    TalentCategory,
    TalentGroup,
)
from policies.services.calculator import MAX_REGIONS as CALCULATOR_MAX_REGIONS
from policies.services.compare import MAX_REGIONS as COMPARE_MAX_REGIONS
from talentportal.choices import Degree, TalentTier
from talentportal.filters import region_choices
from talentportal.forms import SpecificRequiredMessagesMixin
from talentportal.models import Industry, Region

MAX_CODES = 20  # more codes than this in one parameter is not a real request


def split_codes(values) -> list[str]:
    """`["330100,330200", "320400"]` → `["330100", "330200", "320400"]`, blanks dropped,
    duplicates removed, order kept."""
    codes = []
    for value in values:
        codes.extend(part.strip() for part in str(value).split(","))
    return list(dict.fromkeys(code for code in codes if code))[: MAX_CODES + 1]


def printable(value: str, limit: int = 12) -> str:
    """A value from a query string, fit to quote in a message."""
    text = "".join(char for char in value if char.isprintable())
    return text[:limit] + ("…" if len(text) > limit else "")


class RegionsWidget(forms.Widget):
    """Reads every value of the parameter (repeated or comma-separated); the template renders
    the <select>s itself (see `region_slot_options`)."""

    def value_from_datadict(self, data, files, name):
        getlist = getattr(data, "getlist", None)
        if getlist is not None:
            return split_codes(getlist(name))
        value = data.get(name, "")
        return split_codes(value if isinstance(value, list | tuple) else [value])

    def value_omitted_from_data(self, data, files, name):
        return name not in data

    def format_value(self, value):
        return split_codes(value or [])


class RegionsField(forms.Field):
    """Between `min_count` and `max_count` regions, by code, in the order given."""

    widget = RegionsWidget

    def __init__(self, *, regions: dict[str, Region] | None = None, min_count=1, max_count=4, **kw):
        super().__init__(**kw)
        self.regions = regions or {}
        self.min_count = min_count
        self.max_count = max_count

    def to_python(self, value):
        if not value:
            return []
        return split_codes(value if isinstance(value, list | tuple) else [value])

    def validate(self, value):
        if not value and self.required:
            # Not "Enter …": the regions are chosen, and how many the page says.
            raise ValidationError(self.too_few_message(), code="required")
        super().validate(value)
        unknown = [code for code in value if code not in self.regions]
        if unknown:
            raise ValidationError(
                ngettext(
                    "There is no region with the code %(codes)s.",
                    "There are no regions with the codes %(codes)s.",
                    len(unknown),
                )
                % {"codes": ", ".join(f"“{printable(code)}”" for code in unknown[:5])},
                code="unknown_region",
            )
        if len(value) < self.min_count:
            raise ValidationError(self.too_few_message(), code="too_few")
        if len(value) > self.max_count:
            raise ValidationError(
                ngettext(
                    "Choose at most %(count)d region.",
                    "Choose at most %(count)d regions.",
                    self.max_count,
                )
                % {"count": self.max_count},
                code="too_many",
            )

    def too_few_message(self) -> str:
        return ngettext(
            "Choose at least %(count)d region.",
            "Choose at least %(count)d regions.",
            self.min_count,
        ) % {"count": self.min_count}

    def clean(self, value):
        codes = super().clean(value)
        return [self.regions[code] for code in codes]


def region_options_html(regions) -> str:
    """An empty "Choose a region" option, then every region grouped by province (the labels
    of `talentportal.filters.region_choices`)."""
    groups = format_html_join(
        "",
        '<optgroup label="{}">{}</optgroup>',
        (
            (group, format_html_join("", '<option value="{}">{}</option>', options))
            for group, options in region_choices(regions)
        ),
    )
    return format_html('<option value="">{}</option>{}', _("Choose a region"), groups)


class RegionChoiceMixin:
    """Forms that pick regions get the region list once (one query) from the view."""

    region_field = "regions"

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        regions = list(regions if regions is not None else Region.objects.order_by("code"))
        self.region_list = regions
        self.fields[self.region_field].regions = {region.code: region for region in regions}

    def region_slots(self) -> list[str]:
        """The chosen codes, padded with blanks to one <select> per allowed region."""
        field = self.fields[self.region_field]
        codes = self[self.region_field].value() or []
        codes = split_codes(codes if isinstance(codes, list | tuple) else [codes])
        codes = codes[: field.max_count]
        return codes + [""] * (field.max_count - len(codes))

    def region_slot_options(self) -> list[tuple[str, str]]:
        """(code, the <option>s of its <select>) for each slot. The options of every region,
        grouped by province, are written once and shared by the slots (each marks its own
        code selected): six lists of every region drawn by the template engine were most of
        the calculator's time."""
        options = region_options_html(self.region_list)
        return [
            (
                code,
                mark_safe(
                    options.replace(
                        f'<option value="{code}">', f'<option value="{code}" selected>', 1
                    )
                ),
            )
            if code
            else (code, options)
            for code in self.region_slots()
        ]


class CompareForm(RegionChoiceMixin, SpecificRequiredMessagesMixin, forms.Form):
    regions = RegionsField(
        label=_("Regions to compare"),
        min_count=2,
        max_count=COMPARE_MAX_REGIONS,
        help_text=_("Choose two to four cities, counties or provinces."),
    )
    group = forms.ChoiceField(
        label=_("Talent group"),
        choices=[("", _("Every talent group")), *TalentGroup.choices],
        required=False,
        help_text=_("Only the benefits open to this group are compared."),
    )


class CalculatorForm(RegionChoiceMixin, SpecificRequiredMessagesMixin, forms.Form):
    """The calculator's profile. Sent with GET, so a result can be bookmarked and shared."""

    degree = forms.TypedChoiceField(
        label=_("Highest degree"),
        choices=[(Degree.NONE, _("None or not relevant")), *Degree.choices[1:]],
        coerce=int,
        initial=Degree.NONE,
        required=False,
        empty_value=Degree.NONE,
    )
    age = forms.IntegerField(
        label=_("Age"), min_value=16, max_value=100, required=False, widget=forms.NumberInput
    )
    years_since_graduation = forms.IntegerField(
        label=_("Years since graduation"),
        min_value=0,
        max_value=60,
        required=False,
        help_text=_("0 if you graduate this year."),
    )
    tier = forms.ChoiceField(
        label=_("Talent tier"),
        choices=[("", _("None")), *TalentTier.choices],
        required=False,
        help_text=_("The A–E classification, if you have been rated."),
    )
    overseas = forms.BooleanField(
        label=_("I have overseas study or work experience"), required=False
    )
    industry = forms.ChoiceField(label=_("Industry"), choices=(), required=False)
    enterprise_type = forms.ChoiceField(
        label=_("Employer type"),
        choices=[("", _("Not given")), *EnterpriseType.choices],
        required=False,
    )
    will_work_in_region = forms.BooleanField(
        label=_("I will work in the region"), required=False, initial=True
    )
    will_live_in_region = forms.BooleanField(
        label=_("I will live in the region"), required=False, initial=True
    )
    talent_categories = forms.MultipleChoiceField(
        label=_("What applies to you"),
        choices=TalentCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Some benefits are only for skilled workers, postdocs, students or holders of a "
            "title. Tick what you are or hold, and can prove."
        ),
    )
    regions = RegionsField(
        label=_("Regions of interest"),
        min_count=1,
        max_count=CALCULATOR_MAX_REGIONS,
        help_text=_("Each region includes the policies of the city and province above it."),
    )

    def __init__(self, *args, industries=None, **kwargs):
        super().__init__(*args, **kwargs)
        industries = list(
            industries
            if industries is not None
            else Industry.objects.filter(is_active=True).only("code", "name_zh", "name_en")
        )
        self.industries = {industry.code: industry for industry in industries}
        self.fields["industry"].choices = [
            ("", _("Not given")),
            *((industry.code, industry.name) for industry in industries),
        ]

    def clean_industry(self):
        code = self.cleaned_data.get("industry")
        return self.industries.get(code) if code else None

    def profile_fields(self) -> dict:
        """The cleaned profile, as `Profile(...)` and `saved_profile_save(...)` take it."""
        data = self.cleaned_data
        return {
            "degree": data.get("degree") or Degree.NONE,
            "age": data.get("age"),
            "years_since_graduation": data.get("years_since_graduation"),
            "tier": data.get("tier") or "",
            "overseas": bool(data.get("overseas")),
            "industry": data.get("industry"),
            "enterprise_type": data.get("enterprise_type") or "",
            "will_work_in_region": bool(data.get("will_work_in_region")),
            "will_live_in_region": bool(data.get("will_live_in_region")),
            "talent_categories": sorted(data.get("talent_categories") or []),
        }

    @classmethod
    def initial_from_saved(cls, saved) -> dict:
        return {
            "degree": saved.degree,
            "age": saved.age,
            "years_since_graduation": saved.years_since_graduation,
            "tier": saved.tier,
            "overseas": saved.overseas,
            "industry": saved.industry.code if saved.industry_id else "",
            "enterprise_type": saved.enterprise_type,
            "will_work_in_region": saved.will_work_in_region,
            "will_live_in_region": saved.will_live_in_region,
            "talent_categories": list(saved.talent_categories),
            "regions": [region.code for region in saved.regions.all()],
        }


class FollowForm(SpecificRequiredMessagesMixin, forms.Form):
    """Follow a region, a category, a category in a region, or one policy."""

    region = forms.CharField(required=False, max_length=6)
    category = forms.ChoiceField(choices=[("", ""), *Category.choices], required=False)
    policy = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def clean_policy(self):
        pk = self.cleaned_data.get("policy")
        if not pk:
            return None
        policy = Policy.objects.exclude(status=PolicyStatus.DRAFT).filter(pk=pk).first()
        if policy is None:
            raise ValidationError(_("There is no such policy."), code="unknown_policy")
        return policy

    def clean_region(self):
        code = self.cleaned_data.get("region")
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise ValidationError(_("There is no region with this code."), code="unknown_region")
        return region

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if cleaned.get("policy") is not None:
            if cleaned.get("region") or cleaned.get("category"):
                raise ValidationError(
                    _("Follow a policy, or a region and category, not both."), code="mixed"
                )
        elif not cleaned.get("region") and not cleaned.get("category"):
            raise ValidationError(_("Choose a region, a category or both."), code="empty")
        return cleaned
