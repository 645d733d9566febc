"""Staff roles: the groups exist after migrate with exactly the permissions of
`talentportal/roles.py`, and each role reaches what it needs in the admin and nothing else."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from talentportal import roles
from tests.auth_helpers import login_verified
from tests.policies.factories import PolicyFactory
from tests.talentportal.factories import StaffFactory, staff_member

pytestmark = pytest.mark.django_db

EDITOR, OFFICER = roles.CONTENT_EDITOR, roles.CASE_OFFICER
AUDITOR, ADMINISTRATOR = roles.SECURITY_AUDITOR, roles.SYSTEM_ADMINISTRATOR


def granted(role: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def test_migrate_created_every_role_with_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
    for role, definition in roles.ROLES.items():
        if definition is not None:
            assert granted(role) == {f"{app}.{code}" for app, code in roles.codenames(role)}


def test_every_permission_named_in_a_role_exists():
    # A renamed model or a typo would otherwise silently leave a role without a permission.
    existing = {
        (app, code)
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }
    for role, definition in roles.ROLES.items():
        if definition is not None:
            assert roles.codenames(role) - existing == set(), role


def test_sync_puts_back_exactly_the_listed_permissions(capsys):
    editor = Group.objects.get(name=EDITOR)
    editor.permissions.add(Permission.objects.get(codename="view_securityevent"))
    Group.objects.get(name=AUDITOR).delete()
    call_command("sync_roles")
    assert "talentportal.view_securityevent" not in granted(EDITOR)
    assert "talentportal.view_securityevent" in granted(AUDITOR)
    assert "security auditor:" in capsys.readouterr().out


def test_least_privilege_in_the_definitions():
    assert not any(code.startswith("delete_") for _, code in roles.codenames(OFFICER))
    assert all(code.startswith("view_") for _, code in roles.codenames(AUDITOR))
    for role in (EDITOR, OFFICER):
        codes = granted(role)
        assert "talentportal.view_securityevent" not in codes
        assert "pghistory.view_events" not in codes
        assert not any(c.startswith(("auth.", "talentportal.change_user")) for c in codes)
    assert not any(".change_" in c or ".add_" in c for c in granted(AUDITOR))
    assert granted(ADMINISTRATOR) == {
        f"{app}.{code}"
        for app, code in Permission.objects.values_list("content_type__app_label", "codename")
    }


def member(role: str):
    return staff_member(role=role, username=role.replace(" ", "-"))


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:{name}", args=args)


# (url name, args) -> status for each role. The audit log and the security log are the
# auditor's and the administrator's; content is the editor's; applications the officer's.
PAGES = {
    "talentportal_securityevent_changelist": {EDITOR: 403, OFFICER: 403, AUDITOR: 200},
    "pghistory_events_changelist": {EDITOR: 403, OFFICER: 403, AUDITOR: 200},
    "talents_profileaccess_changelist": {EDITOR: 403, OFFICER: 403, AUDITOR: 200},
    "policies_policy_changelist": {EDITOR: 200, OFFICER: 200, AUDITOR: 403},
    "policies_policy_add": {EDITOR: 200, OFFICER: 403, AUDITOR: 403},
    "policies_serviceitem_add": {EDITOR: 200, OFFICER: 403, AUDITOR: 403},
    "projects_roadshow_add": {EDITOR: 200, OFFICER: 403, AUDITOR: 403},
    "apartments_community_add": {EDITOR: 200, OFFICER: 403, AUDITOR: 403},
    "policies_serviceapplication_changelist": {EDITOR: 403, OFFICER: 200, AUDITOR: 403},
    "projects_programapplication_changelist": {EDITOR: 403, OFFICER: 200, AUDITOR: 403},
    "apartments_apartmentapplication_changelist": {EDITOR: 403, OFFICER: 200, AUDITOR: 403},
    "talents_evaluation_changelist": {EDITOR: 403, OFFICER: 200, AUDITOR: 403},
    "talentportal_user_changelist": {EDITOR: 403, OFFICER: 403, AUDITOR: 403},
    "auth_group_changelist": {EDITOR: 403, OFFICER: 403, AUDITOR: 403},
    # Requests to join an enterprise: decided with the enterprises' verification.
    "talents_enterprisejoinrequest_changelist": {EDITOR: 403, OFFICER: 200, AUDITOR: 403},
}


@pytest.mark.parametrize("role", [EDITOR, OFFICER, AUDITOR, ADMINISTRATOR])
def test_each_role_reaches_its_admin_pages_and_no_others(client, role):
    login_verified(client, member(role))
    for name, statuses in PAGES.items():
        expected = statuses.get(role, 200)  # the administrator reaches everything
        assert client.get(admin_url(name)).status_code == expected, name


def test_the_audit_logs_are_not_in_the_content_editors_admin_index(client):
    login_verified(client, member(EDITOR))
    page = client.get(admin_url("index")).content.decode()
    assert admin_url("policies_policy_changelist") in page
    assert admin_url("talentportal_securityevent_changelist") not in page
    assert admin_url("pghistory_events_changelist") not in page
    assert admin_url("talents_profileaccess_changelist") not in page


def test_the_auditor_sees_the_logs_in_the_index_and_no_content(client):
    login_verified(client, member(AUDITOR))
    page = client.get(admin_url("index")).content.decode()
    assert admin_url("talentportal_securityevent_changelist") in page
    assert admin_url("pghistory_events_changelist") in page
    assert admin_url("policies_policy_changelist") not in page


def test_the_auditor_reads_the_audit_trail_of_a_change(client):
    policy = PolicyFactory(title_zh="审计可见的政策")
    login_verified(client, member(AUDITOR))
    response = client.get(admin_url("pghistory_events_changelist"))
    assert response.status_code == 200
    assert "policies.Policy" in response.content.decode()
    # ...and cannot change the policy.
    change = admin_url("policies_policy_change", policy.pk)
    assert client.post(change, {"title_zh": "改"}).status_code == 403


def test_the_case_officer_cannot_delete_content(client):
    policy = PolicyFactory()
    login_verified(client, member(OFFICER))
    delete = admin_url("policies_policy_delete", policy.pk)
    assert client.post(delete, {"post": "yes"}).status_code == 403
    policy.refresh_from_db()


def test_the_content_editor_edits_content_but_no_users(client):
    login_verified(client, member(EDITOR))
    user = StaffFactory()
    assert client.get(admin_url("talentportal_user_change", user.pk)).status_code == 403


# Role names: a stable key, a label in the reader's language (issue 19, point 12) ---------------

LABELS_ZH = {
    EDITOR: "内容编辑",
    OFFICER: "业务经办员",
    AUDITOR: "安全审计员",
    ADMINISTRATOR: "系统管理员",
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_roles_are_named_in_the_reader_s_language(client, language):
    labels = LABELS_ZH if language == "zh-hans" else {role: role for role in roles.ROLES}
    prefix = "" if language == "zh-hans" else "/en"
    administrator = member(ADMINISTRATOR)
    login_verified(client, administrator)
    groups = client.get(f"{prefix}/admin/auth/group/").text
    users = client.get(f"{prefix}/admin/talentportal/user/").text
    form = client.get(f"{prefix}/admin/talentportal/user/{administrator.pk}/change/")
    choices = {
        str(label) for _value, label in form.context["adminform"].form["groups"].field.choices
    }
    for role, label in labels.items():
        assert label in groups, role
        assert label in users, role  # the role filter
        assert label in choices, role
    if language == "zh-hans":
        assert not any(f">{role}<" in groups for role in roles.ROLES)


def test_a_role_keeps_its_name_the_key_code_looks_it_up_by(client):
    login_verified(client, member(ADMINISTRATOR))
    editor = Group.objects.get(name=EDITOR)
    url = admin_url("auth_group_change", editor.pk)
    assert 'name="name"' not in client.get(url).text  # read-only: not renamed by accident
    client.post(url, {"name": "编辑", "permissions": []})
    assert Group.objects.filter(name=EDITOR).exists()
    with translation.override("zh-hans"):
        assert roles.role_label(EDITOR) == "内容编辑"
    assert roles.role_label("a group of our own") == "a group of our own"


@pytest.mark.parametrize("facets", [False, True])
def test_the_user_list_filters_by_role_with_or_without_facet_counts(client, facets):
    administrator = member(ADMINISTRATOR)
    editor = member(EDITOR)
    login_verified(client, administrator)
    group = Group.objects.get(name=EDITOR)
    query = {"role": str(group.pk), **({"_facets": "1"} if facets else {})}
    response = client.get(admin_url("talentportal_user_changelist"), query)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [editor]
