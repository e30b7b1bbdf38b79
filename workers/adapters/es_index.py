"""``SearchIndex`` on Elasticsearch 9.x (``http://HOST:9200``; ``https://USER:PASS@HOST:9200``).

Versioned index behind an alias: every read and write goes through the alias ``settings.index_name``,
which points at one concrete index ``f"{index_name}-v{MAPPING_VERSION}"`` created with ``INDEX_BODY``
(``schemas/index-mapping.json`` is a copy, checked by a test). A mapping change bumps
``MAPPING_VERSION``: ``ensure()`` then creates the new, empty index, moves the alias to it in one atomic
``_aliases`` call and keeps the old index (delete it once ``sohoa reindex`` has refilled the new one). An
older Sohoa never moves the alias back from a newer version: it stops with ``ConfigError``.

The mapping uses core Elasticsearch only (no analysis-common plugin, no scripts, no ingest, no
``_delete_by_query``). Vietnamese normalization happens in Python, with the functions the embedded index
uses (``workers.searchtext``): ``body_norm``/``meta_norm`` (diacritics kept) and ``body_fold``/
``meta_fold`` (diacritics removed) are indexed as the ``\\w+`` words of ``search_fields(record)`` joined by
spaces, so the standard analyzer sees exactly the words ``query_terms`` produces (left to itself it would
keep "1.000.000" or "e.g" as one token). Search semantics match ``LocalIndex``: every folded query term
must occur in body or metadata; with diacritics in the query, exact spellings score higher; metadata
weighs more than body. One shard, so facet counts and totals are exact.

The full record is stored as-is in ``record`` (``enabled: false``), so ``get``/``scan``/hits return
exactly what was upserted. Writes do not wait for a refresh (the index refreshes every second; a
per-write refresh capped the write rate at a few dozen per second): ``get`` sees a write at once, a
search within a second, or at once after :meth:`ElasticIndex.refresh`, which the requests that show
their own writes call. Deep pages (past ``max_result_window``) are reached with ``search_after``.

Errors: connection trouble, timeouts, 409/429/5xx -> ``TransientError``; refused credentials, a server
that is not Elasticsearch, a name clash with the alias -> ``ConfigError``; a record or query the mapping
rejects (HTTP 400) -> ``PermanentError``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import unquote, urlparse

from elasticsearch import (
    ApiError,
    AuthenticationException,
    AuthorizationException,
    BadRequestError,
    ConflictError,
    Elasticsearch,
    SerializationError,
    TransportError,
    UnsupportedProductError,
)

from ..errors import ConfigError, PermanentError, SohoaError, TransientError
from ..ports import BatchStats, Hit, SearchQuery, SearchResult
from ..reasons import review_reason
from ..searchtext import highlight, query_terms, search_fields
from ..settings import Settings
from ..textnorm import fold, has_diacritics

log = logging.getLogger(__name__)

MAPPING_VERSION = 2

_KEYWORD = {"type": "keyword", "ignore_above": 8191}  # 8191 chars x 4 bytes < Lucene's 32766-byte term
_DATE = {"type": "date", "format": "strict_date_optional_time", "ignore_malformed": True}
_TEXT = {"type": "text", "analyzer": "standard"}
INDEX_BODY: dict[str, Any] = {
    "settings": {"number_of_shards": 1, "auto_expand_replicas": "0-1"},
    "mappings": {
        "dynamic": "strict",
        "_meta": {"mapping_version": MAPPING_VERSION, "managed_by": "sohoa"},
        "properties": {
            "doc_id": {"type": "keyword"},
            "state": _KEYWORD,
            "doc_type": _KEYWORD,
            "field": _KEYWORD,
            "issuer": _KEYWORD,
            "issuer_fold": _KEYWORD,
            "batches": _KEYWORD,
            "so_ky_hieu": _KEYWORD,
            "year": {"type": "integer"},
            "ngay_ban_hanh": _DATE,
            "hieu_luc_den": _DATE,
            # ISO timestamps as written by the API: compared and sorted as strings, like the embedded index.
            "uploaded_at": {"type": "keyword"},
            "low_confidence": {"type": "boolean"},
            "review_reason": _KEYWORD,
            "processed_at": {"type": "keyword"},
            "body_norm": _TEXT,
            "body_fold": _TEXT,
            "meta_norm": _TEXT,
            "meta_fold": _TEXT,
            "record": {"type": "object", "enabled": False},
        },
    },
}
# Field boosts of the embedded index's bm25 weights (body_norm 1.5, body_fold 1, meta_norm 8, meta_fold 5).
_FOLD_FIELDS = ["body_fold^1.0", "meta_fold^5.0"]
_NORM_FIELDS = ["body_norm^1.5", "meta_norm^8.0"]
# facet name -> indexed field (same buckets as local_index.facet_value)
_FACET_FIELDS = {
    "doc_type": "doc_type",
    "field": "field",
    "issuer": "issuer",
    "year": "year",
    "state": "state",
    "low_confidence": "low_confidence",
}
_FACET_SIZE = 1000
_SCAN_PAGE = 1000
_WINDOW = 10_000  # Elasticsearch's default max_result_window: deeper pages go through search_after
_EXACT_BOOST = 1000.0  # a spelling as typed outranks every diacritic-folded-only match
_CONFLICT_RETRIES = 10
_WORD = re.compile(r"\w+", re.UNICODE)  # the tokenizer of searchtext.query_terms
_VERSION_SUFFIX = re.compile(r"-v(\d+)$")


class _IndexMissing(Exception):
    """The alias is gone (another process dropped the index): recreate it and try again."""


@contextmanager
def _translate(action: str, bad_request: type[SohoaError] = PermanentError) -> Iterator[None]:
    """elasticsearch / elastic_transport exceptions -> Sohoa errors, at the edge."""
    try:
        yield
    except SohoaError:
        raise
    except (UnsupportedProductError, AuthenticationException, AuthorizationException) as exc:
        raise ConfigError(f"Elasticsearch refused to {action}: {exc}. Check SOHOA_INDEX.") from exc
    except BadRequestError as exc:
        raise bad_request(f"Elasticsearch rejected the request to {action}: {exc}", code="index_rejected") from exc
    except ApiError as exc:
        raise TransientError(f"Elasticsearch could not {action}: {exc}") from exc
    except SerializationError as exc:
        raise PermanentError(f"cannot {action}: value not representable as JSON ({exc})") from exc
    except TransportError as exc:  # ConnectionError, ConnectionTimeout, TLS errors
        raise TransientError(f"Elasticsearch unreachable while trying to {action}: {exc}") from exc


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text))


def _year(date: Any) -> int | None:
    return int(date[:4]) if isinstance(date, str) and date[:4].isdigit() else None


def merge(record: dict[str, Any], doc_id: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The record after an upsert: ``fields`` merged in, ``doc_id`` and ``batches`` derived (as LocalIndex)."""
    merged = {**record, **fields, "doc_id": doc_id}
    batches = list(dict.fromkeys([*(merged.get("batches") or []), merged.get("batch")]))
    merged["batches"] = [b for b in batches if b]
    return merged


