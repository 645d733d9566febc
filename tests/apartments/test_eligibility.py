import datetime
from dataclasses import replace

import pytest
from django.utils import translation

from apartments.eligibility import (
    PRIORITY_RULES,
    Applicant,
    community_rules,
    eligibility_check,
    priority_rules_table,
    priority_score,
)
from talents.models import Talent
from tests.apartments.factories import (
    CommunityFactory,
    UnitFactory,
    apply,
    lease_for,
    open_round,
)
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = Applicant(
    tier="C",
    degree=3,
    employed_in_region=True,
    owns_home_in_city=False,
    household_size=2,
    years_in_region=3,
)


def _check(community, applicant, rule, **kwargs):
    result = eligibility_check(community, applicant, **kwargs)
    return next(check for check in result.checks if check.rule == rule), result


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def strict():
    return CommunityFactory(tiers=["A", "B", "C"], min_degree=3, max_lease_months=36)


def test_everything_met_is_eligible_with_a_reason_per_rule(strict):
    result = eligibility_check(strict, GOOD)
    assert result.eligible and result.possible and not result.failed
    assert [check.rule for check in result.checks] == [
        "tier",
        "degree",
        "employed_in_region",
        "no_home",
        "not_tenant",
        "household",
    ]
    assert all(check.reason for check in result.checks)


def test_tier_rule(strict):
    check, result = _check(strict, _with(tier="D"), "tier")
    assert check.passed is False and not result.eligible
    assert "Open to tiers: A – top talent" in check.reason and "You have: D" in check.reason
    check, _ = _check(strict, _with(tier=""), "tier")
    assert check.passed is False and "no tier" in check.reason
    check, _ = _check(strict, _with(tier="A"), "tier")
    assert check.passed is True
    # A community open to any tier does not list the rule at all.
    open_to_all = CommunityFactory(tiers=[])
    assert "tier" not in [c.rule for c in eligibility_check(open_to_all, _with(tier="")).checks]


def test_degree_rule(strict):
    check, _ = _check(strict, _with(degree=2), "degree")
    assert check.passed is False
    assert check.reason == "Requires at least: Master's degree. You have: Bachelor's degree."
    check, _ = _check(strict, _with(degree=4), "degree")
    assert check.passed is True
    assert "degree" not in [c.rule for c in eligibility_check(CommunityFactory(), GOOD).checks]


def test_work_in_city_rule(strict):
    check, _ = _check(strict, _with(employed_in_region=False), "employed_in_region")
    assert check.passed is False and "Changzhou" in check.reason
    relaxed = CommunityFactory(must_work_in_region=False)
    result = eligibility_check(relaxed, _with(employed_in_region=False))
    assert "employed_in_region" not in [c.rule for c in result.checks] and result.eligible


def test_no_home_rule(strict):
    check, _ = _check(strict, _with(owns_home_in_city=True), "no_home")
    assert check.passed is False and "you said you do" in check.reason
    relaxed = CommunityFactory(must_not_own_home=False)
    assert eligibility_check(relaxed, _with(owns_home_in_city=True)).eligible


def test_not_already_a_tenant_rule(strict):
    check, _ = _check(strict, _with(is_tenant=True), "not_tenant")
    assert check.passed is False and "one per person" in check.reason


def test_household_must_fit_a_unit_offered(strict):
    check, _ = _check(strict, _with(household_size=3), "household", layouts=["studio", "one_bed"])
    assert check.passed is False and "houses 2" in check.reason
    check, _ = _check(strict, _with(household_size=3), "household", layouts=["two_bed"])
    assert check.passed is True
    check, _ = _check(strict, _with(household_size=7), "household")
    assert check.passed is False


def test_unknown_facts_are_neither_passed_nor_failed(strict):
    user = UserFactory()  # no talent profile
    applicant = Applicant.from_user(user)
    result = eligibility_check(strict, applicant)
    unknown = [check.rule for check in result.checks if check.passed is None]
    assert unknown == ["tier", "degree", "employed_in_region", "no_home", "household"]
    assert result.possible and not result.eligible
    assert "declare" in next(c for c in result.checks if c.rule == "tier").reason


def test_from_user_reads_the_talent_profile_when_there_is_one(strict):
    user = UserFactory()
    talent = Talent.objects.create(user=user, name="陈思远", tier="B", highest_degree=4)
    applicant = Applicant.from_user(type(user).objects.get(pk=user.pk))
    assert (applicant.tier, applicant.degree) == ("B", 4)
    # An expired tier does not count.
    talent.tier_valid_until = datetime.date(2020, 1, 1)
    talent.save()
    assert Applicant.from_user(type(user).objects.get(pk=user.pk)).tier == ""


def test_a_current_lease_makes_the_user_a_tenant(strict):
    user = UserFactory()
    assert Applicant.from_user(user).is_tenant is False
    lease_for(UnitFactory(), tenant=user)
    assert Applicant.from_user(user).is_tenant is True


def test_community_rules_in_plain_words(strict):
    rules = community_rules(strict)
    assert rules[0].startswith("Open to talents of tier A – top talent")
    assert "At least a master's degree." in rules
    assert any("Changzhou" in rule for rule in rules)
    with translation.override("zh-hans"):
        assert community_rules(strict)


@pytest.mark.parametrize(
    ("tier", "years", "household", "expected"),
    [
        ("", 0, 1, 0),
        ("A", 0, 1, 40),
        ("B", 0, 1, 34),
        ("E", 0, 1, 16),
        ("", 1, 1, 3),
        ("", 10, 1, 30),
        ("", 25, 1, 30),  # years are capped at 30 points
        ("", 0, 2, 6),
        ("", 0, 3, 12),
        ("", 0, 4, 15),
        ("", 0, 9, 15),
        ("C", 4, 3, 28 + 12 + 12),
    ],
)
def test_priority_score(tier, years, household, expected):
    score = priority_score(_with(tier=tier, years_in_region=years, household_size=household))
    assert score.total == expected
    assert [part.label for part in score.parts] == [
        "Talent tier",
        "Years working in the city",
        "Household",
    ]


def test_published_rules_match_the_scoring():
    assert len(priority_rules_table()) == len(PRIORITY_RULES) == 4
    assert "A: 40" in priority_rules_table()[0][1]


def test_submitted_application_stores_its_explained_check():
    community = CommunityFactory(tiers=["A", "B"])
    round = open_round(units_=[UnitFactory(community=community)], community=community)
    eligible = apply(round, tier="A", years_in_region=5)
    refused = apply(round, tier="D", full_name="李娜", phone="13700000000", owns_home_in_city=True)
    assert eligible.eligible is True and eligible.priority_score == 40 + 15
    assert refused.eligible is False
    failed = [check["rule"] for check in refused.eligibility if check["passed"] is False]
    assert failed == ["tier", "no_home"]


def _with(**changes) -> Applicant:
    return replace(GOOD, **changes)
