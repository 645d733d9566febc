"""The filters of the talent library's lists: each candidate filter alone and combined, the
demand and internship filters, and bad values that are reported instead of failing."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from talentportal.choices import Degree, TalentTier
from talentportal.models import Industry
from talents.filters import CandidateFilterSet, DemandFilterSet, InternshipFilterSet
from talents.models import Demand, Internship, SchoolYear, Talent
from tests.policies.factories import region
from tests.talents.factories import (
    DemandFactory,
    EnterpriseFactory,
    InternshipFactory,
    TalentFactory,
    discipline,
)

pytestmark = pytest.mark.django_db


def candidates(query: str = "") -> tuple[CandidateFilterSet, list[Talent]]:
    filterset = CandidateFilterSet(QueryDict(query), Talent.objects.searchable())
    return filterset, list(filterset.qs)


def found(query: str) -> set[int]:
    filterset, talents = candidates(query)
    assert filterset.problems == [], filterset.problems
    return {talent.pk for talent in talents}


@pytest.fixture
def people():
    """Five talents that differ in every criterion."""
    industry = Industry.objects.filter(is_active=True).order_by("position").first()
    other_industry = Industry.objects.filter(is_active=True).order_by("position").last()
    materials = TalentFactory(
        main_discipline=discipline("0805"),  # materials science, in engineering (08)
        highest_degree=Degree.DOCTORATE,
        years_experience=6,
        current_region=region("330106"),  # Xihu, Hangzhou
        graduation_year=2018,
        has_overseas=True,
        tier=TalentTier.C,
        skills=["有限元分析", "python"],
    )
    materials.industries.add(industry)
    mechanical = TalentFactory(
        main_discipline=discipline("0802"),  # mechanical engineering (08)
        highest_degree=Degree.MASTER,
        years_experience=3,
        current_region=region("330212"),  # Yinzhou, Ningbo
        graduation_year=2021,
        skills=["cad"],
    )
    mechanical.industries.add(other_industry)
    economist = TalentFactory(
        main_discipline=discipline("0201"),  # economics (02)
        highest_degree=Degree.BACHELOR,
        years_experience=12,
        current_region=region("320400"),  # Changzhou
        graduation_year=2012,
        tier=TalentTier.E,
        skills=["python", "统计"],
    )
    junior = TalentFactory(
        main_discipline=discipline("0802"),
        highest_degree=Degree.JUNIOR_COLLEGE,
        years_experience=0,
        current_region=region("120116"),  # Binhai, Tianjin
        graduation_year=2025,
    )
    hidden = TalentFactory(
        main_discipline=discipline("0805"),
        highest_degree=Degree.DOCTORATE,
        years_experience=6,
        visibility="hidden",
    )
    return {
        "materials": materials,
        "mechanical": mechanical,
        "economist": economist,
        "junior": junior,
        "hidden": hidden,
        "industry": industry,
        "other_industry": other_industry,
    }


def ids(people, *names) -> set[int]:
    return {people[name].pk for name in names}


# Each candidate filter alone -----------------------------------------------------------------


def test_no_filter_lists_every_findable_talent_but_not_hidden_ones(people):
    assert found("") == ids(people, "materials", "mechanical", "economist", "junior")


def test_a_discipline_category_includes_its_disciplines(people):
    assert found("discipline=08") == ids(people, "materials", "mechanical", "junior")


def test_a_first_level_discipline_is_matched_exactly(people):
    assert found("discipline=0805") == ids(people, "materials")


def test_minimum_degree(people):
    assert found("degree=3") == ids(people, "materials", "mechanical")
    assert found("degree=4") == ids(people, "materials")
    assert found("degree=1") == ids(people, "materials", "mechanical", "economist", "junior")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("years_min=3", ("materials", "mechanical", "economist")),
        ("years_max=3", ("mechanical", "junior")),
        ("years_min=3&years_max=6", ("materials", "mechanical")),
        ("years_min=0&years_max=0", ("junior",)),
    ],
)
def test_years_of_experience_range(people, query, expected):
    assert found(query) == ids(people, *expected)


def test_a_region_includes_its_descendants(people):
    assert found("region=330000") == ids(people, "materials", "mechanical")  # Zhejiang
    assert found("region=330100") == ids(people, "materials")  # Hangzhou
    assert found("region=330106") == ids(people, "materials")  # Xihu district itself
    assert found("region=120000") == ids(people, "junior")


def test_industry(people):
    assert found(f"industry={people['industry'].code}") == ids(people, "materials")
    assert found(f"industry={people['other_industry'].code}") == ids(people, "mechanical")


def test_skills_all_required_any_case_and_any_comma(people):
    assert found("skills=Python") == ids(people, "materials", "economist")
    assert found("skills=python，有限元分析") == ids(people, "materials")
    assert found("skills=python, cad") == set()


def test_tier_one_or_several(people):
    assert found("tier=C") == ids(people, "materials")
    assert found("tier=C&tier=E") == ids(people, "materials", "economist")


def test_overseas(people):
    assert found("overseas=yes") == ids(people, "materials")
    assert found("overseas=no") == ids(people, "mechanical", "economist", "junior")


def test_graduation_year_range(people):
    assert found("graduated_from=2018") == ids(people, "materials", "mechanical", "junior")
    assert found("graduated_to=2018") == ids(people, "materials", "economist")
    assert found("graduated_from=2019&graduated_to=2022") == ids(people, "mechanical")


def test_search_text_finds_words_of_the_profile_and_sorts_by_relevance(people):
    from talents.services import talent_refresh_derived

    people["materials"].headline = "锂电池正极材料研发"
    people["materials"].save(update_fields=["headline"])
    for talent in Talent.objects.all():
        talent_refresh_derived(talent=talent)
    filterset, talents = candidates("q=锂电池")
    assert [t.pk for t in talents] == [people["materials"].pk]
    assert filterset.sort_key == "relevance"
    assert found("q=python") == ids(people, "materials", "economist")


# Combined ------------------------------------------------------------------------------------


def test_discipline_degree_and_years_combined(people):
    assert found("discipline=08&degree=3&years_min=2&years_max=10") == ids(
        people, "materials", "mechanical"
    )
    assert found("discipline=08&degree=4&years_min=2") == ids(people, "materials")


def test_every_filter_at_once(people):
    query = (
        f"discipline=08&degree=4&years_min=5&years_max=8&region=330100"
        f"&industry={people['industry'].code}&skills=python&tier=C&overseas=yes"
        f"&graduated_from=2015&graduated_to=2020&sort=recent"
    )
    assert found(query) == ids(people, "materials")


def test_recent_sort_is_the_default_without_a_search(people):
    people["economist"].save()  # updated last
    filterset, talents = candidates("")
    assert filterset.sort_key == "recent"
    assert talents[0] == people["economist"]


# Bad values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "discipline=99",
        "discipline=%00",
        "degree=7",
        "degree=abc",
        "years_min=-1",
        "years_min=1e9",
        "years_max=99999999999999999999",
        "region=999999",
        "region=33",
        "industry=nope",
        "tier=Z",
        "overseas=maybe",
        "graduated_from=1800",
        "graduated_to=20x0",
        "sort=-pk",
        "skills=" + "x" * 500,
        "q=" + "人" * 300,
    ],
)
def test_a_bad_value_is_reported_and_left_out(people, query):
    filterset, talents = candidates(query)
    assert filterset.problems
    assert {t.pk for t in talents} == ids(people, "materials", "mechanical", "economist", "junior")


def test_reversed_ranges_are_reported_and_ignored(people):
    filterset, talents = candidates("years_min=8&years_max=2&graduated_from=2020&graduated_to=2010")
    assert len(filterset.problems) == 2
    assert len(talents) == 4


def test_a_bad_value_leaves_the_good_ones_working(people):
    filterset, talents = candidates("degree=4&region=nope")
    assert filterset.problems
    assert {t.pk for t in talents} == ids(people, "materials")


# Demands and internships -----------------------------------------------------------------------


def demands(query: str = ""):
    filterset = DemandFilterSet(QueryDict(query), Demand.objects.published())
    return filterset, set(filterset.qs.values_list("pk", flat=True))


def internships(query: str = ""):
    filterset = InternshipFilterSet(QueryDict(query), Internship.objects.published())
    return filterset, set(filterset.qs.values_list("pk", flat=True))


@pytest.fixture
def postings():
    industry = Industry.objects.filter(is_active=True).order_by("position").first()
    today = timezone.localdate()
    in_industry = EnterpriseFactory(industry=industry)
    return {
        "industry": industry,
        "materials": DemandFactory(
            enterprise=in_industry,
            discipline=discipline("0805"),
            min_degree=Degree.DOCTORATE,
            region=region("330106"),
            closing_on=today + datetime.timedelta(days=30),
        ),
        "economics": DemandFactory(
            discipline=discipline("0201"),
            min_degree=Degree.BACHELOR,
            region=region("320400"),
            closing_on=today + datetime.timedelta(days=5),
        ),
        "anyone": DemandFactory(discipline=None, min_degree=Degree.NONE, region=region("330212")),
        "closed": DemandFactory(closing_on=today - datetime.timedelta(days=1)),
        "unpublished": DemandFactory(is_published=False),
        "intern_y3": InternshipFactory(
            enterprise=in_industry, school_year=SchoolYear.YEAR_3, region=region("330106")
        ),
        "intern_any": InternshipFactory(school_year=SchoolYear.ANY, stipend=None),
    }


def test_demand_filters_alone(postings):
    p = postings
    assert demands("")[1] == {p["materials"].pk, p["economics"].pk, p["anyone"].pk}
    assert demands("discipline=08")[1] == {p["materials"].pk}
    assert demands("discipline=0201")[1] == {p["economics"].pk}
    assert demands("degree=2")[1] == {p["economics"].pk, p["anyone"].pk}
    assert demands("region=330000")[1] == {p["materials"].pk, p["anyone"].pk}
    assert demands(f"industry={p['industry'].code}")[1] == {p["materials"].pk}
    later = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    assert demands(f"open_until={later}")[1] == {p["materials"].pk, p["anyone"].pk}


def test_demand_filters_combined(postings):
    p = postings
    assert demands("region=330000&degree=4&discipline=08")[1] == {p["materials"].pk}
    assert demands("region=330000&degree=2&discipline=08")[1] == set()


def test_closing_soonest_sort(postings):
    filterset = DemandFilterSet(QueryDict("sort=closing"), Demand.objects.published())
    first = filterset.qs.first()
    assert first == postings["economics"]


def test_internship_filters(postings):
    p = postings
    assert internships("")[1] == {p["intern_y3"].pk, p["intern_any"].pk}
    assert internships("school_year=year_3")[1] == {p["intern_y3"].pk, p["intern_any"].pk}
    assert internships("school_year=graduate")[1] == {p["intern_any"].pk}
    assert internships("paid=yes")[1] == {p["intern_y3"].pk}
    assert internships("region=330100")[1] == {p["intern_y3"].pk}
    assert internships(f"industry={p['industry'].code}&paid=yes")[1] == {p["intern_y3"].pk}


@pytest.mark.parametrize(
    "query",
    [
        "discipline=xx",
        "degree=9",
        "region=1",
        "industry=%00",
        "open_until=2024-13-01",
        "open_until=9999-01-01",
        "sort=salary",
    ],
)
def test_bad_posting_values_are_reported(postings, query):
    filterset, found_ids = demands(query)
    assert filterset.problems
    assert len(found_ids) == 3


# The fast <select> ---------------------------------------------------------------------------


@pytest.mark.parametrize("multiple", [False, True])
def test_the_fast_select_renders_what_django_renders(multiple):
    from django import forms
    from django.test.html import parse_html

    from talents.widgets import FastSelect, FastSelectMultiple

    choices = [
        ("", "Any <region>"),
        ("浙江 & Co", [("330000", "Zhejiang"), ("330100", '– Hangzhou "city"')]),
        ("Jiangsu", [("320000", "Jiangsu")]),
    ]
    attrs = {"id": "id_region", "form": "search", "aria-describedby": "hint"}
    value = ["330100", "320000"] if multiple else "330100"
    django_widget = (forms.SelectMultiple if multiple else forms.Select)(attrs, choices)
    fast_widget = (FastSelectMultiple if multiple else FastSelect)(attrs, choices)
    expected = django_widget.render("region", value)
    got = fast_widget.render("region", value)
    assert parse_html(got) == parse_html(expected)  # the same elements, attributes and text
