"""The library watcher and its sources: a policy folder on a network share is read from its last good copy,
polled (no local event reports a change made on the server), and kept when the share goes away; a signature
added to a watched folder is seen at once; the panel says in a quiet line which source is offline."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.library.signing import generate_key, load_private_key, parse_key, sign
from app.paths import Paths
from app.policy.admin import Sources
from app.runtime.library_watcher import LibraryWatcher
from app.runtime.tray_app import TrayApp
from tests.gui.test_panel import ARTIFACTS

WIZARD = "wayguide: 1\nid: demo.{name}\ntitle: {title}\nsteps:\n  - id: one\n    title: One\n"


def _write(folder: Path, name: str, title: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(WIZARD.format(name=name, title=title))


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    env = {"WAYGUIDE_CONFIG_DIR": str(tmp_path / "config"), "WAYGUIDE_DATA_DIR": str(tmp_path / "data"),
           "WAYGUIDE_CACHE_DIR": str(tmp_path / "cache")}
    return dataclasses.replace(Paths.from_env(env), bundled_wizards=tmp_path / "bundled",
                               system_wizards=tmp_path / "system")


@pytest.fixture
def watcher(qtbot: QtBot, paths: Paths) -> Iterator[LibraryWatcher]:
    """A watcher for which folders named "share" lie on a network file system."""
    made = LibraryWatcher(paths, network=lambda folder: folder.name == "share")
    yield made
    made.close()
    made.deleteLater()


def _title(watcher: LibraryWatcher, wizard_id: str) -> str | None:
    entry = watcher.library.get(wizard_id) if watcher.library is not None else None
    return entry.card.title if entry is not None else None


def _trust(watcher: LibraryWatcher, wizard_id: str) -> str | None:
    entry = watcher.library.get(wizard_id) if watcher.library is not None else None
    return entry.trust if entry is not None else None


def _watched(watcher: LibraryWatcher) -> set[str]:
    return set(watcher._watcher.files()) | set(watcher._watcher.directories())


def test_a_share_is_read_from_its_copy_polled_and_kept_offline(qtbot: QtBot, tmp_path: Path,
                                                               paths: Paths, watcher: LibraryWatcher) -> None:
    share, local = tmp_path / "share", tmp_path / "local"
    _write(share, "hello", "Hello")
    _write(local, "local", "Local")
    with qtbot.waitSignal(watcher.changed, timeout=10_000):  # the first copy is made off the GUI thread
        watcher.load(Sources(folders=(share, local)))
        watcher.watch()
        assert _title(watcher, "demo.hello") == "Hello"  # meanwhile the share itself is read

    entry = watcher.library.get("demo.hello") if watcher.library else None
    assert entry is not None and entry.layer == "policy"
    assert paths.source_copies in entry.path.parents  # read from the copy
    assert not any(path == str(share) or path.startswith(f"{share}/") for path in _watched(watcher))
    assert str(local) in _watched(watcher)  # a local folder: watched in place, as before
    [status] = watcher.source_states()
    assert status.source == str(share) and not status.offline

    _write(share, "hello", "Hello from the server")  # no event of the watcher can see this: a poll does
    with qtbot.waitSignal(watcher.changed, timeout=10_000):
        watcher.poll_shares()
    assert _title(watcher, "demo.hello") == "Hello from the server"

    share.rename(tmp_path / "unplugged")
    with qtbot.waitSignal(watcher.sourcesChanged, timeout=10_000):
        watcher.poll_shares()
    assert _title(watcher, "demo.hello") == "Hello from the server"
    assert _title(watcher, "demo.local") == "Local"
    [status] = watcher.source_states()
    assert status.offline and "the folder cannot be reached" in (status.error or "")
    [line] = watcher.source_statuses()
    assert line.startswith(f"{share}: offline since ") and "; working from the copy of " in line

    (tmp_path / "unplugged").rename(share)
    with qtbot.waitSignal(watcher.sourcesChanged, timeout=10_000):
        watcher.poll_shares()
    assert not watcher.source_states()[0].offline


def test_shares_are_polled_on_a_timer(qtbot: QtBot, tmp_path: Path, paths: Paths) -> None:
    watcher = LibraryWatcher(paths, network=lambda folder: folder.name == "share", share_interval_ms=50)
    share = tmp_path / "share"
    _write(share, "hello", "Hello")
    try:
        with qtbot.waitSignal(watcher.changed, timeout=10_000):
            watcher.load(Sources(folders=(share,)))
        _write(share, "hello", "Changed on the server")
        qtbot.waitUntil(lambda: _title(watcher, "demo.hello") == "Changed on the server", timeout=10_000)
    finally:
        watcher.close()


def test_a_signed_share_whose_new_state_is_not_signed_keeps_the_copy(
        qtbot: QtBot, tmp_path: Path, paths: Paths, watcher: LibraryWatcher) -> None:
    """With publishers in the policy, a share that carries a signature is taken only as signed (a half-copied
    update, or a file changed behind the publisher's back, leaves the last good copy); an unsigned share is
    the company's folder, taken as it comes."""
    public = parse_key(generate_key(tmp_path / "publisher.key"))
    share, plain = tmp_path / "signed" / "share", tmp_path / "plain" / "share"
    _write(share, "hello", "Hello")
    _write(plain, "plain", "Plain")
    sign(share, load_private_key(tmp_path / "publisher.key"))
    watcher.load(Sources(folders=(share, plain)), (public,))
    qtbot.waitUntil(lambda: not watcher.refreshing() and all(s.folder for s in watcher.source_states()),
                    timeout=10_000)
    assert all(s.error is None for s in watcher.source_states())
    assert _trust(watcher, "demo.hello") == "signed" and _title(watcher, "demo.plain") == "Plain"
    assert all(paths.source_copies in e.path.parents for e in watcher.library or ())

    _write(share, "hello", "Changed behind the publisher's back")
    with qtbot.waitSignal(watcher.sourcesChanged, timeout=10_000):
        watcher.poll_shares()
    assert _title(watcher, "demo.hello") == "Hello"
    [signed] = [s for s in watcher.source_states() if s.source == str(share)]
    assert signed.offline and "changed, added or removed since signing (hello.yaml)" in (signed.error or "")


def test_a_signature_added_to_a_watched_folder_makes_its_wizards_signed(
        qtbot: QtBot, tmp_path: Path, watcher: LibraryWatcher) -> None:
    public = parse_key(generate_key(tmp_path / "publisher.key"))
    folder = tmp_path / "company"
    _write(folder, "hello", "Hello")
    watcher.load(Sources(folders=(folder,)), (public,))
    watcher.watch()
    assert _trust(watcher, "demo.hello") == "admin"

    with qtbot.waitSignal(watcher.changed, timeout=10_000):
        sign(folder, load_private_key(tmp_path / "publisher.key"))  # what `wayguide sign` does

    qtbot.waitUntil(lambda: _trust(watcher, "demo.hello") == "signed", timeout=10_000)


def test_the_panel_says_in_a_quiet_line_which_source_is_offline(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    share = home / "share"
    _write(share, "hello", "Hello")
    monkeypatch.setattr("app.library.share.is_network", lambda folder, mountinfo=None: folder.name == "share")
    (home / "policy.yaml").write_text(f"library:\n  folders: ['{share}']\n  examples: false\n")
    app = make_app()
    watcher = app.library_watcher
    qtbot.waitUntil(lambda: not watcher.refreshing() and all(s.folder for s in watcher.source_states()),
                    timeout=10_000)
    app.summon()
    panel = app.panel
    assert panel is not None
    qtbot.waitUntil(lambda: "demo.hello" in panel.home.shown_ids(), timeout=5000)
    assert panel.home.offline_lines() == []

    share.rename(home / "unplugged")
    watcher.poll_shares()
    qtbot.waitUntil(lambda: bool(panel.home.offline_lines()), timeout=10_000)
    [status] = watcher.source_states()
    [line] = panel.home.offline_lines()
    assert line == panel.home.offline_line(status)
    assert line.startswith(f"{share}: offline since ") and ", using the copy from " in line
    assert panel.home.shown_ids() == ["demo.hello"]  # the wizards stay, from the copy
    assert panel.home.list.item(panel.home.list.count() - 1).text() == line  # under the tasks
    ARTIFACTS.mkdir(exist_ok=True)
    panel.grab().save(str(ARTIFACTS / "panel-source-offline.png"))  # for people to look at

    (home / "unplugged").rename(share)
    watcher.poll_shares()
    qtbot.waitUntil(lambda: panel.home.offline_lines() == [], timeout=10_000)


def test_a_local_policy_folder_changed_behind_the_file_system_s_back_is_seen_by_the_poll(
        qtbot: QtBot, tmp_path: Path, watcher: LibraryWatcher) -> None:
    """A file system where inotify reports nothing (nothing is watched here): the poll sees the change."""
    local = tmp_path / "local"
    _write(local, "local", "Local")
    watcher.load(Sources(folders=(local,)))  # not watched: no event will tell
    assert _title(watcher, "demo.local") == "Local"
    watcher.poll_folders()
    assert _title(watcher, "demo.local") == "Local"  # nothing changed: nothing read again
    _write(local, "local", "Local, changed on the server")
    with qtbot.waitSignal(watcher.changed, timeout=5000):
        watcher.poll_folders()
    assert _title(watcher, "demo.local") == "Local, changed on the server"
