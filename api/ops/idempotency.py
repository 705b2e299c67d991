"""Idempotency-Key on POST: the first response is stored with a hash of the request; a retry with the
same key and body gets it again without a second effect, also while the first is still running (it
waits for it, or after a while answers 409); the same key with another body answers 422. Keys are
kept 24 hours. The key is reserved in its own committed transaction before the request runs.

Only a signed-in caller's POSTs are kept: anyone else's pass straight through, nothing read ahead or
stored (an anonymous caller could otherwise fill the table and the worker's memory). The middleware sits
inside the body limits (api/main.py), so the body it reads is already bounded. An answer marked
``Cache-Control: no-store`` (a new API key's secret, a sign-in token) is never kept: a retry of it is told
so instead of being given the secret again, perhaps after the key was revoked."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from urllib.parse import parse_qs

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.errors import problem_response
from api.db.base import utcnow
from api.db.engine import Database, write_intent
from api.models import IdempotencyKey

KEEP = dt.timedelta(hours=24)
WAIT_SECONDS = 10.0
MAX_KEY = 200
_SKIP_HEADERS = {b"date", b"server", b"x-request-id", b"content-length"}


def _dry_run(scope: Scope) -> bool:
    """A dry run writes nothing, so it neither uses up a key nor replays the answer of the real call."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("dry_run", [])
    return any(v.lower() in {"true", "1", "yes", "on"} for v in values)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        key = headers.get(b"idempotency-key", b"").decode("latin-1").strip()
        if scope["type"] == "http" and scope["method"] == "POST" and b"idempotency-key" in headers and not key:
            await problem_response(400, "bad-request", "Idempotency-Key trống", "Gửi một khoá (UUID) hoặc bỏ tiêu đề.")(
                scope, receive, send
            )
            return
        if scope["type"] != "http" or scope["method"] != "POST" or not key or _dry_run(scope):
            await self.app(scope, receive, send)
            return
        if len(key) > MAX_KEY:
            await problem_response(400, "bad-request", "Idempotency-Key quá dài", f"Tối đa {MAX_KEY} ký tự.")(
                scope, receive, send
            )
            return
        db: Database = scope["app"].state.db
        authorization = headers.get(b"authorization", b"")
        if not await _signed_in(db, authorization):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        owner = hashlib.sha256(authorization).hexdigest()
        digest = hashlib.sha256(
            b"\0".join([scope["method"].encode(), scope["path"].encode(), scope.get("query_string", b""), body])
        ).hexdigest()
        row_id = await _reserve(db, owner, key, digest)
        if isinstance(row_id, IdempotencyKey):
            await _answer_existing(row_id, digest, scope, receive, send, db)
            return

        sent = False

        async def replay_body() -> Message:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        status = 500
        out_headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, out_headers
            if message["type"] == "http.response.start":
                status, out_headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        finally:
            await _finish(db, row_id, status, out_headers, b"".join(chunks))


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _signed_in(db: Database, authorization: bytes) -> bool:
    """Whether the Authorization header names a valid token or key (the endpoint checks its scopes later)."""
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    from api.auth.service import principal_for_bearer  # the auth package imports this module's neighbours

    write = write_intent.set(True)  # a key's last use may be noted
    try:
        async with db.sessionmaker() as session, session.begin():
            return await principal_for_bearer(session, token.strip()) is not None
    finally:
        write_intent.reset(write)


async def _reserve(db: Database, owner: str, key: str, digest: str) -> int | IdempotencyKey:
    token = write_intent.set(True)
    try:
        async with db.sessionmaker() as session:
            async with session.begin():
                await session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - KEEP))
            try:
                async with session.begin():
                    row = IdempotencyKey(
                        owner=owner, key=key, request_hash=digest, state="running", created_at=utcnow()
                    )
                    session.add(row)
                return row.id
            except IntegrityError:
                await session.rollback()
        async with db.sessionmaker() as session:
            existing = await session.scalar(
                select(IdempotencyKey).where(IdempotencyKey.owner == owner, IdempotencyKey.key == key)
            )
            if existing is not None:
                session.expunge(existing)
                return existing
        return await _reserve(db, owner, key, digest)  # it expired in between: try once more
    finally:
        write_intent.reset(token)


async def _finish(db: Database, row_id: int, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    token = write_intent.set(True)
    try:
        async with db.sessionmaker() as session, session.begin():
            if status >= 500:  # nothing was done for sure: let a retry run again
                await session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == row_id))
                return
            kept = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in headers if k.lower() not in _SKIP_HEADERS]
            withheld = _no_store(headers)  # kept as done (no second effect) but without the answer: body NULL
            await session.execute(
                update(IdempotencyKey)
                .where(IdempotencyKey.id == row_id)
                .values(
                    state="done", status=status, headers=None if withheld else kept, body=None if withheld else body
                )
            )
    finally:
        write_intent.reset(token)


def _no_store(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(k.lower() == b"cache-control" and b"no-store" in v.lower() for k, v in headers)


async def _answer_existing(
    row: IdempotencyKey, digest: str, scope: Scope, receive: Receive, send: Send, db: Database
) -> None:
    if row.request_hash != digest:
        await problem_response(
            422,
            "idempotency-mismatch",
            "Idempotency-Key đã dùng cho yêu cầu khác",
            "Khoá này đã được dùng với một nội dung khác; hãy dùng khoá mới cho yêu cầu mới.",
        )(scope, receive, send)
        return
    waited = 0.0
    while row.state != "done" and waited < WAIT_SECONDS:
        await asyncio.sleep(0.05)
        waited += 0.05
        async with db.sessionmaker() as session:
            fresh = await session.scalar(select(IdempotencyKey).where(IdempotencyKey.id == row.id))
            if fresh is not None:
                session.expunge(fresh)
        if fresh is None:  # the first attempt failed: the client may retry
            break
        row = fresh
    if row.state != "done" or row.status is None:
        await problem_response(
            409,
            "idempotency-in-progress",
            "Yêu cầu đang được xử lý",
            "Yêu cầu với khoá này vẫn đang chạy; hãy thử lại sau.",
            headers={"Retry-After": "2"},
        )(scope, receive, send)
        return
    if row.body is None:
        await problem_response(
            409,
            "idempotency-withheld",
            "Yêu cầu đã được xử lý",
            "Yêu cầu với khoá này đã được thực hiện; câu trả lời chứa thông tin bí mật nên không được lưu để gửi lại.",
        )(scope, receive, send)
        return
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in (row.headers or [])]
    headers.append((b"idempotent-replayed", b"true"))
    await send({"type": "http.response.start", "status": row.status, "headers": headers})
    await send({"type": "http.response.body", "body": row.body or b""})
