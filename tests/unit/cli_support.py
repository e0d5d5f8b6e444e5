"""What the command-line tests share: a machine whose own folders never leak in, and a call of `main`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from app.cli.main import main


def isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No system or user folders of the machine leak into the tests."""
    monkeypatch.setenv("WAYGUIDE_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("WAYGUIDE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WAYGUIDE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("WAYGUIDE_POLICY", str(tmp_path / "no-policy.yaml"))
    monkeypatch.delenv("WAYGUIDE_WIZARDS", raising=False)
    monkeypatch.setattr("app.paths._system_dir", lambda: tmp_path / "system")
    return tmp_path


def run(*argv: str) -> tuple[int, str, str]:
    """`wayguide ARGV...` in this process: (exit code, standard output, standard error)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()
