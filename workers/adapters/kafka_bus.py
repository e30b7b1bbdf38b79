"""``Bus`` on Apache Kafka (``kafka://HOST:PORT[,HOST:PORT...]``), with kafka-python 3.x.

Delivery contract, the same as the embedded queue's:

* ``publish`` returns once every in-sync replica has the record (idempotent producer, ``acks='all'``).
* One consumer per bus instance and consumed topic, in the group ``settings.consumer_group``, with
  auto-commit off. ``receive`` hands out one record; ``ack`` synchronously commits ``offset + 1`` of its
  partition (never past a record of that partition still handed out and not acked, should a caller hold
  several); ``release`` seeks back to the record so it is delivered again. A consumer that closes or dies
  without acking leaves the committed offset where it was, so the group delivers the record again to
  whichever member owns the partition next. A record whose partition was taken away from this consumer
  since it was handed out is not committed at all: its new owner delivers it again.
* Records with the same key land on the same partition and are delivered in order.
* ``Message.deliveries`` is always 1 (Kafka does not count deliveries); the worker counts attempts in
  the index record.

Heartbeats are sent by kafka-python's background network thread, so ``keepalive`` has nothing to do.
A job may run up to ``MAX_POLL_INTERVAL_MS`` between two ``receive`` calls before the broker evicts the
consumer from the group (its partitions then go to another worker and the record is redelivered).

Topics are created if missing, with ``settings.topic_partitions`` partitions and the broker's default
replication factor. Every ``kafka.errors`` exception is translated here: broker or network trouble to
``TransientError``, refused credentials / bad topic names / too old a broker to ``ConfigError``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple
from urllib.parse import urlparse

import kafka.errors as kerrors
from kafka import (
    ConsumerRebalanceListener,
    KafkaAdminClient,
    KafkaConsumer,
    KafkaProducer,
    OffsetSpec,
    TopicPartition,
)
from kafka.structs import OffsetAndMetadata

from ..errors import ConfigError, SohoaError, TransientError
from ..ports import Message
from ..settings import Settings

log = logging.getLogger(__name__)

# A worker does not call ``receive`` while it OCRs a document; the broker evicts a consumer that stays
# away longer than this. Long enough for a 500-page scan.
MAX_POLL_INTERVAL_MS = 30 * 60 * 1000
# How fast the group notices a worker killed without a goodbye (SIGKILL, OOM): its partitions move to
# the other members after this. Heartbeats come from a background thread, so OCR load does not delay them.
SESSION_TIMEOUT_MS = 10_000
HEARTBEAT_INTERVAL_MS = 3_000
REQUEST_TIMEOUT_MS = 30_000

# Group membership changed under us: the record will be delivered again by the partition's new owner.
_LOST_MEMBERSHIP = (
    kerrors.CommitFailedError,
    kerrors.IllegalGenerationError,
    kerrors.UnknownMemberIdError,
    kerrors.RebalanceInProgressError,
    kerrors.FencedInstanceIdError,
)
_CONFIG_ERRORS = (
    kerrors.AuthorizationError,
    kerrors.SaslAuthenticationFailedError,
    kerrors.KafkaConfigurationError,
    kerrors.InvalidTopicError,
    kerrors.InvalidPartitionsError,
    kerrors.InvalidReplicationFactorError,
    kerrors.PolicyViolationError,
    kerrors.UnsupportedVersionError,
)


def bootstrap_servers(url: str) -> list[str]:
    """``kafka://h1:9092,h2:9092`` -> ``["h1:9092", "h2:9092"]``. Raises ``ConfigError`` when malformed."""
    parsed = urlparse(url)
    hosts = [h.strip() for h in parsed.netloc.split(",") if h.strip()]
    if parsed.scheme != "kafka" or not hosts:
        raise ConfigError(f"SOHOA_BUS={url!r}: use kafka://HOST:PORT[,HOST:PORT...]")
    return [h if ":" in h else f"{h}:9092" for h in hosts]


