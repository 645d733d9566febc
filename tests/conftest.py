import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.core.management import call_command
from django.utils import translation

from talentportal.catalogues import load_catalogues, load_thesaurus
from talentportal.models import Region, User
from tests.auth_helpers import login_verified
from tests.concurrency import claim_test_database, wait_for_other_transactions
from tests.talentportal.factories import StaffFactory, UserFactory


def pytest_collection_modifyitems(items):
    """Every test that calls the race helper is marked `race` (`make stress-test` repeats them)."""
    for item in items:
        function = getattr(item, "function", None)
        if function and {"race", "race_each"} & set(function.__code__.co_names):
            item.add_marker(pytest.mark.race)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Each test process has its test database to itself. A second test run against the same
    server (another `make test`, `make stress-test`, a run in another terminal) would otherwise
    use the same test_<name>_gw0 and TRUNCATE its tables under this run's feet: deadlocks and
    vanishing rows that look like flaky tests. The process claims the name with a PostgreSQL
    advisory lock held until it exits; when another run holds it, it takes the next free name
    (test_<name>_gw0_2, ...), which --reuse-db keeps for the next time it is needed."""
    database = settings.DATABASES["default"]
    base = database["TEST"]["NAME"]
    for attempt in range(1, 33):
        name = base if attempt == 1 else f"{base}_{attempt}"
        if claim_test_database(database, name):
            database["TEST"]["NAME"] = name
            return
    pytest.exit(f"no free test database: {base} to {base}_32 are in use by other runs")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The catalogues (regions, industries, disciplines) and the search thesaurus come from data
    migrations; a reused test database may have lost them to the flush of an earlier run's
    transactional test."""
    with django_db_blocker.unblock():
        if User.objects.exists():
            # Rows a transactional test committed and never flushed: its run was killed. Tests
            # leave no user behind, so this database starts from the state a flush leaves.
            call_command("flush", interactive=False, verbosity=0)
        load_reference_data()


def _quick_sql_flush(original):
    """Django's flush as DELETEs of the tables that hold rows, with triggers off.

    Every transactional test (the browser tests, the races) ends with a flush, and a TRUNCATE
    of every table (a few hundred with the audit trail's) takes a second or more while a test
    leaves rows in a dozen. `session_replication_role =
    replica` keeps pghistory's triggers from recording the deletions and skips the foreign-key
    checks (every row of the filled tables goes). It needs a superuser, as the test database
    user usually is; otherwise, or when sequences are to be reset, Django's flush runs.
    """

    def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
        if reset_sequences or connection.vendor != "postgresql" or not _superuser(connection):
            return original(
                style, connection, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT %s WHERE EXISTS (SELECT 1 FROM {quote(table)})" for table in tables
                ),
                tables,
            )
            filled = [table for (table,) in cursor.fetchall()]
        return [
            "SET LOCAL session_replication_role = replica",
            *(f"DELETE FROM {quote(table)}" for table in filled),
        ]

    return sql_flush


def _superuser(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


@pytest.fixture(scope="session", autouse=True)
def _quick_flush():
    from django.core.management.commands import flush

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flush, "sql_flush", _quick_sql_flush(flush.sql_flush))
        yield


TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}
DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def _catalogues_survive_flushes(request):
    """A transactional test ends by emptying every table, catalogues and thesaurus included;
    put them back before a later test that uses the database runs (one cheap query
    otherwise)."""
    uses_database = request.node.get_closest_marker("django_db") or (
        DATABASE_FIXTURES & set(request.fixturenames)
    )
    if not uses_database:
        return
    request.getfixturevalue("_django_db_helper")
    if not Region.objects.exists():
        load_reference_data()


def load_reference_data():
    load_catalogues()
    load_thesaurus()


@pytest.fixture(autouse=True)
def _nothing_left_running_before_the_flush(request):
    """A transactional test ends with a flush (`_quick_sql_flush`), which deadlocks with
    any other connection to the test database still inside a transaction: a request the live
    server is still answering for the browser, a thread of the test. Wait for them to finish."""
    if not (TRANSACTIONAL_FIXTURES & set(request.fixturenames) or _is_transactional(request)):
        yield
        return
    request.getfixturevalue("_django_db_helper")  # so that this teardown runs before its flush
    yield
    wait_for_other_transactions()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Each test starts in the default language with an empty cache, whatever ran before.
    translation.activate(settings.LANGUAGE_CODE)
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False
    # The page cache is off unless a test asks for it (the `page_cache` fixture): a test that
    # reads a page, changes the data and reads it again sees the change whatever path it took.
    # (CACHES stays as it is: replacing it would replace the cache objects that tests patch.)
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def page_cache(settings, tmp_path):
    """The shared page cache on, in files of this test's own (as without REDIS_URL)."""
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
        },
    }
    return caches["pages"]


@pytest.fixture
def talent(db):
    return UserFactory(kind="talent")


@pytest.fixture
def enterprise_member(db):
    return UserFactory(kind="enterprise")


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, past the second factor the admin requires."""
    login_verified(client, admin_user)
    return client
