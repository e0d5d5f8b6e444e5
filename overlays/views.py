"""Building blocks shared by the panel's views: Markdown labels, wrapping buttons, banners, View."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont, QMouseEvent, QResizeEvent, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.format.combo import pretty_combo
from app.format.templating import markdown_to_html

__all__ = ["MARGIN", "SPACING", "Banner", "ElidedLabel", "RichText", "View", "WrapButton", "WrapCheckBox",
           "announce", "button", "discard", "escape_html", "label", "markdown_block", "markdown_inline",
           "markdown_plain", "mnemonic_safe", "repolish", "scaled_font", "set_role"]

MARGIN = 16
SPACING = 12
SAFE_SCHEMES = ("http", "https")

_STYLE = ("<style>p{margin:0 0 8px 0} ul,ol{margin:0 0 8px -22px} li{margin:0 0 2px 0}"
          " blockquote{margin:0 0 8px 12px} pre{margin:0 0 8px 0}</style>")
_OUTER_P = re.compile(r"^\s*<p>(.*)</p>\s*$", re.DOTALL)


def repolish(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def announce(widget: QWidget, message: str) -> None:
    """Say `message` to screen readers (an AT-SPI announcement from `widget`), politely: after what they are
    saying."""
    from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent

    if not QAccessible.isActive():
        return  # no screen reader listens: nothing to make
    event = QAccessibleAnnouncementEvent(widget, message)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)


def discard(widget: QWidget) -> None:
    """Take a widget off the screen now and delete it when the event loop comes round (it may be the
    very button whose click led here)."""
    widget.hide()
    widget.deleteLater()


def set_role(widget: QWidget, role: str) -> None:
    """Set the `role` property the QSS themes select on (e.g. "primary", "muted", "error")."""
    if widget.property("role") != role:
        widget.setProperty("role", role)
        repolish(widget)


def scaled_font(base: QFont, factor: float = 1.0, weight: QFont.Weight | None = None) -> QFont:
    """The system font, scaled, optionally with another weight."""
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(round(font.pixelSize() * factor))
    if weight is not None:
        font.setWeight(weight)
    return font


def markdown_block(markdown: str) -> str:
    """Panel Markdown as rich text for a QLabel (block elements, compact margins)."""
    return f"<html><head>{_STYLE}</head><body>{markdown_to_html(markdown)}</body></html>"


def markdown_inline(markdown: str) -> str:
    """One-paragraph Markdown (titles, options) as inline rich text."""
    rendered = markdown_to_html(markdown).strip()
    found = _OUTER_P.match(rendered)
    return found.group(1) if found and "<p>" not in found.group(1) else rendered


def markdown_plain(markdown: str) -> str:
    """Markdown as the plain text a person reads (for accessible names and plain widgets)."""
    doc = QTextDocument()
    doc.setHtml(markdown_to_html(markdown))
    return " ".join(doc.toPlainText().split())


def label(text: str = "", role: str | None = None, wrap: bool = True) -> QLabel:
    """A plain-text label: what it shows is never interpreted as markup."""
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setWordWrap(wrap)
    if role:
        widget.setProperty("role", role)
    return widget


def button(text: str, role: str | None = None, accessible: str | None = None) -> QPushButton:
    """A push button; `text` may carry a mnemonic ("&Next ▸")."""
    widget = QPushButton(text)
    widget.setAutoDefault(False)
    widget.setAccessibleName(accessible or text.replace("&", "").replace("▸", "").strip())
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    if role:
        widget.setProperty("role", role)
    return widget


class ElidedLabel(QLabel):
    """A one-line label that shortens its text with "…" to fit, keeping the full text as tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setAccessibleName(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(10, self.width()))
        self.setText(shown)
        self.setToolTip(self._full if shown != self._full else "")


