"""The forms of a page, read from its HTML, and filled in with valid values as a person would.

`post_forms(html)` finds every `<form method="post">` with its fields as the browser would
send them (hidden fields, the values already there, the options chosen); `filled(form)` keeps
those and gives every empty field a plausible value for its type and name (an e-mail address,
a mobile number, a valid resident ID number, a date in the past or the future, the largest
score a number field allows, a PDF for a file), ticks the required boxes and chooses the first
option of each list. The crawl posts each form it meets once per role and language.
"""

import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.apartments.factories import resident_id
from tests.crawl.optional import PDF, png
from tests.talentportal.factories import PASSWORD

NEW_PASSWORD = "Crawl-Password-2026"


@dataclass
class Field:
    tag: str
    name: str
    type: str = "text"
    value: str = ""
    checked: bool = False
    required: bool = False
    attrs: dict = field(default_factory=dict)
    options: list = field(default_factory=list)  # (value, selected)


@dataclass
class Form:
    action: str
    fields: list[Field] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.option: list | None = None  # [value or None, selected, text]
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            post = attrs.get("method", "get").lower() == "post"
            self.form = Form(attrs.get("action", "")) if post else None
            if self.form is not None:
                self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = attrs.get("name", "")
        if tag in ("input", "button") and name:
            kind = attrs.get("type", "text" if tag == "input" else "submit").lower()
            self.form.fields.append(
                Field(
                    tag,
                    name,
                    kind,
                    attrs.get("value", ""),
                    checked="checked" in attrs,
                    required="required" in attrs,
                    attrs=attrs,
                )
            )
        elif tag == "select" and name:
            self.select = Field(tag, name, "select", required="required" in attrs, attrs=attrs)
            self.form.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
        elif tag == "textarea" and name:
            self.textarea = Field(tag, name, "textarea", required="required" in attrs, attrs=attrs)
            self.form.fields.append(self.textarea)

    def handle_data(self, data):
        if self.option is not None:
            self.option[2] += data
        elif self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "option" and self.option is not None and self.select is not None:
            value, selected, text = self.option
            self.select.options.append((text.strip() if value is None else value, selected))
            self.option = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # As in a browser: the newline right after <textarea> is not part of the value.
            self.textarea.value = self.textarea.value.removeprefix("\n")
            self.textarea = None


def post_forms(html: str) -> list[Form]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def _date(name: str) -> str:
    today = datetime.date.today()
    if "birth" in name:
        return "1990-05-17"
    if re.search(r"end|until|closing|expire|deadline|valid|starts_on", name):
        return (today + datetime.timedelta(days=60)).isoformat()
    return (today - datetime.timedelta(days=400)).isoformat()


def _number(item: Field) -> str:
    low, high = item.attrs.get("min"), item.attrs.get("max")
    name = item.name
    if "score" in name and high:
        return high  # the best score the criterion allows
    if "year" in name:
        value = 1990 if "birth" in name else 2015
    elif "amount" in name:
        value = float(low) if low else 100_000
    else:
        value = 1
    if low:
        value = max(value, float(low))
    if high:
        value = min(value, float(high))
    return f"{value:g}"


def _text(item: Field, counter: int) -> str:
    name = item.name.lower().rsplit("-", 1)[-1]
    kind = item.type
    if kind == "email" or "email" in name:
        return "crawl@example.com"
    if kind == "tel" or "phone" in name or "mobile" in name:
        return "13800000000"
    if kind == "url" or "website" in name or name.endswith("url"):
        return "https://example.com/crawl"
    if kind == "password":
        if "old" in name or name in ("password", "current_password"):
            return PASSWORD
        return NEW_PASSWORD
    if kind == "date":
        return _date(name)
    if kind == "number":
        return _number(item)
    if "id_number" in name:
        return resident_id(datetime.date(1990, 5, 17))
    if name == "username":
        return f"crawl-new-{counter}"
    if kind == "textarea":
        text = "爬取测试：这是一段有效的说明文字。"
    elif name.endswith("_en"):
        text = "Crawl test"
    else:
        text = "爬取测试"
    limit = item.attrs.get("maxlength")
    return text[: int(limit)] if limit and limit.isdigit() else text


#: Boxes a person ticks to go on (declarations, consents); other optional boxes stay as they are.
TICK = re.compile(r"declar|accept|agree|consent|confirm|privacy")


def filled(form: Form, counter: int = 0, known: dict | None = None) -> tuple[dict, dict]:
    """(data, files) for the form: what is there, and a valid value for every empty field
    (`known`: values by field name that only the world knows, e.g. a registered credit code)."""
    known = dict(known or {})
    if any(f.name == "password2" for f in form.fields):
        known.pop("username", None)  # signing up: a new name, not the one to log in with
    data: dict[str, list[str]] = {}
    files: dict[str, SimpleUploadedFile] = {}
    radios_done: set[str] = set()
    buttons = [f for f in form.fields if f.type == "submit"]
    for item in form.fields:
        kind, name = item.type, item.name
        if kind in ("submit", "reset", "button", "image"):
            continue
        if kind == "hidden":
            data.setdefault(name, []).append(item.value)
        elif name in known and not item.value and kind not in ("checkbox", "radio", "file"):
            data[name] = [known[name]]
        elif kind == "checkbox":
            if item.checked or (
                (item.required or TICK.search(name)) and not name.endswith("DELETE")
            ):
                data.setdefault(name, []).append(item.value or "on")
        elif kind == "radio":
            group = [f for f in form.fields if f.type == "radio" and f.name == name]
            if name not in radios_done:
                chosen = next((f for f in group if f.checked), group[0])
                data[name] = [chosen.value or "on"]
                radios_done.add(name)
        elif kind == "select":
            chosen = [value for value, selected in item.options if selected and value]
            if not chosen:
                usable = [value for value, _selected in item.options if value]
                # layout_1, layout_2 …: a different choice in each of a numbered series
                number = re.search(r"_(\d)$", name)
                index = int(number.group(1)) - 1 if number else 0
                chosen = usable[index : index + 1]
            if chosen:
                data[name] = chosen
        elif kind == "file":
            image = "image" in item.attrs.get("accept", "")
            files[name] = SimpleUploadedFile(
                "crawl.png" if image else "crawl.pdf",
                png() if image else PDF,
                content_type="image/png" if image else "application/pdf",
            )
        else:
            data.setdefault(name, []).append(item.value or _text(item, counter))
    # The button a person presses: "submit" over "save draft", else the first named one; not
    # one that only shows the form again (formnovalidate, e.g. a region picker's "list its
    # places"): with none left, the form's unnamed main button.
    main = [b for b in buttons if "formnovalidate" not in b.attrs or b.value == "submit"]
    if main:
        pressed = next((b for b in main if b.value == "submit"), main[0])
        data.setdefault(pressed.name, []).append(pressed.value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}, files
