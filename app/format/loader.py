"""Wizard files → validated models, every problem reported as a positioned one-line diagnostic."""

from __future__ import annotations

import difflib
import hashlib
import re
import types
import typing
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from app.format import bounds, languages, model, shell, templating
from app.format.cache import ResultCache
from app.format.diagnostics import Diagnostic, Severity, quote
from app.format.fields import unwrap
from app.format.model import Wizard
from app.format.results import LoadResult
from app.format.source import KeyPath, Located, SourceError, parse_yaml, read_bytes

__all__ = ["LoadResult", "field_marker", "load_file", "reachable_steps", "validate_document", "wizard_in"]

M = TypeVar("M", bound=BaseModel)


def load_file(path: Path, display: str | None = None, cache: ResultCache | None = None) -> LoadResult:
    """Load one wizard file. Never raises for anything inside the file.

    With a cache, a file whose exact bytes were checked before (by this same code) is not parsed
    again: its stored result is re-validated by the model and returned."""
    name = display or str(path)
    try:
        raw = read_bytes(path)
    except SourceError as exc:
        return LoadResult(path, None, (Diagnostic(name, exc.line, exc.col, "error", exc.message,
                                                  exc.hint),))
    digest = hashlib.sha256(raw).hexdigest()
    if cache is not None:
        cached = cache.get(digest, path, name)
        if cached is not None:
            return cached
    result = _load(path, name, raw, digest)
    if cache is not None:
        cache.put(digest, result)
    return result


def _load(path: Path, name: str, raw: bytes, digest: str) -> LoadResult:
    try:
        located = parse_yaml(raw)
    except SourceError as exc:
        return LoadResult(path, None, (Diagnostic(name, exc.line, exc.col, "error", exc.message,
                                                  exc.hint),))
    report = _Report(name, located)
    wizard: Wizard | None = report.validate()
    if wizard is not None:
        report.semantics(wizard)
    diagnostics = tuple(sorted(report.items, key=lambda d: (d.line, d.col)))
    if any(d.is_error for d in diagnostics):
        wizard = None
    revision = (wizard.version or digest[:12]) if wizard is not None else ""
    return LoadResult(path, wizard, diagnostics, revision, located.position(("id",)))


def wizard_in(path: Path) -> Wizard | None:
    """The file's wizard, checked again from its bytes (None when it has errors)."""
    return load_file(path).wizard


def validate_document(name: str, located: Located, root: type[M],
                      what: str) -> tuple[M | None, list[Diagnostic]]:
    """Validate a parsed YAML document against any model of the same strict kind (e.g. the admin
    policy), with the same positioned one-line diagnostics and did-you-mean hints as wizards.
    `what` names the document in the message for a file that is not a mapping."""
    report = _Report(name, located, root)
    value = report.validate(what)
    return value, sorted(report.items, key=lambda d: (d.line, d.col))


