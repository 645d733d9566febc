import datetime
import io
import random

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.utils import timezone

from policies import demo
from policies.models import (
    Benefit,
    BenefitKind,
    Category,
    Interpretation,
    Period,
    Policy,
    PolicyStatus,
    TalentGroup,
)
from policies.services import (
    benefit_update,
    compare_regions,
    followers_of,
    policy_expire,
    policy_follow,
    policy_publish,
    policy_repeal,
    policy_review,
    policy_unfollow,
    results_changed_by,
    saved_profile_save,
)
from talentportal.choices import Degree, TalentTier
from talentportal.models import Notification, Region, RegionLevel
from tests.policies.factories import BenefitFactory, PolicyFactory, PolicyFollowFactory, region
from tests.talentportal.factories import IndustryFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return StaffFactory(is_superuser=False)


@pytest.fixture
def draft():
    return PolicyFactory(
        status=PolicyStatus.DRAFT,
        issued_on=None,
        region=region("330106"),
        categories=[Category.HOUSING, Category.TALENT_INTRODUCTION],
        title_zh="西湖区高层次人才购房补贴实施办法",
        title_en="Xihu District housing subsidies for high-level talent",
    )


# Publishing, expiring, repealing


def test_publishing_a_draft(draft, staff):
    policy_publish(policy=draft, by=staff)
    assert draft.status == PolicyStatus.PUBLISHED
    assert draft.issued_on == timezone.localdate()


def test_publishing_keeps_an_issue_date(staff):
    policy = PolicyFactory(status=PolicyStatus.DRAFT, issued_on=datetime.date(2023, 5, 16))
    policy_publish(policy=policy, by=staff)
    assert policy.issued_on == datetime.date(2023, 5, 16)


def test_expire_and_republish(staff):
    policy = PolicyFactory(effective_on=datetime.date(2024, 1, 1))
    policy_expire(policy=policy, by=staff)
    assert (policy.status, policy.expires_on) == (PolicyStatus.EXPIRED, timezone.localdate())
    policy_publish(policy=policy, by=staff)
    assert policy.status == PolicyStatus.PUBLISHED


def test_repeal_with_a_replacement(staff):
    old, new = PolicyFactory(), PolicyFactory()
    policy_repeal(policy=old, by=staff, replaced_by=new)
    assert (old.status, old.replaced_by) == (PolicyStatus.REPEALED, new)
    assert list(new.replaces.all()) == [old]


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (PolicyStatus.PUBLISHED, policy_publish),
        (PolicyStatus.REPEALED, policy_publish),
        (PolicyStatus.DRAFT, policy_expire),
        (PolicyStatus.EXPIRED, policy_expire),
        (PolicyStatus.DRAFT, policy_repeal),
        (PolicyStatus.REPEALED, policy_repeal),
    ],
)
def test_impossible_transitions_are_refused(staff, status, action):
    policy = PolicyFactory(status=status)
    with pytest.raises(ValidationError):
        action(policy=policy, by=staff)
    policy.refresh_from_db()
    assert policy.status == status


def test_a_policy_cannot_replace_itself_or_be_replaced_by_a_repealed_one(staff):
    policy = PolicyFactory()
    with pytest.raises(ValidationError):
        policy_repeal(policy=policy, by=staff, replaced_by=policy)
    with pytest.raises(ValidationError):
        policy_repeal(
            policy=policy, by=staff, replaced_by=PolicyFactory(status=PolicyStatus.REPEALED)
        )


def test_region_staff_change_only_their_region(draft):
    ningbo_staff = StaffFactory(is_superuser=False, staff_region=region("330200"))
    hangzhou_staff = StaffFactory(is_superuser=False, staff_region=region("330100"))
    with pytest.raises(PermissionDenied):
        policy_publish(policy=draft, by=ningbo_staff)
    with pytest.raises(PermissionDenied):
        policy_publish(policy=draft, by=UserFactory())
    policy_publish(policy=draft, by=hangzhou_staff)
    assert draft.status == PolicyStatus.PUBLISHED
    with pytest.raises(PermissionDenied):
        benefit_update(benefit=BenefitFactory(policy=draft), by=ningbo_staff, amount_max=1)


