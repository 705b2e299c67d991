"""Cursor (keyset) pagination: ``{"items": [...], "next_cursor": ...}`` with ``?limit=`` and ``?cursor=``."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from api.core.config import get_settings
from api.core.errors import ErrorItem, ValidationFailed
from api.core.sql import AnyRow, AnySelect

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T] = Field(description="This page's records.")
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


@dataclass(frozen=True)
class PageParams:
    limit: int
    after: tuple[Any, ...] | None


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[Any, ...]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or not values:
        raise ValidationFailed(
            "Con trỏ phân trang không hợp lệ.",
            errors=[ErrorItem(loc=["query", "cursor"], msg="Con trỏ không hợp lệ", type="cursor_invalid")],
        )
    return tuple(values)


MAX_PAGE_SIZE = 1000  # the schema's maximum; KH_MAX_PAGE_SIZE may only lower it


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size (default 50, at most KH_MAX_PAGE_SIZE, 1000).")
    ] = 50,
    cursor: Annotated[str | None, Query(description="The next_cursor of the previous page.")] = None,
) -> PageParams:
    maximum = get_settings().max_page_size
    if limit > maximum:
        raise ValidationFailed(
            f"limit tối đa là {maximum}.",
            errors=[
                ErrorItem(loc=["query", "limit"], msg=f"Giá trị quá lớn (giới hạn {maximum})", type="less_than_equal")
            ],
        )
    return PageParams(limit=limit, after=_decode_cursor(cursor) if cursor else None)


PageDep = Annotated[PageParams, Depends(page_params)]


async def paginate_rows(
    session: AsyncSession,
    stmt: AnySelect,
    *,
    order: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
    page: PageParams,
    descending: bool = False,
) -> tuple[list[Any], str | None]:
    """Rows of ``stmt`` after the cursor, ordered by the (unique) ``order`` columns, ascending unless ``descending``."""
    if page.after is not None:
        if len(page.after) != len(order):
            raise ValidationFailed(
                "Con trỏ phân trang không khớp với danh sách này.",
                errors=[ErrorItem(loc=["query", "cursor"], msg="Con trỏ không hợp lệ", type="cursor_invalid")],
            )
        after = [_cursor_value(value, column) for value, column in zip(page.after, order, strict=True)]
        key, bound = tuple_(*order), tuple_(*after)
        stmt = stmt.where(key < bound if descending else key > bound)
    sort = [c.desc() for c in order] if descending else list(order)
    rows = list((await session.execute(stmt.order_by(*sort).limit(page.limit + 1))).all())
    next_cursor = None
    if len(rows) > page.limit:
        rows = rows[: page.limit]
        next_cursor = encode_cursor([_jsonable(_key_value(rows[-1], c)) for c in order])
    return rows, next_cursor


_INT_RANGE = range(-(2**63), 2**63)


def _cursor_value(value: Any, column: Any) -> Any:
    """A cursor's value checked against its column's type: the client can write any JSON into a cursor."""
    try:
        kind = column.type.python_type
    except (AttributeError, NotImplementedError):
        kind = None
    ok = {
        int: isinstance(value, int) and not isinstance(value, bool) and value in _INT_RANGE,
        str: isinstance(value, str) and "\x00" not in value,
    }.get(kind, isinstance(value, int | str) and not isinstance(value, bool))
    if not ok:
        raise ValidationFailed(
            "Con trỏ phân trang không hợp lệ.",
            errors=[ErrorItem(loc=["query", "cursor"], msg="Con trỏ không hợp lệ", type="cursor_invalid")],
        )
    return value


def _key_value(row: AnyRow, column: Any) -> Any:
    """The sort key of a row of columns, or of a row holding one ORM entity."""
    try:
        return row._mapping[column]
    except KeyError:
        return getattr(row[0], column.key)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
