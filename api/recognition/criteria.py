"""Criteria sets as versioned data: version 1 of each title (and citizens' target group) is the shipped file
in ``data/``; an admin publishes versions 2, 3, … for a year. A sheet keeps the version it was scored on.

The pass rule is data too: a minimum total and a minimum per index (citizens: ≥ 80 points and no index
below 5, QĐ 677). Point tables that are not confirmed by a published source are marked ``confirmed: false``.

A set may also carry a rating rule (Thông tư 44/2014/TT-BGDĐT, commune learning communities): ordered bands
(Tốt, Khá, Trung bình, Chưa đạt), each with a least total and a least share of every standard's (criterion's)
maximum; a sheet gets the first band whose cut-offs it meets, and the last band (Chưa đạt) is the catch-all.
A rated sheet passes (may be recognised) when it meets the pass rule AND its band is not the last one. The
cut-offs are data of the version, so a sheet keeps the band its version gave it.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth.principal import Principal
from api.core.errors import ErrorItem, NotFound, ValidationFailed
from api.models import CriteriaSet

DATA = Path(__file__).parent / "data"
Title = Literal["gia_dinh", "dong_ho", "cong_dong", "don_vi", "cong_dan", "cong_dong_xa"]
TargetGroup = Literal["nong_dan", "cong_nhan", "can_bo"]
TITLES: dict[str, str] = {
    "gia_dinh": "Gia đình học tập",
    "dong_ho": "Dòng họ học tập",
    "cong_dong": "Cộng đồng học tập",
    "don_vi": "Đơn vị học tập",
    "cong_dan": "Công dân học tập",
    "cong_dong_xa": "Cộng đồng học tập cấp xã",
}
# Titles whose registrant is the commune itself (no personal data): it scores itself, the level above verifies
# and recognises.
SELF_ASSESSED = frozenset({"cong_dong_xa"})
GROUPS: dict[str, str] = {
    "nong_dan": "Nông dân, lao động nông thôn",
    "cong_nhan": "Công nhân, người lao động, thợ thủ công",
    "can_bo": "Cán bộ, công chức, viên chức, người quản lý, người có trình độ cao đẳng trở lên",
}


class IndexDef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[0-9A-Za-z.]{1,16}$", description="Index code, e.g. 1.2.")
    name: str = Field(min_length=1, max_length=500, description="Vietnamese name.")
    max_points: int = Field(strict=True, ge=1, le=100, description="Most points the index gives.")
    confirmed: bool = Field(default=False, description="false: an editable default, not from a published source.")


class CriterionDef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[0-9A-Za-z.]{1,16}$")
    name: str = Field(min_length=1, max_length=500)
    confirmed: bool = False
    indices: list[IndexDef] = Field(min_length=1, max_length=50)


class PassRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min_total: int = Field(strict=True, ge=0, le=1000, description="Least total to be recognised.")
    min_per_index: int = Field(strict=True, ge=0, le=100, description="No index may score below this.")
    confirmed: bool = Field(default=False, description="false: an editable default.")


class Band(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z_]{1,16}$", description="Band code, e.g. tot, kha, trung_binh, chua_dat.")
    name: str = Field(min_length=1, max_length=100, description="Vietnamese name, e.g. Tốt.")
    min_total: int = Field(strict=True, ge=0, le=1000, description="Least total of the band.")
    min_criterion_share: int = Field(
        default=0,
        strict=True,
        ge=0,
        le=100,
        description="Least points of every criterion (standard), in percent of its maximum (0: no floor).",
    )


class RatingRule(BaseModel):
    """Ordered bands, best first; the last one (e.g. Chưa đạt) is the catch-all and is not recognised."""

    model_config = ConfigDict(extra="forbid")

    bands: list[Band] = Field(min_length=2, max_length=10)
    confirmed: bool = Field(default=False, description="false: the cut-offs are editable defaults.")

    @model_validator(mode="after")
    def _ordered(self) -> RatingRule:
        codes = [b.code for b in self.bands]
        if len(codes) != len(set(codes)):
            raise ValueError("Mã xếp loại bị trùng.")
        last = self.bands[-1]
        if last.min_total != 0 or last.min_criterion_share != 0:
            raise ValueError("Mức xếp loại cuối cùng (Chưa đạt) phải không có ngưỡng (0 điểm, 0 %).")
        for better, worse in itertools.pairwise(self.bands):
            b, w = (better.min_total, better.min_criterion_share), (worse.min_total, worse.min_criterion_share)
            if b == w or b[0] < w[0] or b[1] < w[1]:
                raise ValueError(f"Ngưỡng của mức {better.name} phải cao hơn mức {worse.name} (xếp từ cao xuống thấp).")
        return self


class CriteriaContent(BaseModel):
    """A criteria set: criteria, their indices with maximum points, the pass rule and (optionally) the rating."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    target_group: TargetGroup | None = None
    name: str = Field(min_length=1, max_length=300)
    source: str = Field(default="", max_length=500)
    notes: str = Field(default="", max_length=2000)
    pass_rule: PassRule
    rating_rule: RatingRule | None = Field(
        default=None, description="Bands with cut-offs (Thông tư 44: Tốt, Khá, Trung bình, Chưa đạt); null: none."
    )
    criteria: list[CriterionDef] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _unique_codes(self) -> CriteriaContent:
        codes = [i.code for c in self.criteria for i in c.indices]
        if len(codes) != len(set(codes)):
            raise ValueError("Mã chỉ số bị trùng.")
        if any(i.max_points < self.pass_rule.min_per_index for c in self.criteria for i in c.indices):
            raise ValueError("Điểm tối đa của một chỉ số nhỏ hơn mức tối thiểu mỗi chỉ số.")
        if self.rating_rule is not None and self.rating_rule.bands[0].min_total > self.max_total:
            raise ValueError("Ngưỡng của mức xếp loại cao nhất lớn hơn tổng điểm tối đa.")
        return self

    def indices(self) -> list[IndexDef]:
        return [i for c in self.criteria for i in c.indices]

    @property
    def max_total(self) -> int:
        return sum(i.max_points for i in self.indices())


