"""The admin policy: positioned one-line errors, safe defaults per section, and what it allows."""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from app.format.loader import load_file
from app.paths import Paths
from app.policy.admin import Credentials, Learning, Policy, Sources, Trust
from app.policy.loading import load_policy, policy_in_force
from app.policy.settings import Settings

SETTING_NAMES = {f.name for f in dataclasses.fields(Settings)}

FULL = """\
settings:
  hotkey: ctrl+shift+g
  theme: dark
locked: [hotkey, autostart]
modes: [glass]
library:
  folders: [/srv/share/wizards]
run:
  allowed: true
  folders: [/srv/trusted]
usage: {enabled: false, search_queries: true}
lrs:
  endpoint: https://lrs.example.com/xapi/
  credentials: {env: WAYGUIDE_LRS_AUTH}
"""

WIZARD = "wayguide: 1\nid: w\ntitle: W\nsteps: [{id: a, title: A, do: [{keys: ctrl+s}]}]\n"


def write(tmp_path: Path, text: str, mode: int = 0o644) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    os.chmod(path, mode)
    return path


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    policy, problems = load_policy(tmp_path / "none.yaml")
    assert problems == [] and policy.source is None
    assert policy == Policy()
    assert policy.modes == ("glass", "black") and not policy.run.allowed and policy.lrs is None
    assert policy.usage.enabled and not policy.usage.search_queries
    assert "the defaults" in policy.origin


def test_a_full_policy_reads_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    policy, problems = load_policy(path, "WAYGUIDE_POLICY")
    assert problems == []
    assert policy.source == path and policy.origin == f"{path} (WAYGUIDE_POLICY)"
    assert policy.settings == {"hotkey": "ctrl+shift+g", "theme": "dark"}
    assert policy.locked == ("hotkey", "autostart")
    assert policy.modes == ("glass",)
    assert policy.library_folders == (Path("/srv/share/wizards"),)
    assert not policy.usage.enabled and policy.usage.search_queries
    assert policy.lrs is not None and policy.lrs.endpoint == "https://lrs.example.com/xapi/"
    assert policy.lrs.credentials is not None
    assert policy.lrs.credentials.read({"WAYGUIDE_LRS_AUTH": "key:secret"}) == "key:secret"
    assert policy.lrs.credentials.read({}) is None


def test_policy_in_force_follows_wayguide_policy(tmp_path: Path) -> None:
    path = write(tmp_path, "modes: [black]\n")
    paths = Paths.from_env({"WAYGUIDE_POLICY": str(path)})
    policy, _ = policy_in_force(paths, {"WAYGUIDE_POLICY": str(path)})
    assert policy.modes == ("black",) and "(WAYGUIDE_POLICY)" in policy.origin
    assert Paths.from_env({}).policy_file.name == "policy.yaml"


@pytest.mark.parametrize(("text", "line"), [
    ("setings: {}\n", "1:1: error: unknown key 'setings' (did you mean 'settings'?; this section's "
                      "defaults apply)"),
    ("settings:\n  hotkey: ctrl+alt+spce\n",
     "2:11: error: unknown key 'spce' (a single character or one of: enter, tab, space, escape, "
     "f1…f24, …; this section's defaults apply)"),
    ("locked: [theem]\n", "1:10: error: unknown setting 'theem' (did you mean 'theme'?; this "
                          "section's defaults apply)"),
    ("modes: [grey]\n", "1:9: error: expected 'glass' or 'black', got 'grey' (this section's "
                        "defaults apply)"),
    ("modes: []\n", "1:8: error: at least one mode must be allowed: glass or black (this section's "
                    "defaults apply)"),
    ("library:\n  folders: [share/wizards]\n",
     "2:13: error: 'share/wizards' is not an absolute path (write the full path, e.g. /srv/wizards; "
     "this section's defaults apply)"),
    ("modes: [glass\n", "2:1: error: YAML syntax: did not find expected ',' or ']' (the defaults "
                        "apply)"),
    ("- a list\n", "1:1: error: a policy file is a mapping of keys (this section's defaults apply)"),
    ("lrs: {endpoint: https://x, credentials: {}}\n",
     "1:41: error: credentials need exactly one of 'env', 'file' or 'inline' (this section's "
     "defaults apply)"),
])
def test_an_error_is_one_positioned_line(tmp_path: Path, text: str, line: str) -> None:
    path = write(tmp_path, text)
    policy, problems = load_policy(path)
    assert [str(p) for p in problems] == [f"{path}:{line}"]
    assert policy.modes == ("glass", "black")


