"""Request ids, the access log, masked personal data, and the 503 page."""

import json
import logging
from unittest import mock

import psycopg
import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from talentportal.logging import JsonLogFormatter, RequestContextFilter, redact, request_id_var
from talentportal.middleware import service_unavailable
from tests.auth_helpers import login_verified
from tests.talentportal.factories import UserFactory

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


@pytest.fixture
def records(caplog):
    """Log records with their request id, as the console handler adds it."""
    caplog.handler.addFilter(RequestContextFilter())
    caplog.set_level(logging.INFO)
    return caplog


def access_records(caplog):
    return [r for r in caplog.records if r.name == "talentportal.access"]


def test_a_request_id_is_made_when_none_is_given(client):
    first = client.get("/health/")["X-Request-ID"]
    second = client.get("/health/")["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_the_load_balancers_request_id_is_kept(client):
    response = client.get("/health/", headers={"X-Request-ID": "lb-7f3a9c12-0001"})
    assert response["X-Request-ID"] == "lb-7f3a9c12-0001"


@pytest.mark.parametrize(
    "given",
    [
        "short",
        "x" * 129,
        "abc def ghi",
        "id\nforged log line",
        "<script>alert(1)</script>",
        "ид-12345678",
    ],
)
def test_a_request_id_that_is_not_a_sane_token_is_replaced(client, given):
    response = client.get("/health/", headers={"X-Request-ID": given})
    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_every_record_of_a_request_carries_its_id(client, records, monkeypatch):
    def lose_database(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("talentportal.views.home_counts", lose_database)
    response = client.get("/", headers={"X-Request-ID": "req-0123456789"})
    assert response.status_code == 503
    of_request = [r for r in records.records if getattr(r, "request_id", None) == "req-0123456789"]
    assert {r.name for r in of_request} == {
        "talentportal.middleware",  # the warning
        "talentportal.access",
        "django.request",  # Django's own line for a 5xx, written after the middleware
    }
    assert request_id_var.get() == "-"  # reset once the request is over


@pytest.mark.django_db
def test_one_access_line_per_request_without_the_query_string(client, records):
    user = UserFactory(kind="talent")
    login_verified(client, user)
    client.get(f"/policies/?q={ID_NUMBER}&region=330100", headers={"X-Request-ID": "req-abcdefgh"})
    (line,) = access_records(records)
    assert line.getMessage().startswith("GET /policies/ 200 ")
    assert ID_NUMBER not in line.getMessage()
    assert line.method == "GET"
    assert line.path == "/policies/"
    assert line.query_keys == ["q", "region"]
    assert line.status == 200
    assert line.duration_ms > 0
    assert line.user_id == user.pk
    assert line.request_id == "req-abcdefgh"


@pytest.mark.django_db
def test_the_access_line_of_an_anonymous_request_has_no_user(client, records):
    client.get("/no-such-page/")
    (line,) = access_records(records)
    assert line.status == 404
    assert line.user_id is None


@pytest.mark.django_db
def test_a_password_reset_token_in_the_path_is_not_logged(client, records):
    client.get("/accounts/password/reset/MQ/cz7kq3-0123456789abcdef0123456789abcdef/")
    (line,) = access_records(records)
    assert "0123456789abcdef" not in line.getMessage()
    assert line.path == "/accounts/password/reset/MQ/[redacted]/"


@pytest.mark.django_db
def test_djangos_own_request_lines_carry_no_query_string(client, records):
    client.get(f"/no-such-page/?q={ID_NUMBER}")
    (warning,) = [r for r in records.records if r.name == "django.request"]
    line = JsonLogFormatter().format(warning)
    assert ID_NUMBER not in line
    assert json.loads(line)["request"] == "GET /no-such-page/"


def test_personal_data_and_secrets_are_masked():
    text = (
        f"lookup id={ID_NUMBER} phone +86 {PHONE} or {PHONE}; "
        'password=hunter2hunter2&next=/ {"otp_token": "123456"}'
    )
    masked = redact(text)
    assert ID_NUMBER not in masked and PHONE not in masked
    assert "hunter2" not in masked and "123456" not in masked
    assert masked.count("[id-number]") == 1 and masked.count("[phone]") == 2
    assert "next=/" in masked
    # Other long numbers (reference numbers, counts) stay.
    assert redact("application SA-2026-000123, 1000000 talents") == (
        "application SA-2026-000123, 1000000 talents"
    )


def test_json_lines_carry_the_request_id_and_no_personal_data():
    record = logging.LogRecord(
        "talentportal.test", logging.WARNING, __file__, 1, "call %s about %s", (PHONE, "房租"), None
    )
    token = request_id_var.set("req-json-0001")
    try:
        RequestContextFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(JsonLogFormatter().format(record))
    assert line["request_id"] == "req-json-0001"
    assert line["level"] == "WARNING"
    assert line["name"] == "talentportal.test"
    assert line["message"] == "call [phone] about 房租"
    assert line["time"].endswith("+00:00")


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, psycopg.OperationalError])
def test_a_view_that_loses_the_database_answers_a_friendly_503(client, monkeypatch, error):
    def lose_database(*args, **kwargs):
        raise error("could not connect to server: Connection refused")

    monkeypatch.setattr("talentportal.views.home_counts", lose_database)
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    page = response.content.decode()
    assert 'id="main"' in page  # the site's layout
    assert "服务暂时无法使用" in page
    response = client.get("/en/")
    assert response.status_code == 503
    assert "The service is briefly unavailable" in response.content.decode()


@pytest.mark.django_db
def test_losing_the_database_in_a_middleware_is_a_503_too(monkeypatch):
    client = Client(raise_request_exception=False)
    login_verified(client, UserFactory(kind="talent"))

    def lose_database(self):
        raise OperationalError("terminating connection due to administrator command")

    # The session is read by a middleware (the staff idle timeout, two-factor) before any view.
    with mock.patch.object(SessionStore, "load", lose_database):
        response = client.get("/policies/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


@pytest.mark.django_db
def test_other_errors_are_still_500(monkeypatch):
    client = Client(raise_request_exception=False)

    def fail(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("talentportal.views.home_counts", fail)
    assert client.get("/").status_code == 500


@pytest.mark.django_db
def test_the_503_page_runs_no_query(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = service_unavailable(rf.get("/policies/"))
    assert response.status_code == 503
