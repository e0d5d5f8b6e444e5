"""The step view: what to do now and why, choices and checklists, automation status and failures."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.engine import (
    Abort,
    Answer,
    Back,
    Check,
    Choose,
    Continue,
    DoItMyself,
    Failed,
    Next,
    Perform,
    Retry,
    ShowMe,
    ShowStep,
    Skip,
    SkipStep,
    SwitchMode,
)
from app.format.model import Action, ElementLocator
from app.format.wording import control_words, describe_action
from overlays.flow import FlowLayout
from overlays.quiz_view import QuizView
from overlays.short_version import ShortVersion
from overlays.views import (
    Banner,
    RichText,
    View,
    WrapButton,
    WrapCheckBox,
    announce,
    button,
    discard,
    label,
    scaled_font,
    set_role,
)

__all__ = ["StepView", "action_line"]

_PROGRESSIVE = {"Bring": "Bringing", "Press": "Pressing", "Type": "Typing", "Paste": "Pasting",
                "Click": "Clicking", "Wait": "Waiting", "Open": "Opening", "Copy": "Copying",
                "Run": "Running"}
_QUOTED = re.compile(r"`([^`]*)`")
_CLIP = 60


def _clip(text: str, limit: int = _CLIP) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def action_line(action: Action, words: str = "") -> str:
    """An action as a status line in words, e.g. 'Typing “Dear Anna,⏎”…'; values stay literal. `words`:
    the action as the engine said it in the person's language, shown as it is where that is not English
    ("Druk op Ctrl+S…")."""
    english = describe_action(action)
    text = _QUOTED.sub(lambda m: "“" + _clip(m.group(1)) + "”", words or english)
    first, _, rest = text.partition(" ")
    if first in _PROGRESSIVE and (not words or words == english):
        text = f"{_PROGRESSIVE[first]} {rest}"
    return _clip(text.rstrip(". "), 160) + "…"


class _Performing(QFrame):
    """The status of a step being performed: one line per action, Stop, and the abort key."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "performing")
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 10, 12, 12)
        box.setSpacing(6)
        self.heading = label(self.tr("Doing this for you"))
        self.heading.setFont(scaled_font(self.font(), 1.0, QFont.Weight.DemiBold))
        box.addWidget(self.heading)
        self._lines = QVBoxLayout()
        self._lines.setSpacing(4)
        box.addLayout(self._lines)
        self.stop = button(self.tr("&Stop"), role="danger", accessible=self.tr("Stop"))
        self.stop.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        box.addSpacing(4)
        box.addWidget(self.stop)
        self.escape_hint = label(self.tr("Press Escape to stop"), role="muted")
        self.escape_hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.escape_hint)
        self.lines: list[QLabel] = []
        self._texts: list[str] = []

    def set_actions(self, texts: Sequence[str]) -> None:
        for line in self.lines:
            discard(line)
        self._texts = list(texts)
        self.lines = [label(t) for t in texts]
        for line in self.lines:
            self._lines.addWidget(line)
            line.show()
        self.set_current(0)

    def set_current(self, index: int) -> None:
        """Mark actions before `index` done, `index` as happening now."""
        for i, (line, text) in enumerate(zip(self.lines, self._texts, strict=True)):
            if i < index:
                line.setText("✓  " + text.rstrip("…"))
                set_role(line, "status-done")
            elif i == index:
                line.setText("▸  " + text)
                set_role(line, "status-current")
            else:
                line.setText("·  " + text)
                set_role(line, "status-pending")
            line.setAccessibleName(line.text())


