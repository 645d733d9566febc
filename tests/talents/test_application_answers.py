"""Demand, internship and evaluation applications follow the shared patterns (issue 18): the
application's page and the data export show what was submitted; a draft posting application
links back to its apply page, which shows it again."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from talentportal.choices import TalentTier
from talentportal.models import ApplicationStatus
from talents.models import DemandApplication, Evaluation, InternshipApplication
from talents.services import demand_application_create, talent_export
from tests.auth_helpers import login_verified
from tests.talents.factories import DemandFactory, InternshipFactory, TalentFactory, recruiter

pytestmark = pytest.mark.django_db
S = ApplicationStatus
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_demand_application_shows_its_cover_letter_on_its_page_and_in_the_export(client):
    talent = TalentFactory().user
    login_verified(client, talent)
    demand = DemandFactory()
    client.post(
        reverse("talents:demand_apply", args=[demand.pk]), {"cover_letter": "我研究固态电池。"}
    )
    application = DemandApplication.objects.get(applicant=talent)
    assert application.status == S.SUBMITTED
    page = client.get(application.get_absolute_url()).content.decode()
    assert "求职信" in page and "我研究固态电池。" in page
    exported = json.loads(client.get(reverse("talents:me_export")).content)
    (entry,) = exported["applications"]
    assert entry["answers"] == [{"question": "求职信", "answer": "我研究固态电池。"}]
    english = client.get(f"/en{application.get_absolute_url()}").content.decode()
    assert "cover letter" in english and "我研究固态电池。" in english


def test_an_internship_application_shows_the_school_and_the_cover_letter(client):
    talent = TalentFactory().user
    login_verified(client, talent)
    internship = InternshipFactory()
    client.post(
        reverse("talents:internship_apply", args=[internship.pk]),
        {"school": "宁波大学", "cover_letter": ""},
    )
    application = InternshipApplication.objects.get(applicant=talent)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "学校" in page and "宁波大学" in page
    exported = json.loads(client.get(reverse("talents:me_export")).content)
    (entry,) = exported["applications"]
    assert entry["answers"] == [
        {"question": "学校", "answer": "宁波大学"},
        {"question": "求职信", "answer": "—"},
    ]
    english = client.get(f"/en{application.get_absolute_url()}").content.decode()
    assert "school" in english and "宁波大学" in english


def test_a_draft_posting_application_links_back_to_its_apply_page(client):
    talent = TalentFactory().user
    demand = DemandFactory()
    draft = demand_application_create(demand=demand, applicant=talent, cover_letter="草稿内容")
    login_verified(client, talent)
    apply_url = reverse("talents:demand_apply", args=[demand.pk])
    listing = client.get(reverse("me:applications")).content.decode()
    assert f'href="{apply_url}"' in listing
    assert "草稿内容" in client.get(apply_url).content.decode()  # the draft comes back

    check = reverse("me:application_check", args=[draft.reference])
    page = client.get(check).content.decode()
    assert "草稿内容" in page and f'href="{apply_url}"' in page
    done = client.post(check)
    assert done["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert f'href="{apply_url}"' not in client.get(reverse("me:applications")).content.decode()


def test_a_draft_for_a_closed_posting_is_not_submitted(client):
    talent = TalentFactory().user
    demand = DemandFactory()
    draft = demand_application_create(demand=demand, applicant=talent)
    demand.closing_on = timezone.localdate() - datetime.timedelta(days=1)
    demand.save(update_fields=["closing_on"])
    login_verified(client, talent)
    check = reverse("me:application_check", args=[draft.reference])
    refused = client.post(check)
    assert refused.status_code == 400 and "该岗位已截止。" in refused.content.decode()
    assert "This position is closed." in client.post(f"/en{check}").content.decode()
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_a_nomination_shows_the_tier_and_the_evidence_not_the_talent(client):
    member = recruiter(evaluator=True)
    person = TalentFactory(name="李四光")
    login_verified(client, member)
    client.post(
        reverse("talents:nominate", args=[person.pk]),
        {
            "proposed_tier": TalentTier.D,
            "evidence": "主持省重点研发项目。",
            "document": SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf"),
        },
    )
    evaluation = Evaluation.objects.get(talent=person)
    assert evaluation.status == S.SUBMITTED
    page = client.get(evaluation.get_absolute_url()).content.decode()
    assert "建议层次" in page and "D类" in page and "主持省重点研发项目。" in page
    assert "李四光" not in page and person.user.username not in page
    english = client.get(f"/en{evaluation.get_absolute_url()}").content.decode()
    assert "proposed tier" in english and "D – municipal high-level talent" in english

    with translation.override("zh-hans"):
        (entry,) = talent_export(member)["applications"]
    assert {"question": "评价依据", "answer": "主持省重点研发项目。"} in entry["answers"]
    assert [d["file_name"] for d in entry["documents"]] == ["proof.pdf"]
