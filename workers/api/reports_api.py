"""Register and coverage endpoints (filled in by their own change)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["reports"])
