"""Schemathesis hooks of the fuzz run (tests/ops/test_fuzz.py sets SCHEMATHESIS_HOOKS to this module).

The fuzzer signs in as one admin (KH_FUZZ_USERNAME / KH_FUZZ_PASSWORD, user id KH_FUZZ_USER_ID at
KH_FUZZ_BASE_URL) and must not end its own session, or every later request would be a 401:

- ``POST /auth/logout`` is sent with a token signed in for that call alone, so sign-out is fuzzed
  for real (204 and all) without revoking the token the rest of the run uses;
- ``PATCH`` / ``DELETE /users/{user_id}`` never target the fuzzer's own account (a new password or a
  deactivation revokes its tokens). Every other account is fair game.
"""

from __future__ import annotations

import os

import requests
import schemathesis

SELF_ENDING = {("PATCH", "/api/v1/users/{user_id}"), ("DELETE", "/api/v1/users/{user_id}")}
LOGOUT = ("POST", "/api/v1/auth/logout")


def _operation(case: schemathesis.Case) -> tuple[str, str]:
    return case.operation.method.upper(), case.operation.path


def _sign_in() -> str:
    r = requests.post(
        f"{os.environ['KH_FUZZ_BASE_URL']}/api/v1/auth/token",
        data={"username": os.environ["KH_FUZZ_USERNAME"], "password": os.environ["KH_FUZZ_PASSWORD"]},
        timeout=20,
    )
    r.raise_for_status()
    return str(r.json()["access_token"])


@schemathesis.auth()
class SignedIn:
    def get(self, case: schemathesis.Case, context: schemathesis.AuthContext) -> str:
        return _sign_in()  # cached by schemathesis between calls

    def set(self, case: schemathesis.Case, data: str, context: schemathesis.AuthContext) -> None:
        token = _sign_in() if _operation(case) == LOGOUT else data
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}


@schemathesis.hook
def filter_case(context: schemathesis.HookContext, case: schemathesis.Case) -> bool:
    if _operation(case) in SELF_ENDING:
        return str((case.path_parameters or {}).get("user_id")) != os.environ["KH_FUZZ_USER_ID"]
    return True
