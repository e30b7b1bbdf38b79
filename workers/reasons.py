"""Why a record needs a person: derived from the record alone, so the indexes can store and filter it."""

from __future__ import annotations

from typing import Any

# In queue order of importance; "link" and "dossier" are added by the review queue from the register and
# the one-stop list, which the record does not carry.
RECORD_REASONS = ("failed", "low_confidence", "uncertain")


def review_reason(record: dict[str, Any]) -> str | None:
    """``failed``, ``low_confidence`` or ``uncertain`` (indexed with ``review`` set), or None."""
    if record.get("state") == "failed":
        return "failed"
    if record.get("state") == "indexed" and record.get("review"):
        return "low_confidence" if record.get("low_confidence") else "uncertain"
    return None
