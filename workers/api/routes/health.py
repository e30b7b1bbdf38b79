"""Liveness, the one endpoint that needs no sign-in."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["system"])


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness; needs no sign-in."""
    return {"status": "ok"}
