"""The layers' rules that import-linter does not check: no module uses a private name of another package."""

from __future__ import annotations

import ast
from pathlib import Path

API = Path(__file__).resolve().parents[2] / "api"


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])  # api.<package>


def private_imports(root: Path) -> list[str]:
    """``from api.x.y import _name`` (or ``api.x.y._name``) used outside package ``api.x``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("")
        here = _package(".".join(rel.parts))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("api."):
                if _package(node.module) == here:
                    continue
                found += [f"{rel}: from {node.module} import {a.name}" for a in node.names if a.name.startswith("_")]
                if any(p.startswith("_") for p in node.module.split(".")[2:]):
                    found.append(f"{rel}: from {node.module}")
    return found


def test_no_module_imports_a_private_name_of_another_package() -> None:
    assert private_imports(API) == []


def test_the_scan_sees_a_private_import(tmp_path: Path) -> None:
    """The scan itself works: a module reaching into another package's private name is reported."""
    pkg = tmp_path / "api"
    (pkg / "awards").mkdir(parents=True)
    (pkg / "awards" / "imports.py").write_text("from api.sync.feed import _next_seqs\nfrom api.awards.x import _ok\n")
    assert private_imports(pkg) == ["api/awards/imports: from api.sync.feed import _next_seqs"]
