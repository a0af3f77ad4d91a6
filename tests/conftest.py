from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Everything works offline: a test that connects anywhere but this machine fails. (The loopback interface
    stays open: a local Dask cluster's workers talk to their scheduler through it.)"""
    connect, create_connection = socket.socket.connect, socket.create_connection

    def local(address: object) -> bool:
        host = address[0] if isinstance(address, tuple) else None
        return isinstance(address, str | bytes) or host in ("127.0.0.1", "localhost", "::1")

    def guarded_connect(self: socket.socket, address: object) -> object:
        if not local(address):
            raise RuntimeError("tests must not use the network")
        return connect(self, address)  # type: ignore[arg-type]

    def guarded_create(address: object, *args: object, **kwargs: object) -> object:
        if not local(address):
            raise RuntimeError("tests must not use the network")
        return create_connection(address, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "create_connection", guarded_create)
    yield


def pytest_configure(config: pytest.Config) -> None:
    """Keep the rulebook and nearest-area caches out of the user's home: one fresh directory per run, shared by
    the run's workers (pytest-xdist starts them with this process's environment), so what one worker builds (the
    places grid, the world's drawing) the others read."""
    import os
    import tempfile

    if os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get("TREATYSCOPE_TEST_CACHE_DIR"):
        return
    os.environ["TREATYSCOPE_CACHE_DIR"] = os.environ["TREATYSCOPE_TEST_CACHE_DIR"] = tempfile.mkdtemp(
        prefix="treatyscope-test-cache-"
    )


@pytest.fixture(scope="session")
def web_url() -> Iterator[str]:
    """`treatyscope serve`'s app, served by uvicorn on a free port of this machine for the whole run, warmed up."""
    import threading
    import time

    import uvicorn

    from treatyscope.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()  # the app warms up before it starts answering
    deadline = time.monotonic() + 600
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
