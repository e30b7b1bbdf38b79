"""Worker processes: how many run, how they stop, and that none outlives the process that started it.

Stopping (SIGTERM from systemd or Kubernetes, Ctrl-C on a terminal): a worker takes nothing new and
finishes the document in hand; if that takes longer than ``settings.stop_grace_seconds`` it exits
anyway, and the unfinished message is delivered again (to it after a restart, or to another worker).
Every worker process asks the kernel to send it SIGTERM when its parent dies, so that neither
``sohoa serve`` nor a pool killed outright leaves workers behind.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading

from . import metrics
from .errors import SohoaError
from .health import serve_worker_http
from .logs import get_logger
from .pipeline.recognizer import close_all as close_recognizers
from .ports import Bus
from .registry import open_bus
from .settings import Settings
from .worker import bound_memory, run_worker

log = get_logger(__name__)

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent: int) -> None:
    """Have the kernel send SIGTERM to this process when ``parent`` exits (Linux; a no-op elsewhere)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


def stop_on_signals(settings: Settings, stop: threading.Event) -> None:
    """SIGTERM and SIGINT set ``stop``; the process then exits within the grace period, finished or not."""

    def handler(signum: int, _frame: object) -> None:
        if stop.is_set():
            return
        stop.set()
        log.info("stopping", signal=signal.Signals(signum).name, grace_seconds=settings.stop_grace_seconds)
        timer = threading.Timer(settings.stop_grace_seconds, _exit_now)
        timer.daemon = True
        timer.start()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _exit_now() -> None:
    log.warning("grace period over: exiting with a document unfinished; it will be delivered again")
    os._exit(143)


def _child(settings: Settings, drain: bool, parent: int) -> None:
    die_with_parent(parent)
    bound_memory(settings.worker_memory_mb)
    stop = threading.Event()
    stop_on_signals(settings, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent decides
    try:
        run_worker(settings, drain=drain, stop=stop)
    finally:
        close_recognizers()  # a multiprocessing child skips atexit: stop and reap its Tesseract here


def run_pool(settings: Settings, processes: int, *, drain: bool = False) -> int:
    """Run ``processes`` workers sharing the bus until they end (``drain``) or are stopped; returns how
    many exited with an error. With one process the worker runs in this process."""
    _serve_http(settings)
    if processes <= 1:
        bound_memory(settings.worker_memory_mb)  # this process is the worker
        stop = threading.Event()
        if threading.current_thread() is threading.main_thread():
            stop_on_signals(settings, stop)
        run_worker(settings, drain=drain, stop=stop)
        return 0
    mp = multiprocessing.get_context("fork")  # POSIX only, like the OCR tools
    me = os.getpid()
    children = [
        mp.Process(target=_child, args=(settings, drain, me), name=f"sohoa-worker-{i}") for i in range(processes)
    ]
    for child in children:
        child.start()
    stopping = threading.Event()

    def handler(_signum: int, _frame: object) -> None:
        stopping.set()

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping.is_set():
            running = [c.sentinel for c in children if c.is_alive()]
            if not running:
                break
            multiprocessing.connection.wait(running, timeout=0.5)  # returns as soon as one exits
        if stopping.is_set():
            for child in children:
                if child.is_alive():
                    child.terminate()  # SIGTERM: finish the document in hand, within the grace period
            for child in children:
                child.join(settings.stop_grace_seconds + 5)
                if child.is_alive():
                    child.kill()
                    child.join()
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
    for child in children:
        if child.pid is not None:
            metrics.process_exited(child.pid)
    return sum(1 for c in children if c.exitcode not in (0, -signal.SIGTERM, 143))


def _serve_http(settings: Settings) -> None:
    """The workers' ``/metrics`` and health on ``settings.worker_http_port``, when it is set."""
    if not settings.worker_http_port:
        return
    bus: list[Bus] = []

    def backlog() -> dict[str, dict[int, int]]:
        try:
            if not bus:
                bus.append(open_bus(settings))
            return {settings.topic_uploaded: bus[0].lag(settings.topic_uploaded)}
        except SohoaError:  # the bus is down: the scrape still returns the workers' own metrics
            return {}

    serve_worker_http(settings, lambda: metrics.exposition(backlog))


def start_pool_process(settings: Settings, processes: int) -> multiprocessing.process.BaseProcess:
    """The pool in a process of its own (beside the web server), tied to this process's life."""
    mp = multiprocessing.get_context("fork")
    me = os.getpid()

    def main() -> None:
        die_with_parent(me)
        run_pool(settings, processes)

    process = mp.Process(target=main, name="sohoa-pool")
    process.start()
    return process
