"""packaging/trim_icu.py: which ICU data items stay, and a repacked package that ICU can still read."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))

from trim_icu import _items, keep, repack


@pytest.mark.parametrize(("name", "kept"), [
    ("icudt73l/cnvalias.icu", True), ("icudt73l/uts46.nrm", True), ("icudt73l/rfc3491.spp", True),
    ("icudt73l/coll/ucadata.icu", True), ("icudt73l/coll/root.res", True), ("icudt73l/coll/sv.res", False),
    ("icudt73l/root.res", True), ("icudt73l/en.res", True), ("icudt73l/en_GB.res", True),
    ("icudt73l/de.res", False), ("icudt73l/sr_Latn_RS.res", False), ("icudt73l/pool.res", True),
    ("icudt73l/res_index.res", True), ("icudt73l/zoneinfo64.res", True), ("icudt73l/metaZones.res", True),
    ("icudt73l/likelySubtags.res", True), ("icudt73l/ibm-1047_P100-1995.cnv", False),
    ("icudt73l/brkitr/word.brk", True), ("icudt73l/brkitr/cjdict.dict", False),
    ("icudt73l/translit/root.res", False), ("icudt73l/lang/fr.res", False), ("icudt73l/unit/en.res", True),
])
def test_what_stays(name: str, kept: bool) -> None:
    assert keep(name) is kept


def package(items: list[tuple[str, bytes]]) -> bytes:
    header = struct.pack("<HBBHHBBBB4s4s4s", 32, 0xDA, 0x27, 20, 0, 0, 0, 2, 0, b"CmnD", b"\1\0\0\0",
                         b"\1\0\0\0").ljust(32, b"\0")
    names = b"".join(n.encode() + b"\0" for n, _ in items)
    toc_size = 4 + 8 * len(items)
    data_at = (toc_size + len(names) + 15) // 16 * 16
    toc, body, name_at = bytearray(struct.pack("<I", len(items))), bytearray(), toc_size
    for name, data in items:
        toc += struct.pack("<II", name_at, data_at + len(body))
        name_at += len(name) + 1
        body += data + b"\0" * (-len(data) % 16)
    return header + bytes((toc + names).ljust(data_at, b"\0")) + bytes(body)


def test_repack_keeps_the_header_the_order_and_the_data() -> None:
    items = [("icudt73l/de.res", b"D" * 40), ("icudt73l/en.res", b"E" * 17), ("icudt73l/root.res", b"R" * 16)]
    blob = package(items)
    assert [(n, d.rstrip(b"\0")) for n, d in _items(blob)[1]] == items
    small = repack(blob)
    assert small[:32] == blob[:32] and len(small) < len(blob)
    header, kept = _items(small)
    assert header == 32
    assert [(n, d.rstrip(b"\0")) for n, d in kept] == items[1:]
    assert all(struct.unpack_from("<II", small, 32 + 4 + 8 * i)[1] % 16 == 0 for i in range(2))


def test_not_an_icu_package_is_refused() -> None:
    with pytest.raises(ValueError, match="not an ICU common data package"):
        repack(b"\0" * 64)
