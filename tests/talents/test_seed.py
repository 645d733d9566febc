import io
import random
from collections import Counter

import pytest
from django.db import connection, transaction

from talentportal import demo as core_seed
from talentportal.choices import Degree
from talentportal.management.commands.seed_demo import SEED
from talentportal.models import AccountKind, User
from talentportal.workflow import reference_next
from talents import demo as talents_seed
from talents.models import (
    ConsentPurpose,
    ContactRequest,
    Demand,
    Enterprise,
    EnterpriseMember,
    Evaluation,
    Internship,
    ProfileAccess,
    Talent,
    TalentCard,
    Visibility,
    validate_credit_code,
)
from talents.services import consent_give, derived_values
from tests.talentportal.factories import UserFactory
from tests.talents.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def run_seed(scale: str = "small") -> str:
    out = io.StringIO()
    core_seed.seed(scale=scale, rng=random.Random(f"{SEED}:talentportal"), stdout=out)
    talents_seed.seed(scale=scale, rng=random.Random(f"{SEED}:talents"), stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Talent,
            Enterprise,
            EnterpriseMember,
            Demand,
            Internship,
            TalentCard,
            Evaluation,
            ContactRequest,
            ProfileAccess,
        )
    }


def digest() -> list:
    talents = list(
        Talent.objects.order_by("user__username").values_list(
            "user__username",
            "highest_degree",
            "main_discipline",
            "graduation_year",
            "years_experience",
            "current_region",
            "skills",
            "visibility",
            "tier",
        )
    )
    enterprises = list(
        Enterprise.objects.order_by("credit_code").values_list("credit_code", "name")
    )
    demands = list(Demand.objects.order_by("pk").values_list("position_zh", "salary_min"))
    return [talents, enterprises, demands]


class Rollback(Exception):
    pass


def test_small_scale_makes_a_library_around_the_demo_accounts():
    output = run_seed()

    talent_users = User.objects.filter(kind=AccountKind.TALENT, is_active=True)
    assert Talent.objects.count() == talent_users.count() > 300
    assert Enterprise.objects.count() == talents_seed.ENTERPRISES["small"]
    assert Demand.objects.count() == talents_seed.DEMANDS["small"] + 1  # demo-talent applied
    assert Internship.objects.count() == talents_seed.INTERNSHIPS["small"]
    assert "enterprises: 50 new" in output

    for enterprise in Enterprise.objects.all():
        validate_credit_code(enterprise.credit_code)
        assert enterprise.credit_code[2:8] == enterprise.region_id
    cities = {e.region_id[:4] for e in Enterprise.objects.all()}
    assert {"3301", "3302"} <= cities

    demo = Enterprise.objects.get(name=talents_seed.DEMO_ENTERPRISE["name"])
    assert demo.is_verified and demo.is_evaluator
    assert demo.members.get(user__username="demo-enterprise").role == "admin"

    talent = Talent.objects.get(user__username="demo-talent")
    assert talent.name == "陈思远" and talent.listed
    assert talent.highest_degree == Degree.DOCTORATE and talent.main_discipline_id == "0805"
    assert talent.has_overseas and talent.years_experience >= 3
    assert talent.tier == "C" and TalentCard.objects.valid().filter(talent=talent).exists()
    assert ContactRequest.objects.get(talent=talent, enterprise=demo).status == "accepted"
    assert ProfileAccess.objects.filter(talent=talent, enterprise=demo, what="contact").exists()
    assert Evaluation.objects.filter(enterprise=demo, status="submitted").exists()


def test_people_on_the_site_are_left_as_they_are():
    # Before the seed: a talent who consented to the search before making a profile (the
    # account of issue 23), an enterprise member without an enterprise, an enterprise someone
    # registered under the demo enterprise's name, and a doctorate nobody should nominate.
    racer = UserFactory(username="sp-racer")
    consent_give(user=racer, purpose=ConsentPurpose.PROFILE_SEARCH)
    member = UserFactory(kind=AccountKind.ENTERPRISE)
    theirs = EnterpriseFactory(name=talents_seed.DEMO_ENTERPRISE["name"])

    run_seed()
    run_seed()

    assert not Talent.objects.filter(user=racer).exists()
    assert racer.consents.count() == 1
    assert not EnterpriseMember.objects.filter(user=member).exists()
    assert not theirs.members.exists() and not theirs.is_demo
    assert not Demand.objects.filter(enterprise=theirs).exists()
    assert not Internship.objects.filter(enterprise=theirs).exists()
    assert not Evaluation.objects.filter(enterprise=theirs).exists()
    demo = Enterprise.objects.demo().get(name=talents_seed.DEMO_ENTERPRISE["name"])
    assert demo.members.get(user__username="demo-enterprise").role == "admin"
    assert not Evaluation.objects.exclude(talent__user__is_demo=True).exists()
    assert Enterprise.objects.demo().count() == talents_seed.ENTERPRISES["small"]


