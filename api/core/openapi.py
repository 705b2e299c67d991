"""The committed ``openapi.yaml`` is generated from the app with sorted keys."""

from __future__ import annotations

from typing import Any

import yaml
from fastapi import FastAPI


def openapi_yaml(app: FastAPI) -> str:
    return yaml.safe_dump(app.openapi(), sort_keys=True, allow_unicode=True, width=120)


def load_yaml(text: str) -> Any:
    return yaml.safe_load(text)
