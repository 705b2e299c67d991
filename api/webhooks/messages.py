"""The message of one feed change: its ``webhook-id``, its body bytes and their Standard Webhooks signature."""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from functools import lru_cache
from typing import Any

from pydantic_core import from_json, to_json
from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    """A signing secret as Standard Webhooks writes it: ``whsec_`` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def message_id(endpoint_id: int, seq: int) -> str:
    """The ``webhook-id``: one per endpoint and change, the same for every retry and redelivery."""
    return f"msg_{endpoint_id}_{seq}"


def body(
    seq: int,
    kind: str,
    record_id: int,
    external_id: str | None,
    partner: str | None,
    op: str,
    changed_at: dt.datetime,
    data: str | dict[str, Any] | None,
) -> str:
    """The JSON body: ``type`` (<record type>.<op>), ``timestamp``, ``cursor`` and ``data`` (the feed's change)."""
    record = from_json(data) if isinstance(data, str) else data
    change = {
        "seq": seq,
        "type": kind,
        "id": record_id,
        "external_id": external_id,
        "partner": partner,
        "op": op,
        "changed_at": changed_at,
        "data": record,
    }
    message = {"type": f"{kind}.{op}", "timestamp": changed_at, "cursor": str(seq), "data": change}
    return to_json(message).decode()


@lru_cache(maxsize=1024)
def _signer(secret: str) -> Webhook:
    return Webhook(secret)  # decodes the secret: once per endpoint, not per delivery


def headers(secret: str, msg_id: str, payload: str, now: dt.datetime) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with the maintained ``standardwebhooks`` package."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": _signer(secret).sign(msg_id, now, payload),
        "content-type": "application/json",
        "user-agent": "khuyenhoc-webhooks",
    }
