"""``create_app(settings)``: the HTTP API (``/api/v1``) and, unless ``web=False``, the web app.

It binds nowhere by itself (``sohoa serve`` binds 127.0.0.1 by default). Every endpoint but
``/api/v1/health`` needs a signed-in caller of a given role (``workers.api.deps``): ``operator`` uploads
and sees the batches they created, ``staff`` also searches, views and corrects documents and reads
reports, ``admin`` also manages users and imports the register. Uploads, views, downloads, corrections
and exports are written to the audit log (``workers.audit``).

Layers: ``routes/`` (one router per resource) and ``web/`` (pages) call ``workers.services``; both get
their context, database and caller from ``deps``; ``handlers`` turns errors into responses.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import metrics
from ..settings import Settings
from .deps import Backends
from .guard import RequestGuard
from .handlers import install_error_handlers
from .observe import RequestMetrics
from .routes import ROUTERS

log = logging.getLogger(__name__)
DESCRIPTION = (
    "Số hóa hồ sơ, giấy tờ, kết quả giải quyết TTHC. Authenticate with "
    "`Authorization: Bearer <token>` (`sohoa user token NAME`)."
)


def create_app(settings: Settings, *, web: bool = True) -> FastAPI:
    """The app on ``settings``; its backends open when it starts and close when it stops."""
    metrics.configure(settings)
    backends = Backends(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        backends.open()
        try:
            yield
        finally:
            backends.close()

    app = FastAPI(title="Sohoa API", version="1", lifespan=lifespan, description=DESCRIPTION)
    app.state.settings = settings
    app.state.backends = backends
    # Tests and scripts reach the open backends through these two.
    app.state.ctx, app.state.appdb = backends.ctx, backends.db
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    if web:
        _mount_web(app)
    app.add_middleware(RequestGuard, settings=settings)  # before any body is read: see guard.py
    app.add_middleware(RequestMetrics)
    return app


def _mount_web(app: FastAPI) -> None:
    try:
        from .web.site import mount_web
    except ImportError:  # Jinja2 is optional for API-only deployments
        log.warning("web app unavailable; serving the API only", exc_info=True)
        return
    mount_web(app)
