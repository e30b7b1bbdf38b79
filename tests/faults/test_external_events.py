"""Events from another system: a plain Kafka producer announces objects that a plain S3 client put in
the bucket directly (good, with a wrong hash, and a malformed message)."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from kafka import KafkaProducer
from minio import Minio

from tests.faults.conftest import finish_worker, read_events, start_worker
from tests.unit.fake_pipeline import fake_file
from workers.context import Context, original_key
from workers.settings import Settings

pytestmark = [pytest.mark.live]


def _put(settings: Settings, key: str, data: bytes) -> None:
    url = urlparse(settings.store)
    client = Minio(
        f"{url.hostname}:{url.port}",
        access_key=unquote(url.username or ""),
        secret_key=unquote(url.password or ""),
        secure=False,
    )
    bucket = url.path.strip("/")
    if not client.bucket_exists(bucket):
        client.make_bucket(bucket)
    client.put_object(bucket, key, io.BytesIO(data), len(data), content_type="image/png")


def _event(doc_id: str, name: str, size: int) -> bytes:
    event = {
        "type": "file.uploaded",
        "version": 1,
        "event_id": hashlib.md5(name.encode()).hexdigest(),
        "occurred_at": datetime.now(UTC).isoformat(),
        "doc_id": doc_id,
        "filename": name,
        "size": size,
        "batch": "mot-cua",
        "dossier": "000.12.37.H37-240327-0030",
        "original_key": original_key(doc_id),
    }
    return json.dumps(event).encode()


def test_external_events_are_processed_checked_and_dead_lettered(fault_settings: Settings, tmp_path: Path) -> None:
    good = fake_file(b"scanned by the one-stop system")
    good_id = hashlib.sha256(good).hexdigest()
    other = fake_file(b"these bytes do not hash to the id")
    wrong_id = hashlib.sha256(b"something else").hexdigest()
    with Context.open(fault_settings) as ctx:  # makes the bucket, topics and index
        _put(fault_settings, original_key(good_id), good)
        _put(fault_settings, original_key(wrong_id), other)
        producer = KafkaProducer(bootstrap_servers=fault_settings.bus.removeprefix("kafka://"), acks="all")
        topic = fault_settings.topic_uploaded
        producer.send(topic, key=good_id.encode(), value=_event(good_id, "giay-phep.png", len(good))).get(30)
        producer.send(topic, key=wrong_id.encode(), value=_event(wrong_id, "sai-ma.png", len(other))).get(30)
        producer.send(topic, key=b"junk", value=b'{"type": "file.uploaded", "doc_id": 42').get(30)
        producer.close()
        worker = start_worker(fault_settings, drain=True, delay=0.0)
        assert finish_worker(worker, 120) == 0
        record = ctx.index.get(good_id)
        assert record is not None and record["state"] == "indexed"
        assert (record["filename"], record["batch"], record["dossier"], record["size"]) == (
            "giay-phep.png",
            "mot-cua",
            "000.12.37.H37-240327-0030",
            len(good),
        )
        assert record["uploaded_at"]
        assert {r["doc_id"] for r in ctx.index.scan("mot-cua")} == {good_id, wrong_id}  # visible in the batch
        wrong = ctx.index.get(wrong_id)
        assert wrong is not None and (wrong["state"], wrong["error_code"]) == ("failed", "hash_mismatch")
        dead = read_events(ctx, fault_settings.topic_dead, lambda seen: len(seen) >= 2)
        assert sorted(d["code"] for d in dead) == ["bad_event", "hash_mismatch"]
        rejected = next(d for d in dead if d["code"] == "bad_event")
        assert rejected["type"] == "message.rejected" and rejected["version"] == 1 and rejected["key"] == "junk"
        assert rejected["original"].startswith('{"type": "file.uploaded"')
        ctx.index.drop()
