"""Every optional field of an object filled, or every one emptied.

The crawl runs on two kinds of content: objects whose optional fields (blank or null) are all
filled, and objects where none is. `fill(obj)` and `empty(obj)` do it from the model's
fields, so that an optional field added tomorrow is filled and emptied too, without a list
to keep up to date. What a workflow sets (who decided and when, a status's reason, derived
and generated columns) is left to the services that set it: a "decided by" without a
decision would be data no page has to cope with.
"""

import datetime
import io
import re
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from PIL import Image

from talentportal.models import Discipline, Industry, Region

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

#: Fields a workflow sets, not a person filling a form in.
STATE = re.compile(
    r"(_at|_by|^pgh_.*|^search_.*|^status|_reason|^due_on|^answers|^eligib.*|^rank|"
    r"^general_rank|^duplicate_of|^frozen_list.*|^seed_commitment|^revealed_seed|^listed|"
    r"^search_consent|^last_login|^staff_region|^source_ok|^submission_key|^confirmed_tier|"
    r"^tier_valid_until|^endorse.*|^draw|^offer|^application|^evaluation|^preference_group|"
    r"^group|^decision.*|^result|^computed.*|^form_schema)$"
)

#: Catalogues an optional foreign key or many-to-many field may point to.
CATALOGUES = (Region, Industry, Discipline)


def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(output, format="PNG")
    return output.getvalue()


def optional_fields(model) -> list[models.Field]:
    """The fields of `model` a person may leave empty (the workflow's excepted)."""
    fields = []
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False) or field.auto_created or field.primary_key:
            continue
        if not (field.blank or field.null) or not field.editable:
            continue
        if STATE.search(field.name):
            continue
        if field.is_relation and not issubclass(field.related_model, CATALOGUES):
            continue
        if isinstance(field, models.JSONField | models.BooleanField):
            continue  # a boolean is never empty; JSON has its own builders
        fields.append(field)
    return fields


def is_empty(obj, field) -> bool:
    if field.many_to_many:
        return not getattr(obj, field.name).exists()
    value = getattr(obj, field.attname)
    return value in (None, "", [], {}) or (isinstance(field, models.FileField) and not value)


def _text(field, obj) -> str:
    name = field.name
    if isinstance(field, models.EmailField):
        return "crawl@example.com"
    if isinstance(field, models.URLField):
        return "https://example.com/crawl"
    if "phone" in name:
        return "13800000000"
    if name.endswith("_en"):
        text = "Crawled text with every optional field filled"
    else:
        text = "爬取测试：所有可选字段都已填写"
    if isinstance(field, models.TextField):
        text = f"{text}\n第二行 second line\nhttps://example.com/more"
    return text[: field.max_length] if field.max_length else text


def _number(field):
    name = field.name
    if "year" in name:
        return 2015
    if "age" in name:
        return 45
    if "min" in name:
        return 1_000
    if "max" in name:
        return 100_000
    if isinstance(field, models.DecimalField):
        return Decimal("3.50")
    return 3


def _date(field):
    if re.search(r"expire|closing|until|starts|end", field.name):
        return datetime.date.today() + datetime.timedelta(days=365)
    return datetime.date(2024, 3, 1)


def _value(field, obj):
    if isinstance(field, ArrayField):
        choices = [value for value, _label in field.base_field.choices or []]
        return choices[:2] or ["爬取", "crawl"]
    if field.choices:
        return next(value for value, _label in field.flatchoices if value not in ("", None))
    if isinstance(field, models.CharField | models.TextField):
        return _text(field, obj)
    if isinstance(field, models.IntegerField | models.DecimalField | models.FloatField):
        return _number(field)
    if isinstance(field, models.DateTimeField):
        return None  # moments belong to the workflow
    if isinstance(field, models.DateField):
        return _date(field)
    if isinstance(field, models.ForeignKey):
        return field.related_model.objects.order_by("pk").first()
    if isinstance(field, models.DurationField):
        return datetime.timedelta(days=1)
    raise TypeError(f"{obj._meta.label}.{field.name}: no value for {type(field).__name__}")


def _set(obj, field, value) -> bool:
    """Set and save one field; False (and nothing changed) if the model refuses it."""
    old = getattr(obj, field.attname)
    if isinstance(field, models.ForeignKey):
        setattr(obj, field.name, value)
    else:
        setattr(obj, field.attname, value)
    try:
        if value not in (None, "", []):
            field.run_validators(getattr(obj, field.attname))
        with transaction.atomic():
            obj.save()
    except (ValidationError, IntegrityError, ValueError):
        setattr(obj, field.attname, old)
        return False
    return True


def fill(obj):
    """Fill every empty optional field that the model accepts a value for; returns obj."""
    for field in optional_fields(type(obj)):
        if not is_empty(obj, field):
            continue
        if field.many_to_many:
            getattr(obj, field.name).set(field.related_model.objects.order_by("pk")[:2])
        elif isinstance(field, models.ImageField):
            getattr(obj, field.name).save("crawl.png", ContentFile(png()))
        elif isinstance(field, models.FileField):
            getattr(obj, field.name).save("crawl.pdf", ContentFile(PDF))
        else:
            value = _value(field, obj)
            if value is not None:
                _set(obj, field, value)
    return obj


def empty(obj):
    """Empty every optional field that the model accepts empty; returns obj."""
    for field in optional_fields(type(obj)):
        if is_empty(obj, field):
            continue
        if field.many_to_many:
            getattr(obj, field.name).clear()
            continue
        if isinstance(field, ArrayField):
            value = []
        elif isinstance(field, models.FileField):
            value = ""
        elif field.null:
            value = None
        else:
            value = ""
        _set(obj, field, value)
    return obj
