"""The ecosystem's FilterSets on their own: each filter alone and combined, regions including
their descendants, choices limited to what is published, and bad values reported, not fatal."""

import pytest
from django.http import QueryDict

from ecosystem.filters import (
    AllianceFilterSet,
    FeedbackBoardFilterSet,
    ProductFilterSet,
    ServicePointFilterSet,
)
from ecosystem.models import Alliance, Feedback, FinancialProduct, ServicePoint
from tests.ecosystem.factories import (
    AllianceFactory,
    ProductFactory,
    ServicePointFactory,
    feedback_at,
)
from tests.policies.factories import region
from tests.talentportal.workflow_factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


def results(filterset_class, queryset, query: str) -> tuple[set, list]:
    filterset = filterset_class(QueryDict(query), queryset)
    return set(filterset.qs), filterset.problems


def test_service_point_filters():
    xihu = ServicePointFactory(region=region("330106"), kind="homeland")
    ningbo = ServicePointFactory(region=region("330212"), kind="enclave", address_zh="鄞州大道1号")
    item = ServiceItemFactory()
    xihu.services.add(item)
    points = ServicePoint.objects.published()

    assert results(ServicePointFilterSet, points, "") == ({xihu, ningbo}, [])
    assert results(ServicePointFilterSet, points, "region=330000")[0] == {xihu, ningbo}
    assert results(ServicePointFilterSet, points, "region=330100")[0] == {xihu}
    assert results(ServicePointFilterSet, points, "kind=enclave")[0] == {ningbo}
    assert results(ServicePointFilterSet, points, f"service={item.pk}")[0] == {xihu}
    assert results(ServicePointFilterSet, points, "q=鄞州大道")[0] == {ningbo}
    assert results(ServicePointFilterSet, points, "q=鄞州大道&kind=homeland")[0] == set()


def test_service_point_choices_hold_only_what_is_published():
    ServicePointFactory(region=region("330106"))
    hidden = ServicePointFactory(region=region("120116"), is_published=False)
    hidden.services.add(ServiceItemFactory())
    filterset = ServicePointFilterSet(QueryDict(""), ServicePoint.objects.published())
    codes = [code for _group, options in filterset.filters["region"].extra["choices"]
             for code, _label in options]  # fmt: skip
    assert codes == ["330000", "330100", "330106"]
    assert filterset.filters["service"].extra["choices"] == []


@pytest.mark.parametrize(
    "query",
    [
        "region=120116",  # a real region without a published service point
        "region=abc",
        "kind=castle",
        "service=999999",
        "service=x",
        "sort=nonsense",
        "region=33%00",
        "q=" + "长" * 201,
    ],
)
def test_service_point_bad_values_are_reported(query):
    point = ServicePointFactory()
    found, problems = results(ServicePointFilterSet, ServicePoint.objects.published(), query)
    assert found == {point} and len(problems) == 1


def test_alliance_filters():
    hangzhou = AllianceFactory(region=region("330100"))
    huaian = AllianceFactory(
        region=region("320800"), kind="consortium", lead_organisation_zh="淮安职业技术学院"
    )
    alliances = Alliance.objects.published()
    assert results(AllianceFilterSet, alliances, "kind=consortium")[0] == {huaian}
    assert results(AllianceFilterSet, alliances, "region=320000")[0] == {huaian}
    assert results(AllianceFilterSet, alliances, "q=职业技术")[0] == {huaian}
    assert results(AllianceFilterSet, alliances, "kind=industry&region=330000")[0] == {hangzhou}
    found, problems = results(AllianceFilterSet, alliances, "industry=none")
    assert found == {hangzhou, huaian} and problems


def test_product_filters_follow_the_eligibility_rules():
    tier_ab = ProductFactory(eligible_tiers=["A", "B"])
    high_tech = ProductFactory(eligible_enterprise_types=["high_tech"], kind="insurance")
    either = ProductFactory(eligible_tiers=["C"], eligible_enterprise_types=["private"])
    everyone = ProductFactory(kind="card_benefit")
    products = FinancialProduct.objects.published()
    assert results(ProductFilterSet, products, "tier=A")[0] == {tier_ab, everyone}
    assert results(ProductFilterSet, products, "tier=C")[0] == {either, everyone}
    assert results(ProductFilterSet, products, "enterprise_type=high_tech")[0] == {
        high_tech,
        everyone,
    }
    assert results(ProductFilterSet, products, "enterprise_type=private&tier=C")[0] == {
        either,
        everyone,
    }
    assert results(ProductFilterSet, products, "kind=insurance")[0] == {high_tech}
    found = results(ProductFilterSet, products, f"institution={tier_ab.institution_id}")[0]
    assert found == {tier_ab}
    found, problems = results(ProductFilterSet, products, "tier=Z&enterprise_type=castle")
    assert len(found) == 4 and len(problems) == 2


def test_feedback_board_filters():
    housing = feedback_at("published")
    education = feedback_at("published", category="education", region=region("330100"))
    feedback_at("rated")  # consented, not published: never on the board
    board = Feedback.objects.public_board()
    assert results(FeedbackBoardFilterSet, board, "")[0] == {housing, education}
    assert results(FeedbackBoardFilterSet, board, "category=education")[0] == {education}
    assert results(FeedbackBoardFilterSet, board, "region=330106")[0] == {housing}
    assert results(FeedbackBoardFilterSet, board, "region=330100")[0] == {housing, education}
    found, problems = results(FeedbackBoardFilterSet, board, "q=anything&category=x")
    assert found == {housing, education} and len(problems) == 1  # no search on the board
