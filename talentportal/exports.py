"""Spreadsheet exports that cannot run formulas (CSV injection, CWE-1236).

A cell starting with = + - @, a tab or a carriage return is read by spreadsheet programs as a
formula (`=HYPERLINK("http://evil","click")`, `=cmd|' /C calc'!A0`). Such text gets a leading
apostrophe, which spreadsheets show as text and do not display. Every CSV writer of the project
uses `csv_writer`, every import-export resource `FormulaSafeResource`.
"""

import csv
import datetime
import numbers

from import_export import resources

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """`value` as a spreadsheet will take it as text, not a formula. Numbers, dates and other
    non-text values are left as they are (a negative number is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class FormulaSafeWriter:
    """A `csv.writer` whose every text cell goes through `csv_cell`."""

    def __init__(self, file, **kwargs):
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([csv_cell(_text(cell)) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def _text(value):
    # Lazy translations and other string-likes are text too.
    if value is None or isinstance(value, (str, numbers.Number, datetime.date)):
        return value
    return str(value)


def csv_writer(file, **kwargs) -> FormulaSafeWriter:
    return FormulaSafeWriter(file, **kwargs)


class FormulaSafeResource(resources.ModelResource):
    """An import-export resource whose exported text cells (CSV and XLSX) are not formulas."""

    def export_field(self, field, instance, **kwargs):
        return csv_cell(_text(super().export_field(field, instance, **kwargs)))
