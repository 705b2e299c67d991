"""The partner library: a typed client of this platform's sync API, for a partner's own system.

``pip install`` the project (or its wheel) and::

    from api.sync.client import FileCursor, PartnerClient, verify_webhook

    with PartnerClient("https://khuyenhoc.example.vn", key="khk_…") as api:
        done = api.upsert("awards", "HN-2024-001", {...})       # Upserted: created, etag, record
        api.delete("awards", "HN-2024-001", if_match=done.etag)  # None, or ApiError (404, 409, 412 …)
        api.batch("reports", [BatchItem("HN-35-2024", data={...})])
        for change in api.pull(FileCursor("cursor.txt"), types=["report", "award"]):
            ...                                                  # the cursor is stored after each page

Requests that meet a network error, a 5xx, a 429 or a 409 ``idempotency-in-progress`` are retried with
exponential backoff (``RetryPolicy``); every other refusal raises ``ApiError`` at once with the problem
document. Upserts and deletes by external id are idempotent, and each batch carries an ``Idempotency-Key``
that its retries reuse, so a retry never writes twice. Only httpx and standardwebhooks are needed here.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal, Protocol, TypedDict
from urllib.parse import quote

import httpx
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

API = "/api/v1"
Resource = Literal[
    "reports",
    "awards",
    "associations",
    "funds",
    "commendations",
    "inspections",
    "partnerships",
    "activities",
    "fund_entries",
]
ChangeType = Literal[
    "report",
    "award",
    "fund_entry",
    "association_year",
    "association",
    "fund",
    "commendation",
    "inspection",
    "partnership",
    "activity",
]


class SyncError(Exception):
    """The partner refused (4xx), or kept failing after every retry."""


class ApiError(SyncError):
    """An answer the call does not expect: ``status`` and the problem document (``type``, ``detail``, ``errors``)."""

    def __init__(self, message: str, status: int, problem: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.problem: dict[str, Any] = problem or {}


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff: base, 2×base, 4×base … (at most ``max_delay``), with jitter."""

    attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1)) * random.uniform(0.75, 1.0)
        if retry_after is not None:
            backoff = min(self.max_delay, max(backoff, retry_after))
        return float(backoff)


def retry_after(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds (a number or an HTTP date), if any."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - dt.datetime.now(dt.UTC)).total_seconds())
        except (TypeError, ValueError):
            return None


def problem_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return f"HTTP {response.status_code}: {body.get('detail') or body.get('title') or ''}".rstrip(": ")
    return f"HTTP {response.status_code}"


def retryable(response: httpx.Response) -> bool:
    if response.status_code >= 500 or response.status_code == 429:
        return True
    if response.status_code == 409:  # the same Idempotency-Key is still being handled over there
        try:
            return "idempotency-in-progress" in str(response.json().get("type", ""))
        except (ValueError, AttributeError):
            return False
    return False


def _problem(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


# ---------------------------------------------------------------------------------------------- shapes


@dataclass(frozen=True)
class Upserted:
    """A PUT's answer: ``created`` (201) or replaced (200), the record's ``etag`` and the record as GET shows it."""

    status: int
    etag: str
    record: dict[str, Any]

    @property
    def created(self) -> bool:
        return self.status == 201


@dataclass(frozen=True)
class BatchItem:
    """One item of a batch: an upsert (``data``) or a delete (``op="delete"``), optionally conditional."""

    external_id: str
    data: Mapping[str, Any] | None = None
    op: Literal["upsert", "delete"] = "upsert"
    if_match: str | None = None

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"external_id": self.external_id, "op": self.op}
        if self.data is not None:
            out["data"] = dict(self.data)
        if self.if_match is not None:
            out["if_match"] = self.if_match
        return out


class BatchResult(TypedDict, total=False):
    external_id: str
    status: int  # 201 created, 200 replaced, 204 deleted, or the item's error status
    id: int | None
    etag: str | None
    error: dict[str, Any] | None


class BatchRefused(ApiError):
    """A batch that wrote nothing (all or none) because of the items whose ``error`` is set in ``results``."""

    def __init__(self, message: str, problem: dict[str, Any]) -> None:
        super().__init__(message, 422, problem)
        self.results: list[BatchResult] = list(problem.get("results") or [])

    @property
    def failed(self) -> list[BatchResult]:
        return [r for r in self.results if r.get("error")]


class Change(TypedDict):
    seq: int
    type: str
    id: int
    external_id: str | None
    partner: str | None
    op: Literal["upsert", "delete"]
    changed_at: str
    data: dict[str, Any] | None


@dataclass(frozen=True)
class ChangesPage:
    items: list[Change]
    next_cursor: str


class CursorStore(Protocol):
    """Where ``pull`` keeps its place: ``load`` the stored cursor (None: from the start), ``save`` a new one."""

    def load(self) -> str | None: ...

    def save(self, cursor: str) -> None: ...


@dataclass
class FileCursor:
    """A cursor kept in a file, replaced atomically (a crash leaves the old cursor or the new, never half)."""

    path: Path | str

    def load(self) -> str | None:
        try:
            text = Path(self.path).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return text or None

    def save(self, cursor: str) -> None:
        target = Path(self.path)
        fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(cursor)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)


