"""`manage.py seed_demo [--scale small|large]`: reference catalogues and demo data.

Loads the catalogues, then runs `<app>.demo.seed(scale=..., rng=..., stdout=...)` for each of the
project's apps that has a `demo` package, in INSTALLED_APPS order, each in its own transaction and
with its own random stream (seeded from the app's label), so that the data is the same on every
run and one app's seeding does not shift another's. Every app's seed is idempotent: running the
command again adds only what is missing of the demo, on a database people have used too (the
seed touches only the demo's own rows: `talentportal/demo/__init__.py`). The seed sends no e-mail.

`make run` runs it before serving. When a section fails, its transaction is rolled back, the
traceback is printed, and the error says how to start the portal without the seed. At the end
(also after a failure) every page in the shared page cache is out of date.
"""

import importlib
import importlib.util
import random
import time
import traceback
from contextlib import nullcontext
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from talentportal import page_cache
from talentportal.catalogues import load_catalogues
from talentportal.demo import (
    ADMIN_URL,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_TOTP_USERNAME,
    DemoSeedError,
    demo_totp_secret,
    quietly,
    without_insert_events,
)

SEED = 20260101


def seed_modules():
    """(label, module) for every project app that has a `demo` package, in INSTALLED_APPS order."""
    base_dir = Path(settings.BASE_DIR).resolve()
    for app_config in apps.get_app_configs():
        if not Path(app_config.path).resolve().is_relative_to(base_dir):
            continue
        name = f"{app_config.name}.demo"
        if importlib.util.find_spec(name) is not None:
            yield app_config.label, importlib.import_module(name)


class Command(BaseCommand):
    help = "Load the reference catalogues and build demo data (idempotent and deterministic)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["small", "large"],
            default="small",
            help="small: a few hundred records per section (default); large: production-like "
            "volumes for benchmarks.",
        )

    def handle(self, *args, scale, **options):
        try:
            self.seed_all(scale)
        finally:
            # The seed writes in bulk (no save signals): no page cached before it may survive
            # it, also when a section failed after others were written.
            page_cache.content_changed()

    def seed_all(self, scale):
        started = time.perf_counter()
        counts = load_catalogues()
        self.stdout.write(
            "catalogues: "
            + ", ".join(f"{count} {name}" for name, count in counts.items())
            + f" ({time.perf_counter() - started:.1f}s)"
        )
        for label, module in seed_modules():
            step = time.perf_counter()
            self.stdout.write(f"{label}: seeding ({scale})")
            try:
                # One transaction per section; at large scale, without an audit event per
                # generated row (talentportal.demo.without_insert_events).
                audit = without_insert_events() if scale == "large" else nullcontext()
                with quietly(), audit:
                    module.seed(
                        scale=scale, rng=random.Random(f"{SEED}:{label}"), stdout=self.stdout
                    )
            except Exception as error:
                if not isinstance(error, DemoSeedError):
                    self.stderr.write(traceback.format_exc())
                raise CommandError(failure_message(label, error)) from error
            self.stdout.write(f"{label}: done in {time.perf_counter() - step:.1f}s")

        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {time.perf_counter() - started:.1f}s.")
        )
        usernames = ", ".join(account["username"] for account in DEMO_ACCOUNTS)
        self.stdout.write(
            f"Demo accounts: {usernames}, demo-investor (investor); password: {DEMO_PASSWORD}"
        )
        self.stdout.write(f"Admin: {ADMIN_URL} (log in as demo-staff)")
        self.stdout.write(
            f"Second factor of {DEMO_TOTP_USERNAME}: the current code is printed by "
            f"`.venv/bin/python manage.py demo_totp`, or add the demo key "
            f"{demo_totp_secret()} to an authenticator app (demo only)"
        )


def failure_message(label: str, error: Exception) -> str:
    return (
        f"The demo seed of {label!r} failed: {error}\n"
        f"Nothing of {label!r} was written (its transaction was rolled back); the sections "
        f"before it are in place, and nothing anyone made on the site was changed.\n"
        f"The portal works without the demo data: start it with `SEED=0 make run`. "
        f"Please report the error (with the traceback above, if any)."
    )
