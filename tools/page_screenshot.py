#!/usr/bin/env python3
"""The README's picture of the map page (docs/serve.png): NATO Article 5 on 1960-01-01, Algiers asked.
Needs the web extra, playwright and Debian's chromium; starts its own server on a free port.

python tools/page_screenshot.py [-o docs/serve.png]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", default=str(ROOT / "docs" / "serve.png"))
    opts = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["treatyscope", "serve", "--port", str(port)], stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "api/meta", timeout=5)
                break
            except OSError:
                time.sleep(1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.set_default_timeout(120_000)
            page.goto(base)
            page.wait_for_selector("body[data-ready=true]")
            page.fill("#date", "1960-01-01")
            page.dispatch_event("#date", "change")
            page.wait_for_selector("#legend[data-state=done]")
            page.evaluate("() => { window.treatyscopeMap.setView([40, 0], 3, {animate: false}); }")
            page.fill("#search", "Algiers")
            page.press("#search", "Enter")
            page.wait_for_selector("#answer[data-state=done]")
            page.evaluate("() => { window.scrollTo(0, 0); }")
            page.wait_for_timeout(1000)
            page.screenshot(path=opts.output)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"Wrote {opts.output}")


if __name__ == "__main__":
    main()
