"""The one-stop system's dossier events, published by a plain Kafka producer to the real broker, land
in the real PostgreSQL; the report reflects them and a redelivered event changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from kafka import KafkaProducer

from tests.conftest import ROOT, require_service
from workers.settings import Settings

pytestmark = pytest.mark.live


def _run(settings: Settings, *args: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_") or k.startswith("SOHOA_TEST_")}
    for name, value in settings.model_dump(exclude={"limits"}).items():
        if value is not None:  # unset: the default applies
            env[f"SOHOA_{name.upper()}"] = str(value)
    out = subprocess.run(
        [sys.executable, "-m", "workers.cli", *args, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return dict(json.loads(out.stdout))


def test_dossier_events_from_another_system(cluster_settings: Settings, tmp_path: Path) -> None:
    database = require_service("database")
    settings = cluster_settings.model_copy(update={"topic_dossiers": f"test-{uuid.uuid4().hex[:8]}.dossiers"})
    settings = settings.model_copy(update={"database": database})
    code = f"000.12.37.H37-240327-{uuid.uuid4().int % 10000:04d}"
    received = {
        "type": "dossier.received",
        "version": 1,
        "event_id": uuid.uuid4().hex,
        "occurred_at": "2024-03-27T08:00:00+07:00",
        "ma_ho_so": code,
        "thu_tuc": "Cấp Giấy phép bán lẻ rượu",
        "linh_vuc": "ruou",
        "chu_the": "Hộ kinh doanh Thử Nghiệm",
        "ngay_tiep_nhan": "2024-03-27",
        "ngay_hen_tra": "2024-04-10",
    }
    returned = {
        "type": "dossier.returned",
        "version": 1,
        "event_id": uuid.uuid4().hex,
        "occurred_at": "2024-04-12T15:00:00+07:00",
        "ma_ho_so": code,
        "ngay_tra_ket_qua": "2024-04-12",
        "trang_thai": "da_tra_ket_qua",
        "ket_qua_so_ky_hieu": "38/GP-SCT",
        "ket_qua_ngay_ban_hanh": "2024-04-12",
    }
    producer = KafkaProducer(bootstrap_servers=settings.bus.removeprefix("kafka://"), acks="all")
    for event in (received, returned, received):  # the last one is a redelivery
        producer.send(settings.topic_dossiers, key=code.encode(), value=json.dumps(event).encode()).get(30)
    producer.send(settings.topic_dossiers, key=b"junk", value=b"{not json").get(30)
    producer.close()
    first = _run(settings, "dossiers", "consume", "--drain")
    assert (first["applied"], first["duplicates"], first["rejected"]) == (2, 1, 1)
    report = _run(settings, "report", "dossiers", "--from", "2024-03-27", "--to", "2024-03-27")
    (row,) = [r for r in report["dossiers"] if r["ma_ho_so"] == code]  # type: ignore[union-attr]
    assert row["late"] is True and row["ngay_tra_ket_qua"] == "2024-04-12"
    assert row["missing"] == ["don_de_nghi", "giay_bien_nhan", "ket_qua"]
    # the same events again, as a broker may redeliver them: nothing changes
    producer = KafkaProducer(bootstrap_servers=settings.bus.removeprefix("kafka://"), acks="all")
    for event in (received, returned):
        producer.send(settings.topic_dossiers, key=code.encode(), value=json.dumps(event).encode()).get(30)
    producer.close()
    second = _run(settings, "dossiers", "consume", "--drain")
    assert (second["applied"], second["duplicates"]) == (0, 2)
    again = _run(settings, "report", "dossiers", "--from", "2024-03-27", "--to", "2024-03-27")
    assert [r for r in again["dossiers"] if r["ma_ho_so"] == code] == [row]  # type: ignore[union-attr]
