"""The policy's trust.automation on a real desktop: under `automation: signed`, `wayguide run --mode black`
of an unsigned personal wizard is refused with the panel's sentence, and nothing is typed into the window."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.desktop.test_tray_app import start_app, stop_app, terminal_writing_to
from tests.desktop.xdesktop import Desktop

pytestmark = pytest.mark.desktop

SENTENCE = ("Your administrator lets Wayguide do the work only for wizards signed by a trusted publisher, "
            "so this one guides you through the steps.")
WIZARD = ("wayguide: 1\nid: personal.greeting\ntitle: Type a greeting\nsteps:\n"
          "  - id: go\n    title: Go to the terminal\n"
          "    do: [{focus: {app: xterm, title: trust-target}}]\n"
          "  - id: type\n    title: Type the greeting\n"
          "    do: [{type: \"typed by wayguide\\n\"}, {keys: ctrl+d}]\n")


def test_black_box_of_an_unsigned_personal_wizard_is_refused_and_types_nothing(
        desktop: Desktop, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "no-policy.yaml").write_text("trust: {automation: signed}\n")  # WAYGUIDE_POLICY names it
    wizards = home / "data" / "wizards"  # the person's own folder
    wizards.mkdir(parents=True)
    (wizards / "greeting.yaml").write_text(WIZARD, encoding="utf-8")
    out = tmp_path / "typed.txt"
    term = terminal_writing_to(desktop, "trust-target", out)
    app = start_app(desktop, home)
    try:
        for wizard in ("personal.greeting", str(wizards / "greeting.yaml")):  # by id and by path
            done = app.cli(desktop, "run", wizard, "--mode", "black", "--wait")
            assert done.returncode != 0 and SENTENCE in done.stderr, done.stdout + done.stderr
        # Had the run gone ahead, `--wait` would have returned after its typing: type the end ourselves.
        window = desktop.wait_window(name="^trust-target$")
        desktop.activate(window)
        desktop.run(["xdotool", "type", "--delay", "20", "end\n"], check=True)
        desktop.key("ctrl+d")
        term.wait(10)
    finally:
        stop_app(app)
        if term.poll() is None:
            term.terminate()
            term.wait(5)
    assert out.read_bytes() == b"end\n"
