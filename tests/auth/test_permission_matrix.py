"""Every route × every role, inside and outside the caller's unit scope.

The route list comes from the app itself: a route that is not in CASES fails the test, so no
endpoint can ship without its permissions being stated and checked here.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import Workbook
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.auth.scopes import ROLE_SCOPES, Role, Scope
from api.auth.secrets import hash_password, new_api_key
from api.db.base import utcnow
from api.models import (
    Activity,
    ApiKey,
    Association,
    Award,
    Commendation,
    EvidenceFile,
    Fund,
    ImportJob,
    Inspection,
    Partnership,
    Publication,
    RecognitionDecision,
    Registration,
    Report,
    Unit,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.conftest import MakeAccount

HOME = "33"  # the callers' unit: the new Hưng Yên province
AWAY = "01"  # another province: Hà Nội
PUBLIC = {
    ("GET", "/api/v1/health"),
    ("GET", "/api/v1/ready"),
    ("POST", "/api/v1/auth/token"),
    # Open data: approved figures of published unit-years (tests/public checks what they may show).
    ("GET", "/api/v1/public/publications"),
    ("GET", "/api/v1/public/indicators"),
    ("GET", "/api/v1/public/series"),
    ("GET", "/api/v1/public/highlights"),
    ("GET", "/api/v1/public/reports/{unit_code}/{year}/highlights"),
    ("GET", "/api/v1/public/exports/sdmx"),
    ("GET", "/api/v1/public/exports/sdmx/structure"),
    ("GET", "/api/v1/public/exports/dhis2"),
    ("GET", "/api/v1/public/exports/excel-vi"),
}
_HASH = hash_password("không-dùng-để-đăng-nhập")


@dataclass
class Ctx:
    """Records the cases point at, one set inside the callers' scope (home) and one outside (away)."""

    session: AsyncSession
    commune: dict[str, str] = field(default_factory=dict)

    async def user(self, where: str) -> int:
        unit_id = await self.session.scalar(select(Unit.id).where(Unit.code == where, Unit.valid_to.is_(None)))
        user = User(
            username=f"t-{uuid.uuid4().hex[:10]}",
            display_name="Mục tiêu",
            password_hash=_HASH,
            role="viewer",
            scopes=[],
            unit_id=unit_id,
            is_active=True,
        )
        self.session.add(user)
        await self.session.flush()
        return user.id

    async def report(self, where: str, status: str, *, own: bool = False) -> str:
        """A 2026 report of the home or away commune (own: province) in the given state; returns its URL."""
        code = (HOME if where == "home" else AWAY) if own else self.commune[where]
        unit_id = await self.session.scalar(select(Unit.id).where(Unit.code == code, Unit.valid_to.is_(None)))
        await self.session.execute(delete(Report).where(Report.unit_id == unit_id, Report.year == 2026))
        self.session.add(Report(unit_id=unit_id, year=2026, status=status, **COMPLETE))
        await self.session.flush()
        return f"/api/v1/reports/{code}/2026"

    async def record(self, model: type[Any], where: str, **fields: Any) -> int:
        """A registry record in the home or away commune."""
        unit = (
            await self.session.execute(
                select(Unit.id, Unit.path).where(Unit.code == self.commune[where], Unit.valid_to.is_(None))
            )
        ).one()
        obj = model(unit_id=unit.id, unit_path=unit.path, **fields)
        self.session.add(obj)
        await self.session.flush()
        return int(obj.id)

    async def key(self, where: str) -> int:
        unit_id = await self.session.scalar(select(Unit.id).where(Unit.code == where, Unit.valid_to.is_(None)))
        _, prefix, secret_hash = new_api_key()
        key = ApiKey(name="Mục tiêu", prefix=prefix, secret_hash=secret_hash, role="viewer", scopes=[], unit_id=unit_id)
        self.session.add(key)
        await self.session.flush()
        return key.id

    async def partner_key(self, where: str) -> tuple[int, str]:
        """A partner system's key (it reads the feed) in the home or away commune, and the commune's path."""
        unit_id, path = (
            await self.session.execute(
                select(Unit.id, Unit.path).where(Unit.code == self.commune[where], Unit.valid_to.is_(None))
            )
        ).one()
        _, prefix, secret_hash = new_api_key()
        key = ApiKey(name="Đối tác", prefix=prefix, secret_hash=secret_hash, role="partner", scopes=[], unit_id=unit_id)
        self.session.add(key)
        await self.session.flush()
        return key.id, path

    async def webhook(self, where: str, *, delivery: bool = False) -> str:
        """An endpoint of a partner key in the home or away commune (and one delivery); returns its URL."""
        key_id, path = await self.partner_key(where)
        endpoint = WebhookEndpoint(
            url="https://93.184.215.14/hook",
            types=[],
            secret="whsec_dGVzdA==",
            owner_key_id=key_id,
            partner=f"key:{key_id}",
            unit_path=path,
            enabled=True,
            cursor=0,
            failures=0,
            created_by_kind="system",
        )
        self.session.add(endpoint)
        await self.session.flush()
        url = f"/api/v1/webhooks/{endpoint.id}"
        if delivery:
            d = WebhookDelivery(
                endpoint_id=endpoint.id,
                msg_id=f"msg_{endpoint.id}_1",
                seq=1,
                type="award",
                record_id=1,
                record_key="award:1",
                op="upsert",
                payload="{}",
                status="failed",
                attempts=3,
                created_at=utcnow(),
            )
            self.session.add(d)
            await self.session.flush()
            url += f"/deliveries/{d.id}"
        return url


