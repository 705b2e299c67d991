"""What ``khuyenhoc serve`` adds to uvicorn: timeouts from the settings, and metrics across workers."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from typing import Any

from api.core.config import Settings


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
        # On SIGTERM, requests in flight may finish (they cannot take longer than the request timeout).
        "timeout_graceful_shutdown": int(settings.request_timeout_seconds) + 1,
    }
