"""Rebuild Qt's ICU data library (libicudata, 31 MB) with only what a tray app in any language needs.

Qt links ICU for collation, locale-aware case mapping, legacy text codecs and break iteration; its
own locale data (CLDR) and Unicode tables are built into Qt. Wayguide reads and writes UTF-8 only.
What stays: the core items (property aliases, normalisation, stringprep, confusables), the root and
English locale trees with their pools and indexes, the supplemental data (time zones, plurals,
likely subtags...), root collation and the rule-based break iterators. What goes: the other ~800
locales' names, units and currencies, legacy converters (.cnv), break dictionaries, transliteration.
A locale that is gone falls back to root, as ICU does for any locale it lacks.

    python packaging/trim_icu.py SRC/libicudata.so.73 OUT/libicudata.so.73

Uses binutils (objcopy, ld) to turn the new data package into a shared library exporting the same
symbol (icudt<N>_dat) under the same soname.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["keep", "repack", "trim_library"]

CORE_SUFFIXES = (".icu", ".nrm", ".spp", ".cfu", ".brk")
KEEP_TREES = ("", "coll", "brkitr", "zone", "curr", "lang", "region", "unit", "rbnf")
ENGLISH = re.compile(r"^(root|en|en_US|en_GB|en_001|en_150|res_index|pool)$")
LOCALE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]+)*$")


def keep(name: str) -> bool:
    """Whether a data item ("icudt73l/coll/root.res") stays."""
    parts = name.split("/")[1:]
    leaf = parts[-1]
    tree = "/".join(parts[:-1])
    if leaf.endswith(CORE_SUFFIXES):
        return tree in ("", "brkitr", "coll")
    if not leaf.endswith(".res") or tree not in KEEP_TREES:
        return False  # .cnv converters, .dict break dictionaries, translit/...
    stem = leaf[:-4]
    return bool(ENGLISH.match(stem)) or not LOCALE.match(stem)  # supplemental data: metaZones...


def _items(blob: bytes) -> tuple[int, list[tuple[str, bytes]]]:
    """(header size, [(name, item bytes)]) of an ICU common data package ("CmnD")."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package")
    toc = header_size
    (count,) = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    starts = [*sorted(offset for _, offset in entries), len(blob) - toc]
    ends = {starts[i]: starts[i + 1] for i in range(count)}
    items = []
    for name_offset, data_offset in entries:
        end = blob.index(b"\0", toc + name_offset)
        name = blob[toc + name_offset:end].decode("ascii")
        items.append((name, blob[toc + data_offset:toc + ends[data_offset]]))
    return header_size, items


def repack(blob: bytes, wanted: Callable[[str], bool] = keep) -> bytes:
    """The package with only the items `wanted(name)` keeps; same header, names in the same order."""
    header_size, items = _items(blob)
    chosen = [(n, d) for n, d in items if wanted(n)]
    names = b"".join(n.encode("ascii") + b"\0" for n, _ in chosen)
    toc_size = 4 + 8 * len(chosen)
    data_start = (toc_size + len(names) + 15) // 16 * 16
    offsets, body, position = [], bytearray(), data_start
    for _, data in chosen:
        offsets.append(position)
        padded = data + b"\0" * (-len(data) % 16)
        body += padded
        position += len(padded)
    toc = bytearray(struct.pack("<I", len(chosen)))
    name_position = toc_size
    for (name, _), offset in zip(chosen, offsets, strict=True):
        toc += struct.pack("<II", name_position, offset)
        name_position += len(name) + 1
    toc += names
    toc += b"\0" * (data_start - len(toc))
    return blob[:header_size] + bytes(toc) + bytes(body)


def trim_library(source: Path, target: Path) -> Path:
    """Write a trimmed copy of libicudata.so.N (same soname and symbol) to `target`."""
    symbol = _data_symbol(source)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rodata = work / "rodata.bin"
        subprocess.run(["objcopy", "-O", "binary", "--only-section=.rodata", str(source), str(rodata)],
                       check=True)
        data = work / "icudata.bin"
        data.write_bytes(repack(rodata.read_bytes()))
        obj = work / "icudata.o"
        mangled = "_binary_" + re.sub(r"[^A-Za-z0-9]", "_", str(data)) + "_start"
        subprocess.run(["objcopy", "-I", "binary", "-O", "elf64-x86-64", "-B", "i386:x86-64",
                        "--rename-section", ".data=.rodata,alloc,load,readonly,data,contents",
                        "--set-section-alignment", ".rodata=16", "--redefine-sym", f"{mangled}={symbol}",
                        str(data), str(obj)], check=True, cwd=work)
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["ld", "-shared", "-z", "noexecstack", "-soname", source.name, "-o", str(target),
                        str(obj)], check=True)
    return target


def _data_symbol(library: Path) -> str:
    found = subprocess.run(["objdump", "-T", str(library)], capture_output=True, text=True, check=True)
    match = re.search(r"\b(icudt\d+_dat)\b", found.stdout)
    if match is None:
        raise ValueError(f"{library}: no icudt*_dat symbol")
    return match.group(1)


if __name__ == "__main__":
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    trim_library(src, out)
    print(f"{out}: {out.stat().st_size / 1e6:.1f} MB (was {src.stat().st_size / 1e6:.1f} MB)")
