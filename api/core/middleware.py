"""ASGI middleware: request ids, access logs, last-resort error responses."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.errors import internal_error_response
from api.core.requestid import request_id_var

_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
access_log = structlog.get_logger("api.access")
log = structlog.get_logger(__name__)


class RequestContextMiddleware:
    """Gives every request an ``X-Request-ID`` (the caller's, when well-formed) and logs one line for it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        rid = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(rid)
        structlog.contextvars.bind_contextvars(request_id=rid)
        started = time.perf_counter()
        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            # Rendered here, inside the request's context, so the 500 carries its request id.
            log.error("unhandled_error", exc_info=exc)
            if started:
                raise
            await internal_error_response()(scope, receive, send_with_id)
        finally:
            access_log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id")
            request_id_var.reset(token)
