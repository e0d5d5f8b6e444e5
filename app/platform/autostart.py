"""Start at login: the XDG autostart entry, the Windows Run key, the macOS LaunchAgent.

Installed packages start Wayguide for everyone (/etc/xdg/autostart, the machine's Run key); the
person switches that off for themselves with an override (Hidden=true in ~/.config/autostart, a
"disabled" mark under StartupApproved), or on with their own entry where none was installed.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from app.format.files import write_atomic
from app.ports import Autostart

__all__ = ["Autostart", "LaunchAgent", "Registry", "WindowsRun", "XdgAutostart", "autostart", "command"]

NAME = "wayguide"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
RUN_VALUE = "Wayguide"
# StartupApproved values: 12 bytes, the first 2 (even) means enabled, 3 (odd) disabled
APPROVED_ON = bytes([2]) + bytes(11)
APPROVED_OFF = bytes([3]) + bytes(11)
AGENT_LABEL = "org.wayguide.Wayguide"


def command() -> list[str]:
    """How this Wayguide is started: the frozen executable, else this Python with `-m app`."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "app"]


# ----------------------------------------------------------------- Linux, BSD


class XdgAutostart:
    """The freedesktop.org autostart spec: the first `wayguide.desktop` found in the person's
    folder, then the system folders, decides; Hidden=true there means "do not start"."""

    def __init__(self, config_home: Path, config_dirs: Sequence[Path], argv: Sequence[str]) -> None:
        self.user_entry = config_home / "autostart" / f"{NAME}.desktop"
        self.system_entries = [d / "autostart" / f"{NAME}.desktop" for d in config_dirs]
        self.argv = list(argv)

    @classmethod
    def from_env(cls, env: Mapping[str, str], argv: Sequence[str]) -> XdgAutostart:
        home = Path(env.get("XDG_CONFIG_HOME") or Path(env.get("HOME", "~")).expanduser() / ".config")
        dirs = [Path(d) for d in (env.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":") if d]
        return cls(home, dirs, argv)

    def _system(self) -> Path | None:
        return next((p for p in self.system_entries if p.is_file()), None)

    def enabled(self) -> bool:
        entry = self.user_entry if self.user_entry.is_file() else self._system()
        if entry is None:
            return False
        keys = _desktop_keys(entry)
        return (keys.get("Hidden", "false").lower() != "true"
                and keys.get("X-GNOME-Autostart-enabled", "true").lower() != "false")

    def set_enabled(self, on: bool) -> None:
        system = self._system()
        if on and system is not None:
            self.user_entry.unlink(missing_ok=True)  # the installed entry applies again
            if self.enabled():
                return
        if not on and system is None:
            self.user_entry.unlink(missing_ok=True)
            return
        lines = ["[Desktop Entry]", "Type=Application", "Name=Wayguide",
                 f"Exec={_exec_line(self.argv)}", "X-GNOME-Autostart-enabled=true"]
        if not on:
            lines = ["[Desktop Entry]", "Type=Application", "Name=Wayguide", "Hidden=true"]
        write_atomic(self.user_entry, ("\n".join(lines) + "\n").encode())


def _desktop_keys(path: Path) -> dict[str, str]:
    keys: dict[str, str] = {}
    group = ""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return keys
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            group = line
        elif group == "[Desktop Entry]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys[key.strip()] = value.strip()
    return keys


