"""Signed-folder benchmark: verify a signed folder of 1,000 wizards, cold and warm, beside loading
the same wizards unsigned.

Run: .venv/bin/python bench/bench_signing.py
Every figure is printed beside a baseline measured in the same run: loading the folder into the
library (cold: every file parsed and validated; warm: from the result cache, as at each start-up).
Cold verify hashes every file (a new process: nothing in memory); warm verify is what a library
refresh costs (FolderTrust re-hashes only files whose device, inode, size, mtime or ctime changed).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_library import row, timed, wizard_text

from app.format.cache import ResultCache
from app.format.loader import wizard_in
from app.library.layers import Layer, Library
from app.library.signing import FolderTrust, generate_key, load_private_key, parse_key, sign

IMPORT = ("import time; t = time.perf_counter(); "
          "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey; "
          "from cryptography.exceptions import InvalidSignature; print(time.perf_counter() - t)")


def main() -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "wizards"
        folder.mkdir()
        for n in range(1000):
            (folder / f"w{n:04}.yaml").write_text(wizard_text(n, rng), encoding="utf-8")
        total = sum(p.stat().st_size for p in folder.glob("*.yaml"))
        key = parse_key(generate_key(Path(tmp) / "publisher.key"))
        started = time.perf_counter()
        sign(folder, load_private_key(Path(tmp) / "publisher.key"))
        signing = time.perf_counter() - started
        manifest = (folder / "wayguide-manifest.json").stat().st_size
        print(f"1,000 generated wizards, {total / 1024:.0f} KiB, manifest {manifest / 1024:.0f} KiB, "
              f"python {sys.version.split()[0]}")
        cache_file = Path(tmp) / "library.json"

        def load(cache: bool) -> Callable[[], None]:
            def go() -> None:
                results = ResultCache(cache_file, wizard_in) if cache else None
                library = Library([Layer("bench", folder)], results)
                library.refresh()
                assert len(library) == 1000, library.diagnostics()[:3]
            return go

        cold_load = timed(load(False), 3)
        load(True)()  # fills the result cache
        warm_load = timed(load(True), 5)
        print("baseline: loading the folder unsigned")
        row("library load, cold (no result cache)", cold_load, warm_load, "")
        row("library load, warm (result cache: start-up)", warm_load, warm_load, "")

        def cold() -> None:
            assert FolderTrust([key]).verdict(folder).trusted

        trust = FolderTrust([key])
        assert trust.verdict(folder).trusted
        hashed = trust.digests.hashed

        def warm() -> None:
            assert trust.verdict(folder).trusted

        cold_verify = timed(cold, 5)
        warm_verify = timed(warm, 10)
        assert trust.digests.hashed == hashed, "warm verify hashed again"
        imported = min(float(subprocess.run([sys.executable, "-c", IMPORT], capture_output=True, text=True,
                                            check=True).stdout) for _ in range(3))
        print("signed folder")
        row("sign (hash 1,000 files, write manifest + sig)", signing, warm_load, "")
        row("import cryptography's ed25519 (once a process)", imported, warm_load, "")
        row("verify, cold (every file hashed: start-up)", cold_verify, warm_load, "<= 50 ms")
        row("verify, warm (stat only: unchanged files)", warm_verify, warm_load, "<= 50 ms")
        row("start-up: warm load + cold verify + import", warm_load + cold_verify + imported, warm_load,
            "")


if __name__ == "__main__":
    main()