COMPLETE: dict[str, int] = {
    "population": 5000,
    "households": 1500,
    "members": 1700,
    "branches": 7,
    "boards": 15,
    "learning_citizens": 900,
    "citizens_registered": 1000,
    "citizens_assessed": 3400,
    "learning_families": 980,
    "families_registered": 1100,
    "families_assessed": 1500,
    "learning_clans": 12,
    "clans_registered": 15,
    "clans": 22,
    "learning_communities": 4,
    "communities_registered": 5,
    "communities": 6,
    "learning_units": 6,
    "units_registered": 7,
    "units_assessed": 8,
    "communes_rated_learning_community": 1,
    "communes": 1,
    "fund_raised_vnd": 400_000_000,
    "fund_balance_vnd": 100_000_000,
    "awards_count": 550,
    "awards_vnd": 290_000_000,
    "emulation_flags": 0,
    "medals": 1,
    "certificates_of_merit": 0,
    "inspections": 1,
}

Request = tuple[str, str, dict[str, Any] | None]  # method, url, json body
Build = Callable[[Ctx, str], Awaitable[Request]]


@dataclass(frozen=True)
class Case:
    build: Build  # (ctx, "home"|"away") -> request
    scope: Scope | None  # what the route must require (None: any signed-in principal)
    ok: int = 200
    away: int | None = 404  # expected outside the scope; None: no scope (reference data, own identity)
    # A request inside the scope whose body refers to an out-of-scope record's id, and the field
    # that carries it: always 404 naming that field (the answer for an id that does not exist).
    ref: tuple[Build, str] | None = None


def simple(method: str, url: str, body: dict[str, Any] | None = None) -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return method, url, body

    return build


def _units_post() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return "POST", "/api/v1/units", {"parent_code": ctx.commune[where], "name": f"Thôn {uuid.uuid4().hex[:6]}"}

    return build


def _user_url(method: str, body: dict[str, Any] | None = None) -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return method, f"/api/v1/users/{await ctx.user(HOME if where == 'home' else AWAY)}", body

    return build


def _user_post() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return (
            "POST",
            "/api/v1/users",
            {
                "username": f"moi-{uuid.uuid4().hex[:8]}",
                "password": "mat-khau-dai-du",
                "display_name": "Mới",
                "role": "viewer",
                "unit_code": ctx.commune[where],
            },
        )

    return build


def _key_post() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return "POST", "/api/v1/api-keys", {"name": "Khoá", "role": "viewer", "unit_code": ctx.commune[where]}

    return build


def _key_delete() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return "DELETE", f"/api/v1/api-keys/{await ctx.key(HOME if where == 'home' else AWAY)}", None

    return build


def _report(method: str, status: str, suffix: str = "", body: dict[str, Any] | None = None) -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return method, await ctx.report(where, status) + suffix, body

    return build


def _own_report(method: str, status: str, suffix: str) -> Build:
    """A report of the callers' own unit: only a unit's own people submit its report."""

    async def build(ctx: Ctx, where: str) -> Request:
        return method, await ctx.report(where, status, own=True) + suffix, None

    return build


def _published(method: str) -> Build:
    """An approved 2026 report of the home or away commune, published (DELETE) or not yet (POST)."""

    async def build(ctx: Ctx, where: str) -> Request:
        url = await ctx.report(where, "approved")
        if method == "DELETE":
            unit = (
                await ctx.session.execute(
                    select(Unit.id, Unit.path).where(Unit.code == ctx.commune[where], Unit.valid_to.is_(None))
                )
            ).one()
            await ctx.session.execute(delete(Publication).where(Publication.unit_id == unit.id))
            ctx.session.add(
                Publication(unit_id=unit.id, unit_path=unit.path, year=2026, published_at=utcnow(), published_by="t")
            )
            await ctx.session.flush()
        return method, url + "/publish", None

    return build


def _report_put() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return "PUT", f"/api/v1/reports/{ctx.commune[where]}/2027", {"population": 10, "members": 3}

    return build


def _target_put() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return "PUT", "/api/v1/targets/learning_family_rate/2027", {"value": 0.75, "unit_code": ctx.commune[where]}

    return build


def _import() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["unit_code", "population", "members"])
        ws.append([ctx.commune[where], 100, 30])
        buf = io.BytesIO()
        wb.save(buf)
        return "POST", "/api/v1/reports/imports?year=2027", {"__xlsx__": buf.getvalue()}

    return build


