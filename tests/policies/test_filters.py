"""The project-wide FilterSet base (talentportal.filters) and the policy FilterSet on it."""

import datetime

import pytest
from django.http import QueryDict

from policies.filters import PolicyFilterSet
from policies.models import Category, Policy, PolicyStatus, TalentGroup
from talentportal.filters import region_choices
from tests.policies.factories import PolicyFactory, region

pytestmark = pytest.mark.django_db


def filtered(query: str = "", **kwargs) -> PolicyFilterSet:
    return PolicyFilterSet(QueryDict(query), queryset=Policy.objects.all(), **kwargs)


def pks(filterset) -> list[int]:
    return list(filterset.qs.values_list("pk", flat=True))


def test_an_empty_query_string_is_the_default_list_not_an_unfiltered_one():
    published = PolicyFactory()
    PolicyFactory(status=PolicyStatus.EXPIRED)
    PolicyFactory(status=PolicyStatus.DRAFT, issued_on=None)
    for filterset in (filtered(), PolicyFilterSet(None, queryset=Policy.objects.all())):
        assert filterset.is_bound
        assert pks(filterset) == [published.pk]
        assert filterset.problems == []
        assert not filterset.is_filtered


def test_drafts_cannot_be_asked_for():
    PolicyFactory(status=PolicyStatus.DRAFT, issued_on=None)
    filterset = filtered("status=draft")
    assert pks(filterset) == []
    assert filterset.problems


def test_an_invalid_value_is_reported_and_left_out_while_valid_ones_apply():
    hangzhou = PolicyFactory(region=region("330100"), categories=[Category.HOUSING])
    PolicyFactory(region=region("320400"), categories=[Category.HOUSING])
    filterset = filtered("region=330000&category=housing&issued_from=2024-02-30&level=9")
    assert pks(filterset) == [hangzhou.pk]
    labels = " ".join(filterset.problems)
    assert "Issued from" in labels or "发布日期" in labels
    assert len(filterset.problems) == 2
    assert filterset.is_filtered


def test_a_reversed_date_range_is_reported_and_ignored():
    policy = PolicyFactory(issued_on=datetime.date(2024, 3, 1))
    filterset = filtered("issued_from=2025-01-01&issued_to=2024-01-01")
    assert pks(filterset) == [policy.pk]
    assert len(filterset.problems) == 1


@pytest.mark.parametrize(
    "query",
    ["region=%00", "level=%00", "category=%00", "industry=%00", "sort=%00", "issued_to=%00"],
)
def test_nul_characters_are_rejected_before_they_reach_the_database(query):
    PolicyFactory()
    filterset = filtered(query)
    assert filterset.problems
    assert len(pks(filterset)) == 1


def test_the_search_text_is_limited_in_length():
    PolicyFactory(title_zh="人才公寓")
    filterset = filtered("q=" + "人才公寓" * 100)
    assert filterset.problems
    assert filterset.search_text == ""
    assert len(pks(filterset)) == 1


def test_search_defaults_to_relevance_and_other_orderings_are_whitelisted():
    PolicyFactory(title_zh="人才公寓")
    assert filtered("q=人才公寓").sort_key == "relevance"
    assert filtered("").sort_key == "newest"
    # Relevance without a search means newest.
    assert filtered("sort=relevance").sort_key == "newest"
    # A search text without a searchable word (punctuation) has no relevance either.
    assert filtered("q=%21%21%21").sort_key == "newest"
    assert len(pks(filtered("q=%21%21%21"))) == 1
    bad = filtered("sort=-title_zh")
    assert bad.sort_key == "newest"
    assert bad.problems


def test_oldest_and_newest_orderings():
    old = PolicyFactory(issued_on=datetime.date(2019, 1, 1))
    new = PolicyFactory(issued_on=datetime.date(2025, 1, 1))
    assert pks(filtered("sort=oldest")) == [old.pk, new.pk]
    assert pks(filtered("sort=newest")) == [new.pk, old.pk]


def test_a_talent_group_includes_policies_for_every_talent():
    doctoral = PolicyFactory(talent_groups=[TalentGroup.DOCTORAL])
    everyone = PolicyFactory(talent_groups=[])
    PolicyFactory(talent_groups=[TalentGroup.SKILLED])
    assert set(pks(filtered("group=doctoral"))) == {doctoral.pk, everyone.pk}


def test_an_industry_filter_does_not_duplicate_rows():
    from tests.talentportal.factories import IndustryFactory

    first, second = IndustryFactory(code="filters-a"), IndustryFactory(code="filters-b")
    policy = PolicyFactory()
    policy.industries.add(first, second)
    assert pks(filtered("industry=filters-a")) == [policy.pk]
    assert filtered("industry=filters-a").qs.count() == 1


def test_the_chosen_region_and_single_category_are_offered_for_following():
    region("330100")
    filterset = filtered("region=330100&category=housing")
    assert filterset.chosen_region.code == "330100"
    assert filterset.chosen_category == "housing"
    assert filtered("category=housing&category=medical_care").chosen_category == ""
    assert filtered("region=999999").chosen_region is None


def test_the_region_list_is_grouped_by_province_and_can_be_passed_in():
    regions = [region("330000"), region("330100"), region("330106"), region("320000")]
    groups = dict(region_choices(regions))
    assert [code for code, _label in groups["浙江省"]] == ["330000", "330100", "330106"]
    # A view that already holds the regions passes them: no query of its own.
    filterset = filtered("region=330100", regions=regions)
    assert filterset.chosen_region.code == "330100"


def test_a_code_that_looks_real_but_is_not_a_region_is_reported():
    region("330100")
    filterset = filtered("region=330199")
    assert filterset.problems and "330199" in filterset.problems[0]
    assert filterset.chosen_region is None
