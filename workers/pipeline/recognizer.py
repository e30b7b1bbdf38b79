"""The long-lived recognizer: one Tesseract child process that keeps its language model loaded and reads
page after page, so that the ~0.15 CPU-second of loading ``vie`` is paid once per process, not per page.

Safety is the same as one process per page (:mod:`.bounded`): the child has an address-space limit
(``RLIMIT_AS``), each page a wall-clock limit, and cancellation is checked every quarter second. A page
that overruns, a cancelled call or a crash kills the child before the call returns; the next page starts
a fresh one. So a bad page fails only its own document, and nothing hangs.

:func:`session` lends a recognizer of a process-wide pool (one per thread that OCRs at a time); idle
ones are stopped after :data:`IDLE_SECONDS`, at exit, and are never shared with a forked child process.
The child program is :mod:`._tess_server`; nothing else talks to it.

Errors: ``page_timeout`` (:func:`workers.errors.input_error`) when a page overruns, ``InterruptedError``
when cancelled, :class:`Unavailable` when the Tesseract library cannot be loaded (the caller then runs
the command line), :class:`~workers.errors.ConfigError` when the language does not load (a raw line
images library that does not load is logged, and the child started again without it),
:class:`~workers.errors.TransientError` when the child crashes or fails on a page (its message says why).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workers.errors import ConfigError, TransientError, input_error

from . import rawlines
from .bounded import limit_memory

log = logging.getLogger(__name__)

SERVER = Path(__file__).with_name("_tess_server.py")

IDLE_SECONDS = 60.0
"""An idle recognizer beyond the first is stopped after this long: a burst of many-page documents does
not leave one model per thread loaded for ever."""

MAX_PAGES = 1000
"""Pages one child reads before it is replaced: bounds whatever the library leaks or fragments."""

START_SECONDS = 30.0
"""Time the child may take to load its language before it is deemed broken."""

_POLL_SECONDS = 0.25


class Unavailable(Exception):
    """The Tesseract library cannot be loaded by the child: use the command line instead."""


class RawlinesFailed(Exception):
    """The raw line images library does not load in the child: start it again without the library."""


@dataclass(frozen=True)
class PageDone:
    """One page read by a recognizer."""

    seconds: float  # wall clock, request to reply
    cpu: float  # CPU seconds the child spent on the page
    raw_lines: int = 0  # line images Tesseract passed raw (see :mod:`.rawlines`)


class Recognizer:
    """One child process with ``lang`` loaded. Not thread-safe: one page at a time (see :func:`session`)."""

    def __init__(
        self,
        lang: str,
        memory_mb: int,
        env: Mapping[str, str],
        variables: Mapping[str, str] | None = None,
    ) -> None:
        self.lang, self.memory_mb, self.variables = lang, memory_mb, dict(variables or {})
        self.pages = 0
        self.idle_since = time.monotonic()
        self._owner = os.getpid()
        self._buffer = b""
        limit = memory_mb * 1024 * 1024
        library = rawlines.find(env)
        options = {"variables": self.variables, "rawlines": str(library) if library else None}
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(SERVER), lang, json.dumps(options)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=dict(env),
            preexec_fn=lambda: limit_memory(limit),
        )
        try:
            ready = self._receive(START_SECONDS, None)
        except BaseException:
            self.close()
            raise
        if not ready.get("ready"):
            self.close()
            if ready.get("error") == "nolib":
                raise Unavailable(str(ready.get("detail")))
            if ready.get("error") == "rawlines":
                raise RawlinesFailed(str(ready.get("detail")))
            raise ConfigError(
                f"Tesseract không nạp được ngôn ngữ {lang} ({str(ready.get('detail', '')).strip()[-200:]}). "
                f"Cài: apt-get install tesseract-ocr-{lang.split('+')[0]}. (Tesseract could not load {lang}.)"
            )
        self.rawlines = bool(ready.get("rawlines"))
        """True when Tesseract in this child passes its line images raw (:mod:`.rawlines`)."""

    @property
    def pid(self) -> int:
        """Process id of the child."""
        return self._proc.pid

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None and self._owner == os.getpid()

    def read(
        self, image: Path, out_base: Path, *, dpi: int, pdf: bool, timeout: float, cancel: threading.Event | None
    ) -> PageDone:
        """Recognise ``image`` into ``out_base.tsv`` (and ``out_base.pdf``, text only, when ``pdf``), exactly
        as ``tesseract IMAGE OUT_BASE --dpi DPI tsv [pdf]`` would. Kills the child on any failure."""
        started = time.monotonic()
        request = {"image": str(image), "out": str(out_base), "dpi": dpi, "pdf": pdf}
        try:
            assert self._proc.stdin is not None
            self._proc.stdin.write(json.dumps(request).encode() + b"\n")
            self._proc.stdin.flush()
            reply = self._receive(timeout, cancel)
        except BaseException:
            self.close()
            raise
        self.pages += 1
        if not reply.get("ok"):
            self.close()  # the library's state after a failed page is not worth trusting
            raise _page_failure(str(reply.get("detail", "")), image)
        return PageDone(
            seconds=time.monotonic() - started,
            cpu=float(reply.get("cpu", 0.0)),
            raw_lines=int(reply.get("raw_lines", 0)),
        )

    def forget(self) -> None:
        """Close this process's ends of the pipes without stopping the child (after a fork)."""
        for pipe in (self._proc.stdin, self._proc.stdout):
            with contextlib.suppress(OSError, ValueError):
                if pipe is not None:
                    pipe.close()

    def close(self) -> None:
        """Stop the child (end of input, then a kill) and reap it. Idempotent."""
        if self._owner != os.getpid():  # inherited through fork: the child belongs to the parent
            return
        proc = self._proc
        with contextlib.suppress(OSError, ValueError):
            if proc.stdin is not None:
                proc.stdin.close()
        if proc.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(0.5)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()

    def _receive(self, timeout: float, cancel: threading.Event | None) -> dict[str, Any]:
        """The next reply line. Raises ``page_timeout``, ``InterruptedError`` or ``TransientError`` (crash)."""
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise input_error("page_timeout", f"Tesseract > {timeout:g}s")
            if cancel is not None and cancel.is_set():
                raise InterruptedError("tesseract")
            readable, _, _ = select.select([fd], [], [], min(_POLL_SECONDS, left))
            if not readable:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                code = self._proc.wait()
                raise TransientError(f"Tesseract bị dừng (mã {code}) giữa chừng. (Tesseract crashed, code {code}.)")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        reply: dict[str, Any] = json.loads(line)
        return reply


