from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Everything works offline: a test that opens a socket fails."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("tests must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


def pytest_configure(config: pytest.Config) -> None:
    """Keep the rulebook and nearest-area caches out of the user's home: one fresh directory per run."""
    import os
    import tempfile

    os.environ["TREATYSCOPE_CACHE_DIR"] = tempfile.mkdtemp(prefix="treatyscope-test-cache-")
