"""The Qt clipboard used from the performer's worker thread: offered for one paste, then given back."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QClipboard, QGuiApplication
from pytestqt.qtbot import QtBot

from app.platform.qt_clipboard import QtClipboard, _Offer, secret_hints


def on_worker(qtbot: QtBot, work: Callable[[], Any]) -> Any:
    """Run `work` on another thread while the GUI thread keeps serving the clipboard calls it queues."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(work()))
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=5000)
    return result[0]


def test_an_offer_from_a_worker_is_fetched_then_the_persons_clipboard_comes_back(qtbot: QtBot) -> None:
    board = QGuiApplication.clipboard()
    board.setText("the person's own")
    clipboard = QtClipboard()
    offer = on_worker(qtbot, lambda: clipboard.offer("Grüße €"))
    assert not offer.fetched.is_set()  # putting it there is not a fetch
    assert board.text() == "Grüße €"  # a clipboard manager reads every new clipboard at once: no fetch …
    assert not offer.fetched.is_set()
    offer.arm(0)  # … the paste keys go out now …
    assert board.text() == "Grüße €"  # … and an application asks for the text …
    assert offer.fetched.is_set()  # … and the worker learns it was taken
    on_worker(qtbot, clipboard.restore)
    assert board.text() == "the person's own"
    if board.supportsSelection():
        assert board.text(QClipboard.Mode.Selection) != "Grüße €"


def test_copy_stays_and_a_restore_without_an_offer_changes_nothing(qtbot: QtBot) -> None:
    clipboard = QtClipboard()
    on_worker(qtbot, lambda: clipboard.set_text("INV-42"))
    on_worker(qtbot, clipboard.restore)
    assert QGuiApplication.clipboard().text() == "INV-42"


def test_a_secret_copy_carries_the_password_manager_hints_and_a_plain_one_does_not(qtbot: QtBot) -> None:
    clipboard = QtClipboard()
    hints = secret_hints()
    on_worker(qtbot, lambda: clipboard.set_text("hunter2", secret=True))
    data = QGuiApplication.clipboard().mimeData()
    assert data is not None and data.text() == "hunter2"
    assert hints and all(bytes(data.data(name).data()) == value for name, value in hints.items())
    on_worker(qtbot, lambda: clipboard.set_text("INV-42"))
    data = QGuiApplication.clipboard().mimeData()
    assert data is not None and data.text() == "INV-42" and not any(data.hasFormat(name) for name in hints)


def test_a_secret_offer_carries_the_password_manager_hints(qtbot: QtBot) -> None:
    clipboard = QtClipboard()
    on_worker(qtbot, lambda: clipboard.offer("hunter2", secret=True))
    data = QGuiApplication.clipboard().mimeData()
    assert data is not None and data.text() == "hunter2"
    hints = secret_hints()
    assert hints and all(bytes(data.data(name).data()) == value for name, value in hints.items())
    on_worker(qtbot, clipboard.restore)
    on_worker(qtbot, lambda: clipboard.offer("plain"))
    data = QGuiApplication.clipboard().mimeData()
    assert data is not None and not any(data.hasFormat(name) for name in hints)
    on_worker(qtbot, clipboard.restore)


def test_the_hints_clipboard_managers_honour_on_each_platform() -> None:
    assert secret_hints("linux") == {"x-kde-passwordManagerHint": b"secret"}
    assert secret_hints("darwin") == {"application/x-nspasteboard-concealed-type": b"secret"}
    assert secret_hints("win32")['application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"'] == \
        b"\0\0\0\0"


def test_which_reads_count_as_the_paste_targets_fetch() -> None:
    offer = _Offer(mask=0x1FFFFF)
    assert not offer.counts(0x400005)  # not armed: a clipboard manager reading the new clipboard
    offer.arm(0x0A00003)
    assert offer.counts(0x0A0001F)  # the target's client (another of its windows asks, as GTK's do)
    assert not offer.counts(0x0400005)  # another client: a clipboard manager reading after the keys
    assert offer.counts(None)  # who asks is not known: any read after the keys
    offer.arm(0)
    assert offer.counts(0x0400005)  # the keys went to whichever window was in front
    assert _Offer().counts(0x0400005) is False and _Offer(window=5).counts(0x0400005)  # no mask: not X11


def test_the_process_exits_cleanly_after_a_paste() -> None:
    """Qt deletes the clipboard's data in a C++ exit handler, after Python is gone: the person's clipboard
    put back as a QMimeData made in Python crashed every exit after a paste (segmentation fault)."""
    script = """
import os
import subprocess
import sys
import threading
from PySide6.QtGui import QGuiApplication
from app.platform.qt_clipboard import QtClipboard
app = QGuiApplication([])
QGuiApplication.clipboard().setText("the person's own")
clipboard = QtClipboard()
clipboard.offer("pasted")
clipboard.restore()
assert QGuiApplication.clipboard().text() == "the person's own"
"""
    done = subprocess.run([sys.executable, "-c", script], env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
