"""`wayguide list --active` on a real desktop: the wizards for the window in front."""

from __future__ import annotations

import json
import sys

import pytest

from tests.desktop.xdesktop import Desktop


def test_list_active_follows_the_window_in_front(desktop: Desktop,
                                                tmp_path_factory: pytest.TempPathFactory) -> None:
    home = tmp_path_factory.mktemp("home")
    env = {**desktop.env, "WAYGUIDE_CONFIG_DIR": str(home / "c"),
           "WAYGUIDE_DATA_DIR": str(home / "d")}
    term = desktop.spawn(["xterm", "-title", "context-term"])
    window = desktop.wait_window(name="context-term")
    desktop.activate(window)
    done = desktop.run([sys.executable, "-m", "app", "list", "--active", "--json"], env=env)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert rows, "xterm wizards expected"
    assert all(r["id"].startswith("xterm.") for r in rows)
    assert all(r["reason"].startswith("matches app 'xterm'") for r in rows)
    term.terminate()
    term.wait(5)
