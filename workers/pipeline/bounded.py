"""One bounded child process: the way the tool wrappers (:mod:`.tesseract`, :mod:`.poppler`) run their
tool. A memory ceiling (``RLIMIT_AS``) set between fork and exec, a wall-clock limit, cancellation, and a
kill in ``finally`` so that no child outlives its call, whatever happens in the caller."""

from __future__ import annotations

import resource
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..errors import ConfigError

_POLL_SECONDS = 0.25


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: bytes
    stderr: bytes
    seconds: float


def limit_memory(limit_bytes: int) -> None:
    """Cap the address space of the calling process. Meant for ``preexec_fn``: it runs in the child between
    fork and exec, so it stays trivial (no imports, no logging)."""
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def run_bounded(
    args: Sequence[str],
    *,
    timeout: float,
    memory_mb: int,
    missing: str,
    cancel: threading.Event | None = None,
    env: Mapping[str, str] | None = None,
) -> Finished:
    """Run ``args`` to the end and return what it printed.

    Raises ``subprocess.TimeoutExpired`` after ``timeout`` seconds (the process killed), ``InterruptedError``
    when ``cancel`` is set, ``ConfigError`` with the message ``missing`` when the program is not installed.
    """
    limit = memory_mb * 1024 * 1024
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env) if env is not None else None,
            preexec_fn=lambda: limit_memory(limit),
        )
    except FileNotFoundError as exc:
        raise ConfigError(missing) from exc
    deadline = start + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            try:
                out, err = proc.communicate(timeout=max(0.01, min(_POLL_SECONDS, left)))
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() >= deadline:
                    raise subprocess.TimeoutExpired(list(args), timeout) from None
                if cancel is not None and cancel.is_set():
                    raise InterruptedError(args[0]) from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return Finished(proc.returncode, out, err, time.monotonic() - start)
