import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from projects.models import Interest, Project, Registration
from projects.roadshows import services
from talentportal.models import AccountKind
from tests.auth_helpers import login_verified, sign_up
from tests.projects.roadshow_factories import (
    InterestFactory,
    InvestorFactory,
    ProjectFactory,
    RoadshowFactory,
    SlotFactory,
    industry,
    investor_member,
    region,
)
from tests.talentportal.factories import StaffFactory, UserFactory
from tests.talents.factories import recruiter

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese_urls():
    """A request to an /en/ page leaves English active in the thread, and reverse() would
    then give /en/ URLs to the tests after it."""
    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


def _titles(response):
    return {project.title_zh for project in response.context["page_obj"].object_list}


# Project list ---------------------------------------------------------------------------------


def test_project_list_shows_only_published(client):
    ProjectFactory(title_zh="公开项目")
    ProjectFactory(title_zh="草稿项目", draft=True)
    response = client.get(reverse("projects:index"))
    assert response.status_code == 200
    assert _titles(response) == {"公开项目"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"industry": "biomedicine"}, {"医药"}),
        ({"stage": ["a", "angel"]}, {"医药", "南京"}),
        ({"region": "330000"}, {"杭州", "医药"}),  # a province includes its cities and districts
        ({"region": "330100"}, {"杭州", "医药"}),
        ({"need": ["site"]}, {"南京"}),
        ({"need": ["site", "talent"]}, {"南京", "医药"}),
        ({"funding_min": "10000000"}, {"医药", "南京"}),
        ({"funding_max": "6000000"}, {"杭州"}),
        ({"funding_min": "6000000", "funding_max": "30000000"}, {"南京"}),
        ({"q": "疫苗"}, {"医药"}),
        ({"industry": "biomedicine", "region": "320000"}, set()),
    ],
)
def test_project_list_filters(client, query, expected):
    ProjectFactory(title_zh="杭州", region=region("330106"))
    ProjectFactory(
        title_zh="医药",
        summary_zh="mRNA 疫苗",
        industry=industry("biomedicine"),
        stage="a",
        funding_sought=50_000_000,
        needs=["talent"],
        region=region("330100"),
    )
    ProjectFactory(
        title_zh="南京",
        stage="angel",
        funding_sought=20_000_000,
        needs=["site"],
        region=region("320100"),
    )
    response = client.get(reverse("projects:index"), query)
    assert response.status_code == 200
    assert _titles(response) == expected


@pytest.mark.parametrize(
    "query",
    [
        "industry=nope&stage=zz&region=999999&need=x&funding_min=-5&funding_max=abc&sort=x&page=z",
        "funding_min=9&funding_max=1",
        "region=%00&q=%00",
        "q=" + "长" * 500,
        "funding_min=1e400&page=99999",
    ],
)
def test_malformed_project_list_queries_never_fail(client, query):
    ProjectFactory()
    response = client.get(reverse("projects:index") + "?" + query)
    assert response.status_code == 200


def test_project_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    ProjectFactory.create_batch(2)
    client.get(reverse("projects:index"))
    with django_assert_max_num_queries(12):
        client.get(reverse("projects:index"))
    ProjectFactory.create_batch(30)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("projects:index"), {"region": "330000"}).status_code == 200


# Project page and permissions -------------------------------------------------------------------


def test_draft_is_404_for_others_and_visible_to_its_team(client):
    project = ProjectFactory(draft=True)
    url = reverse("projects:project", args=[project.pk])
    assert client.get(url).status_code == 404
    login_verified(client, UserFactory())
    assert client.get(url).status_code == 404
    assert client.get(reverse("projects:project_edit", args=[project.pk])).status_code == 404
    login_verified(client, project.lead)
    assert client.get(url).status_code == 200
    assert client.get(reverse("projects:project_edit", args=[project.pk])).status_code == 200
    assert client.get(reverse("projects:project", args=[999999])).status_code == 404


