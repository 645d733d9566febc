"""The talent library's pages: candidate search and the privacy rules seen through the pages,
the talent's own profile, demands and internships with their applications, enterprise
registration, postings and processing, talent cards. Query-count bounds for every list."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from talentportal.choices import Degree, TalentTier
from talentportal.models import AccountKind, ApplicationStatus
from talentportal.workflow import application_submit
from talents.models import (
    AccessKind,
    Consent,
    ConsentPurpose,
    ContactRequest,
    ContactStatus,
    Demand,
    DemandApplication,
    Enterprise,
    EnterpriseMember,
    Evaluation,
    InternshipApplication,
    ProfileAccess,
    Shortlist,
    Talent,
    VerificationStatus,
    Visibility,
)
from talents.services import (
    consent_give,
    contact_request_accept,
    contact_request_create,
    demand_application_create,
    evaluation_confirm,
)
from talents.views import candidates
from tests.auth_helpers import login_verified
from tests.policies.factories import region
from tests.talentportal.factories import PASSWORD, UserFactory
from tests.talents.factories import (
    DemandFactory,
    EnterpriseFactory,
    InternshipFactory,
    TalentFactory,
    discipline,
    recruiter,
    staff_with,
)

pytestmark = pytest.mark.django_db

SEARCH = "/talents/search/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def login(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), response


@pytest.fixture
def member():
    """A recruiter of a verified enterprise."""
    return recruiter()


@pytest.fixture
def enterprise(member):
    return Enterprise.objects.of_member(member).get()


@pytest.fixture
def company(member) -> Client:
    return login(member)


@pytest.fixture
def person():
    """A findable talent with a real-looking name and contact details."""
    talent = TalentFactory(
        name="张三丰",
        phone="13812345678",
        email="zhang.sanfeng@example.cn",
        main_discipline=discipline("0805"),
        highest_degree=Degree.DOCTORATE,
        years_experience=6,
        current_region=region("330106"),
        headline="锂电池材料研发",
    )
    talent.user.phone = "13900000000"
    talent.user.save(update_fields=["phone"])
    return talent


@pytest.fixture
def person_client(person) -> Client:
    return login(person.user)


def body(response) -> str:
    return response.content.decode()


# Candidate search -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(SEARCH)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/talents/search/")


def test_results_show_masked_summaries_only(company, person):
    response = company.get(SEARCH)
    assert response.status_code == 200
    text = body(response)
    assert "张**" in text
    for secret in ("张三丰", "13812345678", "13900000000", "zhang.sanfeng", person.user.email):
        assert secret not in text
    result = response.context["results"][0]
    assert str(result.summary).startswith("张** · ")
    # Contact details are not even fetched for a list.
    assert "phone" in result.get_deferred_fields()


def test_search_combines_discipline_degree_and_years(company, person):
    other = TalentFactory(main_discipline=discipline("0201"), highest_degree=Degree.BACHELOR)
    response = company.get(SEARCH, {"discipline": "08", "degree": "4", "years_min": "5"})
    assert [t.pk for t in response.context["results"]] == [person.pk]
    assert other.pk not in [t.pk for t in company.get(SEARCH, {"degree": "4"}).context["results"]]
    assert response.context["result_count"] == 1 and not response.context["is_capped"]


def test_search_text_and_the_english_page(company, person):
    from talents.services import talent_refresh_derived

    talent_refresh_derived(talent=person)
    TalentFactory()
    response = company.get("/en" + SEARCH, {"q": "锂电池"})
    assert [t.pk for t in response.context["results"]] == [person.pk]
    assert response.context["sort_key"] == "relevance"
    assert "1 candidate" in body(response)


def test_hidden_and_unconsented_profiles_are_never_found(company, person):
    TalentFactory(visibility=Visibility.HIDDEN)
    TalentFactory(consents=[])
    response = company.get(SEARCH)
    assert [t.pk for t in response.context["results"]] == [person.pk]


def test_counts_stop_at_the_cap_with_a_label(company, monkeypatch):
    TalentFactory.create_batch(4)
    monkeypatch.setattr(candidates.CandidateSearchView, "count_cap", 3)
    response = company.get("/en" + SEARCH)
    assert response.context["is_capped"] and response.context["result_count"] == 3
    assert "More than 3 candidates" in body(response)
    assert "Narrow your search" in body(response)


def test_pages_stop_at_the_cap_and_bad_page_numbers_show_a_page(company, monkeypatch):
    TalentFactory.create_batch(5)
    monkeypatch.setattr(candidates.CandidateSearchView, "paginate_by", 2)
    monkeypatch.setattr(candidates.CandidateSearchView, "count_cap", 4)
    assert company.get(SEARCH, {"page": "2"}).context["page_obj"].number == 2
    deep = company.get(SEARCH, {"page": "999999"})
    assert deep.context["page_obj"].number == 2  # the last page under the cap
    assert company.get(SEARCH, {"page": "abc"}).context["page_obj"].number == 1
    assert company.get(SEARCH, {"page": "-3"}).context["page_obj"].number == 1


def test_search_runs_as_many_queries_with_many_talents_as_with_few(
    company, enterprise, django_assert_max_num_queries
):
    TalentFactory.create_batch(2, main_discipline=discipline("0805"))
    url = SEARCH + "?discipline=08&degree=2&years_min=0&region=330000"
    company.get(url)  # warm-up
    few, _response = queries(company, url)
    assert few <= 14
    for talent in TalentFactory.create_batch(
        25, main_discipline=discipline("0802"), current_region=region("330212")
    ):
        Shortlist.objects.create(
            enterprise=enterprise, talent=talent, added_by=enterprise.members.get().user
        )
    with django_assert_max_num_queries(few):
        response = company.get(url)
    assert len(response.context["results"]) == 20


BAD_QUERIES = [
    "discipline=%00",
    "degree=%FF%FE",
    "years_min=abc&years_max=1e999",
    "years_min=99999999999999999999999",
    "region[]=1&region=330000&region=330100",
    "industry=" + "x" * 3000,
    "tier=A&tier=%00&tier=Z",
    "overseas[]=yes",
    "graduated_from=-2020",
    "sort=rank;DROP TABLE talents_talent",
    "page=%00",
    "page=1e10",
    "q=%E4%B8",
    "q=" + "&" * 10,
    "q=" + "a" * 1000,
    "skills=,,,,",
    "skills=%F0%9F%98%80",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
@pytest.mark.parametrize(
    "path", [SEARCH, "/en" + SEARCH, "/demands/", "/internships/", "/en/demands/"]
)
def test_malformed_query_strings_never_fail(company, person, path, query):
    response = company.get(f"{path}?{query}")
    assert response.status_code == 200


# Candidate page, shortlist, contact --------------------------------------------------------------


def test_the_candidate_page_is_masked_and_its_opening_logged(company, member, person):
    response = company.get(f"/talents/{person.pk}/")
    assert response.status_code == 200
    text = body(response)
    assert "张**" in text and "张三丰" not in text and "13812345678" not in text
    access = ProfileAccess.objects.get(talent=person)
    assert (access.viewer, access.what) == (member, AccessKind.PROFILE)


def test_no_contact_details_without_acceptance(company, person):
    response = company.post(f"/talents/{person.pk}/contact-details/", {"why": "面试邀请"})
    assert response.status_code == 404
    assert not ProfileAccess.objects.filter(talent=person, what=AccessKind.CONTACT).exists()
    assert "Show contact details" not in body(company.get(f"/en/talents/{person.pk}/"))


def test_shortlist_add_and_remove(company, enterprise, person):
    response = company.post(
        f"/talents/{person.pk}/shortlist/", {"action": "add", "next": "/talents/search/?degree=4"}
    )
    assert response.status_code == 302 and response["Location"] == "/talents/search/?degree=4"
    assert Shortlist.objects.filter(enterprise=enterprise, talent=person).exists()
    listed = company.get("/enterprise/shortlist/")
    assert [e.talent_id for e in listed.context["entries"]] == [person.pk]
    assert "张三丰" not in body(listed)
    company.post(f"/talents/{person.pk}/shortlist/", {"action": "remove"})
    assert not Shortlist.objects.filter(enterprise=enterprise, talent=person).exists()


def test_an_unsafe_next_url_is_ignored(company, person):
    response = company.post(
        f"/talents/{person.pk}/shortlist/", {"action": "add", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/talents/{person.pk}/"


def test_a_hidden_talent_leaves_the_shortlist(company, enterprise, member, person):
    Shortlist.objects.create(enterprise=enterprise, talent=person, added_by=member)
    Talent.objects.filter(pk=person.pk).update(visibility=Visibility.HIDDEN)
    assert list(company.get("/enterprise/shortlist/").context["entries"]) == []
    assert company.get(f"/talents/{person.pk}/").status_code == 404


def test_contact_request_acceptance_view_and_who_viewed(
    company, member, enterprise, person, person_client
):
    # The enterprise asks, with a message; asking again changes nothing.
    response = company.post(
        f"/en/talents/{person.pk}/contact/",
        {"message": "We would like to invite you.", "next": SEARCH},
    )
    assert response.status_code == 302
    request = ContactRequest.objects.get(enterprise=enterprise, talent=person)
    assert request.status == ContactStatus.PENDING
    company.post(f"/talents/{person.pk}/contact/", {"message": "again"})
    assert ContactRequest.objects.filter(enterprise=enterprise, talent=person).count() == 1

    # The talent sees it and accepts.
    page = person_client.get("/en/me/profile/requests/")
    assert enterprise.name in body(page) and "We would like to invite you." in body(page)
    person_client.post(f"/me/profile/requests/{request.pk}/accept/")
    request.refresh_from_db()
    assert request.status == ContactStatus.ACCEPTED

    # Now the enterprise may see the details, once it says why; the view is logged.
    page = company.get(f"/en/talents/{person.pk}/")
    assert "Show contact details" in body(page) and "13812345678" not in body(page)
    assert company.post(f"/talents/{person.pk}/contact-details/", {"why": ""}).status_code == 400
    shown = company.post(
        f"/en/talents/{person.pk}/contact-details/", {"why": "To invite to an interview"}
    )
    assert shown.status_code == 200
    assert "张三丰" in body(shown) and "13812345678" in body(shown)
    assert "zhang.sanfeng@example.cn" in body(shown)
    assert "no-store" in shown["Cache-Control"]
    # Its forms come back to the candidate page, not to this POST-only address.
    assert f'name="next" value="/en/talents/{person.pk}/"' in body(shown)
    access = ProfileAccess.objects.get(talent=person, what=AccessKind.CONTACT)
    assert (access.viewer, access.enterprise, access.why) == (
        member,
        enterprise,
        "To invite to an interview",
    )

    # …and the talent sees who viewed, for which enterprise and why.
    viewers = person_client.get("/en/me/profile/viewers/")
    text = body(viewers)
    assert enterprise.name in text and "To invite to an interview" in text
    assert "Contact details" in text

    # Taking the permission back hides the details again.
    person_client.post(f"/me/profile/requests/{request.pk}/revoke/")
    assert (
        company.post(f"/talents/{person.pk}/contact-details/", {"why": "again"}).status_code == 404
    )


def test_declining_keeps_the_details_private(company, enterprise, person, person_client):
    company.post(f"/talents/{person.pk}/contact/", {"message": ""})
    request = ContactRequest.objects.get(enterprise=enterprise, talent=person)
    person_client.post(f"/me/profile/requests/{request.pk}/decline/")
    request.refresh_from_db()
    assert request.status == ContactStatus.DECLINED
    assert company.post(f"/talents/{person.pk}/contact-details/", {"why": "x"}).status_code == 404


def test_a_talent_cannot_answer_someone_elses_request(company, enterprise, person):
    company.post(f"/talents/{person.pk}/contact/", {"message": ""})
    request = ContactRequest.objects.get(enterprise=enterprise, talent=person)
    other = login(TalentFactory().user)
    assert other.post(f"/me/profile/requests/{request.pk}/accept/").status_code == 404
    assert other.post(f"/me/profile/requests/{request.pk}/bogus/").status_code == 404


def test_the_resume_is_downloaded_only_when_allowed_and_logged(
    company, member, enterprise, person, person_client
):
    consent_give(user=person.user, purpose=ConsentPurpose.RESUME_PROCESSING)
    fake = SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    person_client.post("/me/profile/resume/", {"resume": fake})
    person.refresh_from_db()
    assert not person.resume
    person_client.post(
        "/me/profile/resume/",
        {"resume": SimpleUploadedFile("张三丰简历.pdf", PDF, content_type="application/pdf")},
    )
    person.refresh_from_db()
    assert person.resume and "张三丰" not in person.resume.name

    assert company.post(f"/talents/{person.pk}/resume/", {"why": "x"}).status_code == 404
    request = contact_request_create(enterprise=enterprise, talent=person, by=member)
    contact_request_accept(request=request, by=person.user)
    response = company.post(f"/talents/{person.pk}/resume/", {"why": "Screening"})
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert ProfileAccess.objects.filter(talent=person, what=AccessKind.RESUME).count() == 1

    # The talent downloads and deletes their own.
    own = person_client.get("/me/profile/resume/download/")
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF-")  # read, so closed
    # Deleting asks first: a POST without the confirmation keeps the file.
    question = person_client.get("/me/profile/resume/delete/")
    assert question.status_code == 200
    assert 'href="/me/profile/#resume"' in question.text and "确定删除简历" in question.text
    assert person_client.post("/me/profile/resume/delete/").status_code == 400
    person.refresh_from_db()
    assert person.resume
    person_client.post("/me/profile/resume/delete/", {"confirm": "yes"})
    person.refresh_from_db()
    assert not person.resume


def test_contact_details_visible_to_verified_enterprises_without_asking(company, person):
    consent_give(user=person.user, purpose=ConsentPurpose.CONTACT_SHARING)
    Talent.objects.filter(pk=person.pk).update(contact_visible_to_verified=True)
    response = company.post(f"/talents/{person.pk}/contact-details/", {"why": "Recruiting"})
    assert response.status_code == 200 and "13812345678" in body(response)


# The talent's own pages --------------------------------------------------------------------------


def profile_data(**overrides) -> dict:
    data = {
        "name": "李明",
        "gender": "",
        "birth_year": "1990",
        "headline": "Battery materials researcher",
        "current_region": "330106",
        "work_regions": ["330100", "320400"],
        "skills": "Python，锂电池, python",
        "phone": "",
        "email": "",
        "education-TOTAL_FORMS": "2",
        "education-INITIAL_FORMS": "0",
        "education-0-degree": "4",
        "education-0-discipline": "0805",
        "education-0-school": "浙江大学",
        "education-0-graduation_year": "2018",
        "education-0-overseas": "on",
        "education-1-degree": "",
        "education-1-discipline": "",
        "education-1-school": "",
        "education-1-graduation_year": "",
        "experience-TOTAL_FORMS": "1",
        "experience-INITIAL_FORMS": "0",
        "experience-0-employer": "宁德时代",
        "experience-0-title": "研究员",
        "experience-0-start": "2018-07-01",
        "experience-0-end": "2024-07-01",
    }
    data.update(overrides)
    return data


def test_a_talent_creates_the_profile_with_education_and_experience():
    user = UserFactory(kind=AccountKind.TALENT)
    client = login(user)
    page = client.get("/me/profile/")
    assert page.status_code == 200 and page.context["talent"] is None
    response = client.post("/me/profile/", profile_data())
    assert response.status_code == 302, response.context and response.context["form"].errors
    talent = Talent.objects.get(user=user)
    assert talent.name == "李明"
    assert talent.highest_degree == Degree.DOCTORATE and talent.main_discipline_id == "0805"
    assert talent.years_experience == 6 and talent.has_overseas
    assert talent.skills == ["python", "锂电池"]
    assert sorted(talent.work_regions.values_list("code", flat=True)) == ["320400", "330100"]
    assert talent.visibility == Visibility.HIDDEN  # hidden until the talent chooses

    # The page shows the records again; removing one recomputes the search columns.
    page = client.get("/me/profile/")
    assert page.context["education_set"].initial[0]["school"] == "浙江大学"
    data = profile_data(**{"education-INITIAL_FORMS": "1", "education-0-DELETE": "on"})
    client.post("/me/profile/", data)
    talent.refresh_from_db()
    assert talent.highest_degree == Degree.NONE and not talent.educations.exists()


def test_invalid_records_keep_what_was_typed(person_client, person):
    data = profile_data(**{"education-0-graduation_year": "1800", "experience-0-end": "2010-01-01"})
    response = person_client.post("/en/me/profile/", data)
    assert response.status_code == 400
    text = body(response)
    assert "宁德时代" in text and "1800" in text
    assert response.context["education_set"].forms[0].errors
    assert response.context["experience_set"].forms[0].errors
    person.refresh_from_db()
    assert person.name == "张三丰"


def test_visibility_and_contact_sharing_need_the_consents(person_client, person):
    response = person_client.post(
        "/en/me/profile/privacy/",
        {"visibility": Visibility.PUBLIC_SUMMARY, "contact_visible_to_verified": "on"},
    )
    assert response.status_code == 400
    assert "Agree to share your contact details first" in body(response)
    person_client.post("/me/profile/consents/give/", {"purpose": ConsentPurpose.CONTACT_SHARING})
    response = person_client.post(
        "/me/profile/privacy/",
        {"visibility": Visibility.PUBLIC_SUMMARY, "contact_visible_to_verified": "on"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.visibility == Visibility.PUBLIC_SUMMARY and person.contact_visible_to_verified


def test_withdrawing_the_search_consent_hides_the_profile_at_once(company, person, person_client):
    assert [t.pk for t in company.get(SEARCH).context["results"]] == [person.pk]
    consent = Consent.objects.get(user=person.user, purpose=ConsentPurpose.PROFILE_SEARCH)
    page = person_client.get("/en/me/profile/privacy/")
    assert f"/me/profile/consents/{consent.pk}/withdraw/" in body(page)
    person_client.post(f"/me/profile/consents/{consent.pk}/withdraw/")
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert list(company.get(SEARCH).context["results"]) == []
    assert company.get(f"/talents/{person.pk}/").status_code == 404
    # Withdrawing what is not in force, or someone else's consent, is a 404.
    assert person_client.post(f"/me/profile/consents/{consent.pk}/withdraw/").status_code == 404


def test_export_holds_every_category_of_personal_data(company, member, enterprise, person):
    request = contact_request_create(enterprise=enterprise, talent=person, by=member)
    contact_request_accept(request=request, by=person.user)
    company.post(f"/talents/{person.pk}/contact-details/", {"why": "Interview"})
    client = login(person.user)
    response = client.get("/me/profile/data/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    for key in (
        "account",
        "profile",
        "education",
        "experience",
        "consents",
        "applications",
        "contact_requests",
        "profile_accesses",
        "evaluations",
        "talent_cards",
        "notifications",
    ):
        assert key in data, key
    assert data["profile"]["name"] == "张三丰" and data["profile"]["phone"] == "13812345678"
    assert data["account"]["email"] == person.user.email
    assert data["consents"][0]["purpose"] == ConsentPurpose.PROFILE_SEARCH
    assert {a["what"] for a in data["profile_accesses"]} == {"contact"}
    assert data["contact_requests"][0]["status"] == "accepted"


def test_deleting_the_account_removes_the_person_from_search_and_logs_out(company, person):
    client = login(person.user)
    wrong = client.post("/en/me/profile/delete/", {"password": "wrong", "confirm": "on"})
    assert wrong.status_code == 400 and "not correct" in body(wrong)
    response = client.post("/en/me/profile/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert "has been deleted" in body(response)
    person.refresh_from_db()
    person.user.refresh_from_db()
    assert person.is_deleted and person.name == "" and not person.user.is_active
    assert "_auth_user_id" not in client.session
    assert client.get("/me/profile/").status_code == 302  # logged out
    assert list(company.get(SEARCH).context["results"]) == []
    assert company.get(f"/talents/{person.pk}/").status_code == 404


def test_profile_pages_are_for_talents_only(member):
    client = login(member)
    for url in (
        "/me/profile/",
        "/me/profile/privacy/",
        "/me/profile/viewers/",
        "/me/profile/data/",
    ):
        assert client.get(url).status_code == 404, url


def test_profile_lists_run_a_fixed_number_of_queries(
    person, person_client, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            enterprise = EnterpriseFactory()
            member = recruiter(enterprise)
            request = contact_request_create(enterprise=enterprise, talent=person, by=member)
            ProfileAccess.objects.create(
                viewer=member, enterprise=enterprise, talent=person, what="profile", why="x"
            )
            del request

    add(2)
    for url in ("/me/profile/viewers/", "/me/profile/requests/", "/me/profile/"):
        few, _response = queries(person_client, url)
        add(1)
        with django_assert_max_num_queries(few):
            person_client.get(url)
    add(25)
    for url in ("/me/profile/viewers/", "/me/profile/requests/"):
        with django_assert_max_num_queries(10):
            person_client.get(url)


# Demands and internships -------------------------------------------------------------------------


def test_public_lists_and_pages_of_demands_and_internships(client):
    demand = DemandFactory(discipline=discipline("0805"), min_degree=Degree.MASTER)
    internship = InternshipFactory()
    closed = DemandFactory(closing_on=timezone.localdate() - datetime.timedelta(days=1))
    draft = DemandFactory(is_published=False)
    pending = DemandFactory(enterprise=EnterpriseFactory(pending=True))
    listed = client.get("/en/demands/")
    assert [d.pk for d in listed.context["postings"]] == [demand.pk]
    assert "1 talent demand" in body(listed)
    assert client.get("/demands/", {"discipline": "08", "degree": "3"}).context["result_count"] == 1
    assert client.get("/demands/", {"degree": "2"}).context["result_count"] == 0
    assert [i.pk for i in client.get("/internships/").context["postings"]] == [internship.pk]
    assert client.get(f"/demands/{demand.pk}/").status_code == 200
    assert client.get(f"/internships/{internship.pk}/").status_code == 200
    for hidden in (closed, draft, pending):
        assert client.get(f"/demands/{hidden.pk}/").status_code in (200, 404)
    assert client.get(f"/demands/{draft.pk}/").status_code == 404
    assert client.get(f"/demands/{pending.pk}/").status_code == 404
    # Their enterprise's members see a draft, to check it before publishing.
    member = recruiter(draft.enterprise)
    assert login(member).get(f"/demands/{draft.pk}/").status_code == 200


@pytest.mark.parametrize("url", ["/demands/", "/internships/", "/talents/"])
def test_posting_lists_run_a_fixed_number_of_queries(client, url, django_assert_max_num_queries):
    DemandFactory.create_batch(2)
    InternshipFactory.create_batch(2)
    client.get(url)
    few, _response = queries(client, url)
    DemandFactory.create_batch(25)
    InternshipFactory.create_batch(25)
    with django_assert_max_num_queries(few):
        client.get(url)


def test_applying_for_a_demand_through_the_workflow(client, person, person_client):
    demand = DemandFactory()
    url = f"/demands/{demand.pk}/apply/"
    assert client.get(url).status_code == 302  # log in first
    response = person_client.post(url, {"cover_letter": "I research battery materials."})
    application = DemandApplication.objects.get(applicant=person.user, demand=demand)
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.cover_letter == "I research battery materials."

    # Applying again (a double click, the back button) makes no second application.
    again = person_client.post(url, {"cover_letter": "again"})
    assert again.status_code == 302 and again["Location"] == application.get_absolute_url()
    assert person_client.get(url).status_code == 302
    assert DemandApplication.objects.filter(applicant=person.user).count() == 1
    page = person_client.get(f"/en/demands/{demand.pk}/")
    assert application.reference in body(page)


def test_applying_for_an_internship_needs_the_school(person_client, person):
    internship = InternshipFactory()
    url = f"/internships/{internship.pk}/apply/"
    assert person_client.post(url, {"cover_letter": "hi"}).status_code == 400
    person_client.post(url, {"school": "浙江大学", "cover_letter": "hi"})
    application = InternshipApplication.objects.get(applicant=person.user)
    assert application.school == "浙江大学" and application.status == ApplicationStatus.SUBMITTED


def test_only_talents_apply_and_only_for_open_postings(member, person_client):
    demand = DemandFactory()
    assert login(member).post(f"/demands/{demand.pk}/apply/", {}).status_code == 403
    closed = DemandFactory(closing_on=timezone.localdate() - datetime.timedelta(days=1))
    assert person_client.get(f"/demands/{closed.pk}/apply/").status_code == 404


# Enterprises -------------------------------------------------------------------------------------


VALID_CODE = "91330106MA27XL1U8W"


def registration(**overrides):
    from talentportal.models import Industry

    data = {
        "name": "杭州云澜智能科技有限公司",
        "name_en": "Hangzhou Yunlan AI",
        "credit_code": VALID_CODE,
        "region": "330106",
        "industry": str(Industry.objects.filter(is_active=True).first().pk),
        "size": "small",
        "description": "",
        "website": "",
        "evidence": SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def test_enterprise_registration_and_verification_flow():
    from stdnum.cn import uscc

    assert uscc.is_valid(VALID_CODE)
    user = UserFactory(kind=AccountKind.ENTERPRISE)
    client = login(user)
    assert client.get("/enterprise/").status_code == 302  # to registration
    bad = client.post("/en/enterprise/register/", registration(credit_code="91330106MA27XL1U8X"))
    assert bad.status_code == 400 and "check digit" in body(bad)
    short = client.post("/en/enterprise/register/", registration(credit_code="123"))
    assert short.status_code == 400
    exe = SimpleUploadedFile("licence.pdf", b"MZ\x90\x00", content_type="application/pdf")
    assert client.post("/enterprise/register/", registration(evidence=exe)).status_code == 400
    assert not Enterprise.objects.exists()

    response = client.post(
        "/enterprise/register/", registration(credit_code="9133 0106-ma27xl1u8w")
    )
    assert response.status_code == 302
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code == VALID_CODE and enterprise.status == VerificationStatus.PENDING
    assert EnterpriseMember.objects.get(enterprise=enterprise).user == user
    assert enterprise.evidence
    dashboard = client.get("/en/enterprise/")
    assert "Waiting for verification" in body(dashboard)
    assert client.get("/enterprise/register/").status_code == 302  # registered already

    # Pending: no search, no posting; a page that says why (issue 19: not a 404).
    for url in (SEARCH, "/enterprise/postings/demand/new/"):
        pending = client.get(url)
        assert pending.status_code == 403
        assert "talents/enterprise/not_verified.html" in [t.name for t in pending.templates]

    # The same credit code cannot be registered twice.
    other = login(UserFactory(kind=AccountKind.ENTERPRISE))
    assert other.post("/en/enterprise/register/", registration()).status_code == 400


def test_only_enterprise_accounts_register_an_enterprise(person_client):
    assert person_client.get("/enterprise/register/").status_code == 403


def test_posting_editing_and_closing(company, enterprise):
    data = {
        "position_zh": "电池研发工程师",
        "position_en": "Battery engineer",
        "description": "研发",
        "discipline": "0805",
        "min_degree": "3",
        "min_years": "2",
        "number_wanted": "3",
        "salary_min": "20000",
        "salary_max": "10000",
        "region": "330106",
        "closing_on": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        "is_published": "on",
    }
    assert company.post("/enterprise/postings/demand/new/", data).status_code == 400
    data["salary_max"] = "30000"
    response = company.post("/enterprise/postings/demand/new/", data)
    assert response.status_code == 302
    demand = Demand.objects.get(enterprise=enterprise)
    assert demand.is_published and demand.discipline_id == "0805"
    assert company.get(f"/enterprise/postings/demand/{demand.pk}/edit/").status_code == 200
    company.post(
        f"/enterprise/postings/demand/{demand.pk}/edit/", {**data, "position_zh": "高级工程师"}
    )
    demand.refresh_from_db()
    assert demand.position_zh == "高级工程师"
    company.post(f"/enterprise/postings/demand/{demand.pk}/close/")
    demand.refresh_from_db()
    assert not demand.is_published
    assert company.get("/enterprise/postings/?kind=demand").context["postings"][0] == demand
    # Another enterprise's posting, or an unknown kind, is a 404.
    other = DemandFactory()
    assert company.get(f"/enterprise/postings/demand/{other.pk}/edit/").status_code == 404
    assert company.post(f"/enterprise/postings/demand/{other.pk}/close/").status_code == 404
    assert company.get("/enterprise/postings/job/new/").status_code == 404


def test_internship_posting(company, enterprise):
    response = company.post(
        "/enterprise/postings/internship/new/",
        {
            "position_zh": "数据实习生",
            "school_year": "year_3",
            "duration_weeks": "12",
            "stipend": "3000",
            "region": "330106",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert enterprise.internships.get().duration_weeks == 12


def test_the_enterprise_processes_applications_to_its_postings(company, enterprise, person):
    demand = DemandFactory(enterprise=enterprise)
    application = demand_application_create(demand=demand, applicant=person.user)
    draft_only = demand_application_create(
        demand=DemandFactory(enterprise=enterprise), applicant=TalentFactory().user
    )
    url = f"/enterprise/applications/{application.reference}/"
    assert company.get(url).status_code == 404  # a draft is the applicant's own business
    application_submit(application=application, by=person.user)
    listed = company.get("/enterprise/applications/")
    assert [a.pk for a in listed.context["applications"]] == [application.pk]
    assert company.get(f"/enterprise/applications/{draft_only.reference}/").status_code == 404

    company.post(url, {"action": "start_review"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.IN_REVIEW
    response = company.post(url, {"action": "request_info", "comment": ""})
    assert response.status_code == 400
    company.post(url, {"action": "approve", "comment": "Welcome"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert company.get(url).context["form"] is None  # closed
    assert company.post(url, {"action": "reject", "comment": "x"}).status_code == 400

    # Another enterprise cannot see it.
    assert login(recruiter()).get(url).status_code == 404


def test_enterprise_lists_run_a_fixed_number_of_queries(
    company, enterprise, member, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            talent = TalentFactory()
            Shortlist.objects.create(enterprise=enterprise, talent=talent, added_by=member)
            contact_request_create(enterprise=enterprise, talent=talent, by=member)
            demand = DemandFactory(enterprise=enterprise)
            application = demand_application_create(demand=demand, applicant=talent.user)
            application_submit(application=application, by=talent.user)

    add(2)
    urls = [
        "/enterprise/",
        "/enterprise/shortlist/",
        "/enterprise/contacts/",
        "/enterprise/postings/",
        "/enterprise/applications/",
    ]
    counts = {url: queries(company, url)[0] for url in urls}
    add(22)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            company.get(url)


def test_evaluating_entities_nominate_and_cards_can_be_checked(client, person):
    member = recruiter(evaluator=True)
    company = login(member)
    page = company.get(f"/en/talents/{person.pk}/")
    assert "Nominate for a talent tier" in body(page)
    response = company.post(
        f"/talents/{person.pk}/nominate/",
        {
            "proposed_tier": TalentTier.D,
            "evidence": "Led the battery programme.",
            "document": SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(talent=person)
    assert evaluation.status == ApplicationStatus.SUBMITTED
    listed = company.get("/enterprise/evaluations/")
    assert [e.pk for e in listed.context["evaluations"]] == [evaluation.pk]

    staff = staff_with("change_evaluation")
    card = evaluation_confirm(evaluation=evaluation, by=staff)
    checked = client.get(f"/en/talents/card/{card.number}/")
    assert checked.status_code == 200
    text = body(checked)
    assert "Valid card" in text and "张**" in text and "张三丰" not in text
    assert card.valid_until.isoformat() in text
    assert client.get(f"/talents/card/?number={card.number.lower()}")["Location"].endswith(
        f"/talents/card/{card.number}/"
    )
    unknown = client.get("/en/talents/card/TC-1999-000001/")
    assert unknown.status_code == 404 and "There is no talent card" in body(unknown)


def test_only_evaluating_entities_nominate(company, person):
    assert company.get(f"/talents/{person.pk}/nominate/").status_code == 404
    assert company.get("/enterprise/evaluations/").status_code == 404


# Section page ----------------------------------------------------------------------------------


def test_the_section_page_offers_what_each_person_can_do(client, member, person_client):
    DemandFactory(position_en="Chief battery chemist")
    anonymous = body(client.get("/en/talents/"))
    assert "Sign up as an enterprise" in anonymous and "Chief battery chemist" in anonymous
    assert "Find candidates" in body(login(member).get("/en/talents/"))
    assert "My talent profile" in body(person_client.get("/en/talents/"))


# Languages ---------------------------------------------------------------------------------------


def test_the_library_s_catalogue_translates_every_message():
    """talents/locale holds a Chinese translation of every message of the app's code and
    templates, compiled, so the Chinese pages have no English left in them."""
    import gettext
    import re
    from pathlib import Path

    import talents

    folder = Path(talents.__file__).parent / "locale/zh_Hans/LC_MESSAGES"
    text = (folder / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    assert entries and not [e for e in entries if "#, fuzzy" in e]
    untranslated = [e for e in entries if re.search(r'^msgstr(\[0\])? ""$', e, re.M)]
    assert not [e for e in untranslated if not re.search(r'^"', e.split("msgstr")[-1], re.M)]
    with (folder / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    msgids = re.findall(r'^msgid "(.+)"$', text, re.M)
    assert len([m for m in msgids if m.replace('\\"', '"') in catalog]) >= len(msgids) * 0.95


def test_the_pages_are_in_chinese_by_default_and_in_english_on_request(company, person):
    chinese = body(company.get(SEARCH))
    assert "查找人才" in chinese and "1 位候选人" in chinese and "加入候选名单" in chinese
    english = body(company.get("/en" + SEARCH))
    assert "Find candidates" in english and "1 candidate" in english