REGISTRIES: dict[str, tuple[type[Any], dict[str, Any], dict[str, Any]]] = {
    # prefix: (model, fields of a stored record, body of a new one without unit_code)
    "associations": (
        Association,
        {"kind": "branch", "name": "Chi hội thôn Đông"},
        {"kind": "branch", "name": "Chi hội"},
    ),
    "funds": (
        Fund,
        {"name": "Quỹ xã", "owner_kind": "association", "balance_vnd": 0},
        {"name": "Quỹ", "owner_kind": "unit"},
    ),
    "commendations": (
        Commendation,
        {"form": "medal", "year": 2026, "issuing_level": "central", "recipient_kind": "person", "recipient_name": "A"},
        {"form": "medal", "year": 2026, "issuing_level": "central", "recipient_kind": "person", "recipient_name": "B"},
    ),
    "inspections": (
        Inspection,
        {"year": 2026, "subject_kind": "unit", "subject_name": "Hội xã"},
        {"year": 2026, "subject_kind": "unit", "subject_name": "Hội xã"},
    ),
    "partnerships": (
        Partnership,
        {"title": "Phối hợp", "year": 2026, "parties": []},
        {"title": "Phối hợp", "year": 2026},
    ),
    "activities": (
        Activity,
        {"kind": "training", "title": "Tập huấn", "year": 2026, "links": []},
        {"kind": "training", "title": "Tập huấn", "year": 2026},
    ),
    "recognition/registrations": (
        Registration,
        {"title": "cong_dan", "target_group": "nong_dan", "year": 2026, "name": "Nguyễn Văn A"},
        {"title": "cong_dan", "target_group": "nong_dan", "year": 2026, "name": "Nguyễn Văn B"},
    ),
    "awards": (
        Award,
        {"year": 2026, "recipient_name": "Nguyễn Văn A", "recipient_kind": "pupil", "category_id": 1},
        {"year": 2026, "recipient_name": "Nguyễn Văn B", "recipient_kind": "pupil", "category": "khac"},
    ),
}


def _record_url(prefix: str, method: str, suffix: str = "", body: dict[str, Any] | None = None) -> Build:
    model, fields, _ = REGISTRIES[prefix]

    async def build(ctx: Ctx, where: str) -> Request:
        return method, f"/api/v1/{prefix}/{await ctx.record(model, where, **fields)}{suffix}", body

    return build


def _record_post(prefix: str) -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return "POST", f"/api/v1/{prefix}", REGISTRIES[prefix][2] | {"unit_code": ctx.commune[where]}

    return build


def _registry_cases() -> dict[tuple[str, str], Case]:
    cases = {}
    for prefix in REGISTRIES:
        base = f"/api/v1/{prefix}"
        item = f"{base}/{{award_id}}" if prefix == "awards" else f"{base}/{{record_id}}"
        cases[("GET", base)] = Case(simple("GET", base), Scope.registries_read, away=None)
        cases[("POST", base)] = Case(
            _record_post(prefix), Scope.registries_write, ok=201, ref=REFERENCES.get(("POST", prefix))
        )
        cases[("GET", item)] = Case(_record_url(prefix, "GET"), Scope.registries_read)
        cases[("DELETE", item)] = Case(_record_url(prefix, "DELETE"), Scope.registries_write, ok=204)
    patches = {
        "associations": {"name": "Đổi tên"},
        "funds": {"name": "Đổi tên"},
        "commendations": {"recipient_name": "C"},
        "inspections": {"result": "Tốt"},
        "partnerships": {"status": "ended"},
        "activities": {"participants": 5},
        "awards": {"school": "THCS"},
        "recognition/registrations": {"village": "Tổ 3"},
    }
    for prefix, body in patches.items():
        item = f"/api/v1/{prefix}/{{award_id}}" if prefix == "awards" else f"/api/v1/{prefix}/{{record_id}}"
        cases[("PATCH", item)] = Case(
            _record_url(prefix, "PATCH", body=body), Scope.registries_write, ref=REFERENCES.get(("PATCH", prefix))
        )
    return cases


def _job() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        unit_path = await ctx.session.scalar(
            select(Unit.path).where(Unit.code == ctx.commune[where], Unit.valid_to.is_(None))
        )
        now = utcnow()
        job = ImportJob(
            kind="awards",
            status="succeeded",
            dry_run=False,
            filename="x.csv",
            errors=[],
            duplicates=[],
            message="",
            created_by="someone-else",
            created_at=now,
            heartbeat_at=now,
            finished_at=now,
            unit_path=unit_path,
        )
        ctx.session.add(job)
        await ctx.session.flush()
        return "GET", f"/api/v1/awards/imports/{job.id}", None

    return build


def _awards_import() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        csv_text = (
            f"unit_code,recipient_name,recipient_kind,category,year\n{ctx.commune[where]},Lê Thị C,pupil,khac,2026\n"
        )
        return "POST", "/api/v1/awards/imports?wait=true", {"__file__": ("awards.csv", csv_text.encode())}

    return build


