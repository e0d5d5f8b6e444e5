"""`wayguide report`'s formats: a table for the terminal, CSV, JSON, and one self-contained HTML
page with charts (app.usage.charts)."""

from __future__ import annotations

import csv
import gettext
import io
import json
from dataclasses import asdict

from app.usage.charts import render_html
from app.usage.report import Report, duration_text

__all__ = ["FORMATS", "csv_text", "html", "json_text", "render", "table"]

FORMATS = ("table", "csv", "json", "html")


def table(report: Report) -> str:
    if not report.wizards:
        return "No usage recorded yet.\n"
    lines = []
    for w in report.wizards:
        lines.append(f"{w.title} ({w.wizard})")
        lines.append(f"  runs {w.runs} · completed {w.completed} ({w.completion_rate:.0%}) · "
                     f"median {duration_text(w.median_seconds)} · "
                     f"90th percentile {duration_text(w.p90_seconds)} · "
                     f"glass {w.glass_share:.0%} / black {w.black_share:.0%}")
        if w.stops:
            where = ", ".join(f"{step} ({n})" for step, n in w.stops[:3])
            lines.append(f"  unfinished runs stop at: {where}")
        width = max(len(s.step) for s in w.steps) if w.steps else 0
        for s in w.steps:
            lines.append(f"    {s.step:<{width}}  reached {s.reached:>5}  stopped {s.stopped_here:>4}  "
                         f"median {duration_text(s.median_seconds):>10}")
    if report.people:
        lines.append("")
        lines.append("Time to competency (runs until the first glass-box completion without help "
                     "within the median time)")
        for p in report.people:
            reached = str(p.runs_to_competency) if p.runs_to_competency else "not yet"
            lines.append(f"  person {p.person}  {p.wizard}: {reached} (of {p.runs} runs)")
    if report.missed:
        lines.append("")
        lines.append("Controls not found (the guide may no longer fit the application)")
        for m in report.missed:
            lines.append(f"  {m.wizard} {m.version or '-'}  step {m.step}: {m.control}  {m.times} times in "
                         f"{m.runs} runs ({m.glass} glass box)")
    lines += _learning_lines(report)
    lines.append("")
    lines.append(f"Searches: {report.searches} · “Why?” opened: {report.help_opened}")
    return "\n".join(lines) + "\n"


def _learning_lines(report: Report) -> list[str]:
    lines: list[str] = []
    if report.settling:
        lines += ["", "Durations settled (3 runs of the person's own within 20 % of their median)"]
        for s in report.settling:
            when = (f"after {s.settled_after_runs} runs, {s.settled_after_days:.0f} days, at "
                    f"{duration_text(s.settled_seconds)}" if s.settled_after_runs else "not yet")
            lines.append(f"  person {s.person}  {s.wizard}: {when} (of {s.runs} runs)")
    if report.fading:
        lines += ["", "How support faded (runs: full guidance / short version / black box)"]
        for f in report.fading:
            lines.append(f"  {f.wizard} {f.period}: {f.runs} runs  full {f.full:.0%} / short "
                         f"{f.condensed:.0%} / black {f.black:.0%}")
    if report.questions:
        lines += ["", "Quiz results per question (most missed first)"]
        for q in report.questions:
            lines.append(f"  {q.wizard} {q.question}: {q.correct_share:.0%} right of {q.answers} "
                         f"({q.review_answers} in reviews)")
    if any(b.answers for b in report.retention):
        lines += ["", "Review retention (right answers by the time since the question was last met)"]
        for b in report.retention:
            share = "–" if b.correct_share is None else f"{b.correct_share:.0%}"
            lines.append(f"  {b.bucket:<13} {share:>5} of {b.answers}")
    return lines


CSV_FIELDS = ("section", "wizard", "title", "step", "person", "runs", "completed", "completion_rate",
              "median_seconds", "p90_seconds", "glass_share", "black_share", "reached", "stopped_here",
              "runs_to_competency", "version", "control", "times", "settled_after_runs", "settled_after_days",
              "period", "full_share", "condensed_share", "question", "answers", "correct", "correct_share",
              "review_answers", "bucket", "from_days", "to_days")


def csv_text(report: Report) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for w in report.wizards:
        writer.writerow({"section": "wizard", "wizard": w.wizard, "title": w.title, "runs": w.runs,
                         "completed": w.completed, "completion_rate": f"{w.completion_rate:.4f}",
                         "median_seconds": _num(w.median_seconds), "p90_seconds": _num(w.p90_seconds),
                         "glass_share": f"{w.glass_share:.4f}", "black_share": f"{w.black_share:.4f}"})
        for s in w.steps:
            writer.writerow({"section": "step", "wizard": w.wizard, "title": s.title, "step": s.step,
                             "median_seconds": _num(s.median_seconds), "reached": s.reached,
                             "stopped_here": s.stopped_here})
    for p in report.people:
        writer.writerow({"section": "person", "wizard": p.wizard, "person": p.person, "runs": p.runs,
                         "runs_to_competency": p.runs_to_competency or ""})
    for m in report.missed:
        writer.writerow({"section": "missed", "wizard": m.wizard, "version": m.version, "step": m.step,
                         "control": m.control, "times": m.times, "runs": m.runs})
    for settled in report.settling:
        writer.writerow({"section": "settled", "wizard": settled.wizard, "person": settled.person,
                         "runs": settled.runs, "settled_after_runs": settled.settled_after_runs or "",
                         "settled_after_days": _num(settled.settled_after_days),
                         "median_seconds": _num(settled.settled_seconds)})
    for f in report.fading:
        writer.writerow({"section": "fading", "wizard": f.wizard, "period": f.period, "runs": f.runs,
                         "full_share": f"{f.full:.4f}", "condensed_share": f"{f.condensed:.4f}",
                         "black_share": f"{f.black:.4f}"})
    for q in report.questions:
        writer.writerow({"section": "question", "wizard": q.wizard, "question": q.question,
                         "answers": q.answers, "correct": q.correct,
                         "correct_share": f"{q.correct_share:.4f}", "review_answers": q.review_answers})
    for b in report.retention:
        writer.writerow({"section": "retention", "bucket": b.bucket, "from_days": b.from_days,
                         "to_days": "" if b.to_days is None else b.to_days, "answers": b.answers,
                         "correct": b.correct, "correct_share": _num(b.correct_share)})
    return out.getvalue()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


def json_text(report: Report) -> str:
    data = asdict(report)
    for w in data["wizards"]:
        w.pop("runs_over_time")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def html(report: Report, translations: gettext.NullTranslations | None = None) -> str:
    """One self-contained page: inline CSS and SVG, nothing fetched; in the person's language
    unless `translations` says otherwise."""
    return render_html(report, translations)


def render(report: Report, fmt: str, translations: gettext.NullTranslations | None = None) -> str:
    """The report in `fmt`; the HTML page in the language of `translations` (default: the system's)."""
    if fmt == "html":
        return html(report, translations)
    return {"table": table, "csv": csv_text, "json": json_text}[fmt](report)
