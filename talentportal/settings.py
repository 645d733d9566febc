"""TalentPortal settings: one module, configured by environment variables.

DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL are read here; everything else
is fixed so that development, CI and production behave the same.
"""

import hashlib
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from talentportal.env import env_bool, env_int, env_list, env_str
from talentportal.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

# Without SECRET_KEY, a development key whose "django-insecure-" prefix makes
# `check --deploy` fail, so it can never pass for a production configuration.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-development-key-do-not-use-in-production"
# Rotation: the new key in SECRET_KEY, the old ones here (comma-separated) until the sessions
# and signed links made with them have expired (docs/operations.md).
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "talentportal",
    "policies",
    "talents",
    "projects",
    "apartments",
    "ecosystem",
    # django.contrib.admin, with an admin site that requires two-factor authentication.
    "talentportal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "import_export",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # First: the request id is in every log record of the request, the access line is written
    # for every answer, redirects and errors included (talentportal.middleware).
    "talentportal.middleware.RequestIdMiddleware",
    # A view that loses the database answers a friendly 503, not a 500.
    "talentportal.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # no-store on every response to a session (anyone signed in) or that sets a cookie.
    "talentportal.page_cache.CacheControlMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A NUL character in a URL segment is a 404 before any view looks it up in the database.
    "talentportal.middleware.NulInUrlMiddleware",
    # request.user.is_verified(): has this session passed a second factor (talentportal.otp).
    "django_otp.middleware.OTPMiddleware",
    # Who changed what: the user and URL of each write request, for the audit trail's triggers.
    "pghistory.middleware.HistoryMiddleware",
    # The security event log: admin bulk actions, and the request for receivers without one.
    "talentportal.security_log.SecurityLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: an expired staff session leaves a message for the login page.
    "talentportal.sessions.StaffIdleTimeoutMiddleware",
    "talentportal.otp.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Anonymous visitors' public pages from the shared cache (talentportal/page_cache.py):
    # after every middleware that adds a header or reads a request, so a cached page gets them.
    "talentportal.page_cache.PageCacheMiddleware",
    # Last, as django-axes requires: turns a locked-out login attempt into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "talentportal.urls"
WSGI_APPLICATION = "talentportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "string_if_invalid": "",
        },
    },
]
# Django's form renderer, with selects, checkboxes and radio buttons drawn in Python.
FORM_RENDERER = "talentportal.form_renderer.FastRenderer"

# Database: DATABASE_URL, else the local default that `scripts/database.py ensure` prepares.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/talentportal"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # A persistent connection that broke (database restarted) is dropped and reopened at
        # the start of the next request instead of failing it.
        conn_health_checks=True,
    )
}
# An unreachable database host fails a request after this long instead of hanging it until
# gunicorn's timeout; the page then answers 503 (talentportal.middleware).
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
    "DATABASE_CONNECT_TIMEOUT", 5
)
# No JIT compilation: a page's queries are short, and PostgreSQL compiled any whose estimate
# passed jit_above_cost (the audit trail's union of every event table: 1.6 s compiling a
# query that runs in milliseconds).
DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        "TalentPortal runs on PostgreSQL only: DATABASE_URL must be postgres://"
    )
DATABASES["default"].setdefault("TEST", {})["NAME"] = "test_" + DATABASES["default"]["NAME"]
# A read replica: reads go there, writes and everything in a transaction to the primary
# (talentportal/db_router.py). Tests use the primary for both (TEST MIRROR).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"]["OPTIONS"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["talentportal.db_router.PrimaryReplicaRouter"]
    # Read your writes: a visitor's POST and their next few seconds of pages read the primary.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("talentportal.middleware.DatabaseUnavailableMiddleware") + 1,
        "talentportal.db_router.ReadYourWritesMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and sessions: Redis when REDIS_URL is set, the database and local memory otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "talentportal",
            # An unreachable Redis fails fast (/ready/ says so) instead of holding a worker for
            # the operating system's TCP timeout of minutes.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    # In the database with Redis in front: sessions outlive a Redis restart.
    SESSION_ENGINE = "talentportal.session_store"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# The page cache for anonymous visitors (talentportal/page_cache.py, docs/operations.md): its own
# alias, so that pages never push rate-limit counters out. Redis when REDIS_URL is set (shared by
# every server); otherwise files that every gunicorn worker of this server shares. Files rather
# than the database: a hit then costs no SQL query at all (a database cache would add one to
# every page, and a connection's round trip is what the cached pages are meant to save), and the
# content version lives beside the pages. With several servers, set REDIS_URL: files are one
# server's, so a change made through another server would be seen here only after
# PAGE_CACHE_SECONDS.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", default=True)
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)  # in the shared cache
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)  # browsers, CDN, reverse proxy
# Identifies the code of a release on every server (else a digest of the source files).
PAGE_CACHE_RELEASE = env_str("PAGE_CACHE_RELEASE")
if REDIS_URL:
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "talentportal-pages"}
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("PAGE_CACHE_DIR")
        or str(
            Path(tempfile.gettempdir())
            / f"talentportal-pages-{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]}"
        ),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }

# The rate limits' counters (talentportal/ratelimit.py): shared by every worker and server
# whatever the configuration. Redis when REDIS_URL is set; otherwise one table of the database
# changed by single atomic statements (talentportal/counter_cache.py).
if REDIS_URL:
    CACHES["ratelimit"] = {**CACHES["default"], "KEY_PREFIX": "talentportal-ratelimit"}