def _sync_put() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        body = REGISTRIES["commendations"][2] | {"unit_code": ctx.commune[where]}
        return "PUT", f"/api/v1/sync/commendations/ext-{uuid.uuid4().hex[:8]}", body

    return build


def _sync_delete() -> Build:
    """A commendation the caller sent by sync (the caller is the newest user: make_account runs just before)."""

    async def build(ctx: Ctx, where: str) -> Request:
        newest = await ctx.session.scalar(select(User.username).order_by(User.id.desc()).limit(1))
        ext = f"ext-{uuid.uuid4().hex[:8]}"
        fields = REGISTRIES["commendations"][1] | {"partner": f"user:{newest}", "external_id": ext}
        await ctx.record(Commendation, where, **fields)
        return "DELETE", f"/api/v1/sync/commendations/{ext}", None

    return build


def _sync_batch() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        data = REGISTRIES["commendations"][2] | {"unit_code": ctx.commune[where]}
        return "POST", "/api/v1/sync/commendations:batch", {"items": [{"external_id": "lo-1", "data": data}]}

    return build


def _webhook(method: str, suffix: str = "", body: dict[str, Any] | None = None, *, delivery: bool = False) -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return method, f"{await ctx.webhook(where, delivery=delivery)}{suffix}", body

    return build


def _webhook_post() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        key_id, _ = await ctx.partner_key(where)
        return "POST", "/api/v1/webhooks", {"url": "https://93.184.215.14/hook", "api_key_id": key_id}

    return build


def _place(url: str, more: str = "") -> Build:
    """A figure of a place: the callers' province, or another one."""

    async def build(ctx: Ctx, where: str) -> Request:
        return "GET", f"{url}?unit={HOME if where == 'home' else AWAY}&year=2026{more}", None

    return build


def _ref_post(prefix: str, field: str, model: type[Any]) -> Build:
    """A new record in the home commune naming an away record in ``field``."""

    async def build(ctx: Ctx, _: str) -> Request:
        away_id = await ctx.record(model, "away", **REGISTRIES[_PREFIX[model]][1])
        return "POST", f"/api/v1/{prefix}", REGISTRIES[prefix][2] | {"unit_code": ctx.commune["home"], field: away_id}

    return build


def _ref_patch(prefix: str, field: str, model: type[Any]) -> Build:
    """A home record changed to name an away record in ``field``."""
    own_model, fields, _ = REGISTRIES[prefix]

    async def build(ctx: Ctx, _: str) -> Request:
        away_id = await ctx.record(model, "away", **REGISTRIES[_PREFIX[model]][1])
        return "PATCH", f"/api/v1/{prefix}/{await ctx.record(own_model, 'home', **fields)}", {field: away_id}

    return build


def _transfer_to_away() -> Build:
    async def build(ctx: Ctx, _: str) -> Request:
        fields = REGISTRIES["funds"][1] | {"balance_vnd": 0}
        home, away = await ctx.record(Fund, "home", **fields), await ctx.record(Fund, "away", **fields)
        return "POST", f"/api/v1/funds/{home}/entries", {"kind": "transfer", "amount_vnd": 1, "to_fund_id": away}

    return build


def _sync_fund_put() -> Build:
    async def build(ctx: Ctx, _: str) -> Request:
        away_id = await ctx.record(Association, "away", **REGISTRIES["associations"][1])
        body = REGISTRIES["funds"][2] | {"unit_code": ctx.commune["home"], "association_id": away_id}
        return "PUT", f"/api/v1/sync/funds/ext-{uuid.uuid4().hex[:8]}", body

    return build


_PREFIX: dict[type[Any], str] = {Association: "associations", Fund: "funds"}
REFERENCES: dict[tuple[str, str], tuple[Build, str]] = {
    ("POST", "associations"): (_ref_post("associations", "parent_id", Association), "parent_id"),
    ("PATCH", "associations"): (_ref_patch("associations", "parent_id", Association), "parent_id"),
    ("POST", "funds"): (_ref_post("funds", "association_id", Association), "association_id"),
    ("PATCH", "funds"): (_ref_patch("funds", "association_id", Association), "association_id"),
    ("POST", "awards"): (_ref_post("awards", "fund_id", Fund), "fund_id"),
}


STATS = "/api/v1/stats/indicators?unit=34&year=2023&as_of=2024-12-31"
RECOGNITION = "/api/v1/recognition"
SHEET = {k: 8 for k in ("1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3")}


async def _sheet(ctx: Ctx, where: str, status: str) -> int:
    """A 2026 citizen's registration of the home or away commune, scored by someone else at that commune."""
    path = await ctx.session.scalar(select(Unit.path).where(Unit.code == ctx.commune[where], Unit.valid_to.is_(None)))
    fields = REGISTRIES["recognition/registrations"][1] | {
        "status": status,
        "criteria_version": 1,
        "scores": SHEET,
        "total": 80,
        "passed": True,
        "scored_by_kind": "user",
        "scored_by_id": -1,
        "scored_by_unit_path": path,
    }
    return await ctx.record(Registration, where, **fields)


