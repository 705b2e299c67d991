"""SQLite's change counter (api/db/changes.py), on its own file whatever the test backend: it moves the
statistics epoch and forgets kept callers on every commit by another connection (this process's
included), never on reads, and when it cannot be read nothing kept is trusted until it can again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from api.auth.principal import SYSTEM
from api.db.changes import SqliteChanges, sqlite_file


def test_sqlite_file_of_urls() -> None:
    assert sqlite_file("sqlite+aiosqlite:////srv/kh/data.db") == "/srv/kh/data.db"
    assert sqlite_file("sqlite+aiosqlite:///data/kh.db") == "data/kh.db"
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("sqlite+aiosqlite:///:memory:") is None
    assert sqlite_file("postgresql+asyncpg://u@h/db") is None


async def test_every_commit_moves_the_epoch_and_forgets_callers_and_a_lost_counter_trusts_nothing(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "counter.db")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE t (x INTEGER)")
    changes = SqliteChanges(path)
    await changes.start()
    assert changes.trust_for_stats
    epoch = changes.stats_epoch
    changes.keep_principal("k", SYSTEM, expires_in=None)
    writer.execute("SELECT count(*) FROM t").fetchone()  # a read moves nothing
    assert changes.trust_for_stats and changes.stats_epoch == epoch and changes.principal("k") is SYSTEM

    writer.execute("BEGIN")
    writer.execute("INSERT INTO t VALUES (1)")
    assert changes.trust_for_stats and changes.stats_epoch == epoch  # not yet committed
    writer.execute("COMMIT")
    assert changes.principal("k") is None  # the very next check sees the commit
    assert changes.trust_for_stats and changes.stats_epoch == epoch + 1

    changes.keep_principal("k", SYSTEM, expires_in=None)
    assert changes._conn is not None
    changes._conn.close()  # the counter cannot be read: nothing kept is trusted
    assert changes.principal("k") is None and not changes.live
    assert changes.trust_for_stats and changes.stats_epoch > epoch + 1  # read again on the next check
    await changes.stop()
    assert not changes.live
    writer.close()


async def test_a_missing_file_is_not_created_and_is_read_once_it_exists(tmp_path: Path) -> None:
    path = tmp_path / "not yet #1.db"  # a name that a file: URI must quote
    changes = SqliteChanges(str(path))
    await changes.start()
    assert not changes.trust_for_stats and not changes.live and not path.exists()
    sqlite3.connect(path).close()
    assert changes.trust_for_stats and changes.live
    await changes.stop()
