"""Reading the cells of the spreadsheets staff really have.

Staff fill policy and benefit sheets in Excel or WPS on Chinese Windows: amounts as "1,200" or
"30万", yes/no as 是/否 (or Y, yes, TRUE, 1), choices by their Chinese or English label as well
as their code, lists separated by full-width commas or 、, dates as 2025-06-01, 2025/6/1 or
2025年6月1日, headers in Chinese or English, CSV saved as GBK. Each function here takes one such
value and returns the Python value, or raises `ValueError` with a message in the active language
that names the value and says what is expected (with the valid values where there is a list).
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

LIST_SEPARATORS = re.compile(r"[,，、;；\n]+")

TRUE_WORDS = ("是", "Y", "yes", "TRUE", "1", "对", "√")
FALSE_WORDS = ("否", "N", "no", "FALSE", "0", "不", "×")

#: Multipliers staff write after an amount.
AMOUNT_UNITS = (("亿元", 100_000_000), ("亿", 100_000_000), ("万元", 10_000), ("万", 10_000))
AMOUNT_NOISE = ("人民币", "元", "¥", "￥", "RMB", "CNY", " ", ",")

DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
# An xlsx date cell read as a datetime, or a date with a midnight time written as text.
MIDNIGHT = re.compile(r"\s+0{1,2}:00(:00)?$")

ELLIPSIS_AFTER = 40


def printable(value, limit=ELLIPSIS_AFTER) -> str:
    """A cell's value for a message: printable characters only, cut at `limit`."""
    text = "".join(char for char in str(value) if char.isprintable())
    return text[:limit] + ("…" if len(text) > limit else "")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def ascii_forms(text: str) -> str:
    """Full-width letters, digits and punctuation (what Chinese input methods type) as ASCII."""
    return unicodedata.normalize("NFKC", text)


def normalized(value) -> str:
    """The text of a cell for comparing: full-width to ASCII, no spaces, case-folded."""
    return re.sub(r"\s+", "", ascii_forms(str(value))).casefold()


def split_list(value) -> list[str]:
    """A list cell: comma, full-width comma, 、 or semicolon separated; blanks dropped."""
    if is_blank(value):
        return []
    return [part.strip() for part in LIST_SEPARATORS.split(str(value)) if part.strip()]


# Amounts --------------------------------------------------------------------------------------


def parse_amount(value) -> int | None:
    """Whole yuan: 1200, "1,200", "1 200 元", "30万", "1.5万元", "￥3,000". Empty is None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_amount_error(value))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    else:
        text = ascii_forms(str(value)).strip()
        multiplier = 1
        for unit, factor in AMOUNT_UNITS:
            if text.endswith(unit):
                text, multiplier = text[: -len(unit)], factor
                break
        for noise in AMOUNT_NOISE:
            text = text.replace(noise, "")
        try:
            number = Decimal(text) * multiplier
        except InvalidOperation:
            raise ValueError(_amount_error(value)) from None
    if not number.is_finite() or number < 0 or number != number.to_integral_value():
        raise ValueError(_amount_error(value))
    return int(number)


def _amount_error(value) -> str:
    return _("“%(value)s” is not an amount. Write whole yuan, for example 1200, 1,200 or 30万.") % {
        "value": printable(value)
    }


def parse_whole_number(value) -> int | None:
    """A count or an age: 35, "35", "35岁", "3年", "12个月". Empty is None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(_whole_number_error(value))
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = normalized(value)
    text = re.sub(r"(岁|周岁|年|个月|月|个|人|次)$", "", text)
    if not re.fullmatch(r"\d+", text):
        raise ValueError(_whole_number_error(value))
    return int(text)


def _whole_number_error(value) -> str:
    return _("“%(value)s” is not a whole number. Write digits only, for example 35.") % {
        "value": printable(value)
    }


# Yes or no ------------------------------------------------------------------------------------


