"""Forms of the talent programs: the application, the expert's decline and the scores."""

from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

from policies.public_services.services import material_label
from projects.models import Call, ProgramApplication
from talentportal.forms import SpecificRequiredMessagesMixin
from talentportal.models import Discipline, DisciplineLevel, Industry
from talents.models import Enterprise


class ApplicationForm(SpecificRequiredMessagesMixin, forms.ModelForm):
    """What a talent declares. The endorsing enterprise is named by its credit code (there
    are tens of thousands: no drop-down)."""

    endorser_code = forms.CharField(
        label=_("Unified social credit code of the endorsing enterprise or institution"),
        max_length=30,
        required=False,
        help_text=_("Only for tracks that need an endorsement. 18 characters."),
    )

    class Meta:
        model = ProgramApplication
        fields = [
            "track",
            "full_name",
            "employer",
            "highest_degree",
            "birth_year",
            "discipline",
            "industry",
            "project_title",
            "summary",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["track"].queryset = call.tracks.all()
        self.fields["track"].empty_label = None
        self.fields["discipline"].queryset = Discipline.objects.filter(
            level=DisciplineLevel.FIRST_LEVEL
        )
        self.fields["discipline"].required = True
        self.fields["industry"].queryset = Industry.objects.filter(is_active=True)
        self.fields["birth_year"].widget.attrs.update(min=1920, max=2015)
        if self.instance.endorser_id and not self.is_bound:
            self.initial["endorser_code"] = self.instance.endorser.credit_code

    def clean_endorser_code(self):
        code = uscc.compact(self.cleaned_data.get("endorser_code") or "").upper()
        if not code:
            return None
        enterprise = Enterprise.objects.verified().filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(
                _("No verified enterprise or institution has this credit code."), code="unknown"
            )
        return enterprise

    def clean(self):
        cleaned = super().clean()
        track = cleaned.get("track")
        if track is not None and track.needs_endorsement and not cleaned.get("endorser_code"):
            self.add_error(
                "endorser_code",
                _("This track needs an endorsing enterprise or institution."),
            )
        return cleaned

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["endorser"] = self.cleaned_data.get("endorser_code")
        return fields


class DeclineForm(SpecificRequiredMessagesMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example a conflict of interest, or no time. Another expert is drawn."),
    )


class ReviewForm(SpecificRequiredMessagesMixin, forms.Form):
    """One whole-number score per criterion of the call, within its range, and a comment."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                min_value=criterion.min_score,
                max_value=criterion.max_score,
                help_text=_("From %(min)d to %(max)d; weight %(weight)d.")
                % {
                    "min": criterion.min_score,
                    "max": criterion.max_score,
                    "weight": criterion.weight,
                },
                error_messages={
                    "required": _("Enter a score for “%(criterion)s”.")
                    % {"criterion": criterion.name}
                },
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
        )

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class DocumentForm(SpecificRequiredMessagesMixin, forms.Form):
    """One document: which of the call's required materials it is, and the file."""

    label = forms.ChoiceField(label=_("What it is"))
    document = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG, at most 10 MB."))

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored label is the material's Chinese name in either language (as the
        # service catalogue's), so that the check of the required materials finds it.
        self.fields["label"].choices = [
            (material_label(m), m.name) for m in call.material_items
        ] or [(str(_("Other document")), _("Other document"))]
