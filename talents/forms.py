"""Forms of the talent library: input parsing and validation only. What a form accepts goes to
a function of `talents.services`, which checks the rules again and does the writing."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc

from talentportal.choices import TalentTier
from talentportal.filters import region_choices
from talentportal.forms import SpecificRequiredMessagesMixin
from talentportal.models import Industry
from talentportal.region_picker import RegionChecklist, RegionMultipleChoiceField
from talentportal.uploads import DOCUMENT_TYPES, PDF, detect_type, max_upload_bytes
from talents.filters import discipline_choices
from talents.models import (
    ConsentPurpose,
    Demand,
    Education,
    Enterprise,
    EnterpriseSize,
    Experience,
    Internship,
    Talent,
    Visibility,
    normalise_skills,
    validate_credit_code,
)
from talents.widgets import FastSelect

SKILL_SEPARATORS = re.compile(r"[,，、;；\n]")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _accept(types) -> str:
    values = {t.extension for t in types} | {t.content_type for t in types}
    if any(t.extension == ".jpg" for t in types):
        values.add(".jpeg")
    return ",".join(sorted(values))


class CheckedFileField(forms.FileField):
    """An upload checked for size and, by its first bytes, for its type (a renamed file is
    refused). The service checks again when it stores the file."""

    def __init__(self, *, types=DOCUMENT_TYPES, **kwargs):
        self.types = types
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": _accept(types)}))
        names = ", ".join(t.extension.lstrip(".").upper() for t in types)
        # Lazy: a field declared on a form class is built once, at import, in no particular
        # language; the help text is translated when a page shows it.
        kwargs.setdefault(
            "help_text",
            lazy(
                lambda: (
                    _("%(types)s, at most %(limit)s.")
                    % {"types": names, "limit": filesizeformat(max_upload_bytes())}
                ),
                str,
            )(),
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or not hasattr(upload, "size"):
            return upload
        if upload.size > max_upload_bytes():
            raise ValidationError(
                _("The file is too large: at most %(limit)s.")
                % {"limit": filesizeformat(max_upload_bytes())},
                code="file_size",
            )
        detect_type(upload, self.types)
        return upload


def set_region_choices(field, regions, *, empty_label=None):
    """Regions grouped by province in a ModelChoiceField's <select>; several regions are
    picked with the region picker (`talentportal.region_picker`), not a multi-select."""
    choices = region_choices(regions)
    if isinstance(field, forms.ModelMultipleChoiceField):
        field.widget = RegionChecklist(attrs=field.widget.attrs)
    else:
        field.widget = FastSelect(attrs=field.widget.attrs)
        choices = [("", empty_label or _("Choose a region")), *choices]
    field.choices = choices


def set_discipline_choices(field, disciplines, *, empty_label=None):
    field.widget = FastSelect(attrs=field.widget.attrs)
    field.choices = [
        ("", empty_label or _("Choose a discipline")),
        *discipline_choices(disciplines),
    ]


def apply_service_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the form's fields it names (others on top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# Candidate search ------------------------------------------------------------------------------


class ContactRequestForm(SpecificRequiredMessagesMixin, forms.Form):
    message = forms.CharField(
        label=_("Message to the talent"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        required=False,
        help_text=_("Say who you are and why you would like to talk (at most 1,000 characters)."),
    )


class AccessReasonForm(SpecificRequiredMessagesMixin, forms.Form):
    """Why a member of an enterprise opens a talent's contact details or résumé: the talent
    reads it in "who viewed my profile"."""

    why = forms.CharField(
        label=_("Why do you need them?"),
        max_length=200,
        error_messages={"required": _("Enter why you need them.")},
        help_text=_("The talent sees this, with your name and your enterprise's."),
    )

    def __init__(self, *args, prefix_id="", **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_id:
            self.auto_id = f"{prefix_id}_%s"


class NominateForm(SpecificRequiredMessagesMixin, forms.Form):
    proposed_tier = forms.ChoiceField(label=_("Proposed tier"), choices=TalentTier.choices)
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=8000,
        help_text=_("Achievements, awards and posts held that justify the tier."),
    )
    document = CheckedFileField(label=_("Supporting document"), required=False)


# The talent's profile -----------------------------------------------------------------------------


class SkillsField(forms.CharField):
    """Skills typed as a list separated by commas (Chinese or Latin) or new lines."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return normalise_skills(SKILL_SEPARATORS.split(text or ""))

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class ProfileForm(SpecificRequiredMessagesMixin, forms.ModelForm):
    skills = SkillsField(
        label=_("Skills"),
        required=False,
        max_length=1500,
        help_text=_(
            "Separate skills with commas, e.g. finite element analysis, Python, project management."
        ),
    )

    class Meta:
        model = Talent
        fields = [
            "name",
            "gender",
            "birth_year",
            "headline",
            "current_region",
            "work_regions",
            "industries",
            "skills",
            "phone",
            "email",
        ]
        widgets = {
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "industries": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "name": _("Never shown in search results: enterprises see your surname only."),
            "phone": _("Shown only to enterprises you allow. Empty: your account's."),
            "email": _("Shown only to enterprises you allow. Empty: your account's."),
            "work_regions": _(
                "Untick a region to remove it. To add one, choose it in the list and save; "
                "“List its places” shows the cities or counties of the region chosen."
            ),
        }
        field_classes = {"work_regions": RegionMultipleChoiceField}

    def __init__(self, *args, regions, industries, **kwargs):
        super().__init__(*args, **kwargs)
        set_region_choices(self.fields["current_region"], regions)
        set_region_choices(self.fields["work_regions"], regions)
        self.fields["industries"].queryset = Industry.objects.filter(is_active=True)
        self.fields["industries"].choices = [(i.pk, i.name) for i in industries]
        gender = self.fields["gender"]
        gender.choices = [("", _("Prefer not to say")), *gender.choices[1:]]
        self.fields["name"].required = True

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "fields": {
                name: data[name]
                for name in (
                    "name",
                    "gender",
                    "birth_year",
                    "headline",
                    "current_region",
                    "skills",
                    "phone",
                    "email",
                )
            },
            "industries": list(data["industries"]),
            "work_regions": list(data["work_regions"]),
        }

    def _post_clean(self):
        # The service validates the whole profile when it saves; nothing to check twice here.
        pass


