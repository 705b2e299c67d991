"""The partner sync client: the library a partner's system uses (``PartnerClient``, ``verify_webhook``: see
api/sync/partner.py and docs/partners.md), and between two instances of this platform: ``khuyenhoc sync pull``
mirrors a partner's records here from its change feed;
``khuyenhoc sync push`` sends this instance's approved reports to a partner.

Both talk to the partner over HTTP (httpx) with bounded retries and exponential backoff on network
errors, 5xx and 429, and report progress in Vietnamese through ``log``. ``pull`` keeps its place in
``sync_cursors`` and commits it with each page it applied, so an interrupted pull resumes where it
stopped; applying a page twice changes nothing (copies are upserts by external id).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.text import today_vn
from api.db.base import utcnow
from api.db.engine import Database, write_intent
from api.models import Fund, FundEntry, Report, ReportStatus, SyncCursor, Unit
from api.reports import service as reports
from api.reports.fields import FIGURE_NAMES
from api.sync import mirror
from api.sync.partner import (
    ApiError,
    BatchItem,
    BatchRefused,
    BatchResult,
    Change,
    ChangesPage,
    CursorStore,
    FileCursor,
    MemoryCursor,
    PartnerClient,
    RetryPolicy,
    SyncError,
    Upserted,
    WebhookInvalid,
    sign_webhook,
    verify_webhook,
)
from api.sync.partner import problem_text as _problem
from api.sync.partner import retry_after as _retry_after
from api.sync.partner import retryable as _retryable
from api.sync.service import FEED_TYPES

# The library a partner's system uses (api/sync/partner.py), importable from here as the documentation says.
__all__ = [
    "ApiError",
    "BatchItem",
    "BatchRefused",
    "BatchResult",
    "Change",
    "ChangesPage",
    "CursorStore",
    "FileCursor",
    "MemoryCursor",
    "PartnerClient",
    "RetryPolicy",
    "SyncError",
    "Upserted",
    "WebhookInvalid",
    "normalise_source",
    "pull",
    "push",
    "sign_webhook",
    "verify_webhook",
]

API = "/api/v1"
Log = Callable[[str], None]
Sleep = Callable[[float], Awaitable[None]]
QUIET_LINES = 20  # skip and error lines printed per run before they are only counted
CURSOR_KEY_MAX = 300  # sync_cursors.source


def normalise_source(url: str) -> tuple[str, str]:
    """``(source, base_url)`` for a partner's address: the source names it in ``sync_cursors`` and in the
    ``mirror:<source>`` partner of its copies (host[:port][/path], lower case, without the scheme, a default
    port, a trailing slash or ``/api/v1``); the base URL is where its API is (``<base_url>/api/v1``)."""
    parsed = httpx.URL(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"Địa chỉ không hợp lệ: {url!r} (cần http:// hoặc https://).")
    host = parsed.host.lower()
    if ":" in host:
        host = f"[{host}]"
    port = f":{parsed.port}" if parsed.port else ""
    path = parsed.path.rstrip("/")
    if path.endswith(API):
        path = path[: -len(API)]
    return f"{host}{port}{path}", f"{parsed.scheme}://{host}{port}{path}"


class Remote:
    """The partner's API, with retries: network errors, 5xx, 429, and 409 'idempotency-in-progress'."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        log: Log,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.http = http
        self.log = log
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.requests = 0

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
        accept: Sequence[int] = (200,),
    ) -> httpx.Response:
        """The response (its status one of ``accept``); raises SyncError on a refusal or after the last retry."""
        problem = ""
        for attempt in range(1, self.retry.attempts + 1):
            self.requests += 1
            retry_after: float | None = None
            try:
                response = await self.http.request(method, API + path, params=params, json=json_body, headers=headers)
            except httpx.TransportError as exc:
                problem = f"lỗi mạng ({type(exc).__name__}: {exc})".replace(" ()", "")
            else:
                if response.status_code in accept:
                    return response
                if not _retryable(response):
                    raise SyncError(f"{method} {path}: {_problem(response)}")
                problem, retry_after = _problem(response), _retry_after(response)
            if attempt == self.retry.attempts:
                break
            wait = self.retry.delay(attempt, retry_after)
            tries = f"lần {attempt + 1}/{self.retry.attempts}"
            self.log(f"  {method} {path}: {problem} — thử lại sau {wait:.1f} s ({tries}).")
            await self.sleep(wait)
        raise SyncError(f"{method} {path}: {problem}; đã thử {self.retry.attempts} lần.")

    async def me(self) -> dict[str, Any]:
        body: dict[str, Any] = (await self.request("GET", "/me")).json()
        return body


