"""Keep the layers honest: who may import streamlit, sqlalchemy and SQL, read from the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [p for p in ROOT.rglob("*.py") if ".venv" not in p.parts and "tests" not in p.parts]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def package_of(path: Path) -> str:
    relative = path.relative_to(ROOT)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_layers(path: Path) -> None:
    modules = imported_modules(path)
    package = package_of(path)
    if "streamlit" in modules:
        assert package in {"app", "server", "pages", "ui"}, "only app.py, server.py, pages/ and ui/ use streamlit"
    if "sqlalchemy" in modules:
        assert package in {"data_access", "bench"}, "only data_access/ uses sqlalchemy (bench/ sets up databases)"
    if package == "metrics":
        assert modules <= {
            "__future__",
            "collections",
            "dataclasses",
            "datetime",
            "math",
            "re",
            "typing",
            "zoneinfo",
            "numpy",
            "pandas",
            "scipy",
            "pypinyin",
            "metrics",
        }, "metrics/ stays pure"
    if package == "data_access":
        assert not modules & {"services", "ui", "pages"}, "data_access/ does not reach up the layers"
    if package == "pages":
        assert not modules & {"data_access", "sqlalchemy"}, "pages hold layout only"


def test_every_source_file_is_checked() -> None:
    assert any(package_of(p) == "metrics" for p in SOURCES)
    assert any(package_of(p) == "data_access" for p in SOURCES)


@pytest.mark.parametrize("page", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_every_page_first_asks_for_the_app_frame(page: Path) -> None:
    """After a server start Streamlit serves pages/ scripts directly until app.py has run once; a page that
    did not first hand over to app.py would skip sign-in."""
    tree = ast.parse(page.read_text(encoding="utf-8"))
    statements = [node for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom))]
    first = statements[1] if ast.get_docstring(tree) else statements[0]
    call = first.value if isinstance(first, ast.Expr) else None
    assert isinstance(call, ast.Call) and getattr(call.func, "id", "") == "require_app_frame", page.name
