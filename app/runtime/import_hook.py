"""PySide6's import hook, made to keep nothing.

Once PySide6 is imported it checks every module imported after it for the word "PySide6" in its source
(modules that use PySide6 may opt in to `from __feature__ import …`). It reads the source through
`inspect.getsource`, which keeps every module's source lines in `linecache` for the life of the process:
all of pydantic, jinja2, Xlib, pynput and Wayguide itself. Measured on the test desktop, the tray app idle
with the bundled library loaded: 77.8 MiB RSS with that, 72.6 MiB with the same check made by reading each
file once (the bare PySide6 tray app: 58.2 MiB). The answer for each module stays the same."""

from __future__ import annotations

import sys
from types import ModuleType

__all__ = ["check_sources_without_keeping_them", "import_pyside_keeping_no_sources", "uses_pyside"]

_FEATURE_MODULE = "shibokensupport.feature"


def import_pyside_keeping_no_sources() -> bool:
    """Import PySide6's core, which installs the hook, and give the hook the check that keeps nothing; to be
    called before anything else is imported (each module imported before keeps its source, and the first
    check imports `inspect` and what it needs)."""
    import PySide6.QtCore  # noqa: F401

    return check_sources_without_keeping_them()


def check_sources_without_keeping_them() -> bool:
    """Give PySide6's hook a check that reads the module's file and keeps nothing; True when it was given
    (False when this PySide6 has no such hook, or PySide6 is not imported yet: nothing changes)."""
    feature = sys.modules.get(_FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
    return True


def uses_pyside(module: ModuleType) -> bool:
    """Whether the source file of `module` names PySide6; False for a module without one (built in,
    compiled, or in a bundle's archive), as PySide6's own check says when it cannot get the source."""
    spec = getattr(module, "__spec__", None)
    origin = getattr(spec, "origin", None)
    if not isinstance(origin, str) or not origin.endswith(".py"):
        return False
    try:
        with open(origin, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False
