"""A clipboard watcher as clipboard managers are (Klipper, CopyQ, clipman): it reads CLIPBOARD and PRIMARY the
instant their owner changes (XFixes selection notify) and again a little later, and prints what it read,
one JSON line each. Also the helpers the tests use to read a selection as any other X client does.

    python -m tests.desktop.clipwatch [--later S,S...]    watch, as a clipboard manager
    python -m tests.desktop.clipwatch --own TEXT            be the person's clipboard: own CLIPBOARD and
                                                            PRIMARY with TEXT until another program takes both
"""

from __future__ import annotations

import argparse
import json
import select
import sys
import time
from typing import Any

from Xlib import X, Xatom, display
from Xlib.ext import xfixes

SELECTIONS = ("CLIPBOARD", "PRIMARY")


def read_selection(d: Any, selection: str, target: str = "UTF8_STRING", timeout: float = 2.0) -> bytes | None:
    """What the owner of `selection` gives for `target` (None: no owner, refused, or no answer in time)."""
    window = getattr(d, "_clipwatch_window", None)
    if window is None:
        window = d.screen().root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
        d._clipwatch_window = window
    prop = d.intern_atom("CLIPWATCH")
    sel = d.intern_atom(selection)
    if d.get_selection_owner(sel) == X.NONE:
        return None
    window.convert_selection(sel, d.intern_atom(target), prop, X.CurrentTime)
    d.flush()
    backlog: list[Any] = getattr(d, "_clipwatch_backlog", [])
    d._clipwatch_backlog = backlog
    deadline = time.monotonic() + timeout
    while True:
        while d.pending_events():
            event = d.next_event()
            if event.type != X.SelectionNotify or event.selection != sel:
                backlog.append(event)
                continue
            if True:
                if event.property == X.NONE:
                    return None
                got = window.get_full_property(prop, X.AnyPropertyType, sizehint=1 << 20)
                window.delete_property(prop)
                d.flush()
                if got is None:
                    return None
                value = got.value
                if isinstance(value, str):
                    return value.encode("latin-1")
                if isinstance(value, bytes):
                    return value
                return b",".join(str(int(v)).encode() for v in value)  # (TARGETS: a list of atoms)
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([d], [], [], remaining)[0]:
            return None


def targets(d: Any, selection: str = "CLIPBOARD") -> list[str]:
    """The target names the owner of `selection` offers."""
    got = read_selection(d, selection, "TARGETS")
    if not got:
        return []
    return [d.get_atom_name(int(atom)) for atom in got.split(b",")]


def own(d: Any, selection: str, text: str) -> Any:
    """Make a window of `d` own `selection` with `text`; call `serve(d)` to answer requests for it."""
    window = d.screen().root.create_window(0, 0, 1, 1, 0, X.CopyFromParent)
    window.set_selection_owner(d.intern_atom(selection), X.CurrentTime)
    d.sync()
    owned = getattr(d, "_clipwatch_owned", {})
    owned[d.intern_atom(selection)] = text.encode()
    d._clipwatch_owned = owned
    return window


def serve(d: Any) -> None:
    """Answer the selection requests waiting for the selections `own` took (UTF8_STRING, STRING, TARGETS)."""
    owned: dict[int, bytes] = getattr(d, "_clipwatch_owned", {})
    while d.pending_events():
        event = d.next_event()
        if event.type == X.SelectionClear:
            owned.pop(event.atom, None)
            continue
        if event.type != X.SelectionRequest:
            continue
        data = owned.get(event.selection)
        prop = event.property or event.target
        utf8, string, targets_atom = (d.intern_atom(n) for n in ("UTF8_STRING", "STRING", "TARGETS"))
        if data is None:
            prop = X.NONE
        elif event.target == targets_atom:
            event.requestor.change_property(prop, Xatom.ATOM, 32, [targets_atom, utf8, string])
        elif event.target in (utf8, string):
            event.requestor.change_property(prop, event.target, 8, data)
        else:
            prop = X.NONE
        from Xlib.protocol import event as xevent

        event.requestor.send_event(xevent.SelectionNotify(
            time=event.time, requestor=event.requestor, selection=event.selection, target=event.target,
            property=prop))
        d.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--later", default="0.03",
                        help="read each change again these many seconds later (comma-separated; 0: not)")
    parser.add_argument("--own", metavar="TEXT", help="own CLIPBOARD and PRIMARY with TEXT instead")
    args = parser.parse_args(argv)
    d = display.Display()
    if args.own is not None:
        for name in SELECTIONS:
            own(d, name, args.own)
        print(json.dumps({"ready": True}), flush=True)
        while getattr(d, "_clipwatch_owned", None):
            select.select([d], [], [], 1.0)
            serve(d)
        return 0
    d.xfixes_query_version()
    root = d.screen().root
    for name in SELECTIONS:
        d.xfixes_select_selection_input(root, d.intern_atom(name), xfixes.XFixesSetSelectionOwnerNotifyMask)
    d.sync()
    print(json.dumps({"ready": True}), flush=True)
    later: list[tuple[float, str]] = []
    while True:
        changed: list[str] = []
        backlog: list[Any] = getattr(d, "_clipwatch_backlog", [])
        while backlog or d.pending_events():
            event = backlog.pop(0) if backlog else d.next_event()
            if type(event).__name__ == "SetSelectionOwnerNotify" and event.owner:  # (python-xlib loads its
                # extension modules anew: isinstance against xfixes.SetSelectionOwnerNotify fails)
                changed.append(d.get_atom_name(event.selection))
        for name in changed:
            report(d, name, "at once")
            for delay in (float(part) for part in args.later.split(",")):
                if delay > 0:
                    later.append((time.monotonic() + delay, name))
        now = time.monotonic()
        for when, name in [item for item in later if item[0] <= now]:
            later.remove((when, name))
            report(d, name, "later")
        timeout = min((when for when, _ in later), default=now + 1.0) - time.monotonic()
        select.select([d], [], [], max(timeout, 0))


def report(d: Any, selection: str, when: str) -> None:
    got = read_selection(d, selection)
    print(json.dumps({"selection": selection, "when": when,
                      "text": got.decode("utf-8", "replace") if got is not None else None}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