def test_reviewing_a_policy(staff):
    policy = PolicyFactory(last_reviewed_on=None)
    policy_review(policy=policy, by=staff, on=datetime.date(2025, 1, 2))
    assert policy.last_reviewed_on == datetime.date(2025, 1, 2)


# Follow notifications on publication


def test_followers_of_the_region_around_or_below_and_of_a_category(draft):
    follows = {
        "xihu": PolicyFollowFactory(region=region("330106")).user,
        "hangzhou": PolicyFollowFactory(region=region("330100")).user,
        "zhejiang": PolicyFollowFactory(region=region("330000")).user,
        "housing": PolicyFollowFactory(category=Category.HOUSING).user,
        "hangzhou_housing": PolicyFollowFactory(
            region=region("330100"), category=Category.HOUSING
        ).user,
    }
    others = [
        PolicyFollowFactory(region=region("330110")).user,  # a sibling district
        PolicyFollowFactory(region=region("320000")).user,
        PolicyFollowFactory(category=Category.MEDICAL_CARE).user,
        PolicyFollowFactory(region=region("330100"), category=Category.MEDICAL_CARE).user,
        PolicyFollowFactory(region=region("330200"), category=Category.HOUSING).user,
    ]
    users = set(followers_of(draft))
    assert users == set(follows.values())
    assert users.isdisjoint(others)


def test_a_provincial_policy_reaches_followers_of_its_cities(staff):
    policy = PolicyFactory(status=PolicyStatus.DRAFT, region=region("330000"), categories=[])
    hangzhou = PolicyFollowFactory(region=region("330100")).user
    jiangsu = PolicyFollowFactory(region=region("320400")).user
    assert set(followers_of(policy)) == {hangzhou}
    assert jiangsu not in followers_of(policy)


def test_followers_are_told_once_on_first_publication(
    draft, staff, django_capture_on_commit_callbacks
):
    user = UserFactory(preferred_language="en", email="wang.fang@example.com")
    PolicyFollowFactory(user=user, region=region("330100"))
    PolicyFollowFactory(user=user, category=Category.HOUSING)
    inactive = UserFactory(is_active=False)
    PolicyFollowFactory(user=inactive, category=Category.HOUSING)
    with django_capture_on_commit_callbacks(execute=True):
        policy_publish(policy=draft, by=staff)
    notification = Notification.objects.get(recipient=user)
    assert notification.subject == (
        "New policy in Xihu District: Xihu District housing subsidies for high-level talent"
    )
    assert notification.url == draft.get_absolute_url()
    assert "Xihu District housing subsidies for high-level talent" in notification.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wang.fang@example.com"]
    assert not Notification.objects.filter(recipient=inactive).exists()
    # Expiring and republishing is not news.
    policy_expire(policy=draft, by=staff)
    policy_publish(policy=draft, by=staff)
    assert Notification.objects.filter(recipient=user).count() == 1


def test_follow_and_unfollow():
    user = UserFactory()
    follow = policy_follow(user=user, region=region("330100"))
    assert policy_follow(user=user, region=region("330100")) == follow
    with pytest.raises(ValidationError):
        policy_follow(user=user)
    policy_unfollow(user=UserFactory(), follow_id=follow.pk)  # not theirs: nothing happens
    assert user.policy_follows.count() == 1
    policy_unfollow(user=user, follow_id=follow.pk)
    assert user.policy_follows.count() == 0


# Benefit versions and changed calculator results


@pytest.fixture
def phd_subsidy():
    return BenefitFactory(
        policy__region=region("330100"),
        amount_max=400_000,
        min_degree=Degree.DOCTORATE,
        title_zh="博士购房补贴",
        title_en="Housing subsidy for PhDs",
    )


def talent_with_profile(regions, **fields):
    user = UserFactory(preferred_language="en")
    saved, _result = saved_profile_save(user=user, regions=regions, **fields)
    return saved


