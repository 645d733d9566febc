import io
import random
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from talentportal.demo import (
    ADMIN_URL,
    DEMO_PASSWORD,
    USER_COUNTS,
    DemoSeedError,
    quietly,
    seed,
    user_rows,
)
from talentportal.management.commands import seed_demo as seed_demo_command
from talentportal.management.commands.seed_demo import SEED, seed_modules
from talentportal.models import AccountKind, Notification, User
from tests.talentportal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

PROJECT_APPS = ["talentportal", "policies", "talents", "projects", "apartments", "ecosystem"]


def seed_demo(scale="small") -> str:
    """The whole command, every app's seed included (slow: used where all apps matter)."""
    out = io.StringIO()
    call_command("seed_demo", scale=scale, stdout=out)
    return out.getvalue()


def seed_core(scale="small") -> str:
    """Only the core seed (accounts), with the random stream the command gives it."""
    out = io.StringIO()
    seed(scale=scale, rng=random.Random(f"{SEED}:talentportal"), stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model of the project's apps, so later apps' seeds are covered too."""
    return {
        model._meta.label: model.objects.count()
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
    }


def people() -> list[tuple[str, str, str]]:
    return list(User.objects.order_by("username").values_list("username", "display_name", "kind"))


class Rollback(Exception):
    pass


def test_small_scale_creates_the_demo_accounts():
    seed_core()

    staff = User.objects.get(username="demo-staff")
    assert staff.is_staff and staff.is_superuser and staff.kind == AccountKind.STAFF
    assert User.objects.get(username="demo-talent").kind == AccountKind.TALENT
    assert User.objects.get(username="demo-enterprise").kind == AccountKind.ENTERPRISE
    for username in ("demo-staff", "demo-talent", "demo-enterprise"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def test_small_scale_creates_a_few_hundred_people_with_chinese_names():
    seed_core()

    generated = User.objects.exclude(username__startswith="demo-")
    assert generated.count() == USER_COUNTS["small"]
    kinds = set(generated.values_list("kind", flat=True))
    assert {AccountKind.TALENT, AccountKind.ENTERPRISE} <= kinds
    assert AccountKind.STAFF not in kinds
    assert not generated.filter(is_staff=True).exists()

    names = list(generated.values_list("display_name", flat=True))
    chinese = [name for name in names if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", name)]
    assert len(chinese) > 0.9 * len(names)
    # Every generated person can log in with the demo password and has an English name too.
    person = generated.order_by("id").first()
    assert person.check_password(DEMO_PASSWORD)
    assert person.first_name and person.last_name
    assert person.email == f"{person.username}@example.com"


def test_running_twice_changes_no_counts():
    seed_demo()
    first = row_counts()

    output = seed_demo()

    assert row_counts() == first
    assert "users: 0 new" in output
    # The command tells where to go and how to log in.
    assert DEMO_PASSWORD in output
    assert ADMIN_URL in output
    assert "manage.py demo_totp" in output
    assert re.search(r"talentportal: done in \d+\.\d+s", output)


def test_deterministic_same_people_every_time():
    assert not User.objects.exists()
    with pytest.raises(Rollback), transaction.atomic():
        seed_core()
        first = people()
        raise Rollback
    assert not User.objects.exists()

    seed_core()

    assert people() == first
    assert len(first) == USER_COUNTS["small"] + 3


def test_missing_people_are_added_back_and_no_one_is_duplicated():
    seed_core()
    everyone = people()
    User.objects.filter(pk__in=User.objects.order_by("-id").values("pk")[:10]).delete()
    demo_talent = User.objects.get(username="demo-talent")
    demo_talent.set_password("something-else-entirely")
    demo_talent.kind = AccountKind.INVESTOR
    demo_talent.save()

    seed_core()

    assert people() == everyone
    demo_talent.refresh_from_db()
    assert demo_talent.check_password(DEMO_PASSWORD)
    assert demo_talent.kind == AccountKind.TALENT


def test_demo_staff_can_log_in_to_the_admin(client):
    seed_core()

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "demo-staff", "password": DEMO_PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    # The admin wants the second factor: the code of the documented demo key.
    step = client.get("/admin/")
    assert step.status_code == 302
    assert step["Location"].startswith("/accounts/two-factor/verify/")
    code = call_command_output("demo_totp").split()[0]
    response = client.post(step["Location"], {"token": code})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def call_command_output(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_modules_are_the_project_apps_in_installed_apps_order():
    labels = [label for label, _ in seed_modules()]

    assert labels[0] == "talentportal"
    assert set(labels) <= set(PROJECT_APPS)
    assert labels == sorted(labels, key=PROJECT_APPS.index)


def test_every_account_the_seed_makes_is_marked_and_people_keep_their_names():
    # Two people signed up first: one with the username of generated person 1, one with the
    # e-mail address of generated person 2. Those demo people are not made; theirs stay.
    first, second = user_rows(2, random.Random(f"{SEED}:talentportal"))
    person = UserFactory(username=first["username"], email="someone@example.org")
    other = UserFactory(username="their-own", email=second["email"])

    seed_core()

    assert User.objects.demo().count() == USER_COUNTS["small"] - 2 + 3
    assert not User.objects.filter(pk__in=[person.pk, other.pk], is_demo=True).exists()
    person.refresh_from_db()
    assert person.email == "someone@example.org" and person.kind == AccountKind.TALENT


def test_a_database_seeded_before_the_mark_is_adopted_exactly():
    seed_core()
    person = UserFactory(username="sp-racer")
    User.objects.update(is_demo=False)  # as before accounts were marked

    output = seed_core()

    assert "users: 0 new" in output
    assert set(User.objects.filter(is_demo=False)) == {person}
    assert User.objects.demo().count() == USER_COUNTS["small"] + 3


def test_a_persons_account_with_a_demo_accounts_name_stops_the_seed_with_what_to_do():
    person = UserFactory(username="demo-staff", email="me@example.org")

    with pytest.raises(DemoSeedError, match="Rename it in the admin"):
        seed_core()

    person.refresh_from_db()
    assert not person.is_superuser and not person.is_demo


def test_quietly_leaves_notifications_for_demo_accounts_only(mailoutbox):
    from talentportal.notifications import notification_send

    staff = StaffFactory()
    demo = UserFactory(is_demo=True)
    with quietly():
        for recipient in (staff, demo):
            notification_send(
                recipient=recipient,
                template="talentportal/notifications/welcome",
                context={},
            )
    assert list(Notification.objects.values_list("recipient", flat=True)) == [demo.pk]
    assert mailoutbox == []


class Broken:
    @staticmethod
    def seed(*, scale, rng, stdout):
        UserFactory(username="half-made")
        raise RuntimeError("the disk is full")


def test_a_failing_section_is_rolled_back_and_the_error_says_what_to_do(monkeypatch, capsys):
    monkeypatch.setattr(seed_demo_command, "seed_modules", lambda: iter([("broken", Broken)]))
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("seed_demo", stdout=io.StringIO(), stderr=err)

    message = str(failure.value)
    assert "'broken' failed: the disk is full" in message
    assert "rolled back" in message and "SEED=0 make run" in message
    assert "Traceback" in err.getvalue()
    assert not User.objects.filter(username="half-made").exists()


class BulkPolicy:
    """A section that writes the way the large seed does: in bulk, without save signals."""

    @staticmethod
    def seed(*, scale, rng, stdout):
        from policies.models import Policy
        from tests.policies.factories import PolicyFactory

        policy = PolicyFactory.build(title_zh="批量写入的人才政策", title_en="Bulk policy")
        policy.region_id = "330100"
        Policy.objects.bulk_create([policy])


def test_no_page_cached_before_a_seed_survives_it(
    client, page_cache, monkeypatch, django_assert_num_queries
):
    before = client.get("/policies/")
    assert before.status_code == 200 and "批量写入的人才政策" not in before.content.decode()
    with django_assert_num_queries(0):
        client.get("/policies/")  # served from the cache

    monkeypatch.setattr(seed_demo_command, "seed_modules", lambda: iter([("bulk", BulkPolicy)]))
    call_command("seed_demo", stdout=io.StringIO())

    assert "批量写入的人才政策" in client.get("/policies/").content.decode()


def test_a_failed_seed_still_outdates_the_cached_pages(client, page_cache, monkeypatch):
    from talentportal.page_cache import content_version

    client.get("/policies/")
    version = content_version()
    monkeypatch.setattr(seed_demo_command, "seed_modules", lambda: iter([("broken", Broken)]))
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert content_version() != version


def test_rows_seeded_in_bulk_get_no_insert_event_while_later_changes_stay_audited():
    from django.apps import apps

    from talentportal.demo import without_insert_events
    from talentportal.models import SearchSynonym

    events = apps.get_model("talentportal", "SearchSynonymEvent").objects
    with without_insert_events():
        seeded = SearchSynonym.objects.create(term="测试词甲", alternatives=["测试词乙"])
        seeded.alternatives = ["测试词丙"]
        seeded.save()
    assert list(events.filter(pgh_obj=seeded).values_list("pgh_label", flat=True)) == ["update"]

    made_later = SearchSynonym.objects.create(term="测试词丁", alternatives=["测试词戊"])
    assert list(events.filter(pgh_obj=made_later).values_list("pgh_label", flat=True)) == ["insert"]
