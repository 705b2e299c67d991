"""Nothing but api/journal writes the audit trail or the change feed (issue 13: one write journal).

A writer that builds its own audit row or feed row is the hand wiring that drifted (17 keys from the
API, 10 from an import): this test reads every module of api/ and fails on any such write outside
api/journal, and on any import of the journal's internals.
"""

from __future__ import annotations

import ast
from pathlib import Path

API = Path(__file__).resolve().parents[2] / "api"
GUARDED = {"AuditEntry", "Change"}  # the models of audit_log and changes
TABLES = {"audit_log", "changes"}
WRITES = {"insert", "update", "delete", "add", "add_all", "merge", "bulk_insert_mappings", "copy_records_to_table"}
INTERNALS = ("api.journal.audit", "api.journal.feed", "api.journal.core")


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def offences(source: str, where: str) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(INTERNALS):
            found.append(f"{where}:{node.lineno} imports {node.module} (use api.journal)")
        if isinstance(node, ast.Import):
            found += [f"{where}:{node.lineno} imports {a.name}" for a in node.names if a.name.startswith(INTERNALS)]
        if not isinstance(node, ast.Call):
            continue
        func = _name(node.func)
        if func in GUARDED:
            found.append(f"{where}:{node.lineno} builds a {func} row")
        if func in WRITES:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                target = _name(arg.func) if isinstance(arg, ast.Call) else _name(arg)
                if target in GUARDED:
                    found.append(f"{where}:{node.lineno} {func}() on {target}")
                if isinstance(arg, ast.Constant) and arg.value in TABLES:
                    found.append(f"{where}:{node.lineno} {func}() into {arg.value}")
    for table in TABLES:  # raw SQL
        for marker in (f"INSERT INTO {table}", f"insert into {table}", f"UPDATE {table} ", f"DELETE FROM {table}"):
            if marker in source:
                found.append(f"{where}: SQL {marker!r}")
    return found


def test_only_the_journal_writes_audit_log_and_changes() -> None:
    """Issue 13 item 1: nothing else may write audit_log or the feed table."""
    found: list[str] = []
    for path in sorted(API.rglob("*.py")):
        relative = path.relative_to(API.parent)
        if relative.parts[:2] == ("api", "journal"):
            continue
        found += offences(path.read_text(encoding="utf-8"), str(relative))
    assert found == []


def test_the_check_sees_each_way_of_writing() -> None:
    """The check itself: each pattern a writer used before the journal is caught."""
    samples = [
        "session.add(AuditEntry(actor_name='x'))",
        "await session.execute(insert(Change), rows)",
        "await driver.copy_records_to_table('changes', records=r)",
        "from api.journal.feed import next_seqs",
        "await conn.execute(text('INSERT INTO audit_log (id) VALUES (1)'))",
    ]
    for sample in samples:
        assert offences(sample, "sample"), sample
    assert offences("rows = await session.scalars(select(AuditEntry))", "sample") == []
