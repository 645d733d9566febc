import pytest
from django.urls import reverse

from projects.models import Investor, Project, Registration
from projects.roadshows import services
from tests.auth_helpers import login_verified
from tests.projects.roadshow_factories import (
    InterestFactory,
    InvestorFactory,
    ProjectFactory,
    RegistrationFactory,
    RoadshowFactory,
    SlotFactory,
)
from tests.talentportal.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    login_verified(client, StaffFactory())
    return client


@pytest.mark.parametrize(
    "model", ["project", "projectsubmission", "investor", "roadshow", "registration", "interest"]
)
def test_changelists_and_change_forms_render(staff_client, model):
    slot = SlotFactory()
    RegistrationFactory(roadshow=slot.roadshow)
    InterestFactory(project=slot.project)
    assert staff_client.get(reverse(f"admin:projects_{model}_changelist")).status_code == 200
    assert (
        staff_client.get(reverse(f"admin:projects_{model}_changelist"), {"q": "x"}).status_code
        == 200
    )


def test_roadshow_change_form_with_slots(staff_client):
    slot = SlotFactory()
    url = reverse("admin:projects_roadshow_change", args=[slot.roadshow.pk])
    assert staff_client.get(url).status_code == 200


def test_publish_and_reject_actions(staff_client):
    submitted = ProjectFactory(draft=True)
    services.project_submit(project=submitted, by=submitted.lead)
    other = ProjectFactory(draft=True)
    services.project_submit(project=other, by=other.lead)
    url = reverse("admin:projects_project_changelist")
    staff_client.post(url, {"action": "publish", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == "published"

    # Rejecting asks for the reason first.
    response = staff_client.post(url, {"action": "reject", "_selected_action": [other.pk]})
    assert response.status_code == 200
    staff_client.post(
        url,
        {"action": "reject", "_selected_action": [other.pk], "confirm": "1", "reason": "材料不全"},
    )
    assert Project.objects.get(pk=other.pk).status == "draft"


def test_verify_investor_action(staff_client):
    investor = InvestorFactory(pending=True)
    staff_client.post(
        reverse("admin:projects_investor_changelist"),
        {"action": "verify", "_selected_action": [investor.pk]},
    )
    assert Investor.objects.get(pk=investor.pk).is_verified


def test_check_in_action_and_export(staff_client):
    registration = RegistrationFactory()
    staff_client.post(
        reverse("admin:projects_registration_changelist"),
        {"action": "check_in", "_selected_action": [registration.pk]},
    )
    assert Registration.objects.get(pk=registration.pk).checked_in_at is not None
    response = staff_client.post(
        reverse("admin:projects_roadshow_changelist"),
        {"action": "export_attendees", "_selected_action": [registration.roadshow_id]},
    )
    assert registration.code in response.content.decode("utf-8-sig")
    response = staff_client.post(
        reverse("admin:projects_roadshow_changelist"),
        {"action": "statistics", "_selected_action": [RoadshowFactory().pk]},
    )
    assert response.status_code == 200


def test_put_published_projects_on_an_agenda(staff_client):
    roadshow = RoadshowFactory()
    published, draft = ProjectFactory(), ProjectFactory(draft=True)
    url = reverse("admin:projects_project_changelist")
    chosen = [published.pk, draft.pk]
    assert (
        staff_client.post(url, {"action": "add_to_agenda", "_selected_action": chosen}).status_code
        == 200
    )
    staff_client.post(
        url,
        {
            "action": "add_to_agenda",
            "_selected_action": chosen,
            "confirm": "1",
            "roadshow": roadshow.pk,
        },
    )
    assert list(roadshow.slots.values_list("project_id", "position")) == [(published.pk, 1)]


def test_change_capacity_action_promotes(staff_client):
    roadshow = RoadshowFactory(capacity=1)
    users = [services.registration_create(roadshow=roadshow, user=UserFactory()) for _ in range(2)]
    url = reverse("admin:projects_roadshow_changelist")
    staff_client.post(
        url,
        {
            "action": "change_capacity",
            "_selected_action": [roadshow.pk],
            "confirm": "1",
            "capacity": "2",
        },
    )
    assert Registration.objects.get(pk=users[1].pk).status == "offered"
    # Fewer seats than confirmed people: refused with a message, nothing changed.
    response = staff_client.post(
        url,
        {
            "action": "change_capacity",
            "_selected_action": [roadshow.pk],
            "confirm": "1",
            "capacity": "0",
        },
        follow=True,
    )
    assert response.status_code == 200
    roadshow.refresh_from_db()
    assert roadshow.capacity == 2


def test_the_roadshow_admin_links_to_the_check_in_desk(staff_client):
    roadshow = RoadshowFactory(capacity=5)
    desk = reverse("projects:roadshow_checkin", args=[roadshow.pk])
    for url in (
        reverse("admin:projects_roadshow_changelist"),
        reverse("admin:projects_roadshow_change", args=[roadshow.pk]),
    ):
        assert f'href="{desk}"' in staff_client.get(url).text
    assert staff_client.get(desk).status_code == 200


def test_the_hours_to_claim_a_freed_seat_are_set_on_the_event(staff_client):
    roadshow = RoadshowFactory(capacity=5)
    page = staff_client.get(reverse("admin:projects_roadshow_change", args=[roadshow.pk])).text
    assert 'name="claim_hours"' in page and 'value="48"' in page
