"""Uploaded files are downloads only for whoever may see them: `Content-Disposition:
attachment`, `nosniff`, a login redirect for anonymous users and a 404 for everyone else;
pages never link to a public /media/ URL."""

import io
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apartments.models import CommunityPhoto
from policies.models import PolicyAttachment, PolicyStatus
from talentportal import workflow
from talentportal.downloads import download_url
from talentportal.models import DocumentAccess
from tests.apartments.factories import CommunityFactory
from tests.policies.factories import PolicyFactory, region
from tests.projects.program_factories import (
    ExpertFactory,
    ProgramApplicationFactory,
    ReviewAssignmentFactory,
)
from tests.talentportal.factories import StaffFactory, UserFactory
from tests.talentportal.workflow_factories import ServiceApplicationFactory, case_officer

pytestmark = pytest.mark.django_db
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sign_in(client, user):
    """Log in, past the second factor that staff and experts need where it is installed."""
    try:
        from tests.auth_helpers import login_verified
    except ImportError:
        login_verified(client, user)
    else:
        login_verified(client, user)


def attach(application):
    return workflow.document_attach(
        application=application,
        by=application.applicant,
        upload=SimpleUploadedFile("张三 身份证.pdf", PDF_BYTES),
    )


def assert_download(response, content: bytes, *, private=True):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert ("no-store" in response["Cache-Control"]) is private
    assert b"".join(response.streaming_content) == content


def stored(field_file) -> bytes:
    with field_file.storage.open(field_file.name) as handle:
        return handle.read()


def assert_login_redirect(response):
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# --- application documents ---------------------------------------------------------------------


@pytest.fixture
def document():
    application = ServiceApplicationFactory(service__region=region("330100"))
    return attach(application)


def test_the_applicant_downloads_their_document(client, document):
    sign_in(client, document.owner)
    response = client.get(document.get_absolute_url())
    assert_download(response, PDF_BYTES)
    assert "filename*=utf-8''" in response["Content-Disposition"]  # their own file name back


def test_a_stranger_gets_a_404(client, document):
    sign_in(client, UserFactory())
    assert client.get(document.get_absolute_url()).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, document):
    assert_login_redirect(client.get(document.get_absolute_url()))


def test_staff_of_the_section_and_region_only(client, document):
    sign_in(client, case_officer())
    assert_download(client.get(document.get_absolute_url()), PDF_BYTES)

    sign_in(client, UserFactory(kind="staff", is_staff=True))  # no permission for services
    assert client.get(document.get_absolute_url()).status_code == 404

    sign_in(client, case_officer(staff_region=region("320000")))  # another province
    assert client.get(document.get_absolute_url()).status_code == 404


