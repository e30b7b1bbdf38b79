from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

from tests.conftest import make_settings, require_service
from workers.settings import Settings

pytestmark = pytest.mark.live


@pytest.fixture
def cluster_settings(tmp_path: Path) -> Settings:
    """Settings on the real Kafka, S3 and Elasticsearch, with names of their own for this test."""
    bus, store, index = require_service("bus"), require_service("store"), require_service("index")
    tag = uuid.uuid4().hex[:8]
    parsed = urlparse(store)
    store = urlunparse(parsed._replace(path=f"/sohoa-test-{tag}"))
    return make_settings(
        tmp_path / "home",
        bus=bus,
        store=store,
        index=index,
        index_name=f"sohoa-test-{tag}",
        topic_uploaded=f"test-{tag}.uploaded",
        topic_results=f"test-{tag}.processed",
        topic_dead=f"test-{tag}.dead",
        consumer_group=f"test-{tag}",
        topic_partitions=4,
        lease_seconds=120.0,
    )
