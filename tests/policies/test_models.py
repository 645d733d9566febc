import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import translation

from policies.models import (
    Benefit,
    Period,
    Policy,
    PolicyAttachment,
    PolicyFollow,
    PolicyStatus,
    comparable_figure,
    segmented_text,
)
from talentportal.choices import Degree
from talentportal.models import RegionLevel
from tests.policies.factories import (
    BenefitFactory,
    PolicyFactory,
    PolicyFollowFactory,
    region,
)
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db


def violates(constraint):
    """The database rejects the write, naming the constraint."""
    return pytest.raises(IntegrityError, match=constraint)


def test_the_body_is_sanitised_on_save():
    policy = PolicyFactory(
        body_zh='<p onclick="x()">第一条<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">链接</a><a href="https://www.zj.gov.cn/">官网</a>'
        "<table><tr><td>表格</td></tr></table><iframe src=x></iframe>",
        body_en="<p>Article 1</p><style>p{}</style><img src=x onerror=alert(1)>",
    )
    policy.refresh_from_db()
    assert policy.body_zh == (
        '<p>第一条</p><a rel="noopener noreferrer">链接</a>'
        '<a href="https://www.zj.gov.cn/" rel="noopener noreferrer">官网</a>'
        "<table><tbody><tr><td>表格</td></tr></tbody></table>"
    )
    assert policy.body_en == "<p>Article 1</p>"


def test_level_follows_the_region():
    assert PolicyFactory(region=region("330000")).level == RegionLevel.PROVINCE
    assert PolicyFactory(region=region("330100")).level == RegionLevel.CITY
    assert PolicyFactory(region=region("120116")).level == RegionLevel.COUNTY


def test_english_falls_back_to_chinese():
    policy = PolicyFactory(title_zh="杭州市人才公寓管理办法", title_en="")
    with translation.override("en"):
        assert policy.title == "杭州市人才公寓管理办法"
        policy.title_en = "Hangzhou talent apartment measures"
        assert policy.title == "Hangzhou talent apartment measures"
    with translation.override("zh-hans"):
        assert policy.title == "杭州市人才公寓管理办法"


def test_segmented_text_reads_the_same_and_is_escaped():
    text = segmented_text("人才公寓<b>")
    assert text.replace("\u200b", "") == "人才公寓&lt;b&gt;"
    assert "\u200b" in text


@pytest.mark.parametrize(
    ("amount", "period", "count", "figure"),
    [
        (400_000, Period.ONCE, None, 400_000),
        (3_000, Period.MONTHLY, 24, 72_000),
        (3_000, Period.MONTHLY, 60, 180_000),  # every month of the term
        (3_000, Period.MONTHLY, None, 108_000),  # open-ended: 36 months
        (50_000, Period.YEARLY, 2, 100_000),
        (80_000, Period.YEARLY, 5, 400_000),  # every year of the term, not "3 years' worth"
        (50_000, Period.YEARLY, None, 150_000),  # open-ended: 3 years
        (1_000_000, Period.TOTAL, 5, 1_000_000),  # the total, however long it takes
        (1_000_000, Period.TOTAL, 2, 1_000_000),
        (100_000, Period.TOTAL, 3, 100_000),
        (None, Period.ONCE, None, None),
    ],
)
def test_comparable_figure_is_the_whole_amount_over_the_term(amount, period, count, figure):
    assert comparable_figure(amount, period, count) == figure


def test_benefit_figures_use_the_range():
    benefit = BenefitFactory.build(
        amount_min=2_000, amount_max=5_000, period=Period.MONTHLY, period_count=12
    )
    assert (benefit.comparable_figure_min, benefit.comparable_figure) == (24_000, 60_000)
    assert BenefitFactory.build(amount_max=None).comparable_figure is None


# Constraints, enforced by the database whatever the form or the admin does.


def test_amount_min_may_not_exceed_amount_max():
    with violates("benefit_amount_range"):
        BenefitFactory(amount_min=200_000, amount_max=100_000)


def test_a_minimum_amount_needs_a_maximum():
    with violates("benefit_amount_range"):
        BenefitFactory(amount_min=200_000, amount_max=None)


def test_a_total_over_years_needs_the_years():
    with violates("benefit_total_has_years"):
        BenefitFactory(period=Period.TOTAL, period_count=None)


def test_period_count_is_positive():
    with violates("benefit_period_count_positive"):
        BenefitFactory(period=Period.MONTHLY, period_count=0)


def test_unknown_tiers_and_enterprise_types_are_rejected():
    with transaction.atomic(), violates("benefit_tiers_known"):
        BenefitFactory(tiers=["Z"])
    with violates("benefit_enterprise_types_known"):
        BenefitFactory(enterprise_types=["pirate_ship"])


def test_unknown_categories_are_rejected():
    with violates("policy_categories_known"):
        PolicyFactory(categories=["housing", "lottery"])


