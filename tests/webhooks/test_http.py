"""The delivery process's HTTP client (api/webhooks/http.py) against small asyncio servers: kept connections,
the answer cap, a kept connection the receiver closed, a receiver that never answers, broken answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from api.webhooks.http import Client, HTTPError

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Server:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def read_request(self, reader: asyncio.StreamReader) -> bytes:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
        )
        body = await reader.readexactly(length)
        self.requests.append(head + body)
        return body

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/hook?x=1"


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], Awaitable[Server]]]:
    servers: list[Server] = []

    async def start(handler: Handler) -> Server:
        s = Server(handler)
        s.server = await asyncio.start_server(s._serve, "127.0.0.1", 0)
        servers.append(s)
        return s

    yield start
    for s in servers:
        assert s.server is not None
        s.server.close()


async def test_posts_go_over_one_kept_connection(serve: Callable[[Handler], Awaitable[Server]]) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            body = await server.read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()

    server = await serve(handler)
    client = Client(timeout=5, cap=1000)
    try:
        for i in range(5):
            answer = await client.post(server.url, f"body {i}".encode(), {"webhook-id": f"msg_{i}"})
            assert (answer.status, answer.body) == (200, f"body {i}".encode())
    finally:
        await client.close()
    assert server.connections == 1
    first = server.requests[0]
    assert first.startswith(b"POST /hook?x=1 HTTP/1.1\r\n") and b"webhook-id: msg_0\r\n" in first
    assert b"Host: 127.0.0.1:" in first and b"Content-Length: 6\r\n" in first


async def test_the_answer_is_read_up_to_the_cap_and_the_connection_dropped(
    serve: Callable[[Handler], Awaitable[Server]],
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await server.read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
            for _ in range(200):  # 1.6 MB, in chunks
                writer.write(b"2000\r\n" + b"x" * 0x2000 + b"\r\n")
            writer.write(b"0\r\n\r\n")
            await writer.drain()

    server = await serve(handler)
    client = Client(timeout=5, cap=10_000)
    try:
        answer = await client.post(server.url, b"{}", {})
        assert answer.status == 200 and answer.body == b"x" * 10_000
        await client.post(server.url, b"{}", {})
    finally:
        await client.close()
    assert server.connections == 2  # a capped answer was not read to its end: its connection is not kept


async def test_a_kept_connection_closed_by_the_receiver_is_replaced(
    serve: Callable[[Handler], Awaitable[Server]],
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
        await writer.drain()
        # ... and closes the connection without saying so (a receiver's keep-alive timeout)

    server = await serve(handler)
    client = Client(timeout=5, cap=1000)
    try:
        for _ in range(3):
            assert (await client.post(server.url, b"{}", {})).status == 204
            await asyncio.sleep(0.05)
    finally:
        await client.close()
    assert server.connections == 3 and len(server.requests) == 3


async def test_a_receiver_that_never_answers_times_out(serve: Callable[[Handler], Awaitable[Server]]) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        await asyncio.sleep(30)

    server = await serve(handler)
    client = Client(timeout=0.3, cap=1000)
    try:
        with pytest.raises(TimeoutError):
            await client.post(server.url, b"{}", {})
    finally:
        await client.close()


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (b"", "Server disconnected without sending a response"),
        (b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc", "in the middle of the answer"),
        (b"NOT HTTP AT ALL\r\n\r\n", "RemoteProtocolError"),
    ],
)
async def test_broken_answers_are_errors(
    serve: Callable[[Handler], Awaitable[Server]], answer: bytes, error: str
) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await server.read_request(reader)
        writer.write(answer)
        await writer.drain()

    server = await serve(handler)
    client = Client(timeout=5, cap=1000)
    try:
        with pytest.raises(HTTPError, match=error):
            await client.post(server.url, b"{}", {})
    finally:
        await client.close()


async def test_nothing_listening_is_a_connect_error() -> None:
    client = Client(timeout=5, cap=1000)
    with pytest.raises(HTTPError, match="ConnectError"):
        await client.post("http://127.0.0.1:9/hook", b"{}", {})
