"""The language crawl (issue 18, "whole translations"): no English sentence on a Chinese page
and no Chinese on an English page.

Every site URL of the resolver with the seeded world's objects (the machinery of
test_crawl.py: tests/crawl/urls.py and world.py) is requested as the visitor, a talent and an
enterprise member, in Chinese and in English; every other role of the world (an enterprise's
administrator, an investor, an expert, each staff role, a region-scoped officer) requests the
pages only a signed-in person sees, which are the pages that differ by who asks. The visible
text of each HTML page (tests/crawl/text.py) must hold nothing of the other language, except

- what the page marks as another language (`lang="zh-Hans"` on content that has no English
  version, with a visible note; the language switcher);
- proper names and other content that exists in one language only: text stored in a field
  without a language counterpart (a person's name, an employer, a typed reason), or in a
  Chinese field whose English field is empty.
"""

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.utils import translation

from tests.auth_helpers import login_verified
from tests.crawl import text, urls, world
from tests.crawl.test_crawl import _crawl_settings, media, seeded  # noqa: F401

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")
#: Who crawls every site page; the other roles crawl the signed-in pages.
EVERY_PAGE_ROLES = (world.VISITOR, world.TALENT, world.ENTERPRISE_MEMBER)
#: Requests that would end the session.
SKIPPED = {"accounts:logout", "accounts:two_factor_remove", "admin:logout"}


def one_language_content() -> dict[str, str]:
    """Per page language, the stored text that may show in the other one, as one string to
    search: fields without a language counterpart, and Chinese fields without English."""
    english_page, chinese_page = [], []
    for model in apps.get_models():
        if model._meta.app_label not in {"talentportal", "policies", "talents", "projects",
                                         "apartments", "ecosystem"}:  # fmt: skip
            continue
        fields = [
            f for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]  # fmt: skip
        names = {f.name for f in fields}
        for row in model._default_manager.values(*names).iterator():
            for name, value in row.items():
                if not value:
                    continue
                value = str(value)
                if name.endswith("_zh"):
                    if not row.get(name[:-3] + "_en"):
                        english_page.append(value)
                elif name.endswith("_en"):
                    continue
                else:
                    english_page.append(value)
                    chinese_page.append(value)
    return {"en": "\n".join(english_page), "zh-hans": "\n".join(chinese_page)}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", world.ROLES)
def test_no_page_shows_the_other_language(seeded, role, language):  # noqa: F811
    allowed = one_language_content()[language]
    client = Client()
    if seeded.users[role] is not None:
        login_verified(client, seeded.users[role])
    with translation.override(language):
        pairs = urls.site_urls(seeded)
    found: dict[str, set[str]] = {}
    for pattern, url in pairs:
        if pattern.name in SKIPPED:
            continue
        if role not in EVERY_PAGE_ROLES and pattern.name not in urls.SIGNED_IN_PAGES:
            continue
        response = client.get(url)
        if response.streaming:  # a file: read to the end, which closes it
            b"".join(response.streaming_content)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        visible = text.visible_text(response.content.decode(), language)
        wrong = {run for run in text.other_language(visible, language) if run not in allowed}
        if wrong:
            found[f"{pattern.name} {url}"] = wrong
    report = "\n".join(f"{where}: {sorted(runs)[:8]}" for where, runs in sorted(found.items()))
    assert not found, f"{role}, {language}: text in the other language:\n{report}"
