"""The privacy rules of the talent library."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from talentportal.choices import Degree
from talentportal.workflow import application_submit
from talents.models import (
    Consent,
    ConsentPurpose,
    ContactRequest,
    ContactStatus,
    Enterprise,
    ProfileAccess,
    Shortlist,
    Talent,
    Visibility,
)
from talents.privacy import mask_name, masked_parts, masked_summary
from talents.services import (
    TalentNotFound,
    consent_give,
    consent_withdraw,
    contact_details_view,
    contact_request_accept,
    contact_request_create,
    contact_request_decline,
    contact_request_revoke,
    demand_application_create,
    profile_accesses_of,
    profile_view_record,
    resume_open,
    shortlist_add,
    talent_delete,
    talent_export,
    talent_profile_update,
    talent_resume_set,
)
from tests.concurrency import race
from tests.policies.factories import region
from tests.talents.factories import (
    DemandFactory,
    TalentFactory,
    discipline,
    recruiter,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def enterprise_of(user) -> Enterprise:
    return Enterprise.objects.of_member(user).get()


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张伟", "张**"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("Emily Smith", "E. S."),
        ("  ", "**"),
        ("", "**"),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_masked_summary_reads_like_the_example_and_leaks_nothing_private():
    talent = TalentFactory(
        name="张晓明",
        highest_degree=Degree.DOCTORATE,
        main_discipline=discipline("0805"),
        years_experience=6,
        current_region=region("330106"),
        phone="13800138000",
        email="zhang.xiaoming@example.com",
        birth_year=1990,
    )
    with translation.override("en"):
        summary = masked_summary(talent)
    assert summary == "张** · Doctorate · Materials Science and Engineering · 6 years · Hangzhou"
    for private in ("晓明", "张晓明", "13800138000", "zhang.xiaoming", "1990", "Xihu"):
        assert private not in summary
    assert talent.user.username not in summary and talent.user.email not in summary


def test_masked_summary_in_chinese_and_with_missing_parts():
    talent = TalentFactory(
        name="李娜",
        highest_degree=Degree.NONE,
        years_experience=1,
        current_region=region("120116"),
    )
    with translation.override("zh-hans"):
        parts = masked_parts(talent)
    assert parts.name == "李**" and parts.degree == "" and parts.city == "天津市"
    assert str(parts).startswith("李** · ")


# --- contact details -------------------------------------------------------------------------


@pytest.fixture
def talent_with_contact():
    talent = TalentFactory(phone="13900001111", email="private@example.com")
    return talent


def test_no_contact_details_without_acceptance_or_visibility(talent_with_contact):
    viewer = recruiter()
    with pytest.raises(TalentNotFound):
        contact_details_view(
            talent=talent_with_contact,
            viewer=viewer,
            enterprise=enterprise_of(viewer),
            why="interview",
        )
    assert not ProfileAccess.objects.exists()


def test_a_pending_or_declined_request_gives_no_contact(talent_with_contact):
    viewer = recruiter()
    enterprise = enterprise_of(viewer)
    request = contact_request_create(enterprise=enterprise, talent=talent_with_contact, by=viewer)
    with pytest.raises(TalentNotFound):
        contact_details_view(
            talent=talent_with_contact, viewer=viewer, enterprise=enterprise, why="x"
        )
    contact_request_decline(request=request, by=talent_with_contact.user)
    with pytest.raises(TalentNotFound):
        contact_details_view(
            talent=talent_with_contact, viewer=viewer, enterprise=enterprise, why="x"
        )


def test_acceptance_shows_contact_to_that_enterprise_only_and_every_view_is_logged(
    talent_with_contact,
):
    viewer = recruiter()
    enterprise = enterprise_of(viewer)
    request = contact_request_create(
        enterprise=enterprise, talent=talent_with_contact, by=viewer, message="我们在招聘"
    )
    contact_request_accept(request=request, by=talent_with_contact.user)

    for _ in range(2):
        details = contact_details_view(
            talent=talent_with_contact, viewer=viewer, enterprise=enterprise, why="phone interview"
        )
        assert details.phone == "13900001111" and details.email == "private@example.com"
        assert details.name == talent_with_contact.name
    log = list(profile_accesses_of(talent_with_contact))
    assert len(log) == 2
    assert {(a.viewer, a.enterprise, a.what, a.why) for a in log} == {
        (viewer, enterprise, "contact", "phone interview")
    }

    # Another verified enterprise, a colleague of no enterprise, an unverified enterprise: 404.
    other = recruiter()
    with pytest.raises(Http404):
        contact_details_view(
            talent=talent_with_contact, viewer=other, enterprise=enterprise_of(other), why="x"
        )
    outsider = TalentFactory().user
    with pytest.raises(Http404):
        contact_details_view(
            talent=talent_with_contact, viewer=outsider, enterprise=enterprise, why="x"
        )
    unverified = recruiter(pending=True)
    with pytest.raises(Http404):
        contact_details_view(
            talent=talent_with_contact,
            viewer=unverified,
            enterprise=enterprise_of(unverified),
            why="x",
        )
    assert ProfileAccess.objects.count() == 2


def test_an_enterprise_that_loses_its_verification_loses_access(talent_with_contact):
    viewer = recruiter()
    enterprise = enterprise_of(viewer)
    request = contact_request_create(enterprise=enterprise, talent=talent_with_contact, by=viewer)
    contact_request_accept(request=request, by=talent_with_contact.user)
    Enterprise.objects.filter(pk=enterprise.pk).update(status="rejected", rejection_reason="x")
    enterprise.refresh_from_db()
    with pytest.raises(TalentNotFound):
        contact_details_view(
            talent=talent_with_contact, viewer=viewer, enterprise=enterprise, why="x"
        )


def test_contact_visible_to_verified_enterprises_needs_the_sharing_consent(talent_with_contact):
    talent = talent_with_contact
    consent_give(user=talent.user, purpose=ConsentPurpose.CONTACT_SHARING)
    talent_profile_update(talent=talent, contact_visible_to_verified=True)
    viewer = recruiter()
    details = contact_details_view(
        talent=talent, viewer=viewer, enterprise=enterprise_of(viewer), why="a demand"
    )
    assert details.phone == "13900001111"
    assert ProfileAccess.objects.filter(talent=talent, what="contact").count() == 1

    # Withdrawing the consent closes it at once, for the open setting and for accepted requests.
    other = recruiter()
    request = contact_request_create(enterprise=enterprise_of(other), talent=talent, by=other)
    contact_request_accept(request=request, by=talent.user)
    consent_withdraw(user=talent.user, purpose=ConsentPurpose.CONTACT_SHARING)
    for who in (viewer, other):
        with pytest.raises(TalentNotFound):
            contact_details_view(talent=talent, viewer=who, enterprise=enterprise_of(who), why="x")
    request.refresh_from_db()
    assert request.status == ContactStatus.REVOKED


def test_the_talent_can_revoke_an_accepted_request(talent_with_contact):
    viewer = recruiter()
    enterprise = enterprise_of(viewer)
    request = contact_request_create(enterprise=enterprise, talent=talent_with_contact, by=viewer)
    contact_request_accept(request=request, by=talent_with_contact.user)
    contact_request_revoke(request=request, by=talent_with_contact.user)
    with pytest.raises(TalentNotFound):
        contact_details_view(
            talent=talent_with_contact, viewer=viewer, enterprise=enterprise, why="x"
        )
    # ... and the enterprise may ask again.
    contact_request_create(enterprise=enterprise, talent=talent_with_contact, by=viewer)


def test_only_the_talent_answers_a_contact_request(talent_with_contact):
    viewer = recruiter()
    request = contact_request_create(
        enterprise=enterprise_of(viewer), talent=talent_with_contact, by=viewer
    )
    with pytest.raises(PermissionDenied):
        contact_request_accept(request=request, by=viewer)
    request.refresh_from_db()
    assert request.status == ContactStatus.PENDING


def test_a_contact_request_needs_a_findable_talent_and_a_verified_member():
    hidden = TalentFactory(visibility=Visibility.HIDDEN)
    viewer = recruiter()
    with pytest.raises(TalentNotFound):
        contact_request_create(enterprise=enterprise_of(viewer), talent=hidden, by=viewer)
    unverified = recruiter(pending=True)
    with pytest.raises(PermissionDenied):
        contact_request_create(
            enterprise=enterprise_of(unverified), talent=TalentFactory(), by=unverified
        )
    assert not ContactRequest.objects.exists()


# --- résumés and full profiles ---------------------------------------------------------------


def test_resume_needs_consent_acceptance_and_is_logged(talent_with_contact):
    talent = talent_with_contact
    upload = SimpleUploadedFile("张三 简历.pdf", PDF)
    with pytest.raises(ValidationError) as caught:
        talent_resume_set(talent=talent, upload=upload)
    assert caught.value.code == "consent_required"
    consent_give(user=talent.user, purpose=ConsentPurpose.RESUME_PROCESSING)
    talent_resume_set(talent=talent, upload=SimpleUploadedFile("张三 简历.pdf", PDF))
    talent.refresh_from_db()
    assert talent.resume.name.endswith(".pdf") and "张三" not in talent.resume.name

    viewer = recruiter()
    enterprise = enterprise_of(viewer)
    with pytest.raises(TalentNotFound):
        resume_open(talent=talent, viewer=viewer, enterprise=enterprise, why="x")
    request = contact_request_create(enterprise=enterprise, talent=talent, by=viewer)
    contact_request_accept(request=request, by=talent.user)
    with resume_open(talent=talent, viewer=viewer, enterprise=enterprise, why="review") as file:
        assert file.read().startswith(b"%PDF-")
    assert ProfileAccess.objects.filter(talent=talent, what="resume").count() == 1

    consent_withdraw(user=talent.user, purpose=ConsentPurpose.RESUME_PROCESSING)
    talent.refresh_from_db()
    assert not talent.resume
    with pytest.raises(TalentNotFound):
        resume_open(talent=talent, viewer=viewer, enterprise=enterprise, why="x")


def test_a_non_pdf_resume_is_refused():
    talent = TalentFactory(consents=[ConsentPurpose.RESUME_PROCESSING])
    with pytest.raises(ValidationError) as caught:
        talent_resume_set(talent=talent, upload=SimpleUploadedFile("cv.pdf", b"MZ\x90\x00 exe"))
    assert caught.value.code == "file_type"


def test_full_profile_views_by_enterprises_are_logged_and_own_views_are_not():
    talent = TalentFactory()
    viewer = recruiter()
    profile_view_record(talent=talent, viewer=viewer, enterprise=enterprise_of(viewer), why="")
    assert profile_view_record(talent=talent, viewer=talent.user, enterprise=None, why="") is None
    assert [a.what for a in profile_accesses_of(talent)] == ["profile"]
    hidden = TalentFactory(visibility=Visibility.HIDDEN)
    with pytest.raises(TalentNotFound):
        profile_view_record(talent=hidden, viewer=viewer, enterprise=enterprise_of(viewer), why="")


# --- withdrawal, deletion, export ------------------------------------------------------------


def test_withdrawing_the_search_consent_hides_the_profile_immediately():
    talent = TalentFactory()
    viewer = recruiter()
    assert Talent.objects.searchable().filter(pk=talent.pk).exists()
    assert Talent.objects.visible_to(viewer).filter(pk=talent.pk).exists()
    assert consent_withdraw(user=talent.user, purpose=ConsentPurpose.PROFILE_SEARCH) == 1
    assert not Talent.objects.searchable().filter(pk=talent.pk).exists()
    assert not Talent.objects.visible_to(viewer).filter(pk=talent.pk).exists()
    with pytest.raises(TalentNotFound):
        contact_request_create(enterprise=enterprise_of(viewer), talent=talent, by=viewer)
    # The record stays, marked as withdrawn.
    consent = Consent.objects.get(user=talent.user)
    assert consent.withdrawn_at is not None
    # Giving it again lists the profile again.
    consent_give(user=talent.user, purpose=ConsentPurpose.PROFILE_SEARCH)
    assert Talent.objects.searchable().filter(pk=talent.pk).exists()


def test_consent_for_a_new_notice_version_replaces_the_old_one():
    talent = TalentFactory()
    same = consent_give(user=talent.user, purpose="profile_search", notice_version="2026-01")
    assert Consent.objects.filter(user=talent.user).count() == 1
    newer = consent_give(user=talent.user, purpose="profile_search", notice_version="2027-01")
    assert newer.pk != same.pk
    assert list(Consent.objects.in_force().filter(user=talent.user)) == [newer]
    assert Talent.objects.searchable().filter(pk=talent.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_give_consent_records_one_consent_and_never_fails():
    talent = TalentFactory(consents=[])

    def give_through_the_page():
        client = Client()
        client.force_login(talent.user)
        return client.post(reverse("talents:consent_give"), {"purpose": "contact_sharing"})

    outcomes = race(*[give_through_the_page] * 8)

    assert [getattr(o, "status_code", o) for o in outcomes] == [302] * 8
    assert Consent.objects.filter(user=talent.user, purpose="contact_sharing").count() == 1
    outcomes = race(*[lambda: consent_give(user=talent.user, purpose="profile_search")] * 8)
    assert len({consent.pk for consent in outcomes}) == 1, outcomes


def _full_person():
    """A talent with data in every category."""
    talent = TalentFactory(phone="13700000000", consents=["profile_search", "contact_sharing"])
    talent_profile_update(
        talent=talent,
        skills=["Python", "锂电池"],
        educations=[
            {
                "degree": Degree.DOCTORATE,
                "discipline": discipline("0805"),
                "school": "浙江大学",
                "graduation_year": 2018,
                "overseas": False,
            }
        ],
        experiences=[
            {
                "employer": "宁德时代",
                "title": "研发工程师",
                "start": timezone.localdate().replace(year=2018, month=7, day=1),
            }
        ],
    )
    viewer = recruiter()
    enterprise = enterprise_of(viewer)
    request = contact_request_create(enterprise=enterprise, talent=talent, by=viewer)
    contact_request_accept(request=request, by=talent.user)
    contact_details_view(talent=talent, viewer=viewer, enterprise=enterprise, why="interview")
    shortlist_add(enterprise=enterprise, talent=talent, by=viewer)
    demand = DemandFactory(enterprise=enterprise)
    application = demand_application_create(demand=demand, applicant=talent.user)
    application_submit(application=application, by=talent.user)
    return talent, viewer, enterprise


def test_export_contains_every_category_of_personal_data():
    talent, _viewer, enterprise = _full_person()
    data = talent_export(talent.user)
    json.dumps(data)  # serialisable as it is
    for category in (
        "account",
        "profile",
        "education",
        "experience",
        "consents",
        "applications",
        "contact_requests",
        "profile_accesses",
        "shortlisted_by",
        "evaluations",
        "talent_cards",
        "notifications",
    ):
        assert category in data
    assert data["account"]["email"] == talent.user.email
    assert data["profile"]["name"] == talent.name and data["profile"]["phone"] == "13700000000"
    assert data["profile"]["skills"] == ["python", "锂电池"]
    assert data["education"][0]["school"] == "浙江大学"
    assert data["experience"][0]["employer"] == "宁德时代"
    assert {c["purpose"] for c in data["consents"]} == {"profile_search", "contact_sharing"}
    assert data["applications"][0]["reference"].startswith("DM-")
    assert data["contact_requests"][0]["status"] == "accepted"
    assert data["profile_accesses"][0]["enterprise"] == enterprise.name
    assert data["profile_accesses"][0]["why"] == "interview"
    assert data["shortlisted_by"][0]["enterprise"] == enterprise.name
    assert data["notifications"]  # the application's status notification


def test_deletion_removes_from_search_at_once_anonymises_and_keeps_the_log():
    talent, viewer, enterprise = _full_person()
    user = talent.user
    name = talent.name
    talent_delete(user)

    assert not Talent.objects.searchable().filter(pk=talent.pk).exists()
    assert not Talent.objects.visible_to(viewer).filter(pk=talent.pk).exists()
    talent.refresh_from_db()
    user.refresh_from_db()
    assert talent.deleted_at is not None and talent.name == "" and talent.phone == ""
    assert (
        talent.skills == [] and not talent.educations.exists() and not talent.experiences.exists()
    )
    assert user.username == f"deleted-{user.pk}" and user.email == "" and not user.is_active
    assert not user.has_usable_password()
    assert not Shortlist.objects.filter(talent=talent).exists()
    assert not Consent.objects.in_force().filter(user=user).exists()
    # The application is withdrawn, the log kept (append-only), pointing at nobody by name.
    assert talent_export(user)["applications"][0]["status"] == "withdrawn"
    log = ProfileAccess.objects.filter(talent=talent)
    assert log.count() == 1
    assert name not in json.dumps(talent_export(user), ensure_ascii=False)
    with pytest.raises(TalentNotFound):
        contact_details_view(talent=talent, viewer=viewer, enterprise=enterprise, why="x")
