"""Talent.objects: searchable(), visible_to(), matching() with each filter alone and combined,
search() and count_upto()."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from talentportal.choices import Degree
from talentportal.models import Industry
from talents.models import Talent, Visibility
from talents.services import talent_delete
from tests.policies.factories import region
from tests.talentportal.factories import StaffFactory
from tests.talents.factories import TalentFactory, discipline, recruiter

pytestmark = pytest.mark.django_db


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


@pytest.fixture
def people():
    """Five findable talents that differ in every searchable respect, plus hidden ones."""
    ai = Industry.objects.get(code="artificial-intelligence")
    materials = Industry.objects.get(code="new-materials")
    specs = {
        "materials_phd": {
            "highest_degree": Degree.DOCTORATE,
            "main_discipline": discipline("0805"),
            "years_experience": 6,
            "current_region": region("330106"),  # Xihu, Hangzhou
            "skills": ["锂电池", "python"],
            "tier": "C",
            "has_overseas": True,
            "graduation_year": 2019,
            "industries": [materials],
            "work_regions": [region("330100"), region("320400")],
        },
        "software_master": {
            "highest_degree": Degree.MASTER,
            "main_discipline": discipline("0835"),
            "years_experience": 3,
            "current_region": region("330212"),  # Yinzhou, Ningbo
            "skills": ["python", "django"],
            "graduation_year": 2022,
            "industries": [ai],
            "work_regions": [region("330200")],
        },
        "cs_bachelor": {
            "highest_degree": Degree.BACHELOR,
            "main_discipline": discipline("0812"),
            "years_experience": 10,
            "current_region": region("320400"),  # Changzhou
            "skills": ["java"],
            "graduation_year": 2015,
            "industries": [ai, materials],
        },
        "physics_phd": {
            "highest_degree": Degree.DOCTORATE,
            "main_discipline": discipline("0702"),
            "years_experience": 0,
            "current_region": region("120116"),  # Binhai, Tianjin
            "skills": ["量子计算"],
            "tier": "B",
            "has_overseas": True,
            "graduation_year": 2025,
        },
        "college": {
            "highest_degree": Degree.JUNIOR_COLLEGE,
            "main_discipline": None,
            "years_experience": 2,
            "current_region": region("330100"),  # Hangzhou itself
            "skills": [],
            "graduation_year": 2023,
        },
    }
    created = {}
    for name, spec in specs.items():
        spec = dict(spec)
        industries = spec.pop("industries", [])
        work_regions = spec.pop("work_regions", [])
        talent = TalentFactory(name=name, **spec)
        talent.industries.set(industries)
        talent.work_regions.set(work_regions)
        created[name] = talent
    # Never found, whatever the filters: hidden, no consent, deleted.
    TalentFactory(
        name="hidden",
        visibility=Visibility.HIDDEN,
        highest_degree=Degree.DOCTORATE,
        main_discipline=discipline("0805"),
        skills=["python"],
    )
    TalentFactory(name="no_consent", consents=[], highest_degree=Degree.DOCTORATE)
    gone = TalentFactory(name="deleted", highest_degree=Degree.DOCTORATE)
    talent_delete(gone.user)
    return created


ALL = {"materials_phd", "software_master", "cs_bachelor", "physics_phd", "college"}


def match(**filters):
    return names(Talent.objects.searchable().matching(**filters))


# --- searchable and visible_to ---------------------------------------------------------------


def test_searchable_excludes_hidden_unconsented_and_deleted(people):
    assert names(Talent.objects.searchable()) == ALL
    assert match() == ALL


def test_visible_to_each_role(people):
    public = TalentFactory(name="public", visibility=Visibility.PUBLIC_SUMMARY)
    hidden_self = TalentFactory(name="me", visibility=Visibility.HIDDEN)
    assert names(Talent.objects.visible_to(AnonymousUser())) == {"public"}
    assert names(Talent.objects.visible_to(None)) == {"public"}
    assert names(Talent.objects.visible_to(recruiter())) == ALL | {"public"}
    assert names(Talent.objects.visible_to(recruiter(pending=True))) == {"public"}
    assert names(Talent.objects.visible_to(hidden_self.user)) == {"public", "me"}
    staff = names(Talent.objects.visible_to(StaffFactory()))
    assert ALL | {"public", "me", "hidden", "no_consent"} <= staff and "deleted" not in staff
    assert public.listed


# --- each filter alone -----------------------------------------------------------------------


def test_discipline_first_level(people):
    assert match(discipline=discipline("0805")) == {"materials_phd"}
    assert match(discipline="0835") == {"software_master"}


def test_discipline_category_includes_its_disciplines(people):
    assert match(discipline="08") == {"materials_phd", "software_master", "cs_bachelor"}
    assert match(discipline=discipline("07")) == {"physics_phd"}
    assert match(discipline="12") == set()


def test_min_degree(people):
    assert match(min_degree=Degree.DOCTORATE) == {"materials_phd", "physics_phd"}
    assert match(min_degree=Degree.MASTER) == {"materials_phd", "physics_phd", "software_master"}
    assert match(min_degree=Degree.BACHELOR) == ALL - {"college"}
    assert match(min_degree=Degree.NONE) == ALL


def test_years_range_either_end_open(people):
    assert match(years=(3, 6)) == {"materials_phd", "software_master"}
    assert match(years=(5, None)) == {"materials_phd", "cs_bachelor"}
    assert match(years=(None, 2)) == {"physics_phd", "college"}
    assert match(years=(None, None)) == ALL


def test_region_includes_descendants(people):
    assert match(region=region("330100")) == {"materials_phd", "college"}
    assert match(region=region("330000")) == {"materials_phd", "college", "software_master"}
    assert match(region=region("330106")) == {"materials_phd"}
    assert match(region=region("320000")) == {"cs_bachelor"}
    assert match(region=region("120000")) == {"physics_phd"}


def test_work_region_includes_descendants(people):
    assert match(work_region=region("320000")) == {"materials_phd"}
    assert match(work_region=region("330000")) == {"materials_phd", "software_master"}


def test_industry(people):
    ai = Industry.objects.get(code="artificial-intelligence")
    assert match(industry=ai) == {"software_master", "cs_bachelor"}
    assert match(industry=ai.pk) == {"software_master", "cs_bachelor"}


def test_skills_all_of_them_case_insensitive(people):
    assert match(skills=["Python"]) == {"materials_phd", "software_master"}
    assert match(skills=["python", "DJANGO "]) == {"software_master"}
    assert match(skills=["锂电池"]) == {"materials_phd"}
    assert match(skills=["cobol"]) == set()
    assert match(skills=["", "  "]) == ALL


def test_tier(people):
    assert match(tier="C") == {"materials_phd"}
    assert match(tier=["B", "C"]) == {"materials_phd", "physics_phd"}


def test_overseas(people):
    assert match(overseas=True) == {"materials_phd", "physics_phd"}
    assert match(overseas=False) == ALL - {"materials_phd", "physics_phd"}


def test_graduation_year_exact_and_range(people):
    assert match(graduation_year=2022) == {"software_master"}
    assert match(graduation_year=(2019, 2023)) == {"materials_phd", "software_master", "college"}
    assert match(graduation_year=(2024, None)) == {"physics_phd"}


# --- combined --------------------------------------------------------------------------------


def test_discipline_degree_and_years_combined(people):
    assert match(discipline="08", min_degree=Degree.MASTER, years=(2, 8)) == {
        "materials_phd",
        "software_master",
    }
    assert match(discipline="08", min_degree=Degree.DOCTORATE, years=(0, 5)) == set()


def test_every_filter_at_once(people):
    ai = Industry.objects.get(code="new-materials")
    found = match(
        discipline="08",
        min_degree=Degree.DOCTORATE,
        years=(5, 7),
        region=region("330000"),
        work_region=region("320400"),
        industry=ai,
        skills=["python"],
        tier="C",
        overseas=True,
        graduation_year=(2018, 2020),
    )
    assert found == {"materials_phd"}
    # Change any one criterion and nobody matches.
    assert match(discipline="08", region=region("320000"), tier="C") == set()
    assert match(skills=["python"], overseas=False, min_degree=Degree.DOCTORATE) == set()


def test_matching_on_the_public_set_respects_visibility(people):
    Talent.objects.filter(name="software_master").update(visibility=Visibility.PUBLIC_SUMMARY)
    assert names(Talent.objects.public().matching(skills=["python"])) == {"software_master"}


# --- text search, ordering and counts --------------------------------------------------------


def test_search_ranks_skills_and_headline(people):
    from talents.services import talent_refresh_derived

    for talent in Talent.objects.all():
        talent_refresh_derived(talent=talent)
    Talent.objects.filter(name="software_master").update(
        search_tokens="django python 后端 开发 工程师"
    )
    found = list(Talent.objects.searchable().search("python").values_list("name", flat=True))
    assert set(found) == {"materials_phd", "software_master"}
    assert names(Talent.objects.searchable().search("锂电池")) == {"materials_phd"}
    assert names(Talent.objects.searchable().search("")) == ALL


def test_recent_orders_by_update_time(people):
    Talent.objects.filter(name="college").update(updated_at=timezone.now())
    assert Talent.objects.searchable().recent().first().name == "college"


def test_count_upto_stops_counting(people):
    assert Talent.objects.searchable().count_upto(100) == 5
    assert Talent.objects.searchable().count_upto(3) == 4  # "more than 3"


def test_a_search_page_query_is_one_query(people, django_assert_num_queries):
    from talents.privacy import SUMMARY_SELECT_RELATED, masked_summary

    queryset = (
        Talent.objects.searchable()
        .matching(discipline="08", min_degree=Degree.BACHELOR, skills=["python"])
        .select_related(*SUMMARY_SELECT_RELATED)
        .recent()
    )
    with django_assert_num_queries(1):
        summaries = [masked_summary(t) for t in queryset[:20]]
    assert len(summaries) == 2
