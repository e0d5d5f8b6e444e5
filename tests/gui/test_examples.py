"""The examples that come with Wayguide are told apart from the company's wizards in the panel: a quiet
"Example" tag on their rows, in the task list and in search results; a company or personal wizard
with an example's id is never tagged. Screenshots of the tag: artifacts/panel-examples-<theme>.png."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.runtime.tray_app import TrayApp
from overlays import theme
from overlays.home_view import TAG
from overlays.panel import PANEL_WIDTH, Panel
from overlays.placement import Rect
from tests.gui.test_panel import ARTIFACTS, JAM, LETTER, LIBRARY, PDF, RELEVANT

ROOT = Path(__file__).resolve().parents[2]
COMPANY = ("wayguide: 1\nid: {id}\ntitle: {title}\nsummary: {title}, the company's way.\n"
           "steps: [{{id: a, title: A}}]\n")


def _bundled_ids() -> set[str]:
    return {p.stem for p in (ROOT / "wizards").glob("*.yaml")}  # the bundled files are named by id


def test_the_examples_are_tagged_and_the_company_s_wizards_are_not(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    system = home / "system" / "wizards"
    system.mkdir(parents=True)
    (system / "claim.yaml").write_text(COMPANY.format(id="expenses.submit-claim", title="Company claim"))
    (system / "vpn.yaml").write_text(COMPANY.format(id="it.vpn", title="Connect to the VPN"))
    (home / "mine" / "jam.yaml").write_text(COMPANY.format(id="it.printer-paper-jam", title="My paper jam"))
    wayguide = make_app()
    wayguide.summon()
    panel = wayguide.panel
    assert panel is not None
    home_view = panel.home
    qtbot.waitUntil(lambda: "it.vpn" in home_view.shown_ids(), timeout=5000)
    examples = _bundled_ids() - {"expenses.submit-claim", "it.printer-paper-jam"}
    assert "xterm.disk-usage" in examples
    assert home_view.tags() == dict.fromkeys(examples, "Example")
    assert {"expenses.submit-claim", "it.printer-paper-jam", "it.vpn"} <= set(home_view.shown_ids())

    home_view.search.setText("disk")  # search results are tagged alike
    assert "xterm.disk-usage" in home_view.shown_ids()
    assert home_view.tags()["xterm.disk-usage"] == "Example"
    home_view.search.setText("paper jam")
    assert home_view.shown_ids()[0] == "it.printer-paper-jam"
    assert "it.printer-paper-jam" not in home_view.tags()  # the person's own, over the example's id
    home_view.search.setText("expenses")
    claim = "expenses.submit-claim"  # the company's, over the example's id
    assert claim in home_view.shown_ids() and claim not in home_view.tags()
    home_view.search.clear()
    row = next(home_view.list.item(r) for r in home_view.list.task_rows()
               if home_view.list.item(r).data(TAG))
    assert "Example" in row.toolTip() and "Example" in row.data(Qt.ItemDataRole.AccessibleDescriptionRole)


def test_with_the_examples_hidden_nothing_is_tagged(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    (home / "policy.yaml").write_text("library: {examples: false}\n")
    (home / "mine" / "vpn.yaml").write_text(COMPANY.format(id="it.vpn", title="Connect to the VPN"))
    wayguide = make_app()
    wayguide.summon()
    panel = wayguide.panel
    assert panel is not None
    qtbot.waitUntil(lambda: panel.home.shown_ids() == ["it.vpn"], timeout=5000)
    assert panel.home.tags() == {}


def test_screenshots_of_the_example_tag(themed: QApplication, qtbot: QtBot) -> None:
    """Saved to artifacts/panel-examples-<theme>.png (a selected row with its pill, plain rows) for people
    to look at: the tag is readable and calm beside the accent."""
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        theme.apply_theme(themed, scheme)
        panel = Panel()
        qtbot.addWidget(panel)
        panel.place(Rect(0, 0, PANEL_WIDTH, 560))
        panel.show()
        qtbot.waitExposed(panel)
        panel.show_home(LIBRARY, RELEVANT, "Mousepad", "ctrl+alt+space", examples={LETTER.id, PDF.id, JAM.id})
        assert set(panel.home.tags()) == {LETTER.id, PDF.id, JAM.id}
        target = ARTIFACTS / f"panel-examples-{scheme}.png"
        assert panel.grab().save(str(target))
        assert target.stat().st_size > 1000
        panel.hide()
