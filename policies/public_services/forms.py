"""The application form of a public service, generated from the service's `form_schema`.

Each question of the schema (see `policies.models.validate_form_schema`) becomes a typed
field labelled in the active language, and each required material a file input. The same
form serves two buttons: "Save draft" checks what was typed but requires nothing, "Submit"
requires what the service requires (a mandatory material is satisfied by a file attached to
the draft earlier). Answers are stored as JSON: text and choices as strings, numbers as
decimal strings, dates as ISO dates, yes/no as booleans.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from policies.models import FieldKind, ServiceItem, ServiceMaterial
from policies.public_services.services import material_label
from talentportal.forms import SpecificRequiredMessagesMixin
from talentportal.models import ApplicationDocument
from talentportal.uploads import DOCUMENT_TYPES, PDF, detect_type, max_upload_bytes

TEXT_MAX_LENGTH = 500
#: Choice questions with at most this many options are radio buttons, longer ones a <select>.
RADIO_MAX_CHOICES = 5
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
YES, NO = "yes", "no"


def schema_label(item: dict) -> str:
    """A question's label in the active language (English falls back to Chinese)."""
    if (get_language() or "").startswith("en") and item.get("label_en"):
        return item["label_en"]
    return item["label_zh"]


def answer_field_name(item: dict) -> str:
    return f"answer_{item['name']}"


def material_field_name(material: ServiceMaterial) -> str:
    return f"material_{material.pk}"


def material_types(material: ServiceMaterial):
    return DOCUMENT_TYPES if material.accepts_images else (PDF,)


def material_types_display(material: ServiceMaterial) -> str:
    return ", ".join(t.extension.lstrip(".").upper() for t in material_types(material))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class MaterialFileField(forms.FileField):
    """One document: checked for size and, by its first bytes, for the material's types
    (a renamed .exe is not a PDF). The workflow checks again when it stores the file."""

    def __init__(self, *, material: ServiceMaterial, **kwargs):
        self.types = material_types(material)
        accept = ",".join(
            sorted({t.extension for t in self.types} | {t.content_type for t in self.types})
        )
        if any(t.extension == ".jpg" for t in self.types):
            accept += ",.jpeg"
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": accept}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if upload.size > max_upload_bytes():
            raise ValidationError(
                _("The file is too large: at most %(limit)s.")
                % {"limit": filesizeformat(max_upload_bytes())},
                code="file_size",
            )
        detect_type(upload, self.types)
        return upload


