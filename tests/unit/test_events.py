from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from workers.events import EVENT_MODELS, FileFailed, FileUploaded, decode, encode, write_schemas

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schemas_match_models(tmp_path: Path) -> None:
    generated = write_schemas(tmp_path)
    assert len(generated) == len(EVENT_MODELS)
    for path in generated:
        committed = ROOT / "schemas" / path.name
        assert committed.is_file(), f"{committed.name} missing: run `sohoa schemas`"
        assert json.loads(committed.read_text()) == json.loads(path.read_text()), (
            f"schemas/{path.name} drifted from workers/events.py: run `sohoa schemas`"
        )


def test_round_trip_and_discrimination() -> None:
    event = FileUploaded(doc_id="ab" * 32, filename="x.pdf", size=3, batch="b1", original_key="originals/ab/x")
    back = decode(encode(event))
    assert isinstance(back, FileUploaded)
    assert back == event
    failed = decode(encode(FileFailed(doc_id="cd" * 32, code="corrupt_file", message="m")))
    assert isinstance(failed, FileFailed)
    assert failed.code == "corrupt_file"


def test_malformed_event_is_rejected() -> None:
    with pytest.raises(ValidationError):
        decode(b'{"type": "file.uploaded", "version": 1}')
    with pytest.raises(ValidationError):
        decode(b"not json")
