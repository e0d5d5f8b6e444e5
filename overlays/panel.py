"""The side panel: home (search, tasks), inputs form, step view and done view; renders engine effects."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtGui import QFont, QHideEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.format.cards import Listed
from app.library.relevance import Match
from overlays.home_view import HomeView
from overlays.placement import Rect
from overlays.tray import app_icon
from overlays.views import ElidedLabel, View, combo_words, scaled_font

if TYPE_CHECKING:
    from app.format.model import Wizard
    from app.library.copies import SourceStatus
    from overlays.done_view import DoneView
    from overlays.inputs_view import InputsView
    from overlays.preview_view import PreviewView
    from overlays.review_form import ReviewForm
    from overlays.review_view import ReviewItem, ReviewView
    from overlays.step_view import StepView

__all__ = ["PANEL_WIDTH", "WINDOW_FLAGS", "Panel"]

PANEL_WIDTH = 360
"""Logical pixels; Qt scales them on HiDPI screens."""

WINDOW_FLAGS = (Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
                | Qt.WindowType.WindowDoesNotAcceptFocus)

_TEXT_ENTRY = (QLineEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox)


class _Header(QFrame):
    """The slim title bar: the current view's title, ⚙ settings and ✕ hide."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PanelHeader")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 8, 8)
        row.setSpacing(2)
        self.title = ElidedLabel()
        self.title.setFont(scaled_font(self.font(), 1.05, QFont.Weight.DemiBold))
        row.addWidget(self.title, 1)
        self.settings = self._tool("⚙", self.tr("Settings"))
        self.close_button = self._tool("✕", self.tr("Hide panel"))
        row.addWidget(self.settings)
        row.addWidget(self.close_button)

    def _tool(self, glyph: str, name: str) -> QToolButton:
        tool = QToolButton()
        tool.setObjectName("HeaderButton")
        tool.setText(glyph)
        tool.setFont(scaled_font(self.font(), 1.15))
        tool.setAccessibleName(name)
        tool.setToolTip(name)
        tool.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        tool.setAutoRaise(True)
        return tool


