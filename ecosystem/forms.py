"""Forms of the ecosystem's public pages: input parsing and validation only; the services
decide the rest (eligibility, who may do what, the workflow)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from ecosystem.models import FeedbackCategory
from policies.models import EnterpriseType
from talentportal.filters import region_choices
from talentportal.forms import SpecificRequiredMessagesMixin
from talentportal.models import Region, RegionLevel
from talentportal.uploads import clean_upload

TITLE_MAX = 120
TEXT_MAX = 4000


class FinancialApplicationForm(SpecificRequiredMessagesMixin, forms.Form):
    amount = forms.IntegerField(
        label=_("Amount requested (yuan)"),
        min_value=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1000}),
    )
    purpose = forms.CharField(
        label=_("What the money is for"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, product, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.product = product
        if enterprise is not None and product.eligible_enterprise_types:
            # The institution checks the type an enterprise declares.
            self.fields["enterprise_type"] = forms.ChoiceField(
                label=_("Type of your enterprise"),
                choices=[
                    (value, label)
                    for value, label in EnterpriseType.choices
                    if value in product.eligible_enterprise_types
                ],
                widget=forms.RadioSelect,
                help_text=_("The institution checks it before deciding."),
            )
        if product.max_amount:
            self.fields["amount"].max_value = product.max_amount
            self.fields["amount"].widget.attrs["max"] = product.max_amount
            self.fields["amount"].validators.append(MaxValueValidator(product.max_amount))
            self.fields["amount"].help_text = _("At most %(amount)s yuan.") % {
                "amount": f"{product.max_amount:,}"
            }


class RegionChoiceField(forms.ChoiceField):
    """A province or city by its code, grouped by province; cleans to the Region."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Region"))
        super().__init__(*args, **kwargs)
        self.regions = {}

    def load(self):
        regions = list(
            Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.CITY]).order_by(
                "code"
            )
        )
        self.regions = {region.code: region for region in regions}
        self.choices = [("", _("Choose a region")), *region_choices(regions)]

    def clean(self, value):
        code = super().clean(value)
        return self.regions[code]


class FeedbackForm(SpecificRequiredMessagesMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=FeedbackCategory.choices)
    region = RegionChoiceField(
        help_text=_("Where the problem arises: the city, or the province for a wider one.")
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("Your problem or suggestion"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Describe what happened and what you would like. Leave out names and ID numbers: "
            "if the answer is published, the question is published as you wrote it."
        ),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )
    # New with each blank form, sent back with it: the service files each key once.
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].load()

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                clean_upload(upload)
            except ValidationError as error:
                raise ValidationError(error.messages, code="attachment") from error
            upload.seek(0)
        return upload


class RatingForm(SpecificRequiredMessagesMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was the answer?"),
        coerce=int,
        choices=[
            (5, _("5 – very useful")),
            (4, _("4 – useful")),
            (3, _("3 – partly useful")),
            (2, _("2 – not very useful")),
            (1, _("1 – not useful at all")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how useful the answer was.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    publish = forms.BooleanField(
        label=_("I agree that my question and its answer are published without my name"),
        required=False,
        help_text=_(
            "The public board shows the region, category, question, answer and department; "
            "never who asked."
        ),
    )
