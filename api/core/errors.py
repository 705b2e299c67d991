"""Typed errors rendered as RFC 9457 ``application/problem+json``.

Services raise ``AppError`` subclasses, never ``HTTPException``; the handlers here turn every
error (ours, FastAPI's validation errors, Starlette's 404/405, database outages, bugs) into
one problem document. A 500 never carries internals; its ``request_id`` leads to the log line.
"""

from __future__ import annotations

import errno
import re
import socket
from collections.abc import Sequence
from typing import Any, ClassVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.core.requestid import current_request_id

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger(__name__)


def problem_type(slug: str) -> str:
    return f"urn:khuyenhoc:problem:{slug}"


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(description="Where the error is: e.g. ['query', 'as_of'] or ['body', 'members'].")
    msg: str = Field(description="What is wrong, in Vietnamese.")
    type: str = Field(description="A stable machine-readable error code.")
    row: int | None = Field(default=None, description="Imports: the spreadsheet row (the header is row 1).")
    column: str | None = Field(default=None, description="Imports: the column letter and its header.")


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = Field(description="A URI naming the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong in this request.")
    request_id: str | None = Field(default=None, description="The X-Request-ID of the request, for support.")
    errors: list[ErrorItem] | None = Field(default=None, description="Each invalid field (validation errors).")