class Panel(QWidget):
    """The side panel, always on top and never taking the keyboard unless the person types into it.

    Signals: `startRequested(wizard_id, mode)` (mode "" = the wizard's default), `engineEvent(event)`
    for the run engine, `hideRequested()`, `settingsRequested()`, `focusReleased()` (give the focus
    back to the application), `runAgainRequested()`, `homeRequested()`.
    """

    startRequested = Signal(str, str)
    engineEvent = Signal(object)
    hideRequested = Signal()
    settingsRequested = Signal()
    focusReleased = Signal()
    runAgainRequested = Signal()
    homeRequested = Signal()
    whyOpened = Signal(str)
    supportChosen = Signal(str)
    """"short" or "full" (overlays.short_version): the person's choice for the wizard that runs."""
    """The person opened "Why?" on a step (its id)."""
    searched = Signal(str, int)
    """(query, tasks found) once a search settles."""
    linkRequested = Signal(str)
    """A web link in a step's text was clicked: to be opened in the browser."""
    previewRequested = Signal(str)
    """"Open in preview" on one of the person's own wizard files (its path)."""

    def __init__(self, parent: QWidget | None = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent, WINDOW_FLAGS)
        self.setObjectName("WayguidePanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle("Wayguide")
        self.setAccessibleName("Wayguide")
        self.setWindowIcon(app_icon())
        self._accepting = False
        self._wizard: Wizard | None = None
        self._mode = ""
        self._watched: dict[QObject, QWidget] = {}
        self.stack = QStackedWidget(self)
        self.home = HomeView()
        self.stack.addWidget(self.home)
        self._clock = clock
        self._run_views: tuple[InputsView, StepView, DoneView] | None = None
        self._preview: PreviewView | None = None
        self._review: ReviewForm | None = None
        self._recall: ReviewView | None = None
        # created after the views so that Tab reaches the header buttons last
        self.header = _Header(self)
        column = QVBoxLayout(self)
        column.setContentsMargins(1, 1, 1, 1)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addWidget(self.stack, 1)
        self._connect()
        self._watch_text(self.home.text_fields())
        self._show_view(self.home)
        self.resize(PANEL_WIDTH, 720)
        self.setMinimumWidth(280)

    def _connect(self) -> None:
        self.header.settings.clicked.connect(self.settingsRequested)
        self.header.close_button.clicked.connect(self.hideRequested)
        self.home.startRequested.connect(self._start)
        self.home.searched.connect(self.searched)
        self.home.previewRequested.connect(self.previewRequested)

    def _views(self) -> tuple[InputsView, StepView, DoneView]:
        """The views of a run, made when the first run begins: showing the task list on the first
        hotkey press then needs neither the wizard model nor the engine."""
        if self._run_views is None:
            from overlays.done_view import DoneView
            from overlays.inputs_view import InputsView
            from overlays.step_view import StepView

            inputs, step, done = InputsView(self._clock), StepView(self._clock), DoneView()
            for view in (inputs, step, done):
                self.stack.addWidget(view)
            inputs.engineEvent.connect(self.engineEvent)
            step.engineEvent.connect(self.engineEvent)
            step.modeSwitched.connect(self._mode_switched)
            step.continue_.clicked.connect(self._release_focus)  # the keys go to the application again
            step.whyOpened.connect(self.whyOpened)
            step.supportChosen.connect(self.supportChosen)
            step.linkRequested.connect(self.linkRequested)
            done.runAgainRequested.connect(self.runAgainRequested)
            done.homeRequested.connect(self._go_home)
            self._run_views = (inputs, step, done)
        return self._run_views

    @property
    def preview(self) -> PreviewView:
        """The author's preview of a wizard file, made on first use."""
        if self._preview is None:
            from overlays.preview_view import PreviewView

            self._preview = PreviewView()
            self.stack.addWidget(self._preview)
        return self._preview

    def show_preview(self) -> None:
        self._show_view(self.preview)

    @property
    def review(self) -> ReviewForm:
        """The review of a recording just stopped, made on first use."""
        if self._review is None:
            from overlays.review_form import ReviewForm

            self._review = ReviewForm()
            self.stack.addWidget(self._review)
        return self._review

    def show_review(self) -> None:
        """The review form, with the keyboard in it: the author names what they typed."""
        self._watch_text(self.review.text_fields())
        self._show_view(self.review)
        self.focus_search()

    @property
    def recall(self) -> ReviewView:
        """The spaced review of what earlier tasks taught (overlays.review_view), made on first use."""
        if self._recall is None:
            from overlays.review_view import ReviewView

            self._recall = ReviewView()
            self.stack.addWidget(self._recall)
        return self._recall

    def show_recall(self, items: Sequence[ReviewItem]) -> None:
        """Ask these review questions, with the keyboard in the panel (the person chose to review now)."""
        self.recall.set_review(items)
        self._show_view(self.recall)
        self.focus_search()

    @property
    def inputs(self) -> InputsView:
        return self._views()[0]

    @property
    def step(self) -> StepView:
        return self._views()[1]

    @property
    def done(self) -> DoneView:
        return self._views()[2]

    # ------------------------------------------------------------ public API

    def place(self, rect: QRect | Rect) -> None:
        """Put the panel at `rect` (see overlays.placement.panel_rect)."""
        if isinstance(rect, Rect):
            rect = QRect(rect.x, rect.y, rect.w, rect.h)
        self.setGeometry(rect)

    def show_home(self, wizards: Sequence[Listed], relevant: Sequence[Match], context_label: str | None,
                  hotkey: str, keyboard_hotkey: str = "", broken: Sequence[str] = (),
                  offline: Sequence[SourceStatus] = (), examples: Collection[str] = (),
                  suggested: str | None = None) -> None:
        """The task list: `relevant` first under "For <context_label>", then all `wizards` (already
        filtered by role), those with ids in `examples` tagged as examples (the `suggested` one, as
        suggested), and a quiet line for each `offline` source (working from its copy). `hotkey` is the
        show/hide combo, e.g. "ctrl+alt+space". The search box is emptied, unless the person is typing in
        it (e.g. the library was reloaded meanwhile)."""
        typing = self._accepting and self.home.search.hasFocus()
        self.home.set_offline(offline)
        self.home.set_library(wizards, relevant, context_label, hotkey, keep_query=typing,
                              keyboard_hotkey=keyboard_hotkey, examples=examples, suggested=suggested)
        self.home.set_broken(broken)
        keys = combo_words(hotkey) if hotkey else ""
        hide = self.tr("Hide panel")
        self.header.close_button.setToolTip(f"{hide} ({keys})" if keys else hide)
        self._show_view(self.home)

    def show_run(self, wizard: Wizard, mode: str = "") -> None:
        """A run of `wizard` begins; effects follow through `apply`. `mode` ("glass"/"black"), when
        known, only words the inputs form ("Do it for me")."""
        self._wizard = wizard
        self._mode = mode
        self.step.step = None

    def set_automation(self, problem: str, refused: str = "") -> None:
        """Where "Do it for me" cannot work, why (a clause, e.g. "the X server lacks the XTEST
        extension"; "" where it can), or where the administrator's policy does not let this wizard
        automate, the sentence saying so (`refused`, which wins): the step view and the inputs form say
        so in one line and stop offering automation."""
        line = refused or (self.tr("“Do it for me” is unavailable here: %1.").replace("%1", problem)
                           if problem else "")
        self.step.set_automation(line)
        self.inputs.set_automation(line)

    def set_language(self, shown: str, wanted: str, complete: bool, ui: str = "en") -> None:
        """Where a task's texts are not all in the person's language (`wanted`, e.g. "nl"), one quiet line
        in the step view says so and names the language they are shown in (`shown`), in the panel's
        language `ui`."""
        from app.i18n import language_name

        line = ""
        if not complete and wanted:
            asked = language_name(wanted.split("_")[0], ui)  # "Dutch", also for a Flemish reader
            shown_in = language_name(shown, ui)
            line = (self.tr("Parts of this task are not yet in %1; they are shown in the language it was "
                            "written in.").replace("%1", asked)
                    if shown.split("_")[0] == wanted.split("_")[0] else
                    self.tr("This task is not yet in %1; it is shown in %2.").replace("%1", asked)
                    .replace("%2", shown_in))
        self.step.set_language(line)

    def apply(self, effects: Sequence[object]) -> None:
        """Render engine effects in order; ones meant for other components are ignored."""
        for effect in effects:
            self._apply_one(effect)

    def _apply_one(self, effect: object) -> None:
        from app import engine

        title = self._wizard.title if self._wizard is not None else ""
        match effect:
            case engine.AskInputs():
                self.inputs.ask(effect, title, self._mode)
                self._watch_text(self.inputs.text_fields())
                self._show_view(self.inputs)
            case engine.InputsInvalid(errors=errors):
                self._show_view(self.inputs)
                self.inputs.invalid(errors)
            case engine.ShowStep():
                allows_both = self._wizard is not None and len(self._wizard.allowed_modes) > 1
                self.step.show_step(effect, title, allows_both)
                self._show_view(self.step)
            case engine.Perform():
                self.step.performing_actions(effect)
                self._show_view(self.step)
            case engine.Paused(reason=reason, can_continue=can_continue):
                self.step.pause(reason, can_continue)  # said in the person's language by the engine
                self._show_view(self.step)
            case engine.Failed():
                self.step.fail(effect)
                self._show_view(self.step)
            case engine.Notice(message=message):
                self.current_view().show_notice(message)
            case engine.Refused(reason=reason):
                self.current_view().show_notice(reason, "problem")
            case engine.Finished(summary=summary):
                self.done.finished(title, summary)
                self._show_view(self.done)
            case engine.Aborted(reason=reason, summary=summary):
                self.done.aborted(title, reason, summary)
                self._show_view(self.done)

    def set_action_progress(self, index: int) -> None:
        """While performing: action `index` (0-based) of the current Perform is happening now."""
        self.step.set_action_progress(index)

    def current_view(self) -> View:
        widget = self.stack.currentWidget()
        assert isinstance(widget, View)
        return widget

    def view_name(self) -> str:
        """"home", "inputs", "step", "done", "preview" or "review"."""
        view = self.current_view()
        if view is self.home:
            return "home"
        if view is self._preview:
            return "preview"
        if view is self._review:
            return "review"
        names: dict[QWidget, str] = dict(zip(self._views(), ("inputs", "step", "done"), strict=True))
        return names[view]

    def title(self) -> str:
        """What the header shows (in full)."""
        return self.header.title.full_text()

    # ---------------------------------------------------------------- focus

    def accepts_focus(self) -> bool:
        return self._accepting

    def set_accepts_focus(self, accept: bool) -> None:
        """Let the panel take the keyboard (True) or never take it (False, the default).

        Changes the flag on the QWindow, which does not re-create or hide the window."""
        self._accepting = accept
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, not accept)
        if accept and self.isVisible():
            self.activateWindow()

    def focus_search(self) -> None:
        """For keyboard users: take the keyboard and put it in the search box (on the home view) or
        on the current view's main control."""
        self.set_accepts_focus(True)
        view = self.current_view()
        target = self.home.search if view is self.home else view.first_focus()
        if target is not None:
            target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if target is self.home.search:
            self.home.search.selectAll()

    def _release_focus(self) -> None:
        """The person finished typing: stop taking the keyboard and say so."""
        if not self._accepting:
            return
        focused = self.focusWidget()
        if focused is not None:
            focused.clearFocus()
        self.set_accepts_focus(False)
        self.focusReleased.emit()

    def _watch_text(self, widgets: Sequence[QWidget]) -> None:
        for widget in widgets:
            target: QWidget = widget.viewport() if isinstance(widget, QPlainTextEdit) else widget
            if target not in self._watched:
                self._watched[target] = widget
                target.installEventFilter(self)
                target.destroyed.connect(lambda _=None, t=target: self._watched.pop(t, None))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress and not self._accepting:
            field = self._watched.get(watched)
            if field is not None:
                self.set_accepts_focus(True)
                field.setFocus(Qt.FocusReason.MouseFocusReason)
        return super().eventFilter(watched, event)

    # ----------------------------------------------------------------- views

    def _show_view(self, view: View) -> None:
        form = self._run_views[0] if self._run_views is not None else None
        leaving_form = form is not None and self.stack.currentWidget() is form and view is not form
        self.stack.setCurrentWidget(view)
        self.header.title.set_full_text(view.title())
        if leaving_form:
            self._release_focus()
        elif self._accepting:
            target = view.first_focus()
            if target is not None and not (self.focusWidget() and view.isAncestorOf(self.focusWidget())):
                target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _start(self, wizard_id: str, mode: str) -> None:
        self._release_focus()
        self.startRequested.emit(wizard_id, mode)

    def _go_home(self) -> None:
        self._show_view(self.home)
        self.homeRequested.emit()

    def _mode_switched(self, mode: str) -> None:
        self._mode = mode

    # ---------------------------------------------------------------- events

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        view = self.current_view()
        if key == Qt.Key.Key_Escape:
            if view.wants_escape():
                view.escape()
            elif self._accepting and isinstance(self.focusWidget(), _TEXT_ENTRY):
                self._release_focus()
            else:
                self.hideRequested.emit()
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            default = view.default_button()
            if isinstance(focused, QPushButton | QToolButton) and focused.isEnabled():
                focused.click()
            elif default is not None and default.isVisible() and default.isEnabled():
                default.click()
            event.accept()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, not self._accepting)

    def hideEvent(self, event: QHideEvent) -> None:
        self._accepting = False
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, True)
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self._accepting and not self.isActiveWindow():
            self.set_accepts_focus(False)  # the person went back to the application
        super().changeEvent(event)