@contextmanager
def _translate(action: str) -> Iterator[None]:
    """Turn kafka-python exceptions into Sohoa errors (the only place they are caught)."""
    try:
        yield
    except SohoaError:
        raise
    except _CONFIG_ERRORS as exc:
        raise ConfigError(f"Kafka refused to {action}: {exc!r}. Check SOHOA_BUS, ACLs and the broker version.") from exc
    except kerrors.KafkaError as exc:
        raise TransientError(f"Kafka could not {action}: {exc!r}") from exc
    except OSError as exc:
        raise TransientError(f"Kafka could not {action}: {exc!r}") from exc


class Handle(NamedTuple):
    """``Message.handle`` of a Kafka record; ``epoch`` counts how often its partition was taken away."""

    tp: TopicPartition
    offset: int
    epoch: int


class _Outstanding(ConsumerRebalanceListener):
    """Offsets handed out and not yet acked, per partition, so a commit never skips one of them.

    Rebalance callbacks run on kafka-python's network thread, hence the lock. Losing a partition forgets
    its offsets and bumps its epoch: records handed out before that are no longer ours to commit.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[TopicPartition, set[int]] = {}
        self._done: dict[TopicPartition, int] = {}
        self._epoch: dict[TopicPartition, int] = {}

    def delivered(self, tp: TopicPartition, offset: int) -> Handle:
        with self._lock:
            self._open.setdefault(tp, set()).add(offset)
            return Handle(tp, offset, self._epoch.get(tp, 0))

    def acked(self, handle: Handle) -> int | None:
        """The offset to commit for ``handle``'s partition, or None if the partition changed hands."""
        tp, offset, epoch = handle
        with self._lock:
            if epoch != self._epoch.get(tp, 0):
                return None
            still_open = self._open.setdefault(tp, set())
            still_open.discard(offset)
            self._done[tp] = max(self._done.get(tp, 0), offset + 1)
            return min(still_open) if still_open else self._done[tp]

    def current(self, handle: Handle) -> bool:
        with self._lock:
            return handle.epoch == self._epoch.get(handle.tp, 0)

    def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        with self._lock:
            for tp in revoked:
                self._open.pop(tp, None)
                self._done.pop(tp, None)
                self._epoch[tp] = self._epoch.get(tp, 0) + 1

    def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        pass