def _page_failure(detail: str, image: Path) -> Exception:
    low = detail.lower()
    if "cannot be read" in low or "error in pixread" in low or "unsupported" in low:
        return input_error("corrupt_file", f"Tesseract: {image.name}")
    return TransientError(f"Tesseract lỗi khi đọc {image.name}: {detail.strip()[-300:]} (Tesseract failed.)")


# ------------------------------------------------------------------------------------------------ the pool


class _Pool:
    """Idle recognizers of this process, by (language, memory limit)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[Recognizer] = []
        self.reaper: threading.Thread | None = None
        self.unavailable = False
        self.raw_lines = True  # until the raw line images library fails to load

    def take(self, lang: str, memory_mb: int, variables: Mapping[str, str]) -> Recognizer | None:
        with self.lock:
            for i in range(len(self.idle) - 1, -1, -1):
                rec = self.idle[i]
                if (rec.lang, rec.memory_mb, rec.variables) == (lang, memory_mb, variables):
                    del self.idle[i]
                    return rec
        return None

    def give_back(self, rec: Recognizer) -> None:
        if not rec.alive or rec.pages >= MAX_PAGES:
            rec.close()
            return
        rec.idle_since = time.monotonic()
        with self.lock:
            self.idle.append(rec)
            if self.reaper is None:
                self.reaper = threading.Thread(target=self._reap, name="recognizer-reaper", daemon=True)
                self.reaper.start()

    def _reap(self) -> None:
        while True:
            time.sleep(IDLE_SECONDS / 4)
            now = time.monotonic()
            with self.lock:
                # The most recently used one stays (the next document is likely to come soon).
                stale = [r for r in self.idle[:-1] if now - r.idle_since > IDLE_SECONDS]
                self.idle = [r for r in self.idle if r not in stale]
            for rec in stale:
                rec.close()

    def close_all(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for rec in idle:
            rec.close()


_POOL = _Pool()


def _forget_after_fork() -> None:
    # A forked process must not use (or stop) its parent's children: start with an empty pool, and close
    # its copies of their pipes, so that they still see their input end when the parent goes.
    global _POOL
    inherited, _POOL = _POOL.idle, _Pool()
    for rec in inherited:
        rec.forget()


os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(lambda: _POOL.close_all())


def close_all() -> None:
    """Stop this process's idle recognizers and reap them (at the end of a worker process)."""
    _POOL.close_all()


def unavailable() -> bool:
    """True once the library was found missing in this process (the command line is used instead)."""
    return _POOL.unavailable


def _start(pool: _Pool, lang: str, memory_mb: int, env: Mapping[str, str], variables: Mapping[str, str]) -> Recognizer:
    if pool.raw_lines:
        try:
            return Recognizer(lang, memory_mb, env, variables)
        except RawlinesFailed as exc:
            pool.raw_lines = False
            log.warning("raw line images library not loaded, OCR goes on without it (same text, more CPU): %s", exc)
    return Recognizer(lang, memory_mb, {**env, rawlines.ENV: "off"}, variables)


@contextlib.contextmanager
def session(
    lang: str, memory_mb: int, env: Mapping[str, str], variables: Mapping[str, str] | None = None
) -> Iterator[Recognizer]:
    """A recognizer with ``lang`` loaded (and Tesseract's ``variables`` set), for the caller's thread until
    the block ends; then back to the pool (or stopped, if it failed). Raises :class:`Unavailable` when the
    library cannot be loaded."""
    pool = _POOL
    if pool.unavailable:
        raise Unavailable("libtesseract")
    wanted = dict(variables or {})
    rec = pool.take(lang, memory_mb, wanted)
    if rec is None or not rec.alive:
        if rec is not None:
            rec.close()
        try:
            rec = _start(pool, lang, memory_mb, env, wanted)
        except Unavailable:
            pool.unavailable = True
            log.warning("libtesseract cannot be loaded: one tesseract process per page instead")
            raise
    try:
        yield rec
    finally:
        pool.give_back(rec)