KEY = "ed25519:" + "A" * 43 + "="  # 32 zero bytes


@pytest.mark.parametrize(("text", "line"), [
    ("library:\n  urls: [http://intranet.example/w/]\n",
     "2:10: error: 'http://intranet.example/w/' is plain http: anyone on the network could change the "
     "wizards (write https://…; this section's defaults apply)"),
    ("library:\n  urls: ['https://me:pw@intranet.example/w/']\n",
     "2:10: error: the address holds a user name or password, and the policy is read by everyone (write "
     "it without user:password@; this section's defaults apply)"),
    ("library: {urls: [intranet/w]}\n",
     "1:18: error: not a web address: 'intranet/w' (write https://…; this section's defaults apply)"),
    ("library: {examples: maybe}\n",
     "1:21: error: 'examples': expected a valid boolean, unable to interpret input, got 'maybe' (this "
     "section's defaults apply)"),
    ("library: {lockd: true}\n",
     "1:11: error: unknown key 'lockd' (did you mean 'locked'?; this section's defaults apply)"),
    ("trust: {automation: signd}\n",
     "1:21: error: 'automation': expected 'any', 'admin' or 'signed', got 'signd' (no wizard may do the "
     "work until this is fixed)"),
    ("trust:\n  keys: ['ed25519:AAAA']\n",
     "2:10: error: an ed25519 public key is 32 bytes, this one is 3 (copy the whole line of KEYFILE.pub; "
     "no wizard may do the work until this is fixed)"),
    ("trust:\n  keys: ['rsa:AAAA']\n",
     "2:10: error: a key is written 'ed25519:' and its base64 (the line `wayguide keygen` writes to "
     "KEYFILE.pub; no wizard may do the work until this is fixed)"),
    ("trust:\n  keys: ['ed25519:not base64!']\n",
     "2:10: error: the key after 'ed25519:' is not base64 (copy the whole line of KEYFILE.pub; no wizard "
     "may do the work until this is fixed)"),
])
def test_the_library_and_trust_keys_are_checked(tmp_path: Path, text: str, line: str) -> None:
    path = write(tmp_path, text)
    policy, problems = load_policy(path)
    assert [str(p) for p in problems] == [f"{path}:{line}"]
    assert policy.library == Sources()
    assert policy.trust == (Trust(automation="signed") if text.startswith("trust") else Trust())


def test_the_library_and_trust_keys_read_as_written(tmp_path: Path) -> None:
    text = ("library:\n  folders: [/srv/w]\n  urls: ['https://intranet.example:8443/w/']\n  examples: false\n"
            "  personal: no\n  locked: true\n"
            f"trust: {{keys: ['{KEY}'], automation: admin}}\n")
    policy, problems = load_policy(write(tmp_path, text))
    assert problems == []
    assert policy.library == Sources((Path("/srv/w"),), ("https://intranet.example:8443/w/",),
                                     False, False, True)
    assert policy.library_folders == (Path("/srv/w"),)
    assert policy.trust == Trust((bytes(32),), "admin")
    assert "library: examples hidden, personal wizards not read, company wizards win over personal ones " \
           "of the same id" in policy.summary()
    assert "automation (black box, Show me): wizards from the system and policy folders, or signed; " \
           "1 trusted key" in policy.summary()


def test_a_broken_trust_section_lets_nothing_automate_and_the_rest_holds(tmp_path: Path) -> None:
    policy, problems = load_policy(write(tmp_path, "modes: [black]\ntrust: {keys: [x], automation: any}\n"))
    assert len(problems) == 1 and policy.modes == ("black",)
    assert policy.trust == Trust((), "signed") and not policy.may_automate("admin")


def test_a_broken_section_falls_back_and_the_rest_holds(tmp_path: Path) -> None:
    path = write(tmp_path, "locked: [hotkey]\nrun: {allowed: yes, folders: [relative]}\nmodes: [glass]\n")
    policy, problems = load_policy(path)
    assert len(problems) == 1 and problems[0].line == 2
    assert policy.locked == ("hotkey",) and policy.modes == ("glass",)
    assert not policy.run.allowed  # the safe default


