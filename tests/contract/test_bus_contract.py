"""One suite for every Bus backend: the embedded SQLite queue and Kafka must give the same guarantees.

Each test gets its own topics and consumer group (uuid suffix), so tests never see each other's messages.
A "crash" is a consumer closed without ack: the embedded queue hands the message out again when its lease
runs out (1 s here); Kafka hands it to the next member of the group.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from workers.ports import Bus, Message
from workers.settings import Settings

LEASE = 1.0
WITHIN = 30.0  # upper bound for a message to arrive (a Kafka group join takes a few seconds)


@dataclass
class Backend:
    name: str
    settings: Settings
    factory: Callable[[], Bus]
    opened: list[Bus] = field(default_factory=list)

    def open(self) -> Bus:
        bus = self.factory()
        self.opened.append(bus)
        return bus

    @property
    def topic(self) -> str:
        return self.settings.topic_uploaded


def _embedded(tmp_path: Path, suffix: str) -> Backend:
    from workers.adapters.local_bus import LocalBus

    settings = Settings(home=tmp_path, topic_uploaded=f"sohoa-test-{suffix}", lease_seconds=LEASE)
    return Backend("embedded", settings, lambda: LocalBus(settings.queue_path, lease_seconds=LEASE))


def _kafka(tmp_path: Path, suffix: str) -> Backend:
    from tests.conftest import require_service
    from workers.adapters.kafka_bus import KafkaBus

    url = require_service("bus")
    settings = Settings(
        home=tmp_path,
        bus=url,
        topic_uploaded=f"sohoa-test-{suffix}.uploaded",
        topic_results=f"sohoa-test-{suffix}.processed",
        topic_dead=f"sohoa-test-{suffix}.dead",
        topic_partitions=2,
        consumer_group=f"sohoa-test-{suffix}",
    )
    return Backend("kafka", settings, lambda: KafkaBus(settings))


def _kafka_cleanup(settings: Settings) -> None:
    """Delete the test's topics and group so repeated runs do not pile them up on the broker."""
    from kafka import KafkaAdminClient

    from workers.adapters.kafka_bus import bootstrap_servers

    admin = KafkaAdminClient(bootstrap_servers=bootstrap_servers(settings.bus), client_id="sohoa-test-cleanup")
    try:
        admin.delete_topics([settings.topic_uploaded, settings.topic_results, settings.topic_dead], raise_errors=False)
        admin.delete_groups([settings.consumer_group])
    except Exception:  # best effort: a leftover topic is harmless
        pass
    finally:
        admin.close()


@pytest.fixture(params=["embedded", "kafka"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    suffix = uuid.uuid4().hex[:10]
    chosen = _embedded(tmp_path, suffix) if request.param == "embedded" else _kafka(tmp_path, suffix)
    yield chosen
    for bus in chosen.opened:
        bus.close()
    if chosen.name == "kafka":
        _kafka_cleanup(chosen.settings)


def receive_within(bus: Bus, topic: str, within: float = WITHIN) -> Message:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        message = bus.receive(topic, timeout=1.0)
        if message is not None:
            return message
    raise AssertionError(f"no message on {topic} within {within} s")


def test_publish_receive_ack_keeps_order_within_a_key(backend: Backend) -> None:
    bus = backend.open()
    sent = {"doc-a": [f"a{i}".encode() for i in range(4)], "doc-b": [f"b{i}".encode() for i in range(3)]}
    for i in range(4):
        for key, values in sent.items():
            if i < len(values):
                bus.publish(backend.topic, key, values[i])
    got: dict[str, list[bytes]] = {"doc-a": [], "doc-b": []}
    for _ in range(7):
        message = receive_within(bus, backend.topic)
        assert message.topic == backend.topic and message.deliveries >= 1
        got[message.key].append(message.value)
        bus.ack(message)
    assert got == sent
    assert bus.pending(backend.topic) == 0
    # Acked messages are never delivered again, not even to a new consumer of the group.
    bus.close()
    other = backend.open()
    other.publish(backend.topic, "doc-c", b"sentinel")
    first = receive_within(other, backend.topic)
    assert (first.key, first.value) == ("doc-c", b"sentinel")
    other.ack(first)
    assert other.pending(backend.topic) == 0


def test_release_redelivers_the_same_message(backend: Backend) -> None:
    bus = backend.open()
    bus.publish(backend.topic, "doc-r", b"payload")
    first = receive_within(bus, backend.topic)
    bus.release(first)
    again = receive_within(bus, backend.topic, within=10.0)
    assert (again.key, again.value) == ("doc-r", b"payload")
    assert again.deliveries >= first.deliveries
    assert bus.pending(backend.topic) == 1
    bus.ack(again)
    assert bus.receive(backend.topic, timeout=1.0) is None
    assert bus.pending(backend.topic) == 0


def test_unacked_message_goes_to_a_new_consumer_after_a_crash(backend: Backend) -> None:
    first_bus = backend.open()
    first_bus.publish(backend.topic, "doc-x", b"survives")
    taken = receive_within(first_bus, backend.topic)
    assert taken.value == b"survives"
    first_bus.close()  # no ack: the worker died while processing
    second_bus = backend.open()
    again = receive_within(second_bus, backend.topic)
    assert (again.key, again.value) == ("doc-x", b"survives")
    second_bus.ack(again)
    assert second_bus.pending(backend.topic) == 0


def test_acking_a_later_message_does_not_ack_an_earlier_one(backend: Backend) -> None:
    first_bus = backend.open()
    first_bus.publish(backend.topic, "doc-same", b"first")
    first_bus.publish(backend.topic, "doc-same", b"second")
    first = receive_within(first_bus, backend.topic)
    second = receive_within(first_bus, backend.topic)
    assert (first.value, second.value) == (b"first", b"second")
    first_bus.ack(second)
    assert first_bus.pending(backend.topic) >= 1  # "first" is still owed
    first_bus.close()  # crash while "first" was still being processed
    second_bus = backend.open()
    again = receive_within(second_bus, backend.topic)
    assert again.value == b"first"  # "second" may come again too: at-least-once allows duplicates
    second_bus.ack(again)
    while (extra := second_bus.receive(backend.topic, timeout=1.0)) is not None:
        assert extra.value == b"second"
        second_bus.ack(extra)
    assert second_bus.pending(backend.topic) == 0


def test_pending_counts_queued_and_in_flight_until_acked(backend: Backend) -> None:
    bus = backend.open()
    assert bus.pending(backend.topic) == 0
    for i in range(3):
        bus.publish(backend.topic, f"doc-{i}", b"x")
    assert bus.pending(backend.topic) == 3
    message = receive_within(bus, backend.topic)
    assert bus.pending(backend.topic) == 3  # in flight still counts
    bus.ack(message)
    assert bus.pending(backend.topic) == 2
    lag = bus.lag(backend.topic)  # per partition, adding up to pending
    assert sum(lag.values()) == 2 and all(isinstance(p, int) and n >= 0 for p, n in lag.items())
    for _ in range(2):
        bus.ack(receive_within(bus, backend.topic))
    assert bus.pending(backend.topic) == 0


def test_receive_returns_none_on_an_empty_topic_within_the_timeout(backend: Backend) -> None:
    bus = backend.open()
    timeout = 2.0
    started = time.monotonic()
    assert bus.receive(backend.topic, timeout=timeout) is None
    elapsed = time.monotonic() - started
    assert timeout * 0.5 <= elapsed <= timeout + 1.5, elapsed
