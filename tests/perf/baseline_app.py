"""The bench's yardstick (`make bench`, tests/perf/bench.py): a bare Django view behind the
session and CSRF middleware only, with no database, served by the same gunicorn settings as the
portal (scripts/gunicorn.conf.py, through tests/perf/baseline_wsgi.py). Every page is reported
as a share of what this serves in the same run. Settings, URLs and the view in one module; it
is not part of the product.
"""

import os

from django.http import HttpResponse
from django.urls import path

SECRET_KEY = os.environ.get("SECRET_KEY") or "bench-baseline-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = []
DATABASES = {}
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
# The view never opens the session; a cookie engine only spares the sessions app and a database.
SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
ROOT_URLCONF = __name__
USE_TZ = True

PAGE = b"<!DOCTYPE html><html lang='en'><title>Baseline</title><p>A bare Django view.</p></html>"


def bare(request):
    return HttpResponse(PAGE)


urlpatterns = [path("", bare)]
