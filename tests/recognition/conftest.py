"""Accounts of the recognition workflow: a ward's scorer, a second account of the same ward, the province above."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import Account, MakeAccount

API = "/api/v1/recognition"
WARD, NEIGHBOUR, PROVINCE = "12442", "12445", "34"  # Thái Bình on the old map
OLD = dt.date(2024, 12, 31)
YEAR = 2024
CITIZEN = {"title": "cong_dan", "target_group": "nong_dan", "year": YEAR}
INDICES = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3"]


def sheet(*points: int) -> dict[str, int]:
    return dict(zip(INDICES, points, strict=True))


PASS = sheet(8, 8, 8, 8, 8, 8, 8, 8, 8, 8)  # 80, every index ≥ 5
LOW_INDEX = sheet(4, 8, 8, 8, 8, 9, 9, 9, 9, 8)  # 80, one index at 4


@dataclass
class Team:
    scorer: httpx.AsyncClient
    colleague: httpx.AsyncClient
    province: httpx.AsyncClient
    neighbour: httpx.AsyncClient

    async def register(self, name: str, **fields: Any) -> dict[str, Any]:
        body = {"unit_code": WARD, "name": name, "village": "Tổ 1"} | CITIZEN | fields
        r = await self.scorer.post(f"{API}/registrations", json=body)
        assert r.status_code == 201, r.text
        return dict(r.json())

    async def scored(self, name: str, scores: dict[str, int], **fields: Any) -> dict[str, Any]:
        reg = await self.register(name, **fields)
        r = await self.scorer.put(f"{API}/registrations/{reg['id']}/scores", json={"scores": scores})
        assert r.status_code == 200, r.text
        return dict(r.json())


def _client(app: FastAPI, account: Account) -> httpx.AsyncClient:
    c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    c.headers.update(account.headers)
    return c


@pytest.fixture
async def team(app: FastAPI, make_account: MakeAccount) -> Team:
    return Team(
        scorer=_client(app, await make_account("editor", WARD, as_of=OLD)),
        colleague=_client(app, await make_account("editor", WARD, as_of=OLD)),
        province=_client(app, await make_account("editor", PROVINCE, as_of=OLD)),
        neighbour=_client(app, await make_account("editor", NEIGHBOUR, as_of=OLD)),
    )
