"""axe-core on every public section page, with some content in it, in both languages."""

import pytest

from tests.e2e.a11y import assert_pages_accessible
from tests.policies.factories import BenefitFactory, InterpretationFactory, PolicyFactory, region

pytestmark = pytest.mark.e2e

SECTION_PAGES = [
    "/policies/",
    "/policies/?q=%E4%BD%8F%E6%88%BF&category=housing",  # a search with a filter
    "/policies/compare/",
    "/policies/calculator/",
    "/services/",
    "/talents/",
    "/projects/",
    "/programs/",
    "/apartments/",
]


@pytest.fixture
def library():
    """A few published policies in two provinces, one with a benefit and an interpretation."""
    policies = [
        PolicyFactory(region=region("330100"), title_zh="杭州市高层次人才住房补贴办法"),
        PolicyFactory(region=region("330200"), title_zh="宁波市人才安居实施细则"),
        PolicyFactory(region=region("320400")),
    ]
    BenefitFactory(policy=policies[0])
    InterpretationFactory(policy=policies[0])
    return policies


@pytest.mark.parametrize("language", ["", "/en"], ids=["zh", "en"])
def test_section_pages_are_accessible(page, browser_errors, library, language):
    assert_pages_accessible(page, [language + path for path in SECTION_PAGES])
    assert browser_errors == []


def test_policy_and_error_pages_are_accessible(page, library):
    assert_pages_accessible(page, [library[0].get_absolute_url(), f"/en/policies/{library[1].pk}/"])
    assert_pages_accessible(page, ["/no-such-page/", "/en/no-such-page/"], status=404)
