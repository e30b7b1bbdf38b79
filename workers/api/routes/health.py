"""Liveness, readiness and metrics: the endpoints that need no sign-in (an orchestrator and Prometheus
call them). ``/metrics`` holds counts and timings only, with bounded labels: no ids, names or text."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ... import metrics
from ...health import check_backends
from ..deps import Backends

router = APIRouter(tags=["system"])
READY_TIMEOUT_SECONDS = 3.0


@router.get("/api/v1/health")
@router.get("/api/v1/health/live")
def live() -> dict[str, str]:
    """Liveness: the process answers. It does not look at the backends (an outage is not a reason to
    restart the API)."""
    return {"status": "ok"}


@router.get("/api/v1/health/ready", response_model=None)
async def ready(request: Request) -> Response:
    """Readiness: the bus, store, index and database each answer within a few seconds; 503 says which
    one is down."""
    backends: Backends = request.app.state.backends
    ctx, settings = backends.ctx(), backends.settings
    checks = {
        "bus": lambda: ctx.bus.pending(settings.topic_uploaded),
        "store": lambda: ctx.store.exists("health/ready"),
        "index": lambda: ctx.index.get("health-ready-probe"),
        "database": lambda: backends.db().execute("SELECT 1"),
    }
    results = await run_in_threadpool(check_backends, checks, READY_TIMEOUT_SECONDS)
    ok = all(value == "ok" for value in results.values())
    return JSONResponse({"status": "ready" if ok else "not_ready", "checks": results}, status_code=200 if ok else 503)


@router.get("/metrics", include_in_schema=False)
async def prometheus(request: Request) -> Response:
    """Every Sohoa process's metrics on this home, plus the backlog of the upload and dead-letter topics."""
    backends: Backends = request.app.state.backends
    ctx, settings = backends.ctx(), backends.settings

    def backlog() -> dict[str, dict[int, int]]:
        lags: dict[str, dict[int, int]] = {}
        for topic in (settings.topic_uploaded, settings.topic_dead):
            try:
                lags[topic] = ctx.bus.lag(topic)
            except Exception:  # the bus is down: the scrape still returns the other metrics
                continue
        return lags

    body, content_type = await run_in_threadpool(metrics.exposition, backlog)
    return Response(body, media_type=content_type)