def test_inline_credentials_in_a_world_readable_file_are_refused(tmp_path: Path) -> None:
    text = "lrs:\n  endpoint: https://lrs.example.com/\n  credentials: {inline: 'k:s'}\n"
    policy, problems = load_policy(write(tmp_path, text, 0o644))
    assert policy.lrs is None
    assert [(p.line, p.col, p.severity) for p in problems] == [(3, 25, "error")]
    assert "everyone can read" in problems[0].message and "k:s" not in str(problems[0])
    policy, problems = load_policy(write(tmp_path, text, 0o600))
    assert problems == [] and policy.lrs is not None
    insisted = text.replace("'k:s'}", "'k:s', allow_inline: true}")
    policy, problems = load_policy(write(tmp_path, insisted, 0o644))
    assert problems == [] and policy.lrs is not None and policy.lrs.credentials is not None
    assert policy.lrs.credentials.read() == "k:s"


def test_a_world_readable_credentials_file_is_warned_about(tmp_path: Path) -> None:
    secret = tmp_path / "lrs-credentials"
    secret.write_text("key:secret\n")
    os.chmod(secret, 0o644)
    text = f"lrs:\n  endpoint: https://lrs.example.com/\n  credentials:\n    file: {secret}\n"
    policy, problems = load_policy(write(tmp_path, text))
    assert [(p.line, p.severity) for p in problems] == [(4, "warning")]
    assert policy.lrs is not None and policy.lrs.credentials == Credentials(file=secret)
    assert policy.lrs.credentials.read() == "key:secret"
    os.chmod(secret, 0o600)
    assert load_policy(write(tmp_path, text))[1] == []


def test_run_actions_only_from_the_named_folders(tmp_path: Path) -> None:
    trusted, other = tmp_path / "trusted", tmp_path / "other"
    trusted.mkdir()
    other.mkdir()
    (other / "link").symlink_to(trusted)
    policy, _ = load_policy(write(tmp_path, f"run: {{allowed: true, folders: [{trusted}]}}\n"))
    assert policy.allows_run(trusted / "a.yaml") and policy.allows_run(trusted / "sub" / "b.yaml")
    assert not policy.allows_run(other / "a.yaml") and not policy.allows_run(None)
    assert not policy.allows_run(trusted / ".." / "other" / "a.yaml")
    assert policy.allows_run(other / "link" / "a.yaml")  # it really is in the trusted folder
    off, _ = load_policy(write(tmp_path, f"run: {{allowed: false, folders: [{trusted}]}}\n"))
    assert not off.allows_run(trusted / "a.yaml")


def test_run_allowed_without_folders_means_the_system_folder(tmp_path: Path) -> None:
    policy, _ = load_policy(write(tmp_path, "run: {allowed: true}\n"))
    system = Paths.from_env({}).system_wizards
    assert policy.run.folders == (system,)
    assert policy.allows_run(system / "x.yaml") and not policy.allows_run(tmp_path / "x.yaml")


