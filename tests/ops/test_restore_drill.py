"""scripts/restore-drill on a small seeded test database: dump, restore into a new database,
smoke checks, equal row counts, drill database dropped."""

import importlib.machinery
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.policies.factories import PolicyFactory
from tests.talentportal.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "restore-drill"


def load_script():
    loader = importlib.machinery.SourceFileLoader("restore_drill", str(SCRIPT))
    spec = importlib.util.spec_from_loader("restore_drill", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_drill_restores_a_working_copy_with_every_row():
    # Committed rows (a transactional test): what pg_dump sees.
    PolicyFactory.create_batch(3)
    UserFactory.create_batch(2, kind="talent")
    url = database_url()
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--database-url", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["checks"] == {"migrate --check": "ok", "pages": "ok", "row counts": "ok"}
    assert report["tables"] > 50 and report["rows"] > 0
    assert report["dropped"]
    assert "restore drill PASSED" in result.stderr
    with psycopg.connect(url) as check:
        left = check.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", [report["drill_database"]]
        ).fetchone()[0]
    assert left == 0


def test_different_row_counts_are_reported_table_by_table():
    drill = load_script()
    assert drill.compare_counts({"a": 1, "b": 2}, {"a": 1, "b": 2}) == []
    assert drill.compare_counts({"a": 1, "b": 2, "c": 0}, {"a": 1, "b": 3, "d": 0}) == [
        "b: 2 rows in the source, 3 restored",
        "c: missing from the restored database",
        "d: only in the restored database",
    ]