def _scope_label(me: dict[str, Any]) -> str:
    if not me.get("unit_code"):
        return "cả nước"
    return f"{me.get('unit_name') or ''} ({me['unit_code']})".strip()


# ---------------------------------------------------------------------------------------------- pull


@dataclass
class PullResult:
    source: str
    cursor: str
    pages: int = 0
    changes: int = 0
    applied: int = 0
    skipped: int = 0
    failed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # skip reasons counted without a line each


def parse_types(types: str | None) -> list[str] | None:
    if not types:
        return None
    wanted = sorted({t.strip() for t in types.split(",") if t.strip()})
    unknown = [t for t in wanted if t not in FEED_TYPES]
    if unknown:
        raise ValueError(f"Không có loại: {', '.join(unknown)} (chọn trong: {', '.join(FEED_TYPES)}).")
    return wanted or None


def cursor_key(source: str, me: dict[str, Any], types: Sequence[str] | None) -> str:
    """The ``sync_cursors`` row of one feed: the same partner read with another key scope or other types
    is another position (a cursor advanced over reports only has not seen the awards before it)."""
    parts = []
    if me.get("unit_code"):
        parts.append(f"scope={me['unit_code']}")
    if types:
        parts.append("types=" + ",".join(types))
    key = source + ("?" + "&".join(parts) if parts else "")
    if len(key) > CURSOR_KEY_MAX:
        key = f"{key[: CURSOR_KEY_MAX - 13]}~{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    return key


async def _load_cursor(db: Database, key: str) -> str:
    async with db.sessionmaker() as session:
        row = await session.get(SyncCursor, key)
        return row.cursor if row is not None else ""


async def _save_cursor(session: AsyncSession, key: str, cursor: str) -> None:
    row = await session.get(SyncCursor, key)
    if row is None:
        session.add(SyncCursor(source=key, cursor=cursor, updated_at=utcnow()))
    else:
        row.cursor, row.updated_at = cursor, utcnow()
    await session.flush()


async def pull(
    db: Database,
    http: httpx.AsyncClient,
    *,
    source: str,
    types: Sequence[str] | None = None,
    limit: int = 500,
    log: Log = print,
    retry: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
    max_pages: int | None = None,
) -> PullResult:
    """Mirror the partner's records here, page by page, from the cursor stored for it.

    ``http`` has the partner's base URL and the key in its headers. Each page is applied and the new
    cursor stored in one local transaction. Stops after a page shorter than ``limit`` (or ``max_pages``).
    """
    remote = Remote(http, log=log, retry=retry, sleep=sleep)
    me = await remote.me()
    principal = mirror.mirror_principal(source)
    key = cursor_key(source, me, types)
    sent_here = me.get("partner")
    async with db.sessionmaker() as session:
        prefixes = await mirror.scope_prefixes(session, me)
    cursor = await _load_cursor(db, key)
    result = PullResult(source=source, cursor=cursor)
    log(
        f"Đồng bộ từ {source} (khoá: {me.get('username')}, phạm vi: {_scope_label(me)}; "
        f"loại: {', '.join(types) if types else 'tất cả'}), "
        + (f"tiếp tục từ con trỏ {cursor}." if cursor else "từ đầu.")
        + f" Bản sao thuộc {principal.partner}."
    )
    printed = 0
    while max_pages is None or result.pages < max_pages:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["since"] = cursor
        if types:
            params["types"] = ",".join(types)
        page = (await remote.request("GET", "/sync/changes", params=params)).json()
        items: list[dict[str, Any]] = page["items"]
        if not items:
            break
        counts = {"applied": 0, "skipped": 0, "failed": 0}
        token = write_intent.set(True)
        try:
            async with db.sessionmaker() as session, session.begin():
                for item in items:
                    if sent_here and item.get("partner") == sent_here:
                        # What this instance pushed there with the same key (sync push): the original is here.
                        outcome = mirror.Outcome("skipped", "gửi từ nơi này (sync push)", quiet=True)
                    else:
                        outcome = await mirror.apply_change(session, principal, item, prefixes)
                    counts[outcome.kind] += 1
                    if outcome.kind == "skipped" and outcome.quiet:
                        result.reasons[outcome.reason] = result.reasons.get(outcome.reason, 0) + 1
                    elif outcome.reason and printed < QUIET_LINES:
                        printed += 1
                        label = {"applied": "Lưu ý", "skipped": "Bỏ qua", "failed": "Lỗi"}[outcome.kind]
                        log(f"  {label}: {item.get('type')} {item.get('id')} (seq {item.get('seq')}): {outcome.reason}")
                    elif outcome.kind != "applied":
                        result.reasons[outcome.reason] = result.reasons.get(outcome.reason, 0) + 1
                await _save_cursor(session, key, str(page["next_cursor"]))
        finally:
            write_intent.reset(token)
        cursor = str(page["next_cursor"])
        result.pages += 1
        result.changes += len(items)
        result.applied += counts["applied"]
        result.skipped += counts["skipped"]
        result.failed += counts["failed"]
        result.cursor = cursor
        log(
            f"Trang {result.pages}: {len(items)} thay đổi — áp dụng {counts['applied']}, bỏ qua {counts['skipped']}, "
            f"lỗi {counts['failed']}; con trỏ {cursor}."
        )
        if len(items) < limit:
            break
    for reason, n in sorted(result.reasons.items()):
        log(f"  Bỏ qua {n} thay đổi: {reason}.")
    log(
        f"Xong: {result.pages} trang, {result.changes} thay đổi, áp dụng {result.applied}, bỏ qua {result.skipped}, "
        f"lỗi {result.failed}; con trỏ {result.cursor or '(đầu)'}."
    )
    return result