else:
    CACHES["ratelimit"] = {"BACKEND": "talentportal.counter_cache.DatabaseCounterCache"}
RATELIMIT_USE_CACHE = "ratelimit"

AUTH_USER_MODEL = "talentportal.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "home"

# Accounts and access. Axes first: it refuses a locked-out username+IP before any password is
# checked; ModelBackend logs in by username or e-mail (PortalUserManager.get_by_natural_key).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# One counter per account whichever name it was typed as (username or e-mail, any case):
# talentportal.otp.axes_username resolves both to the account's username.
AXES_USERNAME_CALLABLE = "talentportal.otp.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
# The 15 minutes run from the fifth failure; attempts during the lockout do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]

# Two-factor authentication (django-otp): TOTP apps and single-use backup codes.
OTP_TOTP_ISSUER = "TalentPortal"
BACKUP_CODE_COUNT = 10
# Step-up (talentportal.otp.step_up_response): revealing a candidate's contact details or résumé
# needs a second factor passed in this session within the last STEP_UP_MINUTES.
STEP_UP_MINUTES = env_int("STEP_UP_MINUTES", 15)

# Argon2 for new and changed passwords; older hashes are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Length and the common-password list for everyone; privileged accounts (staff, experts) also
# need three kinds of character (talentportal.passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "talentportal.passwords.PrivilegedCharacterClassValidator"},
]

# Sessions: the normal two weeks, but a staff session ends after 30 idle minutes.
SESSION_COOKIE_AGE = 14 * 24 * 3600
STAFF_SESSION_IDLE_SECONDS = 30 * 60

# Languages: Simplified Chinese by default (no URL prefix), English under /en/.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "media/"
# Uploads; with several servers, one shared directory (NFS) on each (docs/operations.md).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")

# E-mail goes to the SMTP server when one is configured; else, when EMAIL_FILE_PATH names a
# folder, into files there (`make run`: mail/, a file per message); else to the console.
EMAIL_SMTP_HOST = env_str("EMAIL_SMTP_HOST")
email_file_path = env_str("EMAIL_FILE_PATH")
if EMAIL_SMTP_HOST:
    default_mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": EMAIL_SMTP_HOST,
            "port": env_int("EMAIL_SMTP_PORT", 465),
            "username": env_str("EMAIL_SMTP_USER"),
            "password": env_str("EMAIL_SMTP_PASSWORD"),
            "use_ssl": True,
            "timeout": 10,
        },
    }
elif email_file_path:
    default_mailer = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": email_file_path},
    }
else:
    default_mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": default_mailer}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "TalentPortal <noreply@talentportal.example>")

# Security. HTTPS-only cookies and HSTS unless DEBUG; SECURE_SSL_REDIRECT stays
# configurable because TLS usually ends at the load balancer.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Rate limits (talentportal/ratelimit.py): requests per account, or per client address when
# logged out, in django-ratelimit's "count/period" form; over the limit, 429 with Retry-After.
# Counted in the "ratelimit" cache (Redis with REDIS_URL, else the database: never one worker's
# memory). RATELIMIT_ENABLE=0 turns them off (benchmarks).
RATELIMITS = {
    "search": "60/m",  # policy and candidate search pages
    "export": "30/h",  # CSV / spreadsheet downloads
    "signup": "10/h",  # account creation, per address
    "submit": "30/h",  # application, registration and feedback submissions (POST)
}
# RATELIMIT_<GROUP>=count/period changes one group's limit, e.g. RATELIMIT_SEARCH=120/m.
for _group in RATELIMITS:
    RATELIMITS[_group] = env_str(f"RATELIMIT_{_group.upper()}") or RATELIMITS[_group]
    if not re.fullmatch(r"\d+/\d*[smhd]", RATELIMITS[_group]):
        raise ImproperlyConfigured(f"RATELIMIT_{_group.upper()} must look like 60/m")
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_FAIL_OPEN = True  # a cache that cannot count lets requests through
# Reverse proxies in front of gunicorn that append to X-Forwarded-For (docs/deployment.md).
# 0, the default: the header is ignored, since a client can write anything in it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
# The login throttle keys on the same client address as the rate limits.
AXES_CLIENT_IP_CALLABLE = "talentportal.ratelimit.client_ip"

# Logs on stderr, one JSON object per line in production (LOG_FORMAT=json), readable text when
# DEBUG; every record carries the request id, personal data in messages is masked
# (talentportal/logging.py). One access line per request from talentportal.access.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = logging_config(log_format=LOG_FORMAT, level=env_str("LOG_LEVEL", "INFO"))

# Retention schedule (talentportal/retention.py, docs/retention.md): days after which each
# kind of data goes. Run daily: `manage.py enqueue_daily` from cron, `db_worker` executes.
RETENTION = {
    "CLOSED_ACCOUNT_DAYS": env_int("RETENTION_CLOSED_ACCOUNT_DAYS", 30),
    "DRAFT_DAYS": env_int("RETENTION_DRAFT_DAYS", 180),
    "ORPHAN_UPLOAD_DAYS": 1,
    "SECURITY_LOG_DAYS": 365,  # at least 183: security events are kept six months or more
}

# Background tasks (Django's Tasks framework): stored in the database, run by
# `manage.py db_worker` (django-tasks-db).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

SITE_NAME = _("Provincial Talent Service Portal")
# Absolute links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
