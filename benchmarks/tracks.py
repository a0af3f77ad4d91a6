#!/usr/bin/env python3
"""Time and peak memory of `check --geojson` on long tracks, as a user runs it, against a straight track of as many
vertices in the same run.

    python benchmarks/tracks.py                    # 10,000 vertices
    python benchmarks/tracks.py --vertices 20000 --runs 3

The baseline is a straight track along 30° N in the open Atlantic (it crosses nothing). The random walk wanders
over western Europe, its seas and islands; the zigzag runs from 35° N to 60° N and back at every vertex across
Europe, crossing every border and coast on its way thousands of times (the worst case: the work grows with the
crossings). Figures are medians of --runs runs of each, interleaved, with a warm cache.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def tracks(n: int) -> dict[str, list[list[float]]]:
    rng = random.Random(2)
    x, y, walk = 10.0, 50.0, []
    for _ in range(n):
        x, y = x + rng.uniform(-0.3, 0.3), min(80.0, max(-80.0, y + rng.uniform(-0.3, 0.3)))
        walk.append([round(x, 5), round(y, 5)])
    return {
        "straight (baseline)": [[-60 + 30 * i / n, 30.0] for i in range(n)],
        "random walk": walk,
        "zigzag": [[-10 + 40 * i / n, 35.0 if i % 2 else 60.0] for i in range(n)],
    }


def run(path: Path) -> tuple[float, float]:
    """Seconds and peak resident MB of one `treatyscope check` on the file."""
    exe = shutil.which("treatyscope") or "treatyscope"
    start = time.perf_counter()
    child = subprocess.Popen(
        [exe, "check", "--geojson", str(path), "--treaty", "nato", "--target", "territory", "--brief"],
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest child's so far
    seconds = time.perf_counter() - start
    if status != 0:
        sys.exit(f"treatyscope check --geojson {path} failed")
    return seconds, usage.ru_maxrss / 1024  # KB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vertices", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for name, coords in tracks(args.vertices).items():
            files[name] = Path(tmp) / f"{name.split()[0]}.geojson"
            files[name].write_text(json.dumps({"type": "LineString", "coordinates": coords}))
        times: dict[str, list[float]] = {name: [] for name in files}
        peaks: dict[str, list[float]] = {name: [] for name in files}
        for path in files.values():  # warm the caches (rule book, nearest-place answers)
            run(path)
        for _ in range(args.runs):
            for name, path in files.items():
                seconds, peak = run(path)
                times[name].append(seconds)
                peaks[name].append(peak)
    base = statistics.median(times["straight (baseline)"])
    for name in files:
        t, mb = statistics.median(times[name]), max(peaks[name])
        ratio = t / base
        print(f"{name:20} {args.vertices:,} vertices  median {t:6.2f} s  ({ratio:4.1f} x baseline)  peak {mb:,.0f} MB")


if __name__ == "__main__":
    main()