class StepView(View):
    """Renders ShowStep and decorates it with Perform, Paused, Failed and Notice."""

    engineEvent = Signal(object)
    modeSwitched = Signal(str)
    whyOpened = Signal(str)
    """The person opened "Why?" on this step (its id), or its explanation where it was a click away."""
    supportChosen = Signal(str)
    """"short" or "full": the person chose the short version of this wizard, or went back to full guidance."""
    linkRequested = Signal(str)
    """A web link in the step's text was clicked."""

    def __init__(self, clock: Callable[[], float] = time.time, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._title = ""
        self.step: ShowStep | None = None
        self._switch_to = ""
        self._unavailable = ""
        self._build_top()
        self._build_body()
        self._build_bar()
        self._state = "idle"
        self._action_lines: list[str] = []

    # ----------------------------------------------------------- layout

    def _build_top(self) -> None:
        top = QWidget()
        row = FlowLayout(top, spacing=6, last_right=True)  # wraps in a longer language
        self.mode_label = label(wrap=False, role="muted")
        self.switch = button("", role="link")
        self.switch.clicked.connect(self._switch)
        self.quit = button(self.tr("Stop task"), role="link", accessible=self.tr("Stop this task"))
        self.quit.setToolTip(self.tr("End this task here; nothing more is done."))
        self.quit.clicked.connect(lambda: self._emit(Abort(reason="Stopped by you", at=self._clock())))
        row.addWidget(self.mode_label)
        row.addWidget(self.switch)
        row.addWidget(self.quit)
        self.content.addWidget(top)
        self.unavailable = label(role="muted")
        self.unavailable.hide()
        self.content.addWidget(self.unavailable)
        self.language = label(role="muted")
        self.language.hide()
        self.content.addWidget(self.language)
        progress_row = QHBoxLayout()
        progress_row.setSpacing(10)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(self.tr("Progress"))
        self.progress.setFixedHeight(6)
        self.counter = label(wrap=False, role="muted")
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.counter)
        self.content.addLayout(progress_row)
        self.short = ShortVersion()
        self.short.chosen.connect(self._support_chosen)
        self.short.automateRequested.connect(self._switch)
        self.content.addWidget(self.short)
        self._condensed: frozenset[str] = frozenset()

    def _build_body(self) -> None:
        self.heading = RichText()
        self.heading.linkRequested.connect(self.linkRequested)
        self.heading.setFont(scaled_font(self.font(), 1.3, QFont.Weight.Bold))
        self.content.addSpacing(4)
        self.content.addWidget(self.heading)
        self.performing = _Performing()
        self.performing.stop.clicked.connect(self.stop)
        self.performing.hide()
        self.paused = Banner("info")
        self.continue_ = button(self.tr("&Continue ▸"), role="primary", accessible=self.tr("Continue"))
        self.continue_.setToolTip(self.tr("Wayguide goes on from where it stopped; nothing is typed twice."))
        self.continue_.clicked.connect(lambda: self._emit(Continue(at=self._clock())))
        self.continue_.hide()
        self.paused.buttons.addWidget(self.continue_, 0, Qt.AlignmentFlag.AlignLeft)
        self.failed = Banner("problem")
        for widget in (self.performing, self.paused, self.failed):
            self.content.addWidget(widget)
        self.explain = RichText()
        self.explain.linkRequested.connect(self.linkRequested)
        self.explain_toggle = button(self.tr("▸  &Explain this step"), role="link")
        self.explain_toggle.setToolTip(self.tr("You usually do this step without it; here it is."))
        self.explain_toggle.clicked.connect(lambda: self._collapse(False, opened=True))
        self.content.addWidget(self.explain_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        self.content.addWidget(self.explain)
        self.why_toggle = button("", role="link", accessible=self.tr("Why?"))
        self.why_toggle.setCheckable(True)
        self.why_toggle.toggled.connect(self._toggle_why)
        self.why_box = QFrame()
        self.why_box.setProperty("role", "why")
        why_layout = QVBoxLayout(self.why_box)
        why_layout.setContentsMargins(12, 2, 0, 2)
        self.why = RichText()
        self.why.linkRequested.connect(self.linkRequested)
        self.why.setProperty("role", "muted")
        why_layout.addWidget(self.why)
        self.why_box.hide()
        self.content.addWidget(self.why_toggle, 0, Qt.AlignmentFlag.AlignLeft)
        self.content.addWidget(self.why_box)
        self.quiz = QuizView()
        self.quiz.answered.connect(lambda chosen: self._emit(Answer(chosen=tuple(chosen), at=self._clock())))
        self.quiz.linkRequested.connect(self.linkRequested)
        self.quiz.hide()
        self.content.addWidget(self.quiz)
        self._choices = QVBoxLayout()
        self._choices.setSpacing(8)
        self._checks = QVBoxLayout()
        self._checks.setSpacing(6)
        self.content.addLayout(self._choices)
        self.content.addLayout(self._checks)
        self.until = label(role="hint")
        self.content.addWidget(self.until)
        self.unseen = label(role="muted")
        self.unseen.hide()
        self.content.addWidget(self.unseen)
        self.content.addStretch(1)
        self.choice_buttons: list[WrapButton] = []
        self.check_boxes: list[WrapCheckBox] = []

    def _build_bar(self) -> None:
        self.back = button(self.tr("&Back"))
        self.show_me = button(self.tr("Sho&w me"))
        self.show_me.setToolTip(self.tr("Wayguide does this step for you, slowly enough to watch."))
        self.skip = button(self.tr("&Skip"))
        self.next = button(self.tr("&Next ▸"), role="primary", accessible=self.tr("Next"))
        self.retry = button(self.tr("&Retry"), role="primary")
        self.skip_step = button(self.tr("S&kip step"))
        self.myself = button(self.tr("&I'll do it myself"), accessible=self.tr("I'll do it myself"))
        for widget, make in ((self.back, Back), (self.show_me, ShowMe), (self.skip, Skip), (self.next, Next),
                             (self.retry, Retry), (self.skip_step, SkipStep), (self.myself, DoItMyself)):
            widget.clicked.connect(lambda _=False, make=make: self._emit(make(at=self._clock())))
        self.buttons.addWidget(self.back)
        self.buttons.addStretch(1)
        for widget in (self.skip, self.show_me, self.next):
            self.buttons.addWidget(widget)
        self.wrap_when_narrow(self.skip, self.show_me)  # a longer language: a row of their own
        # the ways on after a failure, one per line inside the problem banner
        options = QVBoxLayout()
        options.setSpacing(6)
        for widget in (self.retry, self.skip_step, self.myself):
            options.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        self.failed.buttons.addLayout(options)

    # ------------------------------------------------------------ states

    def show_step(self, effect: ShowStep, title: str, allows_both: bool) -> None:
        """Render a step from scratch; earlier decorations (performing, paused, failed) go away."""
        self.step = effect
        self._title = title
        self.clear_notice()
        self.performing.hide()
        self.paused.hide()
        self.failed.hide()
        self._set_mode(effect.mode, allows_both)
        total = max(effect.total, effect.index, 1)
        self.progress.setRange(0, total)
        self.progress.setValue(effect.index)
        counter = self.tr("step %1 of %2").replace("%1", str(effect.index)).replace("%2", str(total))
        self.counter.setText(counter)
        self.progress.setAccessibleDescription(self.counter.text())
        self.heading.set_markdown(effect.title, inline=True)
        self.short.show_step(effect.index, total, self.heading.plain_text())
        self.explain.set_markdown(effect.explain or "")
        self.why.set_markdown(effect.why or "")
        self.why_toggle.setChecked(False)
        self._toggle_why(False)
        self._collapse(self.short.is_short() or effect.step_id in self._condensed)
        self._fill_choices(effect.choices)
        self._fill_checklist(effect.checklist, effect.checked)
        if effect.quiz is not None:
            self.quiz.set_quiz(effect.quiz)
        self.quiz.setVisible(effect.quiz is not None)
        self.until.setVisible(bool(effect.until))
        self.until.setText("◌  " + (effect.until or ""))
        self.unseen.hide()
        self._set_bar("nav")
        announce(self.heading, f"{counter[:1].upper()}{counter[1:]}: {self.heading.plain_text()}")

    def set_support(self, short: bool, offer: bool, condensed: frozenset[str], can_automate: bool) -> None:
        """How this run is presented (app.usage.support): the short version, or the offer of it, and the
        steps shown condensed in full guidance; "Do it for me" is offered with it where `can_automate`."""
        self._condensed = condensed
        self.short.set_support(short, offer, can_automate)

    def _collapse(self, collapsed: bool, opened: bool = False) -> None:
        """The explanation and "Why?" a click away (`collapsed`), or shown; `opened` by the person: said as
        help, like "Why?"."""
        step = self.step
        has_text = step is not None and bool(step.explain or step.why)
        self.explain_toggle.setVisible(collapsed and has_text)
        self.explain.setVisible(not collapsed and step is not None and bool(step.explain))
        self.why_toggle.setVisible(not collapsed and step is not None and bool(step.why))
        if opened and step is not None:
            self.whyOpened.emit(step.step_id)
            (self.explain if step.explain else self.why_toggle).setFocus()

    def _support_chosen(self, choice: str) -> None:
        if self.step is not None:
            self._collapse(choice == "short" or self.step.step_id in self._condensed)
        self.supportChosen.emit(choice)

    def _set_mode(self, mode: str, allows_both: bool) -> None:
        glass = mode != "black"
        self.mode_label.setText(self.tr("Glass box") if glass else self.tr("Black box"))
        self.mode_label.setToolTip(
            self.tr("You do each step; Wayguide explains it and notices when it is done.") if glass
            else self.tr("Wayguide does the steps; it stops for the decisions that are yours."))
        self._switch_to = "black" if glass else "glass"
        self.switch.setText(self.tr("&Do it for me ▸") if glass else self.tr("&Guide me instead ▸"))
        self.switch.setAccessibleName(self.tr("Do it for me") if glass else self.tr("Guide me instead"))
        for widget in (self.mode_label, self.switch):
            widget.setVisible(allows_both)
        if self._unavailable and glass:
            self.switch.hide()
        self.unavailable.setText(self._unavailable)
        self.unavailable.setVisible(bool(self._unavailable) and glass and (
            allows_both or bool(self.step and self.step.has_do)))

    def set_unseen(self, problem: str) -> None:
        """Why the step's windows or keys cannot be seen here (a clause; "" when they can): the
        person is asked to press Next instead."""
        self.unseen.setText(self.tr("Wayguide cannot see windows and keys here (%1): press Next once done.")
                            .replace("%1", problem))
        self.unseen.setVisible(bool(problem) and self.until.isVisibleTo(self))

    def set_unpointed(self, element: ElementLocator) -> None:
        """The control this step is about was not found in the application: say so calmly (the explanation
        still holds; the guide may be out of date)."""
        words = control_words(element, "")
        self.unseen.setText(self.tr("Wayguide cannot find %1 in this window, so it cannot point at it; "
                                    "the explanation still holds.").replace("%1", words))
        self.unseen.show()

    def set_language(self, line: str) -> None:
        """The line saying the task is (partly) not in the person's language ("" hides it)."""
        self.language.setText(line)
        self.language.setVisible(bool(line))

    def set_automation(self, unavailable: str) -> None:
        """Where automation cannot work: `unavailable` says why in one sentence ("" where it can);
        "Do it for me" and "Show me" are then not offered."""
        self._unavailable = unavailable

    def _fill_choices(self, choices: Sequence[str]) -> None:
        for old in self.choice_buttons:
            discard(old)
        self.choice_buttons = []
        for i, text in enumerate(choices):
            choice = WrapButton(text)
            choice.clicked.connect(lambda _=False, i=i: self._emit(Choose(index=i, at=self._clock())))
            self._choices.addWidget(choice)
            choice.show()  # now, not when the event loop comes round
            self.choice_buttons.append(choice)

    def _fill_checklist(self, items: Sequence[str], checked: Sequence[bool]) -> None:
        for old in self.check_boxes:
            discard(old)
        self.check_boxes = []
        for i, text in enumerate(items):
            box = WrapCheckBox(text, checked[i] if i < len(checked) else False)
            box.toggled.connect(lambda on, i=i: self._emit(Check(index=i, checked=on, at=self._clock())))
            self._checks.addWidget(box)
            box.show()
            self.check_boxes.append(box)

    def _set_bar(self, state: str) -> None:
        self._state = state
        step = self.step
        nav = state == "nav"
        choosing = bool(step and step.choices)
        self.back.setVisible(nav or state == "failed")
        self.failed.setVisible(state == "failed")
        self.back.setEnabled(bool(step and step.can_back))
        self.show_me.setVisible(nav and bool(step and step.has_do) and not self._unavailable)
        self.skip.setVisible(nav and not choosing)
        self.next.setVisible(nav and not choosing)
        for failure_button in (self.retry, self.skip_step, self.myself):
            failure_button.setVisible(state == "failed")
        self.bar.setVisible(state != "performing")
        self.quit.setVisible(state != "performing")
        self.switch.setEnabled(state != "performing")
        for option in (*self.choice_buttons, *self.check_boxes):
            option.setEnabled(state != "performing")
        self.quiz.setEnabled(state != "performing")
        self.fit_bar()

    def performing_actions(self, effect: Perform) -> None:
        self.paused.hide()
        self.continue_.hide()
        self.failed.hide()
        self.clear_notice()
        self.performing.heading.setText(self.tr("Showing you how") if effect.pace == "visible"
                                        else self.tr("Doing this for you"))
        said = effect.words if len(effect.words) == len(effect.display) else ("",) * len(effect.display)
        self._action_lines = [action_line(a, w) for a, w in zip(effect.display, said, strict=True)]  # masked
        self.performing.set_actions(self._action_lines)
        self.performing.set_current(effect.start[0])
        self.performing.show()
        self._set_bar("performing")
        self.scroll_to(self.performing)

    def set_action_progress(self, index: int) -> None:
        self.performing.set_current(index)

    def pause(self, reason: str, can_continue: bool = False) -> None:
        self.performing.hide()
        self.paused.show_message(reason, heading=self.tr("Paused") if can_continue else "")
        self.continue_.setVisible(can_continue)
        self._set_bar("nav")
        if can_continue:
            self.scroll_to(self.paused)

    def fail(self, effect: Failed) -> None:
        self.performing.hide()
        self.paused.hide()
        message = effect.message
        index = effect.action_index
        if index is not None and 0 <= index < len(self._action_lines) and len(self._action_lines) > 1:
            at = self.tr("At action %1 of %2: %3").replace("%1", str(index + 1)).replace(
                "%2", str(len(self._action_lines))).replace("%3", self._action_lines[index].rstrip("…"))
            message = f"{message}\n{at}"
        self.failed.show_message(message, heading=self.tr("This step did not work"))
        self._set_bar("failed")
        self.retry.setVisible("retry" in effect.options)
        self.skip_step.setVisible("skip" in effect.options)
        self.myself.setVisible("myself" in effect.options)
        self.scroll_to(self.failed)

    def stop(self) -> None:
        self._emit(Abort(reason="Stopped by you", at=self._clock()))

    def is_performing(self) -> bool:
        return self._state == "performing"

    # ----------------------------------------------------------- actions

    def _emit(self, event: object) -> None:
        self.engineEvent.emit(event)

    def _switch(self) -> None:
        if self._switch_to:
            self.modeSwitched.emit(self._switch_to)
            self._emit(SwitchMode(mode=self._switch_to, at=self._clock()))

    def _toggle_why(self, shown: bool) -> None:
        if shown and self.step is not None:
            self.whyOpened.emit(self.step.step_id)
        self.why_box.setVisible(shown)
        self.why_toggle.setText(("▾  " if shown else "▸  ") + self.tr("W&hy?"))
        self.why_toggle.setAccessibleDescription(self.tr("Hide why this step matters") if shown
                                                 else self.tr("Show why this step matters"))

    # ---------------------------------------------------------- View API

    def title(self) -> str:
        return self._title or "Wayguide"

    def default_button(self) -> QPushButton | None:
        if self._state == "nav" and self.quiz.isVisibleTo(self) and self.quiz.can_check():
            return self.quiz.check
        if self._state == "nav" and self.continue_.isVisibleTo(self):
            return self.continue_
        if self._state == "failed":
            return self.retry if self.retry.isVisibleTo(self) else None
        if self._state == "nav" and not self.next.isHidden():
            return self.next
        return None

    def first_focus(self) -> QWidget | None:
        if self._state == "performing":
            return self.performing.stop
        if self.choice_buttons:
            return self.choice_buttons[0]
        if self.quiz.isVisibleTo(self) and not self.quiz.is_answered() and self.quiz.buttons:
            return self.quiz.buttons[0]
        return self.default_button()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Number keys pick a quiz's options wherever the keyboard is in the step (e.g. on Next)."""
        digit = Qt.Key.Key_1 <= event.key() <= Qt.Key.Key_9
        if digit and self._state == "nav" and self.quiz.isVisibleTo(self) and self.quiz.press(event.key()):
            event.accept()
            return
        super().keyPressEvent(event)

    def wants_escape(self) -> bool:
        return self._state == "performing"

    def escape(self) -> None:
        self.stop()