@dataclass
class MemoryCursor:
    """A cursor kept in memory (tests, or a caller that stores it with its own data)."""

    cursor: str | None = None
    saved: list[str] = field(default_factory=list)

    def load(self) -> str | None:
        return self.cursor

    def save(self, cursor: str) -> None:
        self.cursor = cursor
        self.saved.append(cursor)


# ---------------------------------------------------------------------------------------------- the client


class PartnerClient:
    """This platform's sync API for a partner system (a key of profile ``sync`` or ``sync-approve``)."""

    def __init__(
        self,
        base_url: str,
        key: str,
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        log: Callable[[str], None] | None = None,
    ) -> None:
        root = base_url.rstrip("/")
        if root.endswith(API):
            root = root[: -len(API)]
        self.http = httpx.Client(
            base_url=root + API,
            headers={"Authorization": f"Bearer {key}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
        )
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.log = log or (lambda _: None)

    def __enter__(self) -> PartnerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    # --- transport

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        accept: Sequence[int] = (200,),
    ) -> httpx.Response:
        """The response, its status one of ``accept``; retries what may pass later, raises ApiError otherwise."""
        problem = ""
        for attempt in range(1, self.retry.attempts + 1):
            wait_at_least: float | None = None
            try:
                response = self.http.request(method, path, params=params, json=json_body, headers=headers)
            except httpx.TransportError as exc:
                problem = f"network error ({type(exc).__name__}: {exc})"
            else:
                if response.status_code in accept:
                    return response
                if not retryable(response):
                    raise self._error(method, path, response)
                problem, wait_at_least = problem_text(response), retry_after(response)
            if attempt == self.retry.attempts:
                break
            wait = self.retry.delay(attempt, wait_at_least)
            self.log(f"{method} {path}: {problem}; retrying in {wait:.1f} s ({attempt + 1}/{self.retry.attempts})")
            self.sleep(wait)
        raise SyncError(f"{method} {path}: {problem}; gave up after {self.retry.attempts} attempts")

    @staticmethod
    def _error(method: str, path: str, response: httpx.Response) -> ApiError:
        problem = _problem(response)
        message = f"{method} {path}: {problem_text(response)}"
        if response.status_code == 422 and isinstance(problem.get("results"), list):
            return BatchRefused(message, problem)
        return ApiError(message, response.status_code, problem)

    # --- calls

    def me(self) -> dict[str, Any]:
        """The key as the platform sees it: name, partner, unit scope, scopes."""
        body: dict[str, Any] = self.request("GET", "/me").json()
        return body

    def upsert(
        self,
        resource: Resource,
        external_id: str,
        data: Mapping[str, Any],
        *,
        if_match: str | None = None,
        dry_run: bool = False,
    ) -> Upserted:
        """Create (201) or replace (200) your record ``external_id``; with ``if_match``, only if it has not changed
        (else ApiError 412). ``dry_run``: the same answer, nothing written."""
        response = self.request(
            "PUT",
            f"/sync/{resource}/{_segment(external_id)}",
            json_body=dict(data),
            params={"dry_run": "true"} if dry_run else None,
            headers={"If-Match": if_match} if if_match else None,
            accept=(200, 201),
        )
        return Upserted(response.status_code, response.headers.get("etag", ""), response.json())

    def delete(
        self, resource: Resource, external_id: str, *, if_match: str | None = None, dry_run: bool = False
    ) -> None:
        """Delete your record ``external_id`` (a tombstone on the feed). ApiError 404 when you have no such record,
        412 when ``if_match`` is stale, 409 for ledger entries (append-only: send a reversal instead)."""
        self.request(
            "DELETE",
            f"/sync/{resource}/{_segment(external_id)}",
            params={"dry_run": "true"} if dry_run else None,
            headers={"If-Match": if_match} if if_match else None,
            accept=(204,),
        )

    def batch(
        self,
        resource: Resource,
        items: Sequence[BatchItem | Mapping[str, Any]],
        *,
        idempotency_key: str | None = None,
        dry_run: bool = False,
    ) -> list[BatchResult]:
        """Up to 1,000 upserts and deletes, all or none: one result per item, or BatchRefused (nothing written)
        whose ``failed`` lists the items to fix. The Idempotency-Key (a new UUID by default) is reused by retries."""
        body = {"items": [i.body() if isinstance(i, BatchItem) else dict(i) for i in items]}
        response = self.request(
            "POST",
            f"/sync/{resource}:batch",
            json_body=body,
            params={"dry_run": "true"} if dry_run else None,
            headers={"Idempotency-Key": idempotency_key or str(uuid.uuid4())},
        )
        results: list[BatchResult] = response.json()["items"]
        return results

    def changes(
        self, since: str | None = None, *, types: Sequence[ChangeType] | None = None, limit: int = 500
    ) -> ChangesPage:
        """One page of the change feed after ``since`` (oldest first)."""
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since
        if types:
            params["types"] = ",".join(types)
        page = self.request("GET", "/sync/changes", params=params).json()
        return ChangesPage(items=page["items"], next_cursor=str(page["next_cursor"]))

    def pull(
        self,
        cursor: CursorStore,
        *,
        types: Sequence[ChangeType] | None = None,
        limit: int = 500,
        max_pages: int | None = None,
    ) -> Iterator[Change]:
        """Every change after the stored cursor, oldest first, until the feed is read to its end.

        The cursor is saved once every change of a page has been handed out and the caller asked for the next:
        a caller that stops (or crashes) in the middle of a page gets that page again next time, never a gap.
        Apply changes idempotently (by ``type`` and ``id``, or ``seq``)."""
        since = cursor.load()
        pages = 0
        while max_pages is None or pages < max_pages:
            page = self.changes(since, types=types, limit=limit)
            pages += 1
            yield from page.items
            if page.next_cursor != since:
                cursor.save(page.next_cursor)
                since = page.next_cursor
            if len(page.items) < limit:
                return


