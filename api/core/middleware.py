"""ASGI middleware: request ids, access logs, last-resort error responses."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.errors import internal_error_response
from api.core.requestid import client_request_id_var, request_id_var

# Sent with every response. The dashboard needs nothing from other origins; /docs loads Swagger UI
# from its CDN, so it gets no Content-Security-Policy.
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
CSP = (
    b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
access_log = structlog.get_logger("api.access")
log = structlog.get_logger(__name__)


class RequestContextMiddleware:
    """Gives every request the server's own ``X-Request-ID`` and logs one line for it.

    A well-formed ``X-Request-ID`` from the caller is kept beside it (``X-Client-Request-ID`` in the answer,
    ``client_request_id`` in logs and the audit), never in its place: the caller chooses it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        rid = uuid.uuid4().hex
        theirs = incoming if _VALID_ID.match(incoming) else None
        token = request_id_var.set(rid)
        client_token = client_request_id_var.set(theirs)
        structlog.contextvars.bind_contextvars(request_id=rid, client_request_id=theirs)
        began = time.perf_counter()
        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                headers = [*message.get("headers", []), (b"x-request-id", rid.encode()), *SECURITY_HEADERS]
                if theirs is not None:
                    headers.append((b"x-client-request-id", theirs.encode()))
                if not scope["path"].startswith(("/docs", "/redoc")):
                    headers.append((b"content-security-policy", CSP))
                message["headers"] = headers
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
                duration_ms=round((time.perf_counter() - began) * 1000, 2),
            )
            structlog.contextvars.unbind_contextvars("request_id", "client_request_id")
            request_id_var.reset(token)
            client_request_id_var.reset(client_token)
