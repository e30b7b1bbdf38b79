"""A real ``sohoa serve`` (API + web app + 2 worker processes on embedded backends) in a temporary home,
and a headless Chromium driven by Playwright. Both skip locally when unavailable and fail under CI."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, unavailable

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DEMO = ("demo", "sohoa-demo")


_unavailable = unavailable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    home: Path
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    try:
        import workers.pipeline.process  # noqa: F401  (the real OCR pipeline)
    except ImportError as exc:
        _unavailable(f"the OCR pipeline is not importable yet: {exc}")
    base = tmp_path_factory.mktemp("browser")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_") or k.startswith("SOHOA_TEST_")}
    env |= {"SOHOA_HOME": str(base / "home"), "SOHOA_OCR_JOBS": "1", "PYTHONUNBUFFERED": "1"}
    cli = [sys.executable, "-m", "workers.cli"]
    subprocess.run([*cli, "user", "ensure-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = _free_port()
    log = base / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*cli, "-v", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    srv = Server(f"http://127.0.0.1:{port}", base / "home", log, process)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{srv.url}/api/v1/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"sohoa serve did not start:\n{srv.tail()}")
        time.sleep(0.3)
    try:
        yield srv
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # our own session: the server and its workers only
            process.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def screenshot(page: object, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/screenshots/NAME.png; on a phone-sized viewport
    (at most 420 px wide) the page must also fit its width (see :func:`assert_fits`)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    viewport = page.viewport_size  # type: ignore[attr-defined]
    if viewport and viewport["width"] <= 420:
        assert_fits(page, name)
    return path


def assert_fits(page: object, name: str = "") -> None:
    """Fail when the page is wider than the viewport (a horizontal scroll on a phone), naming the widest
    elements that stick out."""
    widths = page.evaluate(  # type: ignore[attr-defined]
        """() => {
          const view = window.innerWidth;
          const out = [...document.querySelectorAll('body *')]
            .map((el) => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.right > view + 1 && getComputedStyle(el).position !== 'fixed')
            .slice(0, 5)
            .map(([el, r]) => `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(r.right)}`);
          return {page: document.documentElement.scrollWidth, view, out};
        }"""
    )
    assert widths["page"] <= widths["view"], f"{name or page.url}: {widths}"  # type: ignore[attr-defined]
