"""Refuse NUL characters in a request, in one place, before any endpoint sees them.

No text this service keeps may hold U+0000: PostgreSQL cannot store it (a 500 at the INSERT or the query),
and on SQLite it cuts names short in other tools. It is refused with a 422 wherever it appears: the path,
the query string, a JSON body (where it can only be written ``\\u0000``) or a form. Uploaded files are
binary and are checked by their own readers.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.core.errors import ErrorItem, ValidationFailed, problem_response

# \u0000 preceded by an even number of backslashes (an odd one would make it the text "\u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_NUL = re.compile(rb"%00|\x00")
_TAIL = 64  # bytes kept from the previous chunk, so an escape split across chunks is still seen


class _NulFound(Exception):
    pass


def _refusal(where: str) -> Any:
    item = ErrorItem(loc=[where], msg="Không được chứa ký tự NUL (\\u0000)", type="nul_character")
    return problem_response(
        422,
        ValidationFailed.slug,
        ValidationFailed.title,
        "Dữ liệu gửi lên chứa ký tự NUL (\\u0000), không được phép.",
        errors=[item],
    )


def _body_pattern(scope: Scope) -> re.Pattern[bytes] | None:
    content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"").lower()
    if b"json" in content_type or not content_type:  # FastAPI reads a body without a type as JSON
        return _JSON_NUL
    if content_type.startswith(b"application/x-www-form-urlencoded"):
        return _FORM_NUL
    return None  # multipart uploads and anything else: the readers check what they parse


class NulGuardMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
            await _refusal("query" if "\x00" not in scope["path"] else "path")(scope, receive, send)
            return
        pattern = _body_pattern(scope)
        if pattern is None:
            await self.app(scope, receive, send)
            return
        tail = b""
        found = started = replaced = False

        async def checked_receive() -> Message:
            nonlocal tail, found
            message = await receive()
            if message["type"] == "http.request":
                chunk = tail + message.get("body", b"")
                if pattern.search(chunk):
                    found = True
                    raise _NulFound
                tail = chunk[-_TAIL:]
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started, replaced
            if message["type"] == "http.response.start":
                started = True
                if found:  # the app turned the refused body into some other error: answer what happened
                    replaced = True
                    await _refusal("body")(scope, receive, send)
                    return
            if not replaced:
                await send(message)

        try:
            await self.app(scope, checked_receive, watched_send)
        except _NulFound:
            if started:
                raise
            await _refusal("body")(scope, receive, send)
