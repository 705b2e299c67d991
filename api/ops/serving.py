"""What ``khuyenhoc serve`` adds to uvicorn: timeouts from the settings, and metrics across workers.

``khuyenhoc serve`` replaces itself with ``python -m api.ops.serving HOST PORT WORKERS RELOAD``: uvicorn's
workers import the main module of the process that started them, and this one is small.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from typing import Any

from api.core.config import Settings

if __name__ in ("__main__", "__mp_main__"):  # the server and its workers (not an import elsewhere)
    # Workers log JSON lines: structlog would otherwise load rich (and pygments) for console tracebacks,
    # ~4 MB in every worker. Set before anything imports structlog.
    sys.modules.setdefault("rich", None)  # type: ignore[arg-type]


def uvicorn_options(settings: Settings, *, workers: int) -> dict[str, Any]:
    """Keyword arguments for ``uvicorn.run``; with several workers, a fresh directory for their metrics."""
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Each worker writes its counters there and a scrape adds them up (api/ops/metrics.py). It must
        # start empty: a new directory per start, removed when the server stops.
        directory = tempfile.mkdtemp(prefix="khuyenhoc-metrics-")
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    return {
        "timeout_keep_alive": settings.keepalive_timeout_seconds,
        # Limits on each request's head (time and size), which uvicorn's own protocol does not have.
        "http": "api.ops.connection:HeaderLimitsProtocol",
        "h11_max_incomplete_event_size": settings.max_header_bytes,
        # On SIGTERM, requests in flight may finish (they cannot take longer than the request timeout).
        "timeout_graceful_shutdown": int(settings.request_timeout_seconds) + 1,
        "ws": "none",  # no websockets: their libraries stay out of every worker's memory
    }


def main(argv: list[str]) -> None:
    import uvicorn

    from api.core.config import get_settings

    host, port, workers, reload = argv[0], int(argv[1]), int(argv[2]), argv[3] == "reload"
    uvicorn.run(
        "api.main:app",
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        access_log=False,
        proxy_headers=False,  # the app believes X-Forwarded-For from KH_TRUSTED_PROXIES only (api/main.py)
        **uvicorn_options(get_settings(), workers=workers),
    )


if __name__ == "__main__":
    main(sys.argv[1:])
