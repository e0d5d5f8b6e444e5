"""A knowledge check in the panel: a question, its options (round buttons when one answer is right, tick
boxes when several are), Check, then the feedback of each option picked and the explanation.

Reusable: it takes anything shaped like app.format.model.QuizSpec (a quiz step in a run, a review question
later) and says what the person checked through `answered(list of option indexes from 0)`; it keeps no
score and never blocks: the person may check again as often as they like.

Keyboard: Tab reaches the options and Check; the arrow keys move between options (and pick, for round
buttons); Space picks; the number keys 1–9 pick (or tick) option 1–9; Enter checks a new answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from overlays.views import (
    Banner,
    RichText,
    announce,
    button,
    label,
    markdown_inline,
    markdown_plain,
    scaled_font,
    set_role,
)

__all__ = ["QuizLike", "QuizView"]


class _OptionLike(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def correct(self) -> bool: ...

    @property
    def feedback(self) -> str | None: ...


class QuizLike(Protocol):
    """What the view needs of a question (app.format.model.QuizSpec and ReviewQuestion fit)."""

    @property
    def question(self) -> str: ...

    @property
    def options(self) -> Sequence[_OptionLike]: ...

    @property
    def explanation(self) -> str | None: ...


_ARROWS: dict[int, int] = {Qt.Key.Key_Up: -1, Qt.Key.Key_Left: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_Right: 1}


class _OptionText(QLabel):
    """An option's text beside its button: clicking it picks the option, as clicking the button does."""

    def __init__(self, markdown: str, target: QAbstractButton) -> None:
        super().__init__(markdown_inline(markdown))
        self._target = target
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: object) -> None:
        from PySide6.QtGui import QMouseEvent

        if isinstance(event, QMouseEvent) and event.button() == Qt.MouseButton.LeftButton:
            self._target.click()
            self._target.setFocus(Qt.FocusReason.MouseFocusReason)


