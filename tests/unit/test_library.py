"""Library layers: precedence by id, overrides reported, broken files isolated, reload."""

from __future__ import annotations

import os
from pathlib import Path

from app.library import Layer, Library, default_layers
from app.paths import Paths


def wizard(wizard_id: str, title: str = "A task") -> str:
    return f"wayguide: 1\nid: {wizard_id}\ntitle: {title}\nsteps: [{{id: a, title: A}}]\n"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_one_broken_file_never_stops_the_others(tmp_path: Path) -> None:
    write(tmp_path, "good.yaml", wizard("good"))
    write(tmp_path, "broken.yaml", "wayguide: 1\nid: [\n")
    write(tmp_path, "empty.yml", "")
    write(tmp_path / "sub", "nested.yml", wizard("nested"))
    write(tmp_path, "notes.txt", "not a wizard")
    library = Library([Layer("user", tmp_path)])
    library.refresh()
    assert library.ids() == ["good", "nested"]
    assert sorted(Path(d.path).name for d in library.diagnostics()) == ["broken.yaml", "empty.yml"]


def test_later_layers_override_by_id_and_say_so(tmp_path: Path) -> None:
    bundled = write(tmp_path / "bundled", "letter.yaml", wizard("letter", "Bundled letter"))
    write(tmp_path / "bundled", "other.yaml", wizard("other"))
    user = write(tmp_path / "user", "my-letter.yaml", wizard("letter", "My letter"))
    library = Library([Layer("bundled", tmp_path / "bundled"), Layer("user", tmp_path / "user")])
    library.refresh()
    entry = library.get("letter")
    assert entry is not None and entry.wizard.title == "My letter" and entry.layer == "user"
    [note] = library.diagnostics()
    assert str(note) == f"{user}:2:5: note: 'letter' overrides the bundled wizard ({bundled})"


def test_duplicate_id_in_one_layer_is_an_error_and_first_file_wins(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", wizard("same", "First"))
    second = write(tmp_path, "b.yaml", wizard("same", "Second"))
    library = Library([Layer("user", tmp_path)])
    library.refresh()
    assert library.get("same") is not None and library.get("same").wizard.title == "First"  # type: ignore[union-attr]
    [error] = library.diagnostics()
    assert error.is_error and error.path == str(second)
    assert error.message == "duplicate wizard id 'same'"


def test_default_layers_follow_the_documented_precedence(tmp_path: Path) -> None:
    env = {"WAYGUIDE_CONFIG_DIR": str(tmp_path / "c"), "WAYGUIDE_DATA_DIR": str(tmp_path / "d"),
           "WAYGUIDE_WIZARDS": os.pathsep.join([str(tmp_path / "x"), str(tmp_path / "y.yaml")])}
    paths = Paths.from_env(env)
    layers = default_layers(paths, [tmp_path / "share"])
    assert [layer.name for layer in layers] == [
        "bundled", "system", "policy", "user", "WAYGUIDE_WIZARDS", "WAYGUIDE_WIZARDS"]
    assert layers[3].path == tmp_path / "d" / "wizards"
    assert layers[5].path == tmp_path / "y.yaml"


def test_each_layer_overrides_the_one_before(tmp_path: Path) -> None:
    names = ["bundled", "system", "policy", "user", "env"]
    for name in names:
        write(tmp_path / name, "w.yaml", wizard("w", f"From {name}"))
    library = Library([Layer(n, tmp_path / n) for n in names])
    library.refresh()
    assert library.get("w").wizard.title == "From env"  # type: ignore[union-attr]
    assert len([d for d in library.diagnostics() if d.severity == "note"]) == 4


def test_refresh_reloads_only_what_changed(tmp_path: Path) -> None:
    first = write(tmp_path, "a.yaml", wizard("a", "Old title"))
    write(tmp_path, "b.yaml", wizard("b"))
    library = Library([Layer("user", tmp_path)])
    assert len(library.refresh()) == 2
    assert library.refresh() == []
    first.write_text(wizard("a", "New title, longer"))
    assert library.refresh() == [first]
    assert library.get("a").wizard.title == "New title, longer"  # type: ignore[union-attr]
    first.write_text("wayguide: 1\nid: a\n")  # broken now: the wizard goes, the error shows
    library.refresh()
    assert library.get("a") is None and library.diagnostics()[0].message.startswith("missing")
    first.unlink()
    assert library.refresh() == [first]
    assert library.ids() == ["b"] and library.diagnostics() == []


def test_missing_layer_folders_are_fine(tmp_path: Path) -> None:
    library = Library([Layer("system", tmp_path / "nowhere")])
    assert library.refresh() == [] and len(library) == 0