def test_only_a_repealed_policy_has_a_replacement():
    new = PolicyFactory()
    with transaction.atomic(), violates("policy_replaced_only_when_repealed"):
        PolicyFactory(status=PolicyStatus.PUBLISHED, replaced_by=new)
    assert PolicyFactory(status=PolicyStatus.REPEALED, replaced_by=new).replaced_by == new
    assert PolicyFactory(status=PolicyStatus.REPEALED, replaced_by=None).replaced_by is None


def test_a_policy_cannot_replace_itself():
    policy = PolicyFactory(status=PolicyStatus.REPEALED)
    with violates("policy_not_replaced_by_itself"):
        Policy.objects.filter(pk=policy.pk).update(replaced_by=policy)


def test_a_policy_expires_after_it_takes_effect():
    with violates("policy_expires_after_effective"):
        PolicyFactory(effective_on=datetime.date(2024, 4, 1), expires_on=datetime.date(2024, 3, 1))


def test_a_published_policy_has_an_issue_date():
    with transaction.atomic(), violates("policy_published_has_issue_date"):
        PolicyFactory(status=PolicyStatus.PUBLISHED, issued_on=None)
    assert PolicyFactory(status=PolicyStatus.DRAFT, issued_on=None).issued_on is None


def test_a_follow_names_a_region_or_a_category_or_one_policy():
    with transaction.atomic(), violates("policyfollow_one_subject"):
        PolicyFollowFactory(region=None, category="")
    with transaction.atomic(), violates("policyfollow_one_subject"):
        PolicyFollowFactory(region=region("330100"), policy=PolicyFactory())
    user = UserFactory()
    policy = PolicyFactory()
    PolicyFollowFactory(user=user, policy=policy)
    with transaction.atomic(), violates("policyfollow_unique"):
        PolicyFollowFactory(user=user, policy=policy)
    PolicyFollowFactory(user=user, policy=PolicyFactory())
    assert PolicyFollow.objects.filter(user=user).count() == 2


def test_a_follow_is_unique_even_without_a_region():
    user = UserFactory()
    PolicyFollowFactory(user=user, category="housing")
    with transaction.atomic(), violates("policyfollow_unique"):
        PolicyFollowFactory(user=user, category="housing")
    hangzhou = region("330100")
    PolicyFollowFactory(user=user, region=hangzhou)
    with transaction.atomic(), violates("policyfollow_unique"):
        PolicyFollowFactory(user=user, region=hangzhou)
    assert PolicyFollow.objects.filter(user=user).count() == 2


def test_any_change_of_amount_or_conditions_bumps_the_version():
    benefit = BenefitFactory(amount_max=100_000)
    stale = Benefit.objects.get(pk=benefit.pk)

    def version():
        return Benefit.objects.values_list("version", flat=True).get(pk=benefit.pk)

    benefit.description_zh = "说明"
    benefit.save()
    assert version() == 1
    benefit.amount_max = 120_000
    benefit.save()
    assert version() == 2
    Benefit.objects.filter(pk=benefit.pk).update(min_degree=Degree.MASTER)
    assert version() == 3
    Benefit.objects.filter(pk=benefit.pk).update(tiers=["A"], title_zh="新标题")
    assert version() == 4
    # A stale copy with the same amount and conditions does not turn the version back.
    stale = Benefit.objects.get(pk=benefit.pk)
    Benefit.objects.filter(pk=benefit.pk).update(max_age=35)
    stale.max_age = 35
    stale.save()
    assert (stale.version, version()) == (4, 5)
    # Who may get it and whether it is a selection are conditions too.
    Benefit.objects.filter(pk=benefit.pk).update(talent_categories=["postdoc"])
    assert version() == 6
    Benefit.objects.filter(pk=benefit.pk).update(competitive=True)
    assert version() == 7


def test_a_benefit_starts_at_version_one_and_never_goes_back():
    benefit = BenefitFactory()
    assert benefit.version == 1
    Benefit.objects.update(version=0)
    benefit.refresh_from_db()
    assert benefit.version == 1
    with violates("benefit_version_positive"):
        BenefitFactory(version=0)


# Attachments are PDFs by content.


def _attachment(name, content):
    policy = PolicyFactory()
    return PolicyAttachment(policy=policy, title="附件", file=SimpleUploadedFile(name, content))


def test_a_pdf_attachment_is_accepted():
    attachment = _attachment("policy.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    attachment.full_clean()
    attachment.save()
    assert attachment.file.name.startswith("policies/attachments/")


@pytest.mark.parametrize(
    ("name", "content"),
    [("policy.pdf", b"MZ\x90\x00 not a pdf"), ("policy.exe", b"%PDF-1.7\n"), ("a.pdf", b"")],
)
def test_a_file_that_is_not_a_pdf_is_refused(name, content):
    with pytest.raises(ValidationError) as error:
        _attachment(name, content).full_clean()
    assert "file" in error.value.message_dict


def test_an_oversized_attachment_is_refused(settings):
    settings.POLICY_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        _attachment("big.pdf", b"%PDF-1.7\n" + b"0" * 200).full_clean()
    assert [e.code for e in error.value.error_dict["file"]] == ["too_large"]