def test_an_amount_change_bumps_the_version(phd_subsidy, staff):
    benefit_update(benefit=phd_subsidy, by=staff, amount_max=500_000)
    phd_subsidy.refresh_from_db()
    assert (phd_subsidy.amount_max, phd_subsidy.version) == (500_000, 2)


def test_an_industry_change_bumps_the_version(phd_subsidy, staff):
    benefit_update(benefit=phd_subsidy, by=staff, industries=[IndustryFactory()])
    phd_subsidy.refresh_from_db()
    assert phd_subsidy.version == 2
    assert phd_subsidy.industries.count() == 1


def test_a_wording_change_keeps_the_version(phd_subsidy, staff):
    changes = benefit_update(
        benefit=phd_subsidy, by=staff, description_zh="说明", amount_max=400_000
    )
    phd_subsidy.refresh_from_db()
    assert (phd_subsidy.description_zh, phd_subsidy.version) == ("说明", 1)
    assert changes == []


def test_an_invalid_change_is_refused(phd_subsidy, staff):
    with pytest.raises(ValidationError):
        benefit_update(benefit=phd_subsidy, by=staff, amount_min=900_000)
    with pytest.raises(TypeError):
        benefit_update(benefit=phd_subsidy, by=staff, version=7)
    phd_subsidy.refresh_from_db()
    assert (phd_subsidy.amount_min, phd_subsidy.version) == (None, 1)


def test_talents_whose_result_changes_are_told_what_changed(
    phd_subsidy, staff, django_capture_on_commit_callbacks
):
    hangzhou = region("330100")
    phd = talent_with_profile([hangzhou], degree=Degree.DOCTORATE)
    master = talent_with_profile([hangzhou], degree=Degree.MASTER)
    far_away = talent_with_profile([region("320400")], degree=Degree.DOCTORATE)
    young_phd = talent_with_profile([region("330106")], degree=Degree.DOCTORATE, age=30)

    with django_capture_on_commit_callbacks(execute=True):
        changes = benefit_update(benefit=phd_subsidy, by=staff, amount_max=500_000)
    assert {c.profile for c in changes} == {phd, young_phd}
    change = next(c for c in changes if c.profile == phd)
    assert (change.value_before, change.value_after) == (400_000, 500_000)
    notification = Notification.objects.get(recipient=phd.user)
    assert notification.subject == "Changed for you: Housing subsidy for PhDs"
    assert "Before: up to 400,000 yuan" in notification.body
    assert "Now: up to 500,000 yuan" in notification.body
    assert notification.url.endswith("/policies/calculator/")
    assert not Notification.objects.filter(recipient__in=[master.user, far_away.user]).exists()
    # The master is told nothing, but the snapshot follows the new version.
    master.refresh_from_db()
    assert master.result[str(phd_subsidy.pk)] == {
        "version": 2,
        "eligible": False,
        "value": 500_000,
    }
    phd.refresh_from_db()
    assert phd.result[str(phd_subsidy.pk)]["value"] == 500_000
    assert len(mail.outbox) == 2


def test_gaining_and_losing_a_benefit(phd_subsidy, staff):
    hangzhou = region("330100")
    master = talent_with_profile([hangzhou], degree=Degree.MASTER, age=40)
    old_phd = talent_with_profile([hangzhou], degree=Degree.DOCTORATE, age=50)

    changes = benefit_update(benefit=phd_subsidy, by=staff, min_degree=Degree.MASTER, max_age=45)
    by_profile = {c.profile: c for c in changes}
    assert by_profile[master].gained
    assert by_profile[old_phd].lost
    assert Notification.objects.get(recipient=master.user).subject == (
        "You now qualify for: Housing subsidy for PhDs"
    )
    assert Notification.objects.get(recipient=old_phd.user).subject == (
        "You no longer qualify for: Housing subsidy for PhDs"
    )
    # Nothing changes the second time round.
    assert results_changed_by(benefit=phd_subsidy) == []


