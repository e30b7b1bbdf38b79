"""Sohoa: digitize paper dossiers of Vietnamese government offices into searchable records."""

from __future__ import annotations

__version__ = "0.1.0"
