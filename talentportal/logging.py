"""Structured logs: every record carries the id of the request it belongs to, and personal data
that slipped into a message is masked before the record is written.

settings.LOGGING wires these in; LOG_FORMAT=json (production) or text (development) chooses the
formatter. The request id comes from talentportal.middleware.RequestIdMiddleware.
"""

import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter

# "-" outside a request (management commands, gunicorn's own messages).
request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# What must never reach a log verbatim. Mainland resident ID numbers (18 characters, the last
# may be X), mobile numbers (11 digits from 13-19, optionally +86), and secrets given as
# key=value or "key": "value" (passwords, tokens, one-time codes).
_ID_NUMBER = re.compile(r"(?<![0-9])[1-9][0-9]{5}(?:18|19|20)[0-9]{9}[0-9Xx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])")
_SECRET = re.compile(
    r"""(?ix)
    (["']?(?:password\d?|passwd|secret|token|otp_token|api_key|csrfmiddlewaretoken)["']?
    \s*[:=]\s*["']?)
    [^"'&\s,}]+
    """
)


# The token of a password-reset link, in its path: /accounts/password/reset/<uidb64>/<token>/.
_RESET_TOKEN = re.compile(r"(/reset/[0-9A-Za-z_-]+/)[0-9A-Za-z_-]+(?=/)")


def redact(text: str) -> str:
    """The text with ID numbers, mobile numbers, reset tokens and secret values replaced by
    placeholders."""
    text = _SECRET.sub(r"\1[redacted]", text)
    text = _RESET_TOKEN.sub(r"\1[redacted]", text)
    text = _ID_NUMBER.sub("[id-number]", text)
    return _PHONE.sub("[phone]", text)


class RequestContextFilter(logging.Filter):
    """Adds `request_id` to every record and masks personal data in its message.

    Attached to the handlers, so it also covers records of libraries (django.request, gunicorn)
    that know nothing of either.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class JsonLogFormatter(JsonFormatter):
    """One JSON object per line: time, level, logger, message, request_id, and the extras."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["asctime", "levelname", "name", "message", "request_id"])
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)

    def add_fields(self, log_record, record, message_dict):
        super().add_fields(log_record, record, message_dict)
        # Django's request logger passes the request, whose repr holds the query string.
        request = log_record.get("request")
        if request is not None and hasattr(request, "path"):
            log_record["request"] = f"{request.method} {redact(request.path)}"

    def formatTime(self, record, datefmt=None):
        # ISO 8601 in UTC: log collectors sort and compare times across servers.
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


TEXT_FORMAT = "{asctime} {levelname} {name} [{request_id}] {message}"


def logging_config(*, log_format: str, level: str) -> dict:
    """The LOGGING dict for settings.py."""
    formatter = (
        {"()": JsonLogFormatter} if log_format == "json" else {"format": TEXT_FORMAT, "style": "{"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": RequestContextFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # django.server (runserver) logs the full request line, query string included: the
            # access logger below replaces it.
            "django.server": {"level": "WARNING"},
        },
    }
