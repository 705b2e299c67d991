"""The recognition cycle: register, score on a criteria set version, verify by the level above, recognise by
decision; the report figures derived from the records.

Workflow rules (each a 403 inside scope, 404 outside it, 409 in the wrong state):
- scoring is done where the registrant lives: an account of its commune or village (not a level above);
  a commune learning community (cong_dong_xa) is the commune itself: only an account of that commune scores it
  (self-assessment), and its registration must be a commune's;
- the level above the unit that scored a sheet verifies it (a caller whose unit lies strictly above the
  scorer's unit), and nobody verifies a sheet they scored themselves;
- a decision recognises verified registrations that pass their set's rule, in the decision unit's subtree;
  a commune learning community is recognised by a decision of a unit above it, never the commune's own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth import scope
from api.auth.principal import Principal
from api.core.errors import Conflict, ErrorItem, Forbidden, ValidationFailed
from api.core.text import today_vn
from api.db.base import utcnow
from api.models import EvidenceFile, RecognitionDecision, Registration, Unit, UnitLevel
from api.recognition import criteria
from api.recognition.errors import RegistrationDuplicate, RegistrationLocked, RegistrationRecognised
from api.recognition.schemas import (
    DecisionIn,
    DecisionOut,
    EvidenceOut,
    RegistrationOut,
    Selection,
    VerifyIn,
)
from api.recognition.storage import Store
from api.registries import kit
from api.reports import derived
from api.units import dating

REG = "recognition_registration"
DEC = "recognition_decision"
ERASED = "[đã xoá]"
SCORING = frozenset({"registered", "scored", "returned"})
SCORER_LEVELS = frozenset({"commune", "village"})


def registration_row(r: Registration, code: str) -> RegistrationOut:
    # Built from stored, already valid rows: no validation (a tenth of the time at a commune's thousands).
    return RegistrationOut.model_construct(
        id=r.id,
        unit_code=code,
        external_id=r.external_id,
        partner=r.partner,
        version=r.version,
        created_at=r.created_at,
        updated_at=r.updated_at,
        title=r.title,  # type: ignore[arg-type]  # stored from the Literal
        year=r.year,
        name=r.name,
        village=r.village,
        target_group=r.target_group,  # type: ignore[arg-type]
        status=r.status,
        criteria_version=r.criteria_version,
        scores=r.scores,
        total=r.total,
        passed=r.passed,
        rating=r.rating,
        scored_on=r.scored_on,
        verified_on=r.verified_on,
        return_reason=r.return_reason,
        decision_id=r.decision_id,
        erased=r.erased,
    )


async def registrations_out(session: AsyncSession, objs: Sequence[Registration]) -> list[RegistrationOut]:
    codes = await kit.unit_codes(session, {o.unit_id for o in objs})
    return [registration_row(o, codes[o.unit_id]) for o in objs]


async def decisions_out(session: AsyncSession, objs: Sequence[RecognitionDecision]) -> list[DecisionOut]:
    codes = await kit.unit_codes(session, {o.unit_id for o in objs})
    return [
        DecisionOut.model_construct(
            id=o.id,
            unit_code=codes[o.unit_id],
            external_id=o.external_id,
            partner=o.partner,
            version=o.version,
            created_at=o.created_at,
            updated_at=o.updated_at,
            title=o.title,  # type: ignore[arg-type]  # stored from the Literal
            year=o.year,
            authority=o.authority,
            number=o.number,
            decided_on=o.decided_on,
            recognised=o.recognised,
        )
        for o in objs
    ]


# A registration's fields its score sheet and the figures depend on: fixed once it is scored.
LOCKED_FIELDS = ("title", "year", "target_group", "unit_id")


def guard(action: str, reg: Registration, values: dict[str, Any]) -> None:
    """Refuse (409) changing a scored registration's unit, title, year or group (its sheet was scored on that
    set, its decision counted it there), and deleting a recognised one (erase the person's data instead)."""
    if action == "delete":
        if reg.status == "recognised":
            raise RegistrationRecognised(
                f"Đăng ký {reg.id} đã được công nhận (quyết định {reg.decision_id}): không xoá được, vì quyết định "
                "và số liệu báo cáo tính nó. Muốn xoá thông tin cá nhân, quản trị viên dùng chức năng xoá dữ liệu "
                "cá nhân (erase).",
                registration_id=reg.id,
                decision_id=reg.decision_id,
            )
        return
    if reg.status == "registered":
        return
    changed = [f for f in LOCKED_FIELDS if f in values and values[f] != getattr(reg, f)]
    if changed:
        raise RegistrationLocked(
            f"Đăng ký {reg.id} {_STATE_VI[reg.status]}: không đổi được "
            + ", ".join(_LOCKED_VI[f] for f in changed)
            + " (phiếu chấm và quyết định công nhận dựa trên chúng).",
            registration_id=reg.id,
            current_status=reg.status,
            fields=["unit_code" if f == "unit_id" else f for f in changed],
        )


_LOCKED_VI = {"title": "danh hiệu", "year": "năm", "target_group": "nhóm đối tượng", "unit_id": "đơn vị"}


async def follow_records(session: AsyncSession, principal: Principal, states: list[dict[str, Any]]) -> None:
    """The report figures follow the registrations written (api/reports/derived.py); copies of another
    instance's records (sync pull) are not this instance's records and move nothing."""
    await check_registrant_units(session, [st for st in states[-1:] if st["title"] in criteria.SELF_ASSESSED])
    by_year: dict[int, tuple[set[str], set[str]]] = {}
    for st in states:
        if derived.is_copy(st["partner"]):
            continue
        paths, titles = by_year.setdefault(st["year"], (set(), set()))
        paths.add(st["unit_path"])
        titles.add(st["title"])
    for year, (paths, titles) in sorted(by_year.items()):
        await derived.refresh(session, principal, year, paths, titles)


async def check_registrant_units(session: AsyncSession, states: list[dict[str, Any]]) -> None:
    """A commune learning community's registration is the commune's own: its unit must be a commune (422),
    and it is registered once a year (409: the records' count and rating would otherwise count it twice)."""
    for st in states:
        same = await session.scalar(
            select(func.count())
            .select_from(Registration)
            .where(
                Registration.unit_path == st["unit_path"],
                Registration.title == st["title"],
                Registration.year == st["year"],
            )
        )
        if (same or 0) > 1:
            raise RegistrationDuplicate(
                f"Đơn vị này đã đăng ký danh hiệu {criteria.TITLES[st['title']]} năm {st['year']}."
            )
        level = await session.scalar(select(Unit.level).where(Unit.path == st["unit_path"]))
        if level != UnitLevel.commune.value:
            raise ValidationFailed(
                "Cộng đồng học tập cấp xã đăng ký cho chính một xã, phường, đặc khu (mã đơn vị cấp xã).",
                errors=[ErrorItem(loc=["body", "unit_code"], msg="Cần mã đơn vị cấp xã", type="commune_required")],
            )


# A household's or a person's data (Nghị định 13/2023): the minimum is collected (no ID numbers), and the audit
# trail keeps only that these changed; an erasure scrubs them everywhere else (``erase``).
PERSONAL = frozenset({"name", "village", "external_id"})
ERASED_VALUES = {"name": ERASED, "village": "", "external_id": None}

REGISTRATIONS = kit.Registry(
    entity=REG,
    label="đăng ký danh hiệu",
    model=Registration,
    out=RegistrationOut,
    fields=("title", "year", "name", "village", "target_group"),
    filters={
        "year": "year",
        "title": "title",
        "target_group": "target_group",
        "status": "status",
        "decision_id": "decision_id",
        "village": "village",
    },
    dated_by=("year",),
    serializer=lambda session, objs: registrations_out(session, objs),
    guard=guard,
    changed=follow_records,
    personal=PERSONAL,
)
DECISIONS = kit.Registry(
    entity=DEC,
    label="quyết định công nhận",
    model=RecognitionDecision,
    out=DecisionOut,
    fields=("title", "year", "authority", "number", "decided_on"),
    filters={"year": "year", "title": "title"},
    dated_by=("decided_on", "year"),
    serializer=lambda session, objs: decisions_out(session, objs),
)


def check_self_assessment(principal: Principal, title: str, path: str) -> None:
    """A commune learning community is scored by its own commune only (self-assessment)."""
    if title in criteria.SELF_ASSESSED and (principal.national or scope.home_path(principal) != path):
        raise Forbidden("Cộng đồng học tập cấp xã do chính xã tự đánh giá; cấp trên thẩm định và công nhận.")


def check_scorer(principal: Principal) -> None:
    if not principal.national and principal.unit_level not in SCORER_LEVELS:
        raise Forbidden("Phiếu chấm điểm do xã hoặc thôn nơi đăng ký chấm; cấp trên thẩm định.")
    if principal.national and principal.kind != "system":
        raise Forbidden("Phiếu chấm điểm do xã hoặc thôn nơi đăng ký chấm; cấp trên thẩm định.")


async def score(
    session: AsyncSession, principal: Principal, reg: Registration, scores: dict[str, int], on: dt.date | None
) -> Registration:
    """Score (or score again) a registration on the newest criteria set version of its year."""
    check_scorer(principal)
    check_self_assessment(principal, reg.title, reg.unit_path)
    if reg.status not in SCORING:
        raise Conflict(f"Đăng ký {reg.id} đã {_STATE_VI[reg.status]}: không chấm lại được.")
    version = await criteria.current_version(session, reg.title, reg.target_group, reg.year)
    content = await criteria.get(session, reg.title, reg.target_group, version)
    criteria.check_scores(content, scores)
    result = criteria.evaluate(content, scores)
    before = await journal.snapshot(session, REG, reg)
    reg.criteria_version = version
    reg.scores = dict(scores)
    reg.total, reg.passed, reg.rating = result.total, result.passed, result.rating
    reg.status = "scored"
    reg.scored_by_kind, reg.scored_by_id = principal.kind, principal.id
    reg.scored_by_unit_path = scope.home_path(principal)
    reg.scored_on = on or today_vn()
    reg.verified_on = None
    await session.flush()
    await journal.write(session, principal, action="score", kind=REG, obj=reg, before=before)
    return reg


_STATE_VI = {
    "registered": "chưa được chấm",
    "scored": "đã chấm, chờ thẩm định",
    "returned": "bị trả lại",
    "verified": "được thẩm định",
    "recognised": "được công nhận",
}


def may_verify(principal: Principal, reg: Registration) -> str | None:
    """Why the principal may not verify this sheet (None: it may)."""
    if reg.status != "scored":
        return f"Đăng ký {reg.id} {_STATE_VI.get(reg.status, reg.status)}: chỉ thẩm định phiếu đã chấm."
    if scope.owns(principal, reg.scored_by_kind, reg.scored_by_id):
        return "Không ai tự thẩm định phiếu mình chấm."
    if not scope.above(principal, reg.scored_by_unit_path):
        return "Phiếu do cấp trên của đơn vị đã chấm thẩm định."
    return None


def _apply_verify(reg: Registration, data: VerifyIn, on: dt.date) -> None:
    if data.accept:
        reg.status, reg.verified_on, reg.return_reason = "verified", on, None
    else:
        reg.status, reg.verified_on, reg.return_reason = "returned", None, (data.reason or "").strip()
    reg.verified_by_kind = None
    reg.verified_by_id = None


async def verify(session: AsyncSession, principal: Principal, reg: Registration, data: VerifyIn) -> Registration:
    why = may_verify(principal, reg)
    if why is not None:
        raise (Conflict(why) if reg.status != "scored" else Forbidden(why))
    before = await journal.snapshot(session, REG, reg)
    _apply_verify(reg, data, today_vn())
    reg.verified_by_kind, reg.verified_by_id = principal.kind, principal.id
    await session.flush()
    await journal.write(
        session, principal, action="verify" if data.accept else "return", kind=REG, obj=reg, before=before
    )
    return reg


async def selection_conditions(
    session: AsyncSession, principal: Principal, sel: Selection
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [
        scope.condition(principal, Registration.unit_path),
        Registration.title == sel.title,
        Registration.year == sel.year,
    ]
    if sel.target_group is not None:
        conds.append(Registration.target_group == sel.target_group)
    if sel.unit_code:
        unit = await dating.resolve_filter(session, sel.unit_code, as_of=None, year=sel.year, field="unit_code")
        for path in unit.paths:
            scope.require_unit(principal, path, sel.unit_code, field="unit_code")
        conds.append(unit.condition(Registration.unit_path))
    if sel.ids is not None:
        conds.append(Registration.id.in_(sel.ids))
    return conds


async def bulk_verify(session: AsyncSession, principal: Principal, sel: Selection, data: VerifyIn) -> tuple[int, int]:
    """Verify (or return) the scored sheets of the selection the caller may verify; the rest are skipped."""
    conds = await selection_conditions(session, principal, sel)
    rows = list((await session.scalars(select(Registration).where(*conds).order_by(Registration.id))).all())
    mine = [r.id for r in rows if may_verify(principal, r) is None]
    today = today_vn()
    values: dict[str, Any] = {"verified_by_kind": principal.kind, "verified_by_id": principal.id}
    if data.accept:
        values |= {"status": "verified", "verified_on": today, "return_reason": None}
    else:
        values |= {"status": "returned", "verified_on": None, "return_reason": (data.reason or "").strip()}
    changed = await _bulk_update(session, mine, values)
    await _journal_many(session, principal, "verify" if data.accept else "return", changed)
    return len(mine), len(rows) - len(mine)


async def _bulk_update(session: AsyncSession, ids: Sequence[int], values: dict[str, Any]) -> list[Registration]:
    """One UPDATE per chunk (not one per row), the version bumped as the ORM does; the rows read back."""
    out: list[Registration] = []
    now = utcnow()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        await session.execute(
            update(Registration)
            .where(Registration.id.in_(chunk))
            .values(**values, version=Registration.version + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        stmt = (
            select(Registration)
            .where(Registration.id.in_(chunk))
            .order_by(Registration.id)
            .execution_options(populate_existing=True)
        )
        out += (await session.scalars(stmt)).all()
    return out


_CHUNK = 5000


async def _journal_many(session: AsyncSession, principal: Principal, action: str, objs: list[Registration]) -> None:
    """The journal of a bulk change: binary COPY on PostgreSQL (thousands of rows per request), else inserts."""
    if session.get_bind().dialect.name != "postgresql" or len(objs) < 500:
        await journal.write_many(session, principal, action=action, kind=REG, objs=objs)
        return
    codes = await kit.unit_codes(session, {o.unit_id for o in objs})

    def items() -> Iterator[tuple[int, str, str | None, str | None, dict[str, Any]]]:
        for o in objs:
            yield (
                o.id,
                o.unit_path,
                o.external_id,
                o.partner,
                registration_row(o, codes[o.unit_id]).model_dump(mode="json"),
            )

    async def pace(records: Iterable[tuple[Any, ...]], offset: int) -> AsyncIterator[tuple[Any, ...]]:
        for k, record in enumerate(records, 1):
            yield record
            if k % _CHUNK == 0:
                await asyncio.sleep(0)

    await journal.copy_created(session, principal, action=action, kind=REG, count=len(objs), items=items, pace=pace)


async def decide(session: AsyncSession, principal: Principal, data: DecisionIn) -> RecognitionDecision:
    """Record a decision and recognise its batch: the verified, passing registrations of the title and year in
    the decision unit's subtree (only ``registration_ids`` when given: each must qualify)."""
    if data.target_group is not None:
        criteria.check_group(data.title, data.target_group)
    unit_id, path = await kit.unit_for_write(session, principal, kit.unit_ref(DECISIONS, data))
    conds = [
        scope.condition(principal, Registration.unit_path),
        Registration.unit_path.like(f"{path}%"),
        Registration.title == data.title,
        Registration.year == data.year,
    ]
    if data.target_group is not None:
        conds.append(Registration.target_group == data.target_group)
    if data.registration_ids is not None:
        conds.append(Registration.id.in_(data.registration_ids))
        found = {r.id: r for r in (await session.scalars(select(Registration).where(*conds).with_for_update())).all()}
        bad = [
            ErrorItem(loc=["body", "registration_ids", i], msg=_why_not(found.get(rid)), type="not_recognisable")
            for i, rid in enumerate(data.registration_ids)
            if rid not in found or not _qualifies(found[rid])
        ]
        if bad:
            raise ValidationFailed("Có đăng ký không đủ điều kiện công nhận.", errors=bad[:1000])
        batch = list(found.values())
    else:
        conds += [Registration.status == "verified", Registration.passed.is_(True)]
        batch = list((await session.scalars(select(Registration).where(*conds).with_for_update())).all())
    if data.title in criteria.SELF_ASSESSED and any(not scope.above(principal, r.unit_path) for r in batch):
        raise Forbidden("Cộng đồng học tập cấp xã do cấp trên của xã công nhận, không do chính xã.")
    if not batch:
        raise ValidationFailed(
            "Không có đăng ký nào đã thẩm định và đạt chuẩn để công nhận.",
            errors=[ErrorItem(loc=["body"], msg="Danh sách công nhận trống", type="empty")],
        )
    decision = RecognitionDecision(
        unit_id=unit_id,
        unit_path=path,
        external_id=data.external_id,
        partner=kit.partner_of(principal),
        title=data.title,
        year=data.year,
        authority=data.authority,
        number=data.number,
        decided_on=data.decided_on,
        recognised=len(batch),
    )
    session.add(decision)
    await session.flush()
    await journal.write(session, principal, action="create", kind=DEC, obj=decision)
    changed = await _bulk_update(
        session, sorted(r.id for r in batch), {"status": "recognised", "decision_id": decision.id}
    )
    await _journal_many(session, principal, "recognise", changed)
    await derived.refresh(session, principal, data.year, {r.unit_path for r in changed}, [data.title])
    return decision


def _qualifies(r: Registration) -> bool:
    return r.status == "verified" and bool(r.passed)


def _why_not(r: Registration | None) -> str:
    if r is None:
        return "Không có đăng ký này trong đơn vị, danh hiệu và năm của quyết định"
    if r.status != "verified":
        return f"Đăng ký {_STATE_VI.get(r.status, r.status)}"
    return "Phiếu chưa đạt chuẩn công nhận"


async def erase(session: AsyncSession, principal: Principal, reg: Registration, store: Store) -> Registration:
    """Erase a person's data (Nghị định 13/2023): name, village and evidence files go; the record and its
    scores still count."""
    await drop_evidence(session, principal, store, reg, await evidence_of(session, reg))
    before = await journal.snapshot(session, REG, reg)
    for name, value in ERASED_VALUES.items():
        setattr(reg, name, value)
    reg.erased = True
    await session.flush()
    await journal.write(session, principal, action="erase", kind=REG, obj=reg, before=before)
    # And every earlier version the journal kept: the feed, webhook messages, replayable answers.
    await journal.forget(session, kind=REG, record_id=reg.id, values=ERASED_VALUES)
    return reg


# The report figures derived from the records: (registered, recognised) per title, written into the commune and
# village reports by api/reports/derived.py. The report's denominators (households, clans, villages, units and
# citizens subject to assessment: citizens_assessed, "công dân thuộc diện đánh giá") are populations the
# registrations cannot know: they stay typed (docs/recognition.md). The sheets scored are in /recognition/stats/rates.
FIGURES = derived.TITLES
FIGURE_NAMES = derived.FIELDS
ASSESSED = ("scored", "returned", "verified", "recognised")


async def counts(session: AsyncSession, conds: Sequence[ColumnElement[bool]]) -> dict[tuple[str, str | None, str], int]:
    rows = await session.execute(
        select(Registration.title, Registration.target_group, Registration.status, func.count())
        .where(*conds)
        .group_by(Registration.title, Registration.target_group, Registration.status)
    )
    return {(r[0], r[1], r[2]): int(r[3]) for r in rows.all()}


async def figures(
    session: AsyncSession, paths: Sequence[str], year: int, *, every_title: bool = False
) -> dict[str, int] | None:
    """The derived figures of units' subtrees in a year; None when no registration is recorded there. Only the
    titles with registrations there (a commune may keep citizens' records and still type its families),
    unless ``every_title``."""
    if not paths:
        return None
    under = or_(*(Registration.unit_path.like(f"{p}%") for p in paths))
    found = await counts(session, [under, Registration.year == year])
    if not found:
        return None
    kept = set(FIGURES) if every_title else {k[0] for k in found if k[0] in FIGURES}
    if not kept:
        return None
    out = {name: 0 for title in FIGURES if title in kept for name in FIGURES[title] if name is not None}
    for (title, _, status), n in found.items():
        if title not in FIGURES:
            continue
        registered, recognised = FIGURES[title]
        if registered is not None:  # cong_dong_xa: the commune's own rating, no registered count
            out[registered] += n
        if status == "recognised":
            out[recognised] += n
    return out


# Evidence: photos or scans beside a sheet. The file store holds the bytes; the table names them.
EVIDENCE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}
MAX_EVIDENCE = 10 * 1024 * 1024


def evidence_out(e: EvidenceFile) -> EvidenceOut:
    return EvidenceOut(
        id=e.id,
        registration_id=e.registration_id,
        index_code=e.index_code,
        filename=e.filename,
        content_type=e.content_type,
        size=e.size,
        created_at=e.created_at,
    )


async def add_evidence(
    session: AsyncSession,
    principal: Principal,
    store: Store,
    reg: Registration,
    *,
    data: bytes,
    filename: str,
    content_type: str,
    index_code: str,
) -> EvidenceFile:
    if reg.status in ("verified", "recognised"):
        raise Conflict(f"Đăng ký {reg.id} {_STATE_VI[reg.status]}: không thêm minh chứng.")
    ext = EVIDENCE_TYPES.get(content_type)
    if ext is None or not _looks_like(data, ext):
        raise ValidationFailed(
            "Minh chứng phải là ảnh JPEG, PNG, WebP hoặc tệp PDF.",
            errors=[ErrorItem(loc=["body", "file"], msg="Chỉ nhận JPEG, PNG, WebP, PDF", type="file_type")],
        )
    if index_code:
        version = reg.criteria_version or await criteria.current_version(session, reg.title, reg.target_group, reg.year)
        content = await criteria.get(session, reg.title, reg.target_group, version)
        if index_code not in {i.code for i in content.indices()}:
            raise ValidationFailed(
                f"Không có chỉ số {index_code} trong bộ tiêu chí.",
                errors=[ErrorItem(loc=["query", "index_code"], msg="Không có chỉ số này", type="unknown_index")],
            )
    key = f"{reg.year}/{reg.id}/{uuid.uuid4().hex}.{ext}"
    await store.put(key, data, content_type)
    row = EvidenceFile(
        registration_id=reg.id,
        index_code=index_code,
        filename=filename[:300],
        content_type=content_type,
        size=len(data),
        storage_key=key,
    )
    session.add(row)
    await session.flush()
    await journal.audit(
        session,
        principal,
        action="attach",
        entity="recognition_evidence",
        entity_id=row.id,
        changes={"registration_id": [None, reg.id], "index_code": [None, index_code], "size": [None, len(data)]},
        unit_path=reg.unit_path,
    )
    return row


def _looks_like(data: bytes, ext: str) -> bool:
    magic = {"jpg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",), "pdf": (b"%PDF-",), "webp": (b"RIFF",)}
    return data.startswith(magic[ext])


async def evidence_of(session: AsyncSession, reg: Registration) -> list[EvidenceFile]:
    rows = await session.scalars(
        select(EvidenceFile).where(EvidenceFile.registration_id == reg.id).order_by(EvidenceFile.id)
    )
    return list(rows.all())


async def drop_evidence(
    session: AsyncSession, principal: Principal, store: Store, reg: Registration, rows: Sequence[EvidenceFile]
) -> None:
    for row in rows:
        await store.delete(row.storage_key)
        await session.delete(row)
        await journal.audit(
            session,
            principal,
            action="delete",
            entity="recognition_evidence",
            entity_id=row.id,
            changes={"registration_id": [reg.id, None]},
            unit_path=reg.unit_path,
        )
    await session.flush()