def _recognition(method: str, suffix: str, status: str, body: dict[str, Any] | None = None) -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        return method, f"{RECOGNITION}/registrations/{await _sheet(ctx, where, status)}{suffix}", body

    return build


def _bulk_verify() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        rid = await _sheet(ctx, where, "scored")
        body = {"unit_code": ctx.commune[where], "title": "cong_dan", "year": 2026, "ids": [rid], "accept": True}
        return "POST", f"{RECOGNITION}/verifications", body

    return build


def _decision_post() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        rid = await _sheet(ctx, where, "verified")
        body = {
            "unit_code": ctx.commune[where],
            "title": "cong_dan",
            "year": 2026,
            "authority": "UBND xã",
            "number": "1/QĐ-UBND",
            "decided_on": "2026-12-01",
            "registration_ids": [rid],
        }
        return "POST", f"{RECOGNITION}/decisions", body

    return build


def _decision_get() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        fields = {"title": "cong_dan", "year": 2026, "authority": "UBND xã", "number": "2/QĐ-UBND"}
        rid = await ctx.record(RecognitionDecision, where, decided_on=dt.date(2026, 12, 1), **fields)
        return "GET", f"{RECOGNITION}/decisions/{rid}", None

    return build


def _sheet_import() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        head = "unit_code,name," + ",".join(SHEET)
        text = f"{head}\n{ctx.commune[where]},Lê Thị C," + ",".join(str(v) for v in SHEET.values()) + "\n"
        url = f"{RECOGNITION}/imports?title=cong_dan&target_group=nong_dan&year=2026"
        return "POST", url, {"__file__": ("phieu.csv", text.encode())}

    return build


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _evidence(method: str) -> Build:
    """An evidence file of a home or away registration (its bytes are not needed to be refused or listed)."""

    async def build(ctx: Ctx, where: str) -> Request:
        rid = await _sheet(ctx, where, "scored")
        row = EvidenceFile(
            registration_id=rid, filename="a.png", content_type="image/png", size=1, storage_key=f"x/{rid}.png"
        )
        ctx.session.add(row)
        await ctx.session.flush()
        return method, f"{RECOGNITION}/evidence/{row.id}", None

    return build


def _evidence_post() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        rid = await _sheet(ctx, where, "scored")
        return "POST", f"{RECOGNITION}/registrations/{rid}/evidence", {"__png__": PNG}

    return build


def _criteria_post() -> Build:
    async def build(ctx: Ctx, where: str) -> Request:
        from api.recognition.criteria import shipped

        return "POST", f"{RECOGNITION}/criteria", {"year": 2031, "content": shipped("gia_dinh").model_dump(mode="json")}

    return build


RECOGNITION_CASES: dict[tuple[str, str], Case] = {
    # Scoring is the commune's (or village's): these callers sit at the province, so 403 even at home.
    ("PUT", f"{RECOGNITION}/registrations/{{record_id}}/scores"): Case(
        _recognition("PUT", "/scores", "registered", {"scores": SHEET}), Scope.registries_write, ok=403
    ),
    ("POST", f"{RECOGNITION}/registrations/{{record_id}}/verify"): Case(
        _recognition("POST", "/verify", "scored", {"accept": True}), Scope.registries_write
    ),
    ("POST", f"{RECOGNITION}/verifications"): Case(_bulk_verify(), Scope.registries_write),
    ("POST", f"{RECOGNITION}/registrations/{{record_id}}/erase"): Case(
        _recognition("POST", "/erase", "scored"), Scope.users_admin
    ),
    ("GET", f"{RECOGNITION}/decisions"): Case(
        simple("GET", f"{RECOGNITION}/decisions"), Scope.registries_read, away=None
    ),
    ("POST", f"{RECOGNITION}/decisions"): Case(_decision_post(), Scope.registries_write, ok=201),
    ("GET", f"{RECOGNITION}/decisions/{{record_id}}"): Case(_decision_get(), Scope.registries_read),
    ("GET", f"{RECOGNITION}/criteria"): Case(simple("GET", f"{RECOGNITION}/criteria"), None, away=None),
    ("GET", f"{RECOGNITION}/criteria/{{title}}/{{version}}"): Case(
        simple("GET", f"{RECOGNITION}/criteria/cong_dan/1?target_group=can_bo"), None, away=None
    ),
    ("POST", f"{RECOGNITION}/criteria"): Case(_criteria_post(), Scope.categories_write, ok=201, away=None),
    ("GET", f"{RECOGNITION}/figures"): Case(_place(f"{RECOGNITION}/figures"), Scope.registries_read),
    ("GET", f"{RECOGNITION}/stats/rates"): Case(_place(f"{RECOGNITION}/stats/rates"), Scope.registries_read),
    ("GET", f"{RECOGNITION}/stats/distribution"): Case(
        _place(f"{RECOGNITION}/stats/distribution", "&title=gia_dinh"), Scope.registries_read
    ),
    ("GET", f"{RECOGNITION}/templates/{{title}}"): Case(
        simple("GET", f"{RECOGNITION}/templates/don_vi?year=2026"), Scope.registries_write, away=None
    ),
    ("POST", f"{RECOGNITION}/registrations/{{record_id}}/evidence"): Case(
        _evidence_post(), Scope.registries_write, ok=201
    ),
    ("GET", f"{RECOGNITION}/registrations/{{record_id}}/evidence"): Case(
        _recognition("GET", "/evidence", "scored"), Scope.registries_read
    ),
    # The file of a home record whose bytes are not in the store (made by hand here): the scope check comes
    # first (404 away); at home the DELETE goes through, the GET is checked with real bytes in test_evidence.
    ("DELETE", f"{RECOGNITION}/evidence/{{evidence_id}}"): Case(_evidence("DELETE"), Scope.registries_write, ok=204),
    ("GET", f"{RECOGNITION}/evidence/{{evidence_id}}"): Case(_evidence("GET"), Scope.registries_read, ok=404),
    # Importing scored sheets is scoring: the commune's, not the province's (403 at home and away).
    ("POST", f"{RECOGNITION}/imports"): Case(_sheet_import(), Scope.registries_write, ok=403, away=403),
}

