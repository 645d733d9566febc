"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live_server.

- The browser is the system one (/usr/bin/chromium), headless; nothing is ever downloaded.
- live_server serves the app and, through StaticFilesHandler, the static files from the finders
  (tests/conftest.py switches to plain StaticFilesStorage, so no collectstatic is needed).
- live_server implies transactional_db: every test ends with a flush (made quick: see
  _quick_sql_flush in tests/conftest.py). The reference data the
  data migrations loaded (regions, industries, disciplines, ...) is snapshotted once and put
  back before each test, and once more at the end of the session so that the reused test
  database is not left without it.
- Playwright's sync API keeps an asyncio loop running in the main thread, which makes Django's
  ORM refuse to run there; DJANGO_ALLOW_ASYNC_UNSAFE is set only while tests of this folder run.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# How long a browser step may wait for the page (navigation, a locator, an `expect`). Only a
# failing step waits this long; a passing one goes on as soon as it can. Generous, because a
# shared CI machine at load 8 renders a page several times slower than a quiet one.
TIMEOUT_MS = 30_000
expect.set_options(timeout=TIMEOUT_MS)


@contextmanager
def _orm_allowed_beside_playwright():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last, after pytest-django's ordering.

    Playwright's loop runs from the first browser test to the end of the session; a database
    test after it would see a running loop and fail with SynchronousOnlyOperation.
    """
    here = Path(__file__).parent
    browser_tests = [item for item in items if item.path.is_relative_to(here)]
    if browser_tests:
        items[:] = [item for item in items if not item.path.is_relative_to(here)] + browser_tests


# These hooks apply to the items of this folder only (pytest calls them through item.ihook).
@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    with _orm_allowed_beside_playwright():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    with _orm_allowed_beside_playwright():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    with _orm_allowed_beside_playwright():
        return (yield)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, pytestconfig):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (scripts/ensure-chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": not pytestconfig.getoption("--headed"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def _live_server_settings():
    """Settings that middleware reads once, when the live server's handler is built.

    tests/conftest.py turns SECURE_SSL_REDIRECT off per test, but SecurityMiddleware keeps the
    value it saw at start-up, and the session-scoped live server starts before that fixture.
    """
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session")
def live_server(_live_server_settings, live_server):
    return live_server


@pytest.fixture(scope="session")
def base_url(live_server):
    # Replaces pytest-playwright's own base_url fixture (a deprecated session-scoped instance
    # method that pytest 9 warns about), so relative URLs go to the live server.
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


# Rows that are not reference data: post_migrate recreates content types and permissions after
# every flush, and users, sessions and admin entries belong to the tests that create them.
_NOT_SNAPSHOTTED = {"contenttypes", "auth", "sessions", "admin"}


def _take_snapshot():
    from django.apps import apps
    from django.contrib.auth import get_user_model

    snapshot = {}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.app_label in _NOT_SNAPSHOTTED or model is get_user_model():
            continue
        if opts.proxy or not opts.managed:
            continue
        rows = list(model._base_manager.order_by("pk"))
        if rows:
            snapshot[model] = rows
    return snapshot


def _restore(snapshot):
    """Insert the snapshot's rows that are missing: one INSERT per table, in one transaction
    (Django's foreign keys on PostgreSQL are deferred, so the order does not matter)."""
    from django.db import transaction

    with transaction.atomic():
        for model, rows in snapshot.items():
            model._base_manager.bulk_create(rows, ignore_conflicts=True)


@pytest.fixture(scope="session")
def _reference_data(django_db_setup, django_db_blocker):
    """The reference rows (what data migrations load: regions, industries, disciplines, ...)
    as the test database holds them before the first browser test.

    Django's serialized rollback cannot be used: once Playwright's loop runs, Django's
    connection handler (an asgiref Local) hands the tests another connection object than the
    one the serialized contents were attached to, so nothing would be restored.
    """
    from talentportal.catalogues import load_catalogues
    from talentportal.models import Region

    with _orm_allowed_beside_playwright(), django_db_blocker.unblock():
        if not Region.objects.exists():
            # Left flushed by a transactional test of an earlier run: reload the catalogues.
            load_catalogues()
        snapshot = _take_snapshot()
    yield snapshot
    # Leave the reused test database as the session found it, not flushed by the last test.
    with _orm_allowed_beside_playwright(), django_db_blocker.unblock():
        _restore(snapshot)


@pytest.fixture(autouse=True)
def _e2e_database(transactional_db, live_server, _reference_data):
    """Every browser test gets the live server and a database holding the reference data."""
    _restore(_reference_data)


@pytest.fixture
def new_context(new_context):
    """Browser contexts (the `context` and `page` fixtures' too) that give up after TIMEOUT_MS."""

    def make(**kwargs):
        context = new_context(**kwargs)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        return context

    return make


@pytest.fixture
def browser_errors(page):
    """JavaScript errors and console errors (CSP violations, failed loads) seen by the page."""
    errors = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console {message.type}: {message.text} ({message.location.get('url')})")
            if message.type == "error"
            else None
        ),
    )
    return errors


def sign_in(context, base_url: str, user) -> None:
    """Give a browser context the session of a verified log-in of `user` (the second factor
    done), without going through the log-in pages."""
    from django.conf import settings
    from django.test import Client

    from tests.auth_helpers import login_verified

    client = Client()
    login_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])


def second_factor_code(login: str) -> str | None:
    """Before a browser logs in as `login` (username or e-mail): a fresh backup code if the
    portal will ask this user for a second factor (staff, experts, enterprise administrators),
    after giving them an authenticator if they have none. None if it will not ask."""
    import secrets

    from django_otp import user_has_device

    from talentportal.models import User
    from talentportal.otp import two_factor_required
    from tests.auth_helpers import backup_code, totp_device

    try:
        user = User.objects.get_by_natural_key(login)
    except User.DoesNotExist:
        return None
    if not (two_factor_required(user) or user_has_device(user)):
        return None
    totp_device(user)
    return backup_code(user, code=f"{secrets.randbelow(10**8):08d}")


def enter_second_factor(page, code: str | None) -> None:
    """After the password: the code step, when second_factor_code gave a code."""
    if code is None:
        return
    import re

    from playwright.sync_api import expect

    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    page.fill("#id_token", code)
    page.locator("form:has(#id_token) [type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/two-factor/verify/"))


def confirm_sign_up(page, email: str) -> None:
    """After the sign-up form: the "check your e-mail" page, then the link of the mail that
    went to `email` (the live server runs in this process: django.core.mail.outbox), opened
    and confirmed in the same browser, which signs the person in."""
    import re

    from django.core import mail
    from playwright.sync_api import expect

    from tests.auth_helpers import confirmation_path

    expect(page).to_have_url(re.compile(r"/accounts/signup/sent/$"))
    message = next(message for message in reversed(mail.outbox) if message.to == [email])
    page.goto(confirmation_path(message))
    page.locator("main form[method=post] [type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/signup/confirm/"))
