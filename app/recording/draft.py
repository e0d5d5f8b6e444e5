"""The draft wizard written from a recording: the inputs suggested for the review form, and the YAML
file itself (app.recording.grouping decides the steps).

The draft loads without errors through app.format.loader, reads like a hand-written wizard (keys in
the usual order, block style, flow mappings for windows and controls, one blank line between steps)
and holds no typed text except where the author marked it "always this text": a typed text becomes
`{{ inputs.NAME }}`, and text typed into a password field was never captured at all."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

import yaml

from app.format.model import WIZARD_ID
from app.ports import Locator, WindowInfo
from app.recording.events import Click, Event, Field, SecretTyped, Typed
from app.recording.grouping import POSITION_MARK, Piece, StepPlan, app_name, plan_steps, window_match
from app.recording.review import TypedInput
from app.recording.text import HIDDEN, clean, jinja_literal, slug, unique

__all__ = ["draft_inputs", "suggest_inputs", "write_draft"]

Data = dict[str, Any]

HEADER = ("# Draft recorded by `wayguide record`. Read each step before sharing it: its words, the control\n"
          f"# it points at and what ends it. Steps that say \"{POSITION_MARK}\" need a look in the app.\n")
_RESERVED = frozenset({"items", "keys", "values", "get", "pop", "popitem", "update", "copy", "clear",
                       "setdefault", "fromkeys"})
"""Names `inputs.NAME` cannot use: Jinja finds the mapping's method of that name first."""


def suggest_inputs(events: Iterable[Event]) -> list[TypedInput]:
    """One input for each typed text of the recording, in order, for the review form: its name and
    label from the field it was typed into, and what was typed as the sample ("" for a password
    field, whose text was never captured)."""
    found: list[TypedInput] = []
    events = list(events)
    samples = [e.text.strip() for e in events if isinstance(e, Typed) and e.text.strip()]
    for event in events:
        if not isinstance(event, Typed | SecretTyped):
            continue
        label = clean(event.field.label).strip() if event.field is not None else ""
        label = " ".join(label.split())
        dialog = "" if label else _dialog_title(event.window, samples)
        name = _input_name(label or dialog, (i.name for i in found))
        where = f"“{dialog}”" if dialog else app_name(event.window)
        shown = label or f"Text typed in {where}"
        if isinstance(event, SecretTyped):
            found.append(TypedInput(name, shown, "", secret=True))
        else:
            found.append(TypedInput(name, shown, event.text))
    return found


def _dialog_title(window: WindowInfo, samples: Iterable[str]) -> str:
    """A short window title that is not the application's main window ("Save As"): it says where a
    field without a label was; "" when the title names the application or holds something typed."""
    title = " ".join(clean(window.title).split())
    if not title or len(title) > 40 or app_name(window).lower() in title.lower():
        return ""
    return "" if any(sample in title for sample in samples) else title


def _input_name(label: str, taken: Iterable[str]) -> str:
    base = slug(label, "_") or "text"
    if base[0].isdigit():
        base = f"text_{base}"
    if base in _RESERVED:
        base = f"{base}_text"
    return unique(base, taken, "_")


def draft_inputs(events: Sequence[Event], inputs: Sequence[TypedInput]) -> list[TypedInput]:
    """The inputs as the draft uses them: the author's, one for each typed text (suggestions where the
    list falls short), each name made valid; two with one name are one input typed twice."""
    suggested = suggest_inputs(events)
    given = list(inputs[:len(suggested)]) + suggested[len(inputs):]
    out: list[TypedInput] = []
    first: dict[str, TypedInput] = {}
    for typed, hint in zip(given, suggested, strict=True):
        name = clean(typed.name).strip()
        if not name or slug(name, "_") != name or name[0].isdigit() or name in _RESERVED:
            name = _input_name(name, first)
        secret = hint.secret or typed.secret
        spec = TypedInput(name, " ".join(clean(typed.label).split()) or hint.label,
                          "" if secret else typed.sample, typed.literal and not secret, secret)
        if not spec.literal:
            kept = first.setdefault(name, spec)
            if kept.literal or kept.secret != spec.secret:  # the same name for different things
                spec.name = _input_name(name, first)
                first[spec.name] = spec
        out.append(spec)
    return out


def write_draft(events: Sequence[Event], inputs: Sequence[TypedInput], *, wizard_id: str,
                title: str) -> str:
    """The draft wizard of a recording as YAML text. `inputs` are what the review form gave for each
    typed text, in order (suggest_inputs' list, edited). Never raises for any recording."""
    spec = draft_inputs(events, inputs)
    events = _hide(events, [i.sample for i in spec if not i.literal and not i.secret])
    plans = plan_steps(events, spec)
    first = next((e.window for e in events if window_match(e.window, False)), None)
    if not re.fullmatch(WIZARD_ID, wizard_id) or len(wizard_id) > 100:
        wizard_id = slug(wizard_id, "-", 100) or "recorded"
    shown = " ".join(clean(title).split())[:120].strip() or "Recorded task"
    data: Data = {"wayguide": 1, "id": wizard_id, "title": shown}
    where = app_name(first) if first is not None else "the application"
    data["summary"] = f"Recorded in {where}, {len(plans)} step{'s' if len(plans) != 1 else ''}."
    match = window_match(first, False) if first is not None else None
    if match is not None:
        data["when"] = [{"app": match["app"]} if "app" in match else match]
    steps = _steps(plans)
    data["modes"] = _Flow(["glass", "black"] if any("do" in step for step in steps) else ["glass"])
    declared = _declared(spec)
    if declared:
        data["inputs"] = declared
    data["steps"] = steps
    return HEADER + _dump(data)


