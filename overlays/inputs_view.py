"""The inputs form asked before a run: one field per wizard input, messages beside failing fields."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QRegularExpression, Qt, Signal
from PySide6.QtGui import QFont, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.engine import Abort, AskInputs, SubmitInputs
from app.format.model import Input
from overlays.views import View, button, discard, escape_html, label, mnemonic_safe, repolish, scaled_font

__all__ = ["Field", "InputsView"]

MAX_RADIOS = 4
_NUMBER = QRegularExpression(r"^[+-]?[0-9_]*[.]?[0-9_]*([eE][+-]?[0-9]*)?$")


class Field(QWidget):
    """One input: label (required marked), the editor for its type, help and an error line."""

    submitted = Signal()

    def __init__(self, spec: Input, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self._radios: QButtonGroup | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setWordWrap(True)
        self.caption.setFont(scaled_font(self.font(), 1.0, QFont.Weight.DemiBold))
        caption = escape_html(spec.label)
        if spec.required:
            caption += ' <span style="font-weight:400">*</span>'
        self.caption.setText(caption)
        box.addWidget(self.caption)
        self.editor = self._make_editor(spec, value)
        box.addWidget(self.editor)
        self.help = label(spec.help or "", role="muted")
        self.help.setFont(scaled_font(self.font(), 0.92))
        self.help.setVisible(bool(spec.help))
        box.addWidget(self.help)
        self.error = label(role="error")
        self.error.setFont(scaled_font(self.font(), 0.92))
        self.error.hide()
        box.addWidget(self.error)
        name = spec.label + (" " + self.tr("(required)") if spec.required else "")
        if self._radios is None:
            self.editor.setAccessibleName(name)
            self.editor.setAccessibleDescription(spec.help or "")
        self.caption.setBuddy(self.focus_target())

    def _make_editor(self, spec: Input, value: str) -> QWidget:
        if spec.type == "multiline":
            text = QPlainTextEdit()
            text.setPlainText(value)
            text.setTabChangesFocus(True)
            lines = text.fontMetrics().lineSpacing()
            text.setFixedHeight(lines * 4 + 14)
            return text
        if spec.type == "choice" and len(spec.choices or ()) <= MAX_RADIOS:
            holder = QWidget()
            column = QVBoxLayout(holder)
            column.setContentsMargins(2, 2, 0, 2)
            column.setSpacing(6)
            self._radios = QButtonGroup(holder)
            holder.setAccessibleName(spec.label)
            for i, option in enumerate(spec.choices or ()):
                radio = QRadioButton(mnemonic_safe(option))
                radio.setAccessibleName(option)
                radio.setAccessibleDescription(spec.label)
                radio.setChecked(option == value)
                self._radios.addButton(radio, i)
                column.addWidget(radio)
            return holder
        if spec.type == "choice":
            combo = QComboBox()
            combo.setPlaceholderText(self.tr("Choose…"))
            if not spec.required:
                combo.addItem("—", "")
            for option in spec.choices or ():
                combo.addItem(option, option)
            combo.setCurrentIndex(combo.findData(value))
            return combo
        line = QLineEdit(value)
        if spec.type == "secret":
            line.setEchoMode(QLineEdit.EchoMode.Password)
            hints = Qt.InputMethodHint
            line.setInputMethodHints(hints.ImhSensitiveData | hints.ImhNoPredictiveText)
        elif spec.type == "number":
            line.setValidator(QRegularExpressionValidator(_NUMBER, line))
            line.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
            line.editingFinished.connect(self._check_number)
        line.textEdited.connect(lambda _text: self.set_error(None))
        return line

    def focus_target(self) -> QWidget:
        if self._radios is not None:
            checked = self._radios.checkedButton()
            return checked if checked is not None else self._radios.buttons()[0]
        return self.editor

    def text_widgets(self) -> list[QWidget]:
        """Widgets the person types into (the panel takes the keyboard when they are clicked)."""
        if isinstance(self.editor, QLineEdit | QPlainTextEdit | QComboBox):
            return [self.editor]
        return []

    def value(self) -> str:
        editor = self.editor
        if self._radios is not None:
            choices = self.spec.choices or []
            picked = self._radios.checkedId()
            return choices[picked] if 0 <= picked < len(choices) else ""
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QComboBox):
            return str(editor.currentData() or "")
        if isinstance(editor, QLineEdit):
            return editor.text()
        return ""

    def set_error(self, message: str | None) -> None:
        """Show `message` under the field (and as its accessible description), or clear it."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        if self._radios is not None:
            for radio in self._radios.buttons():
                radio.setAccessibleDescription(message or self.spec.label)
        else:
            self.editor.setAccessibleDescription(message or self.spec.help or "")
        for widget in (self.editor, *(self._radios.buttons() if self._radios else ())):
            if bool(widget.property("invalid")) != bool(message):
                widget.setProperty("invalid", bool(message))
                repolish(widget)

    def has_error(self) -> bool:
        return not self.error.isHidden()

    def _check_number(self) -> None:
        raw = self.value().strip()
        if not raw:
            return
        try:
            Decimal(raw.replace("_", ""))
        except InvalidOperation:
            self.set_error(self.tr("'%1' is not a number.").replace("%1", raw))


