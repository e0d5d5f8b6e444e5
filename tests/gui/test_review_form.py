"""The review form after a recording (offscreen): validation, saved() values, keyboard-only use, Discard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app.recording.review import TypedInput
from overlays.review_form import ReviewForm, shown_sample, suggest_id

LETTER = [
    TypedInput("customer", "Customer", sample="Dear Mrs Müller,\n"),
    TypedInput("password", "Password", secret=True),
    TypedInput("file_name", "File name", sample="letter.txt"),
]


@pytest.fixture
def form(qtbot: QtBot) -> Iterator[ReviewForm]:
    widget = ReviewForm()
    qtbot.addWidget(widget)
    widget.resize(360, 720)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    yield widget
    widget.hide()


def key(code: Qt.Key, text: str = "") -> None:
    """A key pressed by the person: to the widget that has the focus."""
    target = QApplication.focusWidget()
    assert target is not None
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(target, QKeyEvent(kind, code, Qt.KeyboardModifier.NoModifier, text))


def type_text(text: str) -> None:
    for char in text:
        key(Qt.Key.Key_unknown, text=char)


def test_suggest_id_and_shown_sample() -> None:
    assert suggest_id("Save as PDF") == "save-as-pdf"
    assert suggest_id("  Brief an Frau Müller — Entwurf! ", "Mousepad") == (
        "mousepad.brief-an-frau-muller-entwurf")
    assert suggest_id("???") == "" and suggest_id("", "gnumeric") == "gnumeric"
    assert shown_sample("Dear Anna,\n\tBest") == "“Dear Anna,⏎⇥Best”"


def test_the_form_lists_each_typed_text(form: ReviewForm) -> None:
    form.review(LETTER, title="Start a customer letter", id_prefix="mousepad")
    assert form.guide_id.text() == "mousepad.start-a-customer-letter"
    assert len(form.rows) == 3 and form.section.text() == "What you typed (3 texts)"
    first = form.row(1)
    assert first.sample.accessibleName() == "You typed “Dear Mrs Müller,⏎”"
    assert (first.name.text(), first.label.text()) == ("customer", "Customer")
    assert not first.literal.isChecked()
    assert form.empty.isHidden() and form.save.isEnabled() and form.problems.text() == ""


def test_a_password_field_shows_no_sample_and_no_checkbox(form: ReviewForm) -> None:
    form.review(LETTER, title="Letter")
    secret = form.row(2)
    assert secret.sample.text() == "Password field: never recorded — asked each run"
    assert secret.literal.isHidden() and secret.literal not in secret.focus_chain()
    secret.literal.setChecked(True)  # even if set somehow, a secret is never literal
    assert not secret.value().literal and secret.value().sample == ""


def test_a_long_sample_is_elided_with_the_whole_text_as_tooltip(form: ReviewForm, qtbot: QtBot) -> None:
    long = "Thank you for your order of 12 May. Your parcel leaves our warehouse tomorrow morning."
    form.review([TypedInput("body", "Body", sample=long)], title="Letter")
    sample = form.row(1).sample
    qtbot.waitUntil(lambda: sample.text().endswith("…"))
    assert sample.toolTip() == shown_sample(long)


@pytest.mark.parametrize(("name", "message"), [
    ("Customer Name", "Use lowercase letters, digits and _, not starting with a digit."),
    ("2nd", "Use lowercase letters, digits and _, not starting with a digit."),
    ("", "The field needs a name."),
    ("file_name", "Text 3 is already called “file_name”."),
])
def test_a_bad_name_is_shown_at_once_and_save_is_disabled(form: ReviewForm, name: str, message: str) -> None:
    inputs = [*LETTER, TypedInput("amount", "Amount", sample="42")]
    form.review(inputs, title="Letter")
    row = form.row(4)
    row.name.setText(name)
    assert row.name_error.text() == message and not row.name_error.isHidden()
    assert row.name.property("invalid") and row.name.accessibleDescription() == message
    assert not form.save.isEnabled() and form.problems.text() == "1 to fix"
    assert form.row(3).name_error.isHidden()  # the first of two equal names keeps it
    row.name.setText("amount")
    assert row.name_error.isHidden() and not row.name.property("invalid") and form.save.isEnabled()


def test_a_name_in_use_by_a_password_field_is_taken_too(form: ReviewForm) -> None:
    form.review(LETTER, title="Letter")
    form.row(3).name.setText("password")
    assert form.row(3).name_error.text() == "Text 2 is already called “password”."


def test_an_empty_label_is_wrong(form: ReviewForm) -> None:
    form.review(LETTER, title="Letter")
    form.row(1).label.setText("  ")
    assert form.row(1).label_error.text() == "The field needs a label." and not form.save.isEnabled()


def test_always_this_text_greys_name_and_label_and_needs_neither(form: ReviewForm) -> None:
    form.review(LETTER, title="Letter")
    row = form.row(3)
    row.name.setText("customer")  # a duplicate...
    assert not form.save.isEnabled()
    row.literal.setChecked(True)  # ...that no longer matters
    assert not row.name.isEnabled() and not row.label.isEnabled()
    assert row.name_error.isHidden() and form.save.isEnabled()
    assert row.value().literal and row.value().sample == "letter.txt"
    row.literal.setChecked(False)
    assert row.name.isEnabled() and not row.name_error.isHidden()


def test_title_and_id_are_validated_and_the_id_follows_the_title(form: ReviewForm, qtbot: QtBot) -> None:
    form.review(LETTER, id_prefix="mousepad")
    assert form.guide_id.text() == "mousepad"
    assert form.title_error.text() == "The guide needs a title." and not form.save.isEnabled()
    form.guide_title.setFocus()
    qtbot.waitUntil(form.guide_title.hasFocus)
    type_text("Save as PDF")
    assert form.guide_id.text() == "mousepad.save-as-pdf" and form.save.isEnabled()
    form.guide_id.setFocus()
    qtbot.waitUntil(form.guide_id.hasFocus)
    key(Qt.Key.Key_End)
    type_text("_x")
    assert form.guide_id.text() == "mousepad.save-as-pdf_x"
    assert form.id_error.text().startswith("Use lowercase letters and digits") and not form.save.isEnabled()
    key(Qt.Key.Key_Backspace)
    key(Qt.Key.Key_Backspace)
    form.guide_title.setFocus()
    qtbot.waitUntil(form.guide_title.hasFocus)
    type_text(" now")
    assert form.guide_id.text() == "mousepad.save-as-pdf"  # edited by the author: it stays
    form.guide_id.clear()
    assert form.id_error.text() == "The guide needs an id."


def test_a_given_id_other_than_the_suggestion_stays(form: ReviewForm, qtbot: QtBot) -> None:
    form.review(LETTER, title="Letter", wizard_id="letters.customer")
    form.guide_title.setFocus()
    qtbot.waitUntil(form.guide_title.hasFocus)
    type_text("s")
    assert form.guide_title.text() == "Letters" and form.guide_id.text() == "letters.customer"


def test_save_hands_over_the_edited_values(form: ReviewForm, qtbot: QtBot) -> None:
    form.review(LETTER, title="Start a customer letter", id_prefix="mousepad")
    form.row(1).name.setText(" customer_name ")
    form.row(1).label.setText("Customer's name")
    form.row(3).literal.setChecked(True)
    with qtbot.waitSignal(form.saved) as saved:
        qtbot.mouseClick(form.save, Qt.MouseButton.LeftButton)
    title, wizard_id, inputs = saved.args
    assert (title, wizard_id) == ("Start a customer letter", "mousepad.start-a-customer-letter")
    assert inputs == [
        TypedInput("customer_name", "Customer's name", sample="Dear Mrs Müller,\n"),
        TypedInput("password", "Password", secret=True),
        TypedInput("file_name", "File name", sample="letter.txt", literal=True),
    ]
    assert LETTER[0].name == "customer"  # what was given is not changed


def test_keyboard_only_tab_order_enter_saves(form: ReviewForm, qtbot: QtBot) -> None:
    form.review(LETTER, title="Letter")
    form.first_focus().setFocus()  # type: ignore[union-attr]
    qtbot.waitUntil(form.guide_title.hasFocus)
    order: list[QWidget] = [form.guide_title]
    for _ in range(9):
        key(Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is not None
        order.append(focused)
    r1, r2, r3 = form.rows
    assert order == [form.guide_title, form.guide_id, r1.name, r1.label, r1.literal, r2.name, r2.label,
                     r3.name, r3.label, r3.literal]
    key(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.discard
    key(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is form.save
    form.guide_title.clear()
    with qtbot.assertNotEmitted(form.saved):  # no title: Enter goes to the problem instead
        form.row(3).literal.setFocus()
        qtbot.waitUntil(form.row(3).literal.hasFocus)
        key(Qt.Key.Key_Space)
        assert form.row(3).literal.isChecked()
        key(Qt.Key.Key_Return)
    qtbot.waitUntil(form.guide_title.hasFocus)
    type_text("Letter")
    with qtbot.waitSignal(form.saved) as saved:
        key(Qt.Key.Key_Return)
    assert saved.args[0] == "Letter" and saved.args[2][2].literal


def test_escape_asks_before_discarding(form: ReviewForm, qtbot: QtBot) -> None:
    form.review(LETTER, title="Letter")
    form.guide_title.setFocus()
    qtbot.waitUntil(form.guide_title.hasFocus)
    with qtbot.assertNotEmitted(form.discarded):
        key(Qt.Key.Key_Escape)
        assert form.confirming() and "Discard this recording?" in form.confirm.accessibleName()
        assert QApplication.focusWidget() is form.keep  # the safe answer has the focus
        key(Qt.Key.Key_Return)  # Keep reviewing
        assert not form.confirming()
        key(Qt.Key.Key_Escape)
        assert form.confirming()
        key(Qt.Key.Key_Escape)  # Escape again: keep reviewing
        assert not form.confirming()
    qtbot.mouseClick(form.discard, Qt.MouseButton.LeftButton)
    assert form.confirming()
    with qtbot.waitSignal(form.discarded):
        qtbot.mouseClick(form.really_discard, Qt.MouseButton.LeftButton)
    assert not form.confirming()


def test_enter_does_not_save_while_discard_is_asked(form: ReviewForm, qtbot: QtBot) -> None:
    form.review(LETTER, title="Letter")
    form.ask_discard()
    form.guide_title.setFocus()
    qtbot.waitUntil(form.guide_title.hasFocus)
    with qtbot.assertNotEmitted(form.saved):
        key(Qt.Key.Key_Return)


@pytest.mark.parametrize("count", [0, 1, 12])
def test_readable_with_0_1_and_12_texts(form: ReviewForm, qtbot: QtBot, count: int) -> None:
    inputs = [TypedInput(f"cell_{i}", f"Cell {i}", sample=str(i)) for i in range(count)]
    form.review(inputs, title="Fill the sheet")
    assert form.empty.isHidden() == (count > 0)
    assert form.section.text() == {0: "What you typed", 1: "What you typed (1 text)",
                                   12: "What you typed (12 texts)"}[count]
    assert form.save.isEnabled()
    area = form.scroll_area
    assert area is not None
    bar = area.verticalScrollBar()
    qtbot.waitUntil(lambda: (bar.maximum() > 0) == (count == 12))
    if count == 12:
        last = form.row(12).literal
        last.setFocus()
        qtbot.waitUntil(last.hasFocus)
        form.scroll_to(last)
        assert bar.value() > 0  # the last text is scrolled into sight


def test_every_control_has_an_accessible_name(form: ReviewForm) -> None:
    form.review(LETTER, title="Letter")
    controls = [*form.findChildren(QLineEdit), *form.findChildren(QPushButton), *form.findChildren(QCheckBox)]
    assert len(controls) >= 11
    for widget in controls:
        assert widget.accessibleName(), widget
    assert form.row(3).name.accessibleName() == "Name of text 3"


def test_reviewing_again_replaces_the_rows(form: ReviewForm, qtbot: QtBot) -> None:
    form.review(LETTER, title="Letter")
    old = form.rows
    form.review(LETTER[:1], title="Other")
    assert len(form.rows) == 1 and all(row.isHidden() for row in old)
