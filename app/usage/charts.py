"""The HTML report: chart geometry in Python, drawn as inline SVG by a Jinja2 template
(resources/report.html.j2). The page fetches nothing and runs no script."""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass

from app.i18n import N_, language, load
from app.usage.report import Report, WizardStats, duration_text, percent_text

__all__ = ["render_html"]

FUNNEL_WIDTH = 520
BAR_HEIGHT = 22
LABEL_WIDTH = 220
PLOT_W, PLOT_H, PAD = 600, 190, 40
PAD_LEFT = 64
MAX_POINTS = 1000


@dataclass(frozen=True)
class Bar:
    y: int
    label: str
    reached: int
    share: str
    width: float
    stopped_width: float
    stopped: int
    median: str


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    kind: str
    tip: str


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class Chart:
    wizard: WizardStats
    bars: list[Bar]
    funnel_height: int
    points: list[Point]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    median_y: float | None
    stop_title: str
    """The title of the step where most unfinished runs stop ("" when none stopped)."""
    pad_left: int = PAD_LEFT
    """Room left of the durations plot for its longest axis label (longer in some languages)."""


_MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"), N_("Aug"),
           N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))
_OUTCOMES = {"completed": N_("completed"), "exited": N_("exited"), "failed": N_("failed"),
             "abandoned": N_("abandoned"), "running": N_("running")}
_MODES = {"glass": N_("glass box"), "black": N_("black box")}


def _short(seconds: float, t: gettext.NullTranslations) -> str:
    """An axis label: "45 s", "2:05 min"."""
    if seconds < 60:
        return t.gettext("%(seconds)s s") % {"seconds": f"{seconds:.0f}"}
    minutes, rest = divmod(round(seconds), 60)
    return t.gettext("%(minutes)d:%(seconds)02d min") % {"minutes": minutes, "seconds": rest}


def _day(at: float, t: gettext.NullTranslations) -> str:
    """An axis label: "07 Mar"."""
    day = dt.datetime.fromtimestamp(at)
    return t.gettext("%(day)02d %(month)s") % {"day": day.day, "month": t.gettext(_MONTHS[day.month - 1])}


def _words(words: dict[str, str], t: gettext.NullTranslations) -> dict[str, str]:
    """Recorded values (outcomes, modes) in words; one this Wayguide has no word for shows as it is."""
    return {value: t.gettext(word) for value, word in words.items()}


def _chart(w: WizardStats, t: gettext.NullTranslations) -> Chart:
    bars = []
    top = max([w.runs, *(s.reached for s in w.steps)]) or 1
    for i, s in enumerate(w.steps):
        bars.append(Bar(i * (BAR_HEIGHT + 8), s.title, s.reached, percent_text(s.reached / top, t),
                        max(1.0, FUNNEL_WIDTH * s.reached / top), FUNNEL_WIDTH * s.stopped_here / top,
                        s.stopped_here, duration_text(s.median_seconds, t)))
    runs = w.runs_over_time[-MAX_POINTS:]
    points: list[Point] = []
    x_ticks: list[Tick] = []
    y_ticks: list[Tick] = []
    median_y = None
    pad_left = PAD_LEFT
    if runs:
        t0, t1 = runs[0].at, runs[-1].at
        span = max(t1 - t0, 1.0)
        high = max(r.seconds for r in runs) or 1.0
        labels = [_short(high * i / 4, t) for i in range(5)]
        pad_left = max(PAD_LEFT, 8 * max(len(label) for label in labels))  # ~8 px a character

        def x(at: float) -> float:
            return pad_left + (PLOT_W - pad_left - 30) * (at - t0) / span

        def y(seconds: float) -> float:
            return PLOT_H - PAD / 2 - (PLOT_H - PAD) * seconds / high

        tip = t.gettext("%(when)s: %(outcome)s, %(duration)s, %(mode)s")
        outcomes, modes = _words(_OUTCOMES, t), _words(_MODES, t)
        for r in runs:
            when = dt.datetime.fromtimestamp(r.at).strftime("%Y-%m-%d %H:%M")
            kind = "done" if r.outcome == "completed" else "stopped"
            points.append(Point(round(x(r.at), 1), round(y(r.seconds), 1), kind, tip % {
                "when": when, "outcome": outcomes.get(r.outcome, r.outcome),
                "duration": duration_text(r.seconds, t), "mode": modes.get(r.mode, r.mode)}))
        for i in range(5):
            at = t0 + span * i / 4
            x_ticks.append(Tick(round(x(at), 1), _day(at, t)))
            y_ticks.append(Tick(round(y(high * i / 4), 1), labels[i]))
        if w.median_seconds is not None:
            median_y = round(y(w.median_seconds), 1)
    titles = {s.step: s.title for s in w.steps}
    stop = titles.get(w.stops[0][0], w.stops[0][0]) if w.stops else ""
    return Chart(w, bars, max(1, len(bars)) * (BAR_HEIGHT + 8), points, x_ticks, y_ticks, median_y, stop,
                 pad_left)


def render_html(report: Report, translations: gettext.NullTranslations | None = None) -> str:
    """The page in the language of `translations` (default: the person's locale, else English)."""
    import jinja2
    import jinja2.ext

    from app.paths import bundled_dir

    t = load() if translations is None else translations
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(bundled_dir("resources")),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, extensions=[jinja2.ext.i18n])
    env.install_gettext_translations(t, newstyle=True)  # type: ignore[attr-defined]
    template = env.get_template("report.html.j2")
    generated = dt.datetime.fromtimestamp(report.generated_at).strftime("%Y-%m-%d %H:%M")
    return template.render(report=report, charts=[_chart(w, t) for w in report.wizards],
                           generated=generated, seconds=lambda v: duration_text(v, t), lang=language(t),
                           funnel_width=FUNNEL_WIDTH, label_width=LABEL_WIDTH, bar_height=BAR_HEIGHT,
                           plot_w=PLOT_W, plot_h=PLOT_H, pad=PAD)