class KafkaBus:
    """``Bus`` on a Kafka cluster. Not thread-safe except ``publish`` and ``keepalive``: one worker loop
    per instance (the worker calls ``keepalive`` from its heartbeat thread, which touches nothing)."""

    def __init__(self, settings: Settings) -> None:
        self._servers = bootstrap_servers(settings.bus)
        self._group = settings.consumer_group
        self._partitions = settings.topic_partitions
        # One budget for a publish, and the producer's own: past ``delivery_timeout_ms`` it drops the
        # record, so a publish we report as failed is never delivered later behind our back (and a
        # retried document does not produce a second event).
        self._publish_ms = max(1000, int(settings.bus_timeout_seconds * 1000))
        self._request_ms = min(REQUEST_TIMEOUT_MS, self._publish_ms)
        self._known_topics: set[str] = set()
        self._topic_lock = threading.Lock()
        self._consumers: dict[str, KafkaConsumer] = {}
        self._outstanding = _Outstanding()
        self._closed = False
        self._admin: Any = None
        self._producer: Any = None
        try:
            with _translate("connect"):
                self._admin = KafkaAdminClient(
                    bootstrap_servers=self._servers,
                    client_id="sohoa-admin",
                    request_timeout_ms=self._request_ms,
                )
                self._ensure_topics([settings.topic_uploaded, settings.topic_results, settings.topic_dead])
                self._producer = KafkaProducer(
                    bootstrap_servers=self._servers,
                    client_id="sohoa-producer",
                    acks="all",
                    enable_idempotence=True,
                    request_timeout_ms=self._request_ms,
                    delivery_timeout_ms=self._publish_ms,
                    max_block_ms=self._publish_ms,
                )
        except BaseException:
            self.close()
            raise

    # -- topics ---------------------------------------------------------------------------------------

    def _ensure_topics(self, topics: Iterable[str]) -> None:
        """Create the missing ``topics`` with explicit partition counts; tolerate a concurrent creator."""
        wanted = [t for t in dict.fromkeys(topics) if t not in self._known_topics]
        if not wanted:
            return
        with self._topic_lock:
            existing = set(self._admin.list_topics())
            missing = [t for t in wanted if t not in existing]
            if missing:
                spec = {t: {"num_partitions": self._partitions, "replication_factor": -1} for t in missing}
                result = self._admin.create_topics(spec, timeout_ms=self._request_ms, raise_errors=False)
                for topic in result.get("topics", []):
                    error = kerrors.for_code(topic.get("error_code", 0))
                    if error not in (kerrors.NoError, kerrors.TopicAlreadyExistsError):
                        raise error(f"cannot create topic {topic.get('name')}: {topic.get('error_message')}")
                log.info("created kafka topics %s with %d partitions", missing, self._partitions)
            self._admin.wait_for_topics(wanted, timeout_ms=self._request_ms)
            self._known_topics.update(wanted)

    # -- Bus ------------------------------------------------------------------------------------------

    def publish(self, topic: str, key: str, value: bytes) -> None:
        with _translate(f"publish to {topic}"):
            self._ensure_topics([topic])
            future = self._producer.send(topic, key=key.encode("utf-8"), value=value)
            # acks='all': durable on every in-sync replica. Wait a little longer than the producer's own
            # budget, so the answer is the producer's (delivered, or failed and dropped).
            future.get(timeout=self._publish_ms / 1000 + 5)

    def _consumer(self, topic: str) -> KafkaConsumer:
        consumer = self._consumers.get(topic)
        if consumer is None:
            self._ensure_topics([topic])
            consumer = KafkaConsumer(
                bootstrap_servers=self._servers,
                client_id=f"sohoa-{self._group}",
                group_id=self._group,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                allow_auto_create_topics=False,
                max_poll_records=1,
                max_poll_interval_ms=MAX_POLL_INTERVAL_MS,
                session_timeout_ms=SESSION_TIMEOUT_MS,
                heartbeat_interval_ms=HEARTBEAT_INTERVAL_MS,
                request_timeout_ms=max(self._request_ms, SESSION_TIMEOUT_MS + 1000),
            )
            consumer.subscribe([topic], listener=self._outstanding)
            self._consumers[topic] = consumer
        return consumer

    def receive(self, topic: str, timeout: float) -> Message | None:
        """The next record of ``topic`` for this group, or None after ``timeout`` seconds. The first call
        joins the group, which may take a few seconds; it still returns by the timeout."""
        with _translate(f"read from {topic}"):
            consumer = self._consumer(topic)
            batches = consumer.poll(timeout_ms=max(0, int(timeout * 1000)), max_records=1)
        for tp, records in batches.items():
            for record in records:
                key = record.key.decode("utf-8", "replace") if record.key is not None else ""
                handle = self._outstanding.delivered(tp, record.offset)
                return Message(record.topic, key, record.value or b"", handle=handle, deliveries=1)
        return None

    def ack(self, message: Message) -> None:
        """Synchronously commit past the record (see the module docstring for when that is skipped). If
        the group took the partition away meanwhile, the record will be delivered again, which the worker
        handles as a harmless redelivery: logged, not raised."""
        handle: Handle = message.handle
        consumer = self._consumers[message.topic]
        target = self._outstanding.acked(handle)
        if target is None or handle.tp not in consumer.assignment():
            log.warning("ack of %s skipped: partition moved; it will be redelivered", _where(handle))
            return
        try:
            with _translate(f"commit {_where(handle)}"):
                consumer.commit({handle.tp: OffsetAndMetadata(target, "", -1)})
        except TransientError as exc:
            if isinstance(exc.__cause__, _LOST_MEMBERSHIP):
                log.warning("ack of %s refused (group rebalanced); it will be redelivered", _where(handle))
                return
            raise

    def release(self, message: Message) -> None:
        """Seek back to the record so the next ``receive`` returns it again (it stays unacked). If the
        partition is no longer ours, its new owner starts from the last committed offset, which is at or
        before this record."""
        handle: Handle = message.handle
        consumer = self._consumers[message.topic]
        if not self._outstanding.current(handle) or handle.tp not in consumer.assignment():
            log.info("release of %s: partition moved to another worker", _where(handle))
            return
        with _translate(f"seek {handle.tp.topic}[{handle.tp.partition}]"):
            consumer.seek(handle.tp, handle.offset)

    def keepalive(self, message: Message) -> None:
        """Nothing to do: kafka-python heartbeats from its network thread (and a consumer is not safe to
        use from the worker's keepalive thread). The job's budget is ``MAX_POLL_INTERVAL_MS``."""

    def pending(self, topic: str) -> int:
        """Consumer lag of the group on ``topic``: sum over partitions of end offset - committed offset
        (the earliest retained offset where the group never committed). 0 when everything is acked."""
        return sum(self.lag(topic).values())

    def lag(self, topic: str) -> dict[int, int]:
        """The group's lag on each partition of ``topic`` (see :meth:`pending`)."""
        with _translate(f"read the lag of {topic}"):
            described = self._admin.describe_topics([topic])
            partitions = [
                TopicPartition(topic, p["partition_index"])
                for t in described
                if t.get("name") == topic and t.get("error_code", 0) == 0
                for p in t.get("partitions") or []
            ]
            if not partitions:
                return {}
            ends = self._admin.list_partition_offsets({tp: OffsetSpec.LATEST for tp in partitions})
            committed = self._admin.list_group_offsets({self._group: partitions}).get(self._group, {})
            starts: dict[TopicPartition, Any] = {}
            never = [tp for tp in partitions if _offset(committed.get(tp)) is None]
            if never:
                starts = self._admin.list_partition_offsets({tp: OffsetSpec.EARLIEST for tp in never})
            lags: dict[int, int] = {}
            for tp in partitions:
                position = _offset(committed.get(tp))
                if position is None:
                    position = starts[tp].offset
                lags[tp.partition] = max(0, ends[tp].offset - position)
            return lags

    def close(self) -> None:
        """Leave the group without committing anything (unacked records go to the next owner)."""
        if self._closed:
            return
        self._closed = True
        for consumer in self._consumers.values():
            _quietly(lambda c=consumer: c.close(autocommit=False))
        self._consumers.clear()
        if self._producer is not None:
            close_producer(self._producer)
        if self._admin is not None:
            _quietly(self._admin.close)