def _exec_line(argv: Sequence[str]) -> str:
    """Exec= quoting of the desktop entry spec: arguments with reserved characters in double quotes."""
    def quote(arg: str) -> str:
        if arg and not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`%'):
            return arg
        escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
        return f'"{escaped}"'.replace("%", "%%")

    return " ".join(quote(a) for a in argv)


# ---------------------------------------------------------------------- Windows


class Registry(Protocol):
    """The few registry operations autostart needs; `hive` is "HKCU" or "HKLM"."""

    def get(self, hive: str, key: str, name: str) -> str | bytes | None: ...
    def set(self, hive: str, key: str, name: str, value: str | bytes) -> None: ...
    def delete(self, hive: str, key: str, name: str) -> None: ...


class WinRegistry:
    """The real registry (winreg), imported only on Windows."""

    def __init__(self) -> None:
        self._winreg: Any = importlib.import_module("winreg")

    def _hive(self, hive: str) -> Any:
        return self._winreg.HKEY_CURRENT_USER if hive == "HKCU" else self._winreg.HKEY_LOCAL_MACHINE

    def get(self, hive: str, key: str, name: str) -> str | bytes | None:
        try:
            with self._winreg.OpenKey(self._hive(hive), key) as handle:
                value, _ = self._winreg.QueryValueEx(handle, name)
        except OSError:
            return None
        return value if isinstance(value, str | bytes) else None

    def set(self, hive: str, key: str, name: str, value: str | bytes) -> None:
        kind = self._winreg.REG_BINARY if isinstance(value, bytes) else self._winreg.REG_SZ
        with self._winreg.CreateKey(self._hive(hive), key) as handle:
            self._winreg.SetValueEx(handle, name, 0, kind, value)

    def delete(self, hive: str, key: str, name: str) -> None:
        try:
            with self._winreg.OpenKey(self._hive(hive), key, 0, self._winreg.KEY_SET_VALUE) as handle:
                self._winreg.DeleteValue(handle, name)
        except OSError:
            pass


class WindowsRun:
    """The Run key: the installer's entry for everyone (HKLM), the person's own (HKCU), and the
    person's "disabled" mark under StartupApproved (what Task Manager's Startup tab writes)."""

    def __init__(self, registry: Registry, argv: Sequence[str]) -> None:
        self.registry = registry
        self.argv = list(argv)

    def _machine(self) -> bool:
        return self.registry.get("HKLM", RUN_KEY, RUN_VALUE) is not None

    def enabled(self) -> bool:
        if self.registry.get("HKCU", RUN_KEY, RUN_VALUE) is None and not self._machine():
            return False
        approved = self.registry.get("HKCU", APPROVED_KEY, RUN_VALUE)
        return not (isinstance(approved, bytes) and approved[:1] and approved[0] & 1)

    def set_enabled(self, on: bool) -> None:
        if on:
            if not self._machine():
                self.registry.set("HKCU", RUN_KEY, RUN_VALUE, _windows_command(self.argv))
            if self.registry.get("HKCU", APPROVED_KEY, RUN_VALUE) is not None:
                self.registry.set("HKCU", APPROVED_KEY, RUN_VALUE, APPROVED_ON)
        else:
            self.registry.delete("HKCU", RUN_KEY, RUN_VALUE)
            if self._machine():
                self.registry.set("HKCU", APPROVED_KEY, RUN_VALUE, APPROVED_OFF)


def _windows_command(argv: Sequence[str]) -> str:
    import subprocess

    return subprocess.list2cmdline(list(argv))


# ------------------------------------------------------------------------ macOS


class LaunchAgent:
    """A LaunchAgent in ~/Library/LaunchAgents that runs Wayguide at load (login)."""

    def __init__(self, agents_dir: Path, argv: Sequence[str]) -> None:
        self.path = agents_dir / f"{AGENT_LABEL}.plist"
        self.argv = list(argv)

    def enabled(self) -> bool:
        import plistlib  # macOS only: the Linux and Windows bundles leave it out

        try:
            data = plistlib.loads(self.path.read_bytes())
        except (OSError, plistlib.InvalidFileException, ValueError):
            return False
        return bool(data.get("RunAtLoad")) and not data.get("Disabled", False)

    def set_enabled(self, on: bool) -> None:
        import plistlib

        if not on:
            self.path.unlink(missing_ok=True)
            return
        plist = {"Label": AGENT_LABEL, "ProgramArguments": self.argv, "RunAtLoad": True,
                 "ProcessType": "Interactive", "LimitLoadToSessionType": "Aqua"}
        write_atomic(self.path, plistlib.dumps(plist))


def autostart(platform: str | None = None, env: Mapping[str, str] | None = None,
              argv: Sequence[str] | None = None) -> Autostart:
    """The implementation for this OS."""
    platform = sys.platform if platform is None else platform
    env = os.environ if env is None else env
    argv = command() if argv is None else argv
    if platform == "win32":
        return WindowsRun(WinRegistry(), argv)
    if platform == "darwin":
        home = Path(env.get("HOME", "~")).expanduser()
        return LaunchAgent(home / "Library" / "LaunchAgents", argv)
    return XdgAutostart.from_env(env, argv)
