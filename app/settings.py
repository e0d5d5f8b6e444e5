"""The person's settings (hotkey, panel side, theme, roles, preferred mode), saved in the config dir."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.diagnostics import Diagnostic
from app.model import validate_combo

__all__ = ["DEFAULT_HOTKEY", "Settings", "load_settings", "save_settings"]

DEFAULT_HOTKEY = "ctrl+alt+space"
DEFAULT_KEYBOARD_HOTKEY = "ctrl+alt+shift+space"
FILENAME = "settings.json"


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    hotkey: str = Field(DEFAULT_HOTKEY, description="Shows and hides the panel.")
    keyboard_hotkey: str = Field(
        DEFAULT_KEYBOARD_HOTKEY, description="Shows the panel and puts the keyboard in it.")
    panel_side: Literal["auto", "left", "right"] = Field(
        "auto", description="auto: beside the window in front, on the side with more room.")
    theme: Literal["system", "light", "dark"] = "system"
    roles: tuple[str, ...] = Field((), description="Your roles; wizards for other roles are hidden.")
    preferred_mode: Literal["wizard", "glass", "black"] = Field(
        "wizard", description="wizard: each wizard's own default.")
    autostart: bool = Field(True, description="Start Wayguide when you log in.")

    @field_validator("hotkey", "keyboard_hotkey")
    @classmethod
    def _combo(cls, value: str) -> str:
        return validate_combo(value)


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
        if key not in Settings.model_fields:
            problems.append(Diagnostic(str(path), _line_of(text, key), 1, "warning",
                                       f"unknown setting '{key}'", "ignored"))
            continue
        try:
            Settings.model_validate({key: value})
        except ValidationError as exc:
            message = exc.errors()[0]["msg"].removeprefix("Value error, ")
            problems.append(Diagnostic(str(path), _line_of(text, key), 1, "error",
                                       f"'{key}': {message}", "using the default"))
            continue
        good[key] = value
    return Settings.model_validate(good), problems


def save_settings(config_dir: Path, settings: Settings) -> Path:
    """Write atomically, so a crash never leaves half a file."""
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / FILENAME
    text = json.dumps(settings.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    fd, tmp = tempfile.mkstemp(dir=config_dir, prefix=".settings-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(tmp, path)
    return path


def _line_of(text: str, key: str) -> int:
    needle = json.dumps(key)
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 1
