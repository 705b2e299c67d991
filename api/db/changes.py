"""SQLite's change counter, so that a worker on the embedded database keeps answers and callers too.

SQLite has no LISTEN/NOTIFY, but every connection can ask ``PRAGMA data_version``: a number that moves
whenever another connection has committed to the file since it last asked (any process, this one
included), and that costs a few microseconds (in WAL mode it reads the index in shared memory).
Each worker opens one connection of its own that never writes, so every commit is another connection's
commit: the service's own writes move the counter like those of other workers, of
``khuyenhoc`` commands or of the sqlite3 shell.

``SqliteChanges`` offers what api/stats/cache.py and api/auth/dependencies.py use of
``Notifications``, with one check made when they ask (not heard in the background): a moved counter
moves the statistics epoch and forgets the kept callers. A commit completes before its response is
sent (api/db/engine.py), so the next request, in any worker, sees the counter moved: the same
guarantee as notifications. The counter moves for every table, not only those the statistics are made
from: answers are then made again after any write, also one that changed a report without its row
version (the sqlite3 shell), which the data version of api/stats/cache.py would not see.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import structlog
from sqlalchemy import make_url

from api.db.notify import Kept, Notifications

log = structlog.get_logger(__name__)


def sqlite_file(database_url: str) -> str | None:
    """The database file of a SQLite URL, or None (in memory: each connection its own database)."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:") and "mode=memory" in url.database:
        return None
    return url.database


class SqliteChanges(Notifications):
    """One worker's view of SQLite's change counter, the statistics epoch and the callers kept."""

    def __init__(self, path: str) -> None:
        super().__init__("sqlite://")
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._seen: int | None = None
        self.checked = True  # the counter is read where it is used (``check``), not by ``refresh``

    @property
    def trust_for_stats(self) -> bool:
        return self.check()

    def principal(self, key: str) -> Kept | None:
        self.check()
        return super().principal(key)

    def check(self) -> bool:
        """Read the counter; a move (or a failure) forgets what was kept. True while it can be read."""
        try:
            if self._conn is None:
                # Outside SQLAlchemy's pool and its transactions: autocommit, so each read is fresh. mode=rw: a
                # missing file (not migrated yet) is not created here; the counter is down until it exists.
                uri = f"{Path(self.path).absolute().as_uri()}?mode=rw"
                self._conn = sqlite3.connect(uri, uri=True, timeout=1, isolation_level=None, check_same_thread=False)
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error as exc:
            if self.live:
                log.warning("change_counter_lost", error=str(exc))
            self._close()
            self._went_down()
            return False
        if version != self._seen:
            self._seen = version
            self.received += 1
            self.stats_epoch += 1
            self.forget_principals()
        self.live = True
        return True

    async def start(self, *, wait: float = 5.0) -> None:
        self.check()

    async def stop(self) -> None:
        self._close()
        self._went_down()

    async def refresh(self) -> None:
        pass  # ``check`` reads the counter, in the same request, where the kept things are asked for

    async def heard(self, transaction: str, *, within: float = 1.0) -> bool:
        return True  # nothing to wait for: the counter is read on each request

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._seen = None
