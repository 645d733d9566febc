"""The fast form renderer writes exactly what Django's widget templates write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from talentportal.form_renderer import FastRenderer
from talentportal.models import Industry

GROUPED = [
    ("", "—"),
    ("Zhejiang <east>", [("330100", "杭州市"), ("330200", 'Ningbo "& co"')]),
    ("Jiangsu", [("320100", gettext_lazy("Region")), (320400, mark_safe("<b>常州</b>"))]),
    ("x", "A lone option"),
]
FLAT = [("a", "Apple & pear"), ("b", gettext_lazy("Industry")), (3, "三"), ("", "None")]


def widgets():
    attrs = {"class": "choices", "data-x": 'a"b', "required": True, "hidden": False}
    return [
        (forms.CheckboxSelectMultiple(attrs=attrs, choices=FLAT), ["a", 3]),
        (forms.CheckboxSelectMultiple(choices=GROUPED), ["330200", "320400"]),
        (forms.CheckboxSelectMultiple(choices=FLAT), None),
        (forms.RadioSelect(attrs={"class": "radio", "disabled": True}, choices=FLAT), "b"),
        (forms.RadioSelect(choices=GROUPED), "x"),
        (forms.Select(attrs=attrs, choices=GROUPED), "330100"),
        (forms.Select(choices=FLAT), 3),
        (forms.Select(choices=[]), None),
        (forms.SelectMultiple(choices=GROUPED), ["330100", "320100"]),
        (forms.NullBooleanSelect(), True),
    ]


@pytest.mark.parametrize("case", range(len(widgets())))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_choice_widgets_render_as_django_s_templates(case, language):
    widget, value = widgets()[case]
    with override(language):
        for attrs in ({"id": "id_field"}, {}):
            expected = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())
            assert widget.render("field", value, attrs=attrs, renderer=FastRenderer()) == expected


@pytest.mark.django_db
def test_a_model_choice_field_renders_as_django_s_templates():
    Industry.objects.create(code="zz-test", name_zh="测试 <业>", name_en="Test & co")
    for widget in (forms.Select, forms.CheckboxSelectMultiple, forms.RadioSelect):
        field = forms.ModelChoiceField(Industry.objects.order_by("code"), widget=widget)
        chosen = Industry.objects.get(code="zz-test").pk
        fast = field.widget.render("industry", chosen, {"id": "i"}, renderer=FastRenderer())
        assert fast == field.widget.render("industry", chosen, {"id": "i"}, DjangoTemplates())
        assert "测试 &lt;业&gt;" in fast


def test_a_widget_with_its_own_option_template_is_left_to_its_template(monkeypatch):
    class Starred(forms.RadioSelect):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Starred(choices=FLAT)
    assert widget.render("f", "a", renderer=FastRenderer()) == widget.render(
        "f", "a", renderer=DjangoTemplates()
    )


def test_the_site_uses_the_fast_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "talentportal.form_renderer.FastRenderer"
    assert isinstance(get_default_renderer(), FastRenderer)
