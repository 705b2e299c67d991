"""The sync operations as typed clients read them: per resource, the body it takes and the record it answers.

The route takes one JSON object and the service validates it by the resource in the path; these named schemas
(an anyOf, picked by ``{resource}``: each body also fits a record of another kind) say which shape that is.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from pydantic import BaseModel

from api.awards.schemas import AwardIn, AwardOut
from api.core.errors import ErrorItem, ValidationFailed
from api.core.openapi import named_schemas, ref
from api.funds.registry import EntryOut
from api.reports.schemas import ReportOut
from api.sync.schemas import FundEntrySync, ReportSync
from api.sync.service import REGISTRIES, RESOURCES

BODIES: dict[str, type[BaseModel]] = {"reports": ReportSync, "awards": AwardIn}
BODIES |= {name: schema for name, (_, schema) in REGISTRIES.items()} | {"fund_entries": FundEntrySync}
OUTS: dict[str, type[BaseModel]] = {"reports": ReportOut, "awards": AwardOut}
OUTS |= {name: reg.out for name, (reg, _) in REGISTRIES.items()} | {"fund_entries": EntryOut}
assert set(BODIES) == set(OUTS) == set(RESOURCES), "every sync resource has a body and an answer schema"
named_schemas(*BODIES.values(), *OUTS.values())


def _any_of(models: dict[str, type[BaseModel]], what: str) -> dict[str, Any]:
    return {
        "anyOf": [ref(m) for m in models.values()],
        "description": what + "; ".join(f"{r}: {m.__name__}" for r, m in models.items()) + ".",
    }


def _record(status: str) -> dict[str, Any]:
    schema = _any_of(OUTS, "The record as GET shows it, by {resource}: ")
    etag = {"description": "The record's new ETag.", "schema": {"type": "string"}}
    return {"description": status, "headers": {"ETag": etag}, "content": {"application/json": {"schema": schema}}}


UPSERT_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": _any_of(BODIES, "The record, by {resource}: ")}},
    },
    "responses": {"200": _record("Replaced"), "201": _record("Created")},
}


async def read_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object (the resource's schema is checked by the service); the route reads it itself so
    that the document shows the named schemas above, not the bare object FastAPI would declare."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValidationFailed(
            "Nội dung yêu cầu phải là một đối tượng JSON.",
            errors=[ErrorItem(loc=["body"], msg="Cần một đối tượng JSON", type="dict_type")],
        )
    return body
