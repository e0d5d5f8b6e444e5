"""The HTML usage report is translatable: every word in it goes through the translations object,
plurals pick their form, the committed .pot is current, and a compiled catalogue is used."""

from __future__ import annotations

import array
import ast
import gettext
import importlib.machinery
import importlib.util
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import pytest

from app.i18n import language, load
from app.usage.formats import html
from app.usage.learning import BUCKETS, FadePeriod, QuestionStats, RetentionBucket, Settling
from app.usage.report import PersonStats, Report, RunPoint, StepStats, WizardStats

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "resources" / "locale" / "wayguide.pot"
T0 = 1_780_000_000.0
LONG = "Fill in the delivery address of the customer"


def report() -> Report:
    """A report that reaches every branch of the template and charts."""
    steps = [StepStats("open", "Open the form", 7, 0, 12.3, 0.0),
             StepStats("address", LONG, 3, 1, 75.0, 0.5),
             StepStats("save", "Save it", 1, 1, None, 0.0)]
    outcomes = ["completed", "exited", "failed", "abandoned", "running"]
    points = [RunPoint(T0 + i * 86400 * 9, 20.0 + i * 30, outcomes[i % 5], ["glass", "black"][i % 2])
              for i in range(6)]
    w = WizardStats("shop.order", "Order for a customer", 7, 4, 4 / 7, 83.0, 112.0, {"completed": 4},
                    [("address", 1), ("save", 1)], 0.6, 0.4, steps, points)
    one = WizardStats("shop.refund", "Refund", 1, 1, 1.0, None, None, {"completed": 1}, [], 1.0, 0.0,
                      [StepStats("ask", "Ask why", 1, 0, None, 0.0)], [])
    people = [PersonStats("a1b2c3d4", "shop.order", 5, 4), PersonStats("e5f6a7b8", "shop.order", 2, None),
              PersonStats("c9d0e1f2", "shop.refund", 1, 1)]
    settling = [Settling("a1b2c3d4", "shop.order", 5, 4, 12.0, 83.0), Settling("e5f6a7b8", "shop.order", 2, 1,
                                                                              0.0, 60.0),
                Settling("c9d0e1f2", "shop.refund", 1, None, None, None)]
    fading = [FadePeriod("shop.order", "2026-05", 7, 0.6, 0.2, 0.2)]
    questions = [QuestionStats("shop.order", "cost-centre", 9, 3, 1 / 3, 4)]
    retention = [RetentionBucket(label, low, None, 2 * i, i, 0.5 if i else None)
                 for i, (label, low, _high) in enumerate(BUCKETS)]
    return Report(T0, [w, one], people, 7, 2, [], settling, fading, questions, retention)


DATA = {"shop.order", "Order for a customer", "shop.refund", "Refund", "Open the form", LONG,
        LONG[:31] + "…", "Save it", "Ask why", "a1b2c3d4", "e5f6a7b8", "c9d0e1f2", "cost-centre"}
"""What the report shows as recorded: wizard and step titles, ids, pseudonyms (never translated)."""


class Marked(gettext.NullTranslations):
    """Wraps every message in «…», so words that did not pass through it stand out."""

    def gettext(self, message: str) -> str:
        return f"«{message}»"

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return f"«{msgid1 if n == 1 else msgid2}»"


