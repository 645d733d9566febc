"""Every template of the project compiles, and every template it extends or includes by name
exists: a typo in a tag, a missing `{% load %}` or a renamed include fails here, not on the
one page a person opens. The crawl (tests/crawl) renders them with real data."""

from pathlib import Path

import pytest
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import TemplateDoesNotExist, engines
from django.template.loader_tags import ExtendsNode, IncludeNode

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
TEMPLATES = sorted(
    (directory, path.relative_to(directory).as_posix())
    for directory in TEMPLATE_DIRS
    for path in directory.rglob("*")
    if path.suffix in {".html", ".txt", ".xml", ".ics"} and path.is_file()
)
django_engine = engines["django"]


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 100


def named_templates(nodelist) -> list[str]:
    """The names of the templates a node list extends or includes with a literal name."""
    names = []
    for node in nodelist:
        if isinstance(node, ExtendsNode | IncludeNode):
            expression = node.parent_name if isinstance(node, ExtendsNode) else node.template
            if not expression.is_var and not expression.filters:  # a literal name
                names.append(str(expression.var))
        for attribute in getattr(node, "child_nodelists", ()):
            children = getattr(node, attribute, None)
            if children:
                names.extend(named_templates(children))
    return names


@pytest.mark.parametrize(("directory", "name"), TEMPLATES, ids=[name for _, name in TEMPLATES])
def test_template_compiles_and_its_parents_and_includes_exist(directory, name):
    template = django_engine.from_string((directory / name).read_text())
    for used in named_templates(template.template.nodelist):
        find_template(used)


def find_template(name: str):
    """A page's template, or a form widget's (those the form renderer finds, such as Django's
    own widget templates). Raises TemplateDoesNotExist."""
    try:
        return django_engine.get_template(name)
    except TemplateDoesNotExist:
        return get_default_renderer().get_template(name)


def test_a_missing_include_inside_a_block_is_found():
    template = django_engine.from_string(
        '{% extends "base.html" %}{% block content %}{% if x %}'
        '{% include "no/such/template.html" %}{% endif %}{% endblock %}'
    )
    assert named_templates(template.template.nodelist) == ["base.html", "no/such/template.html"]
    with pytest.raises(TemplateDoesNotExist):
        find_template("no/such/template.html")
