"""New enterprises (issue 19, point 7): the next step after sign-up, a clear page while the
verification is pending, and a second employee asking to join a registered enterprise whose
administrator approves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from talentportal.models import AccountKind, Notification
from talents import services
from talents.models import Enterprise, EnterpriseJoinRequest, MemberRole
from tests.auth_helpers import login_verified
from tests.concurrency import race
from tests.talentportal.factories import UserFactory
from tests.talents.factories import EnterpriseFactory, EnterpriseMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese_urls():
    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


def admin_of(enterprise):
    return EnterpriseMemberFactory(enterprise=enterprise, role=MemberRole.ADMIN).user


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "name", ["talents:search", "talents:shortlist", "talents:sent_requests", "talents:postings"]
)
def test_pages_of_verified_enterprises_tell_a_pending_one_where_it_stands(client, language, name):
    member = EnterpriseMemberFactory(enterprise=EnterpriseFactory(pending=True)).user
    login_verified(client, member)
    with translation.override(language):
        url = reverse(name)
    response = client.get(url)
    assert response.status_code == 403
    assert "talents/enterprise/not_verified.html" in [t.name for t in response.templates]
    # Someone with no enterprise at all still learns nothing.
    login_verified(client, UserFactory(kind=AccountKind.TALENT))
    assert client.get(url).status_code == 404


def test_a_second_employee_asks_to_join_and_the_administrator_approves(client):
    enterprise = EnterpriseFactory()
    admin = admin_of(enterprise)
    colleague = UserFactory(kind=AccountKind.ENTERPRISE)
    login_verified(client, colleague)
    register = reverse("talents:enterprise_register")
    page = client.get(register)
    assert page.status_code == 200 and 'name="join-credit_code"' in page.text
    # An unknown code: the error next to the field, nothing asked.
    unknown = client.post(register, {"join-credit_code": "91330106MA2GL8XX0Q"})
    assert unknown.status_code == 400 and not EnterpriseJoinRequest.objects.exists()
    response = client.post(
        register, {"join-credit_code": enterprise.credit_code, "join-message": "市场部经理"}
    )
    assert response.status_code == 302
    client.post(register, {"join-credit_code": enterprise.credit_code})  # a double submit
    join = EnterpriseJoinRequest.objects.get()
    assert join.status == "pending" and join.message == "市场部经理"
    assert Notification.objects.filter(recipient=admin).exists()
    assert enterprise.display_name in client.get(register).text  # waiting for an answer
    # The colleague cannot answer their own request; a recruiter of the enterprise neither.
    answer = reverse("talents:enterprise_join_answer", args=[join.pk, "approve"])
    assert client.post(answer).status_code == 404
    login_verified(client, EnterpriseMemberFactory(enterprise=enterprise).user)
    assert client.post(answer).status_code == 404
    # The administrator sees it on the dashboard and approves.
    login_verified(client, admin)
    assert "市场部经理" in client.get(reverse("talents:enterprise_dashboard")).text
    assert client.post(answer).status_code == 302
    assert enterprise.has_member(colleague)
    assert Notification.objects.filter(recipient=colleague).exists()
    assert client.post(answer).status_code == 302  # answered already: a message, no change
    assert enterprise.members.filter(user=colleague).count() == 1
    login_verified(client, colleague)
    assert client.get(reverse("talents:search")).status_code == 200


def test_join_requests_are_for_enterprise_accounts_and_a_decline_adds_nobody():
    enterprise = EnterpriseFactory()
    admin = admin_of(enterprise)
    with pytest.raises(PermissionDenied):
        services.enterprise_join_request(
            user=UserFactory(kind=AccountKind.TALENT), credit_code=enterprise.credit_code
        )
    with pytest.raises(ValidationError):
        services.enterprise_join_request(user=admin, credit_code=enterprise.credit_code)
    colleague = UserFactory(kind=AccountKind.ENTERPRISE)
    join = services.enterprise_join_request(user=colleague, credit_code=enterprise.credit_code)
    with pytest.raises(PermissionDenied):
        services.enterprise_join_answer(join=join, by=colleague, approve=True)
    services.enterprise_join_answer(join=join, by=admin, approve=False)
    assert not enterprise.has_member(colleague)
    # Declined, they may ask again.
    again = services.enterprise_join_request(user=colleague, credit_code=enterprise.credit_code)
    assert again.pk != join.pk


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_open_request():
    enterprise = EnterpriseFactory()
    colleague = UserFactory(kind=AccountKind.ENTERPRISE)

    def ask():
        return services.enterprise_join_request(
            user=colleague, credit_code=enterprise.credit_code
        ).pk

    first, second = race(ask, ask)
    assert first == second
    assert EnterpriseJoinRequest.objects.filter(enterprise=enterprise).count() == 1
    assert Enterprise.objects.count() == 1
