#!/usr/bin/env python3
"""Generate a small, deterministic set of synthetic scanned Vietnamese administrative documents.

Usage::

    python scripts/make_samples.py OUT_DIR [--seed N] [--split samples|dev|heldout]

Writes ``OUT_DIR/files/doc_NNNN.{png,jpg,tif,pdf}``, ``OUT_DIR/gt/doc_NNNN.{json,txt}``,
``OUT_DIR/gt/coverage.json``, ``OUT_DIR/valid_results_register.csv``, the one-stop system's export
``OUT_DIR/dossier_list.csv`` (due dates, late and pending dossiers, some without any file) with its answer
key ``OUT_DIR/gt/dossiers.json`` and, last of all,
``OUT_DIR/manifest.csv`` (its presence means "generation complete").

Everything is fictional (province "Bắc Sơn", people, companies, numbers, the dossier agency code
``000.99.21.H99``); the laws and decrees cited are real instruments of each field. Pages are laid out in
PDF points on A4 (Nghị định 30/2020/NĐ-CP style), rendered with Liberation Serif either into page images
(then degraded like a scan) or into a born-digital PDF with reportlab. Every physical text line is
recorded, so the ground truth text is exact. Same seed -> byte-identical output.

``--split dev`` and ``--split heldout`` write wider sets (~70 files each, own seeds): two-line headers of several
bodies and localities, company letterheads, header columns sharing rows, heavier scans and more types. The
held-out split is for measuring only; the default (``samples``) set does not change with them.

The work is done by the ``samplegen`` package next to this script: document kinds are data in
``samplegen/kinds``, the set itself (documents, formats, scan levels) is data in ``samplegen/plan.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# scripts/ is not a package: make the sibling package importable whatever the working directory
sys.path.insert(0, str(Path(__file__).resolve().parent))

from samplegen.cli import generate, main

__all__ = ["generate", "main"]

if __name__ == "__main__":
    raise SystemExit(main())
