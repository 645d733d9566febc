import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from policies.models import BenefitKind, Period, PolicyStatus, TalentCategory, TalentGroup
from policies.services import compare_regions
from talentportal.choices import Degree
from tests.policies.factories import BenefitFactory, PolicyFactory, region

pytestmark = pytest.mark.django_db


def cell(table, kind, code):
    row = next(r for r in table.rows if r.kind == kind)
    return next(c for c in row.cells if c.region.code == code)


@pytest.fixture
def regions():
    return [region("330100"), region("330200"), region("320400")]


@pytest.fixture
def housing(regions):
    """PhD housing subsidies: Hangzhou pays 400,000 once; Ningbo 5,000 a month for 5 years;
    Changzhou up to 1,000,000 in total over 5 years; Zhejiang adds a province-wide one."""
    hangzhou = BenefitFactory(
        policy__region=regions[0], amount_max=400_000, min_degree=Degree.DOCTORATE
    )
    ningbo = BenefitFactory(
        policy__region=regions[1],
        amount_max=5_000,
        period=Period.MONTHLY,
        period_count=60,
        min_degree=Degree.DOCTORATE,
    )
    changzhou = BenefitFactory(
        policy__region=regions[2],
        amount_min=300_000,
        amount_max=1_000_000,
        period=Period.TOTAL,
        period_count=5,
        min_degree=Degree.DOCTORATE,
    )
    zhejiang = BenefitFactory(
        policy__region=region("330000"), amount_max=100_000, min_degree=Degree.DOCTORATE
    )
    return hangzhou, ningbo, changzhou, zhejiang


def test_cells_hold_the_regions_benefits_and_their_provinces(regions, housing):
    hangzhou, ningbo, changzhou, zhejiang = housing
    table = compare_regions(regions=regions, group=TalentGroup.DOCTORAL)
    assert [c.region.code for c in table.rows[0].cells] == ["330100", "330200", "320400"]
    offers = {
        code: [o.benefit for o in cell(table, BenefitKind.HOUSING_SUBSIDY, code).offers]
        for code in ("330100", "330200", "320400")
    }
    assert offers == {
        "330100": [hangzhou, zhejiang],
        "330200": [ningbo, zhejiang],
        "320400": [changzhou],
    }


def test_figures_are_normalised_and_the_best_cell_marked(regions, housing):
    table = compare_regions(regions=regions, group=TalentGroup.DOCTORAL)
    figures = {
        code: cell(table, BenefitKind.HOUSING_SUBSIDY, code).figure
        for code in ("330100", "330200", "320400")
    }
    # The whole amount over the term, for every period: 400,000 once; 5,000 × 60 months;
    # 1,000,000 in total over 5 years.
    assert figures == {"330100": 400_000, "330200": 300_000, "320400": 1_000_000}
    best = [c.region.code for c in table.rows[0].cells if c.best]
    assert best == ["320400"]
    changzhou = cell(table, BenefitKind.HOUSING_SUBSIDY, "320400").offers[0]
    assert (changzhou.figure_min, changzhou.figure, changzhou.is_range) == (
        300_000,
        1_000_000,
        True,
    )


def test_a_yearly_payment_counts_for_all_its_years(regions):
    """The issue's case: Hangzhou's 80,000 × 5 years is 400,000, more than Ningbo's 350,000
    (not a "3-year value" of 240,000)."""
    BenefitFactory(
        policy__region=regions[0], amount_max=80_000, period=Period.YEARLY, period_count=5
    )
    BenefitFactory(policy__region=regions[1], amount_max=350_000)
    table = compare_regions(regions=regions[:2])
    assert [(c.figure, c.best) for c in table.rows[0].cells] == [(400_000, True), (350_000, False)]


