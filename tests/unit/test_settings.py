"""Settings: saved and loaded; a bad file or value falls back to defaults with one clear line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.policy.settings import Settings, load_settings, save_settings


def test_defaults_when_nothing_is_saved(tmp_path: Path) -> None:
    settings, problems = load_settings(tmp_path)
    assert settings == Settings() and problems == []
    assert settings.hotkey == "ctrl+alt+space"


def test_round_trip(tmp_path: Path) -> None:
    wanted = Settings(hotkey="Super+Shift+H", panel_side="left", theme="dark",
                      roles=("support",), preferred_mode="black", autostart=False)
    save_settings(tmp_path / "config", wanted)
    loaded, problems = load_settings(tmp_path / "config")
    assert problems == [] and loaded == wanted and loaded.hotkey == "shift+super+h"


def test_bad_value_falls_back_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{\n  "theme": "dark",\n  "hotkey": "ctrl+shft+x",\n  "colour": 1\n}\n')
    settings, problems = load_settings(tmp_path)
    assert settings.theme == "dark" and settings.hotkey == "ctrl+alt+space"
    assert [str(p) for p in problems] == [
        f"{path}:3:1: error: 'hotkey': 'shft' is not a modifier (use ctrl, alt, shift, super) "
        "(using the default)",
        f"{path}:4:1: warning: unknown setting 'colour' (ignored)",
    ]


def test_broken_json_gives_defaults_and_one_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"theme": "dark",,}')
    settings, [problem] = load_settings(tmp_path)
    assert settings == Settings()
    assert str(problem).startswith(f"{path}:1:18: error: not valid JSON: ")


def test_every_kind_of_bad_value_is_named(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"theme": "purple", "roles": "support", "autostart": "yes", "hotkey": 5,\n'
                    ' "panel_side": "left"}')
    settings, problems = load_settings(tmp_path)
    assert settings == Settings(panel_side="left")
    assert [p.message for p in problems] == [
        "'theme': 'purple' is not one of 'system', 'light', 'dark'",
        "'roles': must be a list of role names",
        "'autostart': must be true or false",
        "'hotkey': must be a key combo such as ctrl+alt+space",
    ]


def test_made_in_code_the_values_are_checked_too(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'up' is not one of"):
        Settings(panel_side="up")  # type: ignore[arg-type]
    assert Settings().replace(hotkey="Ctrl+Alt+H").hotkey == "ctrl+alt+h"
    save_settings(tmp_path, Settings())
    assert load_settings(tmp_path) == (Settings(), [])
