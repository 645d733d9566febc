"""Input of the project, interest and check-in pages (validation only; the writes are in
`projects.roadshows.services`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from projects.models import Investor, Need, Project, Stage
from projects.roadshows.filters import MAX_YUAN
from talentportal.downloads import CheckedFileInput
from talentportal.forms import SpecificRequiredMessagesMixin
from talentportal.models import Industry, Region, RegionLevel
from talentportal.uploads import PDF, clean_upload
from talents.models import Enterprise


class RegionSelect(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.name}"


class ProjectForm(SpecificRequiredMessagesMixin, forms.ModelForm):
    needs = forms.MultipleChoiceField(
        label=_("What the project needs"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    funding_sought = forms.IntegerField(
        label=_("Funding sought (yuan)"),
        min_value=0,
        max_value=MAX_YUAN,
        initial=0,
        help_text=_("In yuan, e.g. 5000000 for 5 million; 0 if none."),
    )

    class Meta:
        model = Project
        fields = [
            "title_zh",
            "title_en",
            "summary_zh",
            "summary_en",
            "industry",
            "region",
            "stage",
            "funding_sought",
            "needs",
            "highlights",
            "enterprise",
            "pitch_deck",
            "team_names_public",
        ]
        widgets = {
            "summary_zh": forms.Textarea(attrs={"rows": 6}),
            "summary_en": forms.Textarea(attrs={"rows": 6}),
            "highlights": forms.Textarea(attrs={"rows": 4}),
            # "Currently: …" without the file's public /media/ URL.
            "pitch_deck": CheckedFileInput(attrs={"accept": "application/pdf"}),
        }
        field_classes = {"region": RegionSelect}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.filter(is_active=True)
        self.fields["region"].queryset = Region.objects.only("code", "name_zh", "name_en")
        self.fields["enterprise"].queryset = Enterprise.objects.verified().of_member(user)
        self.fields["enterprise"].help_text = _("A verified enterprise you are a member of.")
        self.fields["pitch_deck"].help_text = _("PDF, at most 10 MB.")

    def clean_pitch_deck(self):
        upload = self.cleaned_data.get("pitch_deck")
        if not upload or not hasattr(upload, "content_type"):
            return upload  # unchanged (or cleared)
        content, _file_type = clean_upload(upload, allowed=(PDF,))
        content.name = "deck.pdf"
        return content


class InterestForm(SpecificRequiredMessagesMixin, forms.Form):
    message = forms.CharField(
        label=_("Message to the team"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CheckinForm(SpecificRequiredMessagesMixin, forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=40,
        help_text=_("Type the code or scan the QR code with a scanner that types it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if "\x00" in code:
            raise ValidationError(_("Enter a check-in code."))
        return code


class InvestorRegistrationForm(SpecificRequiredMessagesMixin, forms.ModelForm):
    """An investment institution asking to join the databank (staff verify it)."""

    stages = forms.MultipleChoiceField(
        label=_("Stages invested in"),
        choices=Stage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ticket_min = forms.IntegerField(
        label=_("Smallest ticket (yuan)"), min_value=0, max_value=MAX_YUAN, initial=0
    )
    ticket_max = forms.IntegerField(
        label=_("Largest ticket (yuan)"), min_value=0, max_value=MAX_YUAN, initial=0
    )

    class Meta:
        model = Investor
        fields = [
            "name",
            "name_en",
            "kind",
            "region",
            "stages",
            "focus_industries",
            "regions",
            "ticket_min",
            "ticket_max",
            "contact_name",
            "contact_phone",
            "contact_email",
            "website",
            "description",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "focus_industries": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
        }
        field_classes = {"region": RegionSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A few dozen options: provinces and cities for the seat, provinces for the focus.
        self.fields["region"].queryset = Region.objects.filter(level__lte=RegionLevel.CITY).only(
            "code", "name_zh", "name_en"
        )
        self.fields["regions"].queryset = Region.objects.filter(level=RegionLevel.PROVINCE)
        self.fields["focus_industries"].queryset = Industry.objects.filter(is_active=True)
        self.fields["contact_email"].required = True

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("ticket_min"), cleaned.get("ticket_max")
        if low is not None and high is not None and high < low:
            self.add_error("ticket_max", _("The largest ticket cannot be below the smallest."))
        return cleaned