def test_a_total_per_region_without_selections(regions, housing):
    BenefitFactory(policy__region=regions[1], kind=BenefitKind.RENT_SUBSIDY, amount_max=36_000)
    BenefitFactory(
        policy__region=regions[1], kind=BenefitKind.AWARD, amount_max=900_000, competitive=True
    )
    table = compare_regions(regions=regions)
    totals = [(t.region.code, t.total, t.best) for t in table.totals]
    # Hangzhou: the higher of its 400,000 and Zhejiang's 100,000; Ningbo: 300,000 + 36,000
    # (the 900,000 award is a selection: shown, never counted).
    assert totals == [
        ("330100", 400_000, False),
        ("330200", 336_000, False),
        ("320400", 1_000_000, True),
    ]
    award = cell(table, BenefitKind.AWARD, "330200")
    assert award.offers and award.figure is None


def test_ties_mark_every_best_cell(regions):
    for r in regions[:2]:
        BenefitFactory(policy__region=r, kind=BenefitKind.RENT_SUBSIDY, amount_max=36_000)
    table = compare_regions(regions=regions[:2])
    assert [c.best for c in table.rows[0].cells] == [True, True]


def test_non_monetary_benefits_appear_without_a_figure(regions):
    apartment = BenefitFactory(
        policy__region=regions[0], kind=BenefitKind.TALENT_APARTMENT, amount_max=None
    )
    table = compare_regions(regions=regions)
    row = table.rows[0]
    assert row.kind == BenefitKind.TALENT_APARTMENT
    assert [o.benefit for o in row.cells[0].offers] == [apartment]
    assert row.cells[0].figure is None
    assert not any(c.best for c in row.cells)
    assert row.cells[1].offers == []


def test_rows_follow_the_order_of_benefit_kinds(regions):
    BenefitFactory(policy__region=regions[0], kind=BenefitKind.MEDICAL_GREEN_CHANNEL)
    BenefitFactory(policy__region=regions[1], kind=BenefitKind.HOUSING_SUBSIDY)
    BenefitFactory(policy__region=regions[2], kind=BenefitKind.LIVING_ALLOWANCE)
    table = compare_regions(regions=regions)
    assert [r.kind for r in table.rows] == [
        BenefitKind.HOUSING_SUBSIDY,
        BenefitKind.LIVING_ALLOWANCE,
        BenefitKind.MEDICAL_GREEN_CHANNEL,
    ]


def test_the_group_selects_policies_and_reachable_benefits(regions):
    for_masters = BenefitFactory(
        policy__region=regions[0],
        policy__talent_groups=[TalentGroup.MASTERS],
        min_degree=Degree.MASTER,
    )
    for_phds = BenefitFactory(
        policy__region=regions[0],
        policy__talent_groups=[TalentGroup.DOCTORAL],
        min_degree=Degree.DOCTORATE,
    )
    for_everyone = BenefitFactory(policy__region=regions[0], policy__talent_groups=[])
    phd_in_general_policy = BenefitFactory(policy__region=regions[0], min_degree=Degree.DOCTORATE)

    def offered(group):
        table = compare_regions(regions=regions, group=group)
        return {o.benefit for row in table.rows for o in row.cells[0].offers}

    assert offered(TalentGroup.MASTERS) == {for_masters, for_everyone}
    assert offered(TalentGroup.DOCTORAL) == {for_phds, for_everyone, phd_in_general_policy}
    assert offered(None) == {for_masters, for_phds, for_everyone, phd_in_general_policy}


