"""The recording bar on its own, for desktop tests: prints `ready` and each button's centre on the
screen (`button NAME X Y`), then one line per signal (`stop`, `pause True`, `break`, `note TEXT`,
`released`).

    QT_QPA_PLATFORM=xcb python -m tests.desktop.bar_probe
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton

from overlays import theme
from overlays.placement import Rect
from overlays.recording_bar import RecordingBar


def main() -> int:
    app = QApplication(sys.argv[:1])
    theme.apply_theme(app, "light")
    bar = RecordingBar()

    def say(line: str) -> None:
        print(line, flush=True)

    bar.stopRequested.connect(lambda: say("stop"))
    bar.pauseToggled.connect(lambda paused: say(f"pause {paused}"))
    bar.stepBreakRequested.connect(lambda: say("break"))
    bar.noteAdded.connect(lambda text: say(f"note {text}"))
    bar.focusReleased.connect(lambda: say("released"))
    screen = app.primaryScreen().availableGeometry()
    bar.show()
    bar.place_on([Rect(screen.x(), screen.y(), screen.width(), screen.height())], None)

    def ready() -> None:
        buttons: dict[str, QPushButton] = {"stop": bar.stop, "pause": bar.pause, "break": bar.step_break,
                                           "note": bar.add_note}
        for name, button in buttons.items():
            centre = button.mapToGlobal(button.rect().center())
            say(f"button {name} {centre.x()} {centre.y()}")
        say("ready")

    QTimer.singleShot(0, ready)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
