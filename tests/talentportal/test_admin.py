import pytest
from django.urls import reverse

from tests.auth_helpers import login_verified
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = ["user", "region", "industry", "discipline"]


@pytest.fixture
def admin_client(client, staff):
    login_verified(client, staff)
    return client


def test_admin_is_branded_as_the_back_office(admin_client):
    response = admin_client.get("/en/admin/")
    assert response.status_code == 200
    assert "Talent Office Back Office" in response.content.decode()


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelists_search_and_add_forms_render(admin_client, model):
    url = reverse(f"admin:talentportal_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "杭州"}).status_code == 200
    assert admin_client.get(reverse(f"admin:talentportal_{model}_add")).status_code == 200


def test_region_autocomplete_finds_by_chinese_name(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "talentportal",
            "model_name": "region",
            "field_name": "parent",
            "term": "杭州",
        },
    )
    assert response.status_code == 200
    assert any(result["id"] == "330100" for result in response.json()["results"])


def test_the_admin_refuses_non_staff(client):
    login_verified(client, UserFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_user_changelist_search_by_email(admin_client):
    UserFactory(username="sunli", email="sun.li@example.com")
    response = admin_client.get(reverse("admin:talentportal_user_changelist"), {"q": "sun.li@"})
    assert "sunli" in response.content.decode()
