"""House rules that hold for every module: no module over 700 lines, no class over 400 lines in app/
and overlays/ (split by concept when one grows)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 700
MAX_CLASS_LINES = 400


def _modules() -> list[Path]:
    return sorted(p for folder in ("app", "overlays") for p in (ROOT / folder).rglob("*.py"))


def test_the_walk_finds_the_packages() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in _modules()}
    assert {"app/ports.py", "app/platform/x11_input.py", "overlays/panel.py"} <= names


def test_no_module_over_700_lines_and_no_class_over_400() -> None:
    too_big = []
    for path in _modules():
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            too_big.append(f"{path.relative_to(ROOT).as_posix()}")
        for node in ast.walk(ast.parse(text, str(path))):
            if isinstance(node, ast.ClassDef):
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                size = (node.end_lineno or node.lineno) - start + 1
                if size > MAX_CLASS_LINES:
                    too_big.append(f"{path.relative_to(ROOT).as_posix()}: class {node.name}")
    assert too_big == []


def test_no_module_imports_another_modules_private_names() -> None:
    """A name with a leading underscore is its module's own: a sibling needing it gets a public name."""
    private = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("app", "overlays"):
                private += [f"{path.relative_to(ROOT).as_posix()}:{node.lineno}: {node.module}.{alias.name}"
                            for alias in node.names
                            if alias.name.startswith("_") and not alias.name.endswith("__")]
    assert private == []