CASES: dict[tuple[str, str], Case] = {
    ("GET", "/api/v1/me"): Case(simple("GET", "/api/v1/me"), None, away=None),
    ("POST", "/api/v1/auth/logout"): Case(simple("POST", "/api/v1/auth/logout"), None, ok=204, away=None),
    ("GET", "/api/v1/units"): Case(simple("GET", "/api/v1/units?level=province"), None, away=None),
    ("GET", "/api/v1/units/{code}"): Case(simple("GET", f"/api/v1/units/{AWAY}"), None, away=None),
    ("GET", "/api/v1/units/{code}/children"): Case(simple("GET", f"/api/v1/units/{AWAY}/children"), None, away=None),
    ("POST", "/api/v1/units"): Case(_units_post(), Scope.units_write, ok=201),
    ("GET", "/api/v1/users"): Case(simple("GET", "/api/v1/users"), Scope.users_admin, away=None),
    ("POST", "/api/v1/users"): Case(_user_post(), Scope.users_admin, ok=201),
    ("GET", "/api/v1/users/{user_id}"): Case(_user_url("GET"), Scope.users_admin),
    ("PATCH", "/api/v1/users/{user_id}"): Case(_user_url("PATCH", {"display_name": "Đổi tên"}), Scope.users_admin),
    ("DELETE", "/api/v1/users/{user_id}"): Case(_user_url("DELETE"), Scope.users_admin, ok=204),
    ("GET", "/api/v1/api-keys"): Case(simple("GET", "/api/v1/api-keys"), Scope.keys_admin, away=None),
    ("POST", "/api/v1/api-keys"): Case(_key_post(), Scope.keys_admin, ok=201),
    ("DELETE", "/api/v1/api-keys/{key_id}"): Case(_key_delete(), Scope.keys_admin, ok=204),
    ("GET", "/api/v1/audit"): Case(simple("GET", "/api/v1/audit"), Scope.audit_read, away=None),
    ("GET", "/api/v1/reports"): Case(simple("GET", "/api/v1/reports"), Scope.reports_read, away=None),
    ("GET", "/api/v1/reports/{unit_code}/{year}"): Case(_report("GET", "draft"), Scope.reports_read),
    ("PUT", "/api/v1/reports/{unit_code}/{year}"): Case(_report_put(), Scope.reports_write, ok=201),
    ("GET", "/api/v1/reports/{unit_code}/{year}/history"): Case(
        _report("GET", "draft", "/history"), Scope.reports_read
    ),
    ("POST", "/api/v1/reports/{unit_code}/{year}/submit"): Case(
        _own_report("POST", "draft", "/submit"), Scope.reports_write
    ),
    ("POST", "/api/v1/reports/{unit_code}/{year}/approve"): Case(
        _report("POST", "submitted", "/approve"), Scope.reports_approve
    ),
    ("POST", "/api/v1/reports/{unit_code}/{year}/reopen"): Case(
        _report("POST", "approved", "/reopen", {"reason": "Sai số hội viên"}), Scope.reports_approve
    ),
    ("POST", "/api/v1/reports/{unit_code}/{year}/publish"): Case(_published("POST"), Scope.reports_publish, ok=201),
    ("DELETE", "/api/v1/reports/{unit_code}/{year}/publish"): Case(_published("DELETE"), Scope.reports_publish, ok=204),
    ("GET", "/api/v1/reports/template.xlsx"): Case(
        simple("GET", "/api/v1/reports/template.xlsx"), Scope.reports_write, away=None
    ),
    ("POST", "/api/v1/reports/imports"): Case(_import(), Scope.reports_write, away=422),
    ("GET", "/api/v1/reports/{unit_code}/{year}/summary.xlsx"): Case(
        simple("GET", "/api/v1/reports/34/2023/summary.xlsx"), Scope.stats_read, away=None
    ),
    ("GET", "/api/v1/stats/indicators"): Case(simple("GET", STATS), Scope.stats_read, away=None),
    ("GET", "/api/v1/stats/series"): Case(
        simple("GET", "/api/v1/stats/series?unit=34&indicator=members&from=2022&to=2023"), Scope.stats_read, away=None
    ),
    ("GET", "/api/v1/stats/highlights"): Case(
        simple("GET", "/api/v1/stats/highlights?unit=34&year=2023"), Scope.stats_read, away=None
    ),
    ("GET", "/api/v1/targets/{indicator}/{year}"): Case(
        simple("GET", "/api/v1/targets/learning_family_rate/2025"), Scope.stats_read, away=None
    ),
    ("PUT", "/api/v1/targets/{indicator}/{year}"): Case(_target_put(), Scope.targets_write, ok=201),
    **_registry_cases(),
    ("GET", "/api/v1/associations/{record_id}/years"): Case(
        _record_url("associations", "GET", "/years"), Scope.registries_read
    ),
    ("PUT", "/api/v1/associations/{record_id}/years/{year}"): Case(
        _record_url("associations", "PUT", "/years/2026", {"members": 40, "rating": "Vững mạnh"}),
        Scope.registries_write,
    ),
    ("GET", "/api/v1/funds/{record_id}/entries"): Case(_record_url("funds", "GET", "/entries"), Scope.registries_read),
    ("POST", "/api/v1/funds/{record_id}/entries"): Case(
        _record_url("funds", "POST", "/entries", {"kind": "contribution", "amount_vnd": 1000}),
        Scope.registries_write,
        ok=201,
        ref=(_transfer_to_away(), "to_fund_id"),
    ),
    ("GET", "/api/v1/funds/summary"): Case(_place("/api/v1/funds/summary"), Scope.registries_read),
    ("POST", "/api/v1/awards/imports"): Case(_awards_import(), Scope.registries_write, ok=201, away=422),
    ("GET", "/api/v1/awards/imports/{job_id}"): Case(_job(), Scope.registries_read),
    ("GET", "/api/v1/awards/imports/template.xlsx"): Case(
        simple("GET", "/api/v1/awards/imports/template.xlsx"), Scope.registries_write, away=None
    ),
    ("GET", "/api/v1/awards/export"): Case(simple("GET", "/api/v1/awards/export"), Scope.registries_read, away=None),
    ("GET", "/api/v1/award-categories"): Case(simple("GET", "/api/v1/award-categories"), None, away=None),
    ("POST", "/api/v1/award-categories"): Case(
        simple("POST", "/api/v1/award-categories", {"code": "hb_thu", "name": "Học bổng thử"}),
        Scope.categories_write,
        ok=201,
        away=None,
    ),
    ("GET", "/api/v1/reports/{unit_code}/{year}/reconciliation"): Case(
        _report("GET", "draft", "/reconciliation"), Scope.reports_read
    ),
    ("POST", "/api/v1/reports/{unit_code}/{year}/prefill"): Case(
        _report("POST", "draft", "/prefill"), Scope.reports_write
    ),
    ("GET", "/api/v1/inspections/coverage"): Case(_place("/api/v1/inspections/coverage"), Scope.registries_read),
    ("GET", "/api/v1/sync/changes"): Case(simple("GET", "/api/v1/sync/changes"), Scope.sync_read, away=None),
    ("PUT", "/api/v1/sync/{resource}/{external_id}"): Case(
        _sync_put(), Scope.sync_write, ok=201, ref=(_sync_fund_put(), "association_id")
    ),
    ("DELETE", "/api/v1/sync/{resource}/{external_id}"): Case(_sync_delete(), Scope.sync_write, ok=204),
    ("POST", "/api/v1/sync/{resource}:batch"): Case(_sync_batch(), Scope.sync_write, away=422),
    ("POST", "/api/v1/webhooks"): Case(_webhook_post(), Scope.sync_read, ok=201),
    ("GET", "/api/v1/webhooks"): Case(simple("GET", "/api/v1/webhooks"), Scope.sync_read, away=None),
    ("GET", "/api/v1/webhooks/{webhook_id}"): Case(_webhook("GET"), Scope.sync_read),
    ("PATCH", "/api/v1/webhooks/{webhook_id}"): Case(_webhook("PATCH", "", {"enabled": False}), Scope.sync_read),
    ("DELETE", "/api/v1/webhooks/{webhook_id}"): Case(_webhook("DELETE"), Scope.sync_read, ok=204),
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries"): Case(_webhook("GET", "/deliveries"), Scope.sync_read),
    ("GET", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}"): Case(
        _webhook("GET", delivery=True), Scope.sync_read
    ),
    ("POST", "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver"): Case(
        _webhook("POST", "/redeliver", delivery=True), Scope.sync_read, ok=202
    ),
    **RECOGNITION_CASES,
}