class _Report:
    def __init__(self, name: str, located: Located, root: type[BaseModel] = Wizard) -> None:
        self.name = name
        self.located = located
        self.root = root
        self.items: list[Diagnostic] = []
        self.written: dict[tuple[str, str], KeyPath] = {}
        """(language, path) → where a translated text is in the document (app/format/languages.py)."""

    def add(self, severity: Severity, path: KeyPath, message: str, hint: str | None = None,
            key: bool = False) -> None:
        line, col = self.located.position(path, key=key)
        self.items.append(Diagnostic(self.name, line, col, severity, message, hint))

    # ------------------------------------------------------------ schema

    def validate(self, what: str = "a wizard file") -> Any:
        data = self.located.data
        if not isinstance(data, dict):
            hint = "start with 'wayguide: 1'" if self.root is Wizard else None
            self.add("error", (), f"{what} is a mapping of keys", hint)
            return None
        if self.root is Wizard:
            data = self._split(data)
        try:
            return self.root.model_validate(data)
        except ValidationError as exc:
            self._schema_errors(exc)
            return None

    def _split(self, data: dict[str, Any]) -> dict[str, Any]:
        """The document with its language maps taken out (app/format/languages.py)."""
        for key in model.WRITTEN_BY_LOADER & set(data):
            self.add("error", (key,), f"unknown key {quote(key)}",
                     "give a text in several languages as a map: `title: {en: …, nl: …}`", key=True)
        parts = languages.split(data, self.root)
        for problem in parts.problems:
            self.add("error", problem.path, problem.message, problem.hint, key=problem.key)
        self.written = parts.written
        return {**parts.data, "translations": parts.translations}

    def _schema_errors(self, exc: ValidationError) -> None:
        seen: set[tuple[KeyPath, str]] = set()
        resolved = [(_resolve(self.located.data, err["loc"]), err) for err in exc.errors()]
        resolved = [r for r in resolved
                    if not (_branch(*r[0][1:], r[1]) and _shadowed(*r[0], resolved))]
        branches: dict[KeyPath, list[str]] = {}
        for (path, rest), err in resolved:  # every branch of a union failed at the same value
            if rest and err["type"].endswith(("_type", "_parsing")):
                branches.setdefault(path, []).append(_BRANCH_NAMES.get(str(rest[-1]), "a mapping"))
        for (path, rest), err in resolved:
            if len(branches.get(path, ())) > 1:
                value = _short(_get(self.located.data, path))
                expected = " or ".join(dict.fromkeys(branches[path]))
                where, at_key, message, hint = path, False, f"expected {expected}, got {value}", None
                if path and isinstance(path[-1], str):
                    message = f"{quote(path[-1])}: {message}"
            else:
                where, at_key, message, hint = self._describe(path, rest, err)
            if (where, message) in seen:
                continue
            seen.add((where, message))
            self.add("error", where, message, hint, key=at_key)

    def _describe(self, path: KeyPath, rest: tuple[str | int, ...],
                  err: Any) -> tuple[KeyPath, bool, str, str | None]:
        """Where to point, whether at the key, the message and the hint for one pydantic error."""
        kind: str = err["type"]
        value = _get(self.located.data, path)
        field = str(err["loc"][-1]) if err["loc"] else ""
        if kind == "extra_forbidden":
            allowed = _allowed_keys(err["loc"][:-1], self.root)
            close = difflib.get_close_matches(field, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else (
                "allowed: " + ", ".join(allowed) if allowed else None)
            where = path if path and path[-1] == field else (*path, field)
            return where, True, f"unknown key {quote(field)}", hint
        if kind == "missing":
            inside = f" in {quote(path[-1])}" if path and isinstance(path[-1], str) else ""
            return path, False, f"missing required key '{field}'{inside}", None
        if kind in ("action_kind", "condition_kind"):
            return self._kind_error(path, value, kind)
        if kind == "model_type" and path and isinstance(path[-1], str):
            keys = _allowed_keys(err["loc"], self.root)
            return (path, False, f"{quote(path[-1])}: expected a mapping of keys, got {_short(value)}",
                    "write `nudge: {}` for once a week, or `nudge: {every: 14d}`" if path == ("nudge",)
                    else f"keys: {', '.join(keys)}" if keys else None)
        if kind == "string_pattern_mismatch":
            return (path, False, *self._id_error(path, value))
        message = str(err["msg"])
        if kind in ("too_short", "too_long") and isinstance(value, list):
            bound = err.get("ctx", {}).get("min_length" if kind == "too_short" else "max_length")
            message = f"{'at least' if kind == 'too_short' else 'at most'} {bound} items, got {len(value)}"
        message = re.sub(r"^(Value|Assertion) error, ", "", message)
        message = re.sub(r"^Input should be", "expected", message)
        message = message[0].lower() + message[1:] if message else message
        if kind.endswith(("_type", "_parsing")) or kind in ("literal_error", "enum"):
            message = f"{message}, got {_short(value)}"
        label = path[-1] if path and isinstance(path[-1], str) else None
        if label and kind not in ("value_error", "assertion_error"):
            message = f"{quote(label)}: {message}"
        return path, False, message, None

    @staticmethod
    def _kind_error(path: KeyPath, value: Any, kind: str) -> tuple[KeyPath, bool, str, str | None]:
        what, kinds = (("action", model.ACTION_KINDS) if kind == "action_kind"
                       else ("condition", model.CONDITION_KINDS))
        example = "keys: ctrl+s" if what == "action" else "active: {app: mousepad}"
        if not isinstance(value, dict) or not value:
            return (path, False, f"an {what} is a mapping with one key, got {_short(value)}",
                    f"for example '{example}'")
        known = [k for k in value if k in kinds]
        if len(known) > 1:
            return ((*path, known[1]), True,
                    f"one {what} per list item: found '{known[0]}' and '{known[1]}'",
                    f"start a new item with '- {known[1]}:'")
        unknown = next(k for k in value if k not in kinds)
        close = difflib.get_close_matches(unknown, kinds, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(kinds)
        return (*path, unknown), True, f"unknown {what} {quote(unknown)}", hint

    @staticmethod
    def _id_error(path: KeyPath, value: Any) -> tuple[str, str | None]:
        if path[-1:] == ("name",):
            return f"invalid input name {_short(value)}", "use lowercase letters, digits and _"
        if path == ("id",):
            return (f"invalid id {_short(value)}",
                    "use lowercase letters and digits, separated by '.' or '-'")
        return f"invalid step id {_short(value)}", "use lowercase letters, digits, '.', '-', '_'"

    # --------------------------------------------------------- semantics

    def semantics(self, wizard: Wizard) -> None:
        self._unique(wizard)
        step_ids = [s.id for s in wizard.steps]
        for i, step in enumerate(wizard.steps):
            for j, option in enumerate(step.choice or ()):
                if option.goto not in step_ids:
                    close = difflib.get_close_matches(option.goto, step_ids, n=1)
                    hint = f"did you mean '{close[0]}'?" if close else "steps: " + ", ".join(
                        step_ids)
                    self.add("error", ("steps", i, "choice", j, "goto"),
                             f"goto {quote(option.goto)}: no such step", hint)
        for i, step in enumerate(wizard.steps):
            if step.id == "end" and any(s.next == "end" for s in wizard.steps):
                self.add("error", ("steps", i, "id"), "step id 'end' is taken by `next: end`",
                         "rename the step: `next: end` finishes the run")
            if step.next is not None and step.next != "end" and step.next not in step_ids:
                close = difflib.get_close_matches(step.next, step_ids, n=1)
                hint = (f"did you mean '{close[0]}'?" if close
                        else "steps: " + ", ".join(step_ids) + ", or end")
                self.add("error", ("steps", i, "next"), f"next {quote(step.next)}: no such step", hint)
        self._fall_through(wizard)
        self._braces_kept(wizard)
        reachable = reachable_steps(wizard)
        for i, step in enumerate(wizard.steps):
            if step.id not in reachable:  # ids are unique once the checks above pass
                self.add("warning", ("steps", i), f"step '{step.id}' can never be reached",
                         "a step after a choice is only reached through a goto")
        if "black" in (wizard.modes or ()) and not any(s.do for s in wizard.steps):
            self.add("warning", ("modes",), "black box does nothing here: no step has 'do'")
        self._blind_keys(wizard)
        if wizard.nudge is not None and not wizard.when:
            self.add("warning", ("nudge",), "'nudge' never shows: the wizard has no 'when'",
                     "add 'when:' naming the application whose window suggests the task")
        with bounds.trial_budget():  # templates are also rendered once with sample inputs
            self._templates(wizard)
        self._shell_inputs(wizard)

    def _braces_kept(self, wizard: Wizard) -> None:
        """`{{ … }}` where nothing fills it in (a window match, an `until` pattern, a locator): it would be
        matched as written, and the step never noticed."""
        for key in ("when", "steps", "review"):
            for path, text in _literal_fields(getattr(wizard, key), (key,)):
                if "{{" in text or "{%" in text:
                    if key == "review" or "quiz" in path:  # asked outside a run too: no inputs to fill in
                        self.add("error", path,
                                 f"'{{{{' in '{path[-1]}' is shown as written, never filled in",
                                 "a quiz's texts are taken as written: write the words themselves")
                        continue
                    self.add("error", path, f"'{{{{' in '{path[-1]}' is matched as written, never filled in",
                             "only texts, actions and a step's `when` take {{ … }}; match any value with a "
                             "glob (*) or re: instead")

    def _fall_through(self, wizard: Wizard) -> None:
        """A branch of a choice that runs on into another option's branch: after the last step of one
        branch the next in the file follows, which is where the other branch begins."""
        ids = [s.id for s in wizard.steps]
        for step in wizard.steps:
            starts = {o.goto for o in step.choice or () if o.goto in ids}
            for option in step.choice or ():
                if option.goto not in ids:
                    continue
                i, seen = ids.index(option.goto), set()
                while i < len(ids) and i not in seen and not wizard.steps[i].choice:
                    seen.add(i)
                    current = wizard.steps[i]
                    if current.next is not None:
                        break
                    if i + 1 < len(ids) and ids[i + 1] in starts - {option.goto}:
                        self.add("warning", ("steps", i),
                                 f"after step '{current.id}' (the branch of “{option.label}” in "
                                 f"'{step.id}') the run goes on into '{ids[i + 1]}', another option's branch",
                                 "end the branch with `next: end`, or `next: STEP` where the branches meet")
                        break
                    i += 1

    def _blind_keys(self, wizard: Wizard) -> None:
        """A wizard with no `when` that types, presses or pastes before any `focus`: its keys go to
        whichever window is in front when it starts (a terminal, a chat)."""
        if wizard.when:
            return
        for i, step in enumerate(wizard.steps):
            for j, action in enumerate(step.do or ()):
                if isinstance(action, model.FocusAction):
                    return
                if isinstance(action, model.TypeAction | model.KeysAction | model.PasteAction) or (
                        isinstance(action, model.FillAction) and action.fill.element.window is None):
                    kind = model.action_kind(action)
                    self.add("warning", ("steps", i, "do", j, kind),
                             f"'{kind}' before any 'focus' in a wizard with no 'when': its keys go to "
                             "whatever window is in front",
                             "add 'when:' naming the application, or a 'focus' action first")
                    return

    def _unique(self, wizard: Wizard) -> None:
        nouns = {"steps": "step id", "inputs": "input name", "review": "review question id"}
        for collection, attr in (("steps", "id"), ("inputs", "name"), ("review", "id")):
            first: dict[str, int] = {}
            for i, item in enumerate(getattr(wizard, collection)):
                value = getattr(item, attr)
                if value in first:
                    line = self.located.position((collection, first[value], attr))[0]
                    noun = nouns[collection]
                    self.add("error", (collection, i, attr), f"duplicate {noun} {quote(value)}",
                             f"first used at line {line}")
                else:
                    first[value] = i

    def _templates(self, wizard: Wizard) -> None:
        names = {i.name: i for i in wizard.inputs}
        templates = set()
        for path, template, expression in _template_fields(wizard, ()):
            templates.add(".".join(map(str, path)))
            self._check_template(path, template, names, expression)
        for language, texts in wizard.translations.items():  # each language's text is checked as well
            for key, text in texts.items():
                where = self.written.get((language, key))
                if where is None or not isinstance(text, str):
                    continue
                if key in templates:
                    self._check_template(where, text, names, False)
                elif "{{" in text or "{%" in text:
                    self.add("error", where, f"'{{{{' in '{where[-2]}' is shown as written, never filled in",
                             "this text is taken as written: write the words themselves")

    def _check_template(self, path: KeyPath, text: str, names: dict[str, model.Input],
                        expression: bool) -> None:
        for problem in templating.check_template(text, names, expression=expression):
            line, col = self._template_position(path, text, problem)
            self.items.append(Diagnostic(self.name, line, col, "error", problem.message, problem.hint))

    def _shell_inputs(self, wizard: Wizard) -> None:
        """Warn about free text typed into a terminal unquoted (app/format/shell.py decides)."""
        for path, text, name, lineno, window in shell.unquoted_inputs(wizard):
            problem = templating.TemplateProblem(
                f"'{name}' is typed into a terminal ({window}) unquoted: text like $(…) "
                f"in it would run as a command", lineno, f"write {{{{ {name} | shell_quote }}}}")
            line, col = self._template_position(path, text, problem)
            self.items.append(Diagnostic(self.name, line, col, "warning", problem.message, problem.hint))

    def _template_position(self, path: KeyPath, text: str,
                           problem: templating.TemplateProblem) -> tuple[int, int]:
        line, col = self.located.position(path)
        style = self.located.style(path)
        if style in ("|", ">"):
            line += problem.lineno
        elif problem.lineno > 1:
            line += problem.lineno - 1
        source_lines = self.located.text.splitlines()
        needle = re.search(r"'([^']+)'", problem.message)
        if needle and 0 < line <= len(source_lines):
            word = needle.group(1).removeprefix("inputs.")
            found = source_lines[line - 1].find(word, col - 1 if line == path_line(
                self.located, path) else 0)
            if found >= 0:
                col = found + 1
        return line, col


def path_line(located: Located, path: KeyPath) -> int:
    return located.position(path)[0]


def reachable_steps(wizard: Wizard) -> set[str]:
    """Steps a run can arrive at: the first, those after a non-choice step (or its `next`), goto targets."""
    ids = [s.id for s in wizard.steps]
    seen: set[int] = set()
    todo = [0]
    while todo:
        i = todo.pop()
        if i >= len(ids) or i in seen:
            continue
        seen.add(i)
        step = wizard.steps[i]
        if step.choice:
            todo.extend(ids.index(o.goto) for o in step.choice if o.goto in ids)
        elif step.next is not None:
            if step.next in ids:
                todo.append(ids.index(step.next))
        else:
            todo.append(i + 1)
    return {ids[i] for i in seen}


# -------------------------------------------------------------- helpers


_BRANCH_NAMES = {"float": "a number", "constrained-float": "a number", "int": "a whole number", "str": "text",
                 "bool": "true or false", "list": "a list"}


def _get(data: Any, path: KeyPath) -> Any:
    for part in path:
        data = data[part]
    return data


def _resolve(data: Any, loc: tuple[str | int, ...]) -> tuple[KeyPath, tuple[str | int, ...]]:
    """Split a pydantic error location into the part that exists in the data and the rest.

    Union branch tags (e.g. 'WaitSpec', 'float') appear in locations but not in the data;
    they are skipped and returned in the rest."""
    path: list[str | int] = []
    skipped: list[str | int] = []
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
            path.append(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
            path.append(part)
        else:
            skipped.append(part)
    return tuple(path), tuple(skipped)


def _branch(rest: tuple[str | int, ...], err: Any) -> tuple[str | int, ...]:
    """The union branch tags in an error's location (a missing key's own name is not one)."""
    return rest[:-1] if err["type"] == "missing" else rest


def _shadowed(path: KeyPath, rest: tuple[str | int, ...],
              resolved: list[tuple[tuple[KeyPath, tuple[str | int, ...]], Any]]) -> bool:
    """An error from a union branch is dropped when another branch got further."""
    return any(
        other_path != path and other_path[: len(path)] == path and other_rest != rest
        for (other_path, other_rest), _ in resolved
    ) or any(
        other_path == path and len(other_rest) > len(rest) and other_rest[: len(rest)] != rest
        for (other_path, other_rest), _ in resolved
    )


def _short(value: Any) -> str:
    if isinstance(value, str):
        return quote(value)
    text = (
        "a mapping" if isinstance(value, dict) else
        "a list" if isinstance(value, list) else
        "nothing" if value is None else repr(value))
    return text if len(text) <= 40 else text[:37] + "…"


def _allowed_keys(loc: tuple[str | int, ...], root: type[BaseModel] = Wizard) -> list[str]:
    """The keys the model accepts at an error location (for did-you-mean hints)."""
    candidates: list[Any] = [root]
    for part in loc:
        following: list[Any] = []
        for current in candidates:
            for t in unwrap(current):
                if isinstance(t, type) and issubclass(t, BaseModel):
                    if isinstance(part, str) and part in t.model_fields:
                        following.append(t.model_fields[part].annotation)
                    for name, f in t.model_fields.items():
                        if isinstance(part, str) and f.alias == part:
                            following.append(t.model_fields[name].annotation)
                    if isinstance(part, str) and part == t.__name__:
                        following.append(t)
                elif get_origin(t) in (list, tuple) and isinstance(part, int):
                    following.extend(get_args(t)[:1])
                elif isinstance(part, str) and get_origin(t) is None and getattr(
                        t, "__name__", None) == part:
                    following.append(t)
        # a tagged union adds the tag to the location: keep the matching branch only
        if not following and isinstance(part, str):
            following = [c for c in candidates for t in unwrap(c)
                         if isinstance(t, type) and issubclass(t, BaseModel)
                         and (part in t.model_fields or any(
                             f.alias == part for f in t.model_fields.values()))]
        candidates = following or candidates
    keys: list[str] = []
    for current in candidates:
        for t in unwrap(current):
            if isinstance(t, type) and issubclass(t, BaseModel):
                keys.extend(f.alias or n for n, f in t.model_fields.items()
                            if n not in model.WRITTEN_BY_LOADER)
    return list(dict.fromkeys(keys))


def _marker(annotation: Any) -> str | None:
    """'template' or 'expression' when a field's annotation carries that marker."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        args = get_args(annotation)
        if model.TEMPLATE in args[1:]:
            return "template"
        if model.EXPRESSION in args[1:]:
            return "expression"
        return _marker(args[0])
    if origin in (typing.Union, types.UnionType, list, tuple):
        for arg in get_args(annotation):
            found = _marker(arg)
            if found:
                return found
    return None


def field_marker(info: FieldInfo) -> str | None:
    """'template' when a model field holds text with Jinja2 in it (itself, or inside a list or union),
    'expression' when it holds a Jinja2 expression, else None: the text is taken as written."""
    if model.TEMPLATE in info.metadata:
        return "template"
    return "expression" if model.EXPRESSION in info.metadata else _marker(info.annotation)


@cache
def _plan(cls: type[BaseModel]) -> tuple[tuple[str, str, str | None, bool], ...]:
    """(attribute, key in the document, template marker, may hold templates deeper) of each field."""
    return _plan_in(cls, frozenset())


def _plan_in(cls: type[BaseModel], seen: frozenset[type[BaseModel]]
             ) -> tuple[tuple[str, str, str | None, bool], ...]:
    """_plan, for a model met inside the models `seen` on the way to it: a model holding itself (a locator
    `within` a locator) counts as maybe holding templates deeper, so the walk ends and is never wrong."""
    seen = seen | {cls}
    plan = []
    for name, info in cls.model_fields.items():
        marker = field_marker(info)
        deeper = any(t in seen or any(m or d for _, _, m, d in _plan_in(t, seen))
                     for t in _models_in(info.annotation))
        plan.append((name, info.alias or name, marker, deeper))
    return tuple(plan)


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The model classes an annotation can hold (through unions, lists, tuples)."""
    found = []
    for t in unwrap(annotation):
        if isinstance(t, type) and issubclass(t, BaseModel):
            found.append(t)
        elif get_origin(t) in (list, tuple):
            for arg in get_args(t):
                found.extend(_models_in(arg))
    return found


def _literal_fields(obj: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """Every string in `obj` (a model, or a list of them) that is not a template: taken as written."""
    if isinstance(obj, BaseModel):
        for name, key, marker, _ in _plan(type(obj)):
            value = getattr(obj, name)
            if marker:
                continue
            if isinstance(value, str):
                yield (*path, key), value
            elif value is not None:
                yield from _literal_fields(value, (*path, key))
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            if isinstance(item, str):
                yield (*path, i), item
            else:
                yield from _literal_fields(item, (*path, i))


def _template_fields(obj: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str, bool]]:
    """Every template string in a wizard, with its path in the document."""
    if isinstance(obj, BaseModel):
        for name, key, marker, deeper in _plan(type(obj)):
            value = getattr(obj, name)
            if marker and isinstance(value, str):
                yield (*path, key), value, marker == "expression"
            elif marker and isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, str):
                        yield (*path, key, i), item, False
            elif deeper and value is not None:
                yield from _template_fields(value, (*path, key))
    elif isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            if isinstance(item, BaseModel | list | tuple):
                yield from _template_fields(item, (*path, i))
