"""Wayguide's own files are written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_write_atomic_replaces_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from app.format.files import write_atomic

    target = tmp_path / "deep" / "settings.json"
    write_atomic(target, "first")
    write_atomic(target, b"second", durable=False)
    assert target.read_bytes() == b"second" and oct(target.stat().st_mode & 0o777) == "0o600"

    def full_disk(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        write_atomic(target, "third")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["settings.json"]  # no temporary left
