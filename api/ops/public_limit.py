"""Per-client-address rate limit of the open data (/api/v1/public): nobody needs an account there, so one
address must not take every worker's time.

A token bucket per address and worker (``KH_PUBLIC_RATE_PER_MINUTE`` tokens, refilled evenly over a minute):
a client may burst that many, then that many a minute. The address is the peer's, or the X-Forwarded-For
of a trusted proxy (set by ProxyHeadersMiddleware, api/main.py). It runs before the kept answers, so a
kept answer is limited too. Beyond the limit: 429 problem+json with Retry-After. Buckets live in memory
(at most ``MAX_ADDRESSES``, the idlest dropped first): a limit per worker, enough against one greedy
client, with nothing written to the database per request."""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from starlette.types import ASGIApp, Receive, Scope, Send

from api.core.config import Settings
from api.core.errors import problem_response

PREFIX = "/api/v1/public/"
MAX_ADDRESSES = 50_000


class PublicRateLimit:
    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.rate = settings.public_rate_per_minute
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # address → (tokens, at)

    def take(self, address: str, now: float | None = None) -> float:
        """Take a token for the address: 0 when allowed, else the seconds until one is free."""
        now = time.monotonic() if now is None else now
        per_second = self.rate / 60.0
        tokens, at = self._buckets.pop(address, (float(self.rate), now))
        tokens = min(float(self.rate), tokens + (now - at) * per_second)
        if tokens >= 1.0:
            self._buckets[address] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[address] = (tokens, now)
            wait = (1.0 - tokens) / per_second
        while len(self._buckets) > MAX_ADDRESSES:
            self._buckets.popitem(last=False)
        return wait

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.rate and scope["type"] == "http" and scope["path"].startswith(PREFIX):
            client = scope.get("client")
            wait = self.take(client[0] if client else "")
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                response = problem_response(
                    429,
                    "rate-limited",
                    "Quá nhiều yêu cầu",
                    f"Địa chỉ này đã gửi quá {self.rate} yêu cầu dữ liệu mở mỗi phút; hãy thử lại sau {seconds} giây.",
                    headers={"Retry-After": str(seconds)},
                    extra={"limit_per_minute": self.rate},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
