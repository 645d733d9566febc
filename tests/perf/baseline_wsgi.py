"""WSGI entry of the bench's bare baseline app (tests/perf/baseline_app.py):
`gunicorn tests.perf.baseline_wsgi --config scripts/gunicorn.conf.py`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.perf.baseline_app"
application = get_wsgi_application()
