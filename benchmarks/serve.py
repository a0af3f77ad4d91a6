#!/usr/bin/env python3
"""`treatyscope serve` as a reader's browser meets it: the first page load, a click answered for every treaty,
and a bounded load from concurrent clients, against a server started here on 127.0.0.1 (a separate process, as a
user runs it), warm.

    python benchmarks/serve.py                    # 100 clicks; 200 requests from 20 concurrent clients
    python benchmarks/serve.py --clicks 300 --clients 20 --requests 400
    python benchmarks/serve.py --workers 2        # two processes, each with its own engine

Baseline, in the same run: the engine's own answer to the same clicks (`treatyscope.check(at=..., nearest=False)`
in this process), so the ratio is what HTTP, JSON and the server add. Issue 17 asks, warm: first page load <= 1 s
(all assets <= 2 MB compressed), a click for all treaties <= 300 ms at the 95th percentile, 200 requests from 20
concurrent clients with no error.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def fetch(url: str) -> tuple[int, bytes, float]:
    """(status, body as sent, seconds), asking for gzip as a browser does."""
    # The seconds include reading the body, not unpacking it (a browser does that as it reads).
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as r:
            return r.status, r.read(), time.perf_counter() - start
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.perf_counter() - start


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    command = ["treatyscope", "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if fetch(f"http://127.0.0.1:{port}/api/meta")[0] == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit("the server did not start")


def page_load(base: str) -> tuple[float, int]:
    """Seconds and compressed bytes for the page and everything it loads first (assets, meta, the world's land,
    the default overlay), fetched as a browser does: the page, then its assets in parallel."""
    start = time.perf_counter()
    _, html, _ = fetch(base + "/")
    page = unpacked(html)
    assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', page)
    today = time.strftime("%Y-%m-%d")
    urls = [base + a.decode() for a in assets] + [
        base + "/api/meta",
        base + "/api/land?level=0",
        base + f"/api/area?treaty=nato&target=territory&date={today}",
    ]
    with ThreadPoolExecutor(6) as pool:
        bodies = list(pool.map(fetch, urls))
    bad = [u for u, (status, _, _) in zip(urls, bodies, strict=True) if status != 200]
    if bad:
        sys.exit(f"not loaded: {bad}")
    return time.perf_counter() - start, len(html) + sum(len(b) for _, b, _ in bodies)


def browser_load(base: str, runs: int = 5) -> float | None:
    """Median seconds from navigation to the page ready with its overlay drawn, in Debian's chromium (None
    without playwright or chromium). The first run warms the browser's own start-up, and is not counted."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not os.path.exists("/usr/bin/chromium"):
        return None
    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for _ in range(runs + 1):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})  # a fresh cache each time
            page = context.new_page()
            start = time.perf_counter()
            page.goto(base + "/")
            page.wait_for_selector("body[data-ready=true]", timeout=120_000)
            page.wait_for_selector("#legend[data-state=done]", timeout=120_000)
            times.append(time.perf_counter() - start)
            context.close()
        browser.close()
    return statistics.median(times[1:])


def unpacked(body: bytes) -> bytes:
    return gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1, help="server processes (treatyscope serve --workers)")
    opts = parser.parse_args()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = start_server(port, opts.workers)
    print(f"server ready in {time.perf_counter() - started:.1f} s ({opts.workers} worker processes)")
    try:
        page_load(base)  # warm: every asset and the default overlay once
        loads = [page_load(base) for _ in range(5)]
        seconds = statistics.median(t for t, _ in loads)
        size = loads[0][1]
        print(f"first page load, warm: median {seconds * 1000:.0f} ms of 5; {size / 1e6:.2f} MB compressed")
        in_browser = browser_load(base)
        if in_browser is not None:
            print(
                f"first page load in chromium (new context, nothing cached), to the page ready with its overlay: "
                f"median {in_browser * 1000:.0f} ms of 5"
            )

        rng = random.Random(17)
        points = [(rng.uniform(-60, 75), rng.uniform(-180, 180)) for _ in range(opts.clicks)]
        # What the page asks on a click: every treaty, brief (the trace comes when a row is opened).
        http = [fetch(f"{base}/api/check?lat={lat:.4f}&lon={lon:.4f}&brief=true")[2] for lat, lon in points]
        full = [fetch(f"{base}/api/check?lat={lat:.4f}&lon={lon:.4f}")[2] for lat, lon in points]

        os.environ.setdefault("TREATYSCOPE_CACHE_DIR", "")
        import treatyscope

        treatyscope.check(at=points[0], nearest=False)
        engine = []
        for lat, lon in points:
            t = time.perf_counter()
            treatyscope.check(at=(lat, lon), nearest=False)
            engine.append(time.perf_counter() - t)
        p95_http, p95_engine = percentile(http, 0.95), percentile(engine, 0.95)
        print(
            f"a click, all treaties and target kinds ({opts.clicks} random points): p50 "
            f"{statistics.median(http) * 1000:.0f} ms, p95 {p95_http * 1000:.0f} ms; baseline, the engine in "
            f"process: p50 {statistics.median(engine) * 1000:.0f} ms, p95 {p95_engine * 1000:.0f} ms; "
            f"ratio at p95 {p95_http / p95_engine:.2f}x; with the traces (not brief): p95 "
            f"{percentile(full, 0.95) * 1000:.0f} ms"
        )

        urls = [
            f"{base}/api/check?lat={rng.uniform(-60, 75):.4f}&lon={rng.uniform(-180, 180):.4f}&brief=true"
            for _ in range(opts.requests)
        ]
        start = time.perf_counter()
        with ThreadPoolExecutor(opts.clients) as pool:
            answers = list(pool.map(fetch, urls))
        wall = time.perf_counter() - start
        errors = [status for status, _, _ in answers if status != 200]
        bad_json = sum(
            1 for status, body, _ in answers if status == 200 and "results" not in json.loads(unpacked(body))
        )
        times = [t for _, _, t in answers]
        print(
            f"load: {opts.requests} requests from {opts.clients} concurrent clients in {wall:.1f} s "
            f"({opts.requests / wall:.0f}/s), errors {len(errors)}, malformed {bad_json}, "
            f"p50 {statistics.median(times) * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
