"""Refreshing an HTTPS wizard source that has not changed: the requests it makes and the app's CPU for it.

A local HTTPS server (a CA made here with openssl, the server in a child process so its CPU is not counted)
serves a folder of wizards. After the first fetch, each refresh should be one conditional request for the
index answered "304 Not Modified", at most 20 ms of this process's CPU (time.process_time, which counts
every thread of the process: the deadline timer's too). Baseline in the same run: a bare urllib GET of the
index with If-None-Match, a new TLS connection each time as the refresh makes.

    .venv/bin/python bench/bench_remote.py [WIZARDS] [ROUNDS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.library.remote import INDEX, RemoteSource
from tests.unit.https_support import make_authority

WIZARD = "wayguide: 1\nid: bench.w{n}\ntitle: Wizard {n}\nsteps:\n  - id: one\n    title: Step one\n"
SERVE = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.unit.https_support import Authority, HttpsServer
a = Authority(Path({ca!r}), Path({cert!r}), Path({key!r}))
s = HttpsServer(Path({folder!r}), a)
s.publish()
s.start()
print(s.port, flush=True)
sys.stdin.read()
"""


def measure(work: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median CPU ms and wall ms of `work`."""
    cpu, wall = [], []
    for _ in range(rounds):
        c0, w0 = time.process_time(), time.perf_counter()
        work()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    wizards = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        authority = make_authority(base / "ca")
        folder = base / "served"
        folder.mkdir()
        for n in range(wizards):
            (folder / f"w{n:04}.yaml").write_text(WIZARD.format(n=n))
        code = SERVE.format(root=str(Path(__file__).resolve().parent.parent), ca=str(authority.ca),
                            cert=str(authority.cert), key=str(authority.key), folder=str(folder))
        server = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True)
        try:
            assert server.stdout is not None
            port = int(server.stdout.readline())
            url = f"https://127.0.0.1:{port}/"
            context = authority.client()
            source = RemoteSource(url, base / "cache", context=context)
            c0, w0 = time.process_time(), time.perf_counter()
            assert source.refresh(), source.status().describe()
            first = ((time.process_time() - c0) * 1000, (time.perf_counter() - w0) * 1000, source.requests)

            before = source.requests
            refresh_cpu, refresh_wall = measure(source.refresh, rounds)
            per_refresh = (source.requests - before) / rounds
            assert source.status().error is None, source.status().describe()

            etag = str(source.store.state().get("etag"))

            def bare() -> None:
                request = urllib.request.Request(url + INDEX, headers={"If-None-Match": etag})
                try:
                    with urllib.request.urlopen(request, context=context, timeout=10) as answer:
                        answer.read()
                except urllib.error.HTTPError as exc:
                    assert exc.code == 304, exc.code
                    exc.close()

            bare_cpu, bare_wall = measure(bare, rounds)
        finally:
            if server.stdin is not None:
                server.stdin.close()
            server.wait(10)

    print(f"HTTPS source of {wizards} wizards, {rounds} rounds, medians (CPU of this process / wall):")
    print(f"  first fetch                      {first[0]:7.1f} ms CPU {first[1]:7.1f} ms wall, "
          f"{first[2]} requests")
    print(f"  refresh, nothing changed         {refresh_cpu:7.2f} ms CPU {refresh_wall:7.2f} ms wall, "
          f"{per_refresh:g} request(s) each  (target <= 20 ms CPU, 1 request)")
    print(f"  baseline: bare urllib 304 GET    {bare_cpu:7.2f} ms CPU {bare_wall:7.2f} ms wall")
    ok = refresh_cpu <= 20 and per_refresh == 1
    print("  " + ("OK" if ok else "OVER TARGET"))


if __name__ == "__main__":
    main()