def document(record: dict[str, Any]) -> dict[str, Any]:
    """The Elasticsearch document of a merged record: filter fields, search text and the record itself."""
    text = search_fields(record)
    issuer = record.get("co_quan_ban_hanh")
    return {
        "doc_id": record["doc_id"],
        "state": record.get("state"),
        "doc_type": record.get("doc_type"),
        "field": record.get("field"),
        "issuer": issuer,
        "issuer_fold": fold(issuer) if issuer else None,
        "batches": record["batches"],
        "so_ky_hieu": record.get("so_ky_hieu"),
        "year": _year(record.get("ngay_ban_hanh")),
        "ngay_ban_hanh": record.get("ngay_ban_hanh") or None,
        "hieu_luc_den": record.get("hieu_luc_den") or None,
        # "" for a missing time sorts first ascending and last descending, as NULL does in SQLite.
        "uploaded_at": record.get("uploaded_at") or "",
        "low_confidence": bool(record.get("low_confidence")),
        "review_reason": review_reason(record),
        "processed_at": record.get("processed_at") or None,
        **{name: _words(value) for name, value in text.items()},
        "record": record,
    }


def _first_value(field: str, order: str) -> dict[str, Any]:
    """An aggregation holding the smallest (``asc``) or largest (``desc``) value of keyword ``field`` in a
    bucket: the first term in key order (min/max aggregations take numbers only)."""
    return {"terms": {"field": field, "size": 1, "order": {"_key": order}, "exclude": [""]}}  # "": no time


def _first_of(aggregation: dict[str, Any]) -> str | None:
    buckets = aggregation.get("buckets", [])
    value = buckets[0].get("key") if buckets else None
    return value if isinstance(value, str) and value else None


