"""Exit 0 when the PostgreSQL at KH_TEST_POSTGRES_URL answers, 1 otherwise (used by `make test`)."""

from __future__ import annotations

import asyncio
import os
import sys

import asyncpg


async def main() -> int:
    url = os.environ.get("KH_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"), timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return 1
    await conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
