"""Synthetic scanned Vietnamese administrative documents with exact ground truth.

The package turns document kinds (data in :mod:`samplegen.kinds`) into concrete documents (the set in
:mod:`samplegen.plan`), lays them out on A4 pages, renders them as degraded scans or born-digital PDFs and writes
ground truth that matches every rendered text line. The command-line entry point is ``scripts/make_samples.py``.
"""
