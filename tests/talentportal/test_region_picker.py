"""The region picker ships a few dozen options however large the catalogue, works without
JavaScript (province → city → county, one form submission per level), and filters exactly as a
region code always did."""

import re

import pytest
from django.test import Client

from policies.models import Policy
from talentportal.models import Region, RegionLevel
from talentportal.region_picker import visible_region_choices
from tests.auth_helpers import login_verified
from tests.policies.factories import PolicyFactory, region
from tests.talentportal.factories import UserFactory
from tests.talents.factories import recruiter

pytestmark = pytest.mark.django_db

# Hangzhou (a city of Zhejiang), Xihu District (a county of Hangzhou), and outside both.
ZHEJIANG, HANGZHOU, XIHU, NINGBO, JIANGSU = "330000", "330100", "330106", "330200", "320000"
OPTION_LIMIT = 60

FILTER_PAGES = [
    "/policies/",
    "/services/",
    "/demands/",
    "/internships/",
    "/projects/",
    "/investors/",
    "/roadshows/",
    "/apartments/",
    "/apartments/occupancy/",
    "/service-points/",
    "/alliances/",
    "/finance/",
    "/feedback/",
]


@pytest.fixture
def large_catalogue(db):
    """The shipped catalogue plus ten counties under every city that has none: about 3,500
    regions, as many as a catalogue of every county in the country."""
    cities = Region.objects.filter(level=RegionLevel.CITY)
    with_counties = set(
        Region.objects.filter(level=RegionLevel.COUNTY).values_list("parent_id", flat=True)
    )
    Region.objects.bulk_create(
        Region(
            code=f"{city.code[:4]}{n:02d}",
            parent=city,
            level=RegionLevel.COUNTY,
            name_zh=f"{city.name_zh}第{n}区",
            name_en=f"District {n} of {city.name_en}",
        )
        for city in cities
        if city.code not in with_counties
        for n in range(1, 11)
    )
    for code in (ZHEJIANG, HANGZHOU, XIHU, NINGBO, JIANGSU):
        region(code)
    assert Region.objects.count() > 3000


def region_options(html: str, name: str = "region", *, required=True) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if not required and select is None:
        return []
    assert select, f"no <select name={name}>"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


def enterprise_client() -> Client:
    client = Client()
    login_verified(client, recruiter())
    return client


@pytest.mark.parametrize("url", FILTER_PAGES)
def test_every_filter_form_offers_a_few_dozen_regions(client, large_catalogue, url):
    """(Some lists offer only the regions they have rows in: then there may be no list.)"""
    for code in ["", ZHEJIANG, HANGZHOU, XIHU]:
        response = client.get(url, {"region": code} if code else {})
        assert response.status_code == 200
        assert len(region_options(response.content.decode(), required=False)) < OPTION_LIMIT


def test_candidate_search_offers_a_few_dozen_regions(large_catalogue):
    client = enterprise_client()
    for code in ["", ZHEJIANG, HANGZHOU, XIHU]:
        response = client.get("/talents/search/", {"region": code} if code else {})
        assert response.status_code == 200
        html = response.content.decode()
        assert len(region_options(html)) < OPTION_LIMIT
        if code:
            assert f'<option value="{code}" selected>' in html


def test_the_list_drills_down_from_province_to_city_to_county(client, large_catalogue):
    top = region_options(client.get("/policies/").content.decode())
    assert ZHEJIANG in top and JIANGSU in top and HANGZHOU not in top
    province = region_options(client.get("/policies/", {"region": ZHEJIANG}).content.decode())
    assert {ZHEJIANG, JIANGSU, HANGZHOU, NINGBO} <= set(province) and XIHU not in province
    city = region_options(client.get("/policies/", {"region": HANGZHOU}).content.decode())
    assert {ZHEJIANG, HANGZHOU, NINGBO, XIHU} <= set(city) and JIANGSU not in city
    county = region_options(client.get("/policies/", {"region": XIHU}).content.decode())
    assert {ZHEJIANG, HANGZHOU, XIHU, "330102"} <= set(county)
    # "All regions" always leads back to the top.
    assert all(options[0] == "" for options in (top, province, city, county))


