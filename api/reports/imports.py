"""Importing many units' draft reports from one Excel file: all rows or none."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import scope
from api.auth.principal import Principal
from api.core.errors import ErrorItem, ValidationFailed
from api.models import Report, ReportStatus
from api.reports import derived
from api.reports.excel import Parsed, cell_error
from api.reports.schemas import ImportResult
from api.reports.service import write_figures
from api.reports.validation import check
from api.units import dating

_STATUS_VI = {"submitted": "đã nộp", "approved": "đã phê duyệt"}


async def import_reports(
    session: AsyncSession, principal: Principal, year: int, parsed: Parsed, *, dry_run: bool
) -> ImportResult:
    day = dating.year_end(year)  # a report's codes are read on 31 December of its year (api.units.dating)
    errors: list[ErrorItem] = list(parsed.errors)
    found = await dating.resolve_many(session, {(r.unit_code, day) for r in parsed.rows})
    units = {code: u for (code, _), u in found.items()}
    existing = {
        r.unit_id: r
        for r in (
            await session.scalars(
                select(Report).where(Report.year == year, Report.unit_id.in_([u.id for u in units.values()]))
            )
        ).all()
    }
    code_column = "A"
    first_row: dict[str, int] = {}
    for row in parsed.rows:
        unit = units.get(row.unit_code)
        if row.unit_code in first_row:
            errors.append(
                cell_error(
                    row.row, code_column, f"Mã {row.unit_code} đã có ở dòng {first_row[row.unit_code]}", "duplicate"
                )
            )
            continue
        first_row[row.unit_code] = row.row
        if unit is None or not scope.visible(principal, unit.path):
            errors.append(
                cell_error(
                    row.row,
                    code_column,
                    f"Không có đơn vị mã {row.unit_code} trong phạm vi của bạn vào năm {year}",
                    "unknown_unit",
                )
            )
            continue
        report = existing.get(unit.id)
        if report is not None and report.status != ReportStatus.draft:
            errors.append(
                cell_error(
                    row.row,
                    code_column,
                    f"Báo cáo năm {year} của {row.unit_code} {_STATUS_VI[report.status]}; cần mở lại trước",
                    "locked",
                )
            )
            continue
        figures, contradicted = await derived.fill(session, unit, year, row.figures)
        for e in contradicted + check(figures, level=unit.level, complete=False):
            name = str(e.loc[-1])
            errors.append(cell_error(row.row, parsed.columns.get(name, name), e.msg, e.type))
    if errors:
        raise ValidationFailed(
            f"Tệp có {len(errors)} lỗi; chưa nhập gì. Sửa các ô được chỉ ra rồi gửi lại.", errors=errors[:1000]
        )
    created = updated = 0
    if not dry_run:
        for row in parsed.rows:
            unit = units[row.unit_code]
            report = existing.get(unit.id)
            existed = report is not None
            await write_figures(session, principal, unit, year, report, row.figures, action="import")
            if existed:
                updated += 1
            else:
                created += 1
    else:
        created = sum(1 for r in parsed.rows if units[r.unit_code].id not in existing)
        updated = len(parsed.rows) - created
    return ImportResult(year=year, dry_run=dry_run, rows=len(parsed.rows), created=created, updated=updated)
