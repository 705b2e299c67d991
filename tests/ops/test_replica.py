"""KH_DATABASE_REPLICA_URL: statistics read from the replica; sign-in and records stay on the primary."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select, text, union_all, update

from api.core.config import Settings
from api.db.engine import make_engine
from api.main import create_app
from api.models import AccessToken, Report, User
from api.ops import backup as ops_backup
from api.ops.replica import ReplicatedDatabase, make_database, replica_reads
from tests.conftest import Account, DatabaseFactory

HIGHLIGHTS = ("/api/v1/stats/highlights", {"unit": "34", "year": 2023})


@pytest.fixture(scope="module")
async def replica_url(database_url: str, databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A copy of the test database (as a streaming replica would be), then made to differ from it."""
    dump = tmp_path_factory.mktemp("replica") / "primary.backup"
    ops_backup.backup(database_url, dump)
    url = await databases.create()
    ops_backup.restore(url, dump)
    engine = make_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE reports SET members = members * 2"))
        await conn.execute(text("DELETE FROM access_tokens"))  # sign-ins do not reach the replica at once
    await engine.dispose()
    return url


@pytest.fixture
async def replicated(settings: Settings, replica_url: str, admin: Account) -> AsyncIterator[httpx.AsyncClient]:
    configured = settings.model_copy(update={"database_replica_url": replica_url})
    db = make_database(configured)
    assert isinstance(db, ReplicatedDatabase)
    transport = httpx.ASGITransport(app=create_app(configured, db=db))
    async with httpx.AsyncClient(transport=transport, base_url="http://test", headers=admin.headers) as c:
        yield c
    await db.dispose()


async def members(c: httpx.AsyncClient) -> int:
    path, params = HIGHLIGHTS
    # Not from the statistics' answer cache (api/stats/cache.py): its snapshot check is right for a
    # streaming replica, but this "replica" is a changed copy on the same server, so it would match.
    r = await c.get(path, params=params, headers={"Cache-Control": "no-cache"})
    assert r.status_code == 200, r.text
    return int(next(h["value"] for h in r.json()["items"] if h["key"] == "members"))


async def test_statistics_come_from_the_replica_and_sign_in_from_the_primary(
    client: httpx.AsyncClient, replicated: httpx.AsyncClient
) -> None:
    primary = await members(client)
    assert primary == 662_525
    # The token exists only on the primary: a 200 shows that authentication did not read the replica.
    assert await members(replicated) == 2 * primary


async def test_records_and_readiness_read_the_primary(client: httpx.AsyncClient, replicated: httpx.AsyncClient) -> None:
    report = await replicated.get("/api/v1/reports/12433/2023")
    assert report.status_code == 200
    assert report.json()["members"] == (await client.get("/api/v1/reports/12433/2023")).json()["members"]
    ready = await replicated.get("/api/v1/ready")
    assert ready.status_code == 200


def test_no_replica_setting_means_one_database(settings: Settings) -> None:
    db = make_database(settings)
    assert not isinstance(db, ReplicatedDatabase)


async def test_only_plain_reads_of_statistics_requests_are_routed_to_the_replica(
    settings: Settings, replica_url: str
) -> None:
    db = make_database(settings.model_copy(update={"database_replica_url": replica_url}))
    assert isinstance(db, ReplicatedDatabase)
    primary, replica = db.engine.sync_engine, db.replica.sync_engine
    reports_read = select(Report.id).where(Report.year == 2023)
    try:
        async with db.sessionmaker() as session:
            bind = session.sync_session.get_bind
            assert bind(clause=reports_read) is primary  # outside a statistics request
            with replica_reads():
                assert bind(clause=reports_read) is replica
                assert bind(clause=union_all(reports_read, select(Report.id).where(Report.year == 2022))) is replica
                assert bind(clause=reports_read.with_for_update()) is primary
                assert bind(clause=select(User.id).join(AccessToken)) is primary  # sign-in tables
                assert bind(clause=update(Report).values(members=1)) is primary
                assert bind(clause=text("SELECT 1")) is primary
            # Executed, not only asked: an ORM UNION ALL (as the statistics sum reports) reads the replica.
            sums = union_all(
                select(func.sum(Report.members)).where(Report.year == 2023),
                select(func.sum(Report.members)).where(Report.year == 2022),
            )
            on_primary = (await session.execute(sums)).scalars().all()
            with replica_reads():
                on_replica = (await session.execute(sums)).scalars().all()
            assert on_replica == [2 * v for v in on_primary] and on_primary[0] > 0
    finally:
        await db.dispose()