@dataclass(frozen=True)
class Result:
    total: int
    passed: bool
    below: list[str]  # indices under the minimum
    rating: str | None = None  # the band's code, when the set has a rating rule


def rate(content: CriteriaContent, scores: dict[str, int]) -> str | None:
    """The first band (best first) whose least total and least share of every criterion the sheet meets."""
    rule = content.rating_rule
    if rule is None:
        return None
    total = sum(scores.values())
    # Each criterion's points and maximum: a share is met when points * 100 >= share * maximum (whole numbers).
    parts = [
        (sum(scores.get(i.code, 0) for i in c.indices), sum(i.max_points for i in c.indices)) for c in content.criteria
    ]
    for band in rule.bands:
        if total >= band.min_total and all(p * 100 >= band.min_criterion_share * m for p, m in parts):
            return band.code
    return rule.bands[-1].code


def recognisable(content: CriteriaContent, rating: str | None) -> bool:
    """Whether a band may be recognised: any but the last (Chưa đạt); always, without a rating rule."""
    return content.rating_rule is None or rating != content.rating_rule.bands[-1].code


def evaluate(content: CriteriaContent, scores: dict[str, int]) -> Result:
    """The pass rule: total ≥ min_total and every index ≥ min_per_index (scores are checked first); with a
    rating rule, also a band above the last."""
    return evaluator(content)(scores)


def evaluator(content: CriteriaContent) -> Callable[[dict[str, int]], Result]:
    """``evaluate``'s rule with the set read once, for many sheets of one set (an import)."""
    codes = [i.code for i in content.indices()]
    code_set = frozenset(codes)
    least, least_total = content.pass_rule.min_per_index, content.pass_rule.min_total

    def run(scores: dict[str, int]) -> Result:
        total = sum(scores.values())
        # A sheet with every index scored at or above the least (most of an import's): no index to look at.
        complete = scores.keys() == code_set and min(scores.values(), default=least) >= least
        below = [] if complete else [code for code in codes if scores.get(code, 0) < least]
        rating = rate(content, scores)  # None without a rating rule, which recognisable() then accepts
        return Result(total, total >= least_total and not below and recognisable(content, rating), below, rating)

    return run


def check_scores(
    content: CriteriaContent, scores: dict[str, int], loc: tuple[str | int, ...] = ("body", "scores")
) -> None:
    """Every index of the set scored once, between 0 and its maximum; nothing else (422 naming the index)."""
    known = {i.code: i for i in content.indices()}
    errors = [
        ErrorItem(loc=[*loc, k], msg="Không có chỉ số này trong bộ tiêu chí", type="unknown_index")
        for k in scores
        if k not in known
    ]
    for code, ix in known.items():
        value = scores.get(code)
        if value is None:
            errors.append(ErrorItem(loc=[*loc, code], msg="Thiếu điểm chỉ số này", type="missing"))
        elif isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ix.max_points:
            errors.append(
                ErrorItem(loc=[*loc, code], msg=f"Điểm phải là số nguyên từ 0 đến {ix.max_points}", type="out_of_range")
            )
    if errors:
        raise ValidationFailed("Phiếu chấm điểm chưa hợp lệ.", errors=errors)


