"""The crawl: no page answers a server error, for anyone, in either language.

Every URL pattern of the resolver (tests/crawl/urls.py), with the seeded objects of one world
for its arguments (tests/crawl/world.py: one person of each role, and the content of every
section once with every optional field filled and once with none), is requested as every role
of `world.ROLES` in Chinese (/) and in English (/en/): a GET, or an empty POST where a view
takes only POSTs. Then every form met on the way is posted once, filled in with valid values
(tests/crawl/forms.py). Any answer of 500 or more fails, with the exception and where it was
raised; so does a page a signed-in role gets without `Cache-Control: no-store` (personal data
must stay out of every shared cache, issue 17 point 6); so does a main form that its user
cannot complete (`COMPLETED`): its valid values
would no longer be valid, and the crawl would stop short of what follows it.

The world is built once for the module, in a transaction rolled back at the end; each test
(one role in one language) runs in a savepoint of its own, so that what one role's requests
change is gone before the next role's. A pattern whose arguments the crawl cannot fill fails
`test_every_pattern_is_crawled`, and an admin model without an object fails the admin crawl.

The admin is the larger half of the URLs and the slower one, so not every combination is
requested: the system administrator, who may open every page of it, crawls all of it in both
languages and posts its forms (each once, alternately in Chinese and in English); the other
staff roles, the visitor and a talent (whom the admin's gate turns away before any admin view
runs, as tests/security/test_authorization_matrix.py checks for every admin URL and each kind
of account) request every admin URL once, alternately in Chinese and in English.
"""

import time
import traceback
from collections import Counter
from urllib.parse import urljoin, urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve
from django.utils import translation

from talentportal import roles
from talentportal.catalogues import load_catalogues
from talentportal.models import Region
from tests.auth_helpers import login_verified
from tests.crawl import forms, optional, urls, world

pytestmark = pytest.mark.django_db

LANGUAGES = ("zh-hans", "en")

#: Requests that end the session: made after all the others.
LAST = {"accounts:logout", "admin:logout", "accounts:two_factor_remove"}

#: Forms not filled in: they end the account or the session (their empty POST is crawled as
#: every POST-only view's is).
NOT_FILLED = LAST | {"talents:me_delete"}

#: Forms that sign someone in: posted after the others (the visitor would not stay one).
SIGNING_IN = {"accounts:login", "accounts:signup", "accounts:two_factor_verify"}

#: The main forms each role completes with the crawl's values (a redirect after the POST).
COMPLETED = {
    world.VISITOR: {"accounts:signup", "accounts:login", "accounts:password_reset"},
    world.TALENT: {
        "accounts:profile",
        "policies:following",
        "policies:service_apply",
        "talents:me_profile",
        "talents:me_privacy",
        "talents:demand_apply",
        "talents:internship_apply",
        "projects:roadshow_register",
        "projects:interest_answer",
        "projects:application_document",
        "apartments:offer_accept",
        "ecosystem:product_apply",
        "ecosystem:feedback_new",
        "me:application_respond",
    },
    world.ENTERPRISE_ADMIN: {
        "talents:posting_create",
        "talents:posting_edit",
        "talents:application_process",
        "talents:nominate",
        "talents:shortlist_toggle",
        "projects:call_apply",
        "projects:project_create",
        "projects:endorsement_answer",
    },
    world.INVESTOR: {"projects:interest_express"},
    world.EXPERT: {"projects:review", "projects:review_declare", "projects:review_decline"},
    roles.SYSTEM_ADMINISTRATOR: {"projects:roadshow_checkin", "projects:project_edit"},
}

#: Roles that crawl the whole admin in each language; the others share it between the two.
ADMIN_IN_FULL = {roles.SYSTEM_ADMINISTRATOR}

#: What the crawl did, for the summary at the end of the module.
TOTALS: Counter = Counter()

