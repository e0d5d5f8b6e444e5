"""Usage data from the real app on a real X desktop: a black-box run types an input value into
xterm, and that value is in no file Wayguide keeps; the run shows in `wayguide report`."""

from __future__ import annotations

import json
from pathlib import Path

from tests.desktop.test_tray_app import run_black_box, start_app, stop_app, terminal_writing_to
from tests.desktop.xdesktop import Desktop

VALUE = "Zyxomir-5b7d2e"
LETTER = """\
wayguide: 1
id: usage.letter
title: Greet a customer
inputs: [{name: customer, label: Customer, required: true}]
steps:
  - {id: go, title: Go to the terminal, do: [{focus: {app: xterm, title: usage-target}}]}
  - id: type
    title: Greet {{ inputs.customer }}
    do: [{type: "Dear {{ inputs.customer }}\\n"}, {keys: ctrl+d}]
"""


def test_a_typed_input_value_reaches_the_app_and_no_file(desktop: Desktop, tmp_path: Path) -> None:
    app = start_app(desktop, tmp_path / "home")
    try:
        out = tmp_path / "typed.txt"
        term = terminal_writing_to(desktop, "usage-target", out)
        wizard = tmp_path / "letter.yaml"
        wizard.write_text(LETTER, encoding="utf-8")
        run_black_box(app, desktop, wizard, "--set", f"customer={VALUE}")
        term.wait(10)
        assert out.read_text(encoding="utf-8") == f"Dear {VALUE}\n"  # it was really typed
    finally:
        stop_app(app)
    report = app.cli(desktop, "report", "--format", "json")
    assert report.returncode == 0, report.stderr
    (stats,) = json.loads(report.stdout)["wizards"]
    assert (stats["wizard"], stats["runs"], stats["completed"], stats["black_share"]) == (
        "usage.letter", 1, 1, 1.0)
    assert [s["step"] for s in stats["steps"]] == ["go", "type"]
    kept = [p for d in ("data", "config", "cache") for p in (tmp_path / "home" / d).rglob("*")
            if p.is_file()]
    assert any(p.name == "usage.sqlite3" for p in kept)
    kept.append(tmp_path / "home" / "app.log")  # what the app printed
    for path in kept:
        assert VALUE.encode() not in path.read_bytes(), f"the input value is in {path}"