def parse_yes_no(value) -> bool:
    """是/否, Y/N, yes/no, TRUE/FALSE, 1/0 (any case, full-width too). Empty is no."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    text = normalized(value)
    if text in {normalized(word) for word in TRUE_WORDS}:
        return True
    if text in {normalized(word) for word in FALSE_WORDS}:
        return False
    raise ValueError(
        _("“%(value)s” is not a yes or no. Write one of: %(choices)s.")
        % {"value": printable(value), "choices": " / ".join(TRUE_WORDS + FALSE_WORDS)}
    )


# Dates ----------------------------------------------------------------------------------------


def parse_date(value) -> datetime.date | None:
    """2025-06-01, 2025/6/1, 2025.6.1, 2025年6月1日, 20250601, or a spreadsheet date cell."""
    if is_blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = MIDNIGHT.sub("", ascii_forms(str(value)).strip())
    for pattern in DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                break  # the form is right, the day is not (2025-02-30)
    raise ValueError(
        _("“%(value)s” is not a date. Write it as 2025-06-01, 2025/6/1 or 2025年6月1日.")
        % {"value": printable(value)}
    )


# Choices --------------------------------------------------------------------------------------


class Choices:
    """A model's choices read by their code or their Chinese or English label.

    `synonyms` maps a code to more words staff use for it ("硕士" for the master's degree).
    """

    def __init__(self, choices, synonyms=None):
        #: (value, label) pairs, from a model's Choices class or a field's `choices`.
        self.pairs = list(getattr(choices, "choices", choices))
        self.synonyms = synonyms or {}

    def lookup(self) -> dict:
        table = {}
        for value, label in self.pairs:
            table[normalized(value)] = value
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    table[normalized(label)] = value
        for value, words in self.synonyms.items():
            for word in words:
                table[normalized(word)] = value
        return table

    def described(self) -> str:
        """The valid values for a message: "housing（住房保障）, …" in the active language."""
        return "、".join(f"{value}（{label}）" for value, label in self.pairs)

    def parse(self, value):
        """One value: its code, a label in either language or a synonym; empty is None."""
        if is_blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        found = self.lookup().get(normalized(value))
        if found is None:
            raise ValueError(
                _("“%(value)s” is not one of the valid values: %(choices)s.")
                % {"value": printable(value), "choices": self.described()}
            )
        return found

    def parse_list(self, value) -> list:
        """Several values in one cell; every unknown one is named in one message."""
        table = self.lookup()
        found, unknown = [], []
        for part in split_list(value):
            code = table.get(normalized(part))
            if code is None:
                unknown.append(printable(part))
            elif code not in found:
                found.append(code)
        if unknown:
            raise ValueError(
                _("Not valid: %(values)s. The valid values are: %(choices)s.")
                % {
                    "values": "、".join(f"“{part}”" for part in unknown),
                    "choices": self.described(),
                }
            )
        return found


# Document numbers (发文字号) ------------------------------------------------------------------

DOCUMENT_YEAR = re.compile(r"[\[【(〔［]\s*(\d{4})\s*[\]】)〕］]")


def canonical_document_number(value) -> str:
    """A document number as official documents print it: 杭人才〔2025〕1号, whatever brackets
    (【】 [] （）) or spaces staff typed around the year."""
    if is_blank(value):
        return ""
    text = re.sub(r"\s+", "", ascii_forms(str(value)))
    return DOCUMENT_YEAR.sub(r"〔\1〕", text)


# Headers and files ----------------------------------------------------------------------------

REQUIRED_MARKS = re.compile(r"\*|\(必填\)|\(选填\)|\(required\)|\(optional\)")


def header_key(value) -> str:
    """A column header for comparing: "标题（中文）*", "title (Chinese)" and "Title_ZH " alike."""
    if value is None:
        return ""
    return REQUIRED_MARKS.sub("", normalized(value)).replace("_", "")


class UnreadableFile(ValueError):
    """The uploaded file cannot be read as the chosen format; the message says why."""


def decode_text(data: bytes) -> str:
    """A CSV file's text: UTF-8 with or without BOM, or GBK/GB18030 (what Excel on Chinese
    Windows saves as "CSV (逗号分隔)")."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(
        _(
            "The file cannot be read as CSV text: it is neither UTF-8 nor GBK/GB18030. "
            "In Excel choose “Save as” → “CSV UTF-8 (comma delimited)” or "
            "“Excel workbook (.xlsx)” and upload it again."
        )
    )
