"""LibreOffice Calc on the test desktop, through its X11 backend: start it on a spreadsheet file, read the
cells back from the saved file. Shared by tests/desktop/test_calc.py and bench/bench_typing.py."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from tests.desktop.xdesktop import Desktop, wait_for

ROWS = (
    ("aa bb 11 ll ss 00 … 1000", "Müller", "Straße 11"),
    ("1000", "11", "2200"),
    ("Kaffee 33 Schifffahrt", "Jäger Öffnung", "naïve café déjà"),
    ("100100", "9900", "770077"),
    ("Grüße Anna", "Übersee 4400", "Ölkännchen Glück"),
    ("Boot 88 Moos", "Wasser 300", "Zoo 2020"),
)
"""Cells typed row by row (Tab between cells, Return after a row): doubled letters and digits, non-ASCII,
numbers. No entry of a column starts like another one (Calc's AutoInput would complete it), and nothing
autocorrect changes (quotes, dashes, dates, decimals)."""

START_TIMEOUT_S = 120.0
"""Calc's first start with a fresh profile takes a few seconds, far longer on a loaded CI machine."""

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def typed_text(rows: tuple[tuple[str, ...], ...] = ROWS) -> str:
    """What to type to fill `rows` from the selected cell: Tab between cells, Return after each row (Calc
    goes back to the row's first column)."""
    return "".join("\t".join(row) + "\n" for row in rows)


def make_ods(path: Path) -> Path:
    """An empty one-sheet spreadsheet: Calc opens it without a dialog and ctrl+s saves it in place."""
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{_OFFICE}" '
               f'xmlns:table="{_TABLE}" xmlns:text="{_TEXT}" office:version="1.2"><office:body>'
               '<office:spreadsheet><table:table table:name="Sheet1"><table:table-row><table:table-cell/>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest manifest:version="1.2" '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_MIMETYPE}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                '</manifest:manifest>')
    with zipfile.ZipFile(path, "w") as ods:
        ods.writestr("mimetype", _MIMETYPE)  # first and stored, as the format asks
        ods.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        ods.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def cells(path: Path) -> tuple[tuple[str, ...], ...]:
    """The first sheet's cells as shown (text of each cell), without empty trailing cells and rows; () while
    the file is missing or being written."""
    try:
        with zipfile.ZipFile(path) as ods:
            root = ElementTree.fromstring(ods.read("content.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError):
        return ()
    table = next(root.iter(f"{{{_TABLE}}}table"), None)
    rows: list[tuple[str, ...]] = []
    for row in table.iter(f"{{{_TABLE}}}table-row") if table is not None else ():
        values: list[str] = []
        for cell in row:
            if cell.tag not in (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"):
                continue
            repeat = min(int(cell.get(f"{{{_TABLE}}}number-columns-repeated", "1")), 64)
            values += ["\n".join("".join(p.itertext()) for p in cell.iter(f"{{{_TEXT}}}p"))] * repeat
        while values and not values[-1]:
            values.pop()
        rows += [tuple(values)] * min(int(row.get(f"{{{_TABLE}}}number-rows-repeated", "1")), 64)
    while rows and not rows[-1]:
        rows.pop()
    return tuple(rows)


_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" oor:op="fuse">
<value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Input"><prop oor:name="AutoInput" oor:op="fuse">
<value>false</value></prop></item>
</oor:items>
"""
"""A new profile's settings: no "Tip of the Day" dialog taking the keyboard, no AutoInput completing cells."""


def start_calc(desktop: Desktop, document: Path, profile: Path) -> tuple[subprocess.Popen[bytes], int]:
    """LibreOffice Calc with its X11 backend ("gen") and the profile in `profile` (made on first use), showing
    `document`, in front with the keyboard focus on cell A1; (its process group leader, its window)."""
    if shutil.which("soffice") is None:
        raise RuntimeError("LibreOffice is missing: run scripts/setup")
    settings = profile / "user" / "registrymodifications.xcu"
    if not settings.exists():
        settings.parent.mkdir(parents=True, exist_ok=True)
        settings.write_text(_SETTINGS, encoding="utf-8")
    process = desktop.spawn(["soffice", f"-env:UserInstallation={profile.as_uri()}", "--norestore",
                             "--nologo", "--nodefault", "--calc", str(document)],
                            env={**desktop.env, "SAL_USE_VCLPLUGIN": "gen"}, start_new_session=True)
    try:
        window = desktop.wait_window(name=f"^{document.name} - LibreOffice Calc$", timeout=START_TIMEOUT_S)
        desktop.activate(window)
        wait_for(lambda: desktop.active_window() == window, 10, "Calc to be active")
    except BaseException:
        stop_calc(process)
        raise
    return process, window


def stop_calc(process: subprocess.Popen[bytes]) -> None:
    """End Calc: the `soffice` script, oosplash and soffice.bin share the process group."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(10)
        wait_for(lambda: not _group_alive(process.pid), 10, "LibreOffice to end")
    except (ProcessLookupError, TimeoutError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True
