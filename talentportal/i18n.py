"""Bilingual content fields: `<field>_zh` is required, `<field>_en` falls back to it."""

from django.utils.translation import get_language


def localized(obj, field: str, *, chinese: str = "") -> str:
    """The English value when the active language is English and one exists, else Chinese.

    The Chinese value is `<field>_zh`, or the attribute named by `chinese` for a model whose
    Chinese field has no suffix (an investor's registered `name`)."""
    language = get_language() or ""
    if language.startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, chinese or f"{field}_zh")


def falls_back(obj, field: str) -> bool:
    """Whether `localized(obj, field)` shows the Chinese text on an English page (the English
    field is empty): the page then marks it `lang="zh-Hans"` and says so."""
    language = get_language() or ""
    return language.startswith("en") and not getattr(obj, f"{field}_en", "")
