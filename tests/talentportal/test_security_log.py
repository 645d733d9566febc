"""The security event log: each kind of event recorded through real requests, never a password
or an ID number, rows that cannot be changed or deleted, and a purge that keeps 6 months."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from talentportal import roles, security_log
from talentportal.models import SecurityEvent, SecurityEventKind, SecurityOutcome
from tests.auth_helpers import backup_code, login_verified, totp_code, totp_device
from tests.policies.factories import PolicyFactory
from tests.projects.program_factories import CallFactory
from tests.projects.roadshow_factories import RegistrationFactory
from tests.talentportal.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

Kind = SecurityEventKind
LOGIN_URL = "/accounts/login/"


def since_now():
    """The events recorded from now on (factories save a user twice, a password change)."""
    last = SecurityEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return SecurityEvent.objects.filter(id__gt=last or 0).order_by("id")


def kinds(events):
    return list(events.values_list("kind", "outcome", "username"))


def all_text() -> str:
    """Every column of every row, as the database has it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT t::text FROM talentportal_securityevent t")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_login_and_a_logout_are_recorded_with_user_ip_and_path(client):
    user = UserFactory(username="lihua")
    events = since_now()
    response = client.post(LOGIN_URL, {"username": "lihua", "password": PASSWORD})
    assert response.status_code == 302
    client.post(reverse("accounts:logout"))
    login, logout = events
    assert (login.kind, login.outcome, login.user, login.username) == (
        Kind.LOGIN,
        SecurityOutcome.SUCCESS,
        user,
        "lihua",
    )
    assert login.ip == "127.0.0.1"
    assert login.path == LOGIN_URL
    assert (logout.kind, logout.user) == (Kind.LOGOUT, user)


def test_a_failed_login_records_the_username_tried_and_never_the_password(client):
    UserFactory(username="lihua")
    events = since_now()
    typed = "Wr0ng-but-secret-Passw0rd!"
    response = client.post(LOGIN_URL, {"username": "lihua", "password": typed})
    assert response.status_code == 200
    assert kinds(events) == [(Kind.LOGIN_FAILED, SecurityOutcome.FAILURE, "lihua")]
    assert events.get().user is None
    assert typed not in all_text()


def test_an_unknown_username_is_recorded_trimmed_and_an_id_number_masked(client):
    events = since_now()
    client.post(LOGIN_URL, {"username": "x" * 100, "password": "whatever-secret-1"})
    client.post(LOGIN_URL, {"username": "33010619900307123X", "password": "whatever-secret-2"})
    long_name, id_number = events
    assert long_name.username == "x" * 40
    assert id_number.username.startswith("330")
    assert "33010619900307123X" not in all_text()
    assert "whatever-secret" not in all_text()


def test_a_lockout_is_recorded_after_repeated_failures(client):
    UserFactory(username="lihua")
    for attempt in range(6):
        client.post(LOGIN_URL, {"username": "lihua", "password": f"bad-password-{attempt}"})
    lockouts = SecurityEvent.objects.filter(kind=Kind.LOCKOUT)
    assert lockouts.exists()
    assert lockouts.first().username == "lihua"
    assert lockouts.first().outcome == SecurityOutcome.DENIED
    assert "bad-password" not in all_text()


def test_a_password_change_is_recorded_without_the_password(client):
    user = UserFactory(username="lihua")
    login_verified(client, user)
    events = since_now()
    new = "An0ther-long-Secret-phrase"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    event = events.get(kind=Kind.PASSWORD_CHANGE)
    assert (event.user, event.ip, event.detail) == (user, "127.0.0.1", "")
    assert new not in all_text() and PASSWORD not in all_text()


def test_a_password_set_by_an_administrator_says_who_set_it(client):
    user = UserFactory(username="lihua")
    admin_user = StaffFactory(username="root")
    login_verified(client, admin_user)
    events = since_now()
    new = "Set-by-someone-else-1"
    response = client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    event = events.get(kind=Kind.PASSWORD_CHANGE)
    assert (event.user, event.detail) == (user, "set by root")
    assert new not in all_text()


