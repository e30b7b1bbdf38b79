"""Logs: one JSON line per document outcome at the default level, with whole ids bound to it."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from tests.unit.fake_pipeline import fake_file
from workers.context import Context
from workers.ingest import ingest_paths
from workers.logs import bound, configure_logging, get_logger
from workers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]

# The real command line (`sohoa worker --drain`) with the OCR stand-in, so the test runs in a second.
_CHILD = """
import sys
from tests.unit.fake_pipeline import fake_process
from workers import cli, worker
worker.process = fake_process
sys.exit(cli.main(["worker", "-j", "1", "--drain"]))
"""


def test_a_worker_run_logs_one_json_line_per_document(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in {"a.png": b"one", "b.png": b"BAD two", "c.png": b"three", "d.png": b"BUG four"}.items():
        (folder / name).write_bytes(fake_file(text))
    with Context.open(settings) as ctx:
        report = ingest_paths(ctx, [folder], batch="logs")
    env = {**os.environ, "SOHOA_HOME": str(settings.home)}
    env.pop("SOHOA_PROFILE", None)
    run = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in run.stderr.splitlines() if line.strip()]  # every line is JSON
    outcomes = [line for line in lines if line.get("event") == "document"]
    by_doc = {line["doc_id"]: line for line in outcomes}
    assert len(outcomes) == len(by_doc) == 4, outcomes
    assert set(by_doc) == {f.doc_id for f in report.files}
    for uploaded in report.files:
        line = by_doc[uploaded.doc_id]
        assert len(line["doc_id"]) == 64  # the whole id, not a prefix
        assert line["level"] == "info" and line["batch"] == "logs" and line["filename"] == uploaded.filename
        assert isinstance(line["seconds"], float)
    assert {(by_doc[f.doc_id]["outcome"], by_doc[f.doc_id]["code"]) for f in report.files} == {
        ("indexed", None),
        ("failed", "corrupt_file"),
        ("failed", "internal_error"),
    }
    good = next(line for line in outcomes if line["outcome"] == "indexed")
    assert good["pages"] == 1 and {"download", "store", "index"} <= set(good["stages"])
    # the bug's traceback is logged too, as an error line bound to the same document
    bug_id = next(f.doc_id for f in report.files if f.filename == "d.png")
    errors = [line for line in lines if line["level"] == "error"]
    assert errors and all(e["doc_id"] == bug_id for e in errors) and "fake pipeline bug" in errors[0]["exception"]


def test_stdlib_and_structlog_lines_share_the_bound_ids() -> None:
    out = io.StringIO()
    configure_logging(stream=out)
    try:
        with bound(doc_id="ab" * 32, batch="b1"):
            logging.getLogger("workers.pipeline.x").warning("plain %s", "logging")
            get_logger("workers.y").info("structured", pages=3)
        logging.getLogger("workers.z").debug("hidden at the default level")
        logging.getLogger("somelibrary").info("hidden too")
    finally:
        logging.getLogger().handlers.clear()
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["plain logging", "structured"]
    assert all(line["doc_id"] == "ab" * 32 and line["batch"] == "b1" for line in lines)
    assert lines[1]["pages"] == 3
