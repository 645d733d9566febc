"""Uploaded files: the type is checked by content, not by name, and images are re-encoded
so that nothing but pixels survives (no metadata, no polyglot payloads). Files are stored under
random names (`RandomName`) and served only by views that check who asks (`file_response`,
`talentportal.downloads`), never from a public /media/ URL."""

import io
import mimetypes
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

Image.MAX_IMAGE_PIXELS = 40_000_000  # larger images are refused as decompression bombs


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    signature: bytes
    pillow_format: str = ""


PDF = FileType("application/pdf", ".pdf", b"%PDF-")
JPEG = FileType("image/jpeg", ".jpg", b"\xff\xd8\xff", "JPEG")
PNG = FileType("image/png", ".png", b"\x89PNG\r\n\x1a\n", "PNG")
DOCUMENT_TYPES = (PDF, JPEG, PNG)


def max_upload_bytes() -> int:
    return getattr(settings, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def detect_type(upload, allowed=DOCUMENT_TYPES) -> FileType:
    """The type of `upload` by its first bytes; ValidationError when it is not allowed."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for file_type in allowed:
        if head.startswith(file_type.signature):
            return file_type
    names = ", ".join(t.extension.lstrip(".").upper() for t in allowed)
    raise ValidationError(
        _("This file is not an accepted type. Upload one of: %(types)s.") % {"types": names},
        code="file_type",
    )


def clean_upload(upload, allowed=DOCUMENT_TYPES) -> tuple[ContentFile, FileType]:
    """Validate size and type, and return the content to store (images re-encoded)."""
    if upload.size > max_upload_bytes():
        raise ValidationError(
            _("The file is too large: at most %(limit)s.")
            % {"limit": filesizeformat(max_upload_bytes())},
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    file_type = detect_type(upload, allowed)
    if file_type.pillow_format:
        return _reencode(upload, file_type), file_type
    upload.seek(0)
    return ContentFile(upload.read()), file_type


def _reencode(upload, file_type: FileType) -> ContentFile:
    try:
        with Image.open(upload) as image:
            image.load()
            if image.format != file_type.pillow_format:
                raise ValidationError(_("The image is damaged."), code="file_type")
            clean = image.convert("RGB") if file_type is JPEG else image.copy()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError(_("The image is damaged or too large."), code="file_type") from None
    output = io.BytesIO()
    clean.save(output, format=file_type.pillow_format)
    return ContentFile(output.getvalue())


@deconstructible
class RandomName:
    """An `upload_to` that keeps nothing of the uploaded name (often a person's name):
    `<prefix>/<year>/<month>/<32 random hex digits><extension>`."""

    def __init__(self, prefix: str, extension: str = ""):
        self.prefix = prefix.strip("/")
        self.extension = extension

    def __call__(self, instance, filename: str) -> str:
        extension = self.extension or Path(filename).suffix.lower()[:5]
        return f"{self.prefix}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and (self.prefix, self.extension) == (
            other.prefix,
            other.extension,
        )


def served_name(name: str, file_type: FileType | None, fallback: str) -> str:
    """The name a download is saved as: what is left of `name` once control and bidi
    characters (which can make "cv\u202efdp.exe" look like "cvexe.pdf") and anything unsafe
    are removed, with the extension of the type its bytes were verified as, whatever the name
    said."""
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    try:
        name = get_valid_filename(name) if name.strip() else fallback
    except SuspiciousFileOperation:  # nothing usable left of the given name
        name = fallback
    path = Path(name)
    if file_type is not None:
        stem = path.stem if path.suffix else name
        return f"{stem or Path(fallback).stem}{file_type.extension}"
    return name if path.suffix else name + Path(fallback).suffix


def file_response(
    field_file, *, filename: str = "", content_type: str = "", public: bool = False
) -> FileResponse:
    """A stored file as a download: always `Content-Disposition: attachment` (a browser never
    renders it as a page of this site) and `nosniff` (it never guesses another type). Its name
    and type come from its bytes (a PDF is served as .pdf and application/pdf, whatever it was
    called). Private files are not kept in shared caches. A 404 when the file is missing from
    storage."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    stored = Path(field_file.name)
    head = handle.read(16)
    handle.seek(0)
    file_type = next((t for t in DOCUMENT_TYPES if head.startswith(t.signature)), None)
    filename = served_name(filename, file_type, stored.name)
    if file_type is not None:
        content_type = file_type.content_type
    content_type = (
        content_type or mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
    )
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