#: Patterns whose view answered a GET with 405: the views that take only POSTs (whoever
#: asks), which later requests POST to at once.
POST_ONLY: set[str] = set()


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("crawl-media")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, media):
    """The world, built once for the module and rolled back after it."""
    test_settings = override_settings(  # as tests/conftest.py sets them for each test
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MEDIA_ROOT=media,
        SECURE_SSL_REDIRECT=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    started = time.monotonic()
    with django_db_blocker.unblock(), test_settings, transaction.atomic():
        if not Region.objects.exists():  # emptied by a transactional test's flush
            load_catalogues()
        roles.sync_roles()
        built = world.build()
        built.admin_objects = urls.admin_objects()
        TOTALS["seeding seconds"] = round(time.monotonic() - started, 1)
        yield built
        transaction.set_rollback(True)
    TOTALS["seconds"] = time.monotonic() - started


def summary() -> str:
    """The crawl's size and time, for the end of the test run (tests/crawl/conftest.py)."""
    if not TOTALS["requests"]:
        return ""
    return (
        f"crawl: {TOTALS['site urls']} site URLs × {len(world.ROLES)} roles × "
        f"{len(LANGUAGES)} languages, {TOTALS['admin urls']} admin URLs × "
        f"{len(world.ADMIN_ROLES)} roles × {len(LANGUAGES)} languages (in full for "
        f"{len(ADMIN_IN_FULL)} roles, shared between the languages for the others), "
        f"{TOTALS['form posts']} forms posted filled in: {TOTALS['requests']} requests in "
        f"{TOTALS['seconds']:.0f} s, the world seeded in {TOTALS['seeding seconds']:.1f} s"
    )


@pytest.fixture(autouse=True)
def _crawl_settings(_fast_and_isolated, settings, media):
    settings.MEDIA_ROOT = media  # where the world's files are
    settings.RATELIMIT_ENABLE = False  # the pages are crawled, not the limiter


#: Optional fields a constraint requires in the state the crawl's objects are in.
REQUIRED_BY_A_CONSTRAINT = {"Policy.issued_on"}  # once published (policy_published_has_issue_date)


def test_the_world_has_every_optional_field_filled_and_empty(seeded):
    """The full objects have a value in each optional field, the bare ones in none (a field
    the model would not take a value for, or no value, would make the crawl half of itself)."""
    unfilled, unemptied = [], []
    for key, obj in seeded.objects.items():
        if not isinstance(key, tuple) or key[1] not in world.VARIANTS:
            continue
        for field in optional.optional_fields(type(obj)):
            empty = optional.is_empty(obj, field)
            if key[1] == world.FULL and empty:
                unfilled.append(f"{type(obj).__name__}.{field.name}")
            elif key[1] == world.BARE and not empty:
                unemptied.append(f"{type(obj).__name__}.{field.name}")
    unemptied = [name for name in unemptied if name not in REQUIRED_BY_A_CONSTRAINT]
    assert not unfilled, f"optional fields left empty on the full objects: {unfilled}"
    assert not unemptied, f"optional fields with a value on the bare objects: {unemptied}"


def test_every_pattern_is_crawled():
    """A URL pattern with arguments must have a builder of them, or it would be skipped."""
    missing = urls.missing_arguments()
    assert not missing, (
        "URL patterns the crawl cannot fill: add their arguments to SITE_ARGUMENTS in "
        f"tests/crawl/urls.py (and the objects to tests/crawl/world.py): {missing}"
    )


def _where(error: BaseException) -> str:
    """The innermost frame of the project's own code."""
    frames = traceback.extract_tb(error.__traceback__)
    own = [frame for frame in frames if "/site-packages/" not in frame.filename]
    frame = (own or frames)[-1]
    return f"{frame.filename.removeprefix(str(settings.BASE_DIR) + '/')}:{frame.lineno}"


class Crawler:
    """One signed-in client: requests noted, 5xx collected, forms met noted and posted."""

    def __init__(self, client: Client, *, fill_forms: bool, signed_in: bool = False):
        self.client = client
        self.fill_forms = fill_forms
        self.signed_in = signed_in
        self.failures: list[str] = []
        self.forms: dict[str, forms.Form] = {}  # the action's URL -> the form
        self.completed: set[str] = set()  # URL names of the forms that led on (a redirect)

    def request(self, method: str, url: str, data=None):
        """One request in a savepoint (a failed query must not end the test's transaction);
        a 5xx or an exception is noted, and the crawl goes on."""
        TOTALS["requests"] += 1
        try:
            with transaction.atomic():
                if method == "GET":
                    response = self.client.get(url)
                else:
                    response = self.client.post(url, data or {})
                if response.streaming:
                    b"".join(response.streaming_content)
        except Exception as error:
            name = type(error).__name__
            self.failures.append(f"{method} {url}: {name}: {error} ({_where(error)})")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method} {url}: {response.status_code}")
        return response

    def visit(self, pattern, url: str) -> None:
        """GET the page (a view that takes only POSTs: an empty POST); note its forms."""
        if pattern.name in POST_ONLY:
            self.request("POST", url)
            return
        response = self.request("GET", url)
        if response is None:
            return
        if response.status_code == 405:
            POST_ONLY.add(pattern.name)
            self.request("POST", url)
            return
        cache_control = {p.strip() for p in response.get("Cache-Control", "").split(",")}
        if self.signed_in and not {"no-store", "private"} <= cache_control:
            self.failures.append(f"GET {url}: Cache-Control {response.get('Cache-Control')!r}")
        if response.status_code == 200 and self.fill_forms:
            self.note_forms(url, response)

    def note_forms(self, url: str, response) -> None:
        if "html" not in response.get("Content-Type", "") or b'method="post"' not in (
            response.content
        ):
            return
        for form in forms.post_forms(response.text):
            action = urlsplit(urljoin(url, form.action or url))
            if action.netloc and action.netloc != "testserver":
                continue
            try:
                name = resolve(action.path).view_name
            except Resolver404:
                self.failures.append(f"GET {url}: a form posts to {action.path}, no such page")
                continue
            if name not in NOT_FILLED:
                self.forms.setdefault(urlunsplit(action._replace(fragment="")), form)

    def post_forms(self, known: dict, share: slice = slice(None)) -> None:
        """Each form met, once, filled in; the ones that sign someone in last."""

        def signs_in(action):
            return resolve(urlsplit(action).path).view_name in SIGNING_IN

        for counter, action in enumerate(sorted(self.forms, key=signs_in)[share]):
            data, files = forms.filled(self.forms[action], counter, known)
            TOTALS["form posts"] += 1
            response = self.request("POST", action, {**data, **files})
            if response is not None and response.status_code == 302:
                self.completed.add(resolve(urlsplit(action).path).view_name)


