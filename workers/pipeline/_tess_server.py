"""The long-lived recognizer's child program: Tesseract loaded once, pages read one after the other.

Not imported by Sohoa: :mod:`.recognizer` runs this file (standard library only, so it starts in
milliseconds and carries no state of the worker). It talks JSON lines:

* ``python -I -S _tess_server.py LANG OPTIONS``, OPTIONS a JSON object: ``variables`` are set once
  after the language is loaded (the command line's ``-c NAME=VALUE``); ``rawlines``, the path of the raw
  line images library (:mod:`.rawlines`), is loaded before ``libtesseract``, so that Tesseract hands
  its line images to the LSTM network without the PNG round trip;
* on start it loads the language once and writes ``{"ready": true, "rawlines": BOOL}``, or ``{"ok":
  false, "error": ...}`` and exits (``nolib`` when ``libtesseract`` cannot be loaded, ``init`` when the
  language fails to load, ``rawlines`` when the raw line images library does);
* for each request ``{"image": PATH, "out": BASE, "dpi": N, "pdf": BOOL}`` it runs what the command line
  ``tesseract PATH BASE -l LANG --dpi N [-c textonly_pdf=1] tsv [pdf]`` runs (the same library call, so
  the same ``BASE.tsv`` and ``BASE.pdf``) and writes ``{"ok": true, "cpu": SECONDS, "raw_lines": N}`` (N line
  images passed raw) or
  ``{"ok": false, "error": "failed", "detail": LAST_MESSAGES}``.

It exits when its input ends (the parent closed it or died) or when its parent is gone. Resource limits
and the per-page timeout are the parent's: it kills this process when a page overruns.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import tempfile
import threading
import time
from typing import IO, Any

_TESSERACT_NAMES = ("libtesseract.so.5", "libtesseract.so.4", "libtesseract.so", "libtesseract.5.dylib")
_PSM_AUTO = 3  # the command line's default page segmentation; the library's default is a single block
_P = ctypes.c_void_p
_S = ctypes.c_char_p


def _load() -> ctypes.CDLL | None:
    for name in _TESSERACT_NAMES:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        _declare(lib)
        return lib
    return None


def _load_rawlines(path: str) -> ctypes.CDLL | None:
    """The raw line images library, loaded for every library loaded after it (RTLD_GLOBAL), or None."""
    try:
        lib = ctypes.CDLL(path, mode=os.RTLD_GLOBAL)
    except OSError:
        return None
    lib.sohoa_rawlines_read.restype = ctypes.c_uint64
    return lib if lib.sohoa_rawlines_ready() == 1 else None


def _declare(lib: ctypes.CDLL) -> None:
    signatures: dict[str, tuple[list[Any], Any]] = {
        "TessBaseAPICreate": ([], _P),
        "TessBaseAPIInit3": ([_P, _S, _S], ctypes.c_int),
        "TessBaseAPISetPageSegMode": ([_P, ctypes.c_int], None),
        "TessBaseAPISetVariable": ([_P, _S, _S], ctypes.c_int),
        "TessBaseAPIGetDatapath": ([_P], _S),
        "TessBaseAPIProcessPages": ([_P, _S, _S, ctypes.c_int, _P], ctypes.c_int),
        "TessBaseAPIClear": ([_P], None),
        "TessBaseAPIEnd": ([_P], None),
        "TessBaseAPIDelete": ([_P], None),
        "TessTsvRendererCreate": ([_S], _P),
        "TessPDFRendererCreate": ([_S, _S, ctypes.c_int], _P),
        "TessResultRendererInsert": ([_P, _P], None),
        "TessDeleteResultRenderer": ([_P], None),
    }
    for name, (args, result) in signatures.items():
        fn = getattr(lib, name)
        fn.argtypes = args
        fn.restype = result


class _Messages:
    """Tesseract prints its warnings and errors on file descriptor 2: keep them in a file, so that a long
    run never blocks on a full pipe, and give the last ones back when a page fails."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - open for the life of the process
        os.dup2(self._file.fileno(), 2)

    def reset(self) -> None:
        self._file.seek(0)
        self._file.truncate()

    def tail(self) -> str:
        self._file.seek(0)
        return self._file.read()[-600:].decode("utf-8", "replace")


def _watch_parent(parent: int) -> None:
    # The parent kills this process on timeout; if the parent itself dies mid-page, stop at once
    # instead of finishing a page nobody will read.
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def _reply(out: IO[str], message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def _page(lib: ctypes.CDLL, api: int, datapath: bytes, request: dict[str, Any]) -> bool:
    lib.TessBaseAPISetVariable(api, b"user_defined_dpi", str(int(request["dpi"])).encode())
    base = os.fsencode(request["out"])
    renderer = lib.TessTsvRendererCreate(base)
    if request.get("pdf"):
        lib.TessResultRendererInsert(renderer, lib.TessPDFRendererCreate(base, datapath, 1))
    try:
        return bool(lib.TessBaseAPIProcessPages(api, os.fsencode(request["image"]), None, 0, renderer))
    finally:
        lib.TessDeleteResultRenderer(renderer)  # closes the files; deletes the whole chain
        lib.TessBaseAPIClear(api)


def main(argv: list[str]) -> int:
    # The protocol gets its own copy of stdout; fd 1 goes where fd 2 goes, so nothing the library prints
    # can corrupt a reply.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    messages = _Messages()
    os.dup2(2, 1)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    options: dict[str, Any] = json.loads(argv[2]) if len(argv) > 2 else {}
    rawlines = _load_rawlines(options["rawlines"]) if options.get("rawlines") else None
    if options.get("rawlines") and rawlines is None:
        detail = f"{options['rawlines']} does not load; rebuild it: python -m workers.pipeline.rawlines --force"
        _reply(out, {"ok": False, "error": "rawlines", "detail": detail})
        return 2
    lib = _load()
    if lib is None:
        _reply(out, {"ok": False, "error": "nolib", "detail": "libtesseract not found"})
        return 2
    api = lib.TessBaseAPICreate()
    if lib.TessBaseAPIInit3(api, None, argv[1].encode()) != 0:
        _reply(out, {"ok": False, "error": "init", "detail": messages.tail()})
        return 2
    lib.TessBaseAPISetPageSegMode(api, _PSM_AUTO)
    for name, value in options.get("variables", {}).items():
        if not lib.TessBaseAPISetVariable(api, name.encode(), str(value).encode()):
            _reply(out, {"ok": False, "error": "init", "detail": f"unknown Tesseract variable {name}"})
            return 2
    datapath = lib.TessBaseAPIGetDatapath(api) or b""
    _reply(out, {"ready": True, "rawlines": rawlines is not None})
    for line in sys.stdin:
        request = json.loads(line)
        messages.reset()
        started = time.process_time()
        lines_before = rawlines.sohoa_rawlines_read() if rawlines is not None else 0
        if _page(lib, api, datapath, request):
            raw_lines = rawlines.sohoa_rawlines_read() - lines_before if rawlines is not None else 0
            _reply(out, {"ok": True, "cpu": round(time.process_time() - started, 4), "raw_lines": raw_lines})
        else:
            _reply(out, {"ok": False, "error": "failed", "detail": messages.tail()})
    lib.TessBaseAPIEnd(api)
    lib.TessBaseAPIDelete(api)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
