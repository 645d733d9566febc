"""The admin side of the spreadsheet import (`policies.resources`): files as staff save them,
a preview and a result that say what happens, a template per model, labels in the admin's
language.

`SpreadsheetImportMixin` goes between `RateLimitedExportMixin` and `ImportExportMixin`.
"""

import csv
import functools
import io

import openpyxl
import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from import_export.results import RowResult

from policies.spreadsheet import UnreadableFile, decode_text
from talentportal.exports import csv_writer

TEMPLATE_FORMATS = ("xlsx", "csv")
#: Above this many new records the result links to the drafts, not to each new record.
LINKED_IDS_LIMIT = 300


class SpreadsheetCSV(CSV):
    """CSV as staff save it: UTF-8 with or without BOM, or GBK/GB18030 (Excel on Chinese
    Windows); rows shorter than the header are padded, as Excel leaves trailing cells out."""

    def is_binary(self):
        return True  # the bytes are kept as they are and decoded here

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = decode_text(in_stream) if isinstance(in_stream, bytes) else in_stream
        rows = list(csv.reader(io.StringIO(text)))
        dataset = tablib.Dataset()
        if not rows:
            return dataset
        header = rows[0]
        width = max(len(row) for row in rows)
        dataset.headers = header + [""] * (width - len(header))
        for row in rows[1:]:
            dataset.append(row + [""] * (width - len(row)))
        return dataset


#: Strings of django-import-export's pages that its Chinese catalogue leaves untranslated;
#: listed here so that the project's catalogue translates them.
UPSTREAM_STRINGS = (
    gettext_noop("Select all"),
    gettext_noop("Resource"),
    gettext_noop(
        "No valid data to import. Ensure your file has the correct headers or data for import."
    ),
)

IMPORT_FORMATS = [SpreadsheetCSV, XLSX]
EXPORT_FORMATS = [CSV, XLSX]


class LabelledExportForm(SelectableFieldsExportForm):
    """The export's column checkboxes labelled in the admin's language ("发文字号
    (document_number)"), not "Document Number"."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        if field is None:
            return field_name
        label = resource().column_label(field)
        return label if label == field.column_name else f"{label} ({field.column_name})"


class SpreadsheetImportMixin:
    import_template_name = "admin/policies/import.html"
    export_form_class = LabelledExportForm
    import_formats = IMPORT_FORMATS
    export_formats = EXPORT_FORMATS

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def get_urls(self):
        return [
            *(
                path(
                    f"import/template.{extension}",
                    self.admin_site.admin_view(
                        functools.partial(self.import_template_view, extension=extension)
                    ),
                    name=f"{self.opts.app_label}_{self.opts.model_name}_import_template_{extension}",
                )
                for extension in TEMPLATE_FORMATS
            ),
            *super().get_urls(),
        ]

    def admin_url(self, name) -> str:
        return f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}"

    def spreadsheet_resource(self, request):
        return self.get_import_resource_classes(request)[0](user=request.user)

    # The import page ------------------------------------------------------------------------

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None:
            resource = self.spreadsheet_resource(request)
            context["fields_list"] = [
                (
                    resource.get_display_name(),
                    [resource.column_label(field) for field in resource.preview_fields()],
                )
            ]
            context["column_guide"] = resource.column_guide()
            context["template_urls"] = [
                (extension.upper(), reverse(self.admin_url(f"import_template_{extension}")))
                for extension in TEMPLATE_FORMATS
            ]
        return response

    def get_import_data_kwargs(self, **kwargs):
        # A file goes in whole or not at all, also when the confirmed import meets a problem
        # the preview did not (the records changed in between).
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _(
                    "Nothing was imported: the records changed since the preview and some rows "
                    "no longer fit. Upload the file again to see what to correct."
                ),
            )
            return HttpResponseRedirect(reverse(self.admin_url("import")))
        return super().process_result(result, request)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnreadableFile):
            message = str(e)
        else:
            message = _(
                "The file cannot be read as the format chosen below. Choose “csv” for a .csv "
                "file and “xlsx” for an Excel workbook (.xlsx); an old Excel file (.xls) must "
                "first be saved as .xlsx."
            )
        form.add_error("import_file", message)

    def add_success_message(self, result, request):
        summary = getattr(result, "summary", None) or {}
        messages.success(
            request,
            _(
                "Import finished: %(new)d added, %(update)d changed, %(unchanged)d unchanged "
                "(left as they were), %(blank)d empty rows skipped."
            )
            % {key: summary.get(key, 0) for key in ("new", "update", "unchanged", "blank")},
        )
        new_ids = [
            row.object_id
            for row in result.rows
            if row.import_type == RowResult.IMPORT_TYPE_NEW and row.object_id
        ]
        if new_ids and len(new_ids) <= LINKED_IDS_LIMIT:
            url = reverse(self.admin_url("changelist"))
            messages.info(
                request,
                format_html(
                    '<a href="{}?id__in={}">{}</a>',
                    url,
                    ",".join(str(pk) for pk in new_ids),
                    _("See the %(count)d added records (numbers %(ids)s).")
                    % {"count": len(new_ids), "ids": _id_ranges(new_ids)},
                ),
            )

    # The template ---------------------------------------------------------------------------

    def import_template_view(self, request, extension):
        if not self.has_import_permission(request):
            raise PermissionDenied
        resource = self.spreadsheet_resource(request)
        headers, example = resource.template_rows()
        name = f"{self.opts.model_name}-import-template.{extension}"
        if extension == "csv":
            out = io.StringIO()
            out.write("\ufeff")  # so that Excel reads it as UTF-8
            writer = csv_writer(out)
            writer.writerow(headers)
            writer.writerow(example)
            response = HttpResponse(out.getvalue().encode("utf-8"), content_type="text/csv")
        else:
            response = HttpResponse(
                _template_workbook(resource, headers, example),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


def _template_workbook(resource, headers, example) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Data")
    sheet.append(headers)
    sheet.append(example)
    guide = workbook.create_sheet(_("How to fill in"))
    guide.append(
        [_("Column"), pgettext("import column", "Code"), _("Required"), _("What to write")]
    )
    for column in resource.column_guide():
        guide.append(
            [
                column["label"],
                column["code"],
                _("yes") if column["required"] else "",
                column["expected"],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _id_ranges(ids) -> str:
    """1, 2, 3, 7 → "1–3, 7"."""
    numbers = sorted(int(pk) for pk in ids)
    ranges, start = [], numbers[0]
    for previous, current in zip(numbers, [*numbers[1:], None], strict=True):
        if current is None or current != previous + 1:
            ranges.append(str(start) if start == previous else f"{start}–{previous}")
            start = current
    return ", ".join(ranges)
