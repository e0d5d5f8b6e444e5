"""The desktop clipboard through Qt, usable from the performer's worker thread (calls run in the GUI one).

Clipboard managers (Klipper, CopyQ, clipman) read every new clipboard the instant it changes, so "an
application read the offered text" does not mean the paste target took it. A read counts only once the
performer armed the offer (right before the paste keys); on X11, only a read whose requestor window belongs to
the client of the window the keys went to (X11 resource ids carry their client in the bits above the server's
resource-id mask), seen by a native event filter on the SelectionRequest before Qt answers it. After that
fetch, a _NET_WM_PING round trip to that window (GTK answers only once it handled the events before it) or a
short settle (xterm does not answer pings) before the person's clipboard comes back."""

from __future__ import annotations

import atexit
import concurrent.futures
import ctypes
import select
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractNativeEventFilter,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QObject,
    QThread,
    Signal,
)
from PySide6.QtGui import QClipboard, QGuiApplication

from app.ports import ClipboardOffer

__all__ = ["CALL_TIMEOUT_S", "PING_TIMEOUT_S", "SETTLE_S", "QtClipboard", "secret_hints"]

CALL_TIMEOUT_S = 5.0
"""Longest wait for the GUI thread to carry out a clipboard call."""
PING_TIMEOUT_S = 1.0
"""After the fetch, longest wait for the paste target to answer a _NET_WM_PING before the clipboard is given
back anyway (its own fetch was already answered: a late answer is no harm)."""
SETTLE_S = 0.05
"""After the fetch, the wait where the target cannot be pinged (xterm; not X11)."""

T = TypeVar("T")
_MODES = (QClipboard.Mode.Clipboard, QClipboard.Mode.Selection)
_SELECTION_REQUEST = 30
"""The X11 event code of SelectionRequest."""
_TEXT_TYPES = ("text/plain",)


def secret_hints(platform: str = sys.platform) -> dict[str, bytes]:
    """The MIME types (and values) password managers mark secret clipboard text with, which clipboard managers
    honour by keeping it out of their history: KDE's hint on X11 and Wayland (Klipper, CopyQ from version 8,
    the filters cliphist and wl-clip-persist setups use; Debian 12's CopyQ 6.4 still keeps it),
    nspasteboard.org's concealed type on macOS, and on Windows the formats its clipboard history, cloud
    clipboard and monitors (and CopyQ's "Clipboard Viewer Ignore") look for,
    named in Qt's windows-mime form."""
    if platform == "win32":
        def win(name: str) -> str:
            return f'application/x-qt-windows-mime;value="{name}"'

        return {win("ExcludeClipboardContentFromMonitorProcessing"): b"1",
                win("CanIncludeInClipboardHistory"): b"\0\0\0\0",
                win("CanUploadToCloudClipboard"): b"\0\0\0\0",
                win("Clipboard Viewer Ignore"): b""}
    if platform == "darwin":
        return {"application/x-nspasteboard-concealed-type": b"secret"}
    return {"x-kde-passwordManagerHint": b"secret"}


