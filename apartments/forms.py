"""Forms of the apartment pages: input parsing and validation only.

- `QualifyForm`: the "do I qualify?" check on a community page (GET, nothing stored);
- `ApplicationForm`: the application in a round, on the shared workflow;
- `OfferReplyForm`: accept or decline an offer;
- `OccupancyForm`: which region the occupancy figures are for;
- `FindLineForm`: find one's own line in a round's frozen list by reference number.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from apartments.models import ApartmentApplication, Layout, validate_resident_id
from talentportal.choices import Degree, TalentTier
from talentportal.forms import SpecificRequiredMessagesMixin
from talentportal.region_picker import RegionSelect

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
TIER_CHOICES = [("", _("No tier")), *TalentTier.choices]
LAYOUT_CHOICES = [("", _("No preference")), *Layout.choices]
MAX_DOCUMENTS = 3
REFERENCE_MAX_LENGTH = 20
NO_TIER = "none"


def _yes_no(value) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class QualifyForm(SpecificRequiredMessagesMixin, forms.Form):
    """What the eligibility rules need to know; every field optional (unknown until given)."""

    tier = forms.ChoiceField(
        label=_("Your talent tier"),
        choices=[("", _("Not given")), (NO_TIER, _("No tier")), *TalentTier.choices],
        required=False,
    )
    degree = forms.TypedChoiceField(
        label=_("Your highest degree"),
        choices=[("", _("Not given")), *Degree.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    employed = forms.ChoiceField(
        label=_("Do you work for an employer in this city?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    owns_home = forms.ChoiceField(
        label=_("Do you own a home in this city?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    household = forms.IntegerField(
        label=_("Household size, including you"),
        min_value=1,
        max_value=10,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def facts(self) -> dict:
        """The declared facts, None where not given (only valid fields count)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        tier = data.get("tier") or None
        return {
            "tier": "" if tier == NO_TIER else tier,
            "degree": data.get("degree"),
            "employed_in_region": _yes_no(data.get("employed")),
            "owns_home_in_city": _yes_no(data.get("owns_home")),
            "household_size": data.get("household"),
        }


class ApplicationForm(SpecificRequiredMessagesMixin, forms.ModelForm):
    """The application for an apartment in a round. The declarations are what eligibility
    checks; the ID number is used only to find duplicate applications and is shown masked."""

    layout_1 = forms.ChoiceField(label=_("First choice"), choices=LAYOUT_CHOICES, required=False)
    layout_2 = forms.ChoiceField(label=_("Second choice"), choices=LAYOUT_CHOICES, required=False)
    layout_3 = forms.ChoiceField(label=_("Third choice"), choices=LAYOUT_CHOICES, required=False)
    employed_in_region = forms.TypedChoiceField(
        label=_("I work for this employer in the community's city"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Select yes if you work for this employer in the community's city.")
        },
    )
    owns_home_in_city = forms.TypedChoiceField(
        label=_("I, my spouse or my minor children own a home in the community's city"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "Select yes if you, your spouse or your minor children own a home in the "
                "community's city."
            )
        },
    )
    document = forms.FileField(
        label=_("Proof of employment (labour contract or social insurance record)"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        required=False,
    )
    document_2 = forms.FileField(
        label=_("Another document (degree or talent certificate)"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        required=False,
    )
    declaration = forms.BooleanField(
        label=_(
            "I declare that what I have entered is true and complete. I understand that a false "
            "declaration ends the application, or the lease."
        ),
        required=True,
    )

    class Meta:
        model = ApartmentApplication
        fields = [
            "full_name",
            "id_number",
            "birth_date",
            "phone",
            "household_size",
            "needs_accessible",
            "employer",
            "employed_in_region",
            "years_in_region",
            "owns_home_in_city",
            "tier",
            "highest_degree",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "id_number": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": 18}
            ),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "household_size": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "years_in_region": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, layouts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = TIER_CHOICES
        self.fields["id_number"].validators = []  # clean_id_number explains what is wrong
        if layouts is not None:
            offered = [(value, label) for value, label in Layout.choices if value in layouts]
            for name in ("layout_1", "layout_2", "layout_3"):
                self.fields[name].choices = [("", _("No preference")), *offered]
        if self.instance.pk and self.instance.preferred_layouts:
            for name, value in zip(
                ("layout_1", "layout_2", "layout_3"), self.instance.preferred_layouts, strict=False
            ):
                self.initial.setdefault(name, value)
        for name in ("employed_in_region", "owns_home_in_city"):
            value = self.initial.get(name)
            if isinstance(value, bool):
                self.initial[name] = "yes" if value else "no"

    field_order = [
        "full_name",
        "id_number",
        "birth_date",
        "phone",
        "household_size",
        "layout_1",
        "layout_2",
        "layout_3",
        "needs_accessible",
        "employer",
        "employed_in_region",
        "years_in_region",
        "owns_home_in_city",
        "tier",
        "highest_degree",
        "document",
        "document_2",
        "declaration",
    ]

    def clean_id_number(self):
        value = "".join(self.cleaned_data.get("id_number", "").split()).upper()
        if len(value) != 18:
            raise ValidationError(
                _("A resident ID number has 18 characters; you entered %(count)s.")
                % {"count": len(value)},
                code="id_length",
            )
        if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
            raise ValidationError(
                _("Use the 17 digits and the final digit or X of your ID card."), code="id_form"
            )
        if ric.calc_check_digit(value) != value[17]:
            raise ValidationError(
                _("The last character (the check digit) does not match; check the number."),
                code="id_checksum",
            )
        validate_resident_id(value)  # birth date and place encoded in the number
        return value

    def clean_birth_date(self):
        born = self.cleaned_data.get("birth_date")
        if born is not None and born > timezone.localdate():
            raise ValidationError(_("The date of birth is in the future."), code="future")
        return born

    def clean(self):
        cleaned = super().clean()
        layouts = [cleaned.get(name) for name in ("layout_1", "layout_2", "layout_3")]
        chosen = [layout for layout in layouts if layout]
        if len(set(chosen)) != len(chosen):
            self.add_error("layout_2", _("Choose each layout once."))
        cleaned["preferred_layouts"] = list(dict.fromkeys(chosen))
        id_number, born = cleaned.get("id_number"), cleaned.get("birth_date")
        if id_number and born:
            try:
                encoded = ric.get_birth_date(id_number)
            except StdnumError:
                encoded = None
            if encoded is not None and encoded != born:
                self.add_error("birth_date", _("The date of birth does not match the ID number."))
        return cleaned

    def _post_clean(self):
        # The model's own validation runs in the service (application_create / submit);
        # here only the fields' own validators, so that errors show next to their field.
        pass

    def declared(self) -> dict:
        """The model fields the applicant filled in, ready for the service."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["preferred_layouts"] = self.cleaned_data["preferred_layouts"]
        return data

    def uploads(self) -> list:
        return [
            (self.fields[name].label, self.cleaned_data[name])
            for name in ("document", "document_2")
            if self.cleaned_data.get(name)
        ]


class FindLineForm(SpecificRequiredMessagesMixin, forms.Form):
    reference = forms.CharField(
        label=_("Your reference number"),
        max_length=REFERENCE_MAX_LENGTH,
        required=False,
        help_text=_("For example AA-2026-000123; it is on your application page."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class OccupancyForm(SpecificRequiredMessagesMixin, forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False, widget=RegionSelect)

    def __init__(self, *args, region_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All provinces")), *region_choices]
