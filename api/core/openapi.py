"""The OpenAPI document: problem+json error bodies, CSV alternatives, committed as sorted YAML."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.core.errors import PROBLEM_JSON
from api.core.representation import CSV_MEDIA_TYPE

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
            if any(p.get("name") == "format" and p.get("in") == "query" for p in op.get("parameters", [])):
                ok = responses.get("200", {}).setdefault("content", {})
                ok[CSV_MEDIA_TYPE.split(";")[0]] = {"schema": {"type": "string", "description": "UTF-8 CSV with BOM"}}
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
            app.openapi_schema = _polish(spec)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def openapi_yaml(app: FastAPI) -> str:
    import yaml  # only for the command line: a serving worker does without it

    return yaml.safe_dump(app.openapi(), sort_keys=True, allow_unicode=True, width=120)


def load_yaml(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)
