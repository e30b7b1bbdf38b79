"""The HTTP API under ``/api/v1``, one ``APIRouter`` module per resource. Each handler declares the least
role it needs (``workers.api.deps``), calls a service, audits what it did, and returns JSON."""

from __future__ import annotations

from fastapi import APIRouter

from . import admin, batches, documents, dossiers, health, live, reports, review, search

ROUTERS: tuple[APIRouter, ...] = tuple(
    module.router for module in (batches, live, documents, review, search, admin, reports, dossiers, health)
)