class InputsView(View):
    """The form from AskInputs; [Cancel] aborts the run, [Start ▸] submits the values."""

    engineEvent = Signal(object)

    def __init__(self, clock: Callable[[], float] = time.time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._title = ""
        self.fields: list[Field] = []
        self.heading = label()
        self.heading.setFont(scaled_font(self.font(), 1.15, QFont.Weight.DemiBold))
        self.intro = label(role="muted")
        self.unavailable = label(role="muted")
        self.unavailable.hide()
        self.content.addWidget(self.heading)
        self.content.addWidget(self.intro)
        self.content.addWidget(self.unavailable)
        self._form = QVBoxLayout()
        self._form.setSpacing(16)
        self.content.addSpacing(4)
        self.content.addLayout(self._form)
        self.content.addStretch(1)
        self.cancel = button(self.tr("&Cancel"))
        self.cancel.clicked.connect(self._cancel)
        self.start = button(self.tr("S&tart ▸"), role="primary", accessible=self.tr("Start"))
        self.start.clicked.connect(self.submit)
        self.buttons.addWidget(self.cancel)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.start)

    def ask(self, effect: AskInputs, title: str, mode: str) -> None:
        """Build the form for `effect`; values pre-fill it."""
        self._title = title
        self.clear_notice()
        for field in self.fields:
            discard(field)
        self.fields = []
        self.heading.setText(self.tr("Do it for me") if mode == "black" else self.tr("Before you start"))
        required = any(spec.required for spec in effect.inputs)
        intro = self.tr("Wayguide needs a few details for this task.")
        if required:
            intro += " " + self.tr("Fields marked * are required.")
        self.intro.setText(intro)
        previous: QWidget = self.intro
        for spec in effect.inputs:
            field = Field(spec, str(effect.values.get(spec.name, "")))
            self._form.addWidget(field)
            field.show()  # now, not when the event loop comes round
            self.fields.append(field)
            target = field.focus_target()
            QWidget.setTabOrder(previous, target)
            previous = target
        QWidget.setTabOrder(previous, self.cancel)
        QWidget.setTabOrder(self.cancel, self.start)

    def set_automation(self, unavailable: str) -> None:
        """Where automation cannot work: `unavailable` says why in one sentence ("" where it can)."""
        self.unavailable.setText(unavailable)
        self.unavailable.setVisible(bool(unavailable))

    def invalid(self, errors: Mapping[str, str]) -> None:
        """Show each message beside its field and focus the first failing one."""
        first: Field | None = None
        for field in self.fields:
            message = errors.get(field.spec.name)
            field.set_error(message)
            if message and first is None:
                first = field
        others = [f"{name}: {msg}" for name, msg in errors.items()
                  if all(f.spec.name != name for f in self.fields)]
        if others:
            self.show_notice("\n".join(others), "problem")
        if first is not None:
            first.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll_to(first)

    def values(self) -> dict[str, str]:
        return {field.spec.name: field.value() for field in self.fields}

    def submit(self) -> None:
        self.engineEvent.emit(SubmitInputs(values=self.values(), at=self._clock()))

    def _cancel(self) -> None:
        self.engineEvent.emit(Abort(reason="Cancelled", at=self._clock()))

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.spec.name == name)

    # ---------------------------------------------------------- View API

    def title(self) -> str:
        return self._title or "Wayguide"

    def default_button(self) -> QPushButton | None:
        return self.start

    def first_focus(self) -> QWidget | None:
        bad = next((f for f in self.fields if f.has_error()), None)
        field = bad or (self.fields[0] if self.fields else None)
        return field.focus_target() if field is not None else self.start

    def text_fields(self) -> list[QWidget]:
        return [w for field in self.fields for w in field.text_widgets()]