def test_saving_a_user_without_a_new_password_records_no_password_change():
    user = UserFactory(username="lihua")
    events = since_now()
    user.display_name = "李华"
    user.save()
    assert not events.exists()


def test_a_permission_denial_is_recorded_and_answered_with_the_403_page(client):
    editor = StaffFactory(is_superuser=False, username="editor")
    editor.groups.add(Group.objects.get(name=roles.CONTENT_EDITOR))
    login_verified(client, editor)
    events = since_now()
    url = reverse("admin:talentportal_securityevent_changelist")
    response = client.get(url + "?q=13800138000")
    assert response.status_code == 403
    assert "403" in response.content.decode()
    event = events.get(kind=Kind.PERMISSION_DENIED)
    assert (event.user, event.outcome, event.path) == (editor, SecurityOutcome.DENIED, url)
    assert "13800138000" not in all_text()  # the query string is never kept


def test_admin_changes_are_recorded_by_model_and_id_not_by_name(client):
    admin_user = StaffFactory(username="root")
    login_verified(client, admin_user)
    policy = PolicyFactory()
    url = reverse("admin:policies_policy_delete", args=[policy.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.ADMIN_ACTION)
    assert event.user == admin_user
    assert event.detail == f"delete policies.policy {policy.pk}"
    assert event.path == url


def test_an_admin_bulk_action_is_recorded_with_its_count(client):
    admin_user = StaffFactory(username="root")
    login_verified(client, admin_user)
    policies = PolicyFactory.create_batch(2)
    response = client.post(
        reverse("admin:policies_policy_changelist"),
        {"action": "expire", "_selected_action": [p.pk for p in policies]},
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=Kind.ADMIN_ACTION)
    assert event.detail == "expire: 2 policies_policy"
    assert event.user == admin_user


def test_an_admin_export_is_recorded(client):
    admin_user = StaffFactory(username="root")
    login_verified(client, admin_user)
    PolicyFactory()
    response = client.post(
        reverse("admin:policies_policy_export"),
        {"format": "0", "resource": "0", "policyresource_id": "on"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    event = SecurityEvent.objects.get(kind=Kind.EXPORT)
    assert (event.user, event.detail) == (admin_user, "policies.policy")
    assert event.path == reverse("admin:policies_policy_export")


def test_record_is_available_to_other_views(rf):
    request = rf.get("/some/export/?id=33010619900307123X")
    request.user = UserFactory(username="lihua")
    event = security_log.record(request, Kind.EXPORT, detail="talents.csv")
    assert (event.username, event.path, event.detail) == ("lihua", "/some/export/", "talents.csv")


# The rows cannot be changed ------------------------------------------------------------------


def test_rows_cannot_be_updated_or_deleted_even_with_raw_sql():
    event = security_log.record(None, Kind.LOGIN_FAILED, username="lihua")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).update(username="someone-else")
    with pytest.raises(DatabaseError), transaction.atomic():
        SecurityEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE talentportal_securityevent SET username = 'x'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM talentportal_securityevent")
    assert SecurityEvent.objects.get(pk=event.pk).username == "lihua"


def test_the_purge_deletes_only_rows_older_than_its_period():
    now = timezone.now()
    old = SecurityEvent.objects.create(kind=Kind.LOGIN, outcome="success", at=now - timedelta(400))
    kept = SecurityEvent.objects.create(kind=Kind.LOGIN, outcome="success", at=now - timedelta(300))
    assert security_log.purge_older_than(365) == 1
    assert list(SecurityEvent.objects.all()) == [kept]
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()


def test_the_log_is_kept_at_least_six_months():
    SecurityEvent.objects.create(
        kind=Kind.LOGIN, outcome="success", at=timezone.now() - timedelta(days=100)
    )
    with pytest.raises(ValueError):
        security_log.purge_older_than(90)
    # Even straight to the database, a row younger than 6 months stays.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM talentportal_securityevent WHERE at < NOW() - INTERVAL '90 d'")
    assert SecurityEvent.objects.count() == 1


# Who may read it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (roles.SECURITY_AUDITOR, 200),
        (roles.SYSTEM_ADMINISTRATOR, 200),
        (roles.CONTENT_EDITOR, 403),
        (roles.CASE_OFFICER, 403),
    ],
)
def test_the_log_is_readable_by_the_auditor_and_the_administrator_only(client, role, status):
    security_log.record(None, Kind.LOGIN_FAILED, username="lihua")
    user = StaffFactory(is_superuser=False)
    user.groups.add(Group.objects.get(name=role))
    login_verified(client, user)
    changelist = reverse("admin:talentportal_securityevent_changelist")
    assert client.get(changelist).status_code == status
    assert client.get(changelist + "?kind=login_failed&q=lih").status_code == status


