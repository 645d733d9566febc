"""What an apartment applicant sees (issue 18): "check your answers" before submitting, a
provisional position in a queue round before it closes, no lottery wording for a queue, and
preference groups by their name, not their code."""

import re

import pytest
from django.urls import reverse

from apartments import services
from apartments.models import ApartmentApplication
from talentportal.models import ApplicationStatus
from tests.apartments.factories import (
    AFTER,
    SEED,
    CommunityFactory,
    open_round,
    superuser,
    units,
)
from tests.apartments.factories import apply as apply_via_services
from tests.apartments.web import accepting_round, form_data, pdf
from tests.auth_helpers import login_verified
from tests.talentportal.factories import UserFactory

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def test_the_form_leads_to_check_your_answers_which_submits(client):
    round = accepting_round()
    talent = UserFactory(kind="talent")
    login_verified(client, talent)
    response = client.post(
        reverse("apartments:round_apply", args=[round.pk]),
        form_data(action="check", document=pdf("劳动合同.pdf")),
    )
    application = ApartmentApplication.objects.get(applicant=talent)
    check = reverse("me:application_check", args=[application.reference])
    assert response.status_code == 302 and response["Location"] == check
    assert application.status == S.DRAFT
    page = client.get(check).content.decode()
    assert "张伟" in page and "劳动合同.pdf" in page
    assert application.id_number not in page  # masked, even for the applicant
    assert reverse("apartments:round_apply", args=[round.pk]) in page  # "Change"
    done = client.post(check)
    assert done["Location"] == reverse("apartments:application", args=[application.reference])
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_a_missing_answer_says_what_to_do(client):
    round = accepting_round()
    login_verified(client, UserFactory(kind="talent"))
    url = reverse("apartments:round_apply", args=[round.pk])
    body = client.post(url, form_data(full_name="", employer="", declaration="")).content.decode()
    assert "这个字段是必填项" not in body
    assert "请填写工作单位" in body and "请勾选以确认" in body
    english = client.post(f"/en{url}", form_data(employer="")).content.decode()
    assert "This field is required" not in english
    assert "Enter employer." in english


def test_a_queue_applicant_sees_a_provisional_position_before_the_round_closes(client):
    community = CommunityFactory()
    top_units = units(community, 1)
    round = open_round(
        units_=units(community, 2),
        community=community,
        method="queue",
        seed=None,
        groups=[
            (
                {
                    "code": "top",
                    "kind": "high_tier",
                    "name_zh": "高层次人才",
                    "name_en": "Top talent",
                },
                top_units,
            )
        ],
    )
    apply_via_services(round, years_in_region=6, tier="A", phone="13800000001")
    mine = apply_via_services(round, years_in_region=1, tier="A", phone="13800000002")
    apply_via_services(round, years_in_region=0, phone="13800000003")
    apply_via_services(round, years_in_region=9, phone="13800000004", submit=False)  # a draft
    login_verified(client, mine.applicant)
    url = reverse("apartments:application", args=[mine.reference])
    english = client.get(f"/en{url}").content.decode()
    assert "Provisional position: 2 of 3 applicants so far." in english
    assert "In the group “Top talent”: 2 of 2." in english
    assert "order is drawn" not in english and "after the draw" not in english
    assert ">top<" not in english
    chinese = client.get(url).content.decode()
    assert "暂定排名" in chinese
    # The same panel on the shared application page.
    shared = client.get(f"/en/me/applications/{mine.reference}/").content.decode()
    assert "Provisional position: 2 of 3" in shared


@pytest.mark.parametrize(
    ("method", "said", "unsaid"),
    [
        ("queue", "before it ranks the applications", "before the draw"),
        ("lottery", "duplicates before the draw", "before it ranks"),
    ],
)
def test_the_apply_page_speaks_of_a_draw_only_in_a_lottery_round(client, method, said, unsaid):
    round = accepting_round(method=method)
    login_verified(client, UserFactory())
    body = client.get(f"/en/apartments/rounds/{round.pk}/apply/").content.decode()
    assert said in body and unsaid not in body


def test_a_lottery_applicant_is_told_the_rank_comes_with_the_draw(client):
    round = accepting_round()
    mine = apply_via_services(round, now=None)
    login_verified(client, mine.applicant)
    english = client.get(f"/en/apartments/applications/{mine.reference}/").content.decode()
    assert "Provisional position" not in english
    assert "the order is drawn" in english


def test_the_verify_page_names_a_preference_group_not_its_code(client):
    community = CommunityFactory()
    round = open_round(
        units_=units(community, 1),
        community=community,
        groups=[
            (
                {
                    "code": "top",
                    "kind": "high_tier",
                    "name_zh": "高层次人才",
                    "name_en": "Top talent",
                },
                units(community, 1),
            )
        ],
    )
    mine = apply_via_services(round, tier="A", phone="13800000001")
    apply_via_services(round, phone="13800000002")
    staff = superuser()
    services.round_close(round=round, by=staff, now=AFTER)
    services.applications_decide(round=round, by=staff)
    services.round_freeze(round=round, by=staff, now=AFTER)
    services.round_draw(round=round, by=staff, seed=SEED)
    page = client.get(
        f"/en/apartments/rounds/{round.pk}/verify/?reference={mine.reference}"
    ).content.decode()
    assert "In the group “Top talent” it is number 1." in page
    assert "In the group “top”" not in page


# The smallest PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def test_the_community_photos_of_the_list_load(client):
    from django.core.files.base import ContentFile

    from apartments.models import CommunityPhoto

    community = CommunityFactory()
    photo = CommunityPhoto(community=community, caption_zh="外景", position=1)
    photo.image.save("front.png", ContentFile(PNG), save=True)
    body = client.get("/apartments/").content.decode()
    (src,) = re.findall(r'<img class="apt-card__photo" src="([^"]+)"', body)
    assert not src.startswith("/media/")
    response = client.get(src)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_the_points_rules_of_a_round_are_in_the_pages_language(client):
    round = accepting_round(method="queue")
    login_verified(client, UserFactory(kind="talent"))
    page = client.get(reverse("apartments:round_apply", args=[round.pk])).content.decode()
    assert "每满一年 3 分，最高 30 分。" in page
    assert "3 points per full year" not in page
