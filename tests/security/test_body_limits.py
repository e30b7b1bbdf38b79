"""Request bodies against a real server: nobody's body is read before they are known, and every body
is bounded in size and in time; one client cannot hold every request slot."""

from __future__ import annotations

import json
import socket
import threading
import time

import httpx

from tests.security.conftest import SERVER_ENV, Live

MiB = 1024 * 1024


def _open(live: Live) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", live.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _head(path: str, length: int, content_type: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Type: {content_type}", f"Content-Length: {length}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and whatever body arrives until the server closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def _refused_before_the_body(
    live: Live, path: str, length: int, content_type: str, **headers: str
) -> dict[str, object]:
    """Send only the headers of a ``length``-byte body; the answer must come without any of it."""
    with _open(live) as sock:
        started = time.monotonic()
        sock.sendall(_head(path, length, content_type, headers))
        status, response_headers, body = _response(sock)
        took = time.monotonic() - started
        # The server closed the connection: the body it was announced is not read, not even discarded.
        sent = 0
        try:
            chunk = b"x" * MiB
            for _ in range(length // MiB):
                sent += sock.send(chunk)
        except OSError:
            pass
    assert response_headers.get("connection") == "close", response_headers
    return {"status": status, "seconds": took, "sent_after": sent, "body": json.loads(body or b"{}")}


def test_anonymous_bodies_get_401_before_a_byte_of_them_is_read(live: Live) -> None:
    upload = _refused_before_the_body(live, "/api/v1/batches", 40 * MiB, "multipart/form-data; boundary=x")
    assert upload["status"] == 401 and upload["body"]["code"] == "unauthorized"  # type: ignore[index]
    assert upload["seconds"] < 1.0 and upload["sent_after"] < 40 * MiB  # type: ignore[operator]
    big_json = _refused_before_the_body(live, "/api/v1/users", 60 * MiB, "application/json")
    assert big_json["status"] == 401 and big_json["seconds"] < 1.0  # type: ignore[operator]
    forged = _refused_before_the_body(
        live, "/api/v1/batches", 40 * MiB, "multipart/form-data; boundary=x", Authorization="Bearer sohoa_forged"
    )
    assert forged["status"] == 401 and forged["body"]["code"] == "bad_token"  # type: ignore[index]
    page = _refused_before_the_body(live, "/admin/users", 40 * MiB, "application/x-www-form-urlencoded")
    assert page["status"] == 303  # a page: to the sign-in form, still without reading the body


def test_an_announced_body_over_the_limit_is_413_before_it_is_read(live: Live) -> None:
    token = {"Authorization": f"Bearer {live.tokens['operator']}"}
    huge = _refused_before_the_body(
        live, "/api/v1/batches", 10 * 1024 * MiB, "multipart/form-data; boundary=x", **token
    )
    assert huge["status"] == 413 and huge["body"]["code"] == "request_too_large"  # type: ignore[index]
    assert huge["seconds"] < 1.0  # type: ignore[operator]
    json_body = _refused_before_the_body(live, "/api/v1/documents/x/corrections", 2 * MiB, "application/json", **token)
    assert json_body["status"] == 413  # JSON bodies: 1 MiB


def test_a_chunked_body_is_cut_off_at_the_limit(live: Live) -> None:
    def chunks() -> object:
        for _ in range(3):
            yield b"{" + b" " * MiB

    response = httpx.post(
        f"{live.url}/api/v1/documents/x/corrections",
        content=chunks(),  # type: ignore[arg-type]
        headers=live.auth("staff") | {"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == 413 and response.json()["code"] == "request_too_large"


def test_a_slow_body_is_cut_off(live: Live) -> None:
    idle = float(SERVER_ENV["SOHOA_BODY_IDLE_SECONDS"])
    with _open(live) as sock:
        token = {"Authorization": f"Bearer {live.tokens['operator']}"}
        sock.sendall(_head("/api/v1/batches", 5 * MiB, "multipart/form-data; boundary=x", token))
        sock.sendall(b'--x\r\nContent-Disposition: form-data; name="files"; filename="a.png"\r\n\r\n' + b"a" * 30)
        started = time.monotonic()
        status, _headers, body = _response(sock)
        took = time.monotonic() - started
    assert status == 408 and json.loads(body)["code"] == "request_timeout"
    assert idle - 0.5 < took < idle + 5


def test_one_client_cannot_hold_every_request_slot(live: Live) -> None:
    slots = int(SERVER_ENV["SOHOA_MAX_REQUESTS_PER_CLIENT"])
    token = {"Authorization": f"Bearer {live.tokens['operator']}"}
    held: list[socket.socket] = []
    try:
        for _ in range(slots):  # each holds a slot: a body that trickles in
            sock = _open(live)
            sock.sendall(_head("/api/v1/batches", MiB, "multipart/form-data; boundary=x", token) + b"--x\r\n")
            held.append(sock)
        time.sleep(0.5)
        refused = httpx.get(f"{live.url}/api/v1/me", headers=live.auth("operator"), timeout=5)
        assert refused.status_code == 429 and refused.json()["code"] == "too_many_requests"
    finally:
        for sock in held:
            sock.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the slots come back once those requests end
        if httpx.get(f"{live.url}/api/v1/me", headers=live.auth("operator"), timeout=5).status_code == 200:
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the slots were never released")


def test_the_server_keeps_answering_during_a_flood_of_slow_uploads(live: Live) -> None:
    results: list[float] = []

    def probe() -> None:
        for _ in range(10):
            started = time.monotonic()
            httpx.get(f"{live.url}/api/v1/health/live", timeout=5)
            results.append(time.monotonic() - started)
            time.sleep(0.05)

    socks = [_open(live) for _ in range(8)]
    try:
        for sock in socks:  # anonymous: answered 401 and closed at once
            sock.sendall(_head("/api/v1/batches", 10 * 1024 * MiB, "multipart/form-data; boundary=x"))
        thread = threading.Thread(target=probe)
        thread.start()
        thread.join(30)
        for sock in socks:
            status, _headers, _body = _response(sock)
            assert status == 401
    finally:
        for sock in socks:
            sock.close()
    assert results and max(results) < 1.5
