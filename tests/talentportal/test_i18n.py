"""`localized(obj, field)`: the English value in English when there is one, else Chinese."""

import ast
import inspect
import textwrap

import pytest
from django.apps import apps
from django.utils import translation

from talentportal.i18n import localized
from tests.projects.roadshow_factories import InvestorFactory

PROJECT_APPS = {"talentportal", "policies", "talents", "projects", "apartments", "ecosystem"}


def _localized_calls(model) -> list[tuple[str, str]]:
    """(field, Chinese attribute) of each `localized(self, "field"[, chinese=…])` in the model."""
    try:
        source = inspect.getsource(model)
    except OSError:  # a model built at run time (pghistory's events, m2m tables)
        return []
    tree = ast.parse(textwrap.dedent(source))
    calls = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "localized"):
            continue
        if not (isinstance(node.args[0], ast.Name) and node.args[0].id == "self"):
            continue
        field = node.args[1].value
        chinese = next((k.value.value for k in node.keywords if k.arg == "chinese"), "")
        calls.append((field, chinese or f"{field}_zh"))
    return calls


def test_every_localized_field_exists_in_both_languages():
    """A model that names a bilingual field has both of its columns. The investor's Chinese
    name is `name`, not `name_zh`: asking for `name_zh` crashed every Chinese page that
    showed an investor."""
    checked, missing = 0, []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        fields = {f.name for f in model._meta.get_fields()}
        for field, chinese in _localized_calls(model):
            checked += 1
            missing += [
                f"{model.__name__}.{name}"
                for name in (chinese, f"{field}_en")
                if name not in fields
            ]
    assert checked > 40, "the walk found the models' bilingual properties"
    assert not missing, missing


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "name_en", "expected"),
    [
        ("zh-hans", "Hangzhou Ventures", "杭州创投"),
        ("en", "Hangzhou Ventures", "Hangzhou Ventures"),
        ("en", "", "杭州创投"),
        ("zh-hans", "", "杭州创投"),
    ],
)
def test_an_investors_name_in_each_language(language, name_en, expected):
    investor = InvestorFactory(name="杭州创投", name_en=name_en)
    with translation.override(language):
        assert investor.display_name == expected == str(investor)
        assert localized(investor, "name", chinese="name") == expected
