"""Run by test_typing.py in a process of its own (it may deadlock): a thread holds the X server, as the
typist does for a chunk, and lets Python's GIL go for a moment; meanwhile the GUI thread shows a window, a Qt
call that waits on an X reply and keeps the GIL. `spared`: the GUI's connection is spared from grabs first,
as the app does at start (app.runtime.main). Prints "shown" when the window showed and the server was let go.

    python -m tests.desktop.grab_scenario spared|plain"""

from __future__ import annotations

import sys
import threading
import time

from PySide6.QtWidgets import QApplication, QWidget
from Xlib import display


def main() -> None:
    app = QApplication([])
    if sys.argv[1] == "spared":
        from app.runtime.main import _spare_from_grabs

        _spare_from_grabs(app)
    typist = display.Display()
    grabbed, done = threading.Event(), threading.Event()

    def hold() -> None:
        typist.grab_server()
        typist.sync()
        grabbed.set()
        time.sleep(0.3)  # the GIL is free: the GUI thread takes it
        typist.ungrab_server()
        typist.sync()
        done.set()

    worker = threading.Thread(target=hold, daemon=True)
    worker.start()
    grabbed.wait()
    window = QWidget()
    window.show()  # an X round trip inside a Qt call that keeps the GIL
    app.processEvents()
    worker.join()
    print("shown" if done.is_set() else "not let go", flush=True)


if __name__ == "__main__":
    main()
