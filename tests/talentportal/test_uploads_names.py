"""Every file field of the project stores uploads under a random name: nothing of the
uploaded name (often a person's name) reaches the file system."""

import pytest
from django.apps import apps
from django.db import models

from talentportal.uploads import RandomName

FILE_FIELDS = [
    pytest.param(model, field, id=f"{model._meta.label}.{field.name}")
    for model in apps.get_models()
    for field in model._meta.concrete_fields
    if isinstance(field, models.FileField)
]


def test_the_project_has_file_fields():
    assert len(FILE_FIELDS) >= 5


@pytest.mark.parametrize("model, field", FILE_FIELDS)
def test_uploads_get_a_random_name(model, field):
    instance = model()
    first = field.generate_filename(instance, "张三 简历 13800000000.pdf")
    second = field.generate_filename(instance, "张三 简历 13800000000.pdf")
    assert first != second
    for part in ("张三", "简历", "13800000000"):
        assert part not in first


def test_random_name_is_stable_for_migrations():
    name = RandomName("policies/attachments", ".pdf")
    assert name.deconstruct()[1:] == (("policies/attachments", ".pdf"), {})
    assert name == RandomName("policies/attachments/", ".pdf")
    assert name("x", "a.PDF").startswith("policies/attachments/")
    assert RandomName("x")(None, "photo.JPEG").endswith(".jpeg")
