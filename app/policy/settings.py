"""The person's settings (hotkey, panel side, theme, roles, preferred mode), saved in the config dir."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from app.format.combo import validate_combo
from app.format.diagnostics import Diagnostic
from app.format.files import write_atomic

__all__ = ["DEFAULT_HOTKEY", "Settings", "load_settings", "save_settings"]

DEFAULT_HOTKEY = "ctrl+alt+space"
DEFAULT_KEYBOARD_HOTKEY = "ctrl+alt+shift+space"
FILENAME = "settings.json"


def _one_of(*allowed: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of " + ", ".join(repr(a) for a in allowed))
        return str(value)
    return check


def _language(value: Any) -> str:
    """"system", or a language tag: "nl", "de", "nl_BE" (a region falls back to its language)."""
    if value == "system" or (isinstance(value, str) and re.fullmatch(r"[a-z]{2,3}([_-][A-Za-z]{2})?", value)):
        return str(value).replace("-", "_")
    raise ValueError(f"{value!r} is not 'system' or a language such as 'nl', 'de' or 'nl_BE'")


def _combo(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a key combo such as ctrl+alt+space")
    return validate_combo(value)


def _roles(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(r, str) for r in value):
        raise ValueError("must be a list of role names")
    return tuple(value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "hotkey": _combo, "keyboard_hotkey": _combo, "panel_side": _one_of("auto", "left", "right"),
    "theme": _one_of("system", "light", "dark"), "roles": _roles,
    "preferred_mode": _one_of("wizard", "glass", "black"), "autostart": _flag, "language": _language,
}


@dataclass(frozen=True)
class Settings:
    """Eight values checked by hand: the tray app waiting for its hotkey holds no schema library.
    Making one with a bad value raises ValueError; hotkeys are normalised ("ctrl+alt+space")."""

    hotkey: str = DEFAULT_HOTKEY
    """Shows and hides the panel."""
    keyboard_hotkey: str = DEFAULT_KEYBOARD_HOTKEY
    """Shows the panel and puts the keyboard in it."""
    panel_side: Literal["auto", "left", "right"] = "auto"
    """auto: beside the window in front, on the side with more room."""
    theme: Literal["system", "light", "dark"] = "system"
    roles: tuple[str, ...] = ()
    """Your roles; wizards for other roles are hidden."""
    preferred_mode: Literal["wizard", "glass", "black"] = "wizard"
    """wizard: each wizard's own default."""
    autostart: bool = True
    """Start Wayguide when you log in."""
    language: str = "system"
    """The language Wayguide speaks: "system" follows the computer's; "en", "nl", "de" (app/i18n.py)."""

    def __post_init__(self) -> None:
        for name, check in _CHECKS.items():
            object.__setattr__(self, name, check(getattr(self, name)))

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {name: list(value) if isinstance(value, tuple) else value
                for name, value in dataclasses.asdict(self).items()}


def load_settings(config_dir: Path) -> tuple[Settings, list[Diagnostic]]:
    """The saved settings; a bad file or value is reported and replaced by its default."""
    path = config_dir / FILENAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), []
    except OSError as exc:
        return Settings(), [Diagnostic(str(path), 1, 1, "error", f"cannot read: {exc.strerror}",
                                       "using the defaults")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Settings(), [Diagnostic(str(path), exc.lineno, exc.colno, "error",
                                       f"not valid JSON: {exc.msg}", "using the defaults")]
    if not isinstance(data, dict):
        return Settings(), [Diagnostic(str(path), 1, 1, "error", "expected a JSON object",
                                       "using the defaults")]
    good: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for key, value in data.items():
        check = _CHECKS.get(key)
        if check is None:
            problems.append(Diagnostic(str(path), _line_of(text, key), 1, "warning",
                                       f"unknown setting '{key}'", "ignored"))
            continue
        try:
            good[key] = check(value)
        except ValueError as exc:
            problems.append(Diagnostic(str(path), _line_of(text, key), 1, "error",
                                       f"'{key}': {exc}", "using the default"))
    return Settings(**good), problems


def save_settings(config_dir: Path, settings: Settings) -> Path:
    """Write atomically, so a crash never leaves half a file."""
    path = config_dir / FILENAME
    write_atomic(path, json.dumps(settings.to_json(), indent=2, ensure_ascii=False) + "\n")
    return path


def _line_of(text: str, key: str) -> int:
    needle = json.dumps(key)
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 1