def test_a_group_sees_only_its_own_rung_and_category(regions):
    """A PhD comparison leaves out the master's and bachelor's allowances of a graduates'
    policy (the lower rungs of its ladder) and the postdocs' and skilled workers' benefits;
    a bachelor-or-higher benefit with no higher rung stays."""
    groups = [TalentGroup.GRADUATES, TalentGroup.MASTERS, TalentGroup.DOCTORAL]
    graduates = PolicyFactory(region=regions[0], talent_groups=groups)
    living = {
        degree: BenefitFactory(
            policy=graduates,
            kind=BenefitKind.LIVING_ALLOWANCE,
            min_degree=degree,
            amount_max=amount,
        )
        for degree, amount in (
            (Degree.DOCTORATE, 100_000),
            (Degree.MASTER, 50_000),
            (Degree.BACHELOR, 30_000),
        )
    }
    hukou = BenefitFactory(
        policy=graduates, kind=BenefitKind.HOUSEHOLD_REGISTRATION, min_degree=Degree.BACHELOR
    )
    postdoc = BenefitFactory(
        policy__region=regions[0],
        policy__talent_groups=[TalentGroup.DOCTORAL, TalentGroup.RESEARCHERS],
        kind=BenefitKind.LIVING_ALLOWANCE,
        min_degree=Degree.DOCTORATE,
        amount_max=200_000,
        talent_categories=[TalentCategory.POSTDOC],
    )

    def offered(group):
        table = compare_regions(regions=regions, group=group)
        return {o.benefit for row in table.rows for o in row.cells[0].offers}

    assert offered(TalentGroup.DOCTORAL) == {living[Degree.DOCTORATE], hukou}
    assert offered(TalentGroup.MASTERS) == {living[Degree.MASTER], hukou}
    assert offered(TalentGroup.GRADUATES) == {living[Degree.BACHELOR], hukou}
    assert offered(TalentGroup.RESEARCHERS) == {postdoc}


def test_only_published_policies_are_compared(regions):
    BenefitFactory(policy__region=regions[0], policy__status=PolicyStatus.DRAFT)
    BenefitFactory(policy__region=regions[0], policy__status=PolicyStatus.REPEALED)
    assert compare_regions(regions=regions).rows == []


def test_the_comparison_is_one_query(regions, housing, django_assert_num_queries):
    for r in regions:
        policy = PolicyFactory(region=r)
        for kind in BenefitKind.values:
            BenefitFactory(policy=policy, kind=kind)
    with django_assert_num_queries(1):
        table = compare_regions(regions=regions)
        table.csv_rows()
    assert len(table.rows) == len(BenefitKind.values)


def test_csv_rows(regions, housing):
    with translation.override("en"):
        lines = compare_regions(regions=regions, group=TalentGroup.DOCTORAL).csv_rows()
    assert lines[0] == [
        "Benefit",
        "Hangzhou (330100): benefits",
        "Hangzhou (330100): yuan",
        "Hangzhou (330100): best",
        "Ningbo (330200): benefits",
        "Ningbo (330200): yuan",
        "Ningbo (330200): best",
        "Changzhou (320400): benefits",
        "Changzhou (320400): yuan",
        "Changzhou (320400): best",
    ]
    assert lines[1][0] == "Housing purchase subsidy"
    # Numbers in the figure columns, the best marked in a column of its own.
    assert lines[1][2::3] == [400_000, 300_000, 1_000_000]
    assert lines[1][3::3] == ["", "", 1]
    assert lines[-1][0] == "Total"
    assert lines[-1][2::3] == [400_000, 300_000, 1_000_000]
    assert lines[-1][3::3] == ["", "", 1]


@pytest.mark.parametrize("count", [0, 5])
def test_one_to_four_regions(count):
    codes = ["330100", "330200", "320400", "320800", "120116"][:count]
    with pytest.raises(ValidationError):
        compare_regions(regions=[region(c) for c in codes])


def test_an_unknown_group_is_refused(regions):
    with pytest.raises(ValidationError):
        compare_regions(regions=regions, group="astronauts")


def test_the_page_states_the_normalisation_and_shows_the_totals(client, regions, housing):
    response = client.get(
        "/en/policies/compare/", {"regions": "330100,330200,320400", "group": "doctoral"}
    )
    body = response.content.decode()
    assert "the whole amount a benefit pays over its term" in body
    assert "a payment with no stated end counts for three years" in body
    total_row = body[body.index('class="policy-compare__total"') :]
    total_row = total_row[: total_row.index("</tr>")]
    assert "400,000" in total_row and "300,000" in total_row and "1,000,000" in total_row
    assert total_row.count("★") == 1
