"""What the language filters (app/format/filters.py) cost (issue 17).

Run: .venv/bin/python bench/bench_filters.py [--runs 15] [--renders 2000]

1. First use, in a fresh interpreter each run (median, max of `--runs`): import the template module, then
   render one step text. Baseline: `Claim {{ inputs.amount }} on {{ today }}`; with the filters:
   `Claim {{ inputs.amount | money('EUR') }} on {{ today | date }}` in Dutch, which imports Babel and
   reads CLDR's data for nl the first time. Also said: whether Babel was loaded by the import alone (it
   must not be: start-up never pays for it).
2. Warm renders (median of 5 rounds of `--renders`, µs per render, compiled template cached as in a run):
   the same two texts, and `{{ inputs.amount | number(2) }}` alone.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PLAIN = "Claim {{ inputs.amount }} on {{ today }}"
FILTERED = "Claim {{ inputs.amount | money('EUR') }} on {{ today | date }}"

_FIRST = """
import sys, time
t0 = time.perf_counter()
import app.format.templating as t
t1 = time.perf_counter()
early = 'babel' in sys.modules
ctx = t.context({'amount': t.EnteredNumber('1234.5')}, language='nl')
t.render_markdown(%r, ctx)
t2 = time.perf_counter()
print(t1 - t0, t2 - t1, early)
"""


def first_use(text: str, runs: int) -> tuple[list[float], list[float], bool]:
    imports, renders, early = [], [], False
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", _FIRST % text], capture_output=True, text=True,
                              cwd=ROOT, check=True)
        a, b, c = done.stdout.split()
        imports.append(float(a))
        renders.append(float(b))
        early |= c == "True"
    return imports, renders, early


def warm(text: str, renders: int) -> float:
    from app.format import templating as t

    ctx = t.context({"amount": t.EnteredNumber("1234.5")}, language="nl")
    t.render_markdown(text, ctx)
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(renders):
            t.render_markdown(text, ctx)
        rounds.append((time.perf_counter() - start) / renders)
    return statistics.median(rounds) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--renders", type=int, default=2000)
    args = parser.parse_args()
    print(f"1. first use, fresh interpreter, {args.runs} runs (median / max, ms)")
    for name, text in (("plain (baseline)", PLAIN), ("filters, nl", FILTERED)):
        imports, renders, early = first_use(text, args.runs)
        print(f"   {name:18} import {statistics.median(imports) * 1e3:6.1f} / {max(imports) * 1e3:6.1f}"
              f"   first render {statistics.median(renders) * 1e3:6.1f} / {max(renders) * 1e3:6.1f}"
              f"   babel loaded by the import: {'YES' if early else 'no'}")
    print(f"2. warm renders (µs per render, median of 5 × {args.renders})")
    for name, text in (("plain (baseline)", PLAIN), ("filters, nl", FILTERED),
                       ("number(2) alone", "{{ inputs.amount | number(2) }}")):
        print(f"   {name:18} {warm(text, args.renders):7.1f}")


if __name__ == "__main__":
    main()
