"""Every form a person fills in on the public site says what to do about a field left empty
("Enter the card number.", "请填写证书编号。"), never Django's generic "This field is
required." (issue 18). The forms are listed here with what their constructors need; a test
checks the list against the forms the URL resolver reaches, so a new public form fails until
it is added."""

import re
from importlib import import_module
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from apartments import forms as apartment_forms
from ecosystem import forms as ecosystem_forms
from policies import forms as policy_forms
from policies.models import EnterpriseType
from policies.public_services.forms import ServiceApplicationForm
from projects.programs import forms as program_forms
from projects.roadshows import forms as roadshow_forms
from talentportal import forms as account_forms
from talentportal.me_views import RespondForm
from talents import forms as talent_forms
from tests.auth_helpers import login_verified
from tests.ecosystem.factories import ProductFactory
from tests.policies.test_service_pages import online_service
from tests.projects.program_factories import call_with
from tests.talentportal.factories import UserFactory
from tests.talents.factories import EnterpriseFactory, TalentFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /en/ leaves English active in the test's thread: start in Chinese."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def service_form_arguments():
    service = online_service()
    return {"service": service, "materials": list(service.materials.all()), "submitting": True}


def call_arguments():
    return {"call": call_with()}


#: Every public form with a required field → what its constructor needs besides the data.
PUBLIC_FORMS = {
    account_forms.LoginForm: dict,
    account_forms.SignupForm: dict,
    account_forms.ResendForm: dict,
    account_forms.AccountForm: lambda: {"instance": UserFactory()},
    account_forms.TokenForm: dict,
    account_forms.PasswordChangeForm: lambda: {"user": UserFactory()},
    account_forms.SetPasswordForm: lambda: {"user": UserFactory()},
    account_forms.PasswordResetForm: dict,
    RespondForm: dict,
    policy_forms.CompareForm: lambda: {"regions": []},
    policy_forms.CalculatorForm: lambda: {"regions": [], "industries": []},
    ServiceApplicationForm: service_form_arguments,
    talent_forms.AccessReasonForm: dict,
    talent_forms.NominateForm: dict,
    talent_forms.ProfileForm: lambda: {"regions": [], "industries": []},
    talent_forms.EducationForm: dict,
    talent_forms.ExperienceForm: dict,
    talent_forms.VisibilityForm: dict,
    talent_forms.ConsentForm: dict,
    talent_forms.ResumeForm: dict,
    talent_forms.DeleteAccountForm: lambda: {"user": UserFactory()},
    talent_forms.InternshipApplyForm: dict,
    talent_forms.DemandForm: lambda: {"regions": []},
    talent_forms.InternshipForm: lambda: {"regions": []},
    talent_forms.JoinRequestForm: dict,
    talent_forms.EnterpriseRegistrationForm: lambda: {"regions": [], "industries": []},
    talent_forms.ProcessForm: dict,
    talent_forms.CardLookupForm: dict,
    program_forms.ApplicationForm: call_arguments,
    program_forms.DeclineForm: dict,
    program_forms.ReviewForm: lambda: {"criteria": call_with().criteria.all()},
    program_forms.DocumentForm: call_arguments,
    roadshow_forms.ProjectForm: lambda: {"user": UserFactory()},
    roadshow_forms.CheckinForm: dict,
    roadshow_forms.InvestorRegistrationForm: dict,
    apartment_forms.ApplicationForm: dict,
    ecosystem_forms.FinancialApplicationForm: lambda: {
        "product": ProductFactory(eligible_enterprise_types=[EnterpriseType.PRIVATE]),
        "enterprise": EnterpriseFactory(),
    },
    ecosystem_forms.FeedbackForm: dict,
    ecosystem_forms.RatingForm: dict,
}
#: Public forms where every field may be left empty (filters, optional messages).
NOTHING_REQUIRED = {
    policy_forms.FollowForm,
    talent_forms.ContactRequestForm,
    talent_forms.DemandApplyForm,
    roadshow_forms.InterestForm,
    apartment_forms.QualifyForm,
    apartment_forms.FindLineForm,
    apartment_forms.OccupancyForm,
}
#: Bases of the forms above, never shown alone.
BASES = {talent_forms.PostingForm}


def name(form_class) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}"