def _client(url: str) -> Elasticsearch:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ConfigError(f"SOHOA_INDEX: use http://HOST:9200 or https://USER:PASS@HOST:9200 (got {parsed.scheme}://)")
    port = parsed.port or (443 if parsed.scheme == "https" else 9200)
    host = f"{parsed.scheme}://{parsed.hostname}:{port}{parsed.path.rstrip('/')}"
    auth = (unquote(parsed.username), unquote(parsed.password or "")) if parsed.username else None
    return Elasticsearch(host, basic_auth=auth, request_timeout=30, max_retries=2, retry_on_timeout=True)


class ElasticIndex:
    """``SearchIndex`` on Elasticsearch; thread-safe (the client pools connections)."""

    def __init__(self, settings: Settings) -> None:
        self.alias = settings.index_name
        self.concrete = f"{settings.index_name}-v{MAPPING_VERSION}"
        self._es = _client(settings.index)
        self._lock = threading.Lock()
        self._ready = False

    # -- index and alias --------------------------------------------------------------------------------

    def ensure(self) -> None:
        """Create the concrete index if missing and point the alias at it (only at it)."""
        with self._lock, _translate(f"prepare index {self.concrete}", bad_request=ConfigError):
            es = self._es
            if not es.indices.exists(index=self.concrete):
                created = es.options(ignore_status=400).indices.create(index=self.concrete, **INDEX_BODY)
                error = created.body.get("error") if isinstance(created.body, dict) else None
                if error and error.get("type") != "resource_already_exists_exception":
                    raise ConfigError(f"cannot create index {self.concrete}: {error.get('reason')}")
            aliased = es.options(ignore_status=404).indices.get_alias(name=self.alias).body
            current = {name for name in aliased if name != "error" and name != "status"}
            if current != {self.concrete}:
                self._move_alias(current)
            self._ready = True

    def _move_alias(self, current: set[str]) -> None:
        for name in current:
            match = _VERSION_SUFFIX.search(name)
            if match and int(match.group(1)) > MAPPING_VERSION:
                raise ConfigError(
                    f"index alias {self.alias} points at {name}, newer than this Sohoa's mapping "
                    f"v{MAPPING_VERSION}: upgrade Sohoa instead of moving the alias back"
                )
        if self._es.indices.exists(index=self.alias, allow_no_indices=True) and not current:
            raise ConfigError(
                f"an index named {self.alias} (not an alias) exists: delete it (the index is derived state) "
                "and run `sohoa reindex`"
            )
        # must_exist=False: another process starting at the same time may have moved the alias already.
        actions: list[dict[str, Any]] = [
            {"remove": {"index": n, "alias": self.alias, "must_exist": False}} for n in sorted(current)
        ]
        actions.append({"add": {"index": self.concrete, "alias": self.alias, "is_write_index": True}})
        self._es.indices.update_aliases(actions=actions)
        if current - {self.concrete}:
            log.warning(
                "index alias %s moved from %s to %s (mapping v%d): run `sohoa reindex` to refill it",
                self.alias,
                ", ".join(sorted(current)),
                self.concrete,
                MAPPING_VERSION,
            )

    def _ensure_once(self) -> None:
        if not self._ready:
            self.ensure()

    @staticmethod
    def _missing_index(exc: ApiError) -> bool:
        body = exc.body if isinstance(exc.body, dict) else {}
        return exc.status_code == 404 and (body.get("error") or {}).get("type") == "index_not_found_exception"

    # -- writes ---------------------------------------------------------------------------------------

    def upsert(self, doc_id: str, fields: dict[str, Any]) -> None:
        """Read-modify-write with optimistic concurrency (``if_seq_no``), retried on conflicts; the
        alias is (re)created first if another process dropped the index meanwhile."""
        with _translate(f"index {doc_id}"):
            self._ensure_once()
            for _attempt in range(_CONFLICT_RETRIES):
                try:
                    self._upsert_once(doc_id, fields)
                    return
                except ConflictError:
                    continue
                except _IndexMissing:
                    self.ensure()
                except ApiError as exc:
                    if not self._missing_index(exc):
                        raise
                    self.ensure()
            raise TransientError(f"index record {doc_id} kept changing under concurrent writers")

    def _upsert_once(self, doc_id: str, fields: dict[str, Any]) -> None:
        found = self._es.options(ignore_status=404).get(index=self.alias, id=doc_id, source_includes=["record"])
        body = found.body
        if body.get("error"):
            raise _IndexMissing(str(body["error"]))
        options: dict[str, Any]
        if body.get("found"):
            record = body["_source"]["record"]
            options = {"if_seq_no": body["_seq_no"], "if_primary_term": body["_primary_term"]}
        else:
            record, options = {}, {"op_type": "create"}
        self._es.index(
            index=self.alias,
            id=doc_id,
            document=document(merge(record, doc_id, fields)),
            require_alias=True,
            **options,
        )

    def put_many(self, records: list[dict[str, Any]]) -> None:
        """One ``_bulk`` request of whole records (no read, no merge); any rejected item fails the call."""
        if not records:
            return
        operations: list[dict[str, Any]] = []
        for record in records:
            doc_id = str(record["doc_id"])
            operations.append({"index": {"_id": doc_id}})
            operations.append(document(merge({}, doc_id, record)))
        with _translate("index records in bulk"):
            self._ensure_once()
            result = self._es.bulk(index=self.alias, operations=operations, require_alias=True).body
        if result.get("errors"):
            failed = [item["index"] for item in result["items"] if item["index"].get("error")]
            status = int(failed[0].get("status") or 0)
            message = f"{len(failed)} of {len(records)} records not indexed: {failed[0]['error']}"
            raise (PermanentError(message, code="index_rejected") if status == 400 else TransientError(message))

    def drop(self) -> None:
        """Delete every record by deleting the concrete index (its alias goes with it); the next write or
        ``ensure()`` recreates both. Reads in between see an empty index."""
        with self._lock, _translate(f"drop index {self.concrete}", bad_request=ConfigError):
            self._es.options(ignore_status=404).indices.delete(index=self.concrete)
            self._ready = False

    # -- reads ----------------------------------------------------------------------------------------

    def get(self, doc_id: str) -> dict[str, Any] | None:
        with _translate(f"read {doc_id}"):
            found = self._es.options(ignore_status=404).get(index=self.alias, id=doc_id, source_includes=["record"])
        body = found.body
        return body["_source"]["record"] if body.get("found") else None

    def scan(self, batch: str | None = None) -> Iterator[dict[str, Any]]:
        """Every record (of ``batch``) by upload time then doc_id, paged with ``search_after``; refreshes
        first, so that maintenance (and tests) see every write made before the call."""
        self.refresh()
        query: dict[str, Any] = {"term": {"batches": batch}} if batch else {"match_all": {}}
        sort = [{"uploaded_at": "asc"}, {"doc_id": "asc"}]
        after: list[Any] | None = None
        while True:
            with _translate("scan the index"):
                response = self._es.options(ignore_status=404).search(
                    index=self.alias,
                    query=query,
                    sort=sort,
                    size=_SCAN_PAGE,
                    search_after=after,
                    source_includes=["record"],
                    track_total_hits=False,
                )
            hits = response.body.get("hits", {}).get("hits", [])  # no hits at all when the index is dropped
            for hit in hits:
                yield hit["_source"]["record"]
            if len(hits) < _SCAN_PAGE:
                return
            after = hits[-1]["sort"]

    def search(self, query: SearchQuery) -> SearchResult:
        body = self._search_body(query)
        if query.offset + query.limit > _WINDOW:
            return self._deep_search(query, body)
        with _translate("search"):
            response = self._es.options(ignore_status=404).search(index=self.alias, **body)
        result = response.body
        if result.get("error"):  # dropped and not recreated yet: nothing to find
            return SearchResult(total=0, hits=[], facets={name: {} for name in _FACET_FIELDS} if query.facets else {})
        return SearchResult(
            total=int(result["hits"]["total"]["value"]),
            hits=self._hits(query, body, result["hits"]["hits"]),
            facets=self._facet_counts(result) if query.facets else {},
        )

    def _deep_search(self, query: SearchQuery, body: dict[str, Any]) -> SearchResult:
        """A page past the result window: walk to it with ``search_after`` in windows of ``_WINDOW``."""
        skip, after = query.offset, None
        first: dict[str, Any] | None = None
        while True:
            size = min(_WINDOW, skip) if skip else query.limit
            step = body | {"from_": 0, "size": size, "search_after": after}
            if skip:  # walking: only each hit's sort values come back
                step |= {"source": False, "filter_path": ["hits.hits.sort", "hits.total", "aggregations", "error"]}
                step.pop("source_includes", None)
                step.pop("source_excludes", None)
            if first is not None:
                step.pop("aggs", None)
                step["track_total_hits"] = False
            with _translate("search"):
                result = self._es.options(ignore_status=404).search(index=self.alias, **step).body
            if result.get("error"):
                return SearchResult(total=0, hits=[], facets={})
            first = first or result
            hits = result.get("hits", {}).get("hits", [])
            if skip == 0 or not hits:
                break
            skip -= len(hits)
            after = hits[-1]["sort"]
            if len(hits) < size:
                hits = []
                break
        return SearchResult(
            total=int(first.get("hits", {}).get("total", {}).get("value", 0)),
            hits=self._hits(query, body, hits if skip == 0 else []),
            facets=self._facet_counts(first) if query.facets else {},
        )

    def _hits(self, query: SearchQuery, body: dict[str, Any], raw: list[dict[str, Any]]) -> list[Hit]:
        scored = "must" in body["query"]["bool"]
        hits = []
        for hit in raw:
            record = hit["_source"]["record"]
            snippets = highlight(record.get("text") or "", query.text) if query.text else []
            if not query.with_text:
                record.pop("text", None)
            if query.fields:
                record = {k: record.get(k) for k in ("doc_id", *query.fields)}
            score = float(hit.get("_score") or 0.0) if scored else 0.0
            hits.append(Hit(record=record, score=round(score, 4), highlights=snippets))
        return hits

    @staticmethod
    def _facet_counts(result: dict[str, Any]) -> dict[str, dict[str, int]]:
        facets: dict[str, dict[str, int]] = {}
        for name in _FACET_FIELDS:
            buckets = result["aggregations"][name]["buckets"]
            facets[name] = {
                str(b["key_as_string"] if name == "low_confidence" else b["key"]): int(b["doc_count"]) for b in buckets
            }
        return facets

    def records(self, query: SearchQuery) -> Iterator[dict[str, Any]]:
        """Every match in upload order, a page at a time with ``search_after`` (no scores, no facets)."""
        body = self._search_body(query)
        source = ["record"] if query.with_text else None
        if query.fields:
            source = [f"record.{k}" for k in ("doc_id", *query.fields)]
        after: list[Any] | None = None
        while True:
            with _translate("read records"):
                response = self._es.options(ignore_status=404).search(
                    index=self.alias,
                    query=body["query"],
                    sort=[{"uploaded_at": "asc"}, {"doc_id": "asc"}],
                    size=_SCAN_PAGE,
                    search_after=after,
                    source_includes=source or ["record"],
                    source_excludes=None if source else ["record.text"],
                    track_total_hits=False,
                )
            hits = response.body.get("hits", {}).get("hits", [])
            for hit in hits:
                record = hit["_source"].get("record", {})
                yield {k: record.get(k) for k in ("doc_id", *query.fields)} if query.fields else record
            if len(hits) < _SCAN_PAGE:
                return
            after = hits[-1]["sort"]

    def batch_stats(self, batches: list[str] | None = None) -> list[BatchStats]:
        """One ``composite`` aggregation over batches (paged by its ``after_key``), counts by state inside."""
        if batches is not None and not batches:
            return []
        query: dict[str, Any] = {"terms": {"batches": batches}} if batches else {"match_all": {}}
        stats: dict[str, BatchStats] = {}
        after: dict[str, Any] | None = None
        while True:
            composite: dict[str, Any] = {"size": 1000, "sources": [{"batch": {"terms": {"field": "batches"}}}]}
            if after:
                composite["after"] = after
            aggs = {
                "batches": {
                    "composite": composite,
                    "aggs": {
                        "states": {"terms": {"field": "state", "size": 20}},
                        # keyword timestamps: no min/max aggregation, the first hit of each order instead
                        "started": _first_value("uploaded_at", "asc"),
                        "processed": _first_value("processed_at", "desc"),
                    },
                }
            }
            with _translate("count batches"):
                result = (
                    self._es.options(ignore_status=404)
                    .search(index=self.alias, query=query, size=0, aggs=aggs, track_total_hits=False)
                    .body
                )
            if result.get("error"):
                return []
            agg = result["aggregations"]["batches"]
            for bucket in agg["buckets"]:
                name = bucket["key"]["batch"]
                if batches is not None and name not in batches:
                    continue  # a file in several batches brings its other batches along
                counts = {str(b["key"]): int(b["doc_count"]) for b in bucket["states"]["buckets"]}
                stats[name] = BatchStats(
                    batch=name,
                    files=int(bucket["doc_count"]),
                    counts=counts,
                    started_at=_first_of(bucket["started"]),
                    last_processed_at=_first_of(bucket["processed"]),
                )
            after = agg.get("after_key")
            if not after or len(agg["buckets"]) < 1000:
                return list(stats.values())

    def refresh(self) -> None:
        with _translate("refresh the index"):
            self._es.options(ignore_status=404).indices.refresh(index=self.alias)

    def _search_body(self, q: SearchQuery) -> dict[str, Any]:
        norm_terms, fold_terms = query_terms(q.text)
        clauses: dict[str, Any] = {"filter": self._filters(q)}
        if fold_terms:
            clauses["must"] = [
                {"multi_match": {"query": t, "fields": _FOLD_FIELDS, "type": "most_fields", "operator": "and"}}
                for t in fold_terms
            ]
            if has_diacritics(q.text) and norm_terms:
                exact = [
                    {"multi_match": {"query": t, "fields": _NORM_FIELDS, "type": "most_fields", "operator": "and"}}
                    for t in norm_terms
                ]
                # every term as typed: a constant that lifts exact spellings above all folded-only matches
                clauses["should"] = [
                    *exact,
                    {"constant_score": {"filter": {"bool": {"must": exact}}, "boost": _EXACT_BOOST}},
                ]
        tie = [{"uploaded_at": {"order": "desc"}}, {"doc_id": {"order": "asc"}}]
        sort: list[Any]
        if q.sort in ("date_desc", "date_asc"):
            order = "desc" if q.sort == "date_desc" else "asc"
            sort = [{"ngay_ban_hanh": {"order": order, "missing": "_last"}}, {"doc_id": {"order": "asc"}}]
        elif q.sort == "uploaded":
            sort = [{"uploaded_at": {"order": "asc"}}, {"doc_id": {"order": "asc"}}]
        elif fold_terms:
            sort = [{"_score": {"order": "desc"}}, *tie]
        else:
            sort = tie
        body: dict[str, Any] = {
            "query": {"bool": clauses},
            "sort": sort,
            "from_": q.offset,
            "size": q.limit,
            "track_total_hits": True,
            "track_scores": True,
            "source_includes": ["record"],
        }
        if not q.with_text and not q.text:
            body["source_excludes"] = ["record.text"]
        if q.facets:
            body["aggs"] = {name: {"terms": {"field": f, "size": _FACET_SIZE}} for name, f in _FACET_FIELDS.items()}
        return body

    @staticmethod
    def _filters(q: SearchQuery) -> list[dict[str, Any]]:
        filters: list[dict[str, Any]] = []
        for field, value in (("doc_type", q.doc_type), ("field", q.field), ("state", q.state), ("batches", q.batch)):
            if value:
                filters.append({"term": {field: value}})
        if q.doc_types:
            filters.append({"terms": {"doc_type": list(q.doc_types)}})
        if q.not_doc_types:
            filters.append({"bool": {"must_not": [{"terms": {"doc_type": list(q.not_doc_types)}}]}})
        if q.review_reasons:
            filters.append({"terms": {"review_reason": list(q.review_reasons)}})
        if q.doc_id_prefix:
            filters.append({"prefix": {"doc_id": q.doc_id_prefix}})
        if q.uploaded_after:
            at, doc_id = q.uploaded_after
            later = {"range": {"uploaded_at": {"gt": at}}}
            same = {"bool": {"filter": [{"term": {"uploaded_at": at}}, {"range": {"doc_id": {"gt": doc_id}}}]}}
            filters.append({"bool": {"should": [later, same], "minimum_should_match": 1}})
        if q.issuer:
            filters.append({"term": {"issuer_fold": fold(q.issuer)}})
        if q.year:
            filters.append({"term": {"year": q.year}})
        if q.valid_on:
            filters.append({"range": {"ngay_ban_hanh": {"lte": q.valid_on}}})
            no_end = {"bool": {"must_not": [{"exists": {"field": "hieu_luc_den"}}]}}
            filters.append(
                {
                    "bool": {
                        "should": [no_end, {"range": {"hieu_luc_den": {"gte": q.valid_on}}}],
                        "minimum_should_match": 1,
                    }
                }
            )
        if q.low_confidence is not None:
            filters.append({"term": {"low_confidence": bool(q.low_confidence)}})
        return filters

    def close(self) -> None:
        self._es.close()
