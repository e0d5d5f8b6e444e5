"""X11 access through python-xlib: the window in front (EWMH)."""

from __future__ import annotations

import os
from typing import Any

from app.i18n import N_
from app.ports import ProbeUnavailable, WindowInfo

__all__ = ["X11WindowProbe"]


class X11WindowProbe:
    def __init__(self, display: str | None = None) -> None:
        from Xlib import X, error
        from Xlib import display as xdisplay

        self._X = X
        try:
            self._display: Any = xdisplay.Display(display)
        except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
            raise ProbeUnavailable(N_("cannot open the X display: {problem}"), problem=exc) from None
        self._root = self._display.screen().root
        self._atoms: dict[str, int] = {}

    def _atom(self, name: str) -> int:
        if name not in self._atoms:
            self._atoms[name] = self._display.intern_atom(name)
        return self._atoms[name]

    def _property(self, window: Any, name: str, kind: int) -> Any:
        from Xlib import error

        try:
            prop = window.get_full_property(self._atom(name), kind)
        except error.XError:
            return None
        return prop.value if prop is not None else None

    def pointer(self) -> tuple[int, int]:
        """Where the mouse pointer is on the desktop."""
        try:
            where = self._root.query_pointer()
        except Exception as exc:  # the display went away
            raise ProbeUnavailable(N_("the pointer cannot be found ({problem})"), problem=exc) from None
        return int(where.root_x), int(where.root_y)

    def active_window(self) -> WindowInfo | None:
        value = self._property(self._root, "_NET_ACTIVE_WINDOW", self._X.AnyPropertyType)
        if value is None or not len(value) or not value[0]:
            return None
        return self.describe(int(value[0]))

    def windows(self) -> list[WindowInfo]:
        value = self._property(self._root, "_NET_CLIENT_LIST", self._X.AnyPropertyType)
        found = (self.describe(int(handle)) for handle in (value if value is not None else ()))
        return [w for w in found if w is not None]

    def describe(self, handle: int) -> WindowInfo | None:
        from Xlib import error

        window = self._display.create_resource_object("window", handle)
        try:
            wm_class = window.get_wm_class() or ("", "")
        except error.XError:
            return None
        title = self._property(window, "_NET_WM_NAME", self._X.AnyPropertyType)  # UTF8_STRING, or not
        if not title:
            title = self._property(window, "WM_NAME", self._X.AnyPropertyType)
        if isinstance(title, bytes):
            title = title.decode("utf-8", "replace")
        pid_value = self._property(window, "_NET_WM_PID", self._X.AnyPropertyType)
        pid = int(pid_value[0]) if pid_value is not None and len(pid_value) else 0
        exe = ""
        if pid:
            try:
                exe = os.path.basename(os.readlink(f"/proc/{pid}/exe"))
            except OSError:
                exe = ""
        try:
            shown = window.get_attributes().map_state == self._X.IsViewable
        except error.XError:
            return None
        return WindowInfo(app=wm_class[0], klass=wm_class[1], title=str(title or ""), exe=exe,
                          pid=pid, handle=handle, geometry=self._geometry(window), shown=shown)

    def dialog(self, handle: int) -> bool:
        """Whether the window is a dialog: of type _NET_WM_WINDOW_TYPE_DIALOG, or transient for another."""
        window = self._display.create_resource_object("window", handle)
        kinds = self._property(window, "_NET_WM_WINDOW_TYPE", self._X.AnyPropertyType)
        if kinds is not None and self._atom("_NET_WM_WINDOW_TYPE_DIALOG") in list(kinds):
            return True
        owner = self._property(window, "WM_TRANSIENT_FOR", self._X.AnyPropertyType)
        return owner is not None and len(owner) > 0 and bool(owner[0])

    def _geometry(self, window: Any) -> tuple[int, int, int, int] | None:
        from Xlib import error

        try:
            geometry = window.get_geometry()
            origin = window.translate_coords(self._root, 0, 0)
        except error.XError:
            return None
        return -origin.x, -origin.y, int(geometry.width), int(geometry.height)

    def activate(self, handle: int) -> None:
        """Ask the window manager (EWMH) to activate the window, as a pager would."""
        from Xlib import X, protocol

        window = self._display.create_resource_object("window", handle)
        event = protocol.event.ClientMessage(
            window=window, client_type=self._atom("_NET_ACTIVE_WINDOW"),
            data=(32, [2, X.CurrentTime, 0, 0, 0]))
        self._root.send_event(event, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
        self._display.flush()

    def close(self) -> None:
        self._display.close()
