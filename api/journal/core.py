"""One call per write: the audit entry and the feed change, from the record type's serializer."""

from __future__ import annotations

import json
from array import array
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic_core import from_json, to_json
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth.principal import Principal
from api.db.base import utcnow
from api.journal import audit as audit_rows
from api.journal import feed
from api.journal.audit import diff
from api.models import Change, WebhookDelivery

Serializer = Callable[[AsyncSession, Sequence[Any]], Awaitable[Sequence[BaseModel]]]

# A created record's audit entry in a bulk write: its values are those of the feed version written with it
# (``{"$feed": seq}``), made whole when the trail is read (``trail``).
FEED_REF = "$feed"

# Bookkeeping every upsert moves: the audit entry keeps what a person changed.
_NOT_AUDITED = frozenset({"id", "version", "created_at", "updated_at"})


@dataclass(frozen=True)
class Kind:
    name: str
    serializer: Serializer
    personal: frozenset[str] = frozenset()  # a person's data: never in the audit trail's values (audit.mask)


_KINDS: dict[str, Kind] = {}


def register(name: str, serializer: Serializer, *, personal: frozenset[str] = frozenset()) -> None:
    """Declare the record type ``name`` (the feed's ``type``) and the serializer its GET answers with; ``personal``
    names its fields that hold a person's data (kept out of the audit trail, scrubbed by ``forget``)."""
    _KINDS[name] = Kind(name, serializer, personal)


def kinds() -> Mapping[str, Kind]:
    return _KINDS


