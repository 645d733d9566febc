"""What a financial applicant sees (issue 18): the product's form leads to "check your
answers", which submits through the section's own checks; the application's page and the
data export show the answers; a draft in My applications links back to its form."""

import json

import pytest
from django.urls import reverse

from ecosystem.models import FinancialApplication
from talentportal.choices import TalentTier
from talentportal.models import ApplicationStatus
from tests.auth_helpers import login_verified
from tests.ecosystem.factories import ProductFactory
from tests.talents.factories import TalentFactory, recruiter

pytestmark = pytest.mark.django_db
S = ApplicationStatus


def apply(client, product, **data):
    return client.post(
        reverse("ecosystem:product_apply", args=[product.pk]),
        {"amount": "300000", "purpose": "购买中试设备", "action": "submit", **data},
    )


def talent_draft(client, product, **data) -> FinancialApplication:
    """A signed-in tier-A talent's application to `product`, sent through the form: a draft
    until "check your answers" is accepted."""
    talent = TalentFactory(tier=TalentTier.A).user
    login_verified(client, talent)
    apply(client, product, **data)
    return FinancialApplication.objects.get(applicant=talent)


def test_the_form_leads_to_check_your_answers_which_submits(client):
    product = ProductFactory(max_amount=1_000_000)
    talent = TalentFactory(tier=TalentTier.A).user
    login_verified(client, talent)

    response = apply(client, product)
    application = FinancialApplication.objects.get(applicant=talent)
    check = reverse("me:application_check", args=[application.reference])
    assert response.status_code == 302 and response["Location"] == check
    assert application.status == S.DRAFT  # nothing is sent before the check

    page = client.get(check).content.decode()
    assert "申请金额（元）" in page and "300000" in page and "购买中试设备" in page
    form_url = reverse("ecosystem:product", args=[product.pk])
    assert f'href="{form_url}#apply"' in page  # "Change" leads back to the form
    assert "代表企业" not in page  # a talent's own application: no enterprise questions
    english = client.get(f"/en{check}").content.decode()
    assert "Check your answers before submitting" in english
    assert "amount requested (yuan)" in english and "Accept and submit" in english

    # The form, reopened to change an answer, shows the draft.
    assert 'value="300000"' in client.get(form_url).content.decode()
    apply(client, product, amount="350000")
    assert "350000" in client.get(check).content.decode()

    done = client.post(check)
    assert done.status_code == 302 and done["Location"] == application.get_absolute_url()
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.amount == 350_000

    detail = client.get(application.get_absolute_url()).content.decode()
    assert "350000" in detail and "购买中试设备" in detail and "用途" in detail
    assert "purpose" in client.get(f"/en{application.get_absolute_url()}").content.decode()
    # Submitted: the check page and My applications no longer lead to the form.
    assert client.get(check)["Location"] == application.get_absolute_url()
    assert f"{form_url}#apply" not in client.get(reverse("me:applications")).content.decode()


def test_a_second_submit_makes_no_second_application(client):
    product = ProductFactory()
    application = talent_draft(client, product)
    talent = application.applicant
    check = reverse("me:application_check", args=[application.reference])
    client.post(check)
    again = client.post(check)  # a double click on "Accept and submit"
    assert again.status_code == 302 and again["Location"] == application.get_absolute_url()
    form_again = apply(client, product)  # the form sent again with the back button
    assert form_again.status_code == 400 and application.reference in form_again.content.decode()
    assert FinancialApplication.objects.filter(applicant=talent).count() == 1
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_check_your_answers_refuses_what_the_product_no_longer_allows(client):
    product = ProductFactory(max_amount=1_000_000)
    application = talent_draft(client, product, amount="900000")
    product.max_amount = 500_000  # the institution lowered the maximum since
    product.save(update_fields=["max_amount"])
    check = reverse("me:application_check", args=[application.reference])
    refused = client.post(f"/en{check}")
    assert refused.status_code == 400
    assert "more than this product&#x27;s maximum of 500000 yuan" in refused.content.decode()
    assert "超过该产品" in client.post(check).content.decode()
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_a_draft_in_my_applications_links_back_to_its_form(client):
    product = ProductFactory()
    talent = TalentFactory(tier=TalentTier.A).user
    login_verified(client, talent)
    client.post(
        reverse("ecosystem:product_apply", args=[product.pk]),
        {"amount": "1000", "purpose": "周转", "action": "save"},
    )
    draft = FinancialApplication.objects.get(applicant=talent)
    form_url = f"{reverse('ecosystem:product', args=[product.pk])}#apply"
    listing = client.get(reverse("me:applications")).content.decode()
    assert f'href="{form_url}"' in listing and "继续填写申请" in listing
    detail = client.get(draft.get_absolute_url()).content.decode()
    assert f'href="{form_url}"' in detail and "周转" in detail
    english = client.get(f"/en{reverse('me:applications')}").content.decode()
    assert "Continue the application" in english and f'href="/en{form_url}"' in english


def test_the_export_contains_the_answers(client):
    application = talent_draft(client, ProductFactory())
    client.post(reverse("me:application_check", args=[application.reference]))
    exported = json.loads(client.get(reverse("talents:me_export")).content)
    (entry,) = [a for a in exported["applications"] if a["reference"] == application.reference]
    assert {"question": "申请金额（元）", "answer": "300000"} in entry["answers"]
    assert {"question": "用途", "answer": "购买中试设备"} in entry["answers"]


def test_an_enterprise_application_shows_the_enterprise_and_its_declared_type(client):
    product = ProductFactory(eligible_enterprise_types=["high_tech"])
    member = recruiter(name="杭州储能科技有限公司")
    login_verified(client, member)
    apply(client, product, enterprise_type="high_tech")
    application = FinancialApplication.objects.get(applicant=member)
    check = client.get(reverse("me:application_check", args=[application.reference]))
    page = check.content.decode()
    assert "代表企业" in page and "杭州储能科技有限公司" in page
    assert "企业类型（申报）" in page and application.get_enterprise_type_display() in page
