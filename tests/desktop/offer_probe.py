"""A Qt program that offers text for one paste through Wayguide's QtClipboard, driven line by line on stdin:
`offer TEXT`, `secret TEXT`, `arm WINDOW`, `restore`, `quit`; it prints `ready`, `offered`, and
`fetched BY` (the requestor window of the read that counted) as they happen.

    QT_QPA_PLATFORM=xcb python -m tests.desktop.offer_probe
"""

from __future__ import annotations

import sys
import threading

from PySide6.QtWidgets import QApplication

from app.platform.qt_clipboard import QtClipboard
from app.ports import ClipboardOffer


def main() -> int:
    app = QApplication(sys.argv[:1])
    clipboard = QtClipboard()

    def say(line: str) -> None:
        print(line, flush=True)

    def tell_fetched(offer: ClipboardOffer) -> None:
        offer.fetched.wait()
        say(f"fetched {getattr(offer, 'by', 0)}")

    def commands() -> None:
        offer: ClipboardOffer | None = None
        for line in sys.stdin:
            verb, _, rest = line.rstrip("\n").partition(" ")
            if verb in ("offer", "secret"):
                offer = clipboard.offer(rest, secret=verb == "secret")
                say("offered")
                threading.Thread(target=tell_fetched, args=(offer,), daemon=True).start()
            elif verb == "arm" and offer is not None:
                offer.arm(int(rest))
                say("armed")
            elif verb == "restore":
                clipboard.restore()
                say("restored")
            elif verb == "quit":
                break
        app.quit()

    threading.Thread(target=commands, daemon=True).start()
    say("ready")
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
