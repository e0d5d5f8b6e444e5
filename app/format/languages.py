"""Wizards in several languages: per-field language maps.

A text marked TRANSLATED in the model (titles, explanations, labels, quiz texts, tags…) is written either
as a string in the wizard's `language`, or as a map of language tag → text:

    language: en
    title: {en: Save the letter, nl: De brief opslaan, de: Den Brief speichern}

An author keeps every language in one file; a translator adds `nl:` lines and touches no logic (ids,
actions, conditions). Before validation `split` leaves each map's text in the wizard's own language in
place and moves the others to `Wizard.translations[tag][path]`; `localize` gives the wizard as a person
reading some languages (best first) sees it: for each text the first of their languages that has it
(`nl_BE`, then `nl`), else the wizard's own, and says how much fell back.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app.format.diagnostics import quote
from app.format.fields import LANGUAGE_TAG, TRANSLATED, unwrap
from app.format.source import KeyPath

if TYPE_CHECKING:
    from app.format.model import Wizard

__all__ = ["Localized", "Problem", "Split", "chosen_language", "localize", "split", "tag", "texts_of",
           "translated", "untranslated"]

_TAG = re.compile(LANGUAGE_TAG)
Texts = dict[str, dict[str, str | list[str]]]
"""Language tag → document path ("steps.2.title") → the text (a list of words for tags)."""


def tag(text: str) -> str:
    """A language tag as locales write it: "nl-be" → "nl_BE", "DE" → "de"."""
    language, _, region = text.replace("-", "_").partition("_")
    return language.lower() + ("_" + region.upper() if region else "")


def _key(path: KeyPath) -> str:
    return ".".join(str(part) for part in path)


def _path(key: str) -> KeyPath:
    return tuple(int(part) if part.isdigit() else part for part in key.split("."))


# ------------------------------------------------------------- the fields


def _marked(annotation: Any) -> bool:
    """Whether an annotation carries TRANSLATED (itself, or through Optional/unions)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        args = get_args(annotation)
        return TRANSLATED in args[1:] or _marked(args[0])
    if origin in (typing.Union, types.UnionType):
        return any(_marked(arg) for arg in get_args(annotation))
    return False


def _lists(annotation: Any) -> list[Any]:
    """The item annotations of the list types an annotation can be."""
    return [get_args(t)[0] for t in unwrap(annotation) if get_origin(t) is list]


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The model classes a field can hold, directly or as list items."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _models(get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        return [m for arg in get_args(annotation) for m in _models(arg)]
    return [annotation] if isinstance(annotation, type) and issubclass(annotation, BaseModel) else []


def translated(info: FieldInfo) -> bool:
    """Whether a model field may be given in several languages (itself, or each of its items)."""
    annotation = info.rebuild_annotation()
    return TRANSLATED in info.metadata or _marked(annotation) or any(_marked(i) for i in _lists(annotation))


@dataclass(frozen=True)
class _Field:
    name: str
    key: str
    kind: str  # "text", "words" (a list taken whole), "items" (each item a text), "" (models inside)
    models: tuple[type[BaseModel], ...]


_PLANS: dict[type[BaseModel], tuple[_Field, ...]] = {}


def _plan(cls: type[BaseModel]) -> tuple[_Field, ...]:
    """The fields of `cls` that are, or may hold, translated texts."""
    plan = _PLANS.get(cls)
    if plan is None:
        fields = []
        for name, info in cls.model_fields.items():
            annotation = info.rebuild_annotation()
            if TRANSLATED in info.metadata or _marked(annotation):
                fields.append(_Field(name, info.alias or name, "words" if _lists(annotation) else "text", ()))
            elif any(_marked(item) for item in _lists(annotation)):
                fields.append(_Field(name, info.alias or name, "items", ()))
            elif models := _models(annotation):
                fields.append(_Field(name, info.alias or name, "", tuple(models)))
        plan = _PLANS[cls] = tuple(fields)
    return plan


def _fitting(models: Sequence[type[BaseModel]], raw: Mapping[str, Any]) -> type[BaseModel] | None:
    """Of a union's models, the one a raw mapping is written as (all its keys known to it)."""
    for model in models:
        keys = {f.alias or n for n, f in model.model_fields.items()}
        if set(raw) <= keys:
            return model
    return None


# -------------------------------------------------------------- splitting


@dataclass(frozen=True)
class Problem:
    path: KeyPath
    message: str
    hint: str | None = None
    key: bool = False


@dataclass
class Split:
    """A document with every language map replaced by its text in the wizard's language."""

    data: Any
    translations: Texts
    problems: list[Problem]
    written: dict[tuple[str, str], KeyPath]
    """(language, path) → where that translation is in the document, for positioned diagnostics."""


def split(data: dict[str, Any], root: type[BaseModel]) -> Split:
    """Take the language maps out of a wizard document (see the module's doc)."""
    written = data.get("language", "en")
    own = tag(written) if isinstance(written, str) and _TAG.match(written) else "en"
    out = Split(None, {}, [], {})
    out.data = _split_model(root, data, (), own, out)
    return out


def _split_model(cls: type[BaseModel], raw: Any, path: KeyPath, own: str, out: Split) -> Any:
    if not isinstance(raw, dict):
        return raw
    result = dict(raw)
    for field in _plan(cls):
        if field.key not in raw:
            continue
        value, here = raw[field.key], (*path, field.key)
        if field.kind in ("text", "words"):
            result[field.key] = _split_text(value, here, own, out, field.kind == "words")
        elif field.kind == "items" and isinstance(value, list):
            result[field.key] = [_split_text(item, (*here, i), own, out, False)
                                 for i, item in enumerate(value)]
        elif field.models:
            result[field.key] = _split_models(field.models, value, here, own, out)
    return result


