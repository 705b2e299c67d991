"""The write journal: every write's audit entry and change-feed entry, recorded by one call in the
writer's transaction, from the one serializer per record type that the API's GET also uses.

Nothing else writes ``audit_log`` or ``changes`` (tests/journal/test_only_writer.py enforces it).
A domain registers its serializer once (``register``); a writer then calls ``write`` after its
flush, with the record's ``snapshot`` taken before the change for updates and deletes. Bulk paths
(imports, the demo loader) call ``write_many`` or ``write_created``; the feed's ``data`` of a record
is what ``GET`` answers for it at that version, whichever path wrote it.
"""

from __future__ import annotations

from api.journal.audit import diff
from api.journal.core import (
    BulkCreated,
    Pace,
    Serializer,
    audit,
    copy_created,
    forget,
    kinds,
    register,
    serialize,
    snapshot,
    trail,
    write,
    write_created,
    write_many,
)
from api.journal.feed import PER_TRANSACTION

__all__ = [
    "PER_TRANSACTION",
    "BulkCreated",
    "Pace",
    "Serializer",
    "audit",
    "copy_created",
    "diff",
    "forget",
    "kinds",
    "register",
    "serialize",
    "snapshot",
    "trail",
    "write",
    "write_created",
    "write_many",
]