def _crawl(
    seeded, role, language, targets, *, share=slice(None), fill_forms=True, form_share=slice(None)
):
    client = Client(raise_request_exception=True)
    if seeded.users[role] is not None:
        login_verified(client, seeded.users[role])
    crawler = Crawler(client, fill_forms=fill_forms, signed_in=seeded.users[role] is not None)
    with translation.override(language):
        pairs = targets()[share]
    for pattern, url in pairs:
        if pattern.name not in LAST:
            crawler.visit(pattern, url)
    crawler.post_forms(seeded.known, form_share)
    for pattern, url in pairs:
        if pattern.name in LAST:
            crawler.visit(pattern, url)
    return crawler


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", world.ROLES)
def test_no_site_page_is_a_server_error(seeded, role, language):
    def targets():
        found = urls.site_urls(seeded)
        TOTALS["site urls"] = len(found)
        return found

    crawler = _crawl(seeded, role, language, targets)
    assert not crawler.failures, f"{role}, {language}:\n" + "\n".join(crawler.failures)
    not_completed = COMPLETED.get(role, set()) - crawler.completed
    assert not not_completed, f"{role}, {language}: forms not completed: {sorted(not_completed)}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", world.ADMIN_ROLES)
def test_no_admin_page_is_a_server_error(seeded, role, language):
    def targets():
        found, missing = urls.admin_urls(seeded.admin_objects)
        assert not missing, f"admin pages without an object in the world: {missing}"
        TOTALS["admin urls"] = len(found)
        return found

    # Shared between the languages: every other URL (or form), from the first in Chinese and
    # from the second in English, so that each is requested once.
    half = slice(LANGUAGES.index(language), None, 2)
    crawler = _crawl(
        seeded,
        role,
        language,
        targets,
        share=slice(None) if role in ADMIN_IN_FULL else half,
        fill_forms=role == roles.SYSTEM_ADMINISTRATOR,  # the one who may post them all
        form_share=half,
    )
    assert not crawler.failures, f"{role}, {language}:\n" + "\n".join(crawler.failures)