def test_running_twice_changes_no_counts():
    run_seed()
    first = counts()
    output = run_seed()
    assert counts() == first
    assert "talents: 0 new accounts, 0 new profiles" in output


def test_deterministic_same_library_every_time():
    with pytest.raises(Rollback), transaction.atomic():
        run_seed()
        first = digest()
        raise Rollback
    assert not Talent.objects.exists()
    run_seed()
    assert digest() == first


def test_derived_columns_agree_with_the_records():
    run_seed()
    talents = Talent.objects.exclude(user__username="demo-talent").prefetch_related(
        "educations", "experiences"
    )
    for talent in talents:
        expected = derived_values(
            educations=list(talent.educations.all()),
            experiences=list(talent.experiences.all()),
            today=talents_seed.TODAY,
        )
        actual = {field: getattr(talent, field) for field in expected}
        assert actual == expected, talent.user.username


def test_search_consent_follows_the_consent_records():
    run_seed()
    for talent in Talent.objects.prefetch_related("user__consents"):
        consented = any(
            c.purpose == ConsentPurpose.PROFILE_SEARCH and c.withdrawn_at is None
            for c in talent.user.consents.all()
        )
        assert talent.search_consent == consented
        assert talent.listed == (consented and talent.visibility != Visibility.HIDDEN)
        if talent.contact_visible_to_verified:
            assert any(c.purpose == "contact_sharing" for c in talent.user.consents.all())


def test_distributions_are_plausible():
    run_seed()
    degrees = Counter(Talent.objects.values_list("highest_degree", flat=True))
    total = sum(degrees.values())
    assert degrees.most_common(1)[0][0] == Degree.BACHELOR
    assert degrees[Degree.DOCTORATE] < 0.15 * total
    hidden = Talent.objects.filter(visibility=Visibility.HIDDEN).count()
    assert 0.05 * total < hidden < 0.3 * total
    engineering = Talent.objects.filter(main_discipline__parent="08").count()
    assert engineering == max(
        Talent.objects.filter(main_discipline__parent=c).count()
        for c in ("01", "02", "03", "04", "05", "07", "08", "09", "10", "12", "13")
    )
    for demand in Demand.objects.exclude(salary_min=None):
        assert demand.salary_min <= demand.salary_max


def test_generated_talent_accounts_top_up_to_the_target(monkeypatch):
    run_seed()
    monkeypatch.setattr(talents_seed, "CHUNK", 40)
    monkeypatch.setattr(talents_seed, "REBUILD_INDEXES_FROM", 50)  # the big-load path
    before = Talent.objects.count()
    base = random.Random(f"{SEED}:talents").getrandbits(64)
    target = User.objects.filter(kind=AccountKind.TALENT).count() + 90

    assert talents_seed.talent_users_ensure(target=target, base=base) == 90
    assert talents_seed.talent_users_ensure(target=target, base=base) == 0
    catalogue = talents_seed.Catalogue.load()
    created = talents_seed.talents_ensure(base=base, catalogue=catalogue, stdout=io.StringIO())
    assert created == 90 and Talent.objects.count() == before + 90
    generated = User.objects.filter(email__endswith="@talents.example.com")
    assert generated.count() == 90
    first = generated.get(username=talents_seed.generated_user(1, base=base)["username"])
    assert first.kind == AccountKind.TALENT and hasattr(first, "talent")
    # The search indexes were dropped for the load and are all back.
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'talents_talent'")
        present = {name for (name,) in cursor.fetchall()}
    assert {index.name for index in Talent._meta.indexes} <= present


def test_seeded_card_numbers_continue_with_the_reference_counter():
    run_seed()
    numbers = list(TalentCard.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) > 0
    for year in {int(n.split("-")[1]) for n in numbers}:
        issued = [n for n in numbers if n.startswith(f"TC-{year}-")]
        assert reference_next("TC", year) > max(issued)