def project_form_classes() -> set[type]:
    """The form classes of the project's apps that the site's URLs reach (their views import
    them), without the admin's."""
    import_module(settings.ROOT_URLCONF)  # imports every view module and the forms they use
    packages = {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        if "site-packages" not in Path(config.path).parts
    }
    found, pending = set(), [forms.BaseForm]
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        module = form_class.__module__.split(".")
        if "<locals>" in form_class.__qualname__:
            # Made at run time, and there only once some test has run: django-filter's
            # FilterSet.get_form_class() builds the (GET) filter form of a list per call.
            continue
        if module[0] in packages and not any(part.startswith("admin") for part in module):
            found.add(form_class)
    return found


def test_every_public_form_is_checked():
    listed = set(PUBLIC_FORMS) | NOTHING_REQUIRED | BASES
    assert sorted(map(name, project_form_classes() - listed)) == []


@pytest.mark.parametrize("form_class", sorted(NOTHING_REQUIRED, key=name), ids=name)
def test_forms_said_to_require_nothing_require_nothing(form_class):
    form = form_class(data={}, files={})
    assert [n for n, field in form.fields.items() if field.required] == []


def empty_errors(form_class, language) -> dict[str, list[tuple[str, str]]]:
    """(code, message) of each error of the form posted empty, in `language`."""
    with translation.override(language):
        form = form_class(data={}, files={}, **PUBLIC_FORMS[form_class]())
        assert not form.is_valid()
        return {
            field: [(error.code, message) for error in errors for message in error.messages]
            for field, errors in form.errors.as_data().items()
        }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("form_class", sorted(PUBLIC_FORMS, key=name), ids=name)
def test_an_empty_field_says_what_to_do_in_the_language_of_the_page(form_class, language):
    with translation.override(language):
        generic = str(forms.Field.default_error_messages["required"])
    required = {
        field: [message for code, message in errors if code == "required"]
        for field, errors in empty_errors(form_class, language).items()
    }
    required = {field: messages for field, messages in required.items() if messages}
    assert required  # posted empty, a form that requires something says so
    for field, messages in required.items():
        assert generic not in messages, (field, messages)
        for message in messages:
            assert bool(CJK.search(message)) is (language == "zh-hans"), (field, message)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", ["请填写卡号。", "请上传营业执照。", "请选择建议层次。", "请填写开始时间。"]),
        (
            "en",
            [
                "Enter card number.",
                "Upload business licence.",
                "Select proposed tier.",
                "Enter the date you started.",  # not "Enter from." (the label)
            ],
        ),
    ],
)
def test_the_messages_read_as_a_sentence(language, expected):
    messages = [
        *empty_errors(talent_forms.CardLookupForm, language)["number"],
        *empty_errors(talent_forms.EnterpriseRegistrationForm, language)["evidence"],
        *empty_errors(talent_forms.NominateForm, language)["proposed_tier"],
        *empty_errors(talent_forms.ExperienceForm, language)["start"],
    ]
    assert [message for _code, message in messages] == expected


# Through the pages, as a person sends them -----------------------------------------------------


def posted_empty(client, path: str) -> tuple[str, str]:
    """The page after sending `path`'s form empty, in Chinese and in English: the form
    again, with its errors."""
    pages = []
    for prefix in ("", "/en"):
        response = client.post(f"{prefix}{path}")
        assert response.status_code in (200, 400)
        pages.append(response.content.decode())
    return pages[0], pages[1]


def assert_no_generic_message(*pages):
    for page in pages:
        assert "这个字段是必填项" not in page and "This field is required" not in page


def test_the_sign_up_page_says_what_is_missing(client):
    chinese, english = posted_empty(client, reverse("accounts:signup"))
    assert_no_generic_message(chinese, english)
    assert "请填写用户名。" in chinese and "请勾选以确认。" in chinese
    assert "Enter username." in english and "Tick the box to confirm." in english


def test_the_feedback_page_says_what_is_missing(client):
    login_verified(client, TalentFactory().user)
    chinese, english = posted_empty(client, reverse("ecosystem:feedback_new"))
    assert_no_generic_message(chinese, english)
    assert "请填写标题。" in chinese and "请选择类别。" in chinese
    assert "Enter title." in english and "Select category." in english


def test_the_password_change_page_says_what_is_missing(client):
    login_verified(client, UserFactory())
    chinese, english = posted_empty(client, reverse("accounts:password_change"))
    assert_no_generic_message(chinese, english)
    assert "请填写旧密码。" in chinese and "请再次填写新密码。" in chinese
    assert "Enter old password." in english and "Enter the new password again." in english