def route_requirements(app: FastAPI) -> dict[tuple[str, str], tuple[bool, frozenset[Scope]]]:
    """(method, path) → (needs a principal, scopes it needs), read from the OpenAPI document."""
    out = {}
    for path, ops in app.openapi()["paths"].items():
        for method, op in ops.items():
            security = op.get("security", [])
            scopes = frozenset(Scope(s) for requirement in security for names in requirement.values() for s in names)
            out[(method.upper(), path)] = (bool(security), scopes)
    return out


def test_every_route_is_guarded_or_deliberately_public(app: FastAPI) -> None:
    reqs = route_requirements(app)
    unguarded = {r for r, (needs, _) in reqs.items() if not needs}
    assert unguarded == PUBLIC
    missing = set(reqs) - PUBLIC - set(CASES)
    assert not missing, f"routes without a permission case in CASES: {sorted(missing)}"
    assert not set(CASES) - set(reqs), "CASES names routes the app no longer has"
    declared = {r: reqs[r][1] for r in CASES}
    stated = {r: frozenset({c.scope}) if c.scope else frozenset() for r, c in CASES.items()}
    assert declared == stated, "a route requires other scopes than the matrix states"


async def _call(client: httpx.AsyncClient, req: Request, headers: dict[str, str]) -> httpx.Response:
    method, url, body = req
    if body is not None and "__xlsx__" in body:
        files = {"file": ("bao-cao.xlsx", body["__xlsx__"], "application/octet-stream")}
        return await client.request(method, url, files=files, headers=headers)
    if body is not None and "__png__" in body:
        files = {"file": ("anh.png", body["__png__"], "image/png")}
        return await client.request(method, url, files=files, headers=headers)
    if body is not None and "__file__" in body:
        name, content = body["__file__"]
        return await client.request(method, url, files={"file": (name, content, "text/csv")}, headers=headers)
    return await client.request(method, url, json=body, headers=headers)