class Texts(HTMLParser):
    """The visible text nodes and the labelling attributes of a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self.attributes: list[str] = []
        self.lang = ""
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "script")
        for name, value in attrs:
            if name == "lang" and tag == "html":
                self.lang = value or ""
            elif name in ("aria-label", "title", "alt", "placeholder") and value:
                self.attributes.append(value)

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.nodes.append(data)


def unmarked(page: str) -> list[str]:
    """Text with letters outside «…» that is not data. A message may span nodes (<b> inside it)."""
    parser = Texts()
    parser.feed(page)
    bad: list[str] = []
    for strings, carry in ((parser.nodes, True), *(([a], False) for a in parser.attributes)):
        depth = 0
        for text in strings:
            outside, piece = [], []
            for ch in text:
                if ch in "«»":
                    depth += 1 if ch == "«" else -1
                    outside.append("".join(piece))
                    piece = []
                elif depth == 0:
                    piece.append(ch)
            outside.append("".join(piece))
            bad += [p.strip() for p in outside if re.search(r"[^\W\d_]", p) and p.strip() not in DATA]
        assert depth == 0 or carry, strings
    return bad


def test_every_word_of_the_report_goes_through_the_translations() -> None:
    page = html(report(), Marked())
    assert "«" in page and unmarked(page) == []
    assert "«No usage recorded yet." in html(Report(T0, [], [], 0, 0), Marked())
    assert unmarked(html(Report(T0, [], [], 0, 0), Marked())) == []
    tip = re.search(r"<circle[^>]*><title>([^<]*)</title>", page)
    assert tip and "«completed»" in tip.group(1) and "«glass box»" in tip.group(1)


def test_the_check_finds_a_word_left_unmarked() -> None:
    page = html(report(), Marked())
    assert unmarked(page.replace("</footer>", "Printed</footer>")) == ["Printed"]
    assert unmarked(page.replace("<svg ", '<svg aria-label="Chart" ', 1)) == ["Chart"]
    assert unmarked("<p>«Stopped at <b>Open the form</b> twice» Refund now</p>") == ["Refund now"]


def test_english_plurals_pick_their_form() -> None:
    page = html(report(), gettext.NullTranslations())
    assert "Open the form: reached by 7 runs" in page and "Save it: reached by 1 run<" in page
    assert "1 run stopped here" in page and "<span>run</span>" in page and "<span>runs</span>" in page
    assert '<td class="num">4 runs</td>' in page and '<td class="num">1 run</td>' in page
    assert '<td class="num">not yet</td>' in page


def mo(path: Path, messages: dict[str | tuple[str, str], str | list[str]], lang: str, plural: str) -> Path:
    """A compiled catalogue, as msgfmt writes it (GNU .mo: header, two offset tables, strings)."""
    header = (f"Content-Type: text/plain; charset=UTF-8\nLanguage: {lang}\n"
              f"Plural-Forms: {plural};\n")
    entries = {"": header} | {"\0".join(k) if isinstance(k, tuple) else k:
                              "\0".join(v) if isinstance(v, list) else v for k, v in messages.items()}
    keys = sorted(entries)
    ids = strs = b""
    offsets = []
    for key in keys:
        kb, vb = key.encode(), entries[key].encode()
        offsets.append((len(ids), len(kb), len(strs), len(vb)))
        ids, strs = ids + kb + b"\0", strs + vb + b"\0"
    start = 7 * 4 + 16 * len(keys)
    table = [n for o1, l1, _o2, _l2 in offsets for n in (l1, o1 + start)]
    table += [n for _o1, _l1, o2, l2 in offsets for n in (l2, o2 + start + len(ids))]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 28, 28 + 8 * len(keys), 0, 0)
                     + array.array("i", table).tobytes() + ids + strs)
    return path


def catalogue(root: Path, lang: str, messages: dict[str | tuple[str, str], str | list[str]],
              plural: str = "nplurals=2; plural=(n != 1)") -> Path:
    mo(root / lang / "LC_MESSAGES" / "wayguide.mo", messages, lang, plural)
    return root


def test_plurals_follow_the_catalogues_rule(tmp_path: Path) -> None:
    forms = ["%(label)s: one %(count)s", "%(label)s: few %(count)s", "%(label)s: many %(count)s"]
    root = catalogue(tmp_path, "xx", {("%(label)s: reached by %(count)s run",
                                       "%(label)s: reached by %(count)s runs"): forms},
                     "nplurals=3; plural=(n==1 ? 0 : n<5 ? 1 : 2)")
    page = html(report(), load(root, ["xx"]))
    assert "Save it: one 1<" in page and "Fill in the delivery address of the customer: few 3<" in page
    assert "Open the form: many 7<" in page


def pot_messages() -> list[tuple[str, ...]]:
    """The msgids of the committed .pot (one line each, as scripts/extract-messages writes them)."""
    out: list[tuple[str, ...]] = []
    for line in POT.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            out.append((ast.literal_eval(line[6:]),))
        elif line.startswith("msgid_plural "):
            out[-1] += (ast.literal_eval(line[13:]),)
    return [m for m in out if m != ("",)]


def test_the_committed_pot_is_current() -> None:
    path = ROOT / "scripts" / "extract-messages"
    loader = importlib.machinery.SourceFileLoader("extract_messages", str(path))
    spec = importlib.util.spec_from_loader("extract_messages", loader)
    assert spec is not None
    script = importlib.util.module_from_spec(spec)
    loader.exec_module(script)
    text, count = script.pot()
    assert text == POT.read_text(encoding="utf-8"), "run scripts/extract-messages and commit the .pot"
    assert count == len(pot_messages()) > 40


def test_the_report_comes_out_in_the_catalogues_language(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalogue with every message of the .pot (wrapped in «…») covers every word on the page."""
    messages: dict[str | tuple[str, str], str | list[str]] = {
        (m[0] if len(m) == 1 else (m[0], m[1])): (f"«{m[0]}»" if len(m) == 1 else [f"«{m[0]}»", f"«{m[1]}»"])
        for m in pot_messages()}
    messages["Wayguide insights"] = "«Wayguide-Einblicke»"
    root = catalogue(tmp_path, "de", messages)
    monkeypatch.setenv("LANGUAGE", "de_AT:de")
    translations = load(root)
    assert language(translations) == "de"
    page = html(report(), translations)
    parser = Texts()
    parser.feed(page)
    assert parser.lang == "de" and "<title>«Wayguide-Einblicke»</title>" in page
    assert unmarked(page) == []


def test_without_a_catalogue_the_report_is_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "zz")
    assert type(load(tmp_path)) is gettext.NullTranslations
    page = html(report())  # the person's locale, looked up in resources/locale
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">') and "<h1>Wayguide insights</h1>" in page


def test_longer_axis_labels_get_room_left_of_the_plot() -> None:
    english, marked = html(report(), gettext.NullTranslations()), html(report(), Marked())
    assert '<line class="axis" x1="64" ' in english  # "2:50 min": fits the usual margin
    assert '<line class="axis" x1="80" ' in marked and ">«2:50 min»</text>" in marked


def test_numbers_are_written_as_the_language_writes_them() -> None:
    from app.usage.report import duration_text, percent_text

    german, dutch, english = (load(languages=[code]) for code in ("de", "nl", "en"))
    assert duration_text(12.46, german) == "12,5 s" and duration_text(12.46, dutch) == "12,5 s"
    assert duration_text(12.46, english) == "12.5 s"
    assert percent_text(0.574, german) == "57\xa0%" and percent_text(0.574, english) == "57%"
