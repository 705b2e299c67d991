"""Numbers in request bodies are numbers: JSON true/false is never read as 1/0 (schemathesis ST201).

pydantic's lax mode turns `true` into 1 for an `int` field, so `{"branches": true}` was stored as one
branch. Rather than remember `strict=True` at each field, every integer field of every request body
the route table names must be strict: this test walks the routes, so a new body model cannot forget.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from api.core.config import Settings
from api.main import create_app


def _models(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        for field in annotation.model_fields.values():
            yield from _models(field.annotation)
    for arg in typing.get_args(annotation):
        yield from _models(arg)


def _is_int(annotation: object) -> bool:
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_int(a) for a in typing.get_args(annotation))
    if origin is typing.Annotated:
        return _is_int(typing.get_args(annotation)[0])
    return False


def _reads_true_as_a_number(model: type[BaseModel], field: FieldInfo) -> bool:
    """Validate JSON `true` against the field exactly as the model declares it (annotation, constraints, model
    config): a number accepted is the failure."""
    annotation = typing.Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
    adapter = TypeAdapter(annotation, config=ConfigDict(strict=bool(model.model_config.get("strict"))))
    try:
        adapter.validate_python(True)
    except ValidationError:
        return False
    return True


def _routes(routes: list[object]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        inner = getattr(route, "original_router", None) or getattr(route, "app", None)
        if inner is not None and hasattr(inner, "routes"):
            yield from _routes(inner.routes)


def _body_models() -> dict[str, type[BaseModel]]:
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    found: dict[str, type[BaseModel]] = {}
    for route in _routes(app.routes):
        if route.body_field is not None:
            for model in _models(route.body_field.field_info.annotation):
                found[f"{model.__module__}.{model.__qualname__}"] = model
    from api.sync.contract import BODIES  # the sync routes read the body by the resource's own model

    for model in BODIES.values():
        for m in _models(model):
            found[f"{m.__module__}.{m.__qualname__}"] = m
    return found


BODY_MODELS = _body_models()


def test_the_route_table_names_body_models() -> None:
    assert len(BODY_MODELS) > 10, BODY_MODELS


@pytest.mark.parametrize("name", sorted(BODY_MODELS))
def test_integer_fields_of_request_bodies_are_strict(name: str) -> None:
    model = BODY_MODELS[name]
    loose = [n for n, f in model.model_fields.items() if _is_int(f.annotation) and _reads_true_as_a_number(model, f)]
    assert not loose, f"{name}: integer fields read true as 1: {loose} (declare them with Field(strict=True))"


def _is_time(annotation: object) -> bool:
    import datetime as dt

    if annotation in (dt.date, dt.datetime) or (isinstance(annotation, type) and issubclass(annotation, dt.date)):
        return True
    return any(_is_time(a) for a in typing.get_args(annotation))


@pytest.mark.parametrize("name", sorted(BODY_MODELS))
def test_dates_of_request_bodies_are_written_not_numbers(name: str) -> None:
    """Finding (fuzz gate): `{"expires_at": 0}` made a key that expired in 1970 (pydantic reads a number as a
    Unix time). Dates and times in bodies are written (YYYY-MM-DD, RFC 3339): api.core.text.IsoDate/IsoDateTime."""
    model = BODY_MODELS[name]
    loose = []
    for n, f in model.model_fields.items():
        if not _is_time(f.annotation):
            continue
        annotation = typing.Annotated[f.annotation, *f.metadata] if f.metadata else f.annotation
        try:
            TypeAdapter(annotation).validate_python(0)
        except ValidationError:
            continue
        loose.append(n)
    assert not loose, f"{name}: date fields read a number as a Unix time: {loose}"


def test_every_year_parameter_is_bounded() -> None:
    """Finding (fuzz gate): `?year=0` on a list made a 500 (a date in year 0). Every `year` a route takes
    declares its bounds, and the server enforces what the schema says."""
    spec = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:")).openapi()
    loose = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                if p.get("name") != "year":
                    continue
                schema = p.get("schema", {})
                options = [schema, *schema.get("anyOf", [])]
                if not any("minimum" in s and "maximum" in s for s in options):
                    loose.append(f"{method.upper()} {path}")
    assert not loose, loose