def test_team_cannot_edit_a_published_project(client):
    project = ProjectFactory()
    login_verified(client, project.lead)
    assert client.get(reverse("projects:project_edit", args=[project.pk])).status_code == 404


def test_submit_a_project_with_a_pitch_deck_then_submit_for_review(client):
    user = UserFactory()
    login_verified(client, user)
    data = {
        "title_zh": "钙钛矿光伏组件",
        "summary_zh": "高效率钙钛矿电池",
        "industry": industry("biomedicine").pk,
        "region": "330100",
        "stage": "seed",
        "funding_sought": "3000000",
        "needs": ["capital", "site"],
        "pitch_deck": SimpleUploadedFile("deck.pdf", b"%PDF-1.4 test", "application/pdf"),
    }
    response = client.post(reverse("projects:project_create"), data)
    project = Project.objects.get(title_zh="钙钛矿光伏组件")
    assert response.status_code == 302
    assert (
        project.lead == user and project.status == "draft" and project.needs == ["capital", "site"]
    )
    assert project.pitch_deck.name.endswith(".pdf")
    deck = client.get(reverse("projects:project_deck", args=[project.pk]))
    assert deck.status_code == 200
    assert deck.content.startswith(b"%PDF-")

    client.post(reverse("projects:project_submit", args=[project.pk]))
    client.post(reverse("projects:project_submit", args=[project.pk]))  # double submit
    project.refresh_from_db()
    assert project.status == "submitted"
    assert project.submissions.count() == 1


