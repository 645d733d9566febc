"""The form renderer (FORM_RENDERER): Django's, with its choice widgets drawn in Python.

Django draws a <select> and a group of checkboxes or radio buttons with one template per
option, each including two more: about a fifth of a millisecond an option, which made the
filter forms of the list pages (a few hundred options between them) most of the time a page
took to build. `FastRenderer` writes the same HTML, character for character, for Django's own
templates of those widgets (tests/talentportal/test_form_renderer.py compares the two) and
leaves every other template, including a widget's own template, to Django.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}"
        + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


def _input_option(option: dict) -> str:
    """django/forms/widgets/checkbox_option.html (or radio_option.html), input_option.html
    and input.html, with the line break each template file ends with."""
    value = option["value"]
    html = (
        f'<input type="{conditional_escape(option["type"])}" '
        f'name="{conditional_escape(option["name"])}"'
        + ("" if value is None else f' value="{conditional_escape(str(value))}"')
        + _attrs(option["attrs"])
        + ">\n"
    )
    if option["wrap_label"]:
        option_id = option["attrs"].get("id")
        label_for = f' for="{conditional_escape(option_id)}"' if option_id else ""
        html = f"<label{label_for}>{html} {conditional_escape(option['label'])}</label>"
    return html + "\n\n"


def _multiple_input(widget: dict) -> str:
    """django/forms/widgets/multiple_input.html (checkboxes and radio buttons)."""
    widget_id = widget["attrs"].get("id")
    css_class = widget["attrs"].get("class")
    parts = [
        "<div",
        f' id="{conditional_escape(widget_id)}"' if widget_id else "",
        f' class="{conditional_escape(css_class)}"' if css_class else "",
        ">",
    ]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{conditional_escape(group)}</label>")
        for option in options:
            parts.append(f"<div>\n    {_input_option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html and select_option.html."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{conditional_escape(group)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


#: Django's templates that are drawn in Python, and the option templates they must use.
FAST_TEMPLATES = {
    "django/forms/widgets/checkbox_select.html": (
        _multiple_input,
        "django/forms/widgets/checkbox_option.html",
    ),
    "django/forms/widgets/radio.html": (_multiple_input, "django/forms/widgets/radio_option.html"),
    "django/forms/widgets/select.html": (_select, "django/forms/widgets/select_option.html"),
}


class FastRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        fast = FAST_TEMPLATES.get(template_name)
        widget = context.get("widget") if fast else None
        if widget is not None and _options_use(widget, fast[1]):
            return mark_safe(fast[0](widget).strip())
        return super().render(template_name, context, request)


def _options_use(widget: dict, option_template: str) -> bool:
    """Whether every option is drawn with Django's own option template (a widget with an
    option template of its own is left to it)."""
    return all(
        option["template_name"] == option_template
        for _group, options, _index in widget.get("optgroups", ())
        for option in options
    )