class RichText(QLabel):
    """Rendered Markdown: wraps, selectable. A link clicked is asked for through `linkRequested`, only
    http(s) links (the runtime opens them in the browser, through app.ports.Opener)."""

    linkRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setOpenExternalLinks(False)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.linkActivated.connect(self._open)
        self._plain = ""

    def set_markdown(self, markdown: str, inline: bool = False) -> None:
        html = markdown_inline(markdown) if inline else markdown_block(markdown)
        self.setText(html)
        self._plain = markdown_plain(markdown)
        self.setAccessibleName(self._plain)
        # reachable by Tab only when there is a link to reach (Tab then moves from link to link)
        has_link = "<a " in html
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if has_link else Qt.FocusPolicy.NoFocus)

    def plain_text(self) -> str:
        return self._plain

    def _open(self, link: str) -> None:
        url = QUrl(link)
        if url.scheme().lower() in SAFE_SCHEMES:
            self.linkRequested.emit(url.toString())


class WrapButton(QPushButton):
    """A push button whose (rich) text wraps onto several lines, for the options of a choice."""

    def __init__(self, markdown: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoDefault(False)
        self.setProperty("role", "choice")
        self._label = QLabel(markdown_inline(markdown), self)
        self._label.setTextFormat(Qt.TextFormat.RichText)
        self._label.setWordWrap(True)
        self._label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        box = QHBoxLayout(self)
        box.setContentsMargins(12, 9, 12, 9)
        box.addWidget(self._label)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(markdown_plain(markdown))

    def text_shown(self) -> str:
        return self.accessibleName()

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.totalSizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        return layout.totalMinimumSize() if layout is not None else super().minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        layout = self.layout()
        return layout.totalHeightForWidth(width) if layout is not None else super().heightForWidth(width)


class _ClickLabel(QLabel):
    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class WrapCheckBox(QWidget):
    """A check box with a wrapping (rich) label; clicking the label toggles it."""

    toggled = Signal(bool)

    def __init__(self, markdown: str, checked: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QCheckBox(self)
        self.box.setChecked(checked)
        self.box.setAccessibleName(markdown_plain(markdown))
        self.box.toggled.connect(self.toggled)
        self._label = _ClickLabel(markdown_inline(markdown), self)
        self._label.setTextFormat(Qt.TextFormat.RichText)
        self._label.setWordWrap(True)
        self._label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self._label.clicked.connect(self.box.toggle)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        row.setSpacing(8)
        row.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self._label, 1)
        self.setFocusProxy(self.box)

    def isChecked(self) -> bool:
        return self.box.isChecked()

    def setChecked(self, checked: bool) -> None:
        self.box.setChecked(checked)

    def text_shown(self) -> str:
        return self.box.accessibleName()


class Banner(QFrame):
    """An inline message: role "info" (calm accent) or "problem" (red-ish); optional buttons below."""

    def __init__(self, role: str = "info", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self.heading = label()
        self.heading.setFont(scaled_font(self.font(), 1.0, QFont.Weight.DemiBold))
        self.heading.hide()
        self.text = label()
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(12, 10, 12, 10)
        self._box.setSpacing(6)
        self._box.addWidget(self.heading)
        self._box.addWidget(self.text)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(8)
        self._box.addLayout(self.buttons)
        self.hide()

    def show_message(self, message: str, role: str | None = None, heading: str = "") -> None:
        if role is not None:
            set_role(self, role)
        self.heading.setText(heading)
        self.heading.setVisible(bool(heading))
        self.text.setText(message)
        self.setAccessibleName(f"{heading} {message}".strip())
        self.show()

    def message(self) -> str:
        return "" if self.isHidden() else self.text.text()


class View(QWidget):
    """One page of the panel: scrolling content, an inline notice and a button bar at the bottom."""

    NOTICE_MS = 8000

    def __init__(self, parent: QWidget | None = None, scrolling: bool = True) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        body = QWidget()
        self.content = QVBoxLayout(body)
        self.content.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        self.content.setSpacing(SPACING)
        self.scroll_area: QScrollArea | None = None
        if scrolling:
            self.scroll_area = QScrollArea(self)
            self.scroll_area.setWidgetResizable(True)
            self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
            self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.scroll_area.setWidget(body)
            outer.addWidget(self.scroll_area, 1)
        else:
            outer.addWidget(body, 1)
        self.notice = Banner("info")
        notice_row = QVBoxLayout()
        notice_row.setContentsMargins(MARGIN, 0, MARGIN, 8)
        notice_row.addWidget(self.notice)
        outer.addLayout(notice_row)
        self.bar = QFrame(self)
        self.bar.setObjectName("ButtonBar")
        self._rows = QVBoxLayout(self.bar)
        self._rows.setContentsMargins(MARGIN, 10, MARGIN, 12)
        self._rows.setSpacing(0)
        self._upper = QHBoxLayout()
        self._upper.setSpacing(8)
        self._upper.addStretch(1)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(8)
        self._rows.addLayout(self._upper)
        self._rows.addLayout(self.buttons)
        self._wrapping: list[QWidget] = []
        self._wrapped: list[tuple[QWidget, int]] = []
        outer.addWidget(self.bar)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)

    def wrap_when_narrow(self, *widgets: QWidget) -> None:
        """These buttons of the bar go up to a row of their own when the bar cannot hold them all (a longer
        language, a larger font), and come back when it can."""
        self._wrapping = list(widgets)

    def fit_bar(self) -> None:
        """One row of buttons where they fit, else the `wrap_when_narrow` ones on a row above."""
        if not self._wrapping:
            return
        if self._wrapped:  # measure as one row again
            for widget, index in sorted(self._wrapped, key=lambda w: w[1]):
                self._upper.removeWidget(widget)
                self.buttons.insertWidget(index, widget)
            self._wrapped = []
            self._rows.setSpacing(0)
        items = [self.buttons.itemAt(i) for i in range(self.buttons.count())]
        visible = [w for item in items if item is not None and (w := item.widget()) is not None
                   and not w.isHidden()]
        margins = self._rows.contentsMargins()
        needed = sum(w.sizeHint().width() for w in visible) + self.buttons.spacing() * (len(visible) - 1)
        if needed <= self.width() - margins.left() - margins.right():
            return
        for widget in self._wrapping:
            index = self.buttons.indexOf(widget)
            if index >= 0 and not widget.isHidden():
                self._wrapped.append((widget, index))
        for widget, _index in self._wrapped:
            self.buttons.removeWidget(widget)
            self._upper.addWidget(widget)
        self._rows.setSpacing(8 if self._wrapped else 0)
        self._rows.activate()  # laid out now, not at the next turn of the event loop
        outer = self.layout()
        if outer is not None:
            outer.activate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_bar()

    def show_notice(self, message: str, role: str = "info") -> None:
        """A transient inline message above the buttons."""
        self.notice.show_message(message, role)
        self._notice_timer.start(self.NOTICE_MS)

    def clear_notice(self) -> None:
        self._notice_timer.stop()
        self.notice.hide()

    def scroll_to(self, widget: QWidget) -> None:
        """Scroll the content so `widget` is in sight."""
        if self.scroll_area is not None:
            self.scroll_area.ensureWidgetVisible(widget)

    def text_fields(self) -> list[QWidget]:
        """Widgets the person types into: clicking one lets the panel take the keyboard."""
        return []

    def title(self) -> str:
        """What the panel header shows while this view is current."""
        return "Wayguide"

    def default_button(self) -> QPushButton | None:
        """What Enter presses when the focus is not on a button."""
        return None

    def first_focus(self) -> QWidget | None:
        """Where the keyboard focus goes when the person asks for the panel."""
        button = self.default_button()
        return button if button is not None and button.isVisible() else None

    def wants_escape(self) -> bool:
        """Whether this view handles Escape itself (see `escape`)."""
        return False

    def escape(self) -> None:
        """Escape pressed while `wants_escape()`."""


def combo_words(combo: str) -> str:
    """A key combination as this language writes it: "ctrl+alt+space" → "Ctrl+Alt+Space", in German
    "Strg+Alt+Leertaste" (Qt's own catalogue names the keys); as written where Qt cannot read it."""
    from PySide6.QtGui import QKeySequence

    written = pretty_combo(combo)
    native = QKeySequence(written).toString(QKeySequence.SequenceFormat.NativeText)
    return native if native and "\ufffd" not in native else written


def escape_html(text: str) -> str:
    """Text for a rich-text label, shown literally."""
    return html.escape(text, quote=False)


def mnemonic_safe(text: str) -> str:
    """Text for a button or check box: '&' shown as itself, not as a shortcut marker."""
    return text.replace("&", "&&")
