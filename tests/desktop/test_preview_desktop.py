"""The author's preview on a real desktop: `wayguide preview FILE` beside mousepad, each locator's match (or
its nearest misses) read from the panel over the accessibility bus, as a screen reader would; a save shown."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.platform.atspi import AtspiElements
from app.platform.x11 import X11WindowProbe
from app.ports import WindowInfo
from tests.desktop.test_elements import a11y_desktop, elements, mousepad  # noqa: F401 - fixtures
from tests.desktop.test_tray_app import start_app, stop_app
from tests.desktop.xdesktop import Desktop, wait_for

pytestmark = pytest.mark.desktop

DRAFT = """\
wayguide: 1
id: my.draft
title: {title}
when: [{{app: mousepad}}]
steps:
  - id: menu
    title: Open the File menu
    target: {{element: {{role: menu, name: File}}}}
  - id: save
    title: Save it under a new name
    do:
      - click: {{element: {{role: menu item, name: "Sav As*"}}}}
"""


def test_the_preview_says_which_control_a_locator_matched_and_the_nearest_for_a_misspelt_one(
        a11y_desktop: Desktop, mousepad: WindowInfo, elements: AtspiElements, tmp_path: Path,  # noqa: F811
        artifacts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_LINUX_ACCESSIBILITY_ALWAYS_ON", "1")  # the panel on the bus, to read it there
    draft = tmp_path / "draft.yaml"
    draft.write_text(DRAFT.format(title="My draft"))
    app = start_app(a11y_desktop, tmp_path / "home")
    probe = X11WindowProbe(a11y_desktop.display)
    try:
        a11y_desktop.activate(mousepad.handle)
        done = app.cli(a11y_desktop, "preview", str(draft))
        assert (done.returncode, done.stdout, done.stderr) == (0, f"previewing {draft}\n", "")
        panel = probe.describe(a11y_desktop.wait_window(name="^Wayguide$"))
        assert panel is not None

        def rows() -> list[str]:
            return [c.label for c in elements.controls(panel) if c.role == "list item"]

        def checked() -> list[str]:
            found = rows()
            return found if len(found) == 2 and all("✓" in r or "✗" in r for r in found) else []

        found = wait_for(checked, 20, "the locators looked up")
        assert found[0] == "1. Open the File menu     ✓ target: matched: menu “File” (1 of 1)"
        assert found[1].startswith(
            "2. Save it under a new name     ✗ action 1: no match; nearest: “Save As...”")
        a11y_desktop.screenshot(artifacts / "desktop-preview-light.png")
        draft.write_text(DRAFT.format(title="My draft").replace("title: Save it", "titel: Save it"))
        wait_for(lambda: [c for c in elements.controls(panel) if "unknown key 'titel'" in c.label], 20,
                 "the problem shown")
        assert len(rows()) == 2  # the last good version stays
        a11y_desktop.screenshot(artifacts / "desktop-preview-problem-light.png")
        fixed = tmp_path / ".draft.yaml.swp"  # saved as an editor does: a new file renamed over it
        fixed.write_text(DRAFT.format(title="My draft").replace("Sav As*", "Save As*"))
        os.replace(fixed, draft)
        fixed_row = wait_for(lambda: [r for r in rows() if "action 1: matched" in r], 20, "the save shown")
        assert fixed_row == ["2. Save it under a new name     ✓ action 1: matched: menu item “Save As...” "
                             "(1 of 1)"]
    finally:
        probe.close()
        stop_app(app)