def test_the_auditor_filters_and_searches_but_cannot_change_anything(client):
    security_log.record(None, Kind.LOGIN_FAILED, username="lihua")
    security_log.record(None, Kind.LOGIN, username="wangwei")
    auditor = StaffFactory(is_superuser=False)
    auditor.groups.add(Group.objects.get(name=roles.SECURITY_AUDITOR))
    login_verified(client, auditor)
    changelist = reverse("admin:talentportal_securityevent_changelist")
    page = client.get(changelist + "?kind=login_failed").content.decode()
    assert "lihua" in page and "wangwei" not in page
    page = client.get(changelist + "?q=wang").content.decode()
    assert "wangwei" in page and "lihua" not in page
    assert client.get(changelist + "?q=127.0").status_code == 200
    event = SecurityEvent.objects.get(username="lihua")
    change = reverse("admin:talentportal_securityevent_change", args=[event.pk])
    assert client.get(change).status_code == 200  # a read-only view
    assert client.post(change, {"username": "x"}).status_code == 403
    delete = reverse("admin:talentportal_securityevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SecurityEvent.objects.get(pk=event.pk).username == "lihua"


def test_the_roadshow_attendee_export_is_recorded(client):
    registration = RegistrationFactory()
    login_verified(client, StaffFactory(username="root"))
    response = client.post(
        reverse("admin:projects_roadshow_changelist"),
        {"action": "export_attendees", "_selected_action": [registration.roadshow_id]},
    )
    assert response["Content-Disposition"].startswith("attachment")
    event = SecurityEvent.objects.get(kind=Kind.EXPORT)
    assert event.detail == f"attendees of {registration.roadshow_id}"
    assert registration.code not in all_text()


def test_the_program_ranking_export_is_recorded(client):
    call = CallFactory()
    login_verified(client, StaffFactory(username="root"))
    response = client.get(reverse("admin:projects_call_ranking_csv", args=[call.pk]))
    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=Kind.EXPORT)
    assert (event.username, event.detail) == ("root", f"ranking of call {call.pk}")


def test_two_factor_steps_are_recorded_never_the_code():
    staff = StaffFactory(username="root")
    device = totp_device(staff)
    spare = backup_code(staff, "87654321")
    verify = reverse("accounts:two_factor_verify")
    events = since_now()
    code = totp_code(device)
    for token, status in [(code, 302), (spare, 302), ("000000", 200)]:
        client = Client()  # a fresh session, signed in but not verified
        client.force_login(staff)
        assert client.post(verify, {"token": token}).status_code == status
    events = events.filter(kind=Kind.TWO_FACTOR)
    assert kinds(events) == [
        (Kind.TWO_FACTOR, SecurityOutcome.SUCCESS, "root"),
        (Kind.TWO_FACTOR, SecurityOutcome.SUCCESS, "root"),
        (Kind.TWO_FACTOR, SecurityOutcome.FAILURE, "root"),
    ]
    details = [e.detail for e in events]
    assert details == ["verified with a code", "verified with a backup code", "wrong code"]
    assert code not in all_text() and spare not in all_text()
