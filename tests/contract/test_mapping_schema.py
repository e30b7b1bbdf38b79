"""schemas/index-mapping.json is the Elasticsearch index body that ElasticIndex creates, byte for byte in
meaning; a change to one without the other (or without a version bump) fails here."""

from __future__ import annotations

import json
from pathlib import Path

from workers.adapters.es_index import INDEX_BODY, MAPPING_VERSION

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "schemas" / "index-mapping.json"
REGENERATE = (
    'python -c "import json; from workers.adapters.es_index import INDEX_BODY; '
    'print(json.dumps(INDEX_BODY, indent=2, ensure_ascii=False))" > schemas/index-mapping.json'
)


def test_committed_mapping_matches_code() -> None:
    assert MAPPING.is_file(), f"{MAPPING.name} missing: {REGENERATE}"
    assert json.loads(MAPPING.read_text(encoding="utf-8")) == INDEX_BODY, (
        f"schemas/index-mapping.json drifted from workers/adapters/es_index.py: {REGENERATE} "
        "(and bump MAPPING_VERSION if the mapping itself changed)"
    )


def test_mapping_carries_its_version_and_core_features_only() -> None:
    mappings = INDEX_BODY["mappings"]
    assert mappings["_meta"]["mapping_version"] == MAPPING_VERSION
    assert mappings["dynamic"] == "strict"
    props = mappings["properties"]
    # Vietnamese folding happens in Python: no custom analyzers (analysis-common is absent on the test server).
    assert "analysis" not in INDEX_BODY["settings"]
    for name in ("body_norm", "body_fold", "meta_norm", "meta_fold"):
        assert props[name] == {"type": "text", "analyzer": "standard"}
    assert props["so_ky_hieu"]["type"] == "keyword"
    assert props["year"]["type"] == "integer"
    assert props["ngay_ban_hanh"]["type"] == props["hieu_luc_den"]["type"] == "date"
    assert props["low_confidence"]["type"] == "boolean"
    assert props["record"] == {"type": "object", "enabled": False}