def test_a_fake_pdf_is_refused_and_what_was_typed_kept(client):
    login_verified(client, UserFactory())
    data = {
        "title_zh": "伪装文件",
        "summary_zh": "x",
        "industry": industry().pk,
        "region": "330100",
        "stage": "idea",
        "funding_sought": "0",
        "pitch_deck": SimpleUploadedFile("deck.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
    }
    response = client.post(reverse("projects:project_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["pitch_deck"]
    assert "伪装文件" in response.content.decode()
    assert not Project.objects.exists()


def test_project_create_needs_login(client):
    response = client.get(reverse("projects:project_create"))
    assert response.status_code == 302 and "login" in response.url


def test_pitch_deck_is_not_for_strangers(client):
    project = ProjectFactory(draft=True)
    login_verified(client, UserFactory())
    assert client.get(reverse("projects:project_deck", args=[project.pk])).status_code == 404


# Interest -------------------------------------------------------------------------------------


def test_interest_flow_and_contact_visibility(client):
    user, investor = investor_member()
    project = ProjectFactory()
    project.lead.phone = "13800000000"
    project.lead.save()
    page = reverse("projects:project", args=[project.pk])

    login_verified(client, user)
    client.post(reverse("projects:interest_express", args=[project.pk]), {"message": "感兴趣"})
    interest = Interest.objects.get()
    assert "13800000000" not in client.get(page).content.decode()

    # Someone else cannot answer it (404), nor can the investor.
    response = client.post(reverse("projects:interest_answer", args=[interest.pk, "accept"]))
    assert response.status_code == 404

    login_verified(client, project.lead)
    assert investor.contact_phone not in client.get(page).content.decode()
    client.post(reverse("projects:interest_answer", args=[interest.pk, "accept"]))
    interest.refresh_from_db()
    assert interest.status == "accepted"
    assert investor.contact_phone in client.get(page).content.decode()

    login_verified(client, user)
    assert "13800000000" in client.get(page).content.decode()
    detail = client.get(reverse("projects:investor", args=[investor.pk]))
    assert detail.status_code == 200


def test_unknown_answer_is_404(client):
    interest = InterestFactory()
    login_verified(client, interest.project.lead)
    url = reverse("projects:interest_answer", args=[interest.pk, "maybe"])
    assert client.post(url).status_code == 404


def test_interest_needs_a_verified_investor(client):
    user, _investor = investor_member(pending=True)
    project = ProjectFactory()
    login_verified(client, user)
    response = client.post(reverse("projects:interest_express", args=[project.pk]))
    assert response.status_code == 403
    assert client.get(reverse("projects:interest_express", args=[project.pk])).status_code == 405


@pytest.mark.parametrize("lead_language", ["zh-hans", "en"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_interest_accepted_then_contacts_exchanged(client, language, lead_language):
    """The journey through the views, with an investor that has an English name as well (as
    every demo investor has): the team is notified in its own language, accepts, and then
    each side sees the other's contact details. Expressing interest used to answer 500: the
    team's notification named the investor through a Chinese field it does not have."""
    user, investor = investor_member(name="杭州测试创投", name_en="Hangzhou Test Ventures")
    lead = UserFactory(phone="13800000000", preferred_language=lead_language)
    project = ProjectFactory(lead=lead)
    with translation.override(language):
        page = reverse("projects:project", args=[project.pk])
        express = reverse("projects:interest_express", args=[project.pk])

    login_verified(client, user)
    response = client.post(express, {"message": "希望进一步了解"})
    assert response.status_code == 302 and response["Location"] == page
    interest = Interest.objects.get(investor=investor, project=project)
    assert interest.status == "pending" and interest.expressed_by == user
    notice = project.lead.notifications.get()
    name = "Hangzhou Test Ventures" if lead_language == "en" else "杭州测试创投"
    assert name in notice.body
    assert "13800000000" not in client.get(page).text

    login_verified(client, project.lead)
    team_page = client.get(page)
    assert team_page.status_code == 200
    assert investor.contact_phone not in team_page.text
    with translation.override(language):
        accept = reverse("projects:interest_answer", args=[interest.pk, "accept"])
    assert client.post(accept)["Location"] == page
    interest.refresh_from_db()
    assert interest.status == "accepted"
    assert investor.contact_phone in client.get(page).text
    assert user.notifications.filter(url=project.get_absolute_url()).exists()

    login_verified(client, user)
    assert "13800000000" in client.get(page).text


# Investor databank ------------------------------------------------------------------------------


def test_databank_only_for_verified_members(client):
    visible = InvestorFactory(name="已认证机构")
    hidden = InvestorFactory(name="待认证机构", pending=True)
    url = reverse("projects:investors")
    assert client.get(url).context["allowed"] is False
    assert "已认证机构" not in client.get(url).content.decode()
    pending_user, _ = investor_member(pending=True)
    login_verified(client, pending_user)
    assert client.get(url).context["allowed"] is False
    assert client.get(reverse("projects:investor", args=[visible.pk])).status_code == 404

    member, _ = investor_member()
    login_verified(client, member)
    response = client.get(url)
    names = {i.name for i in response.context["page_obj"].object_list}
    assert "已认证机构" in names and "待认证机构" not in names
    assert client.get(reverse("projects:investor", args=[hidden.pk])).status_code == 404

    login_verified(client, recruiter())
    assert client.get(url).context["allowed"] is True

    # A team sees it once its project is published, with the fitting investors on its page.
    draft = ProjectFactory(draft=True)
    login_verified(client, draft.lead)
    assert client.get(url).context["allowed"] is False
    published = ProjectFactory(lead=draft.lead)
    assert client.get(url).context["allowed"] is True
    page = client.get(reverse("projects:project", args=[published.pk]))
    assert visible in page.context["matches"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "bank"}, {"银行"}),
        ({"industry": "biomedicine"}, {"银行"}),
        ({"stage": "a"}, {"银行"}),
        ({"ticket": "50000000"}, {"银行"}),
        ({"ticket": "2000000"}, {"风投"}),
        ({"region": "320000"}, {"银行"}),
        ({"q": "风投"}, {"风投"}),
        ({"kind": "x", "ticket": "-1", "stage": "zz"}, {"风投", "银行"}),
    ],
)
def test_databank_filters(client, query, expected):
    InvestorFactory(name="风投")
    InvestorFactory(
        name="银行",
        kind="bank",
        industries=[industry("biomedicine")],
        stages=["a"],
        ticket_min=10_000_000,
        ticket_max=100_000_000,
        region=region("320100"),
    )
    login_verified(client, StaffFactory())
    response = client.get(reverse("projects:investors"), query)
    assert response.status_code == 200
    assert {i.name for i in response.context["page_obj"].object_list} == expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_databank_and_project_pages_render_for_every_member(client, language):
    """With investors named in both languages, the databank, an investor's page and a project's
    page (its fitting investors, the interests its team sees) render for each kind of member in
    each language. In Chinese they crashed: `Investor.display_name` asked for `name_zh`."""
    member, investor = investor_member(name="杭州测试创投", name_en="Hangzhou Test Ventures")
    project = ProjectFactory()
    InterestFactory(investor=investor, project=project, expressed_by=member)
    with translation.override(language):
        urls = [
            reverse("projects:investors"),
            reverse("projects:investor", args=[investor.pk]),
            reverse("projects:project", args=[project.pk]),
        ]
    name = "Hangzhou Test Ventures" if language == "en" else "杭州测试创投"
    for user in (member, recruiter(), StaffFactory(), project.lead):
        login_verified(client, user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, f"{url} for {user.kind}"
            assert name in response.text, f"{url} for {user.kind}"


def test_databank_query_count(client, django_assert_max_num_queries):
    login_verified(client, StaffFactory())
    InvestorFactory.create_batch(2)
    client.get(reverse("projects:investors"))
    with django_assert_max_num_queries(14):
        client.get(reverse("projects:investors"))
    InvestorFactory.create_batch(30)
    with django_assert_max_num_queries(14):
        client.get(reverse("projects:investors"))


# Roadshows ------------------------------------------------------------------------------------


def test_roadshow_list_upcoming_and_past_and_filters(client):
    RoadshowFactory(title_zh="将来的路演")
    RoadshowFactory(title_zh="过去的路演", past=True)
    salon = RoadshowFactory(title_zh="沙龙", kind="salon", region=region("320800"))
    salon.industries.add(industry("biomedicine"))
    url = reverse("projects:roadshows")

    def titles(query):
        response = client.get(url, query)
        assert response.status_code == 200
        return {r.title_zh for r in response.context["page_obj"].object_list}

    assert titles({}) == {"将来的路演", "沙龙"}
    assert titles({"when": "past"}) == {"过去的路演"}
    assert titles({"kind": "salon"}) == {"沙龙"}
    assert titles({"region": "320000"}) == {"沙龙"}
    assert titles({"industry": "biomedicine"}) == {"沙龙"}
    assert titles({"when": "never", "kind": "x", "region": "abc"}) == {"将来的路演", "沙龙"}


def test_roadshow_list_query_count(client, django_assert_max_num_queries):
    RoadshowFactory.create_batch(2)
    client.get(reverse("projects:roadshows"))
    with django_assert_max_num_queries(10):
        client.get(reverse("projects:roadshows"))
    RoadshowFactory.create_batch(30)
    with django_assert_max_num_queries(10):
        client.get(reverse("projects:roadshows"))


def test_register_see_code_and_qr_then_cancel(client):
    roadshow = RoadshowFactory(capacity=1)
    slot = SlotFactory(roadshow=roadshow)
    url = reverse("projects:roadshow", args=[roadshow.pk])
    anonymous = client.get(url).content.decode()
    assert slot.project.title_zh in anonymous
    assert reverse("projects:roadshow_register", args=[roadshow.pk]) not in anonymous

    user = UserFactory()
    login_verified(client, user)
    client.post(reverse("projects:roadshow_register", args=[roadshow.pk]))
    client.post(reverse("projects:roadshow_register", args=[roadshow.pk]))  # double click
    registration = Registration.objects.get()
    page = client.get(url).content.decode()
    assert registration.code in page
    assert 'src="data:image/svg+xml' in page

    other = UserFactory()
    login_verified(client, other)
    client.post(reverse("projects:roadshow_register", args=[roadshow.pk]))
    assert client.get(url).context["waitlist_position"] == 1

    login_verified(client, user)
    client.post(reverse("projects:roadshow_cancel", args=[roadshow.pk]), {"confirm": "yes"})
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert Registration.objects.get(user=other).status == "offered"


# -- the waiting list: position, a freed seat offered for a time (issue 19, point 10) -----------


def _full_roadshow_with_queue(waiting: int):
    roadshow = RoadshowFactory(capacity=1, title_en="Biotech salon")
    first = services.registration_create(roadshow=roadshow, user=UserFactory())
    queue = [
        services.registration_create(roadshow=roadshow, user=UserFactory()) for _ in range(waiting)
    ]
    return roadshow, first, queue


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("", "您在候补名单中排第 3 位"), ("/en", "You are number 3 on the waiting list")],
)
def test_the_waiting_list_position_is_shown_on_the_event_and_my_registrations(
    client, prefix, expected
):
    roadshow, _first, queue = _full_roadshow_with_queue(3)
    login_verified(client, queue[2].user)
    event = client.get(f"{prefix}/roadshows/{roadshow.pk}/").text
    assert expected in event
    mine = client.get(f"{prefix}/roadshows/mine/")
    assert mine.status_code == 200
    assert expected in mine.text
    # Someone ahead leaves: one place up.
    services.registration_cancel(registration=queue[0], by=queue[0].user)
    assert client.get(f"{prefix}/roadshows/{roadshow.pk}/").context["waitlist_position"] == 2


def test_my_registrations_runs_the_same_queries_for_one_event_or_many(client):
    person = UserFactory()
    login_verified(client, person)

    def wait_for_a_seat():
        roadshow = RoadshowFactory(capacity=1)
        services.registration_create(roadshow=roadshow, user=UserFactory())
        services.registration_create(roadshow=roadshow, user=UserFactory())
        services.registration_create(roadshow=roadshow, user=person)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/roadshows/mine/")
        assert "您在候补名单中排第 2 位" in page.text
        return len(captured)

    wait_for_a_seat()
    one = queries()
    for _ in range(3):
        wait_for_a_seat()
    assert queries() == one


@pytest.mark.parametrize(
    ("prefix", "offered", "claimed"),
    [
        ("", "空出了一个座位，留给您", "座位是您的了"),
        ("/en", "A seat became free and it is offered to you", "The seat is yours"),
    ],
)
def test_a_freed_seat_is_claimed_from_the_event_page(client, prefix, offered, claimed):
    roadshow, first, queue = _full_roadshow_with_queue(2)
    services.registration_cancel(registration=first, by=first.user)
    person = queue[0].user
    login_verified(client, person)
    page = client.get(f"{prefix}/roadshows/{roadshow.pk}/").text
    assert offered in page
    assert f'action="{prefix}/roadshows/{roadshow.pk}/claim/"' in page
    assert f'action="{prefix}/roadshows/{roadshow.pk}/claim/"' in (
        client.get(f"{prefix}/roadshows/mine/").text
    )
    response = client.post(f"{prefix}/roadshows/{roadshow.pk}/claim/", follow=True)
    assert claimed in response.text
    assert Registration.objects.get(pk=queue[0].pk).status == "confirmed"
    assert Registration.objects.get(pk=queue[0].pk).code in response.text


def test_someone_else_cannot_claim_and_an_expired_offer_says_why(client):
    roadshow, first, queue = _full_roadshow_with_queue(2)
    services.registration_cancel(registration=first, by=first.user)
    login_verified(client, queue[1].user)  # waiting, not offered
    client.post(reverse("projects:roadshow_claim", args=[roadshow.pk]))
    assert Registration.objects.get(pk=queue[1].pk).status == "waitlisted"
    login_verified(client, UserFactory())  # not registered at all
    assert client.post(reverse("projects:roadshow_claim", args=[roadshow.pk])).status_code == 404
    Registration.objects.filter(pk=queue[0].pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    login_verified(client, queue[0].user)
    response = client.post(reverse("projects:roadshow_claim", args=[roadshow.pk]), follow=True)
    assert "已过期" in response.text
    assert Registration.objects.get(pk=queue[0].pk).status == "expired"
    assert Registration.objects.get(pk=queue[1].pk).status == "offered"


def test_the_event_page_passes_an_expired_offer_on(client):
    roadshow, first, queue = _full_roadshow_with_queue(2)
    services.registration_cancel(registration=first, by=first.user)
    Registration.objects.filter(pk=queue[0].pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    login_verified(client, queue[1].user)
    page = client.get(reverse("projects:roadshow", args=[roadshow.pk])).text
    assert reverse("projects:roadshow_claim", args=[roadshow.pk]) in page
    assert Registration.objects.get(pk=queue[0].pk).status == "expired"


def test_declining_an_offered_seat_from_the_event_page(client):
    roadshow, first, queue = _full_roadshow_with_queue(2)
    services.registration_cancel(registration=first, by=first.user)
    login_verified(client, queue[0].user)
    url = reverse("projects:roadshow_cancel", args=[roadshow.pk])
    question = client.get(url)
    assert "确定放弃为您保留的座位吗" in question.text and 'value="yes"' in question.text
    assert "是的，放弃座位" in question.text
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert "您已放弃这个座位" in response.text
    assert Registration.objects.get(pk=queue[1].pk).status == "offered"


def test_cancelling_a_seat_asks_first(client):
    roadshow = RoadshowFactory(capacity=1)
    user, waiting = UserFactory(), UserFactory()
    registration = services.registration_create(roadshow=roadshow, user=user)
    services.registration_create(roadshow=roadshow, user=waiting)
    login_verified(client, user)
    url = reverse("projects:roadshow_cancel", args=[roadshow.pk])
    detail = client.get(roadshow.get_absolute_url()).text
    assert f'href="{url}"' in detail  # a link to the question, not a one-click form

    question = client.get(url)
    assert question.status_code == 200
    assert "确定要取消报名吗" in question.text and "候补名单上的下一位" in question.text
    assert f'href="{roadshow.get_absolute_url()}"' in question.text  # "No, keep it"
    assert "是的，取消报名" in question.text
    english = client.get(f"/en{url}").text
    assert "Are you sure you want to cancel your registration?" in english
    # A POST without the confirmation (a stray click, an old page) only asks again.
    assert client.post(url).status_code == 400
    registration.refresh_from_db()
    assert registration.status == "confirmed"

    client.post(url, {"confirm": "yes"})
    registration.refresh_from_db()
    assert registration.status == "cancelled"
    assert client.get(url).status_code == 404  # nothing left to cancel


def test_no_question_once_checked_in(client):
    roadshow = RoadshowFactory(capacity=1)
    user = UserFactory()
    registration = services.registration_create(roadshow=roadshow, user=user)
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=timezone.now())
    login_verified(client, user)
    response = client.get(reverse("projects:roadshow_cancel", args=[roadshow.pk]))
    assert response.status_code == 302 and response["Location"] == roadshow.get_absolute_url()


def test_cancel_without_registration_is_404(client):
    roadshow = RoadshowFactory()
    login_verified(client, UserFactory())
    assert client.post(reverse("projects:roadshow_cancel", args=[roadshow.pk])).status_code == 404


def test_unpublished_roadshow_is_404(client):
    roadshow = RoadshowFactory(is_published=False)
    assert client.get(reverse("projects:roadshow", args=[roadshow.pk])).status_code == 404


def test_register_needs_login_and_post(client):
    roadshow = RoadshowFactory()
    url = reverse("projects:roadshow_register", args=[roadshow.pk])
    assert client.post(url).status_code == 302
    login_verified(client, UserFactory())
    assert client.get(url).status_code == 405


def test_checkin_desk_is_staff_only_and_checks_codes(client):
    roadshow = RoadshowFactory()
    registration = services.registration_create(roadshow=roadshow, user=UserFactory())
    url = reverse("projects:roadshow_checkin", args=[roadshow.pk])
    login_verified(client, registration.user)
    assert client.get(url).status_code == 404
    login_verified(client, StaffFactory())
    assert client.get(url).status_code == 200
    assert client.post(url, {"code": registration.code.lower()}).status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    reused = client.post(url, {"code": registration.code})
    assert reused.status_code == 422
    assert reused.context["form"].errors.as_data()["code"][0].code == "used"
    assert client.post(url, {"code": "\x00"}).status_code == 422
    assert client.post(url, {"code": "x" * 500}).status_code == 422


def test_ics_is_valid_icalendar(client):
    roadshow = RoadshowFactory(
        title_zh="长三角全球科创项目露天路演, 嘉兴; 第一场",
        starts_at=datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2026, 12, 7, 14, 0, tzinfo=datetime.UTC),
        description_zh="人才、项目、资本" * 20,
    )
    response = client.get(reverse("projects:roadshow_ics", args=[roadshow.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    lines = body.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "")
    assert "DTSTART:20261207T090000Z" in unfolded
    assert "DTEND:20261207T140000Z" in unfolded
    assert "SUMMARY:长三角全球科创项目露天路演\\, 嘉兴\\; 第一场" in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 1 and "UID:roadshow-" in unfolded


def test_watch_counts_an_online_view(client):
    roadshow = RoadshowFactory(stream_url="https://live.example.com/x")
    response = client.get(reverse("projects:roadshow_watch", args=[roadshow.pk]))
    assert response.status_code == 302 and response.url == "https://live.example.com/x"
    roadshow.refresh_from_db()
    assert roadshow.online_views == 1
    no_stream = RoadshowFactory()
    assert client.get(reverse("projects:roadshow_watch", args=[no_stream.pk])).status_code == 404


def test_my_projects(client):
    project = ProjectFactory(draft=True)
    ProjectFactory()
    login_verified(client, project.lead)
    response = client.get(reverse("projects:my_projects"))
    assert list(response.context["projects"]) == [project]


def test_english_pages(client):
    project = ProjectFactory(title_en="Vision inspection")
    response = client.get("/en" + reverse("projects:project", args=[project.pk]))
    assert response.status_code == 200
    assert "Vision inspection" in response.content.decode()


def test_past_event_cannot_be_registered_for(client):
    roadshow = RoadshowFactory(
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    login_verified(client, UserFactory(kind=AccountKind.TALENT))
    client.post(reverse("projects:roadshow_register", args=[roadshow.pk]))
    assert not Registration.objects.exists()


def test_detail_pages_query_counts(client, django_assert_max_num_queries):
    roadshow = RoadshowFactory()
    for _ in range(8):
        SlotFactory(roadshow=roadshow)
    project = roadshow.slots.first().project
    member, _investor = investor_member()
    InvestorFactory.create_batch(8)
    login_verified(client, member)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("projects:roadshow", args=[roadshow.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("projects:project", args=[project.pk])).status_code == 200


def test_submission_is_listed_in_my_applications(client):
    project = ProjectFactory(draft=True, title_zh="我的项目")
    submission = services.project_submit(project=project, by=project.lead)
    login_verified(client, project.lead)
    response = client.get(reverse("me:applications"))
    assert response.status_code == 200
    assert submission.reference in response.content.decode()
    detail = client.get(submission.get_absolute_url())
    assert detail.status_code == 200
    assert "我的项目" in detail.content.decode()


def test_project_from_a_talent_program_says_so(client):
    from tests.projects.program_factories import ProgramFactory

    program = ProgramFactory(name_zh="鲲鹏计划")
    project = ProjectFactory(program=program)
    response = client.get(reverse("projects:project", args=[project.pk]))
    assert "鲲鹏计划" in response.content.decode()


# -- investors sign up, ask to join the databank, and see what fits (issue 19, point 6) ------


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_an_investor_signs_up_registers_and_once_verified_sees_ranked_matches(client, prefix):
    from talentportal.models import Notification, User

    staff = StaffFactory(is_superuser=True)
    signup = {
        "kind": "investor",
        "username": "wangfund",
        "email": "wang@fund.example.com",
        "display_name": "王经理",
        "password1": "Qiantang-River-2026",
        "password2": "Qiantang-River-2026",
        "accept_privacy": "on",
    }
    response = sign_up(client, signup, prefix=prefix)  # and follow the mail's link
    assert response.status_code == 302 and response["Location"].endswith("/investors/mine/")
    user = User.objects.get(username="wangfund")
    login_verified(client, user)
    mine = f"{prefix}/investors/mine/"
    assert client.get(mine).status_code == 200
    # Bad input: errors next to the fields, nothing registered.
    bad = client.post(mine, {"name": "", "ticket_min": "5", "ticket_max": "1"})
    assert bad.status_code == 400 and not user.investor_memberships.exists()
    data = {
        "name": "钱塘创投基金",
        "kind": "vc",
        "region": "330100",
        "stages": ["seed"],
        "focus_industries": [industry().pk],
        "ticket_min": "1000000",
        "ticket_max": "20000000",
        "contact_name": "王经理",
        "contact_email": "wang@fund.example.com",
    }
    assert client.post(mine, data).status_code == 302
    investor = user.investor_memberships.get()
    assert investor.status == "pending"
    assert Notification.objects.filter(recipient=staff).exists()  # staff are told
    assert client.post(mine, data).status_code == 200  # no second registration
    assert user.investor_memberships.count() == 1
    # Pending: no databank, no matches yet.
    assert "钱塘创投基金" in client.get(mine).text
    assert client.get(f"{prefix}/investors/").context["allowed"] is False
    services.investor_verify(investor=investor, by=staff)
    assert client.get(f"{prefix}/investors/").context["allowed"] is True
    best = ProjectFactory(title_zh="最契合项目", funding_sought=5_000_000)
    stage_only = ProjectFactory(
        title_zh="阶段契合项目", industry=industry("biomedicine"), funding_sought=1
    )
    ProjectFactory(title_zh="不契合项目", industry=industry("biomedicine"), stage="b_plus")
    ProjectFactory(title_zh="草稿项目", draft=True)
    page = client.get(mine)
    assert [p.pk for p in page.context["matches"]] == [best.pk, stage_only.pk]
    assert "不契合项目" not in page.text and "草稿项目" not in page.text
    # A new project that fits is announced to the institution's members.
    draft = ProjectFactory(title_zh="新上线项目", draft=True)
    services.project_publish(project=draft, by=staff)
    assert Notification.objects.filter(recipient=user, url=draft.get_absolute_url()).exists()


def test_my_institution_is_for_investor_accounts(client):
    login_verified(client, UserFactory(kind=AccountKind.TALENT))
    assert client.get(reverse("projects:my_investor")).status_code == 403
    client.logout()
    assert client.get(reverse("projects:my_investor")).status_code == 302


# -- names on project pages need the lead's consent (issue 19, point 9) ------------------------


def test_team_names_are_masked_unless_the_lead_consents(client):
    lead = UserFactory(kind=AccountKind.TALENT, display_name="陈思远")
    member = UserFactory(kind=AccountKind.TALENT, display_name="欧阳娜娜")
    project = ProjectFactory(lead=lead)
    project.members.add(member)
    url = project.get_absolute_url()
    for viewer in (None, UserFactory(kind=AccountKind.TALENT), investor_member()[0]):
        if viewer is not None:
            login_verified(client, viewer)
        page = client.get(url).text
        assert "陈思远" not in page and "欧阳娜娜" not in page
        assert "陈**" in page and "欧阳**" in page
    login_verified(client, member)  # the team sees its names
    assert "陈思远" in client.get(url).text
    project.team_names_public = True
    project.save()
    client.logout()
    page = client.get(url).text
    assert "陈思远" in page and "欧阳娜娜" in page
