"""The committed openapi.yaml is what the app serves."""

from __future__ import annotations

import re

import httpx

from api.core.config import PROJECT_ROOT
from api.core.openapi import load_yaml, openapi_yaml
from api.main import create_app


def test_committed_openapi_matches_the_app() -> None:
    committed = (PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8")
    generated = openapi_yaml(create_app())
    assert load_yaml(committed) == load_yaml(generated), "openapi.yaml drifted: run `make openapi`"
    assert committed == generated, "openapi.yaml is not in canonical form: run `make openapi`"


def test_every_operation_documents_problem_responses_and_a_summary() -> None:
    spec = create_app().openapi()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op.get("description") or op.get("summary"), f"{method.upper()} {path} has no description"
            # the conditional headers (If-None-Match, If-Match: shared parameters, $ref) are not input a 422 refuses
            inputs = [p for p in op.get("parameters", []) if "$ref" not in p]
            if path.startswith("/api/v1/") and inputs:
                assert "422" in op["responses"], f"{method.upper()} {path} takes input but documents no 422"


HEADER_REFS = {f"#/components/parameters/{n}": n for n in ("IdempotencyKey", "IfMatch", "IfNoneMatch")}


def _declared(op: dict[str, object]) -> set[str]:
    params = op.get("parameters") or []
    assert isinstance(params, list)
    return {HEADER_REFS[p["$ref"]] for p in params if p.get("$ref") in HEADER_REFS}


def test_conditional_and_idempotency_headers_are_declared_where_the_code_honours_them() -> None:
    """Issue 18: Idempotency-Key, If-Match and If-None-Match were declared on no operation; they are found from
    the code each route runs (api/core/openapi.py), with the answers they bring (304, 412, 409)."""
    spec = create_app().openapi()
    ops = {f"{m.upper()} {p}": op for p, methods in spec["paths"].items() for m, op in methods.items()}
    expected = {
        "PATCH /api/v1/funds/{record_id}": {"IfMatch"},
        "DELETE /api/v1/awards/{award_id}": {"IfMatch"},
        "PUT /api/v1/sync/{resource}/{external_id}": {"IfMatch"},
        "DELETE /api/v1/sync/{resource}/{external_id}": {"IfMatch"},
        "PUT /api/v1/reports/{unit_code}/{year}": {"IfMatch"},
        "POST /api/v1/sync/{resource}:batch": {"IdempotencyKey"},  # items carry if_match in the body
        "POST /api/v1/reports/{unit_code}/{year}/approve": {"IdempotencyKey", "IfMatch"},
        "GET /api/v1/funds/{record_id}": {"IfNoneMatch"},
        "GET /api/v1/stats/indicators": {"IfNoneMatch"},
        "GET /api/v1/sync/changes": set(),
        "POST /api/v1/auth/token": set(),  # public: the middleware keeps signed-in callers' POSTs only
        "GET /api/v1/health": set(),
    }
    assert {k: _declared(ops[k]) for k in expected} == expected
    for name, op in ops.items():
        headers = _declared(op)
        responses = op["responses"]
        assert isinstance(responses, dict)
        assert ("IfNoneMatch" in headers) == ("304" in responses), name
        assert "IfMatch" not in headers or "412" in responses, name
        assert "IdempotencyKey" not in headers or {"400", "409", "422"} <= responses.keys(), name
        assert ("IdempotencyKey" in headers) == (name.startswith("POST") and op.get("security") != []), name


def test_files_are_binary_and_limits_are_the_servers() -> None:
    spec = create_app().openapi()
    for path in ("/api/v1/reports/template.xlsx", "/api/v1/reports/{unit_code}/{year}/summary.xlsx"):
        content = spec["paths"][path]["get"]["responses"]["200"]["content"]
        xlsx = content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]
        assert xlsx["schema"] == {"type": "string", "format": "binary"}, path
    limits = [
        p["schema"]
        for methods in spec["paths"].values()
        for op in methods.values()
        for p in op.get("parameters", [])
        if p.get("name") == "limit"
    ]
    assert limits and all(s.get("maximum") == 1000 and s.get("minimum") == 1 for s in limits), limits


async def test_every_list_declaring_if_none_match_answers_304(client: httpx.AsyncClient) -> None:
    """The declaration is true: each GET without required parameters that declares If-None-Match answers 304 to
    the ETag it gave, and the others are not claimed."""
    spec = create_app().openapi()
    tried = 0
    for path, methods in spec["paths"].items():
        op = methods.get("get")
        if op is None or "IfNoneMatch" not in _declared(op):
            continue
        if any(p.get("required") for p in op.get("parameters", []) if "$ref" not in p):
            continue
        first = await client.get(path)
        assert first.status_code == 200 and first.headers.get("etag"), (path, first.status_code)
        again = await client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, path
        tried += 1
    assert tried >= 10, tried


async def test_patch_fields_the_record_cannot_lack_refuse_null_and_are_not_declared_nullable(
    client: httpx.AsyncClient,
) -> None:
    """Schemathesis, issue 18: PATCH fields declared nullable refused null ("valid input rejected"); now null is
    offered only where it clears the field, and refused with a 422 naming the field elsewhere."""
    schemas = create_app().openapi()["components"]["schemas"]
    assert "anyOf" not in schemas["FundUpdate"]["properties"]["name"]
    assert {"type": "null"} in schemas["FundUpdate"]["properties"]["closed_on"]["anyOf"]
    assert "anyOf" not in schemas["AwardUpdate"]["properties"]["recipient_name"]
    assert {"type": "null"} in schemas["AwardUpdate"]["properties"]["awarded_on"]["anyOf"]
    fund = await client.post("/api/v1/funds", json={"unit_code": "37", "name": "Quỹ", "owner_kind": "unit"})
    assert fund.status_code == 201, fund.text
    r = await client.patch(f"/api/v1/funds/{fund.json()['id']}", json={"name": None})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "name"], r.text
    award = {"unit_code": "37", "year": 2025, "recipient_name": "Lan", "recipient_kind": "pupil", "category": "khac"}
    made = await client.post("/api/v1/awards", json=award | {"awarded_on": "2025-09-01"})
    assert made.status_code == 201, made.text
    url = f"/api/v1/awards/{made.json()['id']}"
    r = await client.patch(url, json={"recipient_name": None})
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["body", "recipient_name"], r.text
    cleared = await client.patch(url, json={"awarded_on": None})
    assert cleared.status_code == 200 and cleared.json()["awarded_on"] is None


async def test_unit_codes_the_schema_offers_are_codes(client: httpx.AsyncClient) -> None:
    """Schemathesis, issue 18: /awards?unit=00 matched the schema's pattern and was refused; codes of 2, 3 or 5
    digits, never all zeros, are what the schema offers now, and the server checks the same pattern."""
    spec = create_app().openapi()
    unit = next(p for p in spec["paths"]["/api/v1/awards"]["get"]["parameters"] if p.get("name") == "unit")
    pattern = unit["schema"]["anyOf"][0]["pattern"] if "anyOf" in unit["schema"] else unit["schema"]["pattern"]
    for code in ("00", "0000", "1234", "000", "00000"):
        assert not re.match(pattern, code), code
        r = await client.get("/api/v1/awards", params={"unit": code})
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "unit"], (code, r.text)
    for code in ("01", "35", "13285", "13285-X1"):
        assert re.match(pattern, code), code
    assert (await client.get("/api/v1/awards", params={"unit": "35"})).status_code == 200
