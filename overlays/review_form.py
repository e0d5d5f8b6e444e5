"""The review form after a recording stops: the guide's title and id, and for each typed text the
input it becomes (a name and a label) or "always this text"; Save draft or Discard."""

from __future__ import annotations

import dataclasses
import itertools
import re
import unicodedata
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.format.model import INPUT_NAME, WIZARD_ID
from app.recording.review import TypedInput
from overlays.views import MARGIN, Banner, ElidedLabel, View, button, discard, label, repolish, scaled_font

__all__ = ["ReviewForm", "TypedRow", "shown_sample", "suggest_id"]

ID_MAX = 100
_NAME = re.compile(INPUT_NAME)
_ID = re.compile(WIZARD_ID)
_VISIBLE = str.maketrans({"\n": "⏎", "\t": "⇥", "\r": ""})


def suggest_id(title: str, prefix: str = "") -> str:
    """A wizard id from a title: "Save as PDF" → "save-as-pdf"; with `prefix` "mousepad":
    "mousepad.save-as-pdf". Accents are dropped; "" when nothing usable is left."""

    def slug(text: str) -> str:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
        return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")

    words = slug(title)[:60].strip("-")
    return ".".join(part for part in (slug(prefix)[:30].strip("-"), words) if part)


def shown_sample(sample: str) -> str:
    """Typed text as the form shows it: quoted, line breaks and tabs visible."""
    return f"“{sample.translate(_VISIBLE)}”"


def _set_invalid(widget: QWidget, message: str | None, error: QLabel, description: str = "") -> None:
    error.setText(message or "")
    error.setVisible(bool(message))
    widget.setAccessibleDescription(message or description)
    if bool(widget.property("invalid")) != bool(message):
        widget.setProperty("invalid", bool(message))
        repolish(widget)


def _small(widget: QLabel) -> QLabel:
    widget.setFont(scaled_font(widget.font(), 0.92))
    return widget


class TypedRow(QFrame):
    """One typed text: what was typed (or that it was a password), its input's name and label, and
    "Always this text"."""

    changed = Signal()

    def __init__(self, number: int, typed: TypedInput, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        self.typed = typed
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 10, 12, 12)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        self.number = label(f"{number}", wrap=False, role="muted")
        self.number.setFont(scaled_font(self.font(), 1.0, QFont.Weight.DemiBold))
        grid.addWidget(self.number, 0, 0, Qt.AlignmentFlag.AlignTop)
        self.sample: QLabel
        if typed.secret:
            self.sample = label(self.tr("Password field: never recorded — asked each run"), role="muted")
        else:
            self.sample = sample = ElidedLabel()
            sample.set_full_text(shown_sample(typed.sample))
            self.sample.setFont(scaled_font(self.font(), 1.0, QFont.Weight.DemiBold))
            self.sample.setAccessibleName(self.tr("You typed %1").replace("%1", shown_sample(typed.sample)))
        grid.addWidget(self.sample, 0, 1, 1, 2)
        self.name_caption = label(self.tr("&Name"), wrap=False)
        self.name = QLineEdit(typed.name)
        self.name.setAccessibleName(self.tr("Name of text %1").replace("%1", str(number)))
        self.name.setPlaceholderText("customer_name")
        self.name_error = _small(label(role="error"))
        self.label_caption = label(self.tr("&Label"), wrap=False)
        self.label = QLineEdit(typed.label)
        self.label.setAccessibleName(self.tr("Label of text %1").replace("%1", str(number)))
        self.label.setPlaceholderText(self.tr("Customer name"))
        self.label_error = _small(label(role="error"))
        for row, (caption, edit, error) in enumerate(((self.name_caption, self.name, self.name_error),
                                                      (self.label_caption, self.label, self.label_error)), 1):
            caption.setTextFormat(Qt.TextFormat.AutoText)
            caption.setBuddy(edit)
            grid.addWidget(caption, row * 2 - 1, 1)
            grid.addWidget(edit, row * 2 - 1, 2)
            grid.addWidget(error, row * 2, 2)
            error.hide()
            edit.textChanged.connect(self.changed)
        self.name.setToolTip(self.tr("Used in the guide as {{ inputs.NAME }}: lowercase letters, digits, _"))
        self.label.setToolTip(self.tr("What the form asks before a run"))
        self.literal = QCheckBox(self.tr("Always this text"))
        self.literal.setAccessibleName(self.tr("Always this text (text %1)").replace("%1", str(number)))
        self.literal.setToolTip(self.tr("The guide types exactly what you typed, every run, and asks "
                                        "nothing"))
        self.literal.setAccessibleDescription(self.literal.toolTip())
        self.literal.setChecked(typed.literal and not typed.secret)
        self.literal.toggled.connect(self._literal_toggled)
        grid.addWidget(self.literal, 5, 1, 1, 2)
        self.literal.setHidden(typed.secret)  # once in the row: shown alone it would be a window
        grid.setColumnStretch(2, 1)
        self._literal_toggled(self.literal.isChecked())

    def is_literal(self) -> bool:
        return self.literal.isChecked() and not self.typed.secret

    def value(self) -> TypedInput:
        return dataclasses.replace(self.typed, name=self.name.text().strip(), label=self.label.text().strip(),
                                   literal=self.is_literal())

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = [self.name, self.label]
        return chain if self.typed.secret else [*chain, self.literal]

    def set_errors(self, name: str | None, label_: str | None) -> None:
        _set_invalid(self.name, name, self.name_error, self.name.toolTip())
        _set_invalid(self.label, label_, self.label_error, self.label.toolTip())

    def has_error(self) -> bool:
        return not (self.name_error.isHidden() and self.label_error.isHidden())

    def first_error(self) -> QWidget | None:
        return self.name if not self.name_error.isHidden() else self.label if self.has_error() else None

    def _literal_toggled(self, literal: bool) -> None:
        for widget in (self.name_caption, self.name, self.label_caption, self.label):
            widget.setEnabled(not literal)
        self.changed.emit()


