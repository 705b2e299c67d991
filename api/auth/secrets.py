"""Passwords (Argon2id, argon2-cffi) and random secrets (tokens and API keys, SHA-256 at rest).

Tokens and keys are 256-bit random values, so a fast hash is enough to store them safely;
passwords are low-entropy and get Argon2id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified when the account does not exist, so both answers take as long; made at the first sign-in,
# not at start-up (a hash holds 64 MiB for its duration).
_dummy_hash: str | None = None

TOKEN_PREFIX = "kht_"
KEY_PREFIX = "khk_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    global _dummy_hash
    if password_hash is None and _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    try:
        return _hasher.verify(password_hash or _dummy_hash or "", password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_access_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_api_key() -> tuple[str, str, str]:
    """(full key shown once, visible prefix, secret hash). The key reads ``khk_<prefix>_<secret>``."""
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{KEY_PREFIX}{prefix}_{secret}", prefix, sha256(secret)


def split_api_key(key: str) -> tuple[str, str] | None:
    body = key.removeprefix(KEY_PREFIX)
    if body == key or "_" not in body:
        return None
    prefix, secret = body.split("_", 1)
    return prefix, secret


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def generate_password() -> str:
    return secrets.token_urlsafe(12)
