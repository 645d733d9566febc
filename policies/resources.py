"""Bulk import and export of policies, benefits and interpretations (django-import-export),
CSV or XLSX, of the spreadsheets staff really have.

The admin shows a dry-run preview first (nothing is saved until staff confirm it) that says
of every row whether it adds, changes or leaves a record unchanged, with every problem of
every row at once: the column, the value and what is expected. A file with an invalid row is
not imported at all, so a file goes in whole or not at all.

Cells are read as staff write them (`policies.spreadsheet`): headers in Chinese or English
(the labels of the admin, or the codes of the export), choices by code or label, yes/no as
是/否, Y/N, 1/0, TRUE/FALSE, amounts as 1,200 or 30万, dates as 2025-06-01, 2025/6/1 or
2025年6月1日; CSV in UTF-8 or GBK. `templates` writes a template per model with an example row
and the valid values.

A policy is found by its `id`, else by its document number (发文字号): a re-import of the same
file changes the policies it added instead of adding them again. New policies are drafts
(publishing is an admin action that tells followers). Benefits and interpretations name their
policy by document number (or id); a benefit without an id is found by its policy and Chinese
title, an interpretation by its policy and question. Status, version and timestamps are
exported but never imported.

A region-scoped staff member imports only rows of their region and the regions below it, and
updates only their own policies; every other row is an error. A change of a benefit's amount
or eligibility goes through `benefit_update()`, which bumps its version and tells the talents
whose calculator result changes.
"""

import functools
import logging

from diff_match_patch import diff_match_patch
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DatabaseError, models
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from import_export import fields, widgets
from import_export.resources import Diff
from import_export.results import RowResult

from policies.models import (
    Benefit,
    BenefitKind,
    Category,
    EnterpriseType,
    Interpretation,
    InterpretationKind,
    Period,
    Policy,
    TalentGroup,
)
from policies.permissions import may_edit_region, policies_editable_by
from policies.services import benefit_update
from policies.spreadsheet import (
    Choices,
    canonical_document_number,
    header_key,
    is_blank,
    parse_amount,
    parse_date,
    parse_whole_number,
    parse_yes_no,
    printable,
    split_list,
)
from talentportal.choices import Degree, TalentTier
from talentportal.exports import FormulaSafeResource
from talentportal.models import Industry, Region

logger = logging.getLogger(__name__)

#: More words staff use for a choice than its code and its two labels.
SYNONYMS = {
    "min_degree": {
        Degree.NONE: ("不限", "无", "无要求", "none", "any"),
        Degree.JUNIOR_COLLEGE: ("专科", "大专及以上", "专科及以上", "college"),
        Degree.BACHELOR: ("学士", "本科及以上", "大学本科", "bachelor"),
        Degree.MASTER: ("硕士", "硕士及以上", "硕士研究生及以上", "研究生", "master", "masters"),
        Degree.DOCTORATE: ("博士", "博士及以上", "博士研究生及以上", "phd", "doctor"),
    },
    "period": {
        Period.ONCE: ("一次", "一次性发放", "one-off", "one time"),
        Period.MONTHLY: ("按月", "月", "每月发放", "month", "per-month"),
        Period.YEARLY: ("按年", "年", "每年发放", "year", "annual", "annually"),
        Period.TOTAL: ("累计", "分年发放", "分N年", "total", "in total"),
    },
    "tiers": {tier: (f"{tier}类", f"{tier}类人才") for tier in TalentTier.values},
}


# Widgets: one cell read as staff write it, each failure a readable message ---------------------


class ChoiceWidget(widgets.Widget):
    """One choice by its code or its Chinese or English label."""

    def __init__(self, choices: Choices, blank="", **kwargs):
        super().__init__(coerce_to_string=kwargs.get("coerce_to_string", True))
        self.choices = choices
        self.blank = blank

    def clean(self, value, row=None, **kwargs):
        found = self.choices.parse(value)
        return self.blank if found is None else found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoicesListWidget(widgets.SimpleArrayWidget):
    """Several choices in one cell, separated by commas (either width), 、 or semicolons."""

    def __init__(self, choices: Choices):
        super().__init__(separator=",")
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        return self.choices.parse_list(value)


class TextWidget(widgets.CharWidget):
    """Text; an empty spreadsheet cell is empty text, a number cell its digits (2025, not
    2025.0)."""

    def __init__(self, **kwargs):
        super().__init__(coerce_to_string=True, allow_blank=True)

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


class AmountWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_amount(value)


class WholeNumberWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_whole_number(value)


class YesNoWidget(widgets.BooleanWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_yes_no(value)


class SpreadsheetDateWidget(widgets.DateWidget):
    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        return parse_date(value)


class DocumentNumberWidget(widgets.CharWidget):
    def __init__(self, **kwargs):
        super().__init__(coerce_to_string=True, allow_blank=True)

    def clean(self, value, row=None, **kwargs):
        return canonical_document_number(value)


class CodeForeignKeyWidget(widgets.ForeignKeyWidget):
    """A related object by a code; an unknown code is a readable row error."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a spreadsheet's number cell: 330100.0
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                _("There is no %(model)s “%(value)s”.")
                % {"model": self.model._meta.verbose_name, "value": printable(value)}
            ) from None
        except (TypeError, ValueError):
            raise ValueError(
                _("“%(value)s” is not a valid reference.") % {"value": printable(value)}
            ) from None


class PolicyReferenceWidget(widgets.ForeignKeyWidget):
    """A policy by its document number (发文字号) or its number (id)."""

    def __init__(self):
        super().__init__(Policy, field="pk")

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        policy = Policy.objects.filter(document_number=canonical_document_number(text)).first()
        if policy is None and text.isdigit() and len(text) < 19:
            policy = Policy.objects.filter(pk=int(text)).first()
        if policy is None:
            raise ValueError(
                _(
                    "There is no policy with the document number (or number) “%(value)s”. "
                    "Import the policy first, or check the document number, for example "
                    "杭人才〔2025〕1号."
                )
                % {"value": printable(value)}
            )
        return policy

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value.document_number or str(value.pk)


class IndustriesWidget(widgets.ManyToManyWidget):
    """Industries by their codes or names, separated by commas (either width) or 、."""

    def __init__(self):
        super().__init__(Industry, field="code", separator=",")

    def clean(self, value, row=None, **kwargs):
        parts = split_list(value)
        if not parts:
            return self.model.objects.none()
        industries = list(Industry.objects.all())
        table = {}
        for industry in industries:
            for name in (industry.code, industry.name_zh, industry.name_en):
                if name:
                    table.setdefault(header_key(name), industry.pk)
        found, unknown = [], []
        for part in parts:
            pk = table.get(header_key(part))
            if pk is None:
                unknown.append(printable(part))
            elif pk not in found:
                found.append(pk)
        if unknown:
            raise ValueError(
                _(
                    "Unknown industries: %(values)s. Write industry codes or names as the "
                    "template's list of industries shows them."
                )
                % {"values": "、".join(f"“{part}”" for part in unknown)}
            )
        return self.model.objects.filter(pk__in=found)


# The preview --------------------------------------------------------------------------------


DIFF_TAGS = {
    diff_match_patch.DIFF_DELETE: "del",
    diff_match_patch.DIFF_INSERT: "ins",
    diff_match_patch.DIFF_EQUAL: "span",
}


class PreviewDiff(Diff):
    """The preview's row: the imported columns only (not status or version), and no number for
    a new record: the dry run's numbers are not the ones the records get when confirmed."""

    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        self.left = self.read(resource, instance)
        columns = [field.attribute for field in resource.preview_fields()]
        self.id_index = columns.index("id") if "id" in columns else None

    def compare_with(self, resource, instance):
        self.right = self.read(resource, instance)

    @staticmethod
    def read(resource, instance):
        return [field.export(instance) for field in resource.preview_fields()]

    def as_html(self):
        """<del> and <ins> without the inline styles of diff-match-patch's own HTML, which
        the Content Security Policy blocks; a new row is its values, plain."""
        cells = []
        matcher = diff_match_patch()
        for before, after in zip(self.left, self.right, strict=True):
            if self.new:
                cells.append(force_str(after))
                continue
            diff = matcher.diff_main(force_str(before), force_str(after))
            matcher.diff_cleanupSemantic(diff)
            cells.append(
                format_html_join(
                    "", "<{}>{}</{}>", ((DIFF_TAGS[op], text, DIFF_TAGS[op]) for op, text in diff)
                )
            )
        if self.new and self.id_index is not None:
            cells[self.id_index] = ""
        return cells


# Resources ----------------------------------------------------------------------------------


class SpreadsheetResource(FormulaSafeResource):
    """Reads what staff write and reports every problem of a row at once; knows who imports
    (`user`), to keep region-scoped staff to their region. Exported text cannot run as a
    spreadsheet formula."""

    #: More header words for a column than its code and its Chinese and English labels.
    extra_headers: dict[str, tuple[str, ...]] = {}

    class Meta:
        # A row changes the record of its id (or the one `find_without_id` finds), validated
        # as a whole; a row that changes nothing is skipped, and the result says so.
        import_id_fields = ("id",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.ignored_columns: list[str] = []
        self._pending_errors: dict = {}

    @classmethod
    def field_from_django_field(cls, field_name, django_field, readonly):
        """The id column is read by `find_instance` only, never written to a record."""
        if isinstance(django_field, models.AutoField):
            readonly = True
        return super().field_from_django_field(field_name, django_field, readonly)

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, ArrayField):
            return functools.partial(ChoicesListWidget, Choices(f.base_field.choices))
        if f.choices:
            blank = "" if isinstance(f, models.CharField) else None
            return functools.partial(
                ChoiceWidget, Choices(f.choices, SYNONYMS.get(f.name)), blank=blank
            )
        if isinstance(f, (models.CharField, models.TextField)):
            return TextWidget
        if isinstance(f, models.BooleanField):
            return YesNoWidget
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
            return SpreadsheetDateWidget
        if isinstance(f, models.IntegerField) and not isinstance(f, models.AutoField):
            return WholeNumberWidget
        return super().widget_from_django_field(f, default)

    # Columns --------------------------------------------------------------------------------

    def preview_fields(self):
        """The columns that are imported: the id (which finds the record) and not the other
        read-only ones (status, version)."""
        return [
            field
            for field in self.get_import_fields()
            if not field.readonly or field.attribute == "id"
        ]

    def get_diff_headers(self):
        return [self.column_label(field) for field in self.preview_fields()]

    def model_field(self, field):
        try:
            return self._meta.model._meta.get_field(field.attribute.removesuffix("_id"))
        except FieldDoesNotExist:
            return None

    def column_label(self, field) -> str:
        """The column's name in the active language ("发文字号"), or its code."""
        model_field = self.model_field(field)
        if field.attribute == "id" or model_field is None:
            return field.column_name
        return str(model_field.verbose_name)

    def column_labels(self) -> dict[str, str]:
        """Error keys (attributes) to what staff call the column: "发文字号 (document_number)"."""
        labels = {NON_FIELD_ERRORS: _("Row")}
        for field in self.get_import_fields():
            label = self.column_label(field)
            labels[field.attribute] = (
                label if label == field.column_name else f"{label} ({field.column_name})"
            )
        return labels

    def is_required(self, field) -> bool:
        model_field = self.model_field(field)
        return (
            field.attribute != "id"
            and model_field is not None
            and not model_field.blank
            and not model_field.has_default()
        )

    def expected(self, field) -> str:
        """What to write in the column, with the valid values where there is a list."""
        widget = field.widget
        if field.attribute == "id":
            return _(
                "Empty for a new record; the number of an existing one (see the export) to "
                "change it."
            )
        if isinstance(widget, ChoicesListWidget):
            return _(
                "One or more of these, by code or name, separated by commas or 、: %(choices)s"
            ) % {"choices": widget.choices.described()}
        if isinstance(widget, ChoiceWidget):
            return _("One of these, by code or name: %(choices)s") % {
                "choices": widget.choices.described()
            }
        if isinstance(widget, AmountWidget):
            return _("Whole yuan, for example 1200, 1,200 or 30万; empty if not money.")
        if isinstance(widget, YesNoWidget):
            return _("是 or 否 (also Y/N, yes/no, 1/0, TRUE/FALSE); empty is 否.")
        if isinstance(widget, SpreadsheetDateWidget):
            return _("A date: 2025-06-01, 2025/6/1 or 2025年6月1日.")
        if isinstance(widget, WholeNumberWidget):
            return _("A whole number, for example 35.")
        if isinstance(widget, IndustriesWidget):
            return _("Industry codes or names, separated by commas or 、: %(industries)s") % {
                "industries": "、".join(
                    f"{code}（{name}）"
                    for code, name in Industry.objects.values_list("code", "name_zh")
                )
            }
        if isinstance(widget, PolicyReferenceWidget):
            return _(
                "The policy's document number (发文字号) as printed, for example "
                "杭人才〔2025〕1号, or its number."
            )
        if isinstance(widget, DocumentNumberWidget):
            return _(
                "As printed, for example 杭人才〔2025〕1号. A policy already in the portal with "
                "this number is changed, not added again."
            )
        if isinstance(widget, CodeForeignKeyWidget) and widget.model is Region:
            return _("The six-digit division code, for example 330100 for Hangzhou.")
        model_field = self.model_field(field)
        return str(model_field.help_text) if model_field is not None else ""

    def column_guide(self) -> list[dict]:
        return [
            {
                "label": self.column_label(field),
                "code": field.column_name,
                "required": self.is_required(field),
                "expected": self.expected(field),
            }
            for field in self.preview_fields()
        ]

    def example(self) -> dict:
        """An example row for the template, as a staff member would write it (called with
        Chinese active: choice labels are written in Chinese)."""
        return {}

    def template_rows(self) -> tuple[list, list]:
        with translation.override("zh-hans"):
            example = self.example()
        columns = self.preview_fields()
        return (
            [self.column_label(field) for field in columns],
            [example.get(field.column_name, "") for field in columns],
        )

    def header_aliases(self) -> dict[str, str]:
        aliases = {}
        for field in self.get_import_fields():
            names = [
                field.column_name,
                field.attribute,
                *self.extra_headers.get(field.column_name, ()),
            ]
            model_field = self.model_field(field)
            if model_field is not None:
                for language in ("zh-hans", "en"):
                    with translation.override(language):
                        names.append(str(model_field.verbose_name))
            for name in names:
                aliases.setdefault(header_key(name), field.column_name)
        return aliases

    def before_import(self, dataset, **kwargs):
        """Headers in Chinese or English become the columns' codes; unknown and read-only
        columns are listed for the preview as not imported."""
        super().before_import(dataset, **kwargs)
        aliases = self.header_aliases()
        readonly = {
            field.column_name
            for field in self.get_import_fields()
            if field.readonly and field.attribute != "id"
        }
        headers, used = [], set()
        for position, header in enumerate(dataset.headers or []):
            column = aliases.get(header_key(header))
            if column is None or column in used:
                if not is_blank(header):
                    self.ignored_columns.append(printable(header))
                headers.append(f"{header or ''}\u00a0#{position + 1}")  # unique, matches nothing
                continue
            used.add(column)
            headers.append(column)
            if column in readonly:
                self.ignored_columns.append(printable(header))
        if dataset.headers:
            dataset.headers = headers

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.ignored_columns = self.ignored_columns
        result.column_labels = self.column_labels()
        counts = {"new": 0, "update": 0, "unchanged": 0, "blank": 0, "invalid": 0}
        for row in result.rows:
            if getattr(row, "blank", False):
                counts["blank"] += 1
            elif row.import_type == RowResult.IMPORT_TYPE_SKIP:
                counts["unchanged"] += 1
            elif row.import_type in counts:
                counts[row.import_type] += 1
        counts["invalid"] = len(result.invalid_rows)
        result.summary = counts
        columns = {field.attribute: field.column_name for field in self.get_import_fields()}
        for invalid in result.invalid_rows:
            values = getattr(invalid.error, "row_values", {})
            invalid.sheet_row = invalid.number + 1  # the header is the sheet's first row
            invalid.labelled_errors = [
                {
                    "column": result.column_labels.get(name, name),
                    "value": "" if name == NON_FIELD_ERRORS else _cell(values, columns.get(name)),
                    "messages": messages,
                }
                for name, messages in invalid.error_dict.items()
            ]

    # Rows -----------------------------------------------------------------------------------

    def import_row(self, row, instance_loader, **kwargs):
        if all(is_blank(value) for value in row.values()):
            blank = self.get_row_result_class()()
            blank.import_type = RowResult.IMPORT_TYPE_SKIP
            blank.blank = True
            return blank
        self._pending_errors = {}
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.errors:
            # Not a problem of a cell but one the database found (a rule the model's checks
            # missed): a message for staff, the details for the log.
            error = row_result.errors[0].error
            logger.warning("import row %s failed", kwargs.get("row_number"), exc_info=error)
            row_result.errors = []
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = ValidationError(
                {NON_FIELD_ERRORS: [self.database_error_message(error)]}
            )
        if row_result.validation_error is not None:
            # The cells as written, for the messages (InvalidRow keeps the preview's columns).
            row_result.validation_error.row_values = dict(row)
        return row_result

    def database_error_message(self, error) -> str:
        if isinstance(error, DatabaseError):
            for constraint in self._meta.model._meta.constraints:
                if constraint.name in str(error):
                    return str(constraint.get_violation_error_message())
        return _(
            "This row could not be saved. Check its values against the template; if they "
            "look right, send the file to the portal's administrators."
        )

    def get_diff_class(self):
        return PreviewDiff

    def _check_import_id_fields(self, headers):
        """A file without an id column is fine: its rows are new, or found by `find_instance`
        (a document number, a policy and a title); django-import-export would stop it."""

    def get_instance(self, instance_loader, row):
        """By id; a bad id is reported with the row's other problems (a new record is
        assumed meanwhile)."""
        try:
            return self.find_instance(row)
        except ValidationError as error:
            self._pending_errors = error.update_error_dict(self._pending_errors)
            return None

    def find_instance(self, row):
        """The record the row changes: the one of its id, else what `find_without_id` finds;
        None for a new record."""
        value = row.get("id")
        if is_blank(value):
            return self.find_without_id(row)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            pk = int(str(value).strip())
        except ValueError:
            raise ValidationError(
                {
                    "id": _("“%(value)s” is not a number. Leave it empty to add a new record.")
                    % {"value": printable(value)}
                }
            ) from None
        instance = self.get_queryset().filter(pk=pk).first()
        if instance is None:
            raise ValidationError(
                {
                    "id": _(
                        "There is no %(model)s %(id)s that you may change. Leave the id empty "
                        "to add a new one."
                    )
                    % {"model": self._meta.model._meta.verbose_name, "id": pk}
                }
            )
        return instance

    def find_without_id(self, row):
        """The record a row without an id changes, found by what else names it; None (a new
        record) unless a resource knows such a key."""
        return None

    def editable_policies(self):
        return policies_editable_by(self.user)

    def import_instance(self, instance, row, **kwargs):
        errors = dict(self._pending_errors)
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Many-to-many columns are only written after saving; check their codes now, so that
        # an unknown code is an error of the row, shown in the preview.
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        for name, messages in self.scope_errors(instance).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def scope_errors(self, instance) -> dict:
        return {}


def _cell(values: dict, column) -> str:
    value = values.get(column)
    return "" if is_blank(value) else printable(value)


def _policy_column():
    return fields.Field(attribute="policy", column_name="policy", widget=PolicyReferenceWidget())


POLICY_REFERENCE_HEADERS = (
    "发文字号",
    "政策发文字号",
    "政策文号",
    "文号",
    "document number",
    "policy document number",
    "政策",
    "政策编号",
    "policy number",
)


class PolicyResource(SpreadsheetResource):
    region = fields.Field(
        attribute="region",
        column_name="region",
        widget=CodeForeignKeyWidget(Region, field="code"),
    )
    categories = fields.Field(
        attribute="categories",
        column_name="categories",
        widget=ChoicesListWidget(Choices(Category)),
        default=list,
    )
    talent_groups = fields.Field(
        attribute="talent_groups",
        column_name="talent_groups",
        widget=ChoicesListWidget(Choices(TalentGroup)),
        default=list,
    )
    industries = fields.Field(
        attribute="industries", column_name="industries", widget=IndustriesWidget()
    )
    document_number = fields.Field(
        attribute="document_number", column_name="document_number", widget=DocumentNumberWidget()
    )
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    replaced_by = fields.Field(attribute="replaced_by_id", column_name="replaced_by", readonly=True)

    extra_headers = {
        "id": ("政策编号", "policy number"),
        "document_number": ("文号", "政策文号"),
        "region": ("地区", "地区代码", "行政区划代码", "region code"),
        "categories": ("类别", "政策类别", "分类"),
        "talent_groups": ("人才类别", "适用人才", "target groups"),
        "industries": ("行业", "产业"),
        "authority_zh": ("发文单位", "发文机关", "发布机构"),
        "issued_on": ("发文日期", "发布日期"),
        "effective_on": ("生效日期", "施行日期"),
        "expires_on": ("失效日期", "截止日期"),
        "is_major": ("重大政策", "是否重大政策"),
        "source_url": ("原文链接", "来源链接", "链接"),
        "status": ("状态",),
    }

    class Meta:
        model = Policy
        fields = (
            "id",
            "title_zh",
            "title_en",
            "summary_zh",
            "summary_en",
            "body_zh",
            "body_en",
            "authority_zh",
            "authority_en",
            "document_number",
            "region",
            "categories",
            "talent_groups",
            "industries",
            "issued_on",
            "effective_on",
            "expires_on",
            "is_major",
            "source_url",
            "last_reviewed_on",
            "status",
            "replaced_by",
        )
        export_order = fields

    def example(self):
        return {
            "title_zh": "杭州市高层次人才购房补贴实施办法",
            "title_en": "Hangzhou measures on housing subsidies for high-level talent",
            "summary_zh": "对新引进的博士、硕士研究生发放购房补贴。",
            "authority_zh": "中共杭州市委人才工作领导小组办公室",
            "document_number": "杭人才〔2025〕1号",
            "region": "330100",
            "categories": f"{Category.HOUSING.label}，{Category.SUBSIDIES_AWARDS.label}",
            "talent_groups": f"{TalentGroup.DOCTORAL.label}，{TalentGroup.MASTERS.label}",
            "issued_on": "2025年3月1日",
            "effective_on": "2025/4/1",
            "is_major": "是",
            "source_url": "https://www.hangzhou.gov.cn/",
        }

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.repeated_numbers = set()
        if "document_number" in (dataset.headers or []):
            seen = set()
            for value in dataset["document_number"]:
                number = canonical_document_number(value)
                if number and number in seen:
                    self.repeated_numbers.add(number)
                seen.add(number)

    def find_without_id(self, row):
        """By document number: a re-import changes the policies it added."""
        number = canonical_document_number(row.get("document_number"))
        if not number:
            return None
        if number in getattr(self, "repeated_numbers", ()):
            raise ValidationError(
                {
                    "document_number": _(
                        "The document number %(number)s is in the file more than once: "
                        "one row per policy."
                    )
                    % {"number": number}
                }
            )
        policy = Policy.objects.filter(document_number=number).first()
        if policy is None:
            return None
        if not self.get_queryset().filter(pk=policy.pk).exists():
            raise ValidationError(
                {
                    "document_number": _(
                        "The policy %(number)s exists but belongs to a region you may not change."
                    )
                    % {"number": number}
                }
            )
        return self.get_queryset().get(pk=policy.pk)

    def get_queryset(self):
        return self.editable_policies().select_related("region").prefetch_related("industries")

    def scope_errors(self, instance) -> dict:
        if instance.region_id and not may_edit_region(self.user, instance.region):
            return {
                "region": [
                    _(
                        "You may only add or change policies of your region and the regions "
                        "below it."
                    )
                ]
            }
        return {}


class BenefitResource(SpreadsheetResource):
    policy = _policy_column()
    amount_min = fields.Field(
        attribute="amount_min", column_name="amount_min", widget=AmountWidget()
    )
    amount_max = fields.Field(
        attribute="amount_max", column_name="amount_max", widget=AmountWidget()
    )
    tiers = fields.Field(
        attribute="tiers",
        column_name="tiers",
        widget=ChoicesListWidget(Choices(TalentTier, SYNONYMS["tiers"])),
        default=list,
    )
    enterprise_types = fields.Field(
        attribute="enterprise_types",
        column_name="enterprise_types",
        widget=ChoicesListWidget(Choices(EnterpriseType)),
        default=list,
    )
    industries = fields.Field(
        attribute="industries", column_name="industries", widget=IndustriesWidget()
    )
    version = fields.Field(attribute="version", column_name="version", readonly=True)

    extra_headers = {
        "id": ("待遇编号", "benefit number"),
        "policy": POLICY_REFERENCE_HEADERS,
        "kind": ("类型", "待遇类型", "type"),
        "amount_max": ("金额", "最高金额", "补贴金额", "amount", "maximum amount"),
        "amount_min": ("最低金额", "minimum amount"),
        "period": ("发放方式", "发放周期", "周期"),
        "period_count": ("期数", "发放期数", "年限"),
        "min_degree": ("学历", "学历要求", "最低学历", "degree"),
        "max_age": ("年龄", "年龄上限", "最高年龄", "age"),
        "tiers": ("人才层次", "人才等级", "层次", "tier"),
        "overseas_required": ("海外经历", "需要海外经历"),
        "industries": ("行业", "产业"),
        "must_work_in_region": ("须在本地工作", "本地工作"),
        "must_live_in_region": ("须在本地居住", "本地居住"),
        "enterprise_types": ("单位类型", "用人单位类型"),
    }

    class Meta:
        model = Benefit
        fields = (
            "id",
            "policy",
            "kind",
            "title_zh",
            "title_en",
            "description_zh",
            "description_en",
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
            "position",
            "version",
        )
        export_order = fields

    def example(self):
        return {
            "policy": "杭人才〔2025〕1号",
            "kind": str(BenefitKind.HOUSING_SUBSIDY.label),
            "title_zh": "博士研究生购房补贴",
            "amount_max": "40万",
            "period": str(Period.ONCE.label),
            "min_degree": "博士",
            "max_age": "35",
            "must_work_in_region": "是",
        }

    def find_without_id(self, row):
        """By its policy and Chinese title: a re-import changes the benefit."""
        return _by_policy_and(self, row, "title_zh")

    def get_queryset(self):
        return (
            Benefit.objects.filter(policy__in=self.editable_policies())
            .select_related("policy")
            .prefetch_related("industries")
        )

    def scope_errors(self, instance) -> dict:
        return _policy_scope_errors(
            self, instance, _("You may only change benefits of your region's policies.")
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        """New benefits are saved as they are; a change of an existing one goes through
        `benefit_update()` (version and notifications), industries included."""
        if is_create or (not self._is_using_transactions(kwargs) and self._is_dry_run(kwargs)):
            return super().save_instance(instance, is_create, row, **kwargs)
        self.before_save_instance(instance, row, **kwargs)
        changes = {
            field.attribute: getattr(instance, field.attribute)
            for field in self.get_import_fields()
            if field.attribute not in ("id", "policy", "industries", "version")
            and field.column_name in row
        }
        if "industries" in row:
            changes["industries"] = list(self.fields["industries"].clean(row))
        benefit_update(benefit=instance, by=self.user, **changes)
        self.after_save_instance(instance, row, **kwargs)


class InterpretationResource(SpreadsheetResource):
    policy = _policy_column()

    extra_headers = {
        "id": ("解读编号",),
        "policy": POLICY_REFERENCE_HEADERS,
        "kind": ("类型", "解读类型", "type"),
        "question_zh": ("问题", "标题"),
        "answer_zh": ("回答", "答复", "解答", "内容"),
    }

    class Meta:
        model = Interpretation
        fields = (
            "id",
            "policy",
            "kind",
            "question_zh",
            "question_en",
            "answer_zh",
            "answer_en",
            "position",
        )
        export_order = fields

    def example(self):
        return {
            "policy": "杭人才〔2025〕1号",
            "kind": str(InterpretationKind.QA.label),
            "question_zh": "购房补贴什么时候申请？",
            "answer_zh": "在杭州落户并缴纳社保满一个月后即可在线申请。",
        }

    def find_without_id(self, row):
        """By its policy and Chinese question."""
        return _by_policy_and(self, row, "question_zh")

    def get_queryset(self):
        return Interpretation.objects.filter(policy__in=self.editable_policies()).select_related(
            "policy"
        )

    def scope_errors(self, instance) -> dict:
        return _policy_scope_errors(
            self, instance, _("You may only change interpretations of your region's policies.")
        )


def _by_policy_and(resource, row, title_field):
    """The one record of the row's policy with the row's title, or None (a new one)."""
    title = row.get(title_field)
    if "policy" not in row or is_blank(title):
        return None
    try:
        policy = resource.fields["policy"].clean(row)
    except ValueError:
        return None  # reported with the row's other problems
    if policy is None:
        return None
    matches = list(
        resource.get_queryset().filter(policy=policy, **{title_field: str(title).strip()})[:2]
    )
    return matches[0] if len(matches) == 1 else None


def _policy_scope_errors(resource, instance, message) -> dict:
    policy_id = instance.policy_id
    if policy_id and not resource.editable_policies().filter(pk=policy_id).exists():
        return {"policy": [message]}
    return {}
