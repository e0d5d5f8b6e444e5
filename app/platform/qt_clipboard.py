"""The desktop clipboard through Qt, usable from the performer's worker thread (calls run in the GUI one)."""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QMimeData, QObject, QThread, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

from app.osapi import ClipboardOffer

__all__ = ["CALL_TIMEOUT_S", "QtClipboard"]

CALL_TIMEOUT_S = 5.0
"""Longest wait for the GUI thread to carry out a clipboard call."""

T = TypeVar("T")
_MODES = (QClipboard.Mode.Clipboard, QClipboard.Mode.Selection)


class _Offered(QMimeData):
    """Text for one paste that tells when an application fetched it (Qt asks retrieveData then)."""

    def __init__(self, text: str, fetched: threading.Event) -> None:
        super().__init__()
        self.setText(text)
        self._fetched = fetched
        self.armed = False
        """Set once it is on the clipboard: Qt's own look while setting it is not a fetch."""

    def retrieveData(self, mimetype: str, preferred: Any) -> Any:
        if self.armed:
            self._fetched.set()
        return super().retrieveData(mimetype, preferred)


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
        self._saved: list[tuple[QMimeData | None, ...]] = []

    def set_text(self, text: str) -> None:
        def put() -> None:
            board = QGuiApplication.clipboard()
            for mode in self._modes(board):
                board.setText(text, mode)

        self._in_gui(put)

    def offer(self, text: str) -> ClipboardOffer:
        offer = ClipboardOffer()

        def put() -> None:
            board = QGuiApplication.clipboard()
            modes = self._modes(board)
            self._saved.append(tuple(_copy(board.mimeData(mode)) for mode in modes))
            offered = [_Offered(text, offer.fetched) for _ in modes]
            for mode, data in zip(modes, offered, strict=True):
                board.setMimeData(data, mode)
            for data in offered:
                data.armed = True

        self._in_gui(put)
        return offer

    def restore(self) -> None:
        def put() -> None:
            if not self._saved:
                return
            board = QGuiApplication.clipboard()
            for mode, data in zip(self._modes(board), self._saved.pop(), strict=False):
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
