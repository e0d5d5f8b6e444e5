"""Start at login on each OS, against temp folders and a fake registry."""

from __future__ import annotations

import plistlib
from pathlib import Path

import pytest

from app.platform.autostart import (
    APPROVED_KEY,
    APPROVED_OFF,
    RUN_KEY,
    LaunchAgent,
    WindowsRun,
    XdgAutostart,
    autostart,
)

ARGV = ["/opt/way guide/wayguide"]


def system_entry(root: Path) -> Path:
    path = root / "xdg" / "autostart" / "wayguide.desktop"
    path.parent.mkdir(parents=True)
    path.write_text("[Desktop Entry]\nType=Application\nName=Wayguide\nExec=wayguide\n")
    return path


def xdg(root: Path) -> XdgAutostart:
    return XdgAutostart(root / "home", [root / "nowhere", root / "xdg"], ARGV)


def test_xdg_with_the_installed_entry_is_switched_off_by_a_hidden_override(tmp_path: Path) -> None:
    installed = system_entry(tmp_path)
    before = installed.read_text()
    start = xdg(tmp_path)
    assert start.enabled()
    start.set_enabled(False)
    assert not start.enabled()
    override = tmp_path / "home" / "autostart" / "wayguide.desktop"
    assert "Hidden=true" in override.read_text().splitlines()
    start.set_enabled(True)
    assert start.enabled() and not override.exists()
    assert installed.read_text() == before  # the package's file is never touched


def test_xdg_without_an_installed_entry_writes_the_persons_own(tmp_path: Path) -> None:
    start = xdg(tmp_path)
    assert not start.enabled()
    start.set_enabled(True)
    entry = (tmp_path / "home" / "autostart" / "wayguide.desktop").read_text().splitlines()
    assert 'Exec="/opt/way guide/wayguide"' in entry and "Type=Application" in entry
    assert start.enabled()
    start.set_enabled(False)
    assert not start.enabled() and not (tmp_path / "home" / "autostart" / "wayguide.desktop").exists()


def test_xdg_honours_gnomes_switch_and_the_environment(tmp_path: Path) -> None:
    system_entry(tmp_path)
    own = tmp_path / "home" / "autostart" / "wayguide.desktop"
    own.parent.mkdir(parents=True)
    own.write_text("[Desktop Entry]\nType=Application\nX-GNOME-Autostart-enabled=false\n")
    assert not xdg(tmp_path).enabled()
    found = autostart("linux", {"XDG_CONFIG_HOME": str(tmp_path / "home"),
                                "XDG_CONFIG_DIRS": str(tmp_path / "xdg")}, ARGV)
    assert isinstance(found, XdgAutostart) and found.user_entry == own and not found.enabled()
    home = autostart("linux", {"HOME": str(tmp_path)}, ARGV)
    assert isinstance(home, XdgAutostart)
    assert home.user_entry == tmp_path / ".config" / "autostart" / "wayguide.desktop"
    assert home.system_entries == [Path("/etc/xdg/autostart/wayguide.desktop")]


class FakeRegistry:
    def __init__(self) -> None:
        self.values: dict[tuple[str, str, str], str | bytes] = {}

    def get(self, hive: str, key: str, name: str) -> str | bytes | None:
        return self.values.get((hive, key, name))

    def set(self, hive: str, key: str, name: str, value: str | bytes) -> None:
        self.values[(hive, key, name)] = value

    def delete(self, hive: str, key: str, name: str) -> None:
        self.values.pop((hive, key, name), None)


def test_windows_run_key_of_the_person() -> None:
    registry = FakeRegistry()
    start = WindowsRun(registry, [r"C:\Program Files\Wayguide\wayguide.exe"])
    assert not start.enabled()
    start.set_enabled(True)
    assert registry.values == {("HKCU", RUN_KEY, "Wayguide"): r'"C:\Program Files\Wayguide\wayguide.exe"'}
    assert start.enabled()
    start.set_enabled(False)
    assert registry.values == {} and not start.enabled()


def test_windows_machine_entry_is_switched_off_per_person() -> None:
    registry = FakeRegistry()
    registry.set("HKLM", RUN_KEY, "Wayguide", "wayguide.exe")  # what the installer wrote
    start = WindowsRun(registry, ["wayguide.exe"])
    assert start.enabled()
    start.set_enabled(False)
    assert registry.get("HKCU", APPROVED_KEY, "Wayguide") == APPROVED_OFF
    assert registry.get("HKLM", RUN_KEY, "Wayguide") == "wayguide.exe"
    assert not start.enabled()
    start.set_enabled(True)
    assert start.enabled() and registry.get("HKCU", RUN_KEY, "Wayguide") is None


def test_macos_launch_agent(tmp_path: Path) -> None:
    start = LaunchAgent(tmp_path / "Library" / "LaunchAgents", ARGV)
    assert not start.enabled()
    start.set_enabled(True)
    plist = plistlib.loads(start.path.read_bytes())
    assert plist["ProgramArguments"] == ARGV and plist["RunAtLoad"] is True
    assert plist["Label"] == start.path.stem and start.enabled()
    start.set_enabled(False)
    assert not start.path.exists() and not start.enabled()
    found = autostart("darwin", {"HOME": str(tmp_path)}, ARGV)
    assert isinstance(found, LaunchAgent) and found.path.parent == tmp_path / "Library" / "LaunchAgents"


@pytest.mark.parametrize("text", [b"", b"not a plist", plistlib.dumps({"RunAtLoad": True, "Disabled": True})])
def test_macos_unusable_or_disabled_agent_is_off(tmp_path: Path, text: bytes) -> None:
    start = LaunchAgent(tmp_path, ARGV)
    start.path.write_bytes(text)
    assert not start.enabled()
