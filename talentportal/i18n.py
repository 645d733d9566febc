"""Bilingual content fields: `<field>_zh` is required, `<field>_en` falls back to it."""

from django.utils.translation import get_language


def localized(obj, field: str) -> str:
    """The English value when the active language is English and one exists, else Chinese."""
    language = get_language() or ""
    if language.startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_zh")
