"""Selects with hundreds of options (regions, disciplines), rendered in Python.

Django renders each <option> through a template include, which for the 568 regions and 212
disciplines of a filter form costs more than all the page's queries together. These widgets
produce the same HTML as Django's templates (attributes, option groups, selected options,
escaping) in one pass.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


def _options(options) -> str:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((option["value"], flatatt(option["attrs"]), option["label"]) for option in options),
    )


class FastSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(
                    format_html('<optgroup label="{}">{}</optgroup>', group_name, _options(options))
                )
            else:
                parts.append(_options(options))
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),  # every part was built by format_html
        )


class FastSelectMultiple(FastSelect, forms.SelectMultiple):
    pass