def _where(handle: Handle) -> str:
    return f"{handle.tp.topic}[{handle.tp.partition}]@{handle.offset}"


def _offset(committed: OffsetAndMetadata | None) -> int | None:
    if committed is None or committed.offset is None or committed.offset < 0:
        return None
    return int(committed.offset)


def close_producer(producer: Any, timeout: float = 10) -> None:
    """Close ``producer`` for good, even when the broker is away. A graceful close waits up to ``timeout``
    for the records in flight and raises if the broker never took them; the producer then stays open and
    its finalizer tries again later, printing a traceback from wherever garbage collection runs. So stop
    its sender instead, which drops those records (their ``publish`` calls have already failed, so their
    documents are being retried), and close again with nothing left to wait for."""
    try:
        producer.close(timeout=timeout)
        return
    except Exception as exc:
        log.debug("kafka producer did not close gracefully, forcing it: %r", exc)
    sender = getattr(producer, "_sender", None)
    if sender is not None:
        _quietly(sender.force_close)
        _quietly(lambda: sender.join(5))
    _quietly(lambda: producer.close(timeout=1))


def _quietly(action: Any) -> None:
    try:
        action()
    except Exception as exc:  # closing must not hide the error that made us close
        log.debug("ignored error while closing kafka client: %r", exc)