class EducationForm(SpecificRequiredMessagesMixin, forms.ModelForm):
    class Meta:
        model = Education
        fields = ["degree", "discipline", "school", "graduation_year", "overseas"]
        widgets = {"graduation_year": forms.NumberInput(attrs={"inputmode": "numeric"})}

    def __init__(self, *args, disciplines=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_discipline_choices(self.fields["discipline"], disciplines)
        degree = self.fields["degree"]
        degree.choices = [("", _("Choose a degree")), *degree.choices[1:]]


class ExperienceForm(SpecificRequiredMessagesMixin, forms.ModelForm):
    class Meta:
        model = Experience
        fields = ["employer", "title", "start", "end", "overseas"]
        widgets = {"start": DateInput, "end": DateInput}
        help_texts = {"employer": _("Shown only to enterprises you accept.")}
        error_messages = {"start": {"required": _("Enter the date you started.")}}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        today = timezone.localdate()
        if start and start > today:
            self.add_error("start", _("The start cannot be in the future."))
        if start and start < datetime.date(1940, 1, 1):
            self.add_error("start", _("Enter a date after 1940."))
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        return cleaned


class RecordFormSet(forms.BaseFormSet):
    """Education or experience rows: the whole set replaces the stored records."""

    def __init__(self, *args, form_kwargs=None, **kwargs):
        super().__init__(*args, form_kwargs=form_kwargs or {}, **kwargs)

    def rows(self) -> list[dict]:
        rows = []
        for form in self.forms:
            if not form.has_changed() and not form.initial:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.cleaned_data:
                rows.append({k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
        return rows


EducationFormSet = forms.formset_factory(
    EducationForm, formset=RecordFormSet, extra=1, can_delete=True, max_num=10, validate_max=True
)
ExperienceFormSet = forms.formset_factory(
    ExperienceForm, formset=RecordFormSet, extra=1, can_delete=True, max_num=20, validate_max=True
)


class VisibilityForm(SpecificRequiredMessagesMixin, forms.Form):
    visibility = forms.ChoiceField(
        label=_("Who may find my profile"),
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select who may find your profile.")},
    )
    contact_visible_to_verified = forms.BooleanField(
        label=_("Verified enterprises may see my contact details without asking me first"),
        required=False,
        help_text=_(
            "Needs your consent to share contact details. Every view is logged and shown to you."
        ),
    )


class ConsentForm(SpecificRequiredMessagesMixin, forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices, widget=forms.HiddenInput)


class ResumeForm(SpecificRequiredMessagesMixin, forms.Form):
    resume = CheckedFileField(label=_("Résumé"), types=(PDF,))


class DeleteAccountForm(SpecificRequiredMessagesMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my profile and account are deleted and cannot be restored"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("The password is not correct."), code="password")
        return password


# Demands and internships -------------------------------------------------------------------------


class DemandApplyForm(SpecificRequiredMessagesMixin, forms.Form):
    cover_letter = forms.CharField(
        label=_("Cover letter"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=4000,
        required=False,
        help_text=_("Why you are interested and what you bring (at most 4,000 characters)."),
    )


class InternshipApplyForm(DemandApplyForm):
    school = forms.CharField(label=_("School"), max_length=200)

    field_order = ["school", "cover_letter"]


class PostingForm(SpecificRequiredMessagesMixin, forms.ModelForm):
    """What an enterprise fills in for a demand or an internship."""

    def __init__(self, *args, regions, disciplines=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_region_choices(self.fields["region"], regions)
        if "discipline" in self.fields:
            set_discipline_choices(
                self.fields["discipline"], disciplines, empty_label=_("Any discipline")
            )
        self.fields["is_published"].help_text = _(
            "Published postings are listed publicly until their closing date."
        )
        today = timezone.localdate()
        self.fields["closing_on"].widget.attrs["min"] = today.isoformat()

    def clean_closing_on(self):
        value = self.cleaned_data.get("closing_on")
        if value is not None and value < timezone.localdate() and "closing_on" in self.changed_data:
            raise ValidationError(_("The closing date has passed."), code="past")
        if value is not None and value.year > 2100:
            raise ValidationError(_("Enter a date before 2100."), code="date_range")
        return value

    def _post_clean(self):
        # The service runs the model's validation when it saves.
        pass

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class DemandForm(PostingForm):
    class Meta:
        model = Demand
        fields = [
            "position_zh",
            "position_en",
            "description",
            "discipline",
            "min_degree",
            "min_years",
            "number_wanted",
            "salary_min",
            "salary_max",
            "region",
            "closing_on",
            "is_published",
        ]
        widgets = {"closing_on": DateInput, "description": forms.Textarea(attrs={"rows": 8})}
        error_messages = {
            "min_years": {"required": _("Enter the minimum years of experience.")},
        }

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("salary_min"), cleaned.get("salary_max")
        if low is not None and high is not None and low > high:
            self.add_error("salary_max", _("The upper end is below the lower end."))
        return cleaned


class InternshipForm(PostingForm):
    class Meta:
        model = Internship
        fields = [
            "position_zh",
            "position_en",
            "description",
            "school_year",
            "duration_weeks",
            "stipend",
            "region",
            "closing_on",
            "is_published",
        ]
        widgets = {"closing_on": DateInput, "description": forms.Textarea(attrs={"rows": 8})}
        error_messages = {"school_year": {"required": _("Select the year of study.")}}


# Enterprises ----------------------------------------------------------------------------------


class CreditCodeField(forms.CharField):
    """A unified social credit code: spaces and dashes ignored, letters upper-cased, the check
    digit verified."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("validators", [validate_credit_code])
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return uscc.compact(value) if value else value


class JoinRequestForm(SpecificRequiredMessagesMixin, forms.Form):
    """Ask to join an enterprise already registered, named by its credit code."""

    credit_code = CreditCodeField(
        label=_("Unified social credit code of your enterprise"),
        help_text=_("The enterprise's administrator on the portal approves your request."),
    )
    message = forms.CharField(
        label=_("Message to the administrator"),
        max_length=300,
        required=False,
        help_text=_("For example your department and position."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "join")
        super().__init__(*args, **kwargs)


class EnterpriseRegistrationForm(SpecificRequiredMessagesMixin, forms.ModelForm):
    credit_code = CreditCodeField(
        label=_("Unified social credit code"),
        help_text=_("The 18 characters on the business licence, e.g. 91330106MA2GL8XX0Q."),
    )
    evidence = CheckedFileField(
        label=_("Business licence"),
        help_text=None,
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "name_en",
            "credit_code",
            "region",
            "industry",
            "size",
            "description",
            "website",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, regions, industries, **kwargs):
        super().__init__(*args, **kwargs)
        set_region_choices(self.fields["region"], regions)
        self.fields["industry"].choices = [
            ("", _("Choose an industry")),
            *((i.pk, i.name) for i in industries),
        ]
        self.fields["size"].choices = [("", _("Choose a size")), *EnterpriseSize.choices]
        self.fields["credit_code"].widget.attrs.update(
            {"autocapitalize": "characters", "spellcheck": "false"}
        )
        names = ", ".join(t.extension.lstrip(".").upper() for t in DOCUMENT_TYPES)
        self.fields["evidence"].help_text = _(
            "A scan or photo of the business licence (%(types)s, at most %(limit)s); the talent "
            "office checks it before verifying your enterprise."
        ) % {"types": names, "limit": filesizeformat(max_upload_bytes())}

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"]
        if Enterprise.objects.filter(credit_code=code).exists():
            raise ValidationError(
                _("An enterprise with this credit code is registered already."), code="unique"
            )
        return code

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        return {
            "name": data["name"],
            "name_en": data["name_en"],
            "credit_code": data["credit_code"],
            "region": data["region"],
            "industry": data["industry"],
            "size": data["size"],
            "description": data["description"],
            "website": data["website"],
            "evidence": data["evidence"],
        }


class ProcessForm(SpecificRequiredMessagesMixin, forms.Form):
    """An enterprise's decision on an application to one of its postings."""

    START_REVIEW, REQUEST_INFO, APPROVE, REJECT, COMMENT = (
        "start_review",
        "request_info",
        "approve",
        "reject",
        "comment",
    )
    action = forms.ChoiceField(
        label=_("What to do"),
        choices=[
            (START_REVIEW, _("Start the review")),
            (REQUEST_INFO, _("Ask for more information")),
            (APPROVE, _("Accept the application")),
            (REJECT, _("Reject the application")),
            (COMMENT, _("Only send a message")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Message to the applicant"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
        help_text=_("Required when you ask for information or reject."),
    )

    def __init__(self, *args, allowed=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed is not None:
            self.fields["action"].choices = [
                choice for choice in self.fields["action"].choices if choice[0] in allowed
            ]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("action") in (self.REQUEST_INFO, self.REJECT, self.COMMENT)
            and not (cleaned.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Write the message."))
        return cleaned


class CardLookupForm(SpecificRequiredMessagesMixin, forms.Form):
    number = forms.CharField(
        label=_("Card number"),
        max_length=20,
        help_text=_("As printed on the card, e.g. TC-2026-000123."),
    )

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()
