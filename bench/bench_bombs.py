"""How long the worst template and regex bombs hold the calling thread (issue 11, item 8).

Run: .venv/bin/python bench/bench_bombs.py [--runs 5]
Reports, per bomb, the slowest of N renders or matches: each must end with a clean problem (or no
match) near the bounds in app/format/bounds.py — RENDER_SECONDS for templates, MATCH_SECONDS for
regular expressions — and the cost of the bounds on an ordinary template, beside Jinja's plain
sandbox in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.format import bounds  # noqa: E402
from app.format.matching import text_matches  # noqa: E402
from app.format.templating import TemplateProblem, context, render_markdown, render_text  # noqa: E402

TEMPLATES = {
    "'a' * 10**9": "{{ ('a' * 10**9) | length }}",
    "nested loops, output": "{% for i in 'x' * 99999 %}{% for j in 'y' * 99999 %}{{ i }}"
                            "{% endfor %}{% endfor %}",
    "nested loops, silent": "{% for i in 'x' * 99999 %}{% for j in 'y' * 99999 %}{% endfor %}{% endfor %}",
    "map center": "{{ ('x' * 99999) | map('center', 99999) | list | length }}",
    "format width": "{{ '{:>99999}'.format(1) * 1 }}",
    "sort 99999": "{{ ('x' * 99999) | list | sort | unique | list | length }}",
}
ORDINARY = "Dear {{ inputs.who | title }}, your order {{ '%05d' % 42 }} ships {{ today }}.\n"
PATTERNS = {
    r"^(\w+\s?)*$": "a" * 4000 + "!",
    r"(a|aa)+$": "a" * 3000 + "!",
    r"(.*a){20}": "a" * 4096,
    r"\w*\w*\w*\w*!": "a" * 4096,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    ctx = context({"who": "ada lovelace"})
    print(f"bounds: RENDER_SECONDS {bounds.RENDER_SECONDS}, MATCH_SECONDS {bounds.MATCH_SECONDS}, "
          f"MAX_SIZE {bounds.MAX_SIZE}, MAX_MATCH_INPUT {bounds.MAX_MATCH_INPUT}")
    for name, template in TEMPLATES.items():
        for render in (render_text, render_markdown):
            worst, outcome = 0.0, ""
            for _ in range(runs):
                start = time.perf_counter()
                try:
                    outcome = f"rendered {len(render(template, ctx))} chars"
                except TemplateProblem as problem:
                    outcome = problem.message
                worst = max(worst, time.perf_counter() - start)
            print(f"template {name:<22} {render.__name__:<16} worst {worst * 1000:7.1f} ms  {outcome}")
    for pattern, text in PATTERNS.items():
        worst = 0.0
        for _ in range(runs):
            start = time.perf_counter()
            found = text_matches("re:" + pattern, text, True)
            worst = max(worst, time.perf_counter() - start)
        print(f"regex {pattern:<20} worst {worst * 1000:7.1f} ms  match={found}  "
              f"(validation: {bounds.regex_problem(pattern) or 'accepted'})"[:150])
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    plain = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True)
    template = plain.from_string(ORDINARY)
    for label, render_once in (("plain sandbox", lambda: template.render(ctx)),
                               ("bounded", lambda: render_text(ORDINARY, ctx))):
        render_once()
        best = float("inf")
        for _ in range(5):  # best of 5 rounds of 2,000: the machine's noise only adds
            start = time.perf_counter()
            for _ in range(2000):
                render_once()
            best = min(best, (time.perf_counter() - start) / 2000)
        print(f"ordinary template, {label:<13}: {best * 1e6:6.1f} µs per render")


if __name__ == "__main__":
    main()