def _segment(external_id: str) -> str:
    """An external id as one path segment (``/`` and other reserved characters escaped)."""
    return quote(external_id, safe="")


# ---------------------------------------------------------------------------------------------- webhooks


class WebhookInvalid(Exception):
    """The request is not a delivery signed with your secret within the tolerance window: answer 400 and drop it."""


def verify_webhook(headers: Mapping[str, str], body: bytes | str, secret: str) -> dict[str, Any]:
    """The delivery's JSON payload after checking it against the Standard Webhooks signature (``webhook-id``,
    ``webhook-timestamp``, ``webhook-signature``) with your endpoint's secret (``whsec_…``): the body must be the
    bytes exactly as received, and the timestamp within five minutes of now (replays are refused).

    Raises WebhookInvalid when the signature does not match, a header is missing, or the timestamp is too old
    or too new. Deduplicate by ``webhook-id``: a delivery may arrive more than once (it is retried until your
    endpoint answers 2xx)."""
    try:
        payload = Webhook(secret).verify(body, dict(headers))
    except WebhookVerificationError as exc:
        raise WebhookInvalid(str(exc)) from exc
    except (ValueError, TypeError) as exc:  # a secret that is not base64, a body that is not JSON
        raise WebhookInvalid(f"{type(exc).__name__}: {exc}") from exc
    if not isinstance(payload, dict):
        raise WebhookInvalid("the payload is not a JSON object")
    return payload


def sign_webhook(
    secret: str, body: bytes | str, *, msg_id: str | None = None, at: dt.datetime | None = None
) -> dict[str, str]:
    """The three headers a delivery of ``body`` carries (for testing a receiver)."""
    msg_id = msg_id or f"msg_{uuid.uuid4().hex}"
    at = at or dt.datetime.now(dt.UTC)
    signature = Webhook(secret).sign(msg_id, at, body)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature}


__all__ = [
    "ApiError",
    "BatchItem",
    "BatchRefused",
    "BatchResult",
    "Change",
    "ChangeType",
    "ChangesPage",
    "CursorStore",
    "FileCursor",
    "MemoryCursor",
    "PartnerClient",
    "Resource",
    "RetryPolicy",
    "SyncError",
    "Upserted",
    "WebhookInvalid",
    "sign_webhook",
    "verify_webhook",
]
