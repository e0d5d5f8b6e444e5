"""The administrator's policy (policy.yaml): what IT decides for every person on the machine.

Read from /etc/wayguide/policy.yaml on Linux (the system config folder on Windows and macOS);
where that file does not exist, `WAYGUIDE_POLICY` may name another one (for trying a policy out):
a person cannot replace the system policy. No file means the defaults below. A bad file never stops
the app: each problem is one positioned line, the sections in error fall back to their (safe)
defaults and the rest of the policy holds.

    settings:            # values for the person's settings (same names as settings.json)
      hotkey: ctrl+alt+space
    locked: [hotkey]     # settings the person cannot change (shown disabled)
    modes: [glass, black]
    library: {folders: [/srv/share/wizards], urls: [https://intranet.example/wizards/],
              examples: true, personal: true, locked: false}
    trust: {keys: ["ed25519:BASE64…"], automation: any}   # any | admin | signed
    run: {allowed: false, folders: []}   # `run` actions; no folders: the system-wide folder only
    usage: {enabled: true, search_queries: false, retention_days: 180}
    learning: {reviews: true, fade_after: 3}   # spaced review nudges; runs before the short version
    lrs:
      endpoint: https://lrs.example.com/xapi/
      credentials: {env: WAYGUIDE_LRS_AUTH}   # or {file: /etc/wayguide/lrs-credentials}

The policy is built from the file at every start (app/policy/build.py: plain checks, no schema
library). The file's problems, as positioned lines, come from app/policy/check.py (pydantic and the
wizard loader's machinery) only when its bytes change; those lines, and never the policy, are kept
in the cache folder, which the person can write.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from app.format.diagnostics import Diagnostic
from app.i18n import ENGLISH, N_, NCS_, Phrase
from app.policy.settings import Settings

if TYPE_CHECKING:
    from app.format.model import Wizard

__all__ = ["AUTOMATION", "Checked", "Credentials", "Learning", "Lrs", "Policy", "Run", "Sources",
           "Trust", "Usage"]

Automation = Literal["any", "admin", "signed"]
AUTOMATION: tuple[Automation, ...] = ("any", "admin", "signed")
"""Which wizards may automate (black box, "Show me"): any; admin (from the system and policy folders,
or signed); signed (verified with one of the policy's keys)."""

_DOUBTS = {  # app.library.signing.FolderTrust.doubt, each as the whole sentence to translate
    "was changed after its publisher signed it": N_(
        "This wizard was changed after its publisher signed it, so Wayguide guides you through the steps "
        "instead of doing them."),
    "was added after its publisher signed it": N_(
        "This wizard was added after its publisher signed it, so Wayguide guides you through the steps "
        "instead of doing them."),
    "lies in a folder whose signature does not hold": N_(
        "This wizard lies in a folder whose signature does not hold, so Wayguide guides you through the "
        "steps instead of doing them."),
    "is signed by a publisher your administrator does not trust": N_(
        "This wizard is signed by a publisher your administrator does not trust, so Wayguide guides you "
        "through the steps instead of doing them."),
}

@dataclass(frozen=True)
class Credentials:
    """Where the LRS credentials ('key:secret') come from: exactly one of env, file, inline."""

    env: str | None = None
    file: Path | None = None
    inline: str | None = None
    allow_inline: bool = False

    def read(self, env: Mapping[str, str] | None = None) -> str | None:
        """The credentials, or None where they cannot be had. Never logged."""
        return self.fetch(env)[0]

    def fetch(self, env: Mapping[str, str] | None = None) -> tuple[str | None, Phrase]:
        """The credentials, or None and why not (one clause naming the fix, for `wayguide doctor`
        and the app's start-up line; never the secret itself; "" when they were found)."""
        env = os.environ if env is None else env
        if self.env is not None:
            found = env.get(self.env) or None
            return found, _FOUND if found else Phrase(N_("the environment variable {name} is not set"),
                                                      name=self.env)
        if self.file is not None:
            file = self.file
            try:
                found = file.read_text(encoding="utf-8").strip() or None
            except PermissionError:
                return None, Phrase(N_("the credentials file {file} cannot be read by this user (permission "
                                       "denied): make it readable by the group 'wayguide' (chgrp wayguide "
                                       "{file}; chmod 640 {file}) and add the person to that group; see the "
                                       "README, 'Sending usage data'"), file=file)
            except FileNotFoundError:
                return None, Phrase(N_("the credentials file {file} does not exist"), file=file)
            except (OSError, UnicodeDecodeError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else Phrase(N_("not text"))
                return None, Phrase(N_("the credentials file {file} cannot be read ({problem})"), file=file,
                                    problem=reason)
            return found, _FOUND if found else Phrase(N_("the credentials file {file} is empty"), file=file)
        return self.inline, _FOUND if self.inline else Phrase(N_("the inline credentials are empty"))


_FOUND = Phrase("")


@dataclass(frozen=True)
class Lrs:
    endpoint: str
    """The xAPI endpoint of the Learning Record Store."""
    credentials: Credentials | None = None


@dataclass(frozen=True)
class Run:
    allowed: bool = False
    """Whether wizards may start programs (`run` actions)."""
    folders: tuple[Path, ...] = ()
    """Only wizard files under these folders may (the system-wide folder when none were given)."""


@dataclass(frozen=True)
class Sources:
    """Where wizards come from (the policy's `library` section)."""

    folders: tuple[Path, ...] = ()
    """Extra wizard folders (e.g. a network share), after the system-wide one."""
    urls: tuple[str, ...] = ()
    """HTTPS sources (checked: https, a host, no credentials in the address)."""
    examples: bool = True
    """Whether the bundled example wizards are listed."""
    personal: bool = True
    """Whether the person's own folder and WAYGUIDE_WIZARDS are read."""
    locked: bool = False
    """Whether the company's wizards (system and policy folders) win over personal ones of the same id."""


@dataclass(frozen=True)
class Trust:
    """Whose wizards may automate (the policy's `trust` section)."""

    keys: tuple[bytes, ...] = ()
    """The content publishers' ed25519 public keys (32 raw bytes each)."""
    automation: Automation = "any"


@dataclass(frozen=True)
class Usage:
    enabled: bool = True
    """Record which wizards are used and how far people get (never what anybody types)."""
    search_queries: bool = False
    """Whether what people search for may be stored."""
    retention_days: int = 180
    """Usage events (and statements not yet sent) older than this are deleted at start-up."""


@dataclass(frozen=True)
class Learning:
    """The learning loop (the policy's `learning` section)."""

    reviews: bool = True
    """Whether a wizard's review questions are scheduled and Wayguide nudges when one is due."""
    fade_after: int = 3
    """Unaided glass-box completions of a wizard after which its short version is offered; 0: never."""


@dataclass(frozen=True)
class Policy:
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Values for the person's settings (checked, normalised: Settings field names)."""
    locked: tuple[str, ...] = ()
    """Settings the person cannot change."""
    modes: tuple[str, ...] = ("glass", "black")
    library: Sources = field(default_factory=Sources)
    trust: Trust = field(default_factory=Trust)
    run: Run = field(default_factory=Run)
    usage: Usage = field(default_factory=Usage)
    learning: Learning = field(default_factory=Learning)
    lrs: Lrs | None = None
    """Where usage statements are sent; None: nowhere."""
    source: Path | None = field(default=None, compare=False)
    """The file it came from; None when there was none."""
    origin: Phrase = field(default=Phrase(N_("no policy file: the defaults")), compare=False)
    """Where it came from, in words, for `wayguide doctor`."""

    @property
    def library_folders(self) -> tuple[Path, ...]:
        """Extra wizard folders (e.g. a network share), after the system-wide one."""
        return self.library.folders

    def may_automate(self, trust: str) -> bool:
        """Whether a wizard of this trust ("unsigned", "admin", "signed": app.library.layers.Trust) may
        run black box or "Show me"."""
        rule = self.trust.automation
        return rule == "any" or trust == "signed" or (rule == "admin" and trust == "admin")

    def automation_refusal(self, trust: str, doubt: str = "",
                           tr: gettext.NullTranslations = ENGLISH) -> str:
        """Why a wizard of this trust may not automate, one sentence for the person in the language of `tr`;
        "" when it may. `doubt`: why its signature is not trusted (app.library.signing.FolderTrust.doubt)."""
        _ = tr.gettext
        if self.may_automate(trust):
            return ""
        if doubt in _DOUBTS:
            return _(_DOUBTS[doubt])
        if doubt:
            return _("This wizard {doubt}, so Wayguide guides you through the steps instead of doing them."
                     ).format(doubt=doubt)
        if self.trust.automation == "admin":
            return _("Your administrator lets Wayguide do the work only for wizards from the company's "
                     "wizard folders, so this one guides you through the steps.")
        return _("Your administrator lets Wayguide do the work only for wizards signed by a trusted "
                 "publisher, so this one guides you through the steps.")

    def allows_run(self, wizard_path: Path | None) -> bool:
        """Whether a wizard loaded from this file may perform `run` actions."""
        if not self.run.allowed or wizard_path is None:
            return False
        real = Path(os.path.realpath(wizard_path))
        return any(real.is_relative_to(os.path.realpath(folder)) for folder in self.run.folders)

    def allows_mode(self, mode: str) -> bool:
        return mode in self.modes

    def modes_for(self, allowed: tuple[str, ...], trust: str = "signed") -> tuple[str, ...]:
        """A wizard's modes (in its order) that the policy allows for a wizard of this trust (black box
        only where it may automate); empty: it cannot run here."""
        black = self.may_automate(trust)
        return tuple(m for m in allowed if m in self.modes and (black or m != "black"))

    def restrict(self, wizard: Wizard, trust: str = "signed") -> Wizard | None:
        """The wizard limited to the allowed modes; None when it allows none of them."""
        modes = self.modes_for(wizard.allowed_modes, trust)
        if not modes:
            return None
        if modes == wizard.allowed_modes:
            return wizard
        return wizard.model_copy(update={"modes": list(modes)})

    def apply(self, settings: Settings) -> Settings:
        """The person's settings with the administrator's in force: locked ones always, the others
        where the person kept Wayguide's default; a preferred mode that is not allowed goes."""
        default = Settings()
        update: dict[str, Any] = {name: self.settings.get(name, getattr(default, name))
                                  for name in self.locked}
        for name, value in self.settings.items():
            if getattr(settings, name) == getattr(default, name):
                update.setdefault(name, value)
        mode = update.get("preferred_mode", settings.preferred_mode)
        if mode != "wizard" and mode not in self.modes:
            update["preferred_mode"] = "wizard"
        return settings.replace(**update) if update else settings

    def summary(self, tr: gettext.NullTranslations = ENGLISH) -> list[str]:
        """The policy in force, one line per part, for `wayguide doctor` (no secrets), in the language of
        `tr`."""
        _, keys = tr.gettext, len(self.trust.keys)
        values = ", ".join(f"{n}={_plain(v)}" for n, v in sorted(self.settings.items()))
        library = self.library
        lines = [
            _("settings: {values}").format(values=values or _("none set")),
            _("locked: {settings}").format(settings=", ".join(self.locked) or _("nothing")),
            _("modes: {modes}").format(modes=", ".join(tr.pgettext("policy mode", m) for m in self.modes)),
            _("library folders: {folders}").format(folders=", ".join(map(str, library.folders)) or _("none")),
            _("library URLs: {urls}").format(urls=", ".join(library.urls) or _("none")),
            _("library: {examples}, {personal}, {company}").format(
                examples=_("examples shown") if library.examples else _("examples hidden"),
                personal=_("personal wizards read") if library.personal else _("personal wizards not read"),
                company=(_("company wizards win over personal ones of the same id") if library.locked
                         else _("company wizards can be overridden"))),
            _("automation (black box, Show me): {rule}; {keys}").format(
                rule=_(_AUTOMATION_WORDS[self.trust.automation]),
                keys=tr.ngettext("{count} trusted key", "{count} trusted keys", keys).format(count=keys)),
            _("run actions: {allowed}").format(allowed=_("allowed from {folders}").format(
                folders=", ".join(map(str, self.run.folders))) if self.run.allowed else _("not allowed")),
            _("usage data: {on}, {queries}, {kept}").format(
                on=_("on") if self.usage.enabled else _("off"),
                queries=_("search queries stored") if self.usage.search_queries
                else _("search queries not stored"),
                kept=tr.ngettext("kept {count} day", "kept {count} days", self.usage.retention_days).format(
                    count=self.usage.retention_days)),
            _("learning: {reviews}, {short}").format(
                reviews=_("reviews on") if self.learning.reviews else _("reviews off"),
                short=tr.ngettext("short version offered after {count} unaided run",
                                  "short version offered after {count} unaided runs",
                                  self.learning.fade_after).format(count=self.learning.fade_after)
                if self.learning.fade_after else _("short version never offered")),
        ]
        if self.lrs is None:
            lines.append(_("LRS: none in the policy"))
        else:
            creds = self.lrs.credentials
            where = (_("none") if creds is None
                     else _("environment variable {name}").format(name=creds.env) if creds.env
                     else _("file {path}").format(path=creds.file) if creds.file
                     else _("written in the policy file"))
            lines.append(_("LRS: {endpoint} (credentials: {where})").format(endpoint=self.lrs.endpoint,
                                                                           where=where))
        return lines


_MODE_WORDS = NCS_("policy mode", "glass", "black")
"""The modes as the policy names them, said with the mode's name in another language ("begeleid (glass)")."""
_AUTOMATION_WORDS = {"any": N_("any wizard"),
                     "admin": N_("wizards from the system and policy folders, or signed"),
                     "signed": N_("signed wizards only")}


def _plain(value: Any) -> str:
    return ",".join(value) if isinstance(value, tuple | list) else str(value)


Checked = tuple[Policy, list[Diagnostic], tuple[int, int]]
"""A checked policy, its problems, and where its credentials file is named (line, col)."""
