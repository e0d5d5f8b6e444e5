"""Library benchmark: load + validate 1,000 wizards, reload one changed file, search 10,000.

Run: .venv/bin/python bench/bench_library.py
Every figure is printed beside a baseline measured in the same run:
plain `yaml.safe_load` (and libyaml's CSafeLoader) of the same files.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.format.cache import ResultCache
from app.format.loader import wizard_in
from app.format.model import Wizard
from app.library.layers import Layer, Library
from app.library.relevance import SearchIndex

WORDS = (
    "invoice customer letter expense claim travel meals receipt printer ticket escalate "
    "onboard starter laptop password reset vacation request approve order supplier "
    "contract renewal report quarterly budget forecast archive folder disk usage backup "
    "restore meeting notes agenda minutes payroll timesheet overtime refund complaint "
    "shipment delivery return warranty quote discount audit compliance training"
).split()
APPS = ("mousepad", "xterm", "gnumeric", "firefox", "libreoffice", "thunderbird", "sap*", "erp")


def wizard_text(n: int, rng: random.Random) -> str:
    words = rng.sample(WORDS, 4)
    steps = []
    for s in range(rng.randint(4, 10)):
        kind = rng.random()
        step = (f"  - id: step-{s}\n    title: {words[s % 4].capitalize()} the {words[(s + 1) % 4]}"
                f"\n    explain: |\n      Open the **{words[0]}** form and check the {words[1]}.\n"
                f"      Use the value {{{{ inputs.amount }}}} for {{{{ inputs.who }}}}.\n"
                f"    why: Every {words[2]} must be recorded within 30 days.\n")
        if kind < 0.4:
            step += ("    do:\n      - focus: {app: " + APPS[n % len(APPS)] + "}\n"
                     "      - type: \"{{ inputs.who }}\\n\"\n      - keys: ctrl+s\n"
                     "      - wait: {title: 'Save*', timeout: 5}\n")
        elif kind < 0.6:
            step += "    checklist: [Name present, Amount checked, Receipt attached]\n"
        elif kind < 0.8:
            step += "    until:\n      any: [{keys: ctrl+s}, {active: {title: 'Saved*'}}]\n"
        steps.append(step)
    return (
        "# yaml-language-server: $schema=../resources/wizard.schema.json\n"
        f"wayguide: 1\nid: gen.{words[0]}-{n}\ntitle: {' '.join(words[:3]).capitalize()} {n}\n"
        f"summary: How to {words[0]} a {words[1]} for the {words[2]} team.\n"
        f"tags: [{words[1]}, {words[3]}]\n"
        f"when:\n  - app: {APPS[n % len(APPS)]}\n    title: '*{words[0]}*'\n"
        "inputs:\n  - {name: who, label: Customer, required: true}\n"
        "  - {name: amount, label: Amount, type: number, default: 10}\n"
        "steps:\n" + "".join(steps)
    )


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """Best of `repeat` runs, seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def row(name: str, seconds: float, baseline: float | None, goal: str) -> None:
    ratio = f"{seconds / baseline:6.2f}×" if baseline else "      "
    print(f"  {name:<44} {seconds * 1000:9.2f} ms  {ratio}  goal {goal}")


def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for n in range(1000):
            path = folder / f"w{n:04}.yaml"
            path.write_text(wizard_text(n, rng), encoding="utf-8")
            files.append(path)
        total = sum(p.stat().st_size for p in files)
        print(f"1,000 generated wizards, {total / 1024:.0f} KiB, python {sys.version.split()[0]}")

        def plain() -> None:
            for p in files:
                yaml.safe_load(p.read_text(encoding="utf-8"))

        def plain_c() -> None:
            for p in files:
                yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

        cache_file = folder.parent / f"{folder.name}-cache.json"

        def full(cache: bool = False) -> None:
            library = Library([Layer("bench", folder)], ResultCache(cache_file, wizard_in) if cache else None)
            library.refresh()
            assert len(library) == 1000, library.diagnostics()[:3]

        base = timed(plain, 3)
        base_c = timed(plain_c, 3)
        print("baseline")
        row("yaml.safe_load of the same files", base, base, "")
        row("yaml.load(CSafeLoader) of the same files", base_c, base, "")
        print("wayguide")
        row("full load + validation, cold (no cache)", timed(full, 3), base, "< 500 ms")
        full(cache=True)  # fills the cache
        row("full load + validation, warm (result cache)", timed(lambda: full(cache=True), 3), base,
            "< 500 ms")

        library = Library([Layer("bench", folder)])
        library.refresh()
        target = files[500]
        original = target.read_text(encoding="utf-8")
        samples = []
        for i in range(20):
            target.write_text(original.replace("summary: How", f"summary: Edit {i} - how"))
            started = time.perf_counter()
            changed = library.reload([target])  # what the file watcher reports
            samples.append(time.perf_counter() - started)
            assert changed == [target]
        rescans = []
        for i in range(20):
            target.write_text(original.replace("summary: How", f"summary: Rescan {i} - how"))
            started = time.perf_counter()
            assert library.refresh() == [target]
            rescans.append(time.perf_counter() - started)
        one_plain = timed(lambda: yaml.safe_load(target.read_text(encoding="utf-8")), 20)
        row("  yaml.safe_load of that one file (baseline)", one_plain, one_plain, "")
        row("reload one changed file (median of 20)", statistics.median(samples), one_plain,
            "< 10 ms")
        row("  same, found by rescanning all 1,000 (median)", statistics.median(rescans), one_plain,
            "")

        wizards: list[Wizard] = []
        loaded = [e.wizard for e in library]
        for copy in range(10):
            for w in loaded:
                wizards.append(w.model_copy(update={"id": f"{w.id}.c{copy}",
                                                    "title": f"{w.title} v{copy}"}))
        index = SearchIndex(wizards)
        queries = ["letter", "expense claim", "custmer leter", "printer", "rep", "xyzzy",
                   "onboard starter laptop", "invoice 42"]
        corpus_titles = [w.title.lower() for w in wizards]
        print(f"search over {len(index):,} wizards (best of 5 per query)")
        for q in queries:
            base_q = timed(lambda q=q: [t for t in corpus_titles if q in t], 5)  # type: ignore[misc]
            took = timed(lambda q=q: index.search(q), 5)  # type: ignore[misc]
            hits = len(index.search(q, limit=None))
            ratio = took / base_q if base_q else 0
            print(f"  {q!r:<26} {took * 1000:7.2f} ms  ({hits:5} hits)   baseline substring scan "
                  f"{base_q * 1000:6.2f} ms  {ratio:5.2f}×  goal < 5 ms")


if __name__ == "__main__":
    main()
