"""Awards and scholarships: an award paid from a fund posts its disbursement in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import journal
from api.auth import scope
from api.auth.principal import Principal
from api.awards.schemas import AwardIn, AwardOut, AwardUpdate
from api.core.errors import Conflict, ErrorItem, ValidationFailed
from api.core.text import today_vn
from api.funds import ledger
from api.funds.registry import REGISTRY as FUNDS
from api.models import Award, AwardCategory, Fund, FundEntry
from api.registries import kit

FIELDS = ("year", "awarded_on", "recipient_name", "recipient_kind", "school", "amount_vnd", "gift_value_vnd", "fund_id")


async def category_names(session: AsyncSession) -> dict[str, tuple[int, str]]:
    """Each category's id and Vietnamese name by code (imports accept the name too)."""
    return {c.code: (c.id, c.name) for c in (await session.scalars(select(AwardCategory))).all()}


async def category_ids(session: AsyncSession) -> dict[str, int]:
    return {c.code: c.id for c in (await session.scalars(select(AwardCategory))).all()}


async def _category(session: AsyncSession, code: str) -> int:
    found = (await category_ids(session)).get(code)
    if found is None:
        raise ValidationFailed(
            f"Không có loại khen thưởng “{code}”.",
            errors=[
                ErrorItem(loc=["body", "category"], msg="Không có loại này (xem /award-categories)", type="unknown")
            ],
        )
    return found


async def to_out(session: AsyncSession, awards: Sequence[Award]) -> list[AwardOut]:
    codes = await kit.unit_codes(session, {a.unit_id for a in awards})
    categories = {v: k for k, v in (await category_ids(session)).items()}
    return [
        AwardOut(
            id=a.id,
            unit_code=codes[a.unit_id],
            external_id=a.external_id,
            partner=a.partner,
            version=a.version,
            created_at=a.created_at,
            updated_at=a.updated_at,
            year=a.year,
            awarded_on=a.awarded_on,
            recipient_name=a.recipient_name,
            recipient_kind=a.recipient_kind,
            school=a.school,
            category=categories[a.category_id],
            amount_vnd=a.amount_vnd,
            gift_value_vnd=a.gift_value_vnd,
            fund_id=a.fund_id,
            import_job_id=a.import_job_id,
        )
        for a in awards
    ]


REGISTRY = kit.Registry(
    entity="award",
    label="khen thưởng",
    model=Award,
    out=AwardOut,
    fields=FIELDS,
    filters={"year": "year", "recipient_kind": "recipient_kind"},
    dated_by=("awarded_on", "year"),
    serializer=lambda session, objs: to_out(session, objs),
)


async def create(session: AsyncSession, principal: Principal, data: AwardIn, *, pay: bool = True) -> Award:
    """``pay=False``: a mirror copy links its fund without paying, its disbursement is a copied entry of its own."""
    unit_id, path = await kit.unit_for_write(session, principal, kit.unit_ref(REGISTRY, data))
    category_id = await _category(session, data.category)
    fund = None
    if data.fund_id is not None:
        fund = await scope.resolve_reference(session, principal, Fund, data.fund_id, field="fund_id", label="quỹ")
    values = data.model_dump(include=set(FIELDS))
    award = Award(
        unit_id=unit_id,
        unit_path=path,
        category_id=category_id,
        external_id=data.external_id,
        partner=kit.partner_of(principal),
        **values,
    )
    session.add(award)
    await session.flush()
    await journal.write(session, principal, action="create", kind="award", obj=award)
    # After the award: the feed names the award before the fund entry that refers to it.
    if fund is not None and pay and award.amount_vnd > 0:
        await ledger.post(
            session,
            principal,
            fund,
            "disbursement",
            award.amount_vnd,
            award.awarded_on or today_vn(),
            f"Chi trao thưởng: {award.recipient_name}",
            award_id=award.id,
        )
    return award


async def update(session: AsyncSession, principal: Principal, award: Award, data: AwardUpdate) -> Award:
    values = data.model_dump(exclude_unset=True)
    if award.fund_id is not None and "amount_vnd" in values and values["amount_vnd"] != award.amount_vnd:
        raise Conflict("Khoản thưởng đã chi từ quỹ: không sửa số tiền; hãy xoá (quỹ được hoàn lại) rồi ghi lại.")
    before = await journal.snapshot(session, "award", award)
    if "category" in values:
        award.category_id = await _category(session, values.pop("category"))
    for k, v in values.items():
        setattr(award, k, v)
    await session.flush()
    await journal.write(session, principal, action="update", kind="award", obj=award, before=before)
    return award


async def delete(session: AsyncSession, principal: Principal, award: Award) -> None:
    """Delete an award; money it took from a fund goes back through a reversal entry."""
    paid = await session.scalars(
        select(FundEntry).where(FundEntry.award_id == award.id, FundEntry.kind == "disbursement")
    )
    reversed_ids = set(
        (await session.scalars(select(FundEntry.reverses_entry_id).where(FundEntry.award_id == award.id))).all()
    )
    for entry in paid.all():
        if entry.id in reversed_ids:
            continue
        fund = await kit.get(session, principal, FUNDS, entry.fund_id)
        await ledger.reverse(session, principal, fund, entry.id, today_vn(), f"Huỷ khoản thưởng {award.id}")
    before = await journal.snapshot(session, "award", award)
    await journal.write(session, principal, action="delete", kind="award", obj=award, before=before, delete=True)
    await session.delete(award)
    await session.flush()