def test_modes_restrict_wizards(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(WIZARD)
    wizard = load_file(tmp_path / "w.yaml").wizard
    assert wizard is not None and wizard.allowed_modes == ("glass", "black")
    assert Policy().restrict(wizard) is wizard
    glass = Policy(modes=("glass",)).restrict(wizard)
    assert Policy(modes=("glass",)).modes_for(("black", "glass")) == ("glass",)
    assert glass is not None and glass.allowed_modes == ("glass",)
    only_black = wizard.model_copy(update={"modes": ["black"]})
    assert Policy(modes=("glass",)).restrict(only_black) is None


def test_apply_forces_locked_settings_and_fills_the_unset_ones() -> None:
    policy = Policy(settings={"hotkey": "ctrl+shift+g", "theme": "dark"}, locked=("hotkey", "autostart"),
                    modes=("glass",))
    person = Settings(hotkey="ctrl+alt+h", autostart=False, panel_side="left", preferred_mode="black")
    applied = policy.apply(person)
    assert applied.hotkey == "ctrl+shift+g"  # locked: the admin's
    assert applied.autostart is True  # locked without a value: the default
    assert applied.theme == "dark"  # the person kept Wayguide's default: the admin's
    assert applied.panel_side == "left"  # the person's own
    assert applied.preferred_mode == "wizard"  # black box is not allowed here
    chose = Settings(theme="light")
    assert policy.apply(chose).theme == "light"


def test_summary_names_no_secret(tmp_path: Path) -> None:
    policy, _ = load_policy(write(tmp_path, FULL.replace("{env: WAYGUIDE_LRS_AUTH}", "{inline: 'k:s3cr3t'}"),
                                  0o600))
    text = "\n".join(policy.summary())
    assert "s3cr3t" not in text and "written in the policy file" in text
    assert "locked: hotkey, autostart" in text and "modes: glass" in text
    assert "run actions: allowed from /srv/trusted" in text


def test_the_packaged_policy_is_all_comments_and_means_the_defaults(tmp_path: Path) -> None:
    packaged = Path(__file__).resolve().parents[2] / "packaging" / "policy.yaml"
    policy, problems = load_policy(packaged)
    assert problems == [] and policy == Policy()
    assert policy.source == packaged and "nothing set" in policy.origin
    example = [re.sub(r"^# (?=( *)([a-z_]+:( |$)|- ))", "", line)
               for line in packaged.read_text().splitlines()]
    written = tmp_path / "policy.yaml"
    written.write_text("\n".join(example) + "\n")
    policy, problems = load_policy(written)  # every example in it, uncommented, is right
    assert problems == []
    assert policy.locked == ("hotkey", "autostart") and policy.library_folders == (Path("/srv/wizards"),)
    assert policy.library.urls == ("https://intranet.example/wizards/",) and policy.trust.keys == (bytes(32),)
    assert policy.lrs is not None and policy.lrs.credentials == Credentials(env="WAYGUIDE_LRS_AUTH")
    assert set(policy.settings) == SETTING_NAMES


def test_the_learning_section_reads_as_written_and_falls_back_alone(tmp_path: Path) -> None:
    assert Policy().learning == Learning(reviews=True, fade_after=3)
    policy, problems = load_policy(write(tmp_path, "learning: {reviews: false, fade_after: 5}\n"))
    assert problems == [] and policy.learning == Learning(False, 5)
    assert "learning: reviews off, short version offered after 5 unaided runs" in policy.summary()
    policy, problems = load_policy(write(tmp_path, "modes: [glass]\nlearning:\n  fade_after: -2\n"))
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'policy.yaml'}:3:15: error: 'fade_after': expected greater than or equal to 0 "
        "(this section's defaults apply)"]
    assert policy.learning == Learning() and policy.modes == ("glass",)
    policy, _ = load_policy(write(tmp_path, "learning: {fade_after: 0}\n"))
    assert "learning: reviews on, short version never offered" in policy.summary()


def test_an_unchanged_file_is_not_checked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, FULL + "lockd: []\n")
    first = load_policy(path, cache_dir=tmp_path / "cache")
    assert [p.message for p in first[1]] == ["unknown key 'lockd'"]
    monkeypatch.setitem(sys.modules, "app.policy.check", None)  # importing it now fails
    again = load_policy(path, cache_dir=tmp_path / "cache")
    assert again == first and again[0].source == path
    path.write_text(FULL)
    with pytest.raises(ImportError):  # changed bytes are checked
        load_policy(path, cache_dir=tmp_path / "cache")
    monkeypatch.delitem(sys.modules, "app.policy.check")
    assert load_policy(path, cache_dir=tmp_path / "cache")[1] == []


def test_readability_is_part_of_what_was_checked(tmp_path: Path) -> None:
    text = "lrs:\n  endpoint: https://lrs.example.com/\n  credentials: {inline: 'k:s'}\n"
    assert load_policy(write(tmp_path, text, 0o644), cache_dir=tmp_path / "c")[0].lrs is None
    assert load_policy(write(tmp_path, text, 0o600), cache_dir=tmp_path / "c")[0].lrs is not None


# ------------------------------------------------------------------ the person cannot override it

FORGED = {"settings": {}, "locked": [], "modes": ["glass", "black"], "library_folders": [],
          "run": {"allowed": True, "folders": ["/home"]},
          "usage": {"enabled": True, "search_queries": True}, "lrs": None}
STRICT = "locked: [hotkey, preferred_mode]\nmodes: [glass]\nrun: {allowed: false}\n"


