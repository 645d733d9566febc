"""The region picker: a few dozen options instead of every region, and no JavaScript needed.

A region field validates against every region it knows (the field's choices), but its widget
ships only the part of the tree around the value (province → city → county):

- nothing chosen, or a province: "All regions" and every province, with the chosen province's
  cities (and the counties directly under it, like Tianjin's districts) below it;
- a city or a county: "All regions", its province and the province's cities, with the chosen
  city's counties below it.

So a person picks a province and applies the form; the same list then offers its cities, and
after a city its counties. Choosing "All regions" or the province goes back up. With 34
provinces, at most 21 cities in one and a few dozen counties in a city, a list never holds more
than about 60 options, whatever the size of the catalogue.

The tree comes from the division codes (GB/T 2260): a county's parent is the city that shares
its first four digits when that city is offered, otherwise the province; a city's parent is the
province. The choices are the ones `talentportal.filters.region_choices` builds (grouped by
province or flat, labels indented by level).

`RegionSelect` is the single-choice widget (every filter form); `RegionChecklist` with
`RegionMultipleChoiceField` picks several regions (a talent's preferred work regions): the
chosen ones as ticked checkboxes, plus an "Add a region" list of the same kind, whose "List its
places" button re-shows the form with the places of the region chosen in it (without saving).
"""

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

ADD_SUFFIX = "_add"
BROWSE_SUFFIX = "_browse"


def _flat(choices) -> list[tuple[str, str]]:
    """(value, label) pairs in order, option groups opened."""
    flat = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.extend((str(v), lbl) for v, lbl in label)
        else:
            flat.append(("" if value is None else str(value), label))
    return flat


def _parents(codes: Iterable[str]) -> dict[str, str | None]:
    present = set(codes)
    parents: dict[str, str | None] = {}
    for code in present:
        parent = None
        if code[2:] != "0000":
            city = code[:4] + "00"
            province = code[:2] + "0000"
            if code[4:] != "00" and city in present:
                parent = city
            elif province in present:
                parent = province
        parents[code] = parent
    return parents


def visible_region_choices(choices, selected: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The options of `choices` that a picker shows around the `selected` codes (see the
    module's docstring); empty values (an "All regions" option) are always kept."""
    flat = _flat(choices)
    parents = _parents(value for value, _label in flat if value)
    chain: set[str] = set()
    for code in selected:
        code = "" if code is None else str(code)
        while code in parents and code not in chain:
            chain.add(code)
            code = parents[code]
    every_province = all(parents[code] is None for code in chain)
    visible = []
    for value, label in flat:
        if not value:
            visible.append((value, label))
            continue
        parent = parents[value]
        if parent is None:
            if every_province or value in chain:
                visible.append((value, label))
        elif parent in chain:
            visible.append((value, label))
    return visible


def _options(options: Iterable[tuple[str, str]], selected: set[str]) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if value in selected else "", label)
            for value, label in options
        ),
    )


def _select(name: str, attrs: dict, options, selected: set[str]) -> str:
    return format_html(
        '<select name="{}"{}>{}</select>', name, flatatt(attrs), _options(options, selected)
    )


class RegionSelect(forms.Select):
    """One region, offered as a province → city → county list around the value."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-region-picker": "", **(attrs or {})}, choices)

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = visible_region_choices(self.choices, selected)
        return _select(name, final_attrs, options, selected)


class RegionChoices(list):
    """The regions a RegionChecklist submitted; `browse` is the code whose places the person
    asked to see (then nothing is added)."""

    browsing: bool = False
    browse: str = ""


class RegionChecklist(forms.SelectMultiple):
    """Several regions: the chosen ones as ticked checkboxes (untick to remove), and an "Add a
    region" list around the region being browsed, with a button that lists its places."""

    use_fieldset = True

    def value_from_datadict(self, data, files, name):
        values = RegionChoices(
            data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])
        )
        added = data.get(name + ADD_SUFFIX) or ""
        if data.get(name + BROWSE_SUFFIX):
            values.browsing = True
            values.browse = added
            # The field's prepare_value copies the list: render() reads the code from here.
            self.browse = added
        elif added and added not in values:
            values.append(added)
        return values

    def value_omitted_from_data(self, data, files, name):
        return name not in data and (name + ADD_SUFFIX) not in data

    def id_for_label(self, id_):
        return f"{id_}{ADD_SUFFIX}" if id_ else id_

    def render(self, name, value, attrs=None, renderer=None):
        chosen = [str(code) for code in (value or []) if code not in (None, "")]
        browse = getattr(value, "browse", "") or getattr(self, "browse", "")
        final_attrs = self.build_attrs(self.attrs, attrs)
        base_id = final_attrs.pop("id", "") or f"id_{name}"
        flat = _flat(self.choices)
        labels = {code: label for code, label in flat if code}
        parents = _parents(labels)

        def path(code):
            names = []
            while code:
                names.append(str(labels[code]).lstrip("– ").strip())
                code = parents[code]
            return " / ".join(reversed(names))

        boxes = format_html_join(
            "",
            '<li class="region-picker__chosen-item"><input type="checkbox" name="{}" '
            'value="{}" id="{}_{}" checked> <label for="{}_{}">{}</label></li>',
            (
                (name, code, base_id, i, base_id, i, path(code))
                for i, code in enumerate(c for c in chosen if c in labels)
            ),
        )
        # Codes that are not offered (they fail validation) are kept so the error can say so.
        kept = format_html_join(
            "",
            '<input type="hidden" name="{}" value="{}">',
            ((name, code) for code in chosen if code not in labels),
        )
        add_attrs = {**final_attrs, "id": base_id + ADD_SUFFIX}
        add_attrs.pop("multiple", None)
        options = [
            ("", _("Choose a region")),
            *visible_region_choices(flat, [browse] if browse else []),
        ]
        add = _select(name + ADD_SUFFIX, add_attrs, options, {browse} if browse else set())
        return format_html(
            '<div class="region-picker">{}{}'
            '<div class="region-picker__add"><label for="{}">{}</label> {} '
            '<button class="button button--secondary" type="submit" name="{}" value="1" '
            "formnovalidate>{}</button></div></div>",
            format_html('<ul class="region-picker__chosen">{}</ul>', boxes) if chosen else "",
            kept,
            base_id + ADD_SUFFIX,
            _("Add a region"),
            add,
            name + BROWSE_SUFFIX,
            _("List its places"),
        )


class RegionMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several regions with a RegionChecklist: asking for a region's places is not a save."""

    widget = RegionChecklist

    def clean(self, value):
        if getattr(value, "browsing", False):
            raise ValidationError(
                _("Choose one of the places now listed under “Add a region”, then save.")
                if value.browse
                else _("Choose a region under “Add a region” first, then list its places."),
                code="browse",
            )
        return super().clean(value)
