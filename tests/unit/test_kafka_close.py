"""Closing the Kafka producer when the broker is away: it ends closed, so that its finalizer has nothing
left to do (it used to print a traceback from garbage collection after a broker outage). A fake
producer with kafka-python's close semantics: close raises while records are in flight, and the
sender's force_close drops them."""

from __future__ import annotations

import threading

import kafka.errors as kerrors

from workers.adapters.kafka_bus import close_producer


class _Sender(threading.Thread):
    def __init__(self, producer: _Producer) -> None:
        super().__init__(daemon=True)
        self.producer, self.stop = producer, threading.Event()

    def run(self) -> None:
        self.stop.wait()
        self.producer.in_flight = 0  # kafka-python aborts the incomplete batches as its sender exits

    def force_close(self) -> None:
        self.stop.set()


class _Producer:
    def __init__(self, in_flight: int) -> None:
        self.in_flight, self.closed, self.calls = in_flight, False, []
        self._sender = _Sender(self)
        self._sender.start()

    def close(self, timeout: float | None = None) -> None:
        self.calls.append(timeout)
        if self.in_flight:
            raise kerrors.KafkaTimeoutError("Timeout waiting for future")
        self._sender.force_close()
        self.closed = True


def test_a_producer_with_records_the_broker_never_took_ends_closed() -> None:
    producer = _Producer(in_flight=3)
    close_producer(producer, timeout=0.1)
    assert producer.closed and producer.in_flight == 0
    assert producer.calls == [0.1, 1]  # the graceful close, then the one after the sender was stopped
    assert not producer._sender.is_alive()


def test_a_healthy_producer_is_closed_once_gracefully() -> None:
    producer = _Producer(in_flight=0)
    close_producer(producer)
    assert producer.closed and producer.calls == [10]
