"""Which wizards fit the window in front and the person's roles, and fuzzy search over the library."""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from app.format.cards import Listed
from app.format.matching import Pattern, window_fits
from app.ports import WindowInfo

__all__ = ["Match", "SearchIndex", "for_roles", "relevant"]


@dataclass(frozen=True)
class Match:
    wizard: Listed
    reason: str


def for_roles(wizard: Listed, roles: Collection[str]) -> bool:
    """A wizard without roles is for everyone; with roles, for people holding one of them.

    A person with no roles configured sees everything."""
    if not wizard.roles or not roles:
        return True
    return any(role.lower() in {r.lower() for r in wizard.roles} for role in roles)


def _describe(match: Pattern) -> str:
    parts = []
    if match.app is not None:
        parts.append(f"app '{match.app}'")
    if match.title is not None:
        parts.append(f"title '{match.title}'")
    return "matches " + " and ".join(parts)


def relevant(wizards: Iterable[Listed], window: WindowInfo,
             roles: Collection[str] = (), weights: Mapping[str, float] | None = None) -> list[Match]:
    """The wizards whose `when` matches the window, most specific first, then those the person uses most
    and most recently (`weights` by wizard id), then by title and id."""
    weights = weights or {}
    found: list[tuple[int, float, str, str, Match]] = []
    for wizard in wizards:
        if not wizard.when or not for_roles(wizard, roles):
            continue
        hits = [m for m in wizard.when if window_fits(m, window)]
        if not hits:
            continue
        best = max(hits, key=_specificity)
        found.append((-_specificity(best), -weights.get(wizard.id, 0.0), wizard.title.lower(), wizard.id,
                      Match(wizard, _describe(best))))
    found.sort(key=lambda item: item[:4])
    return [item[4] for item in found]


def _specificity(match: Pattern) -> int:
    return (match.app is not None) + (match.title is not None)


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


class SearchIndex:
    """Fuzzy search over title (weighted most), tags, summary and id; typo-tolerant per word."""

    WEIGHTS: ClassVar[dict[str, float]] = {"title": 3.0, "tags": 2.0, "summary": 1.0, "id": 1.0}

    def __init__(self, wizards: Iterable[Listed]) -> None:
        self._wizards: list[Listed] = list(wizards)
        postings: dict[str, dict[int, float]] = {}
        for doc, wizard in enumerate(self._wizards):
            fields = {"title": wizard.title, "tags": " ".join(wizard.tags),
                      "summary": wizard.summary or "", "id": wizard.id}
            for name, text in fields.items():
                weight = self.WEIGHTS[name]
                for word in _words(text):
                    slot = postings.setdefault(word, {})
                    if slot.get(doc, 0.0) < weight:
                        slot[doc] = weight
        self._postings = postings
        self._vocab = sorted(postings)

    def __len__(self) -> int:
        return len(self._wizards)

    @property
    def wizards(self) -> list[Listed]:
        """The wizards indexed, in the order given."""
        return self._wizards

    def _term_matches(self, term: str) -> dict[str, float]:
        """Vocabulary words a query term stands for, with how well (1 = exact)."""
        matches: dict[str, float] = {}
        start = bisect.bisect_left(self._vocab, term)
        for word in self._vocab[start:]:
            if not word.startswith(term):
                break
            matches[word] = 1.0 if word == term else 0.9
        if len(term) >= 3:
            from rapidfuzz import fuzz, process  # on the first typo-tolerant query, not at start-up

            for word, score, _ in process.extract(term, self._vocab, scorer=fuzz.ratio,
                                                  score_cutoff=75, limit=10):
                matches.setdefault(word, 0.7 * score / 100)
        return matches

    def search(self, query: str, limit: int | None = 50) -> list[Listed]:
        """Wizards matching every word of the query, best first; all wizards for an empty query."""
        terms = _words(query)
        if not terms:
            ordered = sorted(self._wizards, key=lambda w: (w.title.lower(), w.id))
            return ordered[:limit] if limit else ordered
        scores: dict[int, float] | None = None
        for term in terms:
            term_scores: dict[int, float] = {}
            for word, quality in self._term_matches(term).items():
                for doc, weight in self._postings[word].items():
                    value = weight * quality
                    if term_scores.get(doc, 0.0) < value:
                        term_scores[doc] = value
            if scores is None:
                scores = term_scores
            else:
                scores = {d: s + term_scores[d] for d, s in scores.items() if d in term_scores}
            if not scores:
                return []
        assert scores is not None
        ranked = sorted(scores, key=lambda d: (-scores[d], self._wizards[d].title.lower(),
                                               self._wizards[d].id))
        return [self._wizards[d] for d in ranked[:limit]]
