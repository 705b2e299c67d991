"""The committed openapi.yaml is what the app serves."""

from __future__ import annotations

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
            if path.startswith("/api/v1/") and op.get("parameters"):
                assert "422" in op["responses"], f"{method.upper()} {path} takes input but documents no 422"
