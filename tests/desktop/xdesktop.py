"""A real X desktop for tests: Xvfb + openbox (EWMH) + trayer (system tray), and helpers."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], timeout: float = 10.0, what: str = "condition",
             interval: float = 0.02) -> T:
    """Poll until `condition()` is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


@dataclass
class Desktop:
    display: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _xlib: Any = None
    bus: str = ""
    """The D-Bus session bus of this desktop (its address), when started with accessibility."""
    scratch: list[Path] = field(default_factory=list)
    """Folders made for this desktop, removed when it stops."""

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("WAYLAND_DISPLAY", None)
        env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        if self.bus:
            env["DBUS_SESSION_BUS_ADDRESS"] = self.bus
            # GTK would keep its settings through the bus (dconf, in the real home): mousepad then
            # restored one test's documents in the next; in memory, as without a bus, nothing carries over
            env["GSETTINGS_BACKEND"] = "memory"
        return env

    def spawn(self, argv: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(list(argv), env=kwargs.pop("env", self.env),
                                   stdout=kwargs.pop("stdout", subprocess.DEVNULL),
                                   stderr=kwargs.pop("stderr", subprocess.DEVNULL), **kwargs)
        self.processes.append(process)
        return process

    def run(self, argv: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(argv), env=kwargs.pop("env", self.env), capture_output=True,
                              text=True, timeout=kwargs.pop("timeout", 30), **kwargs)

    def xlib(self) -> Any:
        if self._xlib is None:
            from Xlib import display

            self._xlib = display.Display(self.display)
        return self._xlib

    def root_property(self, name: str) -> Any:
        d = self.xlib()
        prop = d.screen().root.get_full_property(d.intern_atom(name), 0)
        return prop.value if prop is not None else None

    def active_window(self) -> int:
        value = self.root_property("_NET_ACTIVE_WINDOW")
        return int(value[0]) if value is not None and len(value) else 0

    def windows(self, name: str | None = None, klass: str | None = None,
                visible: bool = True, pid: int | None = None) -> list[int]:
        argv = ["xdotool", "search"]
        if visible:
            argv.append("--onlyvisible")
        if name is not None:
            argv += ["--name", name]
        elif klass is not None:
            argv += ["--class", klass]
        done = self.run(argv)
        found = [int(line) for line in done.stdout.split()]
        if pid is not None:  # only that process's windows (another test's may be there too)
            found = [w for w in found
                     if self.run(["xdotool", "getwindowpid", str(w)]).stdout.strip() == str(pid)]
        return found

    def wait_window(self, name: str | None = None, klass: str | None = None,
                    timeout: float = 10.0, pid: int | None = None) -> int:
        found = wait_for(lambda: self.windows(name, klass, pid=pid), timeout,
                         f"a window {name or klass!r}")
        return found[0]

    def window_name(self, window: int) -> str:
        return self.run(["xdotool", "getwindowname", str(window)]).stdout.strip()

    def tray_owner(self) -> int:
        d = self.xlib()
        owner = d.get_selection_owner(d.intern_atom("_NET_SYSTEM_TRAY_S0"))
        return int(getattr(owner, "id", owner))

    def key(self, *keys: str) -> None:
        self.run(["xdotool", "key", "--clearmodifiers", *keys], check=True)

    def activate(self, window: int) -> None:
        self.run(["xdotool", "windowactivate", "--sync", str(window)], check=True)

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.run(["import", "-display", self.display, "-window", "root", str(path)], check=True)
        return path

    def stop(self) -> None:
        if self._xlib is not None:
            with contextlib.suppress(Exception):
                self._xlib.close()
            self._xlib = None
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
        for folder in self.scratch:
            shutil.rmtree(folder, ignore_errors=True)


def _read_display_number(fd: int, xvfb: subprocess.Popen[bytes], timeout: float = 10) -> int:
    """The display number Xvfb writes to `fd` (a line) once it is ready."""
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or xvfb.poll() is not None:
            raise RuntimeError("Xvfb did not start (no display number)")
        if select.select([fd], [], [], remaining)[0]:
            chunk = os.read(fd, 16)
            if not chunk:
                raise RuntimeError("Xvfb did not start (no display number)")
            data += chunk
    return int(data)


def start_desktop(without: Sequence[str] = (), accessibility: bool = False) -> Desktop:
    """Xvfb, openbox and trayer on a free display; `without`: X extensions to leave out ("XTEST").
    With `accessibility`, also a D-Bus session bus and the AT-SPI bus launcher, as a desktop session
    has them: applications started afterwards expose their controls (GTK with no setting)."""
    missing = [t for t in ("Xvfb", "openbox", "trayer", "xdotool", "xterm", "import")
               if shutil.which(t) is None]
    if missing:
        raise RuntimeError(f"missing {', '.join(missing)}: run scripts/setup")
    off = [arg for name in without for arg in ("-extension", name)]
    # Xvfb picks a free display number itself and writes it to the pipe once it accepts connections:
    # several test runs (CI, parallel worktrees) starting at once never race for the same number.
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1920x1080x24",
                             "-nolisten", "tcp", *off], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, pass_fds=(write_end,))
    os.close(write_end)
    try:
        number = _read_display_number(read_end, xvfb)
    except BaseException:
        xvfb.kill()
        xvfb.wait()
        raise
    finally:
        os.close(read_end)
    desktop = Desktop(f":{number}")
    desktop.processes.append(xvfb)
    try:
        if accessibility:
            _start_accessibility(desktop)
        desktop.spawn(["openbox", "--sm-disable"])
        wait_for(lambda: desktop.root_property("_NET_SUPPORTING_WM_CHECK") is not None, 10,
                 "openbox")
        desktop.spawn(["trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                       "--height", "24", "--transparent", "false", "--SetDockType", "true"])
        wait_for(desktop.tray_owner, 10, "the trayer system tray")
    except BaseException:
        desktop.stop()
        raise
    return desktop


class KeyCounter:
    """Counts key presses on the X server (XInput 2 raw events, any sender) on a thread of its own."""

    def __init__(self, desktop: Desktop) -> None:
        from Xlib import display
        from Xlib.ext import xinput

        self._conn = display.Display(desktop.display)
        version = xinput.XIQueryVersion(display=self._conn.display, major_version=2, minor_version=2,
                                        opcode=self._conn.display.get_extension_major(xinput.extname))
        assert version.major_version == 2
        self._conn.screen().root.xinput_select_events([(xinput.AllMasterDevices, xinput.RawKeyPressMask)])
        self._conn.sync()
        self.count = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._count, daemon=True)

    def _count(self) -> None:
        while not self._done.is_set():
            while self._conn.pending_events():
                if self._conn.next_event().type == 35:  # GenericEvent: a raw key press
                    self.count += 1
            select.select([self._conn], [], [], 0.02)

    def wait_for(self, presses: int) -> None:
        wait_for(lambda: self.count >= presses, 30, f"{presses} key presses")

    def __enter__(self) -> KeyCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(5)
        self._conn.close()


AT_SPI_BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"


def _start_accessibility(desktop: Desktop) -> None:
    """A session bus (its address read from the pipe it writes it to) and the accessibility bus on it."""
    if shutil.which("dbus-daemon") is None or not os.access(AT_SPI_BUS_LAUNCHER, os.X_OK):
        raise RuntimeError("missing dbus-daemon or at-spi-bus-launcher: run scripts/setup")
    home = Path(tempfile.mkdtemp(prefix="wg-bus-"))  # the accessibility bus's socket and what the bus
    bus_env = {**desktop.env, "HOME": str(home), "XDG_RUNTIME_DIR": str(home)}  # starts stay apart
    read_end, write_end = os.pipe()
    try:
        desktop.spawn(["dbus-daemon", "--session", "--nofork", "--nopidfile", f"--print-address={write_end}"],
                      pass_fds=(write_end,), env=bus_env)
        os.close(write_end)
        write_end = -1
        with os.fdopen(read_end, "rb", closefd=False) as pipe:
            if not select.select([read_end], [], [], 10)[0]:
                raise RuntimeError("dbus-daemon did not start (no address)")
            desktop.bus = pipe.readline().decode().strip()
    finally:
        os.close(read_end)
        if write_end >= 0:
            os.close(write_end)
    desktop.scratch.append(home)
    desktop.spawn([AT_SPI_BUS_LAUNCHER, "--launch-immediately"],
                  env={**bus_env, "DBUS_SESSION_BUS_ADDRESS": desktop.bus})
    wait_for(lambda: "unix:" in desktop.run(
        ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus", "/org/a11y/bus",
         "org.a11y.Bus.GetAddress"]).stdout, 10, "the accessibility bus")