# ---------------------------------------------------------------------------------------------- push


@dataclass
class PushResult:
    reports: int = 0
    funds: int = 0
    entries: int = 0
    created: int = 0
    replaced: int = 0
    failed: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)


PUSHED = ("reports", "funds")  # what ``push`` sends: ``funds`` carries each fund with its ledger


def external_id_of(prefix: str, unit_code: str, year: int) -> str:
    """A report's stable id at the partner: the code is read on 31 December of the year, so it is unique."""
    return f"{prefix}-{unit_code}-{year}"


def fund_id_of(prefix: str, fund_id: int) -> str:
    """A fund's stable id at the partner (its id here never changes)."""
    return f"{prefix}-fund-{fund_id}"


def entry_id_of(prefix: str, entry_id: int) -> str:
    """A ledger entry's stable id at the partner."""
    return f"{prefix}-entry-{entry_id}"


async def _province_prefixes(session: AsyncSession, code: str, year: int | None) -> list[str]:
    stmt = select(Unit.path).where(Unit.code == code, Unit.level == "province")
    if year is not None:
        day = reports.year_end(year)
        stmt = stmt.where(
            or_(Unit.valid_from.is_(None), Unit.valid_from <= day), or_(Unit.valid_to.is_(None), Unit.valid_to >= day)
        )
    paths = list((await session.scalars(stmt)).all())
    if not paths:
        raise ValueError(f"Không có tỉnh mã {code}" + (f" năm {year}." if year else "."))
    return paths


async def approved_reports(
    db: Database,
    *,
    province: str | None = None,
    year: int | None = None,
    prefixes: Sequence[str] = (),
    id_prefix: str = "kh",
    status: str = "approved",
) -> list[dict[str, Any]]:
    """This instance's own approved reports (not copies of others' data) as batch items, oldest unit first."""
    async with db.sessionmaker() as session:
        stmt = (
            select(Report, Unit.code, Unit.path)
            .join(Unit, Unit.id == Report.unit_id)
            .where(Report.status == ReportStatus.approved.value, Report.partner.is_(None))
        )
        if year is not None:
            stmt = stmt.where(Report.year == year)
        if province is not None:
            paths = await _province_prefixes(session, province, year)
            stmt = stmt.where(or_(*(Unit.path.like(f"{p}%") for p in paths)))
        if prefixes:  # inside the partner key's scope: the partner would refuse the others
            stmt = stmt.where(or_(*(Unit.path.like(f"{p}%") for p in prefixes)))
        rows = (await session.execute(stmt.order_by(Unit.path, Report.year))).all()
    return [
        {
            "external_id": external_id_of(id_prefix, code, report.year),
            "data": {n: getattr(report, n) for n in FIGURE_NAMES}
            | {"unit_code": code, "year": report.year, "status": status},
        }
        for report, code, _ in rows
    ]


