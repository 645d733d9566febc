"""scripts/audit-dependencies: a vulnerability fails; a package that could not be looked up is
never read as clean (fails when strict, a warning otherwise)."""

import importlib.machinery
import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit-dependencies"


@pytest.fixture
def audit(monkeypatch):
    loader = importlib.machinery.SourceFileLoader("audit_dependencies", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)

    def run(dependencies, *, strict=True):
        report = json.dumps({"dependencies": dependencies, "fixes": []})
        monkeypatch.setattr(
            module.subprocess,
            "run",
            lambda *a, **k: subprocess.CompletedProcess(a, 0, stdout=report, stderr=""),
        )
        monkeypatch.setenv("AUDIT_STRICT", "1" if strict else "0")
        monkeypatch.setattr(module.sys, "argv", ["audit-dependencies", "requirements.txt"])
        return module.main()

    return run


CLEAN = {"name": "django", "version": "6.1.3", "vulns": []}
VULNERABLE = {
    "name": "pillow",
    "version": "1.0",
    "vulns": [{"id": "PYSEC-1", "fix_versions": ["2.0"], "description": ""}],
}
UNKNOWN = {"name": "rjieba", "skip_reason": "Dependency not found on PyPI"}


def test_clean_packages_pass(audit, capsys):
    assert audit([CLEAN]) == 0
    assert "1 looked up, 0 with known vulnerabilities, 0 not audited" in capsys.readouterr().out


def test_a_vulnerability_fails_strict_or_not(audit, capsys):
    assert audit([CLEAN, VULNERABLE], strict=False) == 1
    assert "VULNERABLE pillow 1.0: PYSEC-1 (fixed in 2.0)" in capsys.readouterr().out


def test_a_package_not_looked_up_fails_when_strict(audit, capsys):
    assert audit([CLEAN, UNKNOWN]) == 1
    assert "NOT AUDITED rjieba" in capsys.readouterr().out


def test_a_package_not_looked_up_is_a_loud_warning_otherwise(audit, capsys):
    assert audit([CLEAN, UNKNOWN], strict=False) == 0
    out = capsys.readouterr().out
    assert "NOT AUDITED rjieba" in out
    assert "NOT known to be safe" in out
