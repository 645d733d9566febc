# The README's commands. Every target sets up what it needs on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system
PYTHON ?= python3
UV := $(PYTHON) -m uv
PY := .venv/bin/python
# Resolves DATABASE_URL (or prepares the local default) and prints it.
WITH_DB = DATABASE_URL="$$($(PY) scripts/database.py ensure)"
SCALE ?= small
# pytest-xdist workers, each with its own test database (test_<name>_gw0, ...).
TEST_WORKERS ?= 2
# make run: SEED=0 starts without the demo seed; the mail the portal sends goes to MAIL_DIR.
SEED ?= 1
MAIL_DIR ?= mail
STATIC_SOURCES := $(shell find static -type f 2>/dev/null)

.PHONY: help venv run test stress-test lint audit bench load fault cluster cluster-stop cluster-test \
	messages clean

help:
	@echo "make run    serve the portal with demo data at http://127.0.0.1:8000/ (SEED=0: without seeding)"
	@echo "make test   the whole test suite, lint included"
	@echo "make bench  load the large data set and measure the pages (docs/benchmarks.md)"
	@echo "make audit  known vulnerabilities in the locked dependencies (pip-audit; make test runs it)"
	@echo "make stress-test  repeat the race, browser and ops tests on a loaded machine"
	@echo "make load   two minutes of mixed traffic (browse, search, apply) with locust (docs/benchmarks.md)"
	@echo "make fault  stop a private PostgreSQL under load for 10 s: 503 page, recovery, no lost application"
	@echo "make cluster  two app servers, a PostgreSQL replica and Redis behind HAProxy, on loopback"
	@echo "make cluster-stop  stop what make cluster started"
	@echo "make cluster-test  the cluster under mixed traffic while a server, the replica and Redis fail"

venv: .venv/.synced

.venv/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --frozen
	@touch $@

# Works on a new and on a used database alike: migrations, then the demo seed (it tops up
# only what is missing of the demo and never touches what people made), then gunicorn, which
# ends the start-up output with the address (RUN_BANNER) and then logs one line per request.
run: venv staticfiles/staticfiles.json
	@$(WITH_DB); export DATABASE_URL \
	  REDIS_URL="$${REDIS_URL-$$($(PY) scripts/local_redis.py)}" \
	  SECRET_KEY="$${SECRET_KEY:-local-demo-$$(hostname)-not-for-production}" \
	  SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 DEBUG=0 LOG_FORMAT=text LOG_LEVEL=WARNING \
	  EMAIL_FILE_PATH="$(abspath $(MAIL_DIR))" RUN_BANNER=1; \
	if [ -n "$$REDIS_URL" ]; then echo "make run: rate limits, cache and sessions in Redis"; fi; \
	echo "make run: migrating the database"; \
	$(PY) manage.py migrate --noinput -v 0; \
	if [ "$(SEED)" = 0 ]; then \
	  echo "make run: SEED=0, the demo data is not seeded"; \
	elif ! $(PY) manage.py seed_demo --scale $(SCALE); then \
	  echo "make run: the demo seed failed (above). \`SEED=0 make run\` starts the portal without it." >&2; \
	  exit 1; \
	fi; \
	exec .venv/bin/gunicorn talentportal.wsgi --config scripts/gunicorn.conf.py

# Static files are collected (and compressed) again only when one of them or a dependency changed.
staticfiles/staticfiles.json: .venv/.synced $(STATIC_SOURCES)
	@echo "make run: collecting static files"
	@DEBUG=0 LOG_LEVEL=WARNING $(PY) manage.py collectstatic --noinput -v 0
	@touch $@

test: venv
	@scripts/ensure-chromium
	@scripts/ensure-cluster-packages
	$(MAKE) --no-print-directory lint
	@$(WITH_DB); export DATABASE_URL; \
	$(PY) manage.py makemigrations --check --dry-run; \
	.venv/bin/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=20 $(PYTEST_ARGS)
	AUDIT_STRICT=0 $(MAKE) --no-print-directory audit

# The race, browser and ops tests repeated on a machine loaded by CPU burners (about an hour).
# STRESS_ARGS, e.g. "--load 8 --race-count 20 --e2e-count 5" (scripts/stress-test -h).
stress-test: venv
	@scripts/ensure-chromium
	@scripts/ensure-cluster-packages
	@$(WITH_DB); export DATABASE_URL; $(PY) scripts/stress-test $(STRESS_ARGS)

lint: venv
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

# Known vulnerabilities in every locked package (dev tools too), from PyPI's advisory data.
# A package that could not be looked up is listed as NOT AUDITED and fails the audit, never
# reads as clean; `make test` runs it with AUDIT_STRICT=0, where that is a loud warning (a
# machine whose registry mirror lacks PyPI's per-version JSON), while a vulnerability still fails.
audit: venv
	@requirements="$$(mktemp)"; trap 'rm -f "$$requirements"' EXIT; \
	$(UV) export --frozen --no-emit-project --format requirements-txt --quiet -o "$$requirements"; \
	$(PY) scripts/audit-dependencies "$$requirements"

# BENCH_ARGS, e.g. "--queries-only", "--no-page-cache" or "--only / /en/ --duration 5"
# (python -m tests.perf.bench -h)
bench: venv
	@$(WITH_DB); export DATABASE_URL; $(PY) -m tests.perf.bench $(BENCH_ARGS)

# Not part of `make test` (two minutes). LOAD_ARGS, e.g. "--users 32 --duration 60"
# (python -m tests.perf.load -h). Seeds <database>_load beside the resolved database.
load: venv
	@$(WITH_DB); export DATABASE_URL; $(PY) -m tests.perf.load $(LOAD_ARGS)

# A private cluster in a temporary directory on its own port (never the shared server).
# FAULT_ARGS, e.g. "--clients 8 --outage 20" (python -m tests.perf.fault -h). `make test` runs
# a shorter version (tests/ops/test_fault.py).
fault: venv
	$(PY) -m tests.perf.fault $(FAULT_ARGS)

# On loopback only, in temporary directories (scripts/cluster.py): a PostgreSQL primary and its
# streaming replica, Redis, two gunicorn servers configured as production, HAProxy in front.
# Prints the URL; Ctrl-C or `make cluster-stop` stops all of it. CLUSTER_ARGS, e.g.
# "--workers 3 --replica-delay 2" (scripts/cluster.py -h).
cluster: venv
	@scripts/ensure-cluster-packages
	$(PY) scripts/cluster.py start $(CLUSTER_ARGS)

cluster-stop: venv
	$(PY) scripts/cluster.py stop

# Not part of `make test` (about four minutes): mixed traffic over the cluster while an app
# server is killed, the replica and Redis stop (docs/operations.md#scale-out-measured).
# CLUSTER_TEST_ARGS, e.g. "--clients 8 --phase 30" (python -m tests.perf.cluster -h).
cluster-test: venv
	@scripts/ensure-cluster-packages
	$(PY) -m tests.perf.cluster $(CLUSTER_TEST_ARGS)

messages: venv
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf .venv staticfiles .pytest_cache