def test_experts_read_documents_of_applications_they_review_openly(client):
    application = ProgramApplicationFactory(track__call__blind=False)
    document = attach(application)
    reviewer = ReviewAssignmentFactory(application=application, status="accepted").expert
    undecided = ReviewAssignmentFactory(application=application).expert  # not yet accepted
    sign_in(client, reviewer.user)
    assert_download(client.get(document.get_absolute_url()), PDF_BYTES)
    for other in (undecided, ExpertFactory()):
        sign_in(client, other.user)
        assert client.get(document.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("blind", [True, False])
def test_experts_read_the_materials_and_a_blind_call_hides_the_applicants_file_name(client, blind):
    application = ProgramApplicationFactory(track__call__blind=blind)
    document = attach(application)
    expert = ReviewAssignmentFactory(application=application, status="accepted").expert
    sign_in(client, expert.user)
    response = client.get(document.get_absolute_url())
    assert_download(response, PDF_BYTES)
    assert (quote("张三") in response["Content-Disposition"]) is not blind
    assert DocumentAccess.objects.filter(document=document, viewer=expert.user).count() == 1


def test_an_expert_not_yet_accepted_reads_no_material(client):
    application = ProgramApplicationFactory(track__call__blind=False)
    document = attach(application)
    expert = ReviewAssignmentFactory(application=application, status="assigned").expert
    sign_in(client, expert.user)
    assert client.get(document.get_absolute_url()).status_code == 404
    assert not DocumentAccess.objects.filter(document=document).exists()


def test_a_file_missing_from_storage_is_a_404(client, document):
    document.file.storage.delete(document.file.name)
    sign_in(client, document.owner)
    assert client.get(document.get_absolute_url()).status_code == 404


# --- policy attachments and community photos ---------------------------------------------------


def policy_attachment(**policy_fields):
    attachment = PolicyAttachment(
        policy=PolicyFactory(region=region("330100"), **policy_fields), title="实施细则 (全文)"
    )
    attachment.file.save("细则.pdf", ContentFile(PDF_BYTES), save=True)
    return attachment


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(output, format="PNG")
    return output.getvalue()


def community_photo(**community_fields):
    photo = CommunityPhoto(community=CommunityFactory(**community_fields), caption_zh="外景")
    photo.image.save("photo.png", ContentFile(png()), save=True)
    return photo


def test_attachments_of_published_policies_are_public_and_linked_through_the_view(client):
    attachment = policy_attachment()
    page = client.get(attachment.policy.get_absolute_url())
    assert download_url(attachment, "file") in page.text
    assert "/media/" not in page.text

    response = client.get(download_url(attachment, "file"))
    assert_download(response, PDF_BYTES, private=False)
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith(".pdf")


def test_attachments_of_draft_policies_are_for_their_editors_only(client):
    attachment = policy_attachment(status=PolicyStatus.DRAFT)
    url = download_url(attachment, "file")
    assert_login_redirect(client.get(url))
    sign_in(client, UserFactory())
    assert client.get(url).status_code == 404
    sign_in(client, StaffFactory())
    assert_download(client.get(url), PDF_BYTES, private=True)


def test_community_photos_are_served_through_the_view(client):
    photo = community_photo()
    page = client.get(photo.community.get_absolute_url())
    assert download_url(photo, "image") in page.text
    assert "/media/" not in page.text
    response = client.get(download_url(photo, "image"))
    assert_download(response, stored(photo.image), private=False)
    assert response["Content-Type"] == "image/png"


def test_photos_of_unpublished_communities_are_for_staff_only(client):
    photo = community_photo(is_published=False)
    url = download_url(photo, "image")
    assert_login_redirect(client.get(url))
    sign_in(client, UserFactory())
    assert client.get(url).status_code == 404
    sign_in(client, UserFactory(kind="staff", is_staff=True))  # province-wide staff
    assert_download(client.get(url), stored(photo.image), private=True)


@pytest.mark.parametrize(
    "label, field",
    [("talents.talent", "resume"), ("policies.policyattachment", "title"), ("x.y", "file")],
)
def test_files_not_registered_for_download_are_a_404(client, label, field):
    sign_in(client, StaffFactory())
    assert client.get(reverse("download", args=[label, 1, field])).status_code == 404


def test_unknown_objects_are_a_404(client):
    response = client.get(reverse("download", args=["policies.policyattachment", 999999, "file"]))
    assert response.status_code == 404


def test_media_is_not_served_by_the_application(client, document):
    sign_in(client, document.owner)
    assert client.get(f"/media/{document.file.name}").status_code == 404


# --- résumés ---------------------------------------------------------------------------------


def test_a_talent_downloads_their_own_resume_and_nobody_else_through_that_url(client):
    from talents.models import ConsentPurpose
    from talents.services import talent_resume_set
    from tests.talents.factories import TalentFactory

    talent = TalentFactory(
        consents=[ConsentPurpose.PROFILE_SEARCH, ConsentPurpose.RESUME_PROCESSING]
    )
    talent_resume_set(talent=talent, upload=SimpleUploadedFile("张三.pdf", PDF_BYTES))
    url = reverse("talents:me_resume_download")
    assert_login_redirect(client.get(url))
    sign_in(client, talent.user)
    response = client.get(url)
    assert_download(response, PDF_BYTES)
    assert response["Content-Disposition"] == 'attachment; filename="resume.pdf"'
    sign_in(client, UserFactory())  # a talent without a résumé gets nothing of anyone's
    assert client.get(url).status_code == 404


# --- the admin's file widgets ------------------------------------------------------------------


def test_admin_file_widgets_link_to_the_checked_download_not_to_media(client):
    attachment = policy_attachment(status=PolicyStatus.DRAFT)
    photo = community_photo(is_published=False)
    sign_in(client, StaffFactory())
    pages = {
        reverse("admin:policies_policy_change", args=[attachment.policy_id]): (attachment, "file"),
        reverse("admin:apartments_community_change", args=[photo.community_id]): (photo, "image"),
    }
    for url, (obj, field) in pages.items():
        page = client.get(url)
        assert page.status_code == 200
        assert f'href="{download_url(obj, field)}"' in page.text
        assert "/media/" not in page.text


def test_the_project_form_shows_the_current_deck_without_a_media_link(client):
    from tests.projects.roadshow_factories import ProjectFactory

    project = ProjectFactory(draft=True)
    project.pitch_deck.save("deck.pdf", ContentFile(PDF_BYTES), save=True)
    sign_in(client, project.lead)
    page = client.get(reverse("projects:project_edit", args=[project.pk]))
    assert page.status_code == 200
    assert project.pitch_deck.name in page.text  # "currently: …", as text
    assert "/media/" not in page.text


@pytest.mark.parametrize(
    ("uploaded_as", "served_as"),
    [
        ("cv.html", "cv.pdf"),  # the bytes are a PDF: served as one, whatever the name said
        ("cv\u202efdp.exe", "cvfdp.pdf"),  # a right-to-left override: stripped, then .pdf
        ("cv", "cv.pdf"),
        ("简历.exe", "简历.pdf"),
    ],
)
def test_a_download_is_named_from_its_verified_type(client, uploaded_as, served_as):
    """Issue 17 point 7: the name and type served come from the bytes, not the upload's name."""
    application = ServiceApplicationFactory(service__region=region("330100"))
    document = workflow.document_attach(
        application=application,
        by=application.applicant,
        upload=SimpleUploadedFile(uploaded_as, PDF_BYTES),
    )
    sign_in(client, document.owner)
    response = client.get(document.get_absolute_url())
    assert_download(response, PDF_BYTES)
    assert response["Content-Type"] == "application/pdf"
    if served_as.isascii():
        assert response["Content-Disposition"] == f'attachment; filename="{served_as}"'
    else:
        assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(served_as)}"
