"""The HTTP connection as uvicorn serves it, with limits on the request head that uvicorn lacks.

uvicorn (httptools) waits forever for a request's headers and reads headers of any size: a client that
opens connections and sends a header line every few seconds (slowloris) holds them all, and the
keep-alive timeout does not apply until a first response was sent. Here the head of every request must
arrive within ``KH_HEADER_TIMEOUT_SECONDS`` and within ``KH_MAX_HEADER_BYTES``; otherwise the connection is
closed (with a 431 for headers too large). ``khuyenhoc serve`` uses this protocol (api/ops/serving.py).
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.core.config import get_settings


class HeaderLimitsProtocol(HttpToolsProtocol):
    _head_timer: asyncio.TimerHandle | None = None
    _head_bytes = 0
    _in_head = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head()  # a connection that never sends a byte is covered too

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            # Only the head counts: a chunk may also carry the start of a large body (an upload).
            end = data.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else end + 4
            if self._head_bytes > get_settings().max_header_bytes:
                self._cancel_head()
                self._close_with(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._in_head:  # the next request on a kept-alive connection
            self._start_head()

    def on_headers_complete(self) -> None:
        self._cancel_head()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head()
        super().connection_lost(exc)

    def _start_head(self) -> None:
        self._cancel_head()
        self._in_head, self._head_bytes = True, 0
        self._head_timer = self.loop.call_later(get_settings().header_timeout_seconds, self._head_timed_out)

    def _cancel_head(self) -> None:
        self._in_head = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self._in_head and not self.transport.is_closing():
            self._in_head = False
            self._close_with(b"HTTP/1.1 408 Request Timeout\r\n")

    def _close_with(self, status_line: bytes) -> None:
        self.transport.write(status_line + b"content-length: 0\r\nconnection: close\r\n\r\n")
        self.transport.close()
