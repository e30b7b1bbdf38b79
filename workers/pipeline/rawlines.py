"""Raw line images for Tesseract: build and find the small library of ``_rawlines.c``.

Tesseract passes each text line to its LSTM network as a PNG it encodes and decodes in memory: 15-17 %
of its CPU time on a grey page, 2-3 % on the black-and-white pages Sohoa hands it. ``_rawlines.c``
replaces that round trip with a copy of the raster (the same pixels, so the same text) and is loaded only
into the recognizer's child process (:mod:`._tess_server`), before ``libtesseract``.

The library is built once per machine, next to its source, by ``python -m workers.pipeline.rawlines``
(``scripts/_setup.sh`` runs it, the container image builds it in its first stage; it needs a C compiler
and ``libtesseract``). Without it OCR gives the same text, slower.
``SOHOA_OCR_RAWLINES`` names a library built elsewhere (a container image), or ``off`` to go without.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

SOURCE = Path(__file__).with_name("_rawlines.c")
ENV = "SOHOA_OCR_RAWLINES"
_OFF = {"0", "off", "no", "false"}


class BuildError(Exception):
    """The library cannot be built here; the message says what is missing."""


def built() -> Path:
    """Where the library built from the current source is: its name carries the source's digest, so an
    edited source is never served by an old build."""
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:12]
    return SOURCE.with_name(f"_rawlines-{digest}.so")


def compiler() -> str | None:
    """The C compiler to build with: ``CC``, else ``cc`` or ``gcc`` on the PATH."""
    return os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")


def find(env: Mapping[str, str] | None = None) -> Path | None:
    """The library the recognizer loads: ``SOHOA_OCR_RAWLINES`` if set, else the one built from the
    current source. None when switched off or not built."""
    value = (os.environ if env is None else env).get(ENV, "").strip()
    if value.lower() in _OFF:
        return None
    path = Path(value) if value else built()
    return path if path.is_file() else None


def ready(path: Path) -> bool:
    """True when ``path`` loads and finds Leptonica (checked in a separate process: loading it changes how
    the loading process's Leptonica behaves)."""
    probe = "import ctypes, os, sys; sys.exit(0 if ctypes.CDLL(sys.argv[1], os.RTLD_GLOBAL).sohoa_rawlines_ready() == 1 else 1)"
    result = subprocess.run([sys.executable, "-I", "-S", "-c", probe, str(path)], capture_output=True, timeout=60)
    return result.returncode == 0


def leptonica() -> Path:
    """The Leptonica library file that ``libtesseract`` loads on this machine."""
    probe = (
        "import runpy, sys; server = runpy.run_path(sys.argv[1]); "
        "sys.exit(2) if server['_load']() is None else None; "
        "print('\\n'.join(line.split()[-1] for line in open('/proc/self/maps') if 'lept' in line.split()[-1]))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe, str(SOURCE.with_name("_tess_server.py"))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode == 2:
        raise BuildError("libtesseract không nạp được (cài tesseract-ocr). (libtesseract cannot be loaded.)")
    found = sorted({line for line in result.stdout.splitlines() if line.startswith("/")})
    if result.returncode != 0 or not found:
        raise BuildError(f"không tìm thấy Leptonica của libtesseract. (Leptonica not found: {result.stderr[-300:]})")
    return Path(found[0])


def build(out: Path | None = None) -> Path:
    """Compile ``_rawlines.c`` against this machine's Leptonica into ``out`` (default :func:`built`) and
    check that it loads."""
    default = out is None
    out = out or built()
    cc = compiler()
    if not cc:
        raise BuildError("không có trình biên dịch C (cài gcc). (No C compiler: install gcc.)")
    lept = leptonica()
    with tempfile.TemporaryDirectory() as tmp:
        compiled = Path(tmp) / out.name
        command = [cc, "-O2", "-shared", "-fPIC", "-o", str(compiled), str(SOURCE), str(lept), "-ldl"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise BuildError(f"biên dịch lỗi. (Compiling failed: {result.stderr.strip()[-500:]})")
        if not ready(compiled):
            raise BuildError("thư viện không tìm thấy hàm của Leptonica. (The library does not find Leptonica.)")
        out.parent.mkdir(parents=True, exist_ok=True)
        staged = out.with_name(out.name + ".new")
        shutil.copyfile(compiled, staged)
        os.replace(staged, out)
    if default:  # builds of earlier sources are never loaded again
        for stale in out.parent.glob("_rawlines-*.so"):
            if stale != out:
                stale.unlink(missing_ok=True)
    return out


def main(argv: list[str]) -> int:
    """``python -m workers.pipeline.rawlines [--force]``: build the library unless it is up to date."""
    if "--force" not in argv and built().is_file():
        print(built())
        return 0
    try:
        print(build())
    except (BuildError, OSError, subprocess.SubprocessError) as exc:
        print(f"rawlines: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
