"""A real Learning Record Store for the xAPI tests: Ralph with its filesystem backend, served by
uvicorn on 127.0.0.1 (never any other address) on a free port, with basic auth made by
`ralph auth … -w`. `Ralph(mode="stock")` is Ralph as released (500 on every write after the
first); `mode="append"` accepts many writes (see ralph_append.py)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "wayguide", "lrs-test-password"
APPS = {"stock": "ralph.api:app", "append": "tests.lrs.ralph_append:app"}



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Ralph:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.env = {**os.environ, "RALPH_APP_DIR": str(root / "app"),
                    "RALPH_AUTH_FILE": str(root / "auth.json"),
                    "RALPH_HISTORY_FILE": str(root / "history.json"),
                    "RALPH_RUNSERVER_BACKEND": "fs",
                    "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(root / "lrs"),
                    "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": "100000",
                    "PYTHONPATH": str(ROOT)}
        (root / "lrs").mkdir(parents=True, exist_ok=True)
        (root / "app").mkdir(exist_ok=True)
        subprocess.run([sys.executable, "-m", "ralph", "auth", "-u", USER, "-p", PASSWORD,
                        "-s", "statements/write", "-s", "statements/read",
                        "-A", "wayguide-test", "https://lrs.invalid", "-w"],
                       env=self.env, check=True, capture_output=True, timeout=60)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    def start(self, mode: str = "append") -> None:
        assert self.process is None
        with (self.root / f"ralph-{mode}.log").open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", APPS[mode], "--host", "127.0.0.1", "--port",
                 str(self.port), "--log-level", "warning"], env=self.env, cwd=ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.root / f"ralph-{mode}.log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__lbheartbeat__", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("Ralph did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def statements(self) -> list[dict[str, Any]]:
        """Everything stored, read back through the LRS's own GET /xAPI/statements."""
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request = urllib.request.Request(self.endpoint + "statements?limit=100000", headers={
            "Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = json.loads(response.read())
        assert not body.get("more"), "the read-back should fit in one page"
        return list(body["statements"])


@pytest.fixture
def ralph(tmp_path: Path) -> Iterator[Ralph]:
    lrs = Ralph(tmp_path / "ralph")
    yield lrs
    lrs.stop()