def test_filtering_by_province_city_or_county_gives_the_same_results(client, large_catalogue):
    in_county = PolicyFactory(region=region(XIHU))
    in_city = PolicyFactory(region=region(HANGZHOU))
    in_province = PolicyFactory(region=region(ZHEJIANG))
    elsewhere = PolicyFactory(region=region(JIANGSU))

    def listed(code):
        response = client.get("/policies/", {"region": code})
        assert not response.context["filter"].problems
        return {policy.pk for policy in response.context["page_obj"]}

    # A region's list: its own policies, those of the places in it, and those of the regions
    # above it that apply there too (a county's talents also get the city's benefits).
    assert listed(ZHEJIANG) == {in_county.pk, in_city.pk, in_province.pk}
    assert listed(HANGZHOU) == {in_county.pk, in_city.pk, in_province.pk}
    assert listed(XIHU) == {in_county.pk, in_city.pk, in_province.pk}
    assert listed(JIANGSU) == {elsewhere.pk}
    assert listed("") == {in_county.pk, in_city.pk, in_province.pk, elsewhere.pk}
    # A county can be asked for directly (a shared link), before the list offers it.
    assert Policy.objects.count() == 4


def test_visible_choices_follow_the_codes():
    choices = [
        ("", "All"),
        ("120000", "Tianjin"),
        ("120101", "– – Heping"),
        ("330000", "Zhejiang"),
        ("330100", "– Hangzhou"),
        ("330106", "– – Xihu"),
        ("330200", "– Ningbo"),
        ("330203", "– – Haishu"),
    ]
    codes = lambda selected: [v for v, _l in visible_region_choices(choices, selected)]  # noqa: E731
    assert codes([]) == ["", "120000", "330000"]
    assert codes(["120000"]) == ["", "120000", "120101", "330000"]
    assert codes(["120101"]) == ["", "120000", "120101"]  # a district under a municipality
    assert codes(["330106"]) == ["", "330000", "330100", "330106", "330200"]
    assert codes(["999999"]) == ["", "120000", "330000"]  # unknown: the top


# The talent profile's preferred work regions ---------------------------------------------------


def profile_post(**overrides) -> dict:
    data = {
        "name": "李明",
        "gender": "",
        "birth_year": "1990",
        "headline": "Battery materials researcher",
        "current_region": XIHU,
        "skills": "Python",
        "phone": "",
        "email": "",
        "education-TOTAL_FORMS": "0",
        "education-INITIAL_FORMS": "0",
        "experience-TOTAL_FORMS": "0",
        "experience-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_preferred_work_regions_are_picked_without_a_multi_select(large_catalogue):
    from talents.models import Talent

    user = UserFactory(kind="talent")
    client = Client()
    login_verified(client, user)
    page = client.get("/me/profile/").content.decode()
    assert 'name="work_regions" multiple' not in page
    assert len(region_options(page, "work_regions_add")) < OPTION_LIMIT

    # Listing a province's places saves nothing and offers its cities.
    response = client.post(
        "/me/profile/", profile_post(work_regions_add=ZHEJIANG, work_regions_browse="1")
    )
    # (The form is answered as not saved: 400, as for any form to correct.)
    assert response.status_code == 400 and not Talent.objects.filter(user=user).exists()
    html = response.content.decode()
    assert "Choose one of the places now listed" in html or "然后保存" in html
    offered = region_options(html, "work_regions_add")
    assert HANGZHOU in offered and len(offered) < OPTION_LIMIT

    # Adding a city saves it; the next save adds another and keeps the first (ticked).
    response = client.post("/me/profile/", profile_post(work_regions_add=HANGZHOU))
    assert response.status_code == 302
    talent = Talent.objects.get(user=user)
    assert list(talent.work_regions.values_list("code", flat=True)) == [HANGZHOU]
    response = client.post(
        "/me/profile/", profile_post(work_regions=[HANGZHOU], work_regions_add=JIANGSU)
    )
    assert response.status_code == 302
    assert sorted(talent.work_regions.values_list("code", flat=True)) == [JIANGSU, HANGZHOU]
    page = client.get("/me/profile/").content.decode()
    assert re.search(rf'name="work_regions" value="{HANGZHOU}"[^>]*checked', page)

    # Unticking removes.
    response = client.post("/me/profile/", profile_post(work_regions=[JIANGSU]))
    assert response.status_code == 302
    assert list(talent.work_regions.values_list("code", flat=True)) == [JIANGSU]