async def own_ledgers(
    db: Database,
    *,
    province: str | None = None,
    prefixes: Sequence[str] = (),
    id_prefix: str = "kh",
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """This instance's own funds (not copies, not a partner's) as batch items, their ledger entries in the
    order they were recorded, and what cannot be sent.

    Entries are append-only at the partner as here: contributions and disbursements by amount, a reversal by
    the external id of the entry it undoes. A transfer between funds has no sync form: a fund's ledger is sent
    up to its first transfer only (its balance there would differ from then on), and that is listed.
    An award's payment goes as a plain disbursement; ``association_id`` is not sent (the partner has not got
    that association)."""
    async with db.sessionmaker() as session:
        # Made here, by a user (records made through the API are owned by "user:<name>"); not a copy, not a partner's.
        own: list[ColumnElement[bool]] = [or_(Fund.partner.is_(None), Fund.partner.like("user:%"))]
        if province is not None:
            paths = await _province_prefixes(session, province, None)
            own.append(or_(*(Fund.unit_path.like(f"{p}%") for p in paths)))
        if prefixes:
            own.append(or_(*(Fund.unit_path.like(f"{p}%") for p in prefixes)))
        funds = (
            await session.execute(
                select(Fund, Unit.code, Unit.valid_to).join(Unit, Unit.id == Fund.unit_id).where(*own).order_by(Fund.id)
            )
        ).all()
        entries = list(
            await session.scalars(
                select(FundEntry).join(Fund, Fund.id == FundEntry.fund_id).where(*own).order_by(FundEntry.id)
            )
        )
    fund_items, problems = [], []
    for fund, code, valid_to in funds:
        data = {
            "unit_code": code,
            "unit_as_of": (valid_to or today_vn()).isoformat(),
            "name": fund.name,
            "owner_kind": fund.owner_kind,
            "association_id": None,
            "closed_on": fund.closed_on.isoformat() if fund.closed_on else None,
        }
        fund_items.append({"external_id": fund_id_of(id_prefix, fund.id), "data": data})
    stopped: set[int] = set()
    entry_items = []
    for entry in entries:
        if entry.fund_id in stopped:
            continue
        body: dict[str, Any] = {
            "fund_external_id": fund_id_of(id_prefix, entry.fund_id),
            "kind": entry.kind,
            "occurred_on": entry.occurred_on.isoformat(),
            "description": entry.description,
        }
        if entry.kind == "reversal" and entry.reverses_entry_id is not None:
            body["reverses_external_id"] = entry_id_of(id_prefix, entry.reverses_entry_id)
        elif entry.kind in ("contribution", "disbursement"):
            body["amount_vnd"] = abs(entry.amount_vnd)
        else:
            stopped.add(entry.fund_id)
            problems.append(
                f"{fund_id_of(id_prefix, entry.fund_id)}: bút toán {entry.id} là chuyển quỹ ({entry.kind}), "
                "chưa gửi được qua đồng bộ; sổ quỹ này chỉ gửi tới trước bút toán đó"
            )
            continue
        entry_items.append({"external_id": entry_id_of(id_prefix, entry.id), "data": body})
    return fund_items, entry_items, problems


def _idempotency_key(run: str, step: str, body: Any) -> str:
    """The same key for a retry of one batch; another step of the run sending the same body (a fund opened, then
    sent as it is here) gets its own key, or the partner would answer it with the first step's stored answer."""
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    return f"khuyenhoc-push-{run}-{step}-{digest[:24]}"


LABELS = {"reports": "báo cáo", "funds": "quỹ", "fund_entries": "bút toán"}


async def _send(
    remote: Remote,
    resource: str,
    items: list[dict[str, Any]],
    *,
    run: str,
    batch_size: int,
    result: PushResult,
    step: str = "send",
) -> None:
    """``POST /sync/{resource}:batch`` in batches (all or none each, with an Idempotency-Key that a retry of the
    same batch reuses); items the partner refuses are listed and left out, and the rest of their batch is sent
    again."""
    log, label = remote.log, LABELS[resource]
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        while batch:
            body = {"items": batch}
            response = await remote.request(
                "POST",
                f"/sync/{resource}:batch",
                json_body=body,
                headers={"Idempotency-Key": _idempotency_key(run, step, body)},
                accept=(200, 422),
            )
            result.batches += 1
            answer = response.json()
            if response.status_code == 200:
                statuses = [r["status"] for r in answer["items"]]
                result.created += statuses.count(201)
                result.replaced += statuses.count(200)
                break
            results = answer.get("results")
            if not isinstance(results, list):  # the request itself was refused
                raise SyncError(f"POST /sync/{resource}:batch: {_problem(response)}")
            refused = {r["external_id"]: r for r in results if r.get("error")}
            for ext, r in refused.items():
                detail = r["error"].get("detail") or r["error"].get("title")
                result.errors.append(f"{ext}: HTTP {r['status']} {detail}")
                if len(result.errors) <= QUIET_LINES:
                    log(f"  Bị từ chối: {ext}: HTTP {r['status']} {detail}")
            result.failed += len(refused)
            batch = [i for i in batch if i["external_id"] not in refused]
        done = min(start + batch_size, len(items))
        log(
            f"Đợt {start // batch_size + 1} ({label}): đã gửi {done}/{len(items)} — tạo mới {result.created}, "
            f"thay {result.replaced}, bị từ chối {result.failed}."
        )


async def _new_at_partner(remote: Remote, resource: str, items: list[dict[str, Any]], *, batch_size: int) -> set[str]:
    """The external ids among ``items`` the partner has not got yet, by a dry run of their batches (writes nothing)."""
    new: set[str] = set()
    for start in range(0, len(items), batch_size):
        body = {"items": items[start : start + batch_size]}
        response = await remote.request(
            "POST", f"/sync/{resource}:batch", params={"dry_run": "true"}, json_body=body, accept=(200, 422)
        )
        answer = response.json()
        results = answer.get("items") if response.status_code == 200 else answer.get("results")
        if not isinstance(results, list):
            raise SyncError(f"POST /sync/{resource}:batch?dry_run=true: {_problem(response)}")
        new |= {r["external_id"] for r in results if r.get("status") == 201}
    return new


async def push(
    db: Database,
    http: httpx.AsyncClient,
    *,
    province: str | None = None,
    year: int | None = None,
    id_prefix: str = "kh",
    status: str = "approved",
    batch_size: int = 500,
    what: Sequence[str] = PUSHED,
    log: Log = print,
    retry: RetryPolicy | None = None,
    sleep: Sleep = asyncio.sleep,
) -> PushResult:
    """Send this instance's own approved reports, and its own funds with their ledgers, to the partner.

    Reports go by ``POST /sync/reports:batch``; funds by ``POST /sync/funds:batch`` (those new at the partner
    open, first), then their entries by ``POST /sync/fund_entries:batch`` in the order they were recorded (a
    reversal after the entry it undoes), then every fund as it is here (its closing date). Every id is stable,
    so pushing again changes nothing at the partner (each item answers 200). ``year`` limits the reports only:
    a ledger is sent whole, or its balance would differ."""
    remote = Remote(http, log=log, retry=retry, sleep=sleep)
    me = await remote.me()
    async with db.sessionmaker() as session:
        prefixes = await mirror.scope_prefixes(session, me)
    result = PushResult()
    run = uuid.uuid4().hex[:12]
    where = f" (khoá: {me.get('username')}, phạm vi: {_scope_label(me)})"
    if "reports" in what:
        items = await approved_reports(
            db, province=province, year=year, prefixes=prefixes, id_prefix=id_prefix, status=status
        )
        result.reports = len(items)
        log(
            f"Gửi {len(items)} báo cáo đã phê duyệt"
            + (f" của tỉnh {province}" if province else "")
            + (f" năm {year}" if year else "")
            + f" tới đối tác{where}, trạng thái {status}."
        )
        await _send(remote, "reports", items, run=run, batch_size=batch_size, result=result)
    if "funds" in what:
        funds, entries, problems = await own_ledgers(db, province=province, prefixes=prefixes, id_prefix=id_prefix)
        result.funds, result.entries = len(funds), len(entries)
        log(
            f"Gửi {len(funds)} quỹ và {len(entries)} bút toán"
            + (f" của tỉnh {province}" if province else "")
            + f" tới đối tác{where}."
        )
        for problem in problems:
            result.errors.append(problem)
            result.failed += 1
            log(f"  Không gửi: {problem}.")
        # A fund the partner has not got yet is opened first (a closed fund takes no money in), then its entries go,
        # then every fund as it is here (its closing date): a fund the partner has, unchanged, is not written again.
        new = await _new_at_partner(remote, "funds", funds, batch_size=batch_size)
        opened = [i | {"data": i["data"] | {"closed_on": None}} for i in funds if i["external_id"] in new]
        await _send(remote, "funds", opened, run=run, batch_size=batch_size, result=result, step="open")
        await _send(remote, "fund_entries", entries, run=run, batch_size=batch_size, result=result)
        await _send(remote, "funds", funds, run=run, batch_size=batch_size, result=result)
    log(
        f"Xong: {result.reports} báo cáo, {result.funds} quỹ, {result.entries} bút toán; tạo mới {result.created}, "
        f"thay {result.replaced}, bị từ chối {result.failed}, {result.batches} yêu cầu."
    )
    return result