class _X11:
    """A python-xlib connection of the worker thread: the server's resource-id mask, and pings."""

    def __init__(self) -> None:
        from Xlib import display

        self.display = display.Display()
        self.mask = int(self.display.display.info.resource_id_mask)
        self.lock = threading.Lock()
        self._tokens = iter(range(1, 1 << 31))

    def ping(self, handle: int, stop: threading.Event) -> bool:
        """A _NET_WM_PING round trip to the top-level window `handle`; False when it does not take pings or
        did not answer within PING_TIMEOUT_S (or `stop` was set)."""
        from Xlib import X, error
        from Xlib.protocol import event

        with self.lock:
            d = self.display
            root = d.screen().root
            ping, protocols = d.get_atom("_NET_WM_PING"), d.get_atom("WM_PROTOCOLS")
            window = d.create_resource_object("window", handle)
            token = next(self._tokens)
            try:
                if ping not in (window.get_wm_protocols() or []):
                    return False
                root.change_attributes(event_mask=X.SubstructureNotifyMask)  # answers go to the root window
                window.send_event(event.ClientMessage(window=window, client_type=protocols,
                                                      data=(32, [ping, token, handle, 0, 0])))
                d.flush()
                deadline = time.monotonic() + PING_TIMEOUT_S
                while not stop.is_set():
                    while d.pending_events():
                        got = d.next_event()
                        if got.type == X.ClientMessage and got.client_type == protocols \
                                and got.data[1][0] == ping and got.data[1][1] == token:
                            return True
                    remaining = min(deadline - time.monotonic(), 0.05)
                    if deadline <= time.monotonic():
                        return False
                    select.select([d], [], [], remaining)
                return False
            except error.XError:
                return False
            finally:
                root.change_attributes(event_mask=0)
                d.sync()
                while d.pending_events():
                    d.next_event()


@dataclass
class _Offer(ClipboardOffer):
    """An offer that knows the server's resource-id mask (X11: 0 elsewhere) to tell the target's reads."""

    mask: int = 0
    x11: _X11 | None = None
    by: int = 0
    """The requestor window of the read that counted as the fetch (0: not known)."""

    def counts(self, requestor: int | None) -> bool:
        """Whether a read by `requestor` (None: not known) is the paste target's fetch."""
        if self.window is None:
            return False  # not armed: Qt's own look, or a clipboard manager reading the new clipboard
        if requestor is None or not self.window or not self.mask:
            return True
        return requestor & ~self.mask == self.window & ~self.mask

    def settle(self, stop: threading.Event) -> None:
        if self.x11 is not None and self.window and self.x11.ping(self.window, stop):
            return
        stop.wait(SETTLE_S)


class _Offered(QMimeData):
    """Text for one paste that tells when the paste target fetched it (Qt asks retrieveData then)."""

    def __init__(self, text: str, offer: _Offer, requestor: Callable[[], int | None],
                 hints: dict[str, bytes]) -> None:
        super().__init__()
        self.setText(text)
        for name, value in hints.items():
            self.setData(name, QByteArray(value))
        self._offer = offer
        self._requestor = requestor

    def retrieveData(self, mimetype: str, preferred: Any) -> Any:
        if mimetype in _TEXT_TYPES and not self._offer.fetched.is_set():
            requestor = self._requestor()
            if self._offer.counts(requestor):
                self._offer.by = requestor or 0
                self._offer.fetched.set()
        return super().retrieveData(mimetype, preferred)


class _Requests(QAbstractNativeEventFilter):
    """Notes the requestor window of the X11 SelectionRequest Qt is about to answer (installed only while an
    offer is on the clipboard)."""

    def __init__(self) -> None:
        super().__init__()
        self.requestor: int | None = None

    def nativeEventFilter(self, eventType: QByteArray | bytes | bytearray | memoryview,
                          message: int) -> object:
        if eventType == b"xcb_generic_event_t" or (
                isinstance(eventType, QByteArray) and eventType.data() == b"xcb_generic_event_t"):
            address = int(message)
            if ctypes.c_uint8.from_address(address).value & 0x7F == _SELECTION_REQUEST:
                # xcb_selection_request_event_t: type, pad, sequence (u16), time, owner, requestor, ...
                self.requestor = ctypes.c_uint32.from_address(address + 12).value
        return False, 0


def _let_go() -> None:
    """Take clipboard data made in Python off the clipboard while Python still runs. Qt deletes what the
    clipboard holds in a C++ exit handler, after the interpreter is gone, and deleting a QMimeData made in
    Python then crashes the process (seen at exit after any paste). At exit the clipboard is lost anyway."""
    import shiboken6

    if not isinstance(QCoreApplication.instance(), QGuiApplication):
        return
    board = QGuiApplication.clipboard()
    for mode in QtClipboard._modes(board):
        data = board.mimeData(mode)
        if data is not None and shiboken6.createdByPython(data):
            board.clear(mode)


