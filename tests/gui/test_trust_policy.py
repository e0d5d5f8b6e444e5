"""The policy's trust.automation in the app: a wizard that may not automate is offered as glass box
only, the panel says why in one sentence, black box is refused and nothing is typed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.ports import FakeAutomation, FakeInjector, FakeWindowProbe, WindowInfo
from app.runtime.tray_app import TrayApp

GREET = ("wayguide: 1\nid: greet\ntitle: Greet\nmodes: [black, glass]\nwhen: [{app: xterm}]\n"
         "inputs: [{name: customer, label: Customer, required: true}]\n"
         "steps:\n  - {id: type, title: Type the greeting, do: [{type: 'Dear {{ inputs.customer }}'}]}\n")
SIGNED_ONLY = ("Your administrator lets Wayguide do the work only for wizards signed by a trusted publisher, "
               "so this one guides you through the steps.")


def _app(make_app: Callable[..., TrayApp]) -> tuple[TrayApp, FakeInjector]:
    injector = FakeInjector()
    term = WindowInfo(app="xterm", title="bash", handle=2)
    app = make_app(probes=lambda: FakeWindowProbe(window=term), automation=FakeAutomation(injector))
    return app, injector


def test_an_unsigned_personal_wizard_under_signed_automation_offers_glass_box_only_and_says_why(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    (home / "policy.yaml").write_text("trust: {automation: signed}\n")
    (home / "mine" / "greet.yaml").write_text(GREET)
    wayguide, injector = _app(make_app)
    [entry] = [e for e in wayguide.visible() if e.id == "greet"]
    assert entry.trust == "unsigned" and entry.card.allowed_modes == ("glass",)
    wayguide.summon()
    panel = wayguide.panel
    assert panel is not None
    qtbot.waitUntil(lambda: "greet" in panel.home.shown_ids(), timeout=5000)
    assert panel.home.other_mode(panel.home._by_id["greet"]) == ""  # no "Do it for me" on the row
    assert wayguide.start("greet", "black") == SIGNED_ONLY  # `wayguide run --mode black`: refused
    assert wayguide.run is None
    assert wayguide.start("greet", None) is None
    run = wayguide.run
    assert run is not None and run.state.mode == "glass" and run.refused == SIGNED_ONLY
    assert panel.view_name() == "inputs"
    assert panel.inputs.unavailable.isVisibleTo(panel) and panel.inputs.unavailable.text() == SIGNED_ONLY
    panel.inputs.field("customer").editor.setText("Anna")  # type: ignore[attr-defined]
    panel.inputs.submit()
    assert panel.view_name() == "step"
    assert panel.step.unavailable.isVisibleTo(panel) and panel.step.unavailable.text() == SIGNED_ONLY
    assert not panel.step.switch.isVisibleTo(panel) and not panel.step.show_me.isVisibleTo(panel)
    assert injector.sent == []


def test_admin_automation_lets_the_company_wizards_work_and_not_the_personal_ones(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    (home / "policy.yaml").write_text("trust: {automation: admin}\n")
    (home / "system" / "wizards").mkdir(parents=True)
    (home / "system" / "wizards" / "greet.yaml").write_text(GREET)
    (home / "mine" / "mine.yaml").write_text(GREET.replace("id: greet", "id: mine"))
    wayguide, injector = _app(make_app)
    modes = {e.id: e.card.allowed_modes for e in wayguide.visible()}
    assert modes["greet"] == ("black", "glass") and modes["mine"] == ("glass",)
    assert "from the company's wizard folders" in (wayguide.start("mine", "black") or "")
    assert wayguide.start("greet", "black", {"customer": "Anna"}) is None
    run = wayguide.run
    assert run is not None and run.refused == ""
    qtbot.waitUntil(lambda: run.state.status == "finished", timeout=5000)
    assert injector.sent == [("type", "Dear Anna")]


def test_a_locked_library_tells_the_author_their_wizard_is_not_used(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    (home / "company").mkdir()
    (home / "company" / "greet.yaml").write_text(GREET.replace("title: Greet", "title: Company greet"))
    (home / "mine" / "greet.yaml").write_text(GREET)
    (home / "policy.yaml").write_text(f"library: {{folders: ['{home / 'company'}'], locked: true}}\n")
    wayguide, _ = _app(make_app)
    entry = wayguide.library.get("greet") if wayguide.library is not None else None
    assert entry is not None and entry.card.title == "Company greet"
    assert [line for line in wayguide.library_watcher.broken() if "greet.yaml" in line] == [
        f"{home / 'mine' / 'greet.yaml'}:2:5: warning: 'greet' is not used: the policy wizard of that id "
        f"wins (your administrator locked the library) ({home / 'company' / 'greet.yaml'})"]


def test_a_signed_wizard_changed_after_signing_says_so_and_offers_glass_box_only(
        qtbot: QtBot, make_app: Callable[..., TrayApp], home: Path) -> None:
    from app.library.signing import generate_key, load_private_key, sign

    public = generate_key(home / "publisher.key")
    (home / "mine" / "greet.yaml").write_text(GREET)
    sign(home / "mine", load_private_key(home / "publisher.key"))
    (home / "policy.yaml").write_text(f'trust: {{automation: signed, keys: ["{public}"]}}\n')
    wayguide, injector = _app(make_app)
    assert wayguide.start("greet", "black") is None  # signed: it may do the work
    (home / "mine" / "greet.yaml").write_text(GREET.replace("Dear", "Hello"))
    qtbot.waitUntil(lambda: [e.trust for e in wayguide.visible() if e.id == "greet"] == ["unsigned"],
                    timeout=5000)
    assert wayguide.start("greet", "black") == (
        "This wizard was changed after its publisher signed it, so Wayguide guides you through the steps "
        "instead of doing them.")
    assert injector.sent == []
