"""The application form generated from a service's form schema: each kind of question, the
required flags (enforced only when submitting), tampered and malformed values, labels in
the active language, and the uploads with their types and sizes."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from policies.models import ServiceMaterial
from policies.public_services.forms import ServiceApplicationForm, to_json
from talentportal.models import ApplicationDocument
from tests.talentportal.workflow_factories import ServiceItemFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def question(name, label_zh, label_en, kind, required=True, choices=None):
    item = {"name": name, "label_zh": label_zh, "kind": kind, "required": required}
    if label_en:
        item["label_en"] = label_en
    if choices:
        item["choices"] = choices
    return item


SCHEMA = [
    question("employer", "工作单位", "Employer", "text"),
    question("years", "工作年限", "Years of work", "number"),
    question("since", "认定时间", "Recognised on", "date"),
    question("tier", "人才类别", "", "choice", choices=["A类", "B类", "C类"]),
    question("series", "职称系列", "Series", "choice", required=False,
             choices=["工程", "卫生", "高校教师", "中小学教师", "经济", "会计"]),
    question("spouse", "配偶是否在杭", "Spouse in Hangzhou?", "yes_no"),
    question("note", "备注", "Notes", "text", required=False),
]  # fmt: skip
VALID = {
    "answer_employer": "浙江大学",
    "answer_years": "5",
    "answer_since": "2024-03-01",
    "answer_tier": "B类",
    "answer_spouse": "no",
}


@pytest.fixture
def service():
    service = ServiceItemFactory(form_schema=SCHEMA)
    ServiceMaterial.objects.create(service=service, name_zh="身份证", name_en="ID card")
    ServiceMaterial.objects.create(
        service=service, name_zh="认定证明", name_en="Proof", accepts_images=False
    )
    ServiceMaterial.objects.create(
        service=service, name_zh="获奖证书", name_en="Awards", required=False
    )
    return service


def make_form(service, data=None, files=None, *, submitting=True, documents=()):
    return ServiceApplicationForm(
        data,
        files,
        service=service,
        materials=list(service.materials.all()),
        documents=list(documents),
        submitting=submitting,
    )


def uploads(service, **contents):
    """Files for the materials by position: first=…, second=…, third=…"""
    materials = list(service.materials.all())
    positions = {"first": 0, "second": 1, "third": 2}
    return {
        f"material_{materials[positions[key]].pk}": SimpleUploadedFile(name, content)
        for key, (name, content) in contents.items()
    }


def test_each_kind_of_question_gets_its_field_and_stores_typed_json(service):
    form = make_form(
        service,
        {**VALID, "answer_years": "12.50", "answer_series": "会计", "answer_spouse": "yes"},
        uploads(service, first=("id.png", PNG), second=("proof.pdf", PDF)),
    )
    assert form.is_valid(), form.errors
    assert isinstance(form.fields["answer_employer"], forms.CharField)
    assert isinstance(form.fields["answer_years"], forms.DecimalField)
    assert isinstance(form.fields["answer_since"], forms.DateField)
    assert isinstance(form.fields["answer_tier"].widget, forms.RadioSelect)  # three options
    assert isinstance(form.fields["answer_series"].widget, forms.Select)  # six options
    assert isinstance(form.fields["answer_spouse"].widget, forms.RadioSelect)
    assert form.answers({}) == {
        "employer": "浙江大学",
        "years": "12.5",
        "since": "2024-03-01",
        "tier": "B类",
        "series": "会计",
        "spouse": True,
    }
    assert [material.name_zh for material, _upload in form.uploads()] == ["身份证", "认定证明"]


def test_number_answers_are_exact_decimals():
    item = {"kind": "number"}
    assert to_json(item, Decimal("100")) == "100"
    assert to_json(item, Decimal("0.10")) == "0.1"
    assert to_json({"kind": "yes_no"}, "no") is False
    assert to_json({"kind": "date"}, datetime.date(2026, 1, 2)) == "2026-01-02"
    assert to_json({"kind": "text"}, "") is None


def test_submitting_requires_what_the_service_requires(service):
    form = make_form(service, {})
    assert not form.is_valid()
    required = {"answer_employer", "answer_years", "answer_since", "answer_tier", "answer_spouse"}
    materials = [f"material_{m.pk}" for m in service.materials.all()]
    assert set(form.errors) == required | set(materials[:2])
    assert "answer_series" not in form.errors and "answer_note" not in form.errors


def test_saving_a_draft_requires_nothing_but_still_checks_what_was_typed(service):
    form = make_form(
        service, {"answer_employer": "之江实验室", "answer_since": "2026-02-30"}, submitting=False
    )
    assert not form.is_valid()
    assert set(form.errors) == {"answer_since"}
    assert form.answers({"since": "2020-01-01", "years": "3"}) == {
        "employer": "之江实验室",
        "since": "2020-01-01",  # the invalid date keeps the earlier answer
        # an empty answer clears the earlier one
    }
    assert make_form(service, {}, submitting=False).is_valid()


def test_required_fields_are_marked_required_in_both_modes(service):
    """The labels say what submitting will need, even while saving drafts."""
    for submitting in (True, False):
        form = make_form(service, submitting=submitting)
        assert form.fields["answer_employer"].required
        assert not form.fields["answer_note"].required


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("answer_tier", "Z类"),  # tampered choice
        ("answer_tier", "A类<script>"),
        ("answer_series", "外交"),
        ("answer_spouse", "maybe"),
        ("answer_since", "2026-02-30"),  # no such date
        ("answer_since", "1800-01-01"),  # out of range
        ("answer_since", "tomorrow"),
        ("answer_years", "abc"),
        ("answer_years", "NaN"),
        ("answer_years", "Infinity"),
        ("answer_years", "1e400"),
        ("answer_years", "1.234"),  # more than two decimal places
        ("answer_years", "123456789012345"),  # too many digits
        ("answer_employer", "a" * 501),
        ("answer_employer", "浙江\x00大学"),  # PostgreSQL cannot store NUL
    ],
)
def test_malformed_and_tampered_values_are_errors_on_their_field(service, field, value):
    files = uploads(service, first=("id.pdf", PDF), second=("proof.pdf", PDF))
    for submitting in (True, False):
        form = make_form(service, {**VALID, field: value}, files, submitting=submitting)
        assert not form.is_valid()
        assert list(form.errors) == [field]
        assert field.removeprefix("answer_") not in form.answers({})


def test_labels_follow_the_active_language_with_chinese_as_fallback(service):
    with translation.override("en"):
        form = make_form(service)
        assert form.fields["answer_employer"].label == "Employer"
        assert form.fields["answer_tier"].label == "人才类别"  # no English label
        assert form.fields[f"material_{service.materials.first().pk}"].label == "ID card"
    with translation.override("zh-hans"):
        assert make_form(service).fields["answer_employer"].label == "工作单位"


def test_initial_values_come_back_from_stored_answers(service):
    initial = ServiceApplicationForm.initial_from(
        {"employer": "西湖大学", "spouse": False, "unknown": "x"}, SCHEMA
    )
    assert initial == {"answer_employer": "西湖大学", "answer_spouse": "no"}


# Uploads --------------------------------------------------------------------------------------


def test_a_renamed_executable_is_refused_by_its_content(service):
    files = uploads(service, first=("photo.pdf", b"MZ\x90\x00 this is a program"))
    form = make_form(service, VALID, files, submitting=False)
    assert not form.is_valid()
    [error] = form.errors.as_data()[f"material_{service.materials.first().pk}"]
    assert error.code == "file_type"


def test_a_pdf_only_material_refuses_images(service):
    files = uploads(service, second=("scan.png", PNG))
    form = make_form(service, {}, files, submitting=False)
    second = list(service.materials.all())[1]
    assert list(form.errors) == [f"material_{second.pk}"]
    assert form.errors.as_data()[f"material_{second.pk}"][0].code == "file_type"
    assert "PDF" in form.errors[f"material_{second.pk}"][0]
    assert "image/png" not in form.fields[f"material_{second.pk}"].widget.attrs["accept"]
    assert ".png" in form.fields[f"material_{service.materials.first().pk}"].widget.attrs["accept"]


def test_an_oversize_file_is_refused(service, settings):
    settings.MAX_UPLOAD_BYTES = 100
    files = uploads(service, first=("big.pdf", PDF + b"x" * 200))
    form = make_form(service, {}, files, submitting=False)
    [error] = form.errors.as_data()[f"material_{service.materials.first().pk}"]
    assert error.code == "file_size"


def test_an_empty_file_is_refused(service):
    form = make_form(service, {}, uploads(service, first=("empty.pdf", b"")), submitting=False)
    assert f"material_{service.materials.first().pk}" in form.errors


def test_a_mandatory_material_already_attached_needs_no_new_upload(service, talent):
    first, second, _third = service.materials.all()
    attached = [
        ApplicationDocument(reference="SV-2026-000001", label=first.name_zh, original_name="a"),
        ApplicationDocument(reference="SV-2026-000001", label=second.name_zh, original_name="b"),
        ApplicationDocument(reference="SV-2026-000001", label="其他", original_name="c"),
    ]
    form = make_form(service, VALID, documents=attached)
    assert form.is_valid(), form.errors
    assert [len(docs) for _m, _f, docs in form.material_rows()] == [1, 1, 0]
    assert [d.original_name for d in form.other_documents] == ["c"]
    with translation.override("en"):
        form = make_form(service, VALID, documents=attached)
        assert "replaces" in str(form.fields[f"material_{first.pk}"].help_text)