class ServiceApplicationForm(SpecificRequiredMessagesMixin, forms.Form):
    """The questions of `service` and one upload per material.

    `documents` are the files already attached to the draft (a mandatory material that has
    one needs no new upload). Fields are marked required as the service requires them, but
    only `submitting` enforces it: saving a draft requires nothing."""

    def __init__(
        self,
        *args,
        service: ServiceItem,
        materials: list[ServiceMaterial],
        documents: list[ApplicationDocument] = (),
        submitting: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.service = service
        self.materials = materials
        self.submitting = submitting
        self.schema = [item for item in service.form_schema if isinstance(item, dict)]
        self.show_documents(documents, update_fields=False)
        for item in self.schema:
            self.fields[answer_field_name(item)] = self.answer_field(item)
        for material in materials:
            self.fields[material_field_name(material)] = self.material_field(material)

    def show_documents(self, documents, *, update_fields=True) -> None:
        """Group the draft's documents by material (`attached`; `other_documents` for files
        no material claims), e.g. again after the uploads of this request were attached."""
        by_label = {material_label(m): m.pk for m in self.materials}
        self.attached: dict[int, list[ApplicationDocument]] = {m.pk: [] for m in self.materials}
        self.other_documents: list[ApplicationDocument] = []
        for document in documents:
            if document.label in by_label:
                self.attached[by_label[document.label]].append(document)
            else:
                self.other_documents.append(document)
        if update_fields:
            for material in self.materials:
                name = material_field_name(material)
                self.fields[name].help_text = self.material_help_text(material)
                self[name].help_text = self.fields[name].help_text

    # Fields -------------------------------------------------------------------------------

    def answer_field(self, item: dict) -> forms.Field:
        options = {"label": schema_label(item), "required": bool(item.get("required"))}
        kind = item.get("kind")
        if kind == FieldKind.NUMBER:
            return forms.DecimalField(max_digits=14, decimal_places=2, **options)
        if kind == FieldKind.DATE:
            return forms.DateField(
                widget=DateInput(attrs={"min": EARLIEST_DATE, "max": LATEST_DATE}),
                validators=[validate_date_range],
                **options,
            )
        if kind == FieldKind.CHOICE:
            choices = [(choice, choice) for choice in item.get("choices") or []]
            if len(choices) <= RADIO_MAX_CHOICES:
                return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
            return forms.ChoiceField(choices=[("", _("Choose…")), *choices], **options)
        if kind == FieldKind.YES_NO:
            return forms.ChoiceField(
                choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **options
            )
        return forms.CharField(max_length=TEXT_MAX_LENGTH, **options)

    def material_field(self, material: ServiceMaterial) -> MaterialFileField:
        return MaterialFileField(
            material=material,
            label=material.name,
            required=material.required and not self.attached[material.pk],
            help_text=self.material_help_text(material),
        )

    def material_help_text(self, material: ServiceMaterial) -> str:
        values = {
            "types": material_types_display(material),
            "limit": filesizeformat(max_upload_bytes()),
        }
        if self.attached[material.pk]:
            return _("%(types)s, at most %(limit)s. A new file replaces the one above.") % values
        return _("%(types)s, at most %(limit)s.") % values

    def full_clean(self):
        """Saving a draft requires nothing: "required" errors count only when submitting
        (a required answer left empty is then stored as empty)."""
        super().full_clean()
        if self.submitting or not self.is_bound:
            return
        for name in list(self._errors):
            if name not in self.fields:
                continue
            kept = [e for e in self._errors[name].as_data() if e.code != "required"]
            if kept:
                self._errors[name] = self.error_class(kept, renderer=self.renderer)
            else:
                del self._errors[name]
                self.cleaned_data[name] = None

    # Reading ------------------------------------------------------------------------------

    @staticmethod
    def initial_from(answers: dict, schema: list) -> dict:
        """Initial values of the answer fields from stored answers."""
        initial = {}
        for item in schema:
            if not isinstance(item, dict) or item.get("name") not in answers:
                continue
            value = answers[item["name"]]
            if item.get("kind") == FieldKind.YES_NO and isinstance(value, bool):
                value = YES if value else NO
            initial[answer_field_name(item)] = value
        return initial

    def answer_fields(self):
        return [self[answer_field_name(item)] for item in self.schema]

    def material_rows(self):
        """(material, bound file field, documents already attached for it) per material."""
        return [
            (material, self[material_field_name(material)], self.attached[material.pk])
            for material in self.materials
        ]

    def answers(self, previous: dict) -> dict:
        """`previous` updated with every answer that validated: a cleared answer is removed,
        an answer with an error keeps its earlier value."""
        answers = dict(previous)
        cleaned = getattr(self, "cleaned_data", {})
        for item in self.schema:
            name = answer_field_name(item)
            if name in self.errors or name not in cleaned:
                continue
            value = to_json(item, cleaned[name])
            if value is None:
                answers.pop(item["name"], None)
            else:
                answers[item["name"]] = value
        return answers

    def has_content(self) -> bool:
        """Whether anything valid was typed or uploaded."""
        return bool(self.answers({}) or self.uploads())

    def uploads(self) -> list[tuple[ServiceMaterial, object]]:
        """(material, uploaded file) for every upload that passed the checks."""
        cleaned = getattr(self, "cleaned_data", {})
        return [
            (material, cleaned[name])
            for material in self.materials
            if (name := material_field_name(material)) not in self.errors and cleaned.get(name)
        ]


def validate_date_range(value: datetime.date) -> None:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="date_range",
        )


def to_json(item: dict, value):
    """A cleaned answer as stored in `ServiceApplication.answers`; None when empty."""
    if value in (None, ""):
        return None
    kind = item.get("kind")
    if kind == FieldKind.NUMBER:
        return format(Decimal(value).normalize(), "f")
    if kind == FieldKind.DATE:
        return value.isoformat()
    if kind == FieldKind.YES_NO:
        return value == YES
    return value
