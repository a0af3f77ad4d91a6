#!/usr/bin/env python3
"""Refresh the front-end code vendored for `treatyscope serve` from the npm registry.

The page loads nothing from outside 127.0.0.1, so Leaflet is copied into the package. The version is pinned and the
tarball checked against the registry's sha512 integrity recorded here (`npm view leaflet@1.9.4 dist.integrity`):
a changed tarball stops the script instead of landing in the tree.

    python tools/vendor_web.py      # rewrites src/treatyscope/web/static/vendor/ and its VENDORED.json

It runs `npm pack` when npm is installed and otherwise downloads the registry tarball itself; either way the bytes
are checked against INTEGRITY before anything is written.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "treatyscope" / "web" / "static" / "vendor"

PACKAGE = "leaflet"
VERSION = "1.9.4"
LICENCE = "BSD-2-Clause"
TARBALL = "https://registry.npmjs.org/leaflet/-/leaflet-1.9.4.tgz"
INTEGRITY = "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA=="

# Paths inside the tarball (under its "package/" folder) -> paths under vendor/leaflet/.
# The whole dist/images folder is taken: leaflet.css names the marker and layer icons by relative URL.
WANTED_FILES = ("dist/leaflet.js", "dist/leaflet.css", "LICENSE")
WANTED_FOLDERS = ("dist/images/",)


def fetch_tarball() -> bytes:
    if shutil.which("npm"):
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run(
                ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp, "--json", "--silent"],
                check=True,
                capture_output=True,
                text=True,
            )
            filename = json.loads(out.stdout)[0]["filename"]
            return (Path(tmp) / filename).read_bytes()
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        data: bytes = response.read()
        return data


def check_integrity(data: bytes) -> None:
    algorithm, _, expected = INTEGRITY.partition("-")
    got = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    if got != expected:
        sys.exit(f"vendor_web: {PACKAGE}@{VERSION} tarball integrity {algorithm}-{got} != {INTEGRITY}; not written")


def wanted(name: str) -> str | None:
    """The path under vendor/leaflet/ for a tarball member, or None when it is not vendored."""
    inner = name.removeprefix("package/")
    if inner in WANTED_FILES:
        return inner.removeprefix("dist/")
    for folder in WANTED_FOLDERS:
        if inner.startswith(folder) and inner != folder:
            return inner.removeprefix("dist/")
    return None


def extract(data: bytes, target: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            dest = wanted(member.name)
            if dest is None or not member.isfile():
                continue
            handle = tar.extractfile(member)
            assert handle is not None
            files[dest] = handle.read()
    missing = [f for f in WANTED_FILES if f.removeprefix("dist/") not in files]
    if missing:
        sys.exit(f"vendor_web: {PACKAGE}@{VERSION} tarball lacks {', '.join(missing)}")
    if target.exists():
        shutil.rmtree(target)
    for rel, content in sorted(files.items()):
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return files


def record(files: dict[str, bytes]) -> dict[str, Any]:
    return {
        "note": "Written by tools/vendor_web.py; rerun it to refresh. Do not edit the vendored files by hand.",
        "packages": [
            {
                "package": PACKAGE,
                "version": VERSION,
                "licence": LICENCE,
                "tarball": TARBALL,
                "integrity": INTEGRITY,
                "files": {
                    f"{PACKAGE}/{rel}": hashlib.sha256(content).hexdigest() for rel, content in sorted(files.items())
                },
            }
        ],
    }


def main() -> int:
    data = fetch_tarball()
    check_integrity(data)
    files = extract(data, VENDOR / PACKAGE)
    manifest = VENDOR / "VENDORED.json"
    manifest.write_text(json.dumps(record(files), indent=2) + "\n", encoding="utf-8")
    print(f"vendor_web: {PACKAGE}@{VERSION}: {len(files)} files into {(VENDOR / PACKAGE).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