class ReviewForm(View):
    """Review after Stop; `saved(title, wizard_id, inputs)` with the edited values (a list of
    TypedInput, in the order given), or `discarded()` once the author confirmed it.

    Enter saves when everything is valid (else goes to the first problem); Escape asks to discard."""

    saved = Signal(str, str, list)
    discarded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Review the recording"))
        self.rows: list[TypedRow] = []
        self._prefix = ""
        self._id_follows = True
        self.heading = label(self.tr("Review the recording"))
        self.heading.setFont(scaled_font(self.font(), 1.15, QFont.Weight.DemiBold))
        self._intro = self.tr("Give the guide a title, then name what you typed: each text becomes a field "
                              "asked before a run, unless it is always the same.")
        self.intro = label(self._intro, role="muted")
        self.content.addWidget(self.heading)
        self.content.addWidget(self.intro)
        self.guide_title, self.title_error = self._field(self.tr("&Title"), self.tr("Guide title"))
        self.guide_title.setPlaceholderText(self.tr("e.g. Save a letter as PDF"))
        self._id_help = self.tr("Lowercase letters and digits, parts joined by . or -")
        self.guide_id, self.id_error = self._field(self.tr("&Id"), self.tr("Guide id"), self._id_help)
        self.guide_id.setMaxLength(ID_MAX)
        self.section = label(role="section")
        self.content.addSpacing(6)
        self.content.addWidget(self.section)
        self.empty = label(self.tr("Nothing was typed in this recording: there is nothing to name."),
                           role="muted")
        self.content.addWidget(self.empty)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(10)
        self.content.addLayout(self._rows)
        self.content.addStretch(1)
        self._build_confirm()
        self.discard = button(self.tr("&Discard…"), accessible=self.tr("Discard"))
        self.discard.setToolTip(self.tr("Throw the recording away (asks first)"))
        self.problems = _small(label(role="muted", wrap=False))
        self.save = button(self.tr("&Save draft"), role="primary", accessible=self.tr("Save draft"))
        self.buttons.addWidget(self.discard)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.problems)
        self.buttons.addWidget(self.save)
        self.discard.clicked.connect(self.ask_discard)
        self.save.clicked.connect(self.submit)
        self.guide_title.textEdited.connect(self._title_edited)
        self.guide_title.textChanged.connect(self.validate)
        self.guide_id.textEdited.connect(self._id_edited)
        self.guide_id.textChanged.connect(self.validate)
        self.review([])

    def _field(self, caption: str, name: str, help_text: str = "") -> tuple[QLineEdit, QLabel]:
        """A captioned line edit with an optional help line and its error line, in the content."""
        title = label(caption, wrap=False)
        title.setTextFormat(Qt.TextFormat.AutoText)
        title.setFont(scaled_font(self.font(), 1.0, QFont.Weight.DemiBold))
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setAccessibleDescription(help_text)
        title.setBuddy(edit)
        error = _small(label(role="error"))
        error.hide()
        box = QVBoxLayout()
        box.setSpacing(4)
        box.addWidget(title)
        box.addWidget(edit)
        if help_text:
            box.addWidget(_small(label(help_text, role="muted")))
        box.addWidget(error)
        self.content.addLayout(box)
        return edit, error

    def _build_confirm(self) -> None:
        self.confirm = Banner("problem")
        self.keep = button(self.tr("&Keep reviewing"), accessible=self.tr("Keep reviewing"))
        self.really_discard = button(self.tr("D&iscard recording"), role="danger",
                                     accessible=self.tr("Discard recording"))
        self.confirm.buttons.addWidget(self.keep)
        self.confirm.buttons.addStretch(1)
        self.confirm.buttons.addWidget(self.really_discard)
        self.keep.clicked.connect(self.keep_reviewing)
        self.really_discard.clicked.connect(self._discard_confirmed)
        holder = QVBoxLayout()
        holder.setContentsMargins(MARGIN, 0, MARGIN, 8)
        holder.addWidget(self.confirm)
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        outer.insertLayout(outer.indexOf(self.bar), holder)

    # ------------------------------------------------------------ public API

    def review(self, inputs: Sequence[TypedInput], title: str = "", wizard_id: str = "",
               id_prefix: str = "") -> None:
        """Show the form for `inputs` (the typed texts, in order), with a suggested `title` and
        `wizard_id`. While the id is the one suggested, it follows the title (`id_prefix`, e.g. the
        application's name, before it)."""
        self.keep_reviewing()
        for row in self.rows:
            discard(row)
        self.rows = []
        self._prefix = id_prefix
        self.guide_title.setText(title)
        self.guide_id.setText(wizard_id or suggest_id(title, id_prefix))
        self._id_follows = not wizard_id or wizard_id == suggest_id(title, id_prefix)
        for number, typed in enumerate(inputs, 1):
            row = TypedRow(number, typed)
            row.changed.connect(self.validate)
            self._rows.addWidget(row)
            row.show()
            self.rows.append(row)
        count = len(self.rows)
        self.section.setText(self.tr("What you typed") if count != 1 else self.tr("What you typed (1 text)"))
        if count > 1:
            self.section.setText(self.tr("What you typed (%n texts)", "", count))
        self.empty.setVisible(count == 0)
        self.intro.setText(self._intro if count else self.tr("Give the guide a title; its id follows it."))
        chain: list[QWidget] = [self.guide_title, self.guide_id]
        chain += [w for row in self.rows for w in row.focus_chain()]
        chain += [self.discard, self.save]
        for before, after in itertools.pairwise(chain):
            QWidget.setTabOrder(before, after)
        self.validate()

    def values(self) -> tuple[str, str, list[TypedInput]]:
        """What Save draft would hand over now."""
        return self.guide_title.text().strip(), self.guide_id.text().strip(), [r.value() for r in self.rows]

    def validate(self) -> bool:
        """Check every field now, show each message beside its field; Save is enabled only when all
        are right. Returns whether they are."""
        title, wizard_id, _ = self.values()
        _set_invalid(self.guide_title, None if title else self.tr("The guide needs a title."),
                     self.title_error)
        _set_invalid(self.guide_id, self._id_problem(wizard_id), self.id_error, self._id_help)
        taken: dict[str, int] = {}
        for number, row in enumerate(self.rows, 1):
            if row.is_literal():
                row.set_errors(None, None)
                continue
            typed = row.value()
            name_problem = self._name_problem(typed.name, taken)
            taken.setdefault(typed.name, number)
            row.set_errors(name_problem, None if typed.label else self.tr("The field needs a label."))
        wrong = sum(1 for e in (self.title_error, self.id_error) if not e.isHidden())
        wrong += sum(1 for row in self.rows for e in (row.name_error, row.label_error) if not e.isHidden())
        self.save.setEnabled(wrong == 0)
        self.problems.setText("" if wrong == 0 else self.tr("%n to fix", "", wrong))
        self.save.setToolTip(self.tr("Write the draft guide") if wrong == 0
                             else self.tr("Fix the fields marked in red first"))
        self.save.setAccessibleDescription(self.save.toolTip())
        return wrong == 0

    def _id_problem(self, wizard_id: str) -> str | None:
        if not wizard_id:
            return self.tr("The guide needs an id.")
        if not _ID.fullmatch(wizard_id):
            return self.tr("Use lowercase letters and digits, with . or - between parts "
                           "(e.g. mousepad.save-as-pdf).")
        return None

    def _name_problem(self, name: str, taken: dict[str, int]) -> str | None:
        if not name:
            return self.tr("The field needs a name.")
        if not _NAME.fullmatch(name):
            return self.tr("Use lowercase letters, digits and _, not starting with a digit.")
        if name in taken:
            message = self.tr("Text %1 is already called “%2”.")
            return message.replace("%1", str(taken[name])).replace("%2", name)
        return None

    def submit(self) -> None:
        """Save draft: emit `saved` when everything is valid; else go to the first problem."""
        if not self.validate():
            target = self._first_problem()
            if target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                self.scroll_to(target)
            return
        self.saved.emit(*self.values())

    def _first_problem(self) -> QWidget | None:
        if not self.title_error.isHidden():
            return self.guide_title
        if not self.id_error.isHidden():
            return self.guide_id
        return next((w for row in self.rows if (w := row.first_error()) is not None), None)

    def ask_discard(self) -> None:
        """Ask whether to throw the recording away (inline, above the buttons)."""
        self.confirm.show_message(self.tr("What you recorded is lost; nothing is saved."),
                                  heading=self.tr("Discard this recording?"))
        self.keep.setFocus(Qt.FocusReason.OtherFocusReason)

    def keep_reviewing(self) -> None:
        was_asking = self.confirming()
        self.confirm.hide()
        if was_asking:
            self.discard.setFocus(Qt.FocusReason.OtherFocusReason)

    def confirming(self) -> bool:
        return not self.confirm.isHidden()

    def _discard_confirmed(self) -> None:
        self.confirm.hide()
        self.discarded.emit()

    def _title_edited(self, title: str) -> None:
        if self._id_follows:
            self.guide_id.setText(suggest_id(title, self._prefix))

    def _id_edited(self, wizard_id: str) -> None:
        self._id_follows = not wizard_id  # emptied: follow the title again

    def row(self, number: int) -> TypedRow:
        """The row of text `number` (1-based)."""
        return self.rows[number - 1]

    # ---------------------------------------------------------- View API

    def title(self) -> str:
        return self.tr("Record a guide")

    def default_button(self) -> QPushButton | None:
        return self.save

    def first_focus(self) -> QWidget | None:
        return self._first_problem() or self.guide_title

    def text_fields(self) -> list[QWidget]:
        return [self.guide_title, self.guide_id, *(w for row in self.rows for w in (row.name, row.label))]

    def wants_escape(self) -> bool:
        return True

    def escape(self) -> None:
        if self.confirming():
            self.keep_reviewing()
        else:
            self.ask_discard()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.escape()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QPushButton) and focused.isEnabled():
                focused.click()
            elif not self.confirming():
                self.submit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()
