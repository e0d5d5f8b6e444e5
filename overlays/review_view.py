"""A short spaced review in the panel: a handful of questions from tasks the person did earlier, one at a
time (overlays.quiz_view), then how it went. It can wait: "Later" and "Tomorrow" put it off, "Not for this
task" stops the reviews of the task the question comes from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QPushButton, QWidget

from overlays.quiz_view import QuizLike, QuizView
from overlays.views import View, button, label, scaled_font

__all__ = ["ReviewItem", "ReviewView"]


@dataclass(frozen=True)
class ReviewItem:
    """One question of a review, and the task it keeps fresh."""

    task: str
    """The wizard's title."""
    quiz: QuizLike


class ReviewView(View):
    """The questions in turn; the first answer checked to each is the one that counts (`answered`), the
    person may check again to learn from it."""

    answered = Signal(int, list)
    """(question index, options picked: indexes from 0) for the first answer checked to a question."""
    postponed = Signal(str)
    """"hour" or "tomorrow": the person put the review off."""
    notForTask = Signal(int)
    """The person wants no more reviews of the task question `index` comes from."""
    closed = Signal()
    """The review is over (every question seen, or closed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[ReviewItem] = []
        self._index = 0
        self._right: list[bool] = []
        self.heading = label(self.tr("A short review"))
        self.heading.setFont(scaled_font(self.font(), 1.3, QFont.Weight.Bold))
        self.where = label(role="muted")
        self.quiz = QuizView()
        self.quiz.answered.connect(self._checked)
        self.summary = label()
        self.summary.hide()
        for part in (self.heading, self.where, self.quiz, self.summary):
            self.content.addWidget(part)
        self.later = button(self.tr("&Later"), accessible=self.tr("Remind me in an hour"))
        self.later.setToolTip(self.tr("Ask again in an hour."))
        self.later.clicked.connect(lambda: self._postpone("hour"))
        self.tomorrow = button(self.tr("&Tomorrow"), accessible=self.tr("Remind me tomorrow"))
        self.tomorrow.clicked.connect(lambda: self._postpone("tomorrow"))
        self.not_task = button(self.tr("Not for this task"), role="link")
        self.not_task.setToolTip(self.tr("No more review questions about this task."))
        self.not_task.clicked.connect(lambda: self.notForTask.emit(self._index))
        self.next = button(self.tr("&Next question ▸"), role="primary", accessible=self.tr("Next question"))
        self.next.clicked.connect(self._next)
        self.done = button(self.tr("&Done"), role="primary")
        self.done.clicked.connect(self.closed)
        self.buttons.addWidget(self.later)
        self.buttons.addWidget(self.tomorrow)
        self.buttons.addStretch(1)
        for widget in (self.next, self.done):
            self.buttons.addWidget(widget)
        self.content.addWidget(self.not_task, 0, Qt.AlignmentFlag.AlignLeft)
        self.content.addStretch(1)

    def set_review(self, items: Sequence[ReviewItem]) -> None:
        """Ask these questions, from the first."""
        self._items, self._index, self._right = list(items), 0, []
        self._show()

    def _show(self) -> None:
        item = self._items[self._index]
        count = len(self._items)
        self.where.setText(self.tr("Question %1 of %2 · from “%3”").replace("%1", str(self._index + 1))
                           .replace("%2", str(count)).replace("%3", item.task))
        self.quiz.set_quiz(item.quiz)
        self.quiz.show()
        self.summary.hide()
        self.not_task.show()
        for widget in (self.next, self.done):
            widget.hide()

    def _checked(self, chosen: list[int]) -> None:
        if len(self._right) > self._index:
            return  # checked again: to learn, not to count
        quiz = self._items[self._index].quiz
        right = tuple(i for i, o in enumerate(quiz.options) if o.correct)
        self._right.append(tuple(chosen) == right)
        self.answered.emit(self._index, chosen)
        last = self._index == len(self._items) - 1
        self.next.setVisible(not last)
        self.done.setVisible(last)
        if last:
            got = sum(self._right)
            self.summary.setText(self.tr("%1 of %2 right. The questions you missed come back sooner; the "
                                         "others wait longer.").replace("%1", str(got))
                                 .replace("%2", str(len(self._items))))
            self.summary.show()
            for widget in (self.later, self.tomorrow):
                widget.hide()

    def _next(self) -> None:
        if self._index < len(self._items) - 1:
            self._index += 1
            self._show()
            target = self.first_focus()
            if target is not None:
                target.setFocus()

    def _postpone(self, until: str) -> None:
        self.postponed.emit(until)

    def right_so_far(self) -> list[bool]:
        """Whether each question answered so far was answered right the first time."""
        return list(self._right)

    def question_index(self) -> int:
        return self._index

    # ---------------------------------------------------------- View API

    def title(self) -> str:
        return self.tr("Review")

    def default_button(self) -> QPushButton | None:
        if self.done.isVisibleTo(self):
            return self.done
        return self.next if self.next.isVisibleTo(self) else None

    def first_focus(self) -> QWidget | None:
        if self.quiz.buttons and not self.quiz.is_answered():
            return self.quiz.buttons[0]
        return self.default_button()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.quiz.press(event.key()):
            event.accept()
            return
        super().keyPressEvent(event)
