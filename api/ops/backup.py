"""``khuyenhoc backup PATH`` and ``khuyenhoc restore PATH`` for both databases.

SQLite: the online backup API copies a consistent snapshot while the service runs; the copy is one
self-contained file (journal mode DELETE), checked with ``PRAGMA quick_check`` before it is kept.

PostgreSQL: ``pg_dump --format=custom``. A restore replays the dump in ONE transaction that first
drops and recreates the ``public`` schema, so the database becomes exactly the backup (tables a
later migration added are gone too) or, on any error, stays exactly as it was.

The password never appears on a command line: pg_dump, pg_restore and psql get it as PGPASSWORD.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# The restore's transaction starts from an empty public schema. Waiting for a lock held by a running
# request fails the restore after 30 s instead of hanging it.
_RESTORE_PRELUDE = (
    b"SET lock_timeout = '30s';\nSET client_min_messages = warning;\n"
    b"BEGIN;\nDROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"
)


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why (in Vietnamese)."""


@dataclass(frozen=True)
class BackupInfo:
    kind: str  # "sqlite" or "postgresql"
    path: Path
    size: int
    revision: str | None  # the Alembic revision inside the backup


def kind_of_url(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Không sao lưu được loại cơ sở dữ liệu này: {url.split(':', 1)[0]}")


def kind_of_file(path: Path) -> str:
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} không phải một bản sao lưu (SQLite hoặc pg_dump dạng custom).")


def backup(url: str, path: Path, *, overwrite: bool = False) -> BackupInfo:
    """Write a backup of the database at ``url`` to ``path`` (atomically: a partial file is never left)."""
    if path.exists() and not overwrite:
        raise BackupError(f"{path} đã có; dùng --overwrite để ghi đè.")
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    try:
        if kind_of_url(url) == "sqlite":
            _sqlite_backup(_sqlite_path(url), part)
        else:
            _pg_run(["pg_dump", "--format=custom", "--compress=6", f"--file={part}"], url)
        _fsync(part)
        os.replace(part, path)
    finally:
        part.unlink(missing_ok=True)
    return describe(path)


def restore(url: str, path: Path) -> BackupInfo:
    """Replace the database at ``url`` with the backup at ``path``: all of it, or nothing on error."""
    info = describe(path)
    if info.kind != kind_of_url(url):
        raise BackupError(f"Bản sao lưu là {info.kind}, còn cơ sở dữ liệu đang cấu hình là {kind_of_url(url)}.")
    if info.revision is None:
        raise BackupError(f"{path} không có bảng alembic_version: không phải bản sao lưu của dịch vụ này.")
    if info.kind == "sqlite":
        _sqlite_restore(path, _sqlite_path(url))
    else:
        _pg_restore(path, url)
    return info


def describe(path: Path) -> BackupInfo:
    """Check that ``path`` is a readable backup and read the schema revision it holds."""
    if not path.is_file():
        raise BackupError(f"Không có tệp {path}.")
    kind = kind_of_file(path)
    revision = _sqlite_revision(path) if kind == "sqlite" else _pg_revision(path)
    return BackupInfo(kind=kind, path=path, size=path.stat().st_size, revision=revision)


# SQLite ------------------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(database)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"Không có cơ sở dữ liệu {source}.")
    target.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # one step: a consistent snapshot; in WAL mode writers are not blocked meanwhile
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        _sqlite_check(dst, target)
    finally:
        dst.close()
        src.close()


def _sqlite_check(conn: sqlite3.Connection, path: Path) -> None:
    result = conn.execute("PRAGMA quick_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupError(f"{path} bị hỏng (quick_check: {result[0] if result else '?'}).")


def _sqlite_revision(path: Path) -> str | None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _sqlite_check(conn, path)
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            return None
        raise BackupError(f"{path} không đọc được: {exc}") from exc
    finally:
        conn.close()
    return str(row[0]) if row else None


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=30)
    try:
        # The backup API replaces every page of the live database in one locked step; other
        # connections (a running service) see the restored data on their next transaction.
        src.backup(dst)
        _sqlite_check(dst, target)
    except sqlite3.OperationalError as exc:
        raise BackupError(f"Không khôi phục được vào {target}: {exc}") from exc
    finally:
        dst.close()
        src.close()


# PostgreSQL --------------------------------------------------------------------------------------


def _pg_env(url: str) -> dict[str, str]:
    """libpq environment for ``url`` (host, port, user, password, database, sslmode)."""
    u = make_url(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pairs = {
        "PGHOST": u.host,
        "PGPORT": u.port,
        "PGUSER": u.username,
        "PGPASSWORD": u.password,
        "PGDATABASE": u.database,
    }
    env.update({k: str(v) for k, v in pairs.items() if v})
    ssl = u.query.get("sslmode") or u.query.get("ssl")
    if isinstance(ssl, str):
        env["PGSSLMODE"] = {"true": "require", "false": "disable"}.get(ssl, ssl)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"Không tìm thấy {name}: cài gói postgresql-client (cùng phiên bản chính với máy chủ).")
    return found


def _pg_run(args: list[str], url: str) -> str:
    proc = subprocess.run([_tool(args[0]), *args[1:]], env=_pg_env(url), capture_output=True, text=True)
    if proc.returncode != 0:
        raise BackupError(f"{args[0]} thất bại: {proc.stderr.strip()[-2000:]}")
    return proc.stdout


def _pg_revision(path: Path) -> str | None:
    proc = subprocess.run(
        [_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(path)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise BackupError(f"{path} không đọc được (pg_restore): {proc.stderr.strip()[-2000:]}")
    # The data of the table is a COPY block: the line after "COPY … FROM stdin;" holds the revision.
    match = re.search(r"^COPY [^\n]*alembic_version[^\n]* FROM stdin;\n([^\n\\]+)\n", proc.stdout, re.MULTILINE)
    return match.group(1).strip() if match else None


def _pg_restore(path: Path, url: str) -> None:
    env = _pg_env(url)
    psql = subprocess.Popen(
        [_tool("psql"), "--quiet", "--no-psqlrc", "--set=ON_ERROR_STOP=1", "--file=-"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    script = subprocess.Popen(
        [_tool("pg_restore"), "--no-owner", "--no-acl", "--file=-", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert psql.stdin is not None and script.stdout is not None
    try:
        psql.stdin.write(_RESTORE_PRELUDE)
        shutil.copyfileobj(script.stdout, psql.stdin)
        script_rc = script.wait()
        # Only a complete script is committed; anything else rolls back and the database is unchanged.
        psql.stdin.write(b"COMMIT;\n" if script_rc == 0 else b"ROLLBACK;\n")
    except BrokenPipeError:  # psql stopped at an error (ON_ERROR_STOP): its transaction is rolled back
        script.kill()
        script_rc = script.wait()
    finally:
        with contextlib.suppress(BrokenPipeError):
            psql.stdin.close()
    psql_err = psql.stderr.read().decode(errors="replace") if psql.stderr else ""
    psql_rc = psql.wait()
    script_err = script.stderr.read().decode(errors="replace") if script.stderr else ""
    if script_rc != 0:
        raise BackupError(f"pg_restore thất bại, không thay đổi gì: {script_err.strip()[-2000:]}")
    if psql_rc != 0:
        raise BackupError(f"Khôi phục thất bại, không thay đổi gì: {psql_err.strip()[-2000:]}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
