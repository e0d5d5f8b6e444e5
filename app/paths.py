"""Where Wayguide keeps things: config, data, wizard folders, policy (platformdirs + overrides)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["Paths", "expand_user"]

APP = "wayguide"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    cache_dir: Path
    bundled_wizards: Path
    system_wizards: Path
    policy_file: Path
    extra_wizards: tuple[Path, ...] = ()
    """From WAYGUIDE_WIZARDS (os.pathsep-separated): folders or single files."""
    policy_override: Path | None = None
    """From WAYGUIDE_POLICY: used only where `policy_file` (the system policy) does not exist."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Paths:
        env = os.environ if env is None else env
        extra = tuple(Path(os.path.expanduser(p)) for p in env.get("WAYGUIDE_WIZARDS", "").split(
            os.pathsep) if p)  # '~nosuchuser/x' stays as written (a missing folder), never raises
        return cls(
            config_dir=Path(env.get("WAYGUIDE_CONFIG_DIR") or platformdirs.user_config_dir(APP)),
            data_dir=Path(env.get("WAYGUIDE_DATA_DIR") or platformdirs.user_data_dir(APP)),
            cache_dir=Path(env.get("WAYGUIDE_CACHE_DIR") or platformdirs.user_cache_dir(APP)),
            bundled_wizards=bundled_dir("wizards"),
            system_wizards=_system_dir() / "wizards",
            policy_file=_system_config_dir() / "policy.yaml",
            extra_wizards=extra,
            policy_override=Path(env["WAYGUIDE_POLICY"]) if env.get("WAYGUIDE_POLICY") else None,
        )

    @property
    def user_wizards(self) -> Path:
        return self.data_dir / "wizards"

    @property
    def source_copies(self) -> Path:
        """The last good copies of the HTTPS sources and network shares, with their state."""
        return self.cache_dir / "sources"


def expand_user(path: Path) -> Path:
    """`~` and `~user` expanded; a path naming a user who does not exist stays as written (it then
    names no folder, and the library reports nothing there) instead of raising."""
    try:
        return path.expanduser()
    except (RuntimeError, KeyError):
        return path


def bundled_dir(name: str) -> Path:
    """A folder shipped with the program: from the source tree or the frozen bundle."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parent.parent
    return root / name


def _system_dir() -> Path:
    if sys.platform.startswith("linux"):
        return Path("/usr/share") / APP
    return Path(platformdirs.site_data_dir(APP, appauthor=False))  # Windows: %ProgramData%\wayguide


def _system_config_dir() -> Path:
    if sys.platform.startswith("linux"):
        return Path("/etc") / APP
    return Path(platformdirs.site_config_dir(APP, appauthor=False))
