"""Template tags shared by every page: language switching and navigation state."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, get_language_from_path

from talentportal.i18n import falls_back
from talentportal.models import Notification

register = template.Library()


def _other_prefix_url(path: str, lang_code: str) -> str:
    """Swap the language prefix of a path; used when the path does not resolve (a 404)."""
    current = get_language_from_path(path)
    if current and current != settings.LANGUAGE_CODE:
        path = path[len(current) + 1 :] or "/"
    if lang_code != settings.LANGUAGE_CODE:
        path = f"/{lang_code}{path}"
    return path


@register.simple_tag(takes_context=True)
def translated_url(context, lang_code: str) -> str:
    """The current page (path and query string) in the language `lang_code`.

    Usage: ``<a href="{% translated_url 'en' %}" hreflang="en" lang="en">English</a>``.
    Works without context processors (the 500 page), as long as `request` is in the context.
    """
    request = context.get("request")
    if request is None:
        return "/" if lang_code == settings.LANGUAGE_CODE else f"/{lang_code}/"
    full_path = request.get_full_path()
    url = translate_url(full_path, lang_code)
    if url == full_path and lang_code != (get_language() or settings.LANGUAGE_CODE):
        query = request.META.get("QUERY_STRING", "")
        url = _other_prefix_url(request.path, lang_code) + (f"?{query}" if query else "")
    return url


@register.simple_tag(takes_context=True)
def aria_current(context, url: str):
    """` aria-current="page"` on the link to this very page, `="true"` on its section's link.

    Usage: ``{% url 'policies:index' as u %}<a href="{{ u }}"{% aria_current u %}>``.
    A section is every path below the link's path, so `/policies/123/` marks `/policies/`.
    """
    request = context.get("request")
    if request is None or not url:
        return ""
    path = request.path
    if path == url:
        return format_html(' aria-current="{}"', "page")
    is_home = url == "/" or url.strip("/") in dict(settings.LANGUAGES)
    if not is_home and path.startswith(url):
        return format_html(' aria-current="{}"', "true")
    return ""


@register.simple_tag
def page_range(page_obj, on_each_side=2, on_ends=1):
    """Page numbers around the current page, with None where a run of pages is left out.

    Usage: ``{% page_range page_obj as pages %}``; an empty list for paginators that do not
    count their pages.
    """
    paginator = page_obj.paginator
    if not hasattr(paginator, "get_elided_page_range"):
        return []
    return [
        None if number == paginator.ELLIPSIS else number
        for number in paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    ]


@register.simple_tag
def unread_notifications(user) -> int:
    """How many notifications `user` has not read yet (one COUNT query)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.for_user(user).unread().count()


@register.simple_tag
def content_lang(obj, field: str) -> str:
    """` lang="zh-Hans"` on the element showing `obj`'s bilingual `field` when an English page
    falls back to its Chinese text (WCAG 3.1.2, language of parts), else nothing:
    `<p{% content_lang item "answer" %}>{{ item.answer }}</p>`."""
    return mark_safe(' lang="zh-Hans"') if falls_back(obj, field) else ""


@register.filter
def only_in_chinese(obj, field: str) -> bool:
    """Whether an English page shows `obj`'s `field` in Chinese, for a visible note."""
    return falls_back(obj, field)
