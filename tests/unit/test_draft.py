"""The draft writer of the recorder (issue 14): inputs suggested for the review form, steps grouped so
that each has an end Wayguide can see, a file that loads without problems, and a glass-box walk in
which a person repeating the task never has to press Next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.format.model import Wizard
from app.ports import Locator, WindowInfo
from app.recording.draft import draft_inputs, suggest_inputs, write_draft
from app.recording.events import (
    Click,
    Combo,
    DialogClosed,
    DialogOpened,
    Event,
    Field,
    Focus,
    Note,
    SecretTyped,
    StepBreak,
    Typed,
)
from app.recording.review import TypedInput
from tests.unit.draft_support import (
    GNUMERIC,
    MOUSEPAD,
    TEXT,
    black_walk,
    claims_sign_in,
    glass_walk,
    gnumeric_sheet,
    load_text,
    mousepad_letter,
)

RECORDINGS = {"mousepad": mousepad_letter, "gnumeric": gnumeric_sheet, "claims": claims_sign_in}


def draft(events: Sequence[Event], inputs: Sequence[TypedInput] | None = None,
          wizard_id: str = "recorded.task", warnings: bool = False) -> tuple[str, Wizard]:
    """The draft's text and wizard, checked by the loader: no problem at all (no error, with
    `warnings`)."""
    text = write_draft(events, suggest_inputs(events) if inputs is None else inputs, wizard_id=wizard_id,
                       title="Recorded task")
    result = load_text(text)
    problems = [d for d in result.diagnostics if d.is_error or not warnings]
    assert problems == [], "\n".join(str(d) for d in problems) + "\n" + text
    assert result.wizard is not None
    return text, result.wizard


# ------------------------------------------------------------------ inputs


def test_inputs_are_suggested_from_the_field_labels_in_order() -> None:
    events: list[Event] = [
        Typed(1, MOUSEPAD, "Dear Ann", None),
        Typed(2, MOUSEPAD, "letter.txt", Field(Locator("text", "File name"), "File name")),
        Typed(3, MOUSEPAD, "copy.txt", Field(Locator("text", "File name"), "File name")),
        SecretTyped(4, MOUSEPAD, Field(Locator("password text", "PIN"), "PIN")),
        Typed(5, MOUSEPAD, "x", Field(Locator("text", "2. Straße / Nº"), "2. Straße / Nº")),
        Typed(6, MOUSEPAD, "y", Field(Locator("text", "Items"), "Items")),
    ]
    assert suggest_inputs(events) == [
        TypedInput("text", "Text typed in Mousepad", "Dear Ann"),
        TypedInput("file_name", "File name", "letter.txt"),
        TypedInput("file_name_2", "File name", "copy.txt"),
        TypedInput("pin", "PIN", "", secret=True),
        TypedInput("text_2_strasse_no", "2. Straße / Nº", "x"),
        TypedInput("items_text", "Items", "y"),
    ]


def test_a_field_without_a_label_is_named_after_its_dialog_unless_the_title_holds_what_was_typed() -> None:
    save_as = WindowInfo(app="mousepad", klass="Mousepad", title="Save As", handle=3)
    named = WindowInfo(app="mousepad", klass="Mousepad", title="Replace “brief.txt”?", handle=4)
    main = WindowInfo(app="mousepad", klass="Mousepad", title="Untitled 1 - Mousepad", handle=2)
    events = [Typed(1.0, main, "Dear Zoë"), Typed(2.0, save_as, "brief.txt"), Typed(3.0, named, "x")]
    assert [(i.name, i.label) for i in suggest_inputs(events)] == [
        ("text", "Text typed in Mousepad"), ("save_as", "Text typed in “Save As”"),
        ("text_2", "Text typed in Mousepad")]


def test_the_authors_inputs_are_declared_literal_ones_typed_as_they_are() -> None:
    events = mousepad_letter()
    body, name = suggest_inputs(events)
    inputs = [replace(body, literal=True), replace(name, name="file_name", label="File name (with .txt)")]
    text, wizard = draft(events, inputs)
    assert [(i.name, i.label, i.type, i.required) for i in wizard.inputs] == [
        ("file_name", "File name (with .txt)", "text", True)]
    assert TEXT in text and "letter.txt" not in text
    assert black_walk(wizard, inputs).performed[2].type == TEXT


def test_odd_input_names_from_the_form_are_made_valid_and_one_name_is_one_input() -> None:
    events: list[Event] = [Typed(1, MOUSEPAD, "a", None), Typed(2, MOUSEPAD, "b", None),
                           Typed(3, MOUSEPAD, "c", None)]
    inputs = [TypedInput("Customer Name", "Customer"), TypedInput("customer_name", "Again"),
              TypedInput("9 lives", "", "c")]
    spec = draft_inputs(events, inputs)
    assert [i.name for i in spec] == ["customer_name", "customer_name", "text_9_lives"]
    _, wizard = draft(events, inputs)
    assert [i.name for i in wizard.inputs] == ["customer_name", "text_9_lives"]


# ------------------------------------------------------------- the drafts


def test_mousepad_draft_reads_like_a_wizard() -> None:
    text, wizard = draft(mousepad_letter(), wizard_id="mousepad.letter")
    assert list(yaml.safe_load(text)) == ["wayguide", "id", "title", "summary", "when", "modes", "inputs",
                                          "steps"]
    assert wizard.when is not None and [w.model_dump(exclude_none=True) for w in wizard.when] == [
        {"app": "mousepad"}]
    assert wizard.modes == ["glass", "black"]
    assert [s.title for s in wizard.steps] == [
        "Switch to Mousepad", "Press Ctrl+N", "Type the text, then choose File ▸ Save As…",
        "Fill in Name, then press Enter"]
    assert [s.id for s in wizard.steps] == [
        "switch-to-mousepad", "press-ctrl-n", "type-the-text-then-choose-file-save-as",
        "fill-in-name-then-press-enter"]
    menu = wizard.steps[2]
    assert menu.explain is not None and "Click **Save As…** in the **File** menu." in menu.explain
    assert "\n  - id: press-ctrl-n" in text and "\n\n  - id: press-ctrl-n" in text  # a blank line between
    assert "Untitled" not in text  # a fresh window has another title
    until = yaml.safe_load(text)["steps"]
    assert [s["until"] for s in until] == [
        {"active": {"app": "mousepad"}}, {"keys": "ctrl+n"},
        {"active": {"app": "mousepad", "title": "Save As*"}},
        {"active": {"app": "mousepad", "title": "re:^(?!Save As)"}}]
    assert [list(a) for s in until for a in s["do"]] == [  # a moment to settle after the fill, then Enter
        ["focus"], ["keys"], ["type"], ["click"], ["click"], ["wait"], ["fill"], ["wait"], ["keys"], ["wait"]]


def test_gnumeric_draft_has_cells_a_menu_a_dialog_notes_breaks_and_a_position() -> None:
    _, wizard = draft(gnumeric_sheet(), wizard_id="gnumeric.expenses")
    assert [s.title for s in wizard.steps] == [
        "Switch to Gnumeric",
        "Fill in cell A1, then press Tab",
        "Fill in cell B1, then press Enter",
        "Fill in cell A2, then press Tab",
        "Fill in cell B2, then press Enter",
        "Click cell B2",
        "Choose Format ▸ Cells…",
        "Click the Number tab",
        "Click Currency",
        "Click OK",
        "Click in Gnumeric, then press Ctrl+S",
    ]
    cells = wizard.steps[2]
    assert cells.why == "Headings in row 1 keep the sheet readable for {{ '{' }}{{ '{' }} colleagues }}."
    assert cells.explain is not None and "Fill in cell **B1**. Press **Enter**." in cells.explain
    position = wizard.steps[-1]
    assert position.explain is not None and "recorded as a position: check it" in position.explain
    assert position.target is not None and position.target.model_dump()["region"] == (0.45, 0.88, 0.1, 0.1)
    ok = wizard.steps[-2]
    assert ok.until is not None and ok.until.model_dump(exclude_none=True) == {
        "active": {"app": "gnumeric", "title": "re:^(?!Format Cells)"}}


def test_a_note_is_rendered_as_written_not_as_a_template() -> None:
    from app.format import templating

    _, wizard = draft(gnumeric_sheet())
    why = wizard.steps[2].why
    assert why is not None
    shown = templating.render_text(why, {})
    assert shown == "Headings in row 1 keep the sheet readable for {{ colleagues }}."


@pytest.mark.parametrize("name", sorted(RECORDINGS))
def test_a_person_repeating_the_task_moves_every_step_on_without_next(name: str) -> None:
    events = RECORDINGS[name]()
    _, wizard = draft(events)
    walk = glass_walk(wizard, events, suggest_inputs(events))
    assert walk.early == [], "steps that ended before the person did anything"
    assert walk.state.status == "finished", f"stuck at {walk.state.step_id}"
    assert [h.outcome for h in walk.state.history] == ["detected"] * len(wizard.steps)


@pytest.mark.parametrize("name", sorted(RECORDINGS))
def test_black_box_types_what_was_typed_given_the_samples(name: str) -> None:
    events = RECORDINGS[name]()
    inputs = suggest_inputs(events)
    _, wizard = draft(events, inputs)
    walk = black_walk(wizard, inputs)
    assert walk.state.status == "finished"
    typed = [a.type if hasattr(a, "type") else a.fill.text for a in walk.performed
             if hasattr(a, "type") or hasattr(a, "fill")]
    assert typed == [e.text if isinstance(e, Typed) else "s3cret-Pw!" for e in events
                     if isinstance(e, Typed | SecretTyped)]


def test_a_step_that_leads_nowhere_visible_is_joined_with_the_next() -> None:
    events: list[Event] = [
        Focus(1, GNUMERIC),
        Click(2, GNUMERIC, element=Field(Locator("push button", "Bold"), "Bold")),
        Click(3, GNUMERIC, element=Field(Locator("table cell", "C3"), "C3")),
    ]
    _, wizard = draft(events)
    assert [s.title for s in wizard.steps] == ["Switch to Gnumeric", "Click Bold, then click cell C3"]
    assert wizard.steps[1].until is not None


def test_a_step_break_ends_a_step_even_with_nothing_to_see() -> None:
    events: list[Event] = [Focus(1, GNUMERIC), Typed(2, GNUMERIC, "x", None), StepBreak(3, GNUMERIC),
                           Combo(4, GNUMERIC, "ctrl+s"), Note(5, GNUMERIC, "Saves the book.")]
    _, wizard = draft(events)
    assert [(s.title, s.until is None, s.why) for s in wizard.steps] == [
        ("Switch to Gnumeric", False, None), ("Type the text", True, None),
        ("Press Ctrl+S", False, "Saves the book.")]


def test_an_empty_recording_still_gives_a_wizard() -> None:
    _, wizard = draft([])
    assert [s.title for s in wizard.steps] == ["Do the task"]
    _, wizard = draft([Note(1, MOUSEPAD, "Only a note")])
    assert wizard.steps[0].why == "Only a note"


def test_an_id_or_title_the_format_cannot_hold_is_made_one_it_can() -> None:
    text = write_draft([], [], wizard_id="My Letters/Überweisung", title="x" * 200)
    wizard = load_text(text).wizard
    assert wizard is not None and wizard.id == "my-letters-uberweisung" and wizard.title == "x" * 120


def test_values_yaml_would_misread_are_quoted() -> None:
    odd = WindowInfo(app="yes", title="{{ no }}", handle=9)
    events: list[Event] = [Focus(1, odd), DialogOpened(2, replace(odd, title="on", handle=10)),
                           Click(3, odd, element=Field(Locator("push button", "{{ x }}"), "null")),
                           Combo(4, odd, "ctrl+1")]
    text, wizard = draft(events)
    assert "app: 'yes'" in text
    assert wizard.when is not None and wizard.when[0].app == "yes"


# ---------------------------------------------------------------- secrets


def test_a_password_is_never_in_the_draft_nor_a_non_literal_sample() -> None:
    events = claims_sign_in()
    user, password = suggest_inputs(events)
    assert password == TypedInput("password", "Password", "", secret=True)
    leaky = [user, replace(password, sample="hunter2", literal=True)]  # a careless review form
    text, wizard = draft(events, leaky)
    assert "hunter2" not in text and "ann.example" not in text
    assert [(i.name, i.type) for i in wizard.inputs] == [("user", "text"), ("password", "secret")]


def test_typed_text_shown_in_titles_and_names_is_left_out_of_the_draft() -> None:
    save_as = WindowInfo(app="mousepad", title="Save As", handle=3)
    replace_it = WindowInfo(app="mousepad", title="Replace “letter.txt”?", handle=5)
    events: list[Event] = [
        Focus(1, MOUSEPAD), DialogOpened(2, save_as),
        Typed(3, save_as, "letter.txt", Field(Locator("text", "Name"), "Name")),
        Click(4, save_as, element=Field(Locator("table cell", "letter.txt"), "letter.txt")),
        Combo(5, save_as, "enter"), DialogOpened(6, replace_it),
        Click(7, replace_it, element=Field(Locator("push button", "Replace"), "Replace")),
        DialogClosed(8, replace_it), DialogClosed(9, save_as),
        Focus(10, replace(MOUSEPAD, title="letter.txt - Mousepad")),
    ]
    text, wizard = draft(events)
    assert "letter.txt" not in text
    assert "title: 'Replace “*”[?]*'" in text and "name: '*'" in text and "click cell …" in text
    assert [s.title for s in wizard.steps] == [
        "Switch to Mousepad", "Fill in Name, then click cell …", "Press Enter", "Click Replace"]


MARK = "SAMPLE"

ODD = ["{{ x }}", "re:(", "re:^a+$", "*", "yes", "", "a{%b", "{#", "Save As…      ", "null", "- x", "# y",
       "a\nb", "1.0", "%s", "[", "\\", "'\"", "ctrl+s", " "]
texts = st.one_of(st.sampled_from(ODD), st.text(max_size=16))
windows = st.builds(WindowInfo, app=st.one_of(st.sampled_from(["mousepad", "gnumeric", "x*y"]), texts),
                    title=texts, klass=st.sampled_from(["", "Mousepad"]), handle=st.integers(0, 3))
locators = st.builds(Locator, role=st.sampled_from([None, "push button", "table cell", "menu", "text",
                                                    "menu item", "nonsense", "password text"]),
                     name=st.one_of(st.none(), texts), index=st.one_of(st.none(), st.integers(-2, 3)))
fields = st.one_of(st.none(), st.builds(Field, locator=locators, label=texts))
times = st.floats(0, 100)


def _events() -> st.SearchStrategy[Event]:
    return st.one_of(
        st.builds(Focus, times, windows),
        st.builds(Combo, times, windows, st.sampled_from(["ctrl+s", "enter", "tab", "ctrl+", "", "hyper+x"])),
        st.builds(Typed, times, windows, st.just(""), fields),
        st.builds(SecretTyped, times, windows, fields),
        st.builds(Click, times, windows, st.sampled_from(["left", "right", "middle"]), fields,
                  st.lists(texts, max_size=3).map(tuple),
                  st.one_of(st.none(), st.tuples(st.floats(allow_nan=True), st.floats(-1, 2)))),
        st.builds(DialogOpened, times, windows),
        st.builds(DialogClosed, times, windows),
        st.builds(StepBreak, times, windows),
        st.builds(Note, times, windows, texts),
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_events(), max_size=25), st.data())
def test_any_recording_gives_a_draft_that_loads_and_holds_no_sample(events: list[Event],
                                                                   data: st.DataObject) -> None:
    typed = iter(range(1000))
    events = [replace(e, text=f"{MARK}{next(typed):03d}x") if isinstance(e, Typed) else e for e in events]
    inputs = suggest_inputs(events)
    for i, spec in enumerate(inputs):
        if data.draw(st.booleans(), label=f"literal {i}"):
            spec = inputs[i] = replace(spec, literal=True)
        if data.draw(st.booleans(), label=f"renamed {i}"):  # what an author may type into the form
            inputs[i] = replace(spec, name=data.draw(texts), label=data.draw(texts))
    text, _ = draft(events, inputs, warnings=True)
    for spec in inputs:
        if spec.sample and not spec.literal:
            assert spec.sample not in text
