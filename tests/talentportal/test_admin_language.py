"""The back office in the admin's language and readable (issue 19, point 12): third-party app
names and Django's own untranslated strings in Chinese, a service application's answers as a
table of question and answer, talent cards found by the holder's name."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from talents.models import TalentCard
from tests.talentportal.workflow_factories import ServiceApplicationFactory, ServiceItemFactory
from tests.talents.factories import TalentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese():
    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


def test_third_party_apps_and_django_strings_are_in_chinese(admin_client):
    page = admin_client.get(reverse("admin:index")).text
    assert "登录尝试与锁定" in page and "身份验证器（双重验证）" in page
    for english in (">Axes<", ">Otp_Totp<", ">Otp_Static<", "OTP_TOTP", "AXES"):
        assert english not in page
    # The date filter of a changelist with a date hierarchy, and a blank choice.
    changelist = admin_client.get(reverse("admin:projects_call_changelist")).text
    assert "Filter by" not in changelist
    with translation.override("zh-hans"):
        assert str(translation.gettext("- Select an option -")) == "- 请选择 -"


def test_service_application_answers_are_a_table_not_json(admin_client):
    service = ServiceItemFactory(
        form_schema=[
            {"name": "employer", "label_zh": "工作单位", "label_en": "Employer", "kind": "text"},
            {"name": "mobile", "label_zh": "手机号码", "label_en": "Mobile", "kind": "text"},
        ]
    )
    application = ServiceApplicationFactory(
        service=service, answers={"employer": "浙江大学", "mobile": "13800138000"}
    )
    url = reverse("admin:policies_serviceapplication_change", args=[application.pk])
    page = admin_client.get(url).text
    assert '<table class="answers-table">' in page
    assert '<th scope="row">工作单位</th><td>浙江大学</td>' in page
    assert '{"employer"' not in page and "&quot;employer&quot;" not in page


def test_talent_cards_are_found_by_the_holders_name(admin_client):
    today = timezone.localdate()
    card = TalentCard.objects.create(
        number="TC-2026-900001",
        talent=TalentFactory(name="欧阳娜娜"),
        tier="C",
        valid_from=today,
        valid_until=today + datetime.timedelta(days=365),
    )
    TalentCard.objects.create(
        number="TC-2026-900002",
        talent=TalentFactory(name="张三"),
        tier="B",
        valid_from=today,
        valid_until=today,
    )
    url = reverse("admin:talents_talentcard_changelist")
    by_name = admin_client.get(url, {"q": "欧阳"})
    assert by_name.status_code == 200
    assert card.number in by_name.text and "TC-2026-900002" not in by_name.text
    assert card.number in admin_client.get(url, {"q": card.number}).text