def _copy(data: QMimeData | None) -> QMimeData | None:
    if data is None or not data.formats():
        return None
    kept = QMimeData()
    for name in data.formats():
        kept.setData(name, data.data(name))
    return kept


class QtClipboard(QObject):
    """CLIPBOARD and PRIMARY (where the platform has it). Make it in the GUI thread; call it from any thread:
    a call from another thread is queued to the GUI thread and waited for (never the other way round, so the
    GUI thread cannot deadlock on it)."""

    _call = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._call.connect(self._run)
        self._saved: list[list[tuple[QClipboard.Mode, QMimeData | None]]] = []
        self._requests = _Requests() if QGuiApplication.platformName() == "xcb" else None
        self._x11_connection: _X11 | None = None
        self._x11_failed = False
        atexit.unregister(_let_go)  # once, however many clipboards were made
        atexit.register(_let_go)

    def _requestor(self) -> int | None:
        """The requestor window of the X11 request being answered (None: not X11, or not known)."""
        return self._requests.requestor if self._requests is not None else None

    def _x11(self) -> _X11 | None:
        """The worker's own X connection (None: not X11, or it cannot be opened: any armed read counts)."""
        if self._requests is None or self._x11_failed:
            return None
        if self._x11_connection is None:
            try:
                self._x11_connection = _X11()
            except Exception:  # no python-xlib display: reads count as on other platforms
                self._x11_failed = True
                return None
        return self._x11_connection

    def set_text(self, text: str, secret: bool = False) -> None:
        hints = secret_hints() if secret else {}

        def put() -> None:
            board = QGuiApplication.clipboard()
            for mode in self._modes(board):
                if hints:
                    data = QMimeData()
                    data.setText(text)
                    for name, value in hints.items():
                        data.setData(name, QByteArray(value))
                    board.setMimeData(data, mode)
                else:
                    board.setText(text, mode)

        self._in_gui(put)

    def offer(self, text: str, secret: bool = False, primary: bool = True) -> ClipboardOffer:
        x11 = self._x11()
        offer = _Offer(mask=x11.mask if x11 is not None else 0, x11=x11)
        hints = secret_hints() if secret else {}

        def put() -> None:
            board = QGuiApplication.clipboard()
            modes = self._modes(board)[:None if primary else 1]
            self._saved.append([(mode, _copy(board.mimeData(mode))) for mode in modes])
            if self._requests is not None:
                self._requests.requestor = None
                QCoreApplication.instance().installNativeEventFilter(self._requests)  # type: ignore[union-attr]
            for mode in modes:
                board.setMimeData(_Offered(text, offer, self._requestor, hints), mode)

        self._in_gui(put)
        return offer

    def restore(self) -> None:
        def put() -> None:
            if self._requests is not None:
                QCoreApplication.instance().removeNativeEventFilter(self._requests)  # type: ignore[union-attr]
            if not self._saved:
                return
            board = QGuiApplication.clipboard()
            for mode, data in self._saved.pop():
                if data is None:
                    board.clear(mode)
                else:
                    board.setMimeData(data, mode)

        self._in_gui(put)

    @staticmethod
    def _modes(board: QClipboard) -> tuple[QClipboard.Mode, ...]:
        return _MODES if board.supportsSelection() else _MODES[:1]

    def _run(self, job: Callable[[], None]) -> None:
        job()

    def _in_gui(self, work: Callable[[], T]) -> T:
        if QThread.currentThread() is self.thread():
            return work()
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def job() -> None:
            try:
                future.set_result(work())
            except BaseException as exc:  # handed to the waiting thread
                future.set_exception(exc)

        self._call.emit(job)
        return future.result(timeout=CALL_TIMEOUT_S)
