"""The audit trail: database triggers record every change to policies and benefits, whatever
the write path, with the user of the request that made it; the record cannot be altered."""

import pghistory
import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from policies.admin.library import audit_events
from policies.audit import BenefitEvent, PolicyEvent
from policies.models import Benefit, Policy, PolicyStatus
from tests.auth_helpers import login_verified
from tests.policies.admin_helpers import policy_form_data
from tests.policies.factories import BenefitFactory, PolicyFactory, region

pytestmark = pytest.mark.django_db


def events(policy, label=None):
    queryset = PolicyEvent.objects.filter(pgh_obj_id=policy.pk).order_by("pgh_id")
    return list(queryset.filter(pgh_label=label) if label else queryset)


def test_creating_saving_and_deleting_are_recorded():
    policy = PolicyFactory(title_zh="原标题")
    policy.title_zh = "改后标题"
    policy.save()
    pk = policy.pk
    policy.delete()
    recorded = PolicyEvent.objects.filter(pgh_obj_id=pk).order_by("pgh_id")
    assert [e.pgh_label for e in recorded] == ["insert", "update", "delete"]
    assert [e.title_zh for e in recorded] == ["原标题", "改后标题", "改后标题"]


def test_a_bulk_queryset_update_is_recorded_for_every_row():
    policies = PolicyFactory.create_batch(3, region=region("330100"))
    other = PolicyFactory(region=region("320400"))
    with pghistory.context(user=None, command="bulk test"):
        changed = Policy.objects.filter(region_id="330100").update(is_major=True)
    assert changed == 3
    for policy in policies:
        (update,) = events(policy, "update")
        assert update.is_major is True
        assert update.pgh_context.metadata["command"] == "bulk test"
    assert events(other, "update") == []


def test_bulk_update_of_text_through_the_search_reindexing_path_is_recorded():
    policy = PolicyFactory(title_zh="旧")
    Policy.objects.filter(pk=policy.pk).update(title_zh="新")
    (update,) = events(policy, "update")
    assert update.title_zh == "新"


def test_raw_sql_is_recorded_too():
    policy = PolicyFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE policies_policy SET document_number = %s WHERE id = %s",
            ["X〔2025〕9号", policy.pk],
        )
    (update,) = events(policy, "update")
    assert update.document_number == "X〔2025〕9号"


def test_machine_maintained_columns_do_not_make_events():
    from django.utils import timezone

    policy = PolicyFactory(source_url="https://example.org/")
    Policy.objects.filter(pk=policy.pk).update(source_ok=False, source_checked_at=timezone.now())
    policy.save()  # only updated_at and the search columns change
    assert events(policy, "update") == []


def test_benefit_changes_including_bulk_ones_are_recorded():
    benefit = BenefitFactory(amount_max=100_000)
    Benefit.objects.filter(pk=benefit.pk).update(amount_max=120_000)
    labels_amounts = list(
        BenefitEvent.objects.filter(pgh_obj_id=benefit.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", "amount_max")
    )
    assert labels_amounts == [("insert", 100_000), ("update", 120_000)]


def test_the_event_tables_are_append_only():
    policy = PolicyFactory()
    event = events(policy)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        PolicyEvent.objects.filter(pk=event.pk).update(title_zh="篡改")
    with pytest.raises(DatabaseError), transaction.atomic():
        PolicyEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM policies_policyevent")
    assert PolicyEvent.objects.filter(pk=event.pk, title_zh=policy.title_zh).exists()


def test_the_request_user_is_recorded_through_the_middleware(client, staff):
    policy = PolicyFactory(title_zh="甲")
    login_verified(client, staff)
    url = reverse("admin:policies_policy_change", args=[policy.pk])
    assert client.post(url, policy_form_data(policy, title_zh="乙")).status_code == 302
    (update,) = events(policy, "update")
    assert update.pgh_context.metadata == {"user": staff.pk, "url": url}


def test_an_admin_action_is_recorded_with_its_user(client, staff):
    policy = PolicyFactory()
    login_verified(client, staff)
    client.post(
        reverse("admin:policies_policy_changelist"),
        {"action": "expire", "_selected_action": [policy.pk]},
    )
    (update,) = events(policy, "update")
    assert update.status == PolicyStatus.EXPIRED
    assert update.pgh_context.metadata["user"] == staff.pk


def test_reading_pages_records_nothing(client):
    policy = PolicyFactory()
    client.get(policy.get_absolute_url())
    client.get("/policies/")
    assert len(events(policy)) == 1


def test_the_history_rows_say_who_changed_what(client, staff):
    policy = PolicyFactory(title_zh="甲")
    benefit = BenefitFactory(policy=policy, amount_max=1000)
    Benefit.objects.filter(pk=benefit.pk).update(amount_max=2000)
    login_verified(client, staff)
    url = reverse("admin:policies_policy_change", args=[policy.pk])
    client.post(url, policy_form_data(policy, title_zh="乙"))
    rows = audit_events(policy)
    title_change = next(r for r in rows if r["kind"] == "policy" and r["label"] == "update")
    assert title_change["user"] == staff
    assert ("title_zh", "甲", "乙") in title_change["changes"]
    amount_change = next(r for r in rows if r["kind"] == "benefit" and r["label"] == "update")
    assert ("amount_max", 1000, 2000) in amount_change["changes"]
    assert amount_change["user"] is None  # not made in a request
