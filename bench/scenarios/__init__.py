"""The scenarios of docs/benchmarks.md."""

from __future__ import annotations

import asyncpg  # type: ignore[import-untyped]


async def checkpoint(url: str) -> None:
    """A CHECKPOINT before a timed write, so that neither the baseline nor the measured write pays for the other's
    dirty pages and WAL (a checkpoint landing inside one of them moved the ratios by a third between repetitions)."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CHECKPOINT")
    except asyncpg.InsufficientPrivilegeError:  # not a superuser nor pg_checkpoint: measured as it comes
        pass
    finally:
        await conn.close()
