"""Relevance to the window in front and the person's roles; fuzzy search."""

from __future__ import annotations

from typing import Any

import pytest

from app.format.model import Wizard
from app.library.relevance import SearchIndex, for_roles, relevant
from app.ports import WindowInfo


def wiz(wizard_id: str, title: str, **extra: Any) -> Wizard:
    return Wizard.model_validate({"wayguide": 1, "id": wizard_id, "title": title,
                                  "steps": [{"id": "a", "title": "A"}], **extra})


LIBRARY = [
    wiz("pad.letter", "Start a customer letter", tags=["letters"],
        when=[{"app": "mousepad"}]),
    wiz("pad.pdf", "Save as PDF", when=[{"app": "mousepad", "title": "*.txt - Mousepad"}]),
    wiz("pad.support", "Answer a ticket", roles=["support"], when=[{"app": "Mousepad"}]),
    wiz("term.du", "Check disk usage", summary="Find what fills the disk",
        when=[{"app": "xterm"}, {"title": "re:^bash: .*"}]),
    wiz("any.expense", "Submit an expense claim", tags=["travel", "money"]),
]


@pytest.mark.parametrize(("window", "roles", "expected"), [
    (WindowInfo(app="mousepad", title="notes.txt - Mousepad"), (),
     [("pad.pdf", "matches app 'mousepad' and title '*.txt - Mousepad'"),
      ("pad.support", "matches app 'Mousepad'"),
      ("pad.letter", "matches app 'mousepad'")]),
    (WindowInfo(app="mousepad", title="Untitled 1 - Mousepad"), ("sales",),
     [("pad.letter", "matches app 'mousepad'")]),
    (WindowInfo(app="mousepad", title="x"), ("Support",),
     [("pad.support", "matches app 'Mousepad'"), ("pad.letter", "matches app 'mousepad'")]),
    (WindowInfo(app="other", title="bash: ~/src", exe="xterm"), (),
     [("term.du", "matches app 'xterm'")]),
    (WindowInfo(app="urxvt", title="bash: ~/src"), (),
     [("term.du", "matches title 're:^bash: .*'")]),
    (WindowInfo(app="", title="", klass="Mousepad"), ("hr",),
     [("pad.letter", "matches app 'mousepad'")]),
    (WindowInfo(app="firefox", title="Expenses"), (), []),
])
def test_relevant_for_window_and_roles(window: WindowInfo, roles: tuple[str, ...],
                                       expected: list[tuple[str, str]]) -> None:
    found = relevant(LIBRARY, window, roles)
    assert [(m.wizard.id, m.reason) for m in found] == expected


def test_order_is_stable_whatever_the_library_order() -> None:
    window = WindowInfo(app="mousepad", title="a.txt - Mousepad")
    first = [m.wizard.id for m in relevant(LIBRARY, window)]
    assert [m.wizard.id for m in relevant(list(reversed(LIBRARY)), window)] == first


def test_among_equally_fitting_tasks_the_ones_used_most_and_lately_come_first() -> None:
    window = WindowInfo(app="mousepad", title="notes.txt - Mousepad")
    used = {"pad.letter": 6.0, "pad.support": 1.0, "pad.pdf": 0.25}
    assert [m.wizard.id for m in relevant(LIBRARY, window, (), used)] == [
        "pad.pdf", "pad.letter", "pad.support"]  # the most specific fit stays first


def test_roles() -> None:
    support = LIBRARY[2]
    assert for_roles(support, ["support"]) and for_roles(support, [])
    assert not for_roles(support, ["hr"])
    assert for_roles(LIBRARY[0], ["hr"])


@pytest.mark.parametrize(("query", "expected"), [
    ("letter", ["pad.letter"]),
    ("LETTER customer", ["pad.letter"]),
    ("custmer leter", ["pad.letter"]),          # typos
    ("disk", ["term.du"]),
    ("fills", ["term.du"]),                     # summary
    ("travel", ["any.expense"]),                # tags
    ("sa", ["pad.pdf"]),                        # prefix of a title word
    ("pdf letter", []),                         # every word must match
    ("zebra", []),
])
def test_search(query: str, expected: list[str]) -> None:
    assert [w.id for w in SearchIndex(LIBRARY).search(query)] == expected


def test_title_ranks_above_summary() -> None:
    index = SearchIndex([wiz("b.one", "Printer setup"),
                         wiz("a.two", "Something", summary="About the printer")])
    assert [w.id for w in index.search("printer")] == ["b.one", "a.two"]


def test_empty_query_lists_everything_by_title() -> None:
    titles = [w.title for w in SearchIndex(LIBRARY).search("  ")]
    assert titles == sorted(titles, key=str.lower)
