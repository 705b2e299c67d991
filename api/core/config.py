"""Settings, read from the environment (prefix ``KH_``) and an optional ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_CHECKOUT = Path(__file__).resolve().parents[2]
# The checkout (or an editable install) holds pyproject.toml beside the package; an installed package's parent is
# site-packages' parent, no place for a database: there the working directory is the project's place (var/, .env).
PROJECT_ROOT = _CHECKOUT if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd()


def normalise_database_url(url: str) -> str:
    """Accept the URLs people write (``postgresql://``, ``sqlite:///``) and pick the async drivers."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql+psycopg://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KH_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'khuyenhoc.db'}",
        description="SQLAlchemy URL of the database: sqlite:///path or postgresql://user@host/db.",
    )
    database_pool_size: int = Field(default=10, ge=1, description="Connections kept per worker (PostgreSQL).")
    environment: str = Field(default="development", description="development, test or production.")
    log_level: str = Field(default="INFO")
    log_json: bool = Field(default=True, description="One JSON object per log line (false: readable console lines).")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed to call the API from a browser.")
    frontend_dist: Path = Field(
        default=PROJECT_ROOT / "frontend" / "dist", description="Built dashboard served at / when it exists."
    )
    evidence_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "evidence", description="Directory of evidence files (minh chứng) without S3."
    )
    evidence_s3_bucket: str | None = Field(
        default=None, description="Keep evidence files in this S3-compatible bucket instead of evidence_dir."
    )
    evidence_s3_endpoint: str | None = Field(
        default=None,
        description="Endpoint of the S3-compatible store (MinIO, a Vietnamese cloud); credentials: AWS_* variables.",
    )
    evidence_s3_region: str = Field(default="us-east-1", description="Region of the S3-compatible store.")
    max_page_size: int = Field(
        default=1000, ge=1, le=1000, description="Largest ?limit= a list accepts (at most 1000, as openapi.yaml says)."
    )
    access_token_minutes: int = Field(default=60, ge=1, description="Lifetime of a sign-in token.")
    login_max_failures_account: int = Field(
        default=5, ge=1, description="Failed sign-ins on one account from one address before that address waits."
    )
    login_max_failures_address: int = Field(default=30, ge=1, description="Failed sign-ins per client address.")
    login_window_minutes: int = Field(default=15, ge=1, description="Window in which failures are counted.")
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description="Addresses or networks (comma-separated) of the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed; from any other peer they are ignored, so a client cannot choose the "
        "address that sign-in throttling counts. Never '*' unless nothing but the proxy can reach the port.",
    )
    login_lock_minutes: int = Field(default=5, ge=1, description="How long a throttled account or address waits.")
    # Operations (api/ops): read replica, limits, timeouts, metrics. docs/deploy.md explains each.
    database_replica_url: str | None = Field(
        default=None, description="A read replica; when set, the statistics endpoints read from it."
    )
    database_connect_timeout_seconds: float = Field(default=5, gt=0, description="Connecting to PostgreSQL.")
    database_pool_timeout_seconds: float = Field(default=10, gt=0, description="Waiting for a pooled connection.")
    database_statement_timeout_seconds: float = Field(default=30, gt=0, description="One SQL statement (PostgreSQL).")
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="Largest request body (JSON, forms).")
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024, description="Largest multipart upload.")
    request_timeout_seconds: float = Field(default=60, gt=0, description="Until a response starts, else 503.")
    header_timeout_seconds: float = Field(
        default=10, gt=0, description="A request's line and headers must arrive within this (uvicorn, slowloris)."
    )
    max_header_bytes: int = Field(default=64 * 1024, ge=4096, description="Largest request line and headers.")
    keepalive_timeout_seconds: int = Field(default=5, ge=1, description="Idle keep-alive connections (uvicorn).")
    import_stale_seconds: float = Field(
        default=120,
        gt=0,
        description="An import whose worker has not reported for this long reads as failed (its process died).",
    )
    notifications: bool = Field(
        default=True,
        description=(
            "PostgreSQL: each worker listens for change notifications (LISTEN) and keeps statistics answers "
            "and signed-in callers in memory until told of a change. Needs a direct or session-pooled "
            "connection (not PgBouncer in transaction mode: see database_listen_url). SQLite: the same, checked "
            "against SQLite's change counter on each request. False: the database is read on every request."
        ),
    )
    database_listen_url: str | None = Field(
        default=None,
        description="Where the workers LISTEN for change notifications when KH_DATABASE_URL goes through a "
        "transaction pooler (a direct URL of the same primary); unset: KH_DATABASE_URL.",
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="Bearer token that /metrics requires; unset: /metrics answers 404."
    )
    public_rate_per_minute: int = Field(
        default=600,
        ge=0,
        description="Open data (/api/v1/public): requests per minute per client address and worker, in bursts of "
        "as many (a token bucket); beyond it 429 with Retry-After. 0: no limit (behind a proxy that limits).",
    )

    # Webhooks (api/webhooks/, `khuyenhoc webhooks run`; docs/partners.md)
    webhook_allow_hosts: str = Field(
        default="",
        description="Comma-separated host names or addresses that webhook URLs may name although they resolve to a "
        "private, loopback or link-local address (e.g. 127.0.0.1 in tests, an internal receiver). Empty: none.",
    )
    webhook_timeout_seconds: float = Field(default=10, gt=0, description="Connecting to and answering one delivery.")
    webhook_max_response_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Read at most this much of a receiver's answer (then stop)."
    )
    webhook_retry_base_seconds: float = Field(
        default=10, gt=0, description="First retry after this long; each next one waits twice as long."
    )
    webhook_retry_max_seconds: float = Field(default=3600, gt=0, description="Longest wait between two attempts.")
    webhook_retry_window_seconds: float = Field(
        default=86400, gt=0, description="A delivery is retried for this long after its change (then: failed)."
    )
    webhook_disable_after_failures: int = Field(
        default=20, ge=1, description="An endpoint is disabled after this many failed attempts in a row …"
    )
    webhook_disable_after_seconds: float = Field(
        default=86400, ge=0, description="… that went on for at least this long (no success in between)."
    )
    webhook_poll_seconds: float = Field(
        default=1.0, gt=0, description="The delivery process looks for work this often without a notification."
    )
    webhook_log_days: int = Field(
        default=30, ge=1, description="Delivered and failed deliveries (and their attempts) are kept this long."
    )
    webhook_batch: int = Field(default=500, ge=1, description="Deliveries one delivery process sends at once.")
    webhook_concurrency: int = Field(default=64, ge=1, description="Requests one delivery process has open at once.")

    @field_validator("database_url")
    @classmethod
    def _driver(cls, v: str) -> str:
        return normalise_database_url(v)

    @field_validator("database_replica_url", "database_listen_url")
    @classmethod
    def _replica_driver(cls, v: str | None) -> str | None:
        return normalise_database_url(v) if v else None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