def _split_models(models: Sequence[type[BaseModel]], value: Any, path: KeyPath, own: str, out: Split) -> Any:
    if isinstance(value, list):
        return [_split_models(models, item, (*path, i), own, out) for i, item in enumerate(value)]
    if isinstance(value, dict):
        cls = _fitting(models, value)
        return _split_model(cls, value, path, own, out) if cls is not None else value
    return value


def _split_text(value: Any, path: KeyPath, own: str, out: Split, words: bool) -> Any:
    if not isinstance(value, dict) or not value:
        return value
    kind = "a list of words" if words else "text"
    found: dict[str, Any] = {}
    for key, text in value.items():
        if not isinstance(key, str) or not _TAG.match(key):
            out.problems.append(Problem((*path, key), f"{quote(key)} is not a language",
                                        "name languages as 'en', 'nl', 'de' or 'nl-BE'", key=True))
            continue
        if tag(key) in found:
            out.problems.append(Problem((*path, key), f"language {quote(tag(key))} is given twice",
                                        key=True))
            continue
        if not (isinstance(text, list) and all(isinstance(w, str) for w in text) if words
                else isinstance(text, str)):
            out.problems.append(Problem((*path, key), f"{quote(key)}: expected {kind}"))
            continue
        found[tag(key)] = text
        out.written[(tag(key), _key(path))] = (*path, key)
    if own not in found:
        out.problems.append(Problem(
            path, f"{quote(path[-1])} has no text in the wizard's language {quote(own)}",
            f"add '{own}: …', or set 'language:' to the language the texts are written in", key=True))
        return next(iter(found.values()), [] if words else "")
    for language, text in found.items():
        if language != own:
            out.translations.setdefault(language, {})[_key(path)] = text
    return found[own]


# ------------------------------------------------------------- localizing


def texts_of(obj: Any, path: KeyPath = ()) -> Iterator[tuple[KeyPath, str | list[str]]]:
    """Every translated text of a model (its path in the document, its text in the wizard's language)."""
    if isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            yield from texts_of(item, (*path, i))
        return
    if not isinstance(obj, BaseModel):
        return
    for field in _plan(type(obj)):
        value = getattr(obj, field.name)
        here = (*path, field.key)
        if not value:  # absent, or no words: nothing to translate
            continue
        if field.kind in ("text", "words"):
            yield here, value
        elif field.kind == "items":
            for i, item in enumerate(value):
                yield (*here, i), item
        else:
            yield from texts_of(value, here)


def chosen_language(wanted: Sequence[str], own: str, available: Sequence[str]) -> str:
    """The first of the person's languages (`wanted`, best first) the wizard has, else its own."""
    for language in wanted:
        language = tag(language)
        if language == own or language in available:
            return language
    return own


@dataclass(frozen=True)
class Localized:
    """A wizard as a person reading some languages sees it."""

    wizard: Wizard
    language: str
    """The language its texts are shown in (most of them, when some fall back)."""
    wanted: str
    """The person's first language ("" when they asked for none)."""
    missing: int
    """Texts shown in the wizard's own language because theirs has none."""

    @property
    def complete(self) -> bool:
        """Every text is in one of the person's languages."""
        same = not self.wanted or self.language.split("_")[0] == self.wanted.split("_")[0]
        return self.missing == 0 and same


def localize(wizard: Wizard, wanted: Sequence[str]) -> Localized:
    """`wizard` with each text in the first of `wanted` that has it (`nl_BE`, then `nl`), else in the
    wizard's own language; nothing changes for a person who reads the wizard's own language first."""
    own = tag(wizard.language)
    chain = [tag(w) for w in wanted]
    first = chain[0] if chain else ""
    language = chosen_language(chain, own, list(wizard.translations))
    if not chain or chain[0] == own:
        return Localized(wizard, own, first, 0)
    updates: dict[str, str | list[str]] = {}
    missing = 0
    for path, _ in texts_of(wizard):
        key = _key(path)
        for candidate in chain:
            if candidate == own:
                break
            text = wizard.translations.get(candidate, {}).get(key)
            if text is not None:
                updates[key] = text
                break
        else:
            missing += 1
    return Localized(_applied(wizard, updates) if updates else wizard, language, first, missing)


def untranslated(wizard: Wizard, language: str) -> list[KeyPath]:
    """The texts with no version in `language` (or, for "nl_BE", in "nl"), in document order."""
    chain = [tag(language)] + ([tag(language).split("_")[0]] if "_" in language or "-" in language else [])
    if tag(wizard.language) in chain:
        return []
    return [path for path, _ in texts_of(wizard)
            if not any(_key(path) in wizard.translations.get(c, {}) for c in chain)]


def _applied(obj: Any, updates: Mapping[str, str | list[str]]) -> Any:
    tree: dict[Any, Any] = {}
    for key, text in updates.items():
        node = tree
        *parents, last = _path(key)
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = _Leaf(text)
    return _rebuilt(obj, tree)


@dataclass(frozen=True)
class _Leaf:
    text: str | list[str]


def _rebuilt(obj: Any, tree: Mapping[Any, Any]) -> Any:
    if isinstance(obj, list):
        items = list(obj)
        for index, sub in tree.items():
            if isinstance(index, int) and 0 <= index < len(items):
                items[index] = sub.text if isinstance(sub, _Leaf) else _rebuilt(items[index], sub)
        return items
    if isinstance(obj, BaseModel):
        names = {info.alias or name: name for name, info in type(obj).model_fields.items()}
        update = {}
        for key, sub in tree.items():
            name = names.get(key)
            if name is not None:
                current = getattr(obj, name)
                update[name] = sub.text if isinstance(sub, _Leaf) else _rebuilt(current, sub)
        return obj.model_copy(update=update)
    return obj