def test_a_system_policy_cannot_be_replaced_through_the_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.paths

    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "policy.yaml").write_text(STRICT)
    mine = tmp_path / "mine.yaml"
    mine.write_text("modes: [glass, black]\n")
    monkeypatch.setattr(app.paths, "_system_config_dir", lambda: etc)
    paths = Paths.from_env({"WAYGUIDE_POLICY": str(mine), "WAYGUIDE_CACHE_DIR": str(tmp_path / "c")})
    policy, problems = policy_in_force(paths, {"WAYGUIDE_POLICY": str(mine)})
    assert policy.modes == ("glass",) and policy.origin == f"{etc / 'policy.yaml'} (system)"
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", f"WAYGUIDE_POLICY ({mine}) is ignored")]
    (etc / "policy.yaml").unlink()
    (etc / "policy.yaml").symlink_to(tmp_path / "gone.yaml")  # a dangling link too
    policy, _ = policy_in_force(paths, {"WAYGUIDE_POLICY": str(mine)})
    assert policy == Policy() and "(system)" in policy.origin  # the defaults, not the person's file
    (etc / "policy.yaml").unlink()  # no system policy: trying one out is fine
    policy, problems = policy_in_force(paths, {"WAYGUIDE_POLICY": str(mine)})
    assert "(WAYGUIDE_POLICY)" in policy.origin and problems == []


def test_an_edited_cache_changes_no_policy(tmp_path: Path) -> None:
    import json

    path = write(tmp_path, STRICT + "lockd: []\n")
    cache = tmp_path / "cache"
    first = load_policy(path, cache_dir=cache)
    assert first[0].locked == ("hotkey", "preferred_mode") and len(first[1]) == 1
    stored = json.loads((cache / "policy.json").read_text())
    assert "modes" not in json.dumps(stored)  # only diagnostics are kept
    for entry in stored["entries"].values():  # black box back on, nothing locked, `run` from home
        entry["policy"] = FORGED
        entry["diagnostics"] = []
    (cache / "policy.json").write_text(json.dumps(stored))
    policy, problems = load_policy(path, cache_dir=cache)
    assert policy == first[0] and not policy.run.allowed and policy.modes == ("glass",)
    assert problems == []  # a forged cache can hide a message, never change the policy
    for entry in stored["entries"].values():
        entry["diagnostics"] = [["x", 1, "error", {}, None]]  # junk: checked again
    (cache / "policy.json").write_text(json.dumps(stored))
    assert load_policy(path, cache_dir=cache) == first


