"""The refresher in the running app: copies come from worker threads, `changed` reaches the GUI thread."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from app.runtime.remote_refresh import SourceRefresher
from tests.gui.conftest import started
from tests.unit.https_support import Authority, HttpsServer, make_authority

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")

WIZARD = "wayguide: 1\nid: demo.hello\ntitle: {title}\nsteps:\n  - id: one\n    title: One\n"


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Authority:
    return make_authority(tmp_path_factory.mktemp("ca"))


@pytest.fixture
def server(tmp_path: Path, authority: Authority) -> Iterator[HttpsServer]:
    root = tmp_path / "served"
    root.mkdir()
    (root / "hello.yaml").write_text(WIZARD.format(title="Hello"))
    served = HttpsServer(root, authority)
    served.publish()
    with served.start():
        yield served


@pytest.fixture
def refresher(qtbot: QtBot, tmp_path: Path, authority: Authority) -> Iterator[SourceRefresher]:
    made = SourceRefresher(tmp_path / "cache", context=authority.client(), watch_network=False,
                           network=lambda folder: folder.name == "share")
    yield made
    made.stop()
    made.deleteLater()


def test_a_url_is_fetched_off_the_gui_thread_and_changed_fires(qtbot: QtBot, server: HttpsServer,
                                                               refresher: SourceRefresher) -> None:
    threads: list[str] = []
    refresher.changed.connect(lambda: threads.append(threading.current_thread().name))
    with qtbot.waitSignal(refresher.changed, timeout=10_000):
        assert refresher.sources([server.url]) == []  # nothing to read until the first copy is made

    assert threads == [threading.main_thread().name]
    [copy] = refresher.sources([server.url])
    assert b"Hello" in (copy / "hello.yaml").read_bytes()

    server.behaviour.requests.clear()  # unchanged: the refresh ends without `changed`
    refresher.refresh_urls()
    qtbot.waitUntil(lambda: not refresher.busy(), timeout=10_000)
    assert server.behaviour.requests == [("/index.json", 304)] and threads == [threading.main_thread().name]

    server.stop()
    refresher.refresh_urls()
    qtbot.waitUntil(lambda: not refresher.busy(), timeout=10_000)
    [status] = refresher.statuses()
    assert "offline since" in status.describe() and refresher.sources([server.url]) == [copy]


def test_a_network_share_is_read_from_its_copy_and_polled(qtbot: QtBot, tmp_path: Path,
                                                          refresher: SourceRefresher) -> None:
    share, local = tmp_path / "share", tmp_path / "local"
    share.mkdir()
    local.mkdir()
    (share / "hello.yaml").write_text(WIZARD.format(title="Hello"))
    with qtbot.waitSignal(refresher.changed, timeout=10_000):
        assert refresher.shares([local, share]) == [local, share]  # no copy yet: the live folder

    read = refresher.shares([local, share])
    assert read[0] == local and read[1] != share and (read[1] / "hello.yaml").is_file()

    (share / "bye.yaml").write_text(WIZARD.format(title="Bye"))  # on the server: no inotify event here
    with qtbot.waitSignal(refresher.changed, timeout=10_000):
        refresher.poll_shares()
    assert (refresher.shares([local, share])[1] / "bye.yaml").is_file()


class _Eager(threading.Thread):
    """A worker that has finished by the time `start` returns: the fastest a first copy can be."""

    def start(self) -> None:
        self.run()

    def join(self, timeout: float | None = None) -> None:
        pass  # it ran in `start`


def test_a_first_copy_made_at_once_does_not_change_the_answer_already_being_given(
        qtbot: QtBot, tmp_path: Path, refresher: SourceRefresher, monkeypatch: pytest.MonkeyPatch) -> None:
    """CI once saw the copy in the answer that was to name the live folder: the worker won the race."""
    import app.runtime.remote_refresh as remote_refresh

    share = tmp_path / "share"
    share.mkdir()
    (share / "hello.yaml").write_text(WIZARD.format(title="Hello"))
    monkeypatch.setattr(remote_refresh.threading, "Thread", _Eager)
    with qtbot.waitSignal(refresher.changed, timeout=10_000):
        assert refresher.shares([share]) == [share]
    [copy] = refresher.shares([share])
    assert copy != share and (copy / "hello.yaml").is_file()


def test_the_app_lists_the_wizards_of_a_policy_s_https_source_and_a_tampered_copy_is_not_taken(
        qtbot: QtBot, qapp: Any, home: Path, server: HttpsServer, authority: Authority,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`library.urls` in the policy: the source's copy is read as the policy's own folder (it may
    automate under `automation: admin`); signed by a trusted key, and a new copy not signed is refused."""
    from app.library.signing import generate_key, load_private_key, sign

    public = generate_key(home / "publisher.key")
    sign(server.root, load_private_key(home / "publisher.key"))
    server.publish()
    monkeypatch.setenv("SSL_CERT_FILE", str(authority.ca))  # the app's default context trusts the test CA
    (home / "policy.yaml").write_text(
        f"library:\n  urls: ['{server.url}']\n  examples: false\n"
        f"trust:\n  keys: ['{public}']\n  automation: signed\n")
    for app in started(qapp):
        _read_and_kept(qtbot, app, server)


def _read_and_kept(qtbot: QtBot, app: Any, server: HttpsServer) -> None:
    qtbot.waitUntil(lambda: app.library is not None and app.library.get("demo.hello") is not None,
                    timeout=10_000)
    entry = app.library.get("demo.hello")
    assert entry is not None and entry.trust == "signed"
    (server.root / "hello.yaml").write_text(WIZARD.format(title="Changed on the server"))
    server.publish()  # the index follows the change; the signature does not
    app.library_watcher.refresh_sources()
    qtbot.waitUntil(lambda: not app.library_watcher.refreshing(), timeout=10_000)
    kept = app.library.get("demo.hello")
    assert kept is not None and kept.card.title == "Hello" and kept.trust == "signed"
    [status] = app.library_watcher.source_statuses()
    assert server.url.rstrip("/") in status