class QuizView(QFrame):
    """One question. `answered` carries the indexes (from 0, ascending) of the options checked."""

    answered = Signal(list)
    linkRequested = Signal(str)
    """A web link in the question or the explanation was clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "quiz")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 4)
        box.setSpacing(10)
        self.question = RichText()
        self.question.linkRequested.connect(self.linkRequested)
        self.question.setFont(scaled_font(self.font(), 1.05, QFont.Weight.DemiBold))
        box.addWidget(self.question)
        self.how = label(role="hint")
        box.addWidget(self.how)
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(4)
        self._grid.setColumnStretch(1, 1)
        box.addLayout(self._grid)
        self.check = button(self.tr("Check &answer"), role="primary", accessible=self.tr("Check answer"))
        self.check.setToolTip(self.tr("See whether your answer is right (Enter); you can try again."))
        self.check.clicked.connect(self._check)
        box.addWidget(self.check, 0, Qt.AlignmentFlag.AlignLeft)
        self.result = Banner("info")
        self.explanation = RichText()
        self.explanation.linkRequested.connect(self.linkRequested)
        self.result.layout().addWidget(self.explanation)  # type: ignore[union-attr]
        box.addWidget(self.result)
        self.buttons: list[QAbstractButton] = []
        self.texts: list[_OptionText] = []
        self.feedback: list[QLabel] = []
        self._group: QButtonGroup | None = None
        self._quiz: QuizLike | None = None
        self._checked: list[int] | None = None

    # ----------------------------------------------------------------- content

    def set_quiz(self, quiz: QuizLike) -> None:
        """Show `quiz` afresh: nothing picked, no feedback."""
        self._quiz = quiz
        self._checked = None
        for widget in (*self.buttons, *self.texts, *self.feedback):
            widget.hide()
            widget.deleteLater()
        if self._group is not None:
            self._group.deleteLater()
        several = sum(1 for o in quiz.options if o.correct) > 1
        self.question.set_markdown(quiz.question)
        count = len(quiz.options)
        keys = f"1–{count}" if count > 1 else "1"
        self.how.setText((self.tr("Tick all that apply (keys %1).") if several
                          else self.tr("Pick one answer (keys %1).")).replace("%1", keys))
        self._group = QButtonGroup(self)
        self._group.setExclusive(not several)
        self.buttons, self.texts, self.feedback = [], [], []
        for i, option in enumerate(quiz.options):
            plain = markdown_plain(option.text)
            choice: QAbstractButton = QCheckBox() if several else QRadioButton()
            choice.setText(f"&{i + 1}" if i < 9 else "")
            choice.setAccessibleName(f"{i + 1}. {plain}")
            choice.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            choice.toggled.connect(self._picked)
            choice.installEventFilter(self)
            self._group.addButton(choice, i)
            text = _OptionText(option.text, choice)
            text.setAccessibleName(plain)
            note = label(role="quiz-feedback")
            note.hide()
            self._grid.addWidget(choice, 2 * i, 0, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(text, 2 * i, 1)
            self._grid.addWidget(note, 2 * i + 1, 1)
            for widget in (choice, text):
                widget.show()
            self.buttons.append(choice)
            self.texts.append(text)
            self.feedback.append(note)
        self.result.hide()
        self._picked()

    def chosen(self) -> list[int]:
        """The options picked now (indexes from 0, ascending)."""
        return [i for i, b in enumerate(self.buttons) if b.isChecked()]

    def can_check(self) -> bool:
        """Something is picked that has not been checked as it is."""
        picked = self.chosen()
        return bool(picked) and picked != self._checked

    def is_answered(self) -> bool:
        """An answer was checked (right or wrong) since the question was shown."""
        return self._checked is not None

    # ------------------------------------------------------------------ keys

    def press(self, key: int) -> bool:
        """A number key 1–9 picks (or ticks) that option; True when the key was used."""
        index = key - Qt.Key.Key_1
        if not 0 <= index < min(9, len(self.buttons)):
            return False
        choice = self.buttons[index]
        choice.click() if isinstance(choice, QCheckBox) else choice.setChecked(True)
        if self.window().isActiveWindow():
            choice.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down (Left and Right) go from option to option in order, picking a round button as they
        reach it, as round buttons do; tick boxes are ticked with Space or their number."""
        if event.type() == QEvent.Type.KeyPress and watched in self.buttons and isinstance(event, QKeyEvent):
            step = _ARROWS.get(event.key())
            if step is not None:
                index = self.buttons.index(watched) + step
                if 0 <= index < len(self.buttons):
                    target = self.buttons[index]
                    target.setFocus(Qt.FocusReason.TabFocusReason)
                    if isinstance(target, QRadioButton):
                        target.setChecked(True)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and plain and self.press(key):
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.can_check():
            self._check()
            event.accept()
            return
        super().keyPressEvent(event)

    # ----------------------------------------------------------------- check

    def _picked(self, _on: bool = False) -> None:
        self.check.setEnabled(self.can_check())

    def _check(self) -> None:
        quiz = self._quiz
        picked = self.chosen()
        if quiz is None or not picked:
            return
        self._checked = picked
        right = sorted(i for i, o in enumerate(quiz.options) if o.correct) == picked
        for i, note in enumerate(self.feedback):
            option = quiz.options[i]
            if i not in picked:
                note.hide()
                continue
            mark = "✓  " if option.correct else "✗  "
            note.setText(mark + markdown_plain(option.feedback or (
                self.tr("Right.") if option.correct else self.tr("Not this one."))))
            set_role(note, "quiz-right" if option.correct else "quiz-wrong")
            note.show()
        found = sum(1 for i in picked if quiz.options[i].correct)
        wanted = sum(1 for o in quiz.options if o.correct)
        if right:
            heading = self.tr("Right")
            message = self.tr("Well done.") if not quiz.explanation else ""
        else:
            heading = self.tr("Not quite")
            message = (self.tr("You found %1 of %2 right answers. ").replace("%1", str(found))
                       .replace("%2", str(wanted)) if wanted > 1 else "") + self.tr(
                "Try another answer, or go on: this is for learning, not a test.")
        self.result.show_message(message, heading=heading)
        self.result.text.setVisible(bool(message))
        self.explanation.set_markdown(quiz.explanation or "")
        self.explanation.setVisible(bool(quiz.explanation))
        said = " ".join(part for part in (heading, message, self.explanation.plain_text()) if part)
        self.result.setAccessibleName(said)
        announce(self.result, said)
        self._picked()
        self.answered.emit(picked)

    def check_button(self) -> QPushButton:
        return self.check
