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
    """Keep the rulebook and nearest-area caches out of the user's home: one fresh directory per run."""
    import os
    import tempfile

    os.environ["TREATYSCOPE_CACHE_DIR"] = os.environ["TREATYSCOPE_TEST_CACHE_DIR"] = tempfile.mkdtemp(
        prefix="treatyscope-test-cache-"
    )
