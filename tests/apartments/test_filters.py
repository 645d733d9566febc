"""The community list's filters (apartments.filters): each alone, combined, and bad values."""

import pytest
from django.db.models import OuterRef, Subquery
from django.http import QueryDict

from apartments.filters import CommunityFilterSet
from apartments.models import Community, Unit, UnitStatus
from tests.apartments.factories import (
    CHANGZHOU_DISTRICT,
    HANGZHOU_DISTRICT,
    CommunityFactory,
    UnitFactory,
    region,
)

pytestmark = pytest.mark.django_db


def found(query: str = "", **kwargs) -> set[int]:
    filterset = CommunityFilterSet(QueryDict(query), Community.objects.published(), **kwargs)
    return set(filterset.qs.values_list("pk", flat=True))


def problems(query: str) -> list[str]:
    return CommunityFilterSet(QueryDict(query), Community.objects.published()).problems


@pytest.fixture
def communities():
    """Changzhou: a studio community with a vacancy and gym; a two-bed one, full, canteen.
    Hangzhou: a mixed community, with a cheap let studio and a dear available two-bed."""
    changzhou_studios = CommunityFactory(
        name_zh="常州青年公寓", facilities=["gym", "coworking"], region=region(CHANGZHOU_DISTRICT)
    )
    UnitFactory(community=changzhou_studios, layout="studio", monthly_rent=1200)
    changzhou_family = CommunityFactory(
        name_zh="常州家庭公寓", facilities=["canteen"], region=region(CHANGZHOU_DISTRICT)
    )
    UnitFactory(
        community=changzhou_family, layout="two_bed", monthly_rent=3000, status=UnitStatus.LET
    )
    hangzhou = CommunityFactory(
        name_zh="杭州未来公寓",
        name_en="Hangzhou Future Apartments",
        facilities=["gym", "canteen", "childcare"],
        region=region(HANGZHOU_DISTRICT),
    )
    UnitFactory(community=hangzhou, layout="studio", monthly_rent=1000, status=UnitStatus.LET)
    UnitFactory(community=hangzhou, layout="two_bed", monthly_rent=5000)
    CommunityFactory(name_zh="未发布公寓", is_published=False)
    return {"studios": changzhou_studios, "family": changzhou_family, "hangzhou": hangzhou}


def pks(communities, *names) -> set[int]:
    return {communities[name].pk for name in names}


def test_no_filter_lists_every_published_community(communities):
    assert found() == pks(communities, "studios", "family", "hangzhou")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("320000", ("studios", "family")),  # province: its cities and counties
        ("320400", ("studios", "family")),  # city: its districts
        (CHANGZHOU_DISTRICT, ("studios", "family")),
        ("330000", ("hangzhou",)),
        ("330100", ("hangzhou",)),
    ],
)
def test_region_includes_the_regions_below(communities, code, expected):
    assert found(f"region={code}") == pks(communities, *expected)


def test_a_region_without_communities_is_not_a_choice(communities):
    assert found("region=120000") == pks(communities, "studios", "family", "hangzhou")
    assert problems("region=120000")


def test_layout_any_of(communities):
    assert found("layout=studio") == pks(communities, "studios", "hangzhou")
    assert found("layout=two_bed") == pks(communities, "family", "hangzhou")
    assert found("layout=studio&layout=two_bed") == pks(
        communities, "studios", "family", "hangzhou"
    )
    assert found("layout=three_bed") == set()


def test_rent_range(communities):
    assert found("rent_max=1100") == pks(communities, "hangzhou")
    assert found("rent_min=2000") == pks(communities, "family", "hangzhou")
    assert found("rent_min=1100&rent_max=3500") == pks(communities, "studios", "family")


def test_facilities_all_of(communities):
    assert found("facility=gym") == pks(communities, "studios", "hangzhou")
    assert found("facility=gym&facility=canteen") == pks(communities, "hangzhou")
    assert found("facility=clinic") == set()


def test_vacancies_now(communities):
    assert found("vacant=1") == pks(communities, "studios", "hangzhou")
    assert found("vacant=on") == pks(communities, "studios", "hangzhou")


def test_search_by_name_or_address_in_either_language(communities):
    assert found("q=青年") == pks(communities, "studios")
    assert found("q=future") == pks(communities, "hangzhou")
    assert found("q=常州 家庭") == pks(communities, "family")


def test_layout_rent_and_vacancy_speak_of_the_same_unit(communities):
    # Hangzhou has a studio (let, 1,000) and an available two-bed (5,000): no available studio.
    assert found("layout=studio&vacant=1") == pks(communities, "studios")
    assert found("layout=studio&rent_max=1100") == pks(communities, "hangzhou")
    assert found("layout=studio&rent_max=1100&vacant=1") == set()
    assert found("layout=two_bed&vacant=1&rent_min=4000") == pks(communities, "hangzhou")


def test_filters_combine(communities):
    assert found("region=320000&facility=gym&vacant=1") == pks(communities, "studios")
    assert found("region=330000&layout=two_bed&rent_min=4000&facility=childcare") == pks(
        communities, "hangzhou"
    )
    assert found("region=320000&layout=studio&facility=canteen") == set()


def test_sort_orders(communities):
    # The list view annotates what the sort keys need; the same annotations here.
    rent_low = Subquery(
        Unit.objects.filter(community=OuterRef("pk"))
        .order_by("monthly_rent")
        .values("monthly_rent")[:1]
    )
    queryset = Community.objects.published().with_occupancy().annotate(rent_low=rent_low)

    def order(sort):
        filterset = CommunityFilterSet(QueryDict(f"sort={sort}"), queryset)
        return list(filterset.qs.values_list("name_zh", flat=True))

    assert order("region")[:2] == sorted(["常州青年公寓", "常州家庭公寓"])
    assert order("vacancies")[-1] == "常州家庭公寓"
    assert order("rent")[0] == "杭州未来公寓"


@pytest.mark.parametrize(
    "query",
    [
        "rent_min=abc",
        "rent_max=-1",
        "rent_min=99999999",
        "layout=penthouse",
        "facility=spa",
        "region=99",
        "sort=drop table",
        "rent_min=3000&rent_max=1000",
        "q=" + "x" * 300,
    ],
)
def test_a_bad_value_is_reported_and_left_out(communities, query):
    assert problems(query)
    assert found(query) == pks(communities, "studios", "family", "hangzhou")


def test_the_vacancy_checkbox_is_on_when_present_unless_false(communities):
    assert found("vacant=maybe") == pks(communities, "studios", "hangzhou")
    assert found("vacant=false") == pks(communities, "studios", "family", "hangzhou")


def test_good_filters_still_apply_beside_a_bad_one(communities):
    assert found("rent_min=abc&facility=gym") == pks(communities, "studios", "hangzhou")