@pytest.fixture
async def ctx(session: AsyncSession) -> Ctx:
    c = Ctx(session)
    for where, province in (("home", HOME), ("away", AWAY)):
        parent = aliased(Unit)
        stmt = (
            select(Unit.code)
            .join(parent, Unit.parent_id == parent.id)
            .where(parent.code == province, Unit.valid_to.is_(None), Unit.level == "commune")
            .order_by(Unit.code)
            .limit(1)
        )
        c.commune[where] = str(await session.scalar(stmt))
    return c


async def test_unauthenticated_calls_get_401_everywhere_but_the_public_routes(
    anon: httpx.AsyncClient, ctx: Ctx
) -> None:
    for (method, path), case in CASES.items():
        r = await _call(anon, await case.build(ctx, "home"), {})
        assert r.status_code == 401, f"{method} {path}: {r.status_code} {r.text}"
        assert r.headers["content-type"] == "application/problem+json"
    assert (await anon.get("/api/v1/health")).status_code == 200
    assert (await anon.get("/api/v1/ready")).status_code == 200


@pytest.mark.parametrize("role", list(Role))
async def test_each_role_in_and_out_of_scope(
    role: Role, anon: httpx.AsyncClient, ctx: Ctx, make_account: MakeAccount
) -> None:
    failures = []
    for (method, path), case in CASES.items():
        allowed = case.scope is None or case.scope in ROLE_SCOPES[role]
        for where in ("home", "away") if case.away is not None else ("home",):
            caller = await make_account(role.value, HOME)  # fresh: logout ends a token, deletes change state
            r = await _call(anon, await case.build(ctx, where), caller.headers)
            expected = (case.ok if where == "home" else case.away) if allowed else 403
            if r.status_code != expected:
                failures.append(
                    f"{role} {method} {path} [{where}]: expected {expected}, got {r.status_code} {r.text[:200]}"
                )
            elif r.status_code >= 400:
                assert r.headers["content-type"] == "application/problem+json"
        if case.ref is not None:
            failures += await _reference_out_of_scope(anon, ctx, make_account, role, (method, path), case, allowed)
    assert not failures, "\n".join(failures)


async def _reference_out_of_scope(
    anon: httpx.AsyncClient,
    ctx: Ctx,
    make_account: MakeAccount,
    role: Role,
    route: tuple[str, str],
    case: Case,
    allowed: bool,
) -> list[str]:
    """The "reference an out-of-scope id" column: 404 naming the field (403 without the permission)."""
    assert case.ref is not None
    build, ref_field = case.ref
    caller = await make_account(role.value, HOME)
    r = await _call(anon, await build(ctx, "home"), caller.headers)
    expected = 404 if allowed else 403
    named = r.status_code != 404 or [e["loc"][-1] for e in r.json().get("errors", [])] == [ref_field]
    if r.status_code != expected or not named:
        where = f"{role} {route[0]} {route[1]} [reference {ref_field}]"
        return [f"{where}: expected {expected}, got {r.status_code} {r.text[:200]}"]
    return []
