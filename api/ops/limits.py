"""Request limits: body and upload sizes, and the time a request may take before its response starts.

Both answer problem+json (413, 503) from configuration (``KH_MAX_BODY_BYTES``, ``KH_MAX_UPLOAD_BYTES``,
``KH_REQUEST_TIMEOUT_SECONDS``). A body is measured as it arrives, so a chunked upload without a
Content-Length is cut off at the limit too, and nothing past the limit is ever buffered.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.config import Settings
from api.core.errors import PayloadTooLarge, ServiceUnavailable, problem_response

log = structlog.get_logger(__name__)


class _BodyTooLarge(Exception):
    """Raised from ``receive`` once the body passes the limit; the response becomes a 413."""


def body_limit(settings: Settings, scope: Scope) -> tuple[int, str]:
    """The byte limit for this request's body, and what it is called in the error message."""
    content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"").lower()
    if content_type.startswith(b"multipart/form-data") and _is_upload(scope):
        return settings.max_upload_bytes, "Tệp tải lên"
    return settings.max_body_bytes, "Nội dung gửi lên"


def _is_upload(scope: Scope) -> bool:
    """Whether the request goes to an operation that takes a file: only those get the upload limit.

    Found once from the app's own OpenAPI document (the operations with a multipart body), so a JSON body
    sent to any other route as multipart/form-data is held to the ordinary limit."""
    app = scope.get("app")
    uploads = getattr(app, "_kh_upload_routes", None) if app is not None else None
    if uploads is None and app is not None:
        uploads = _upload_routes(app.openapi())
        app._kh_upload_routes = uploads
    method = scope["method"].lower()
    return any(m == method and pattern.fullmatch(scope["path"]) for m, pattern in uploads or [])


def _upload_routes(document: dict[str, Any]) -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if "multipart/form-data" in content:
                found.append((method, re.compile(re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)))))
    return found


def _too_large(limit: int, what: str) -> Any:
    mib = limit / (1024 * 1024)
    size = f"{mib:g} MB" if mib >= 1 else f"{limit // 1024} KB"
    return problem_response(
        413, PayloadTooLarge.slug, PayloadTooLarge.title, f"{what} lớn hơn giới hạn {size}.", extra={"limit": limit}
    )


def _timed_out(seconds: float) -> Any:
    return problem_response(
        503,
        ServiceUnavailable.slug,
        ServiceUnavailable.title,
        f"Yêu cầu chưa xử lý xong sau {seconds:g} giây; vui lòng thử lại sau.",
        headers={"Retry-After": "5"},
    )


class LimitsMiddleware:
    """Enforces the body limits and the request timeout (everything before the response starts)."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, what = body_limit(self.settings, scope)
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(limit, what)(scope, receive, send)
            return

        received = 0
        exceeded = False
        started = False
        replaced = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, replaced
            if message["type"] == "http.response.start":
                started = True
                timeout.reschedule(None)  # the timeout covers the work before the response, not streaming it
                if exceeded:  # the app turned the cut-off body into some other error: answer what happened
                    replaced = True
                    await _too_large(limit, what)(scope, receive, send)
                    return
            if not replaced:
                await send(message)

        try:
            async with asyncio.timeout(self.settings.request_timeout_seconds) as timeout:
                await self.app(scope, limited_receive, guarded_send)
        except _BodyTooLarge:
            if started:
                raise
            await _too_large(limit, what)(scope, receive, send)
        except TimeoutError:
            if started or not timeout.expired():  # a TimeoutError of the app's own (a database connect) is not ours
                raise
            log.warning("request_timeout", path=scope["path"], seconds=self.settings.request_timeout_seconds)
            await _timed_out(self.settings.request_timeout_seconds)(scope, receive, send)
        except Exception:
            if exceeded and not started:
                await _too_large(limit, what)(scope, receive, send)
                return
            raise
