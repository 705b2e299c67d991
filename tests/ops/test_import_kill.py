"""The service is killed (SIGKILL, every worker) in the middle of a background award import, and restarted.

The awards and their change-feed rows are written in one transaction, so the database holds none of
that import (nor any fund entry, feed row or audit entry for it); after the restart the job reads as
failed, through the API, once its heartbeat is older than ``KH_IMPORT_STALE_SECONDS``; and the same
file sent again is imported whole, exactly once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from api.auth.principal import SYSTEM
from api.auth.scopes import Role
from api.users.schemas import UserCreate
from api.users.service import create_user
from tests.conftest import DatabaseFactory, migrate_and_load
from tests.ops.conftest import Service, service_env, sign_in, wait_until

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

ROWS = 60_000  # the write (two COPY streams) takes seconds: time to see it under way and kill it
WARDS = ["12433", "12436", "12439", "12442", "12445", "12448"]  # TP Thái Bình before 2025-07-01
CATEGORIES = ["hoc_bong_vuot_kho", "hoc_sinh_gioi_tinh", "giao_vien_gioi", "tan_sinh_vien", "khac"]
KINDS = ["pupil", "học sinh", "student", "teacher"]
HEADER = "unit_code,recipient_name,recipient_kind,school,category,year,awarded_on,amount_vnd,gift_value_vnd"
USERNAME, PASSWORD = "nhap.bi.ngat", "mật-khẩu-nhập-bị-ngắt-1"
STALE_SECONDS = 3  # the restarted service's KH_IMPORT_STALE_SECONDS (120 by default)


def award_file() -> bytes:
    """ROWS awards, every name different (no duplicates within the file, none with the demo data)."""
    lines = [HEADER]
    lines += [
        f"{WARDS[i % 6]},Người nhận thử {i},{KINDS[i % 4]},THCS Kỳ Bá,{CATEGORIES[i % 5]},2024,05/09/2024,"
        f"{100_000 + i},{i % 3 * 50_000}"
        for i in range(ROWS)
    ]
    return ("\n".join(lines) + "\n").encode()


async def snapshot(conn: AsyncConnection) -> dict[str, Any]:
    """What an award import may touch: awards, the change feed, funds and their ledger, the audit trail."""

    async def rows(sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in (await conn.execute(text(sql))).all()]

    return {
        "awards": await rows("SELECT count(*), coalesce(max(id), 0) FROM awards"),
        "changes": await rows("SELECT count(*), coalesce(max(seq), 0) FROM changes"),
        "funds": await rows("SELECT id, balance_vnd, version FROM funds ORDER BY id"),
        "ledger": await rows("SELECT count(*), coalesce(sum(amount_vnd), 0), coalesce(max(id), 0) FROM fund_entries"),
        "audit": await rows("SELECT count(*) FROM audit_log WHERE entity = 'import_job'"),
    }


def group_members(pgid: int) -> dict[int, str]:
    """Threads of a process group that have not finished dying (thread id → state).

    A process killed with SIGKILL shows as a zombie once its main thread is done, while its other
    threads may still be tearing down and holding its sockets: every thread is looked at."""
    found: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            for tid in os.listdir(f"/proc/{entry}/task"):
                stat = Path(f"/proc/{entry}/task/{tid}/stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()  # state, ppid, pgrp, …
                if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
                    found[int(tid)] = fields[0]
    return found


def metrics_dir(tmp_path: Path, name: str) -> Path:
    """A fresh directory for the workers' metrics (a killed server cannot remove its own)."""
    path = tmp_path / f"metrics-{name}"
    path.mkdir()
    return path


async def other_backends(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    """The service's connections to the test database (the test's engine keeps none open): (pid, state,
    has written, query). A connection of its own each time: within a transaction PostgreSQL answers
    from one snapshot of pg_stat_activity, which would never change."""
    async with engine.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT pid, state, backend_xid IS NOT NULL, left(query, 60) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        )
        return [tuple(r) for r in result.all()]


