"""Operations settings read from the environment (each case in a fresh interpreter)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "fallbacks": settings.SECRET_KEY_FALLBACKS,
    "log_format": settings.LOG_FORMAT,
    "formatter": sorted(settings.LOGGING["formatters"]["default"]),
    "databases": sorted(settings.DATABASES),
    "routers": getattr(settings, "DATABASE_ROUTERS", []),
    "replica_mirror": settings.DATABASES.get("replica", {}).get("TEST", {}).get("MIRROR"),
    "read_your_writes": "talentportal.db_router.ReadYourWritesMiddleware" in settings.MIDDLEWARE,
    "media_root": str(settings.MEDIA_ROOT),
    "mailer": settings.MAILERS["default"],
}))
"""


def settings_with(**env):
    environ = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "LOG_FORMAT",
            "DATABASE_REPLICA_URL",
            "SECRET_KEY_FALLBACKS",
            "EMAIL_SMTP_HOST",
            "EMAIL_FILE_PATH",
            "MEDIA_ROOT",
        }
    }
    environ.update(env, DJANGO_SETTINGS_MODULE="talentportal.settings")
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result


def test_production_defaults_json_logs_no_replica_no_fallbacks():
    result = settings_with()
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["log_format"] == "json"
    assert values["formatter"] == ["()"]
    assert values["fallbacks"] == []
    assert values["databases"] == ["default"]
    assert values["routers"] == []


def test_mail_goes_to_the_console_to_files_in_a_folder_or_to_smtp():
    console = json.loads(settings_with().stdout)["mailer"]
    assert console["BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    files = json.loads(settings_with(EMAIL_FILE_PATH="/tmp/tp-mail").stdout)["mailer"]
    assert files["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert files["OPTIONS"] == {"file_path": "/tmp/tp-mail"}
    smtp = json.loads(
        settings_with(EMAIL_SMTP_HOST="smtp.example.com", EMAIL_FILE_PATH="/tmp/tp-mail").stdout
    )["mailer"]
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_debug_logs_text():
    values = json.loads(settings_with(DEBUG="1").stdout)
    assert values["log_format"] == "text"
    assert "format" in values["formatter"]


def test_an_unknown_log_format_stops_start_up():
    result = settings_with(LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT must be json or text" in result.stderr


def test_old_secret_keys_are_read_for_rotation():
    values = json.loads(settings_with(SECRET_KEY_FALLBACKS="old-key-1, old-key-2").stdout)
    assert values["fallbacks"] == ["old-key-1", "old-key-2"]


def test_a_replica_url_adds_the_replica_and_the_router():
    values = json.loads(
        settings_with(DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/tp").stdout
    )
    assert values["databases"] == ["default", "replica"]
    assert values["routers"] == ["talentportal.db_router.PrimaryReplicaRouter"]
    assert values["replica_mirror"] == "default"
    assert values["read_your_writes"] is True


def test_without_a_replica_no_read_your_writes_middleware():
    assert json.loads(settings_with().stdout)["read_your_writes"] is False


def test_uploads_go_to_the_media_root_given(tmp_path):
    # Several servers share one directory (docs/operations.md, make cluster).
    assert json.loads(settings_with(MEDIA_ROOT=str(tmp_path)).stdout)["media_root"] == str(tmp_path)
    assert json.loads(settings_with().stdout)["media_root"] == str(ROOT / "media")