def key_of(title: str, target_group: str | None) -> str:
    return f"{title}_{target_group}" if title == "cong_dan" else title


def check_group(title: str, target_group: str | None, loc: tuple[str, ...] = ("body", "target_group")) -> None:
    if (title == "cong_dan") != (target_group is not None):
        msg = "Công dân học tập cần nhóm đối tượng" if title == "cong_dan" else "Chỉ công dân học tập có nhóm đối tượng"
        raise ValidationFailed(msg + ".", errors=[ErrorItem(loc=list(loc), msg=msg, type="target_group")])


@functools.cache
def shipped(key: str) -> CriteriaContent:
    """Version 1: the data file."""
    return CriteriaContent.model_validate(json.loads((DATA / f"{key}.json").read_text(encoding="utf-8")))


def shipped_keys() -> list[tuple[str, str | None]]:
    return [
        ("cong_dan", g) if t == "cong_dan" else (t, None) for t in TITLES for g in (GROUPS if t == "cong_dan" else [""])
    ]


async def get(session: AsyncSession, title: str, target_group: str | None, version: int) -> CriteriaContent:
    if version == 1:
        return shipped(key_of(title, target_group))
    row = await session.scalar(
        select(CriteriaSet).where(
            CriteriaSet.title == title, CriteriaSet.target_group == (target_group or ""), CriteriaSet.version == version
        )
    )
    if row is None:
        raise NotFound(f"Không có phiên bản {version} của bộ tiêu chí {key_of(title, target_group)}.")
    return CriteriaContent.model_validate(row.content)


async def current_version(session: AsyncSession, title: str, target_group: str | None, year: int) -> int:
    """The newest version published for ``year`` or an earlier year (1 when none was)."""
    found = await session.scalar(
        select(func.max(CriteriaSet.version)).where(
            CriteriaSet.title == title, CriteriaSet.target_group == (target_group or ""), CriteriaSet.year <= year
        )
    )
    return int(found or 1)


async def versions(session: AsyncSession) -> list[dict[str, Any]]:
    """Every version: the shipped ones (version 1, every year) and those published."""
    out: list[dict[str, Any]] = [
        {"title": t, "target_group": g, "version": 1, "year": None, "name": shipped(key_of(t, g)).name}
        for t, g in shipped_keys()
    ]
    rows = await session.scalars(
        select(CriteriaSet).order_by(CriteriaSet.title, CriteriaSet.target_group, CriteriaSet.version)
    )
    out += [
        {
            "title": r.title,
            "target_group": r.target_group or None,
            "version": r.version,
            "year": r.year,
            "name": r.content.get("name", ""),
        }
        for r in rows
    ]
    return out


async def publish(session: AsyncSession, content: CriteriaContent, year: int, by: str) -> CriteriaSet:
    last = await session.scalar(
        select(func.max(CriteriaSet.version)).where(
            CriteriaSet.title == content.title, CriteriaSet.target_group == (content.target_group or "")
        )
    )
    row = CriteriaSet(
        title=content.title,
        target_group=content.target_group or "",
        version=int(last or 1) + 1,
        year=year,
        content=content.model_dump(mode="json"),
        published_by=by,
    )
    session.add(row)
    await session.flush()
    return row


async def year_of(session: AsyncSession, title: str, target_group: str | None, version: int) -> int | None:
    return await session.scalar(
        select(CriteriaSet.year).where(
            CriteriaSet.title == title, CriteriaSet.target_group == (target_group or ""), CriteriaSet.version == version
        )
    )


async def audit_publish(session: AsyncSession, principal: Principal, row: CriteriaSet) -> None:
    """Criteria sets are reference data, not records of a unit: an audit entry, no feed change."""
    await journal.audit(
        session,
        principal,
        action="publish",
        entity="recognition_criteria_set",
        entity_id=row.id,
        changes={
            "title": [None, row.title],
            "target_group": [None, row.target_group or None],
            "version": [None, row.version],
            "year": [None, row.year],
            "content": [None, row.content],
        },
    )