def test_a_benefit_newly_reaching_a_tier_is_announced(staff):
    benefit = BenefitFactory(
        policy__region=region("330000"), tiers=[TalentTier.A], amount_max=1_000_000
    )
    tier_c = talent_with_profile([region("330200")], tier=TalentTier.C)
    assert tier_c.result[str(benefit.pk)]["eligible"] is False  # a near miss
    changes = benefit_update(
        benefit=benefit, by=staff, tiers=[TalentTier.A, TalentTier.B, TalentTier.C]
    )
    assert [c.profile for c in changes] == [tier_c]
    assert changes[0].gained


def test_a_period_change_changes_the_value(phd_subsidy, staff):
    phd = talent_with_profile([region("330100")], degree=Degree.DOCTORATE)
    changes = benefit_update(benefit=phd_subsidy, by=staff, period=Period.YEARLY, period_count=2)
    assert [(c.value_before, c.value_after) for c in changes] == [(400_000, 800_000)]
    assert changes[0].profile == phd


# Demo data


def _library_fingerprint():
    return (
        list(
            Policy.objects.order_by("document_number").values_list(
                "document_number", "title_zh", "status", "region_id", "replaced_by__document_number"
            )
        ),
        list(
            Benefit.objects.order_by("policy__document_number", "position").values_list(
                "kind", "amount_min", "amount_max", "period", "period_count", "min_degree"
            )
        ),
        Interpretation.objects.count(),
    )


def test_the_demo_library_is_deterministic_and_idempotent():
    out = io.StringIO()
    demo.seed(scale="small", rng=random.Random("demo"), stdout=out)
    assert "300 new" in out.getvalue()
    first = _library_fingerprint()
    demo.seed(scale="small", rng=random.Random("demo"), stdout=out)
    assert "0 new" in out.getvalue()
    assert _library_fingerprint() == first
    Policy.objects.update(replaced_by=None)
    Policy.objects.all().delete()
    demo.seed(scale="small", rng=random.Random("demo"), stdout=io.StringIO())
    assert _library_fingerprint() == first


def test_the_demo_library_covers_every_city_and_compares():
    demo.seed(scale="small", rng=random.Random("demo"), stdout=io.StringIO())
    cities = Region.objects.filter(
        Q(parent_id__in=["330000", "320000"], level=RegionLevel.CITY) | Q(parent_id="120000")
    )
    assert cities.count() == 11 + 13 + 16
    covered = set(Policy.objects.published().values_list("region_id", flat=True))
    assert set(cities.values_list("code", flat=True)) <= covered
    assert Policy.objects.filter(region__level=RegionLevel.COUNTY, region__code__startswith="33")
    counts = Policy.objects.annotate(n=Count("benefits")).values_list("n", flat=True)
    assert min(counts) >= 2 and max(counts) <= 6
    assert not Policy.objects.published().filter(title_en="").exists()
    assert Policy.objects.search("鲲鹏计划").first().region_id == "120116"
    assert Policy.objects.search("人才公寓").exists()
    assert Policy.objects.search("talent apartment").exists()
    table = compare_regions(
        regions=[Region.objects.get(code=c) for c in ("330100", "330200", "320400")],
        group=TalentGroup.DOCTORAL,
    )
    housing = next(r for r in table.rows if r.kind == BenefitKind.HOUSING_SUBSIDY)
    assert all(cell.figure for cell in housing.cells)
    assert any(cell.best for cell in housing.cells)


def test_followers_of_a_policy_hear_of_the_one_that_replaces_it(
    draft, staff, django_capture_on_commit_callbacks
):
    old = PolicyFactory(region=region("330106"), title_zh="西湖区旧政策")
    follower = UserFactory()
    PolicyFollowFactory(user=follower, policy=old)
    bystander = UserFactory()
    PolicyFollowFactory(user=bystander, policy=PolicyFactory(region=region("330106")))
    with django_capture_on_commit_callbacks(execute=True):
        policy_publish(policy=draft, by=staff)  # not news for a follower of one policy
    assert not Notification.objects.filter(recipient=follower).exists()
    with django_capture_on_commit_callbacks(execute=True):
        policy_repeal(policy=old, by=staff, replaced_by=draft)
    notification = Notification.objects.get(recipient=follower)
    assert notification.url == draft.get_absolute_url()
    assert not Notification.objects.filter(recipient=bystander).exists()
