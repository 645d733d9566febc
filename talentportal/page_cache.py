"""The shared page cache for anonymous visitors, and the Cache-Control of every response.

What is cached: the whole HTML of the pages named in PUBLIC_PAGES, for a GET without a query
string from a visitor who carries no session cookie and no messages cookie (a signed-in person
always has a session cookie; so has a visitor whose session holds anything). The cache is the
"pages" alias of CACHES: Redis when REDIS_URL is set, otherwise files in a directory that every
gunicorn worker of the server shares (settings.py says why).

The key holds the code release, the database, the scheme and host, the language, the
X-Fragment request header (the policy list serves its results alone to its script) and the
path: nothing else of the request can change these pages for an anonymous visitor. The entry
holds the content version it was built under; `content_changed()` replaces the version (a
random token), so every page built before it is a miss from then on. It is called

- on save, delete and many-to-many change of the models the pages show (each app registers
  its own with `invalidate_on_change` in its AppConfig.ready), whoever makes the change: the
  admin, a service, a command;
- after every POST to the back office (PortalAdminSite.admin_view), which also covers bulk
  actions that write with QuerySet.update() and send no signal.

Figures that visitors change by using the site (seats left at a roadshow, a community's
vacancies after a lease) are invalidated only by staff edits; they may be PAGE_CACHE_SECONDS
old on a cached page.

A page is stored only when nothing in it belongs to one visitor: its rendering took no CSRF
token, set no cookie, changed no session, added no message, and it answered 200 without a
Cache-Control of its own. A page whose scripts carry the CSP nonce is stored with that nonce
as a placeholder and served with a fresh nonce each time (the header gets the same one).

Headers: a page served from or stored in the cache says `Cache-Control: public, max-age=60,
s-maxage=60` and `Vary: Cookie`, so that a CDN or reverse proxy may keep it for visitors
without cookies. Every response to a request that carries a session cookie, or that sets a
cookie, says `Cache-Control: no-store` (and private): whatever a signed-in person sees stays
out of every shared cache (CacheControlMiddleware).
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    patch_cache_control,
    patch_vary_headers,
)

from talentportal.caching import CACHE_UNAVAILABLE

logger = logging.getLogger(__name__)

#: The pages cached for anonymous visitors (URL names). Each shows public content only when
#: requested without a query string by someone who is not signed in.
PUBLIC_PAGES = frozenset(
    {
        "home",
        "privacy",
        "accessibility",
        "policies:index",
        "policies:detail",
        "policies:services",
        "policies:service_detail",
        "projects:index",
        "projects:project",
        "projects:roadshows",
        "projects:roadshow",
        "projects:programs",
        "projects:program",
        "projects:call",
        "apartments:index",
        "apartments:community",
    }
)

#: Request headers that change a cached page, so they are part of its key. A page that varies
#: on any other header (its response's Vary) is never stored.
KEY_HEADERS = ("X-Fragment",)
VARY_ALLOWED = {"cookie", "accept-language", *(header.lower() for header in KEY_HEADERS)}

CACHE_ALIAS = "pages"
VERSION_KEY = "content-version"
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage
# Response headers of the view kept with the page; the middleware adds the rest per response.
STORED_HEADERS = ("Content-Type", "Vary", "Content-Language")


def page_cache():
    return caches[CACHE_ALIAS]


# --- The content version ---------------------------------------------------------------------


def _version_key() -> str:
    return f"{connection.settings_dict['NAME']}:{VERSION_KEY}"


def content_version() -> str:
    """The current content version: a random token, made on first use."""
    store = page_cache()
    key = _version_key()
    version = store.get(key)
    if version is None:
        store.add(key, secrets.token_hex(8), timeout=None)
        version = store.get(key)
    return version


def _bump() -> None:
    # A save must not fail for the cache; pages then expire after PAGE_CACHE_SECONDS at the
    # latest.
    try:
        page_cache().set(_version_key(), secrets.token_hex(8), timeout=None)
    except CACHE_UNAVAILABLE:
        logger.error("page cache: content version not replaced (cache unavailable)", exc_info=True)


def content_changed() -> None:
    """Every cached page is out of date: replace the content version now, and again when the
    current transaction commits (a request between the two could otherwise cache the old
    content under the new version)."""
    _bump()
    if connection.in_atomic_block:
        transaction.on_commit(_bump)


def _on_change(sender, **kwargs) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    if kwargs.get("action", "").startswith("pre_"):  # m2m_changed: pre_add, pre_remove...
        return
    content_changed()


def invalidate_on_change(*models) -> None:
    """Cached pages show these models: a save, delete or many-to-many change of one of them
    replaces the content version."""
    for model in models:
        uid = f"page_cache:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_change, sender=field.remote_field.through, dispatch_uid=uid + field.name
            )


# --- Keys ------------------------------------------------------------------------------------


SOURCE_SUFFIXES = (".py", ".html", ".mo", ".json")
SKIPPED_DIRECTORIES = {".venv", ".git", "node_modules", "staticfiles", "media", "tests"}


@cache
def code_release() -> str:
    """What identifies the code that renders the pages: PAGE_CACHE_RELEASE when set (the same
    on every server of a release), else a digest of the name, size and time of every source
    file, template and catalogue. A deploy starts with an empty page cache either way: HTML of
    the old code would name static files that are gone."""
    if settings.PAGE_CACHE_RELEASE:
        return settings.PAGE_CACHE_RELEASE
    digest = hashlib.blake2b(digest_size=8)
    for directory, subdirectories, files in os.walk(settings.BASE_DIR):
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name not in SKIPPED_DIRECTORIES and not name.startswith((".", "__"))
        )
        for name in sorted(files):
            if name.endswith(SOURCE_SUFFIXES):
                stat = os.stat(os.path.join(directory, name))
                digest.update(f"{directory}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def page_key(request) -> str:
    headers = ":".join(request.headers.get(name, "") for name in KEY_HEADERS)
    where = f"{request.scheme}://{request.get_host()}{request.path}"
    path = hashlib.sha256(where.encode()).hexdigest()[:32]
    return ":".join(
        [
            code_release(),
            connection.settings_dict["NAME"],
            translation.get_language(),
            headers,
            path,
        ]
    )


# --- The middleware --------------------------------------------------------------------------


def is_cacheable_request(request) -> bool:
    """A GET of a public page, without a query string, from a visitor with no session and no
    pending message."""
    match = request.resolver_match
    return (
        settings.PAGE_CACHE_ENABLED
        and request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and match is not None
        and match.view_name in PUBLIC_PAGES
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
    )


def vary_headers(response) -> list[str]:
    return [header.strip() for header in response.get("Vary", "").split(",") if header.strip()]


def _nonce(request):
    return getattr(request, "_csp_nonce", None)


def is_shareable(request, response) -> bool:
    """Nothing in this response belongs to the visitor who asked for it."""
    messages = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    vary = {header.lower() for header in vary_headers(response)}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.has_header("Cache-Control")
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a CSRF token in the page
        and not (session is not None and session.modified)
        and not (messages is not None and len(messages))
        and vary <= VARY_ALLOWED
    )


def mark_public(response) -> None:
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PAGE_CACHE_MAX_AGE,
        s_maxage=settings.PAGE_CACHE_MAX_AGE,
    )
    patch_vary_headers(response, ["Cookie"])
    response.page_cache_public = True


class PageCacheMiddleware:
    """Serves and stores the pages of PUBLIC_PAGES for anonymous visitors (module docstring).

    It sits at the end of MIDDLEWARE, after the CSP middleware: a page is stored as the view
    made it, and every other middleware adds its own headers to a cached page as to a fresh
    one. A hit is served from process_view, before the view runs: no SQL query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_page_cache_pending", None)
        if pending is not None and is_shareable(request, response):
            key, version = pending
            nonce = _nonce(request)
            entry = {
                "version": version,
                "content": response.content,
                "headers": {h: response[h] for h in STORED_HEADERS if response.has_header(h)},
                "nonce": str(nonce) if nonce else None,
            }
            try:
                page_cache().set(key, entry, settings.PAGE_CACHE_SECONDS)
            except CACHE_UNAVAILABLE:
                logger.warning("page cache: page not stored (cache unavailable)", exc_info=True)
            else:
                mark_public(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_cacheable_request(request):
            return None
        key = page_key(request)
        try:
            version = content_version()
            entry = page_cache().get(key)
        except CACHE_UNAVAILABLE:  # build the page as without a cache
            logger.warning("page cache: not read (cache unavailable)", exc_info=True)
            return None
        if entry is None or entry["version"] != version:
            request._page_cache_pending = (key, version)
            return None
        content = entry["content"]
        if entry["nonce"] and (nonce := _nonce(request)) is not None:
            content = content.replace(entry["nonce"].encode(), str(nonce).encode())
        response = HttpResponse(content, headers=entry["headers"])
        mark_public(response)
        return response


class CacheControlMiddleware:
    """`Cache-Control: no-store` on every response to a request that carries a session cookie
    (everyone signed in, and a visitor whose session holds anything) or that sets a cookie.

    Placed just after WhiteNoise: it sees the response after the session and CSRF middleware
    have set their cookies. A page the page cache made public keeps its headers, without the
    `Vary: Accept-Language` the locale middleware adds to unprefixed (Chinese) paths: the
    language of a page comes from its URL alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES or response.cookies:
            # Whatever the view said (public, max-age...): none of it may reach a shared cache.
            del response["Cache-Control"]
            add_never_cache_headers(response)
        elif getattr(response, "page_cache_public", False):
            vary = [h for h in vary_headers(response) if h.lower() != "accept-language"]
            response.headers["Vary"] = ", ".join(vary)
        return response
