"""`treatyscope serve`: the interactive map page and the HTTP API behind it, on this machine."""

from __future__ import annotations

import os
import sys
import threading

import typer

from treatyscope.cli.app import app
from treatyscope.errors import UsageError, install_hint


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Processes, each with its own engine, answering one request at a time."
    ),
    open_page: bool = typer.Option(False, "--open", help="Open the page in the default browser once it is ready."),
) -> int:
    """Start the map page and the HTTP API (needs the web extra): click a place, pick a date, read the answers."""
    try:
        import uvicorn

        from treatyscope.web.app import PUBLIC, create_app
    except ImportError:
        raise UsageError("'treatyscope serve' needs the web extra.", install_hint("web")) from None
    if not 0 < port < 65536:
        raise UsageError(f"--port {port}: not a port number (1-65535).")
    _check_free(host, port)  # before a minute of loading, not after it
    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    sys.stderr.write(
        f"treatyscope: serving {url} (Ctrl-C to stop) once the data and the rules are loaded (on a new install, "
        "about a minute: the covered areas are drawn, then kept on disk)\n"
    )
    if host not in ("127.0.0.1", "localhost"):
        os.environ[PUBLIC] = "1"  # reached by names this process cannot know: every Host name is taken
    if open_page:
        threading.Thread(target=_open_when_ready, args=(url,), daemon=True).start()
    if workers == 1:
        uvicorn.run(create_app(), host=host, port=port, log_level="warning")
    else:  # each process makes its own app, and its own engine
        uvicorn.run(
            "treatyscope.web.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="warning"
        )
    return 0


def _check_free(host: str, port: int) -> None:
    import errno
    import socket

    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            s.bind((host, port))
    except OSError as e:
        hint = {
            errno.EADDRINUSE: "Another program is using the port: choose another with --port.",
            errno.EACCES: "Ports below 1024 need privileges: choose another with --port.",
        }.get(e.errno or 0, "Give an address of this machine with --host (default 127.0.0.1).")
        raise UsageError(f"--host {host} --port {port}: cannot listen there ({e.strerror or e}).", hint) from None


def _open_when_ready(url: str) -> None:
    """Open the page once the server answers: it loads the data first (seconds, or a minute on a new install)."""
    import time
    import urllib.request
    import webbrowser

    for _ in range(600):
        try:
            with urllib.request.urlopen(url + "api/meta", timeout=5):
                webbrowser.open(url)
                return
        except OSError:
            time.sleep(1)