HOSTILE = [
    FULL, STRICT, "settings: {hotkey: ctrl+alt+spce}\nmodes: [black]\n", "locked: [theem]\n",
    "modes: [grey]\n", "modes: []\n", "modes: glass\n", "modes: [glass, 1]\n",
    "library: {folders: [share/wizards]}\n", "library: {folders: ['~nosuchuser/x']}\nmodes: [glass]\n",
    "run: {allowed: true, folders: ['~nosuchuser/x']}\nlocked: [theme]\n",
    "run: {allowed: 'yes', folders: [/srv/a]}\n", "run: {allowed: 'YES'}\n", "run: {allowed: 2}\n",
    "run: {allowed: 1}\n", "run: {allowed: ' yes'}\n", "run: {allowed: true, extra: 1}\n", "run: null\n",
    "run: [allowed]\n", "usage: {enabled: off, search_queries: on}\n", "usage: {enabled: 0.0}\n",
    "settings: {hotkey: null}\n", "settings: {theme: dark, panel_side: middle}\n",
    "settings: {roles: [a, b], autostart: false, preferred_mode: glass}\n", "settings: []\n",
    "locked: hotkey\n", "locked: [hotkey, 3]\n", "lrs: {endpoint: https://x, credentials: {}}\n",
    "lrs: {endpoint: 'https://lrs.example/x', credentials: {env: A, file: /etc/b}}\n",
    "lrs: {endpoint: 'http://lrs.example/x', credentials: {env: A}}\n",
    "lrs: {endpoint: 'http://localhost:8080/x', credentials: {env: A}}\n",
    "lrs: {endpoint: 'http://[::1]:8080/x', credentials: {file: /etc/wayguide/lrs}}\n",
    "lrs: {endpoint: 'ftp://lrs.example/x'}\n", "lrs: {endpoint: 'https://[bad'}\n",
    "lrs: {endpoint: 'https://lrs.example/x', credentials: {inline: 'k:s'}}\n",
    "lrs: {endpoint: 'https://lrs.example/x', credentials: {inline: 'k:s', allow_inline: true}}\n",
    "lrs: {endpoint: 'https://lrs.example/x', credentials: {file: relative}}\n", "lrs: {}\n",
    "lrs: {endpoint: 3}\n", "- a list\n", "just text\n", "modes: [glass\n", "{}\n",
    "wat: 1\nmodes: [black]\n", "usage: {retention_days: 30}\n", "usage: {retention_days: '30'}\n",
    "usage: {retention_days: true}\n", "usage: {retention_days: 0, enabled: false}\n",
    "usage: {retention_days: 36500}\n", "usage: {retention_days: 2.0}\n",
    "library: {urls: ['https://a.example/w/'], examples: false, personal: 'no', locked: 1}\n",
    "library: {urls: ['http://a.example/w/']}\n", "library: {urls: ['https://u:p@a.example/']}\n",
    "library: {urls: ['https://a.example:99999/']}\n", "library: {urls: [3]}\n", "library: {urls: x}\n",
    "library: {examples: 2}\n", f"trust: {{keys: ['{KEY}'], automation: signed}}\n",
    "trust: {keys: ['ed25519:AAAA']}\nmodes: [glass]\n", "trust: {automation: Any}\n", "trust: []\n",
    "trust: {keys: [3]}\n", "trust: {keys: ed25519:x}\n", "trust: null\n", "trust: {}\n",
    "learning: {reviews: false, fade_after: 0}\n", "learning: {reviews: off}\n",
    "learning: {fade_after: -1}\n", "learning: {fade_after: '3'}\n", "learning: {fade_after: true}\n",
    "learning: {fade_after: 1001}\n",
    "learning: {fade: 3}\nmodes: [glass]\n", "learning: []\n", "learning: {reviews: 2}\n",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("world", [True, False])
def test_the_built_policy_is_the_checked_one(tmp_path: Path, text: str, world: bool) -> None:
    from app.policy.build import build_policy
    from app.policy.check import check_policy

    path = tmp_path / "policy.yaml"
    checked, problems, _ = check_policy(path, text.encode(), world)
    built, _, _ = build_policy(path, text.encode(), world)
    assert built == checked, [str(p) for p in problems]
    assert all(p.path == str(path) and "\n" not in str(p) for p in problems)


@pytest.mark.parametrize("key", ["library", "run"])
def test_a_folder_of_an_unknown_user_is_one_positioned_line(tmp_path: Path, key: str) -> None:
    text = f"locked: [theme]\n{key}:\n  folders: ['~nosuchuser/x']\nmodes: [glass]\n"
    policy, problems = load_policy(write(tmp_path, text), cache_dir=tmp_path / "c")
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "error: '~nosuchuser/x': cannot find the home folder of user 'nosuchuser' (write the full "
        "path, e.g. /srv/wizards; this section's defaults apply)"]
    assert (problems[0].line, problems[0].col) == (3, 13)
    assert policy.locked == ("theme",) and policy.modes == ("glass",)
    assert policy.library_folders == () and not policy.run.allowed
    home = load_policy(write(tmp_path, "library: {folders: ['~/w']}\n"))[0]
    assert home.library_folders == (Path.home() / "w",)


def test_an_unknown_user_in_wayguide_wizards_is_a_missing_folder_not_a_crash() -> None:
    paths = Paths.from_env({"WAYGUIDE_WIZARDS": os.pathsep.join(["~nosuchuser/x", "~/w"])})
    assert paths.extra_wizards == (Path("~nosuchuser/x"), Path.home() / "w")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_the_policy_file_is_an_error_not_a_hang(tmp_path: Path,
                                                          finishes: Callable[..., None]) -> None:
    fifo = tmp_path / "policy.yaml"
    os.mkfifo(fifo)
    found: list[object] = []
    finishes(lambda: found.append(load_policy(fifo)), fifo)
    [(_, problems)] = found  # type: ignore[misc]
    assert [str(p) for p in problems] == [
        f"{fifo}:1:1: error: cannot read: not a regular file (a FIFO) (the defaults apply)"]
