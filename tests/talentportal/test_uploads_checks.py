"""Uploads are checked by content and size wherever they come in, the admin included."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apartments.admin import PhotoForm
from apartments.models import CommunityPhoto
from talentportal.uploads import file_response
from tests.apartments.factories import CommunityFactory

pytestmark = pytest.mark.django_db


def png(payload: bytes = b"") -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(output, format="PNG")
    return output.getvalue() + payload


def photo_form(upload, community):
    return PhotoForm(
        data={"caption_zh": "外景", "caption_en": "", "position": 0},
        files={"image": upload},
        instance=CommunityPhoto(community=community),
    )


def test_an_admin_photo_is_re_encoded_under_a_random_name():
    community = CommunityFactory()
    form = photo_form(SimpleUploadedFile("王五.png", png(b"<script>x</script>")), community)
    assert form.is_valid(), form.errors
    photo = form.save()
    stored = photo.image.read()
    photo.image.close()
    assert stored.startswith(b"\x89PNG") and b"<script>" not in stored
    assert "王五" not in photo.image.name


def test_an_admin_photo_that_is_not_an_image_is_refused():
    fake = SimpleUploadedFile("photo.png", b"<html><script>alert(1)</script></html>")
    form = photo_form(fake, CommunityFactory())
    assert not form.is_valid()
    assert form.errors["image"]


def test_an_oversized_admin_photo_is_refused_with_the_limit(settings):
    settings.MAX_UPLOAD_BYTES = 100
    form = photo_form(SimpleUploadedFile("big.png", png(b"0" * 200)), CommunityFactory())
    assert not form.is_valid()
    assert "100" in " ".join(form.errors["image"])


def test_a_download_name_with_nothing_usable_falls_back_to_the_stored_name():
    form = photo_form(SimpleUploadedFile("a.png", png()), CommunityFactory())
    assert form.is_valid(), form.errors
    photo = form.save()
    response = file_response(photo.image, filename="///")
    response.close()
    stored = photo.image.name.rsplit("/", 1)[-1]
    assert response["Content-Disposition"] == f'attachment; filename="{stored}"'