class AppError(Exception):
    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal"
    title: ClassVar[str] = "Lỗi hệ thống"

    def __init__(self, detail: str, *, errors: Sequence[ErrorItem] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = list(errors) if errors else None
        self.extra = extra
        self.headers: dict[str, str] = {}


class BadRequest(AppError):
    status, slug, title = 400, "bad-request", "Yêu cầu không hợp lệ"


class Unauthorized(AppError):
    status, slug, title = 401, "unauthorized", "Chưa đăng nhập"


class Forbidden(AppError):
    status, slug, title = 403, "forbidden", "Không có quyền"


class NotFound(AppError):
    status, slug, title = 404, "not-found", "Không tìm thấy"


class Conflict(AppError):
    status, slug, title = 409, "conflict", "Xung đột dữ liệu"


class PreconditionFailed(AppError):
    status, slug, title = 412, "precondition-failed", "Dữ liệu đã bị người khác thay đổi"


class PayloadTooLarge(AppError):
    status, slug, title = 413, "too-large", "Dữ liệu gửi lên quá lớn"


class PreconditionRequired(AppError):
    status, slug, title = 428, "precondition-required", "Cần gửi kèm If-Match"


class ValidationFailed(AppError):
    status, slug, title = 422, "validation", "Dữ liệu không hợp lệ"


class ServiceUnavailable(AppError):
    status, slug, title = 503, "unavailable", "Dịch vụ tạm thời không sẵn sàng"


# Vietnamese messages for the pydantic error types people meet most; others keep pydantic's text.
_PYDANTIC_MSG_VI = {
    "missing": "Thiếu trường bắt buộc",
    "int_parsing": "Phải là một số nguyên",
    "int_type": "Phải là một số nguyên",
    "int_from_float": "Phải là một số nguyên (không có phần thập phân)",
    "float_parsing": "Phải là một số",
    "bool_parsing": "Phải là true hoặc false",
    "date_from_datetime_parsing": "Ngày không hợp lệ, cần dạng YYYY-MM-DD",
    "date_parsing": "Ngày không hợp lệ, cần dạng YYYY-MM-DD",
    "datetime_from_date_parsing": "Thời điểm không hợp lệ, cần dạng RFC 3339",
    "datetime_parsing": "Thời điểm không hợp lệ, cần dạng RFC 3339",
    "enum": "Giá trị không nằm trong danh sách cho phép",
    "literal_error": "Giá trị không nằm trong danh sách cho phép",
    "greater_than_equal": "Giá trị quá nhỏ",
    "less_than_equal": "Giá trị quá lớn",
    "string_too_long": "Chuỗi quá dài",
    "string_too_short": "Chuỗi quá ngắn",
    "string_pattern_mismatch": "Sai định dạng",
    "json_invalid": "JSON không hợp lệ",
    "model_attributes_type": "Phải là một đối tượng JSON",
    "extra_forbidden": "Trường không được phép",
}


def _vi_message(err: dict[str, Any]) -> str:
    base = _PYDANTIC_MSG_VI.get(err["type"])
    ctx = err.get("ctx") or {}
    if base is None:
        return str(err["msg"])
    if err["type"] in {"enum", "literal_error"} and "expected" in ctx:
        return f"{base}: {str(ctx['expected']).replace(' or ', ' hoặc ')}"
    if err["type"] in {"greater_than_equal", "less_than_equal"}:
        bound = ctx.get("ge", ctx.get("le"))
        return f"{base} (giới hạn {bound})"
    return base


def problem_response(
    status: int,
    slug: str,
    title: str,
    detail: str,
    *,
    errors: Sequence[ErrorItem] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        **(extra or {}),  # extension members never replace the standard ones
        "type": problem_type(slug),
        "title": title,
        "status": status,
        "detail": detail,
        "request_id": current_request_id(),
    }
    if errors:
        body["errors"] = [e.model_dump(exclude_none=True) for e in errors]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def validation_items(raw: Sequence[Any]) -> list[ErrorItem]:
    return [ErrorItem(loc=list(e["loc"]), msg=_vi_message(e), type=e["type"]) for e in raw]


async def _app_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(
        exc.status, exc.slug, exc.title, exc.detail, errors=exc.errors, headers=exc.headers, extra=exc.extra
    )


async def _request_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    items = validation_items(exc.errors())
    fields = ", ".join(".".join(str(p) for p in i.loc) for i in items)
    return problem_response(
        422, ValidationFailed.slug, ValidationFailed.title, f"Dữ liệu không hợp lệ ở: {fields}", errors=items
    )


_HTTP_TITLES = {
    404: ("not-found", "Không tìm thấy", "Không có địa chỉ này trong API."),
    405: ("method-not-allowed", "Phương thức không được hỗ trợ", "Địa chỉ này không nhận phương thức đã gửi."),
}


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # Only the framework raises 400s (our code raises AppError): FastAPI for a body it cannot decode
        # (bytes that are not UTF-8), Starlette for a broken multipart form. Answer as for JSON that does
        # not parse (422 json_invalid): the status every endpoint that takes a body documents.
        msg = "Không đọc được nội dung gửi lên (JSON hoặc biểu mẫu hỏng)"
        item = ErrorItem(loc=["body"], msg=msg, type="body_invalid")
        return problem_response(
            422, ValidationFailed.slug, ValidationFailed.title, "Không đọc được nội dung gửi lên.", errors=[item]
        )
    slug, title, detail = _HTTP_TITLES.get(exc.status_code, ("http-error", "Lỗi yêu cầu", str(exc.detail)))
    if exc.status_code not in _HTTP_TITLES and isinstance(exc.detail, str):
        detail = exc.detail
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        # Starlette names only the first route that matched the path; list every method of the resource.
        headers["Allow"] = ", ".join(_allowed_methods(request)) or headers.get("Allow", "")
    return problem_response(exc.status_code, slug, title, detail, headers=headers)


_OPERATIONS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _allowed_methods(request: Request) -> list[str]:
    """The methods the OpenAPI document lists for the requested path (the contract clients read)."""
    table: list[tuple[re.Pattern[str], list[str]]] | None = getattr(request.app.state, "allow_table", None)
    if table is None:
        table = [
            (
                re.compile("^" + re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(path)) + "$"),
                sorted(m.upper() for m in item if m in _OPERATIONS),
            )
            # Literal paths first: /reports/imports is not /reports/{unit_code}.
            for path, item in sorted(request.app.openapi().get("paths", {}).items(), key=lambda p: p[0].count("{"))
        ]
        request.app.state.allow_table = table
    return next((methods for pattern, methods in table if pattern.match(request.url.path)), [])


async def _integrity(_: Request, exc: Exception) -> JSONResponse:
    log.warning("integrity_error", error=str(getattr(exc, "orig", exc))[:500])
    return problem_response(409, Conflict.slug, Conflict.title, "Bản ghi trùng hoặc vi phạm ràng buộc dữ liệu.")


async def _stale(_: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        409, Conflict.slug, Conflict.title, "Bản ghi vừa được người khác thay đổi; hãy tải lại rồi thử lại."
    )


