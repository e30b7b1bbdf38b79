"""`sohoa ingest FOLDER` says which files it passed over, instead of skipping them without a word."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.unit.fake_pipeline import fake_file
from workers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_folder_ingest_lists_the_files_it_did_not_take(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "scans"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.png").write_bytes(fake_file(b"one"))
    (folder / "sub" / "to-trinh.docx").write_bytes(b"PK\x03\x04 a word file")
    (folder / "ghi-chu.txt").write_text("notes")
    (folder / ".DS_Store").write_bytes(b"hidden files are not news")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {"SOHOA_HOME": str(settings.home)}
    out = subprocess.run(
        [sys.executable, "-m", "workers.cli", "ingest", str(folder), "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    data = json.loads(out.stdout)
    assert [f["filename"] for f in data["files"]] == ["a.png"]
    assert sorted(Path(p).name for p in data["skipped"]) == ["ghi-chu.txt", "to-trinh.docx"]
    text = subprocess.run(
        [sys.executable, "-m", "workers.cli", "ingest", str(folder)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    assert "bỏ qua / skipped 2" in text and "to-trinh.docx" in text