async def test_a_service_killed_mid_import_leaves_nothing_and_the_job_reads_failed_after_restart(
    databases: DatabaseFactory, tmp_path: Path, services: list[Service]
) -> None:
    started_at = time.monotonic()
    url = await databases.create()
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        await migrate_and_load(engine)  # units and the demo data (funds with their ledgers among them)
        async with AsyncSession(engine) as session:
            data = UserCreate(username=USERNAME, password=PASSWORD, display_name="Nhập liệu", role=Role.admin)
            await create_user(session, SYSTEM, data)
            await session.commit()
        content = award_file()

        # Two workers, as in production: the kill must take every process of the service.
        first = Service(
            service_env(url, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir(tmp_path, "first"))),
            tmp_path / "first.log",
            workers=2,
        )
        services.append(first)
        await asyncio.to_thread(first.start)
        assert first.proc is not None
        token = await asyncio.to_thread(sign_in, first.base_url, USERNAME, PASSWORD)
        headers = {"Authorization": f"Bearer {token}"}
        async with engine.connect() as conn:
            before = await snapshot(conn)

        async with httpx.AsyncClient(base_url=first.base_url, headers=headers, timeout=60) as c:
            r = await c.post("/api/v1/awards/imports", files={"file": ("khen-thuong.csv", content, "text/csv")})
            assert r.status_code == 202, r.text
            job_id, job_url = r.json()["id"], r.headers["location"]

            # Mid-write: the job says it is writing with rows done, and PostgreSQL shows its transaction
            # running a COPY after having written (it has a transaction id).
            seen: list[tuple[str, str, int]] = []
            deadline = time.monotonic() + 40
            while True:
                assert time.monotonic() < deadline, f"the import was never seen mid-write: {seen[-5:]}"
                job = (await c.get(job_url)).json()
                seen.append((job["status"], job["phase"], job["done_rows"]))
                assert job["status"] in ("pending", "running"), f"the import ended before the kill: {job}"
                if job["status"] == "running" and job["phase"] != "checking" and 0 < job["done_rows"] < ROWS:
                    backends = await other_backends(engine)
                    if any(wrote and str(query).upper().startswith("COPY") for _, _, wrote, query in backends):
                        break
                await asyncio.sleep(0.05)

        pgid = first.proc.pid  # started with start_new_session: the server and its workers share this group
        members = group_members(pgid)
        assert len(members) >= 3, f"expected a server and two workers, found {members}"
        os.killpg(pgid, signal.SIGKILL)
        killed_at = time.monotonic()
        await asyncio.to_thread(first.proc.wait, 10)
        await asyncio.to_thread(
            wait_until, lambda: not group_members(pgid), timeout=30, what=f"every thread of group {pgid} to die"
        )
        dead_after = time.monotonic() - killed_at

        # PostgreSQL notices the closed connections and rolls their transactions back.
        left = await other_backends(engine)
        while left and time.monotonic() - killed_at < 20:
            await asyncio.sleep(0.1)
            left = await other_backends(engine)
        assert not left, f"the dead service's connections are still there: {left}"
        closed_after = time.monotonic() - killed_at
        async with engine.connect() as conn:
            after_kill = await snapshot(conn)
            killed = (
                await conn.execute(
                    text("SELECT status, done_rows FROM import_jobs WHERE id = :id"),
                    {"id": job_id},
                )
            ).one()
            of_job = await conn.scalar(text("SELECT count(*) FROM awards WHERE import_job_id = :id"), {"id": job_id})
        assert of_job == 0, f"{of_job} awards of the killed import are in the database"
        assert after_kill == before, (before, after_kill)
        # The row still says running, with the progress its last heartbeat wrote: nobody marked it failed.
        assert killed.status == "running" and 0 < killed.done_rows < ROWS, killed

        # Restarted on the same database, with a short staleness setting (one worker: the re-import's
        # own progress is then always in memory where it is asked for).
        env = service_env(
            url,
            KH_IMPORT_STALE_SECONDS=str(STALE_SECONDS),
            PROMETHEUS_MULTIPROC_DIR=str(metrics_dir(tmp_path, "second")),
        )
        second = Service(env, tmp_path / "second.log")
        services.append(second)
        await asyncio.to_thread(second.start)
        async with httpx.AsyncClient(base_url=second.base_url, headers=headers, timeout=60) as c:
            failed: dict[str, Any] = {}

            def reads_failed() -> bool:
                failed.update(httpx.get(f"{second.base_url}{job_url}", headers=headers, timeout=10).json())
                return bool(failed["status"] == "failed")

            await asyncio.to_thread(
                wait_until, reads_failed, timeout=STALE_SECONDS + 20, what="the killed job to read failed"
            )
            assert failed["message"] and "gián đoạn" in failed["message"], failed
            assert failed["created_rows"] == 0, failed

            # The same file again: imported whole, exactly once, with no duplicates of the killed import.
            r = await c.post("/api/v1/awards/imports", files={"file": ("khen-thuong.csv", content, "text/csv")})
            assert r.status_code == 202, r.text
            again_id, again_url = r.json()["id"], r.headers["location"]
            deadline = time.monotonic() + 60
            while (again := (await c.get(again_url)).json())["status"] in ("pending", "running"):
                assert time.monotonic() < deadline, f"the second import did not end: {again}"
                await asyncio.sleep(0.2)
            assert again["status"] == "succeeded", again
            assert (again["created_rows"], again["total_rows"], again["duplicates"]) == (ROWS, ROWS, []), again
            assert (await c.get(job_url)).json()["status"] == "failed"

        async with engine.connect() as conn:
            final = await snapshot(conn)
            per_job: dict[int, int] = dict(
                (
                    await conn.execute(
                        text(
                            "SELECT import_job_id, count(*) FROM awards "
                            "WHERE import_job_id IN (:killed, :again) GROUP BY import_job_id"
                        ),
                        {"killed": job_id, "again": again_id},
                    )
                ).all()
            )
            feed = await conn.scalar(
                text(
                    "SELECT count(DISTINCT c.record_id) FROM changes c JOIN awards a ON a.id = c.record_id "
                    "WHERE c.type = 'award' AND a.import_job_id = :again"
                ),
                {"again": again_id},
            )
            people = tuple(
                (
                    await conn.execute(
                        text(
                            "SELECT count(*), count(DISTINCT recipient_name) FROM awards "
                            "WHERE recipient_name LIKE 'Người nhận thử %'"
                        )
                    )
                ).one()
            )
        assert per_job == {again_id: ROWS}, per_job
        assert feed == ROWS and people == (ROWS, ROWS), (feed, people)  # every row once
        assert final["awards"][0][0] == before["awards"][0][0] + ROWS
        assert final["changes"][0][0] == before["changes"][0][0] + ROWS
        assert (final["funds"], final["ledger"]) == (before["funds"], before["ledger"])
        assert final["audit"][0][0] == before["audit"][0][0] + 1  # the second import's entry only
    finally:
        await engine.dispose()
    print(  # shown with -s
        f"killed at {seen[-1]}; dead after {dead_after:.2f}s, its connections closed after {closed_after:.2f}s; "
        f"whole test {time.monotonic() - started_at:.1f}s"
    )