def _kind(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no serializer registered for record type {name!r} (journal.register)") from None


async def serialize(session: AsyncSession, kind: str, objs: Sequence[Any]) -> list[dict[str, Any]]:
    """The records as their GET shows them, as JSON-ready dicts."""
    if not objs:
        return []
    return [m.model_dump(mode="json") for m in await _kind(kind).serializer(session, objs)]


async def snapshot(session: AsyncSession, kind: str, obj: Any) -> dict[str, Any]:
    """The record before a change, to pass to ``write`` as ``before``."""
    return (await serialize(session, kind, [obj]))[0]


def _created(data: Mapping[str, Any] | None, personal: frozenset[str] = frozenset()) -> dict[str, Any]:
    return audit_rows.created(data, personal) if data is not None else {}


def _identity(obj: Any, unit_path: str | None) -> tuple[int, str, str | None, str | None]:
    path = unit_path if unit_path is not None else obj.unit_path
    return obj.id, path, getattr(obj, "external_id", None), getattr(obj, "partner", None)


async def write(
    session: AsyncSession,
    actor: Principal,
    *,
    action: str,
    kind: str,
    obj: Any,
    before: Mapping[str, Any] | None = None,
    delete: bool = False,
    unit_path: str | None = None,
    partner: str | None = None,
    always: bool = False,
    reason: str | None = None,
) -> dict[str, Any]:
    """Journal one record after its flush (``delete``: before it is deleted); returns the audited changes.

    An update that changed nothing a person sees (``before`` given, no difference) records nothing,
    unless ``always`` (an import: the trail shows every file that was applied). ``unit_path`` and
    ``partner`` name the record's owner when the record has no such columns (a report, an association's year).
    ``reason`` is kept in the audit entry beside the changes (``"reason": [null, reason]``), as a report's
    history shows it: why a write nobody typed happened (a report figure that follows the recognition records).
    """
    after = None if delete else (await serialize(session, kind, [obj]))[0]
    changes = diff(before, after, ignore=_NOT_AUDITED, personal=_kind(kind).personal)
    if before is not None and after is not None and not changes and not always:
        return {}
    if reason is not None:
        changes = {**changes, "reason": [None, reason]}
    rid, path, ext, own = _identity(obj, unit_path)
    partner = partner or own
    await audit_rows.insert_rows(
        session,
        [audit_rows.row(actor, action=action, entity=kind, entity_id=rid, changes=changes, unit_path=path)],
    )
    await feed.insert_changes(session, kind, "delete" if delete else "upsert", [(rid, path, ext, partner, after)])
    return changes


async def write_many(
    session: AsyncSession,
    actor: Principal,
    *,
    action: str,
    kind: str,
    objs: Sequence[Any],
    unit_paths: Sequence[str] | None = None,
) -> None:
    """Journal records created together (an import, the demo loader): one audit entry and one change each."""
    data = await serialize(session, kind, objs)
    paths: Iterable[str | None] = unit_paths if unit_paths is not None else [None] * len(objs)
    items = [(*_identity(o, p), d) for o, p, d in zip(objs, paths, data, strict=True)]
    await write_created(session, actor, action=action, kind=kind, items=items)


Pace = Callable[[Iterable[tuple[Any, ...]], int], AsyncIterable[tuple[Any, ...]]]

_CHANGE_COLUMNS = ["seq", "type", "record_id", "external_id", "partner", "op", "unit_path", "changed_at", "data"]
_AUDIT_COLUMNS = [
    "at",
    "actor_kind",
    "actor_id",
    "actor_name",
    "action",
    "entity",
    "entity_id",
    "changes",
    "unit_path",
    "request_id",
    "client_request_id",
]


async def write_created(
    session: AsyncSession, actor: Principal, *, action: str, kind: str, items: Sequence[feed.Item]
) -> None:
    """Journal created records whose serialized form the caller built (``data`` of each item).

    The caller's data must be what the kind's serializer gives (tests check it key for key). Each record gets its
    audit entry (who, when, which record, which request) and its feed version; the entry's values are that
    version's (``{"$feed": seq}``, made whole when read: ``trail``), not a second copy of the record."""
    if not items:
        return
    at = utcnow()
    seqs = await feed.next_seqs(session, len(items))
    await audit_rows.insert_rows(
        session,
        [
            audit_rows.row(
                actor,
                action=action,
                entity=kind,
                entity_id=i[0],
                changes={FEED_REF: seq},
                unit_path=i[1],
                at=at,
            )
            for seq, i in zip(seqs, items, strict=True)
        ],
    )
    await feed.insert_changes(session, kind, "upsert", items, seqs=seqs)


async def copy_created(
    session: AsyncSession,
    actor: Principal,
    *,
    action: str,
    kind: str,
    count: int,
    items: Callable[[], Iterable[feed.Item]],
    pace: Pace,
) -> None:
    """``write_created`` for PostgreSQL's bulk paths: the ``count`` items, made by ``items()`` as they are written
    (never all in memory at once), go in with binary COPY; ``pace`` wraps each stream (progress, letting requests
    in)."""
    if not count:
        return
    bulk = BulkCreated(session, actor, action=action, kind=kind)
    await bulk.add(count, items(), pace)
    await bulk.finish(pace)


class BulkCreated:
    """The journal of records created a part at a time on PostgreSQL (an import written as its file is read).

    ``add`` writes a part's feed versions with binary COPY as the records are written; ``drop`` takes out the
    versions of records the writer removed again before the end (an import's duplicates, found once every row is
    in); ``finish`` writes one audit entry per version left (who, when, which record, which request, ``{"$feed":
    seq}``), with binary COPY. The audit trail is append-only, so it is written last, when what stays is known; all
    of it in the writer's transaction. (An ``INSERT … SELECT`` of the entries from the feed rows was measured: less
    Python, more of PostgreSQL's time, slower in all.)"""

    def __init__(self, session: AsyncSession, actor: Principal, *, action: str, kind: str) -> None:
        self.session, self.actor, self.action, self.kind = session, actor, action, kind
        self.at = utcnow()
        # Each version's seq, record id and unit path (8 + 8 bytes and a shared string's reference), for the audit.
        self.seqs: array[int] = array("q")
        self.rids: array[int] = array("q")
        self.paths: list[str] = []

    async def _driver(self) -> Any:
        driver = (await (await self.session.connection()).get_raw_connection()).driver_connection
        assert driver is not None
        return driver

    async def add(self, count: int, items: Iterable[feed.Item], pace: Pace) -> None:
        """The ``count`` records of ``items`` (made as they are written), each one's feed version."""
        if not count:
            return
        driver = await self._driver()
        seqs = await feed.next_seqs(self.session, count)
        kind, at, rids, paths = self.kind, self.at, self.rids, self.paths

        def rows() -> Iterator[tuple[Any, ...]]:
            for seq, (rid, path, ext, partner, data) in zip(seqs, items, strict=True):
                rids.append(rid)
                paths.append(path)
                yield (seq, kind, rid, ext, partner, "upsert", path, at, to_json(data).decode())

        await driver.copy_records_to_table("changes", records=pace(rows(), 0), columns=_CHANGE_COLUMNS)
        self.seqs.extend(seqs)

    async def drop(self, record_ids: Sequence[int]) -> None:
        """The feed versions this writer made of ``record_ids`` (records it deleted again), gone before anyone saw
        them (the seqs are this transaction's own: ``feed.next_seqs``), and no audit entry for them."""
        gone = set(record_ids) & set(self.rids)
        if not gone:
            return
        kept = [i for i, rid in enumerate(self.rids) if rid not in gone]
        await (await self._driver()).execute(
            "DELETE FROM changes WHERE seq = ANY($1::bigint[])",
            [seq for seq, rid in zip(self.seqs, self.rids, strict=True) if rid in gone],
        )
        self.seqs = array("q", (self.seqs[i] for i in kept))
        self.rids = array("q", (self.rids[i] for i in kept))
        self.paths = [self.paths[i] for i in kept]

    async def finish(self, pace: Pace) -> None:
        """Every kept version's audit entry, in the versions' order."""
        if not self.seqs:
            return
        at, action, kind = self.at, self.action, self.kind
        base = audit_rows.row(self.actor, action=action, entity=kind, entity_id=0, changes=None, unit_path=None, at=at)
        head = (at, base["actor_kind"], base["actor_id"], base["actor_name"], action, kind)
        tail = (base["request_id"], base["client_request_id"])
        entries = (
            (*head, str(rid), f'{{"{FEED_REF}":{seq}}}', path, *tail)
            for seq, rid, path in zip(self.seqs, self.rids, self.paths, strict=True)
        )
        await (await self._driver()).copy_records_to_table(
            "audit_log", records=pace(entries, len(self.seqs)), columns=_AUDIT_COLUMNS
        )
        self.seqs, self.rids, self.paths = array("q"), array("q"), []


async def audit(
    session: AsyncSession,
    actor: Principal,
    *,
    action: str,
    entity: str,
    entity_id: object,
    changes: dict[str, Any] | None = None,
    unit_path: str | None = None,
) -> None:
    """An audit entry for a record that is not on the feed (users, keys, targets, units, categories, jobs)."""
    if entity in _KINDS:
        raise LookupError(f"{entity} is on the feed: journal it with write(), not audit()")
    await audit_rows.insert_rows(
        session,
        [
            audit_rows.row(
                actor, action=action, entity=entity, entity_id=entity_id, changes=changes, unit_path=unit_path
            )
        ],
    )


async def forget(session: AsyncSession, *, kind: str, record_id: int, values: Mapping[str, Any]) -> list[str]:
    """Erasure (Nghị định 13/2023): every value the service kept of the record's ``values`` fields (the kind's
    ``personal`` ones), in every version, replaced by the erased value given: the feed's versions (their
    ``external_id`` too when it is named), the webhook messages made of them (queued or logged) and the replayable
    answers (Idempotency-Key) that held one of them. The audit trail never held them (``audit.mask``). Called
    after the erasure's own ``write``, in its transaction; returns the values it found (never stored)."""
    fields = dict(values)
    undeclared = set(fields) - _kind(kind).personal
    if undeclared:
        raise LookupError(f"{sorted(undeclared)} of {kind!r} are not declared personal (journal.register)")
    old: set[str] = set()

    def scrub(external_id: str | None, data: dict[str, Any] | None) -> tuple[str | None, dict[str, Any] | None]:
        """One version (a feed row, a webhook message's change) without the values; the values noted in ``old``."""
        if "external_id" in fields and external_id:
            old.add(external_id)
            external_id = fields["external_id"]
        if data is not None:
            old.update(str(data[k]) for k in fields if data.get(k) not in (None, "", fields[k]))
            data = data | {k: v for k, v in fields.items() if k in data}
        return external_id, data

    for c in (await session.scalars(select(Change).where(Change.type == kind, Change.record_id == record_id))).all():
        c.external_id, c.data = scrub(c.external_id, dict(c.data) if c.data is not None else None)
    key = f"{kind}:{record_id}"
    for d in (await session.scalars(select(WebhookDelivery).where(WebhookDelivery.record_key == key))).all():
        message = from_json(d.payload)
        change = message.get("data") or {}
        inner = change.get("data") if isinstance(change.get("data"), dict) else None
        ext, inner = scrub(change.get("external_id"), inner)
        change["external_id"] = ext
        if inner is not None:
            change["data"] = inner
        d.payload = to_json(message).decode()
    await session.flush()
    # Each value as UTF-8 and as \\u escapes, in one statement.
    needles = sorted({n for v in old for n in (v.encode(), json.dumps(v)[1:-1].encode())})
    if needles:
        has = "instr(body, :n{i}) > 0" if session.get_bind().dialect.name == "sqlite" else "position(:n{i} IN body) > 0"
        where = " OR ".join(has.format(i=i) for i in range(len(needles)))
        await session.execute(
            text(f"DELETE FROM idempotency_keys WHERE body IS NOT NULL AND ({where})"),
            {f"n{i}": n for i, n in enumerate(needles)},
        )
    return sorted(old)


def _feed_ref(changes: Any) -> int | None:
    """The feed version a bulk creation's entry refers to (``{"$feed": seq}``), else None."""
    if isinstance(changes, dict) and len(changes) == 1 and FEED_REF in changes:
        return int(changes[FEED_REF])
    return None


async def trail(session: AsyncSession, entries: Sequence[Any]) -> list[dict[str, Any]]:
    """Each audit entry's ``changes`` as a reader shows them: an entry of a bulk creation (``{"$feed": seq}``) gets
    the values of that feed version, as ``diff(None, record)`` (a person's data masked, ``audit.mask``); the
    others as stored. The one way the trail is read (the audit list, a report's history)."""
    refs = [_feed_ref(e.changes) for e in entries]
    wanted = sorted({r for r in refs if r is not None})
    versions: dict[int, tuple[str, dict[str, Any] | None]] = {}
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start : start + 1000]
        rows = await session.execute(select(Change.seq, Change.type, Change.data).where(Change.seq.in_(chunk)))
        versions.update({r[0]: (r[1], r[2]) for r in rows.all()})
    out: list[dict[str, Any]] = []
    for e, ref in zip(entries, refs, strict=True):
        changes = e.changes or {}
        if ref in versions:
            kind, data = versions[ref]
            known = _KINDS.get(kind)
            changes = _created(data, known.personal if known else frozenset())
        out.append(changes)
    return out
