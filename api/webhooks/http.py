"""The delivery process's HTTP/1.1 client: POSTs over pooled keep-alive connections, parsed by httptools.

httpx cost the delivery process most of its CPU per delivery (its request and response models, h11 in pure
Python): a process sent ~120 deliveries per second. A delivery needs little of it: one POST of a body it
already has, the status code, the first bytes of the answer (the log keeps 500 characters) and no redirects.
This client writes the request in one buffer, parses the answer with httptools (C, as uvicorn) and keeps the
connection for the next delivery to the same address when the answer allows it (HTTP/1.1, not ``Connection:
close``, read to its end). It connects where ``addresses.pinned`` says (the checked address, the host name
as ``Host`` and TLS server name), never follows a redirect, stops reading at ``cap`` bytes (the connection is
then closed) and gives up after ``timeout`` seconds for the whole exchange.

A kept connection the receiver closed in the meantime fails before any answer byte: the POST is then sent
once more on a new connection (a receiver may thus see a message twice: at least once, same ``webhook-id``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import ssl
import time
from urllib.parse import urlsplit

import httptools

IDLE_SECONDS = 30.0  # a kept connection idle longer than this is not reused (receivers close theirs)
READ = 65536


class HTTPError(Exception):
    """The exchange failed (connection, protocol); the message says how."""


@dataclasses.dataclass
class Answer:
    status: int
    body: bytes


class _Parsed:
    """httptools callbacks: the answer's status (from the parser), its body up to the cap, and its end."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.body = bytearray()
        self.headers_done = False
        self.complete = False
        self.keep_alive = False
        self.framed = False
        self.parser: httptools.HttpResponseParser | None = None

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() in (b"content-length", b"transfer-encoding"):
            self.framed = True  # the answer says where it ends: a close before is a broken answer

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_body(self, chunk: bytes) -> None:
        room = self.cap - len(self.body)
        if room > 0:
            self.body += chunk[:room]

    def on_message_complete(self) -> None:
        self.complete = True
        assert self.parser is not None
        self.keep_alive = bool(self.parser.should_keep_alive())  # only known here (llhttp resets it after)


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.used_at = time.monotonic()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


Key = tuple[str, str, int, str | None]


class Client:
    """Pooled keep-alive connections per (scheme, address, port, TLS name); ``close`` ends them all."""

    def __init__(self, *, timeout: float, cap: int) -> None:
        self.timeout = timeout
        self.cap = cap
        self._idle: dict[Key, list[_Connection]] = {}
        self._tls: ssl.SSLContext | None = None

    async def close(self) -> None:
        for conns in self._idle.values():
            for c in conns:
                c.close()
        self._idle.clear()

    def _context(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = ssl.create_default_context()
        return self._tls

    def _take(self, key: Key) -> _Connection | None:
        conns = self._idle.get(key)
        while conns:
            c = conns.pop()
            if time.monotonic() - c.used_at < IDLE_SECONDS and not c.reader.at_eof():
                return c
            c.close()
        return None

    async def _open(self, key: Key) -> _Connection:
        scheme, host, port, sni = key
        tls = self._context() if scheme == "https" else None
        try:
            reader, writer = await asyncio.open_connection(
                host, port, ssl=tls, server_hostname=(sni or host) if tls else None, limit=READ
            )
        except OSError as exc:
            raise HTTPError(f"ConnectError: {exc}") from None
        return _Connection(reader, writer)

    async def post(self, url: str, body: bytes, headers: dict[str, str], *, sni: str | None = None) -> Answer:
        """POST ``body`` to ``url`` (an http(s) URL whose host is where to connect); the answer, its body capped."""
        parts = urlsplit(url)
        scheme = parts.scheme
        host = parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        key: Key = (scheme, host, port, sni)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        names = {k.lower() for k in headers}
        lines = [f"POST {target} HTTP/1.1"]
        if "host" not in names:
            lines.append(f"Host: {parts.netloc.rsplit('@', 1)[-1]}")
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace") + body
        async with asyncio.timeout(self.timeout):
            conn = self._take(key)
            if conn is not None:
                try:
                    return await self._exchange(key, conn, request)
                except _Stale:
                    pass  # closed by the receiver while kept: once more on a new connection
            conn = await self._open(key)
            try:
                return await self._exchange(key, conn, request)
            except _Stale:
                raise HTTPError("RemoteProtocolError: Server disconnected without sending a response.") from None

    async def _exchange(self, key: Key, conn: _Connection, request: bytes) -> Answer:
        parsed = _Parsed(self.cap)
        parser = parsed.parser = httptools.HttpResponseParser(parsed)
        got_any = False
        keep = False
        try:
            conn.writer.write(request)
            await conn.writer.drain()
            while not parsed.complete:
                chunk = await conn.reader.read(READ)
                if not chunk:
                    if not got_any:
                        raise _Stale
                    if parsed.headers_done and not parsed.framed:
                        break  # an answer ended by closing the connection
                    raise HTTPError("RemoteProtocolError: Server disconnected in the middle of the answer.")
                got_any = True
                parser.feed_data(chunk)
                if len(parsed.body) >= self.cap:
                    break  # the cap: the rest is never read (the connection is not kept)
            status = int(parser.get_status_code())
            keep = parsed.complete and parsed.keep_alive and not conn.reader.at_eof()
            return Answer(status, bytes(parsed.body))
        except (ConnectionError, BrokenPipeError) as exc:
            if not got_any:
                raise _Stale from None
            raise HTTPError(f"ReadError: {exc}") from None
        except httptools.HttpParserUpgrade:
            raise HTTPError("RemoteProtocolError: unexpected upgrade.") from None
        except httptools.HttpParserError as exc:
            raise HTTPError(f"RemoteProtocolError: {exc}") from None
        finally:
            if keep:
                conn.used_at = time.monotonic()
                self._idle.setdefault(key, []).append(conn)
            else:
                conn.close()


class _Stale(Exception):
    """Nothing came back on the connection: it was closed (a kept one, by the receiver)."""