def _hide(events: Sequence[Event], samples: Sequence[str]) -> list[Event]:
    """The events with the typed text of every input (not marked "always this text") taken out of window
    titles, control names and menu labels, where an application may show it ("letter.txt - Mousepad",
    a file list): the draft holds no text that was typed."""
    hidden = sorted({s for s in samples if len(s.strip()) >= 3}, key=len, reverse=True)
    if not hidden:
        return list(events)

    def scrub(text: str) -> str:
        for sample in hidden:
            text = text.replace(sample, HIDDEN)
        return text

    def scrub_field(found: Field | None) -> Field | None:
        if found is None:
            return None
        return replace(found, label=scrub(found.label), locator=_scrub_locator(found.locator, scrub))

    out: list[Event] = []
    for event in events:
        event = replace(event, window=replace(event.window, title=scrub(event.window.title)))
        if isinstance(event, Click):
            event = replace(event, element=scrub_field(event.element),
                            menu_path=tuple(scrub(label) for label in event.menu_path))
        elif isinstance(event, Typed | SecretTyped):
            event = replace(event, field=scrub_field(event.field))
        out.append(event)
    return out


def _scrub_locator(locator: Locator, scrub: Callable[[str], str]) -> Locator:
    within = _scrub_locator(locator.within, scrub) if locator.within is not None else None
    name = scrub(locator.name) if locator.name is not None else None
    return replace(locator, name=name, within=within)


def _declared(spec: Sequence[TypedInput]) -> list[Data]:
    out: list[Data] = []
    seen: set[str] = set()
    for typed in spec:
        if typed.literal or typed.name in seen:
            continue
        seen.add(typed.name)
        entry: Data = {"name": typed.name, "label": typed.label}
        if typed.secret:
            entry["type"] = "secret"
        entry["required"] = True
        out.append(entry)
    return out


def _steps(plans: Sequence[StepPlan]) -> list[Data]:
    steps: list[Data] = []
    ids: set[str] = set()
    for plan in plans:
        title = _title(plan.pieces)
        step_id = unique(slug(title, "-") or "step", ids | {"end"}, "-")
        ids.add(step_id)
        title = title.replace(HIDDEN, "…")
        step: Data = {"id": step_id, "title": jinja_literal(title), "explain": _explain(plan.pieces)}
        if plan.notes:
            step["why"] = "\n\n".join(jinja_literal(note) for note in plan.notes)
        target = next((p.target for p in reversed(plan.pieces) if p.target is not None), None)
        if target is not None:
            step["target"] = _flow(target)
        do = [{kind: _flow(value)} for piece in plan.pieces for action in piece.do
              for kind, value in action.items()]
        if do:
            step["do"] = do
        until = plan.pieces[-1].until
        if until is not None:
            step["until"] = {kind: _flow(value) for kind, value in until.items() if value is not None}
        steps.append(step)
    return steps


def _title(pieces: Sequence[Piece]) -> str:
    titles = [p.title for p in pieces if p.title]
    if not titles:
        return "Wait for the dialog"
    titles = [titles[0], *(t[:1].lower() + t[1:] for t in titles[1:])]
    if len(titles) == 1:
        return titles[0]
    return ", ".join(titles[:-1]) + ", then " + titles[-1]


def _explain(pieces: Sequence[Piece]) -> str:
    sentences = [p.sentence for p in pieces]
    if len(sentences) <= 2:
        return " ".join(sentences)
    return "".join(f"{i}. {s}\n" for i, s in enumerate(sentences, 1))


# ---------------------------------------------------------------- YAML


class _Flow(list[Any]):
    """A list written on one line: [glass, black]."""


class _FlowMap(dict[str, Any]):
    """A mapping written on one line: {app: mousepad}."""


def _flow(value: Any) -> Any:
    if isinstance(value, dict):
        return _FlowMap({k: _flow(v) for k, v in value.items()})
    if isinstance(value, list):
        return _Flow(_flow(v) for v in value)
    return value


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # "  - id: …" under "steps:", as people write it


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None  # the emitter quotes it instead where a block cannot hold it
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(),
                                                                   flow_style=True))


def _dump(data: Data) -> str:
    text = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=10_000)
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    in_steps, first = False, True
    for line in lines:
        if line.startswith("steps:"):
            in_steps = True
        elif in_steps and line.startswith("  - id:"):
            if not first:
                out.append("\n")
            first = False
        out.append(line)
    return "".join(out)
