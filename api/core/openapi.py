"""The OpenAPI document: problem+json error bodies, CSV alternatives, committed as sorted YAML."""

from __future__ import annotations

import dis
import types
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.core.errors import PROBLEM_JSON
from api.core.representation import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE

# Models that operations refer to by $ref although FastAPI never sees them: bodies a service validates per
# resource (the sync upserts), so that typed clients get a named schema instead of a bare object.
_NAMED: dict[str, type[BaseModel]] = {}
SERVERS = [{"url": "/", "description": "This instance (the API lives under /api/v1)."}]


def named_schemas(*models: type[BaseModel]) -> None:
    for model in models:
        _NAMED[model.__name__] = model


def ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _add_named(spec: dict[str, Any]) -> None:
    if not _NAMED:
        return
    _, defs = models_json_schema(
        [(m, "validation") for m in _NAMED.values()], ref_template="#/components/schemas/{model}"
    )
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in defs.get("$defs", {}).items():
        schemas.setdefault(name, schema)


# Request headers the service honours, declared on exactly the operations that honour them (found below from
# the code each route runs, not listed by hand): typed clients then send them without guessing.
HEADERS: dict[str, dict[str, Any]] = {
    "IdempotencyKey": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "A unique key per intended action (a UUID): a retry with the same key and body gets the first "
        "answer again (Idempotent-Replayed: true) without a second effect; the same key with another body is 422, "
        "one still running 409 (Retry-After). Kept 24 hours per credential.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    },
    "IfMatch": {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": "The ETag you last saw: the write happens only if the record has not changed since (else 412).",
        "schema": {"type": "string"},
    },
    "IfNoneMatch": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "The ETag you hold: 304 without a body when the answer has not changed.",
        "schema": {"type": "string"},
    },
}
# How the code a route runs reads a header: by its name, a string (or bytes) constant somewhere in the calls.
_IF_MATCH = frozenset({"if-match"})
_IF_NONE_MATCH = frozenset({"if-none-match"})
_PROBLEM = {
    "description": "Problem details (RFC 9457)",
    "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def _constants(code: types.CodeType) -> set[str]:
    out: set[str] = set()
    for c in code.co_consts:
        if isinstance(c, str):
            out.add(c.lower())
        elif isinstance(c, bytes):
            out.add(c.decode("latin-1").lower())
        elif isinstance(c, types.CodeType):  # nested functions, comprehensions
            out |= _constants(c)
    return out


def _callees(fn: types.FunctionType) -> list[Any]:
    """What ``fn`` (and the functions nested in it) loads by name: globals, closure cells, and ``module.attr``."""
    env = dict(fn.__globals__)
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=False):
        try:
            env[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    out: list[Any] = []

    def scan(code: types.CodeType) -> None:
        module: types.ModuleType | None = None
        for ins in dis.get_instructions(code):
            if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF"):
                target = env.get(str(ins.argval))
                module = target if isinstance(target, types.ModuleType) else None
                if target is not None and module is None:
                    out.append(target)
                continue
            if ins.opname in ("LOAD_ATTR", "LOAD_METHOD") and module is not None:
                out.append(getattr(module, str(ins.argval), None))
            module = None
        for c in code.co_consts:
            if isinstance(c, types.CodeType):
                scan(c)

    scan(fn.__code__)
    return out


def _reaches(func: Callable[..., Any] | None, markers: frozenset[str], depth: int = 6) -> bool:
    """Whether ``func``, or a function it calls by name (a global of its module, ``module.name``, or a function
    of its closure), holds one of ``markers`` as a constant (the header's name), up to ``depth`` calls deep."""
    seen: set[types.CodeType] = set()

    def walk(fn: types.FunctionType, depth: int) -> bool:
        code = fn.__code__
        if code in seen:
            return False
        seen.add(code)
        if _constants(code) & markers:
            return True
        if depth == 0:
            return False
        found = _callees(fn)
        for target in found:
            inner = getattr(target, "__wrapped__", target)
            if isinstance(inner, types.FunctionType) and walk(inner, depth - 1):
                return True
        return False

    inner = getattr(func, "__wrapped__", func)
    return isinstance(inner, types.FunctionType) and walk(inner, depth)


def _declare_headers(spec: dict[str, Any], routes: list[Any]) -> None:
    spec.setdefault("components", {}).setdefault("parameters", {}).update(HEADERS)
    for route in iter_route_contexts(routes):  # each route with its routers' prefixes, as get_openapi reads them
        if not getattr(route, "include_in_schema", False) or not hasattr(route, "endpoint"):
            continue
        for method in sorted(route.methods or ()):
            op = spec["paths"].get(route.path_format, {}).get(method.lower())
            if op is None:
                continue
            wanted: list[str] = []
            responses = op.setdefault("responses", {})
            if method == "POST" and op.get("security"):  # the middleware keeps only signed-in callers' POSTs
                wanted.append("IdempotencyKey")
                for status in ("400", "409", "422"):
                    responses.setdefault(status, _PROBLEM)
            if method in ("GET", "HEAD"):
                if _reaches(route.endpoint, _IF_NONE_MATCH):
                    wanted.append("IfNoneMatch")
                    responses.setdefault("304", {"description": "Not modified: your copy (its ETag) is current."})
            elif _reaches(route.endpoint, _IF_MATCH):
                wanted.append("IfMatch")
                responses.setdefault("412", _PROBLEM)
            params = op.setdefault("parameters", [])
            params += [{"$ref": f"#/components/parameters/{name}"} for name in wanted]
            if not params:
                del op["parameters"]


def _offers_csv(schema: dict[str, Any], spec: dict[str, Any]) -> bool:
    """Whether a ?format= takes csv (the lists' and statistics' OutputFormat; not the year's report: html|pdf)."""
    if "csv" in schema.get("enum", ()) or schema.get("const") == "csv":
        return True
    if ref := schema.get("$ref"):
        target: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            target = target.get(part, {})
        return _offers_csv(target, spec)
    return any(_offers_csv(s, spec) for s in (*schema.get("anyOf", ()), *schema.get("oneOf", ())))


def _polish(spec: dict[str, Any]) -> dict[str, Any]:
    spec["servers"] = SERVERS
    for ops in spec.get("paths", {}).values():
        for op in ops.values():
            # Public routes say so: without it, a client would apply the document's default (none) by accident.
            op.setdefault("security", [])
            responses = op.get("responses", {})
            for status, response in responses.items():
                content = response.get("content", {})
                # Error bodies are problem documents, served as application/problem+json.
                if str(status)[0] in "45" and "application/json" in content:
                    content[PROBLEM_JSON] = content.pop("application/json")
            for response in responses.values():
                for media, body in response.get("content", {}).items():
                    # A file (the XLSX answers): bytes, so that a typed client reads it as a blob, not as JSON.
                    if not body.get("schema") and "json" not in media:
                        body["schema"] = {"type": "string", "format": "binary"}
            if any(
                p.get("name") == "format" and p.get("in") == "query" and _offers_csv(p.get("schema", {}), spec)
                for p in op.get("parameters", [])
            ):
                ok = responses.get("200", {}).setdefault("content", {})
                ok[CSV_MEDIA_TYPE.split(";")[0]] = {"schema": {"type": "string", "description": "UTF-8 CSV with BOM"}}
                ok[XLSX_MEDIA_TYPE] = {
                    "schema": {"type": "string", "format": "binary", "description": "The CSV's table as a workbook"}
                }
    _add_named(spec)
    return spec


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            _declare_headers(spec, app.routes)
            app.openapi_schema = _polish(spec)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def openapi_yaml(app: FastAPI) -> str:
    import yaml  # only for the command line: a serving worker does without it

    return yaml.safe_dump(app.openapi(), sort_keys=True, allow_unicode=True, width=120)


def load_yaml(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)
