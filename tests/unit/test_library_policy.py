"""The library as the policy says (examples, personal folders, locked layers) and the automation gate
(trust.automation: any, admin, signed) over entries of each trust."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.library.layers import LOCKED_OUT, Layer, Library, Trust
from app.paths import Paths
from app.policy.admin import Policy, Sources
from app.policy.admin import Trust as TrustRule


def wizard(wizard_id: str, title: str = "A task", modes: str = "[black, glass]") -> str:
    return (f"wayguide: 1\nid: {wizard_id}\ntitle: {title}\nmodes: {modes}\n"
            "steps: [{id: a, title: A, do: [{type: hello}]}]\n")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    """Every layer in its own folder under tmp_path, each with one wizard of its own and a shared id."""
    env = {"WAYGUIDE_CONFIG_DIR": str(tmp_path / "config"), "WAYGUIDE_DATA_DIR": str(tmp_path / "data"),
           "WAYGUIDE_CACHE_DIR": str(tmp_path / "cache"), "WAYGUIDE_WIZARDS": str(tmp_path / "env")}
    found = dataclasses.replace(Paths.from_env(env), bundled_wizards=tmp_path / "bundled",
                                system_wizards=tmp_path / "system")
    for name, folder in [("bundled", found.bundled_wizards), ("system", found.system_wizards),
                         ("policy", tmp_path / "share"), ("user", found.user_wizards),
                         ("env", tmp_path / "env")]:
        write(folder, f"{name}.yaml", wizard(name, f"The {name} wizard"))
        write(folder, "letter.yaml", wizard("letter", f"The {name} letter"))
    return found


def library(paths: Paths, tmp_path: Path, **rules: bool) -> Library:
    return Library.for_policy(paths, Sources(folders=(tmp_path / "share",), **rules))


def test_the_defaults_mean_what_they_meant_before(paths: Paths, tmp_path: Path) -> None:
    found = library(paths, tmp_path)
    before = Library.from_paths(paths, (tmp_path / "share",))
    assert found.ids() == before.ids() == ["bundled", "env", "letter", "policy", "system", "user"]
    assert [str(d) for d in found.diagnostics()] == [str(d) for d in before.diagnostics()]
    letter = found.get("letter")
    assert letter is not None and letter.layer == "WAYGUIDE_WIZARDS"  # the last layer wins, as today


def test_examples_false_hides_the_bundled_wizards(paths: Paths, tmp_path: Path) -> None:
    found = library(paths, tmp_path, examples=False)
    assert "bundled" not in found.ids() and "system" in found.ids()
    assert all(layer.name != "bundled" for layer in found.layers)
    assert all(str(paths.bundled_wizards) not in d.path for d in found.diagnostics())


def test_personal_false_reads_neither_the_own_folder_nor_wayguide_wizards(
        paths: Paths, tmp_path: Path) -> None:
    found = library(paths, tmp_path, personal=False)
    assert found.ids() == ["bundled", "letter", "policy", "system"]
    letter = found.get("letter")
    assert letter is not None and letter.layer == "policy"
    assert [layer.name for layer in found.layers] == ["bundled", "system", "policy"]


def test_locked_lets_the_company_wizard_win_and_says_so(paths: Paths, tmp_path: Path) -> None:
    found = library(paths, tmp_path, locked=True)
    letter = found.get("letter")
    assert letter is not None and letter.layer == "policy" and letter.wizard.title == "The policy letter"
    assert found.get("user") is not None and found.get("env") is not None  # their own ids still work
    warned = {Path(d.path).parent.name: str(d) for d in found.diagnostics() if d.message.endswith(LOCKED_OUT)}
    share = tmp_path / "share" / "letter.yaml"
    assert warned == {
        "wizards": f"{paths.user_wizards / 'letter.yaml'}:2:5: warning: 'letter' is not used: the policy "
                   f"wizard of that id wins (your administrator locked the library) ({share})",
        "env": f"{tmp_path / 'env' / 'letter.yaml'}:2:5: warning: 'letter' is not used: the policy wizard "
               f"of that id wins (your administrator locked the library) ({share})"}
    notes = [d.message for d in found.diagnostics() if d.severity == "note"]
    assert "'letter' overrides the bundled wizard" in notes  # company layers still override the examples


def test_locked_without_a_company_wizard_of_that_id_changes_nothing(tmp_path: Path) -> None:
    write(tmp_path / "bundled", "letter.yaml", wizard("letter", "Example"))
    write(tmp_path / "user", "letter.yaml", wizard("letter", "Mine"))
    found = Library([Layer("bundled", tmp_path / "bundled"), Layer("user", tmp_path / "user")], locked=True)
    found.refresh()
    letter = found.get("letter")
    assert letter is not None and letter.wizard.title == "Mine"  # examples are not the company's


def test_each_entry_has_the_trust_of_its_layer(paths: Paths, tmp_path: Path) -> None:
    found = library(paths, tmp_path)
    trust = {entry.id: entry.trust for entry in found}
    assert trust == {"bundled": "unsigned", "system": "admin", "policy": "admin", "user": "unsigned",
                     "env": "unsigned", "letter": "unsigned"}
    sneaky = paths.system_wizards / ".." / "user-data" / "x.yaml"  # '..' out of the system folder
    write(tmp_path / "user-data", "x.yaml", wizard("x"))
    assert found.trust_of(sneaky) == "unsigned"
    assert found.trust_of(paths.system_wizards / "system.yaml") == "admin"
    assert found.trust_of(tmp_path / "elsewhere.yaml") == "unsigned"


class Signed:
    """A stand-in for the signing code: the files it names are signed."""

    trust_files = ()

    def __init__(self, *names: str) -> None:
        self.names = names

    def begin(self, folders: Sequence[Path]) -> None:
        pass

    def signed(self, path: Path) -> bool:
        return path.name in self.names

    def doubt(self, path: Path) -> str:
        return ""


def test_a_verifier_makes_entries_signed(paths: Paths, tmp_path: Path) -> None:
    found = Library.for_policy(paths, Sources(folders=(tmp_path / "share",)),
                               Signed("user.yaml", "system.yaml"))
    assert {e.id: e.trust for e in found if e.id in ("user", "system", "policy")} == {
        "user": "signed", "system": "signed", "policy": "admin"}


def test_a_folder_signed_by_a_trusted_publisher_makes_its_wizards_signed_until_one_changes(
        paths: Paths, tmp_path: Path) -> None:
    from app.library.signing import generate_key, load_private_key, parse_key, sign, verifier_for

    public = parse_key(generate_key(tmp_path / "publisher.key"))
    sign(paths.user_wizards, load_private_key(tmp_path / "publisher.key"))
    other = parse_key(generate_key(tmp_path / "other.key"))

    def trust(keys: tuple[bytes, ...]) -> dict[str, str]:
        found = Library.for_policy(paths, Sources(folders=(tmp_path / "share",)), verifier_for(keys))
        return {e.id: e.trust for e in found if e.id in ("user", "policy", "bundled")}

    assert trust((public,)) == {"user": "signed", "policy": "admin", "bundled": "unsigned"}
    assert trust((other,)) == trust(()) == {"user": "unsigned", "policy": "admin", "bundled": "unsigned"}
    write(paths.user_wizards, "user.yaml", wizard("user", "Changed after signing"))
    assert trust((public,))["user"] == "unsigned"


def test_a_signature_added_to_an_unchanged_folder_is_seen_and_its_files_are_watched(
        paths: Paths, tmp_path: Path) -> None:
    """No wizard file changes, only the manifest and signature appear (or are replaced): the folder's
    wizards are judged again, by a full refresh or by the reload of the trust file the watcher reports."""
    from app.library.signing import (
        MANIFEST,
        SIGNATURE,
        generate_key,
        load_private_key,
        parse_key,
        sign,
        verifier_for,
    )

    key = tmp_path / "publisher.key"
    found = Library.for_policy(paths, Sources(folders=(tmp_path / "share",)),
                               verifier_for((parse_key(generate_key(key)),)))
    user = found.get("user")
    assert user is not None and user.trust == "unsigned"
    assert paths.user_wizards / MANIFEST not in found.watched_paths()

    sign(paths.user_wizards, load_private_key(key))

    assert sorted(p.name for p in found.refresh()) == ["letter.yaml", "user.yaml"]
    user = found.get("user")
    assert user is not None and user.trust == "signed"
    assert {paths.user_wizards / MANIFEST, paths.user_wizards / SIGNATURE} <= set(found.watched_paths())
    assert found.refresh() == []  # nothing changed since

    (paths.user_wizards / SIGNATURE).write_text("bm90IGEgc2lnbmF0dXJl\n")  # rewritten in place
    assert sorted(p.name for p in found.reload([paths.user_wizards / SIGNATURE])) == [
        "letter.yaml", "user.yaml"]
    user = found.get("user")
    assert user is not None and user.trust == "unsigned" and found.get("letter") is not None


def test_without_keys_the_manifest_is_neither_watched_nor_read(paths: Paths, tmp_path: Path) -> None:
    from app.library.signing import MANIFEST, generate_key, load_private_key, sign

    found = Library.for_policy(paths, Sources(folders=(tmp_path / "share",)))
    generate_key(tmp_path / "publisher.key")
    sign(paths.user_wizards, load_private_key(tmp_path / "publisher.key"))
    assert found.refresh() == [] and paths.user_wizards / MANIFEST not in found.watched_paths()


# ------------------------------------------------------------------ the automation gate

KINDS: tuple[Trust, ...] = ("unsigned", "admin", "signed")


@pytest.mark.parametrize(("rule", "may"), [
    ("any", {"unsigned", "admin", "signed"}),
    ("admin", {"admin", "signed"}),
    ("signed", {"signed"}),
])
def test_the_gate_lets_automate_by_trust(rule: str, may: set[str]) -> None:
    policy = Policy(trust=TrustRule(automation=rule))  # type: ignore[arg-type]
    assert {kind for kind in KINDS if policy.may_automate(kind)} == may
    for kind in KINDS:
        modes = policy.modes_for(("black", "glass"), kind)
        assert modes == (("black", "glass") if kind in may else ("glass",))
        refusal = policy.automation_refusal(kind)
        assert (refusal == "") == (kind in may)
        assert refusal.count(". ") == 0 and (not refusal or refusal.endswith("."))  # one sentence


def test_a_wizard_that_may_not_automate_keeps_glass_box_or_none(tmp_path: Path) -> None:
    write(tmp_path, "both.yaml", wizard("both"))
    write(tmp_path, "black.yaml", wizard("black", modes="[black]"))
    found = Library([Layer("user", tmp_path)])
    found.refresh()
    policy = Policy(trust=TrustRule(automation="signed"))
    both, black = found.get("both"), found.get("black")
    assert both is not None and black is not None
    restricted = policy.restrict(both.wizard, both.trust)
    assert restricted is not None and restricted.allowed_modes == ("glass",)
    assert policy.restrict(black.wizard, black.trust) is None
    assert Policy().restrict(black.wizard, black.trust) is black.wizard  # `any`: as before
    assert "signed by a trusted publisher" in policy.automation_refusal("unsigned")
    admin = Policy(trust=TrustRule(automation="admin"))
    assert "company's wizard folders" in admin.automation_refusal("unsigned")
    from app.i18n import load

    dutch, german = load(languages=["nl"]), load(languages=["de"])
    assert "vertrouwde uitgever" in policy.automation_refusal("unsigned", tr=dutch)
    changed = "was changed after its publisher signed it"
    assert policy.automation_refusal("unsigned", changed, german).startswith("Diese Anleitung wurde geändert")


def test_doctor_names_the_layers_and_the_personal_wizards_a_locked_library_leaves_out(
        paths: Paths, tmp_path: Path) -> None:
    from app.cli.doctor import library_check

    check = library_check(library(paths, tmp_path, locked=True, examples=False))
    assert check.verdict == "warn"
    assert check.detail.startswith("5 wizards (from system, policy, user, WAYGUIDE_WIZARDS); ")
    assert f"{paths.user_wizards / 'letter.yaml'}:2:5: warning: 'letter' is not used" in check.detail
    assert library_check(library(paths, tmp_path)).verdict == "ok"


def test_doctor_names_the_file_changed_after_its_folder_was_signed(paths: Paths, tmp_path: Path) -> None:
    from app.cli.doctor import library_check
    from app.library.signing import generate_key, load_private_key, parse_key, sign, verifier_for

    public = parse_key(generate_key(tmp_path / "publisher.key"))
    sign(paths.user_wizards, load_private_key(tmp_path / "publisher.key"))
    signed = Library.for_policy(paths, Sources(folders=(tmp_path / "share",)), verifier_for((public,)))
    assert library_check(signed).verdict == "ok"
    write(paths.user_wizards, "user.yaml", wizard("user", "Changed after signing"))
    changed = Library.for_policy(paths, Sources(folders=(tmp_path / "share",)), verifier_for((public,)))
    check = library_check(changed)
    assert check.verdict == "warn"
    assert f"{paths.user_wizards}: untrusted: 1 file changed, added or removed since signing (user.yaml)" \
        in check.detail
    assert changed.doubt(paths.user_wizards / "user.yaml") == "was changed after its publisher signed it"
