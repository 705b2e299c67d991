"""Demo recognition records (synthetic names, no real person): one commune of Thái Bình (old map) keeps its 2023
registrations, score sheets, verifications and decisions, made so that the registered and recognised counts
equal that commune's demo report: the reconciliation shows agreement there. The commune also rated itself on
Thông tư 44 (``cong_dong_xa``): recognised, in the band its sheet gives, when its report counts it rated."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth.principal import SYSTEM
from api.models import RecognitionDecision, Registration, Report, Unit, UnitSource
from api.recognition import criteria
from api.recognition.service import DEC, FIGURES, REG
from api.reports import derived

COMMUNE, YEAR = "12994", 2023  # the smallest of the demo's Thái Bình communes (fast to load)
DECIDED_ON = dt.date(2023, 12, 8)
NAMES = {
    "gia_dinh": "Hộ gia đình số {i}",
    "dong_ho": "Dòng họ số {i}",
    "cong_dong": "Thôn số {i}",
    "don_vi": "Đơn vị số {i}",
    "cong_dan": "Công dân số {i}",
    "cong_dong_xa": "{commune}",
}
GROUPS = ("nong_dan", "cong_nhan", "can_bo")


def _sheet(content: criteria.CriteriaContent, passing: bool, i: int) -> dict[str, int]:
    """Passing: every index at 80–100 % of its maximum; else one index under the floor."""
    scores = {ix.code: ix.max_points - (i + k) % max(1, ix.max_points // 5) for k, ix in enumerate(content.indices())}
    if not passing:
        scores[content.indices()[i % len(content.indices())].code] = content.pass_rule.min_per_index - 1
    result = criteria.evaluate(content, scores)
    assert result.passed == passing, (scores, result)
    return scores


async def load_recognition(session: AsyncSession) -> int:
    """Insert the demo commune's records once; returns how many registrations were added."""
    unit = (
        await session.execute(
            select(Unit.id, Unit.path, Unit.name).where(Unit.code == COMMUNE, Unit.source == UnitSource.pre_2025.value)
        )
    ).one_or_none()
    if unit is None or await session.scalar(select(Registration.id).where(Registration.unit_id == unit.id).limit(1)):
        return 0
    report = await session.scalar(select(Report).where(Report.unit_id == unit.id, Report.year == YEAR))
    if report is None:
        return 0
    scorer_path = unit.path  # the commune scored; the province (above it) verified
    added: list[Registration] = []
    decisions: list[RecognitionDecision] = []
    for title, (registered_name, recognised_name) in FIGURES.items():
        recognised = getattr(report, recognised_name) or 0
        # The commune itself (cong_dong_xa) registers once; the other titles as many as its report counts.
        own = registered_name is None
        registered = 1 if registered_name is None else getattr(report, registered_name) or 0
        decision = RecognitionDecision(
            unit_id=unit.id,
            unit_path=unit.path,
            title=title,
            year=YEAR,
            authority="UBND huyện" if own else "UBND xã",  # before 2025 the district recognised a commune
            number=f"{len(decisions) + 21}/QĐ-UBND",
            decided_on=DECIDED_ON,
            recognised=recognised,
        )
        session.add(decision)
        await session.flush()
        decisions.append(decision)
        for i in range(registered):
            group = GROUPS[i % 3] if title == "cong_dan" else None
            content = criteria.shipped(criteria.key_of(title, group))
            passing = i < recognised
            scored = passing or (i % 2 == 0 and not own)  # of the rest, half were scored and fell short
            scores = _sheet(content, passing, i) if scored else None
            result = criteria.evaluate(content, scores) if scores else None
            added.append(
                Registration(
                    unit_id=unit.id,
                    unit_path=unit.path,
                    title=title,
                    target_group=group,
                    year=YEAR,
                    name=NAMES[title].format(i=i + 1, commune=unit.name),
                    village="" if own else f"Thôn {i % 6 + 1}",
                    status="recognised" if passing else ("verified" if scored else "registered"),
                    criteria_version=1 if scored else None,
                    scores=scores,
                    total=result.total if result else None,
                    passed=result.passed if result else None,
                    rating=result.rating if result else None,
                    scored_by_kind="system" if scored else None,
                    scored_by_unit_path=scorer_path if scored else None,
                    scored_on=dt.date(YEAR, 10, 15) if scored else None,
                    verified_by_kind="system" if scored else None,
                    verified_on=dt.date(YEAR, 11, 20) if scored else None,
                    decision_id=decision.id if passing else None,
                    erased=False,
                )
            )
    session.add_all(added)
    await session.flush()
    await journal.write_many(session, SYSTEM, action="import", kind=DEC, objs=decisions)
    await journal.write_many(session, SYSTEM, action="import", kind=REG, objs=added)
    # The report follows the records (it already agrees: nothing is written unless the two ever differ).
    await derived.refresh(session, SYSTEM, YEAR, [unit.path], FIGURES)
    return len(added)