# SQLSTATE classes that mean "the database cannot serve now": connection exceptions (08), insufficient
# resources such as too many connections (53), operator intervention: shutting down, starting up (57P),
# and a statement cancelled by statement_timeout (57014).
_UNAVAILABLE_SQLSTATES = ("08", "53", "57P", "57014")
_NETWORK_ERRNOS = frozenset({errno.ECONNREFUSED, errno.ECONNRESET, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EPIPE})


def database_unavailable(exc: BaseException) -> bool:
    """Whether an error means the database cannot be reached or cannot serve for now (a 503, not a 500)."""
    if isinstance(exc, SQLAlchemyTimeoutError):  # no pooled connection became free in time
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
            return True
        state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if isinstance(state, str) and state.startswith(_UNAVAILABLE_SQLSTATES):
            return True
        return isinstance(exc.orig, OSError) or isinstance(exc.orig.__cause__ if exc.orig else None, OSError)
    if isinstance(exc, OSError):  # raised by the driver while connecting: refused, reset, timed out, no route
        return isinstance(exc, ConnectionError | TimeoutError | socket.gaierror) or exc.errno in _NETWORK_ERRNOS
    return False


# Values the database cannot hold: a number past its integer range (SQLite raises OverflowError; asyncpg
# refuses to encode it, 22000; PostgreSQL 22003), a string longer than its column (22001).
_OUT_OF_RANGE_SQLSTATES = frozenset({"22000", "22001", "22003"})


def value_out_of_range(exc: BaseException) -> bool:
    if isinstance(exc, OverflowError):
        return "SQLite" in str(exc)  # only the driver's: any other OverflowError is a bug, a 500
    if isinstance(exc, DBAPIError):
        state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        return state in _OUT_OF_RANGE_SQLSTATES
    return False


def _id_beyond_storage(request: Request) -> bool:
    """Whether a numeric path parameter (an id) is past what the database's integer columns hold."""
    values = [int(v) if isinstance(v, str) and v.isdigit() else v for v in request.path_params.values()]
    return any(isinstance(v, int) and v > 2**31 - 1 for v in values)


async def _out_of_range(request: Request, exc: Exception) -> JSONResponse:
    if not value_out_of_range(exc):
        return await _unhandled(request, exc)
    log.warning("value_out_of_range", error=str(exc)[:300])
    if _id_beyond_storage(request):  # no record can have that id: it does not exist, like any other
        return problem_response(404, NotFound.slug, NotFound.title, "Không có bản ghi với mã số này.")
    item = ErrorItem(loc=["request"], msg="Giá trị vượt quá giới hạn lưu trữ", type="out_of_range")
    detail = "Có giá trị vượt quá giới hạn cơ sở dữ liệu (số quá lớn hoặc chuỗi quá dài)."
    return problem_response(422, ValidationFailed.slug, ValidationFailed.title, detail, errors=[item])


async def _database_down(_: Request, exc: Exception) -> JSONResponse:
    if value_out_of_range(exc):
        return await _out_of_range(_, exc)
    if not database_unavailable(exc):
        return await _unhandled(_, exc)
    log.error("database_unavailable", error=str(exc)[:500])
    return problem_response(
        503,
        ServiceUnavailable.slug,
        ServiceUnavailable.title,
        "Không kết nối được cơ sở dữ liệu; vui lòng thử lại sau ít phút.",
        headers={"Retry-After": "5"},
    )


def internal_error_response() -> JSONResponse:
    return problem_response(500, AppError.slug, AppError.title, "Đã có lỗi không mong muốn; lỗi đã được ghi lại.")


async def _unhandled(_: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled_error", exc_info=exc)
    return internal_error_response()


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _request_validation)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(StaleDataError, _stale)
    app.add_exception_handler(DBAPIError, _database_down)
    app.add_exception_handler(SQLAlchemyTimeoutError, _database_down)
    app.add_exception_handler(OSError, _database_down)  # ConnectionError, TimeoutError, …; others stay 500s
    app.add_exception_handler(OverflowError, _out_of_range)  # an id past SQLite's 64-bit integers


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the problem statuses an endpoint can answer."""
    return {s: {"model": Problem, "description": "Problem details (RFC 9457)"} for s in statuses}
