"""The .deb and the frozen app in it: contents, command line, tray, toggle, hotkey, autostart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from app import __version__
from app.platform.autostart import XdgAutostart
from tests.desktop.test_tray_app import panel_windows, start_app, stop_app, tray_icons
from tests.desktop.xdesktop import Desktop, wait_for
from tests.packaging.conftest import ROOT, Installed


def field(deb: Path, name: str) -> str:
    return subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_package_is_named_and_laid_out_as_promised(installed: Installed) -> None:
    assert installed.deb.name == f"wayguide_{__version__}_amd64.deb"
    assert field(installed.deb, "Package") == "wayguide" and field(installed.deb, "Version") == __version__
    assert "libc6" in field(installed.deb, "Depends")
    control = subprocess.run(["dpkg-deb", "--ctrl-tarfile", str(installed.deb)], capture_output=True,
                             check=True).stdout
    assert b"./conffiles" in subprocess.run(["tar", "-t"], input=control, capture_output=True).stdout
    conffiles = subprocess.run(["tar", "-xO", "./conffiles"], input=control, capture_output=True,
                               check=True).stdout.decode().split()
    assert conffiles == ["/etc/wayguide/policy.yaml", "/etc/xdg/autostart/wayguide.desktop"]
    root = installed.root
    assert os.readlink(root / "usr" / "bin" / "wayguide") == "/opt/wayguide/wayguide"
    assert os.access(installed.program, os.X_OK)
    assert (root / "etc" / "wayguide" / "policy.yaml").read_text() == \
        (ROOT / "packaging" / "policy.yaml").read_text()
    assert (root / "usr" / "share" / "wayguide" / "wizards").is_dir()
    assert (root / "usr/share/wayguide/wizard.schema.json").read_text() == \
        (ROOT / "resources" / "wizard.schema.json").read_text()
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        assert (root / f"usr/share/icons/hicolor/{size}x{size}/apps/wayguide.png").is_file()
    assert (root / "usr/share/icons/hicolor/scalable/apps/wayguide.svg").is_file()
    entry = (root / "usr/share/applications/wayguide.desktop").read_text().splitlines()
    assert "Exec=wayguide" in entry and "Actions=toggle;" in entry
    action = entry[entry.index("[Desktop Action toggle]"):]
    assert "Name=Toggle panel" in action and "Exec=wayguide toggle" in action
    assert (root / "usr/share/doc/wayguide/copyright").is_file()
    assert (root / "usr/share/man/man1/wayguide.1.gz").is_file()
    assert (root / "usr/share/lintian/overrides/wayguide").is_file()
    internal = installed.program.parent / "_internal"
    qt = internal / "PySide6" / "Qt"
    assert not (qt / "qml").exists()
    shipped = sorted(p.name for p in (qt / "translations").iterdir())  # Qt's own words, only our languages
    assert shipped and all(name.startswith(("qtbase_de", "qtbase_nl", "qtbase_en")) for name in shipped)
    cldr = sorted(p.name for p in (internal / "babel" / "locale-data").iterdir())
    assert "de.dat" in cldr and "nl.dat" in cldr and "root.dat" in cldr and "nl_BE.dat" in cldr
    assert "fr.dat" not in cldr and "en_IN.dat" not in cldr and len(cldr) < 20
    assert sorted(p.name for p in (qt / "plugins").iterdir()) == [
        "iconengines", "imageformats", "platforminputcontexts", "platforms"]
    assert not list(internal.glob("libgtk-3*"))  # the GTK theme plugin and its stack stay out
    icu = next((qt / "lib").glob("libicudata.so.*"))
    assert icu.stat().st_size < 8_000_000  # packaging/trim_icu.py ran (Qt's own is 32 MB)


def frozen_env(tmp_path: Path, installed: Installed) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WAYGUIDE_")}
    env.update(WAYGUIDE_CONFIG_DIR=str(tmp_path / "c"), WAYGUIDE_DATA_DIR=str(tmp_path / "d"),
               WAYGUIDE_CACHE_DIR=str(tmp_path / "k"),
               WAYGUIDE_POLICY=str(installed.root / "etc" / "wayguide" / "policy.yaml"))
    return env


def test_the_frozen_command_line(installed: Installed, tmp_path: Path) -> None:
    env = frozen_env(tmp_path, installed)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(installed.program), *args], env=env, capture_output=True, text=True,
                              timeout=60)

    assert run("--version").stdout == f"wayguide {__version__}\n"
    done = run("validate")
    bundled = sorted((ROOT / "wizards").glob("*.yaml"))
    assert done.returncode == 0 and done.stderr == f"{len(bundled)} files: 0 errors, 0 warnings\n"
    rows = json.loads(run("list", "--json").stdout)
    assert sorted(Path(r["source"]).name for r in rows) == [p.name for p in bundled]
    assert all(Path(r["source"]).is_relative_to(installed.program.parent) for r in rows)
    bad = tmp_path / "bad.yaml"
    bad.write_text("wayguide: 1\nid: bad\ntitle: Bad\nsteps: [{id: a, title: A, do: [{tpye: x}]}]\n")
    done = run("validate", str(bad))
    assert done.returncode == 1
    assert done.stdout == f"{bad}:4:33: error: unknown action 'tpye' (did you mean 'type'?)\n"
    schema = json.loads((ROOT / "resources" / "wizard.schema.json").read_text())
    assert json.loads(run("schema").stdout) == schema
    doctor = run("doctor").stdout
    assert f"{installed.root}/etc/wayguide/policy.yaml (WAYGUIDE_POLICY; nothing set: the defaults)" in doctor
    page = tmp_path / "insights.html"  # what "Insights" in the tray opens: the template must be bundled
    done = run("report", "--format", "html", "--out", str(page))
    assert done.returncode == 0, done.stderr
    assert page.read_text().startswith("<!DOCTYPE html>") and "Wayguide insights" in page.read_text()


def test_the_frozen_command_line_signs_and_verifies(installed: Installed, tmp_path: Path) -> None:
    """cryptography is bundled: keygen, sign and validate of a signed folder, tampered with after."""
    env = frozen_env(tmp_path, installed)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(installed.program), *args], env=env, capture_output=True, text=True,
                              timeout=60)

    folder = tmp_path / "signed"
    shutil.copytree(ROOT / "wizards", folder)
    key = tmp_path / "publisher.key"
    done = run("keygen", "--out", str(key))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ed25519:") and (key.stat().st_mode & 0o777) == 0o600
    assert run("sign", str(folder), "--key", str(key)).returncode == 0
    assert run("validate", "-q", str(folder)).returncode == 0
    letter = sorted(folder.glob("*.yaml"))[0]
    letter.write_bytes(letter.read_bytes() + b"\n")
    done = run("validate", "-q", str(folder))
    assert done.returncode == 1
    assert done.stdout.startswith(f"{letter}: error: changed after signing ("), done.stdout


def test_the_frozen_app_docks_in_the_tray_and_toggles(desktop: Desktop, installed: Installed,
                                                      tmp_path: Path, artifacts: Path) -> None:
    app = start_app(desktop, tmp_path, command=[str(installed.program)])
    try:
        wait_for(lambda: tray_icons(desktop), 10, "the frozen app's icon inside the tray")
        assert app.cli(desktop, "toggle").returncode == 0
        wait_for(lambda: panel_windows(desktop), 10, "the panel to appear")
        desktop.screenshot(artifacts / "frozen-panel.png")
        assert app.cli(desktop, "toggle").returncode == 0
        wait_for(lambda: not panel_windows(desktop), 10, "the panel to hide")
        desktop.key("ctrl+alt+space")  # pynput's X11 backend made it into the bundle
        wait_for(lambda: panel_windows(desktop), 10, "the panel after the hotkey")
        desktop.key("ctrl+alt+space")
        wait_for(lambda: not panel_windows(desktop), 10, "the panel to hide after the hotkey")
    finally:
        stop_app(app)
    log = (tmp_path / "app.log").read_text()
    assert "Traceback" not in log and "warning: no global hotkey" not in log, log


def test_the_packaged_autostart_entry_is_switched_off_per_person(installed: Installed,
                                                                 tmp_path: Path) -> None:
    start = XdgAutostart(tmp_path / "config", [installed.root / "etc" / "xdg"], ["wayguide"])
    assert start.enabled()
    start.set_enabled(False)
    assert not start.enabled() and "Hidden=true" in start.user_entry.read_text()
    start.set_enabled(True)
    assert start.enabled() and not start.user_entry.exists()
