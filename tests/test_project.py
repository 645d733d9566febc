"""Project-wide checks: migrations, deploy settings, environment parsing, error handlers."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from talentportal import env

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def run_manage(*args, **env_overrides):
    environment = {**os.environ, **env_overrides}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "p7Jq2vXk9LmZr4TbWc8NsYh3GdFe6RaQ1uViOxKzBnMwEtSyPl0",
    "ALLOWED_HOSTS": "talent.zj.gov.cn",
    "EMAIL_SMTP_HOST": "smtp.zj.gov.cn",
}


@pytest.mark.parametrize(
    "extra",
    [{}, {"REDIS_URL": "redis://127.0.0.1:6379/0", "TRUSTED_PROXY_COUNT": "1"}],
    ids=["local cache", "redis behind a proxy"],
)
def test_deploy_check_is_clean_with_production_settings(extra):
    # Warnings fail too: Django's security checks and those of axes, django-otp and the tasks.
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **extra)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deploy_check_fails_with_debug_on():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "DEBUG": "1"}
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_a_negative_proxy_count_stops_start_up():
    result = run_manage("check", TRUSTED_PROXY_COUNT="-1")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr


def test_deploy_check_fails_without_a_real_secret_key():
    settings = {**PRODUCTION, "SECRET_KEY": ""}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **settings)
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_a_bad_boolean_in_the_environment_stops_start_up():
    result = run_manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_only_postgresql_is_accepted():
    result = run_manage("check", DATABASE_URL="sqlite:///db.sqlite3")
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), ("off", False)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env.env_bool("SOME_FLAG") is expected


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("SOME_INT", "x")
    with pytest.raises(ImproperlyConfigured):
        env.env_int("SOME_INT", 1)
    monkeypatch.setenv("SOME_LIST", " a.example, ,b.example ")
    assert env.env_list("SOME_LIST", []) == ["a.example", "b.example"]
    monkeypatch.delenv("SOME_LIST")
    assert env.env_list("SOME_LIST", ["default"]) == ["default"]


VIEW_MODULES = sorted(
    path
    for app in ("talentportal", "policies", "talents", "projects", "apartments", "ecosystem")
    for path in (ROOT / app).rglob("*.py")
    if path.stem == "views" or path.stem.endswith("_views") or path.parent.name == "views"
)


def test_there_are_view_modules_to_check():
    assert len(VIEW_MODULES) >= 6


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_views_leave_transactions_and_row_locks_to_the_services(path):
    """A use case is one service call: the service opens the transaction and takes the locks,
    so that every caller (view, admin, seed, task) gets the same guarantees."""
    source = path.read_text()
    assert "transaction.atomic" not in source
    assert "select_for_update" not in source
