#!/usr/bin/env python3
"""Median wall time to render a world map, end to end, against the issue's target of 3 s.

    python benchmarks/map.py     # treatyscope map --at "40,-30" --treaty nato --target vessel --extent world
    python benchmarks/map.py --runs 9

The first run computes the covered area (tens of seconds for a new treaty, target and date) and caches it under
~/.cache/treatyscope; the figure quoted is the median of the runs after it, which is what a user re-rendering
a map sees. The first run's time is printed too.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# As a pip install has it: modules compiled to bytecode once (see benchmarks/startup.py).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--target", type=float, default=3.0, help="seconds (the issue's target)")
    args = parser.parse_args()
    exe = Path(sys.executable).parent / "treatyscope"
    out = Path(tempfile.mkdtemp()) / "world.png"
    cmd = [
        str(exe),
        "map",
        "--at",
        "40,-30",
        "--treaty",
        "nato",
        "--target",
        "vessel",
        "--extent",
        "world",
        "-o",
        str(out),
    ]
    times = []
    for _ in range(args.runs + 1):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV)
        times.append(time.perf_counter() - start)
    first, rest = times[0], times[1:]
    median = statistics.median(rest)
    print(f"command   {' '.join(cmd[1:])}")
    print(f"first run {first:6.2f} s (computes or reads the cached area)")
    print(
        f"median    {median:6.2f} s over {len(rest)} runs ({min(rest):.2f}-{max(rest):.2f} s); "
        f"{'meets' if median < args.target else 'misses'} the target of {args.target:g} s"
    )


if __name__ == "__main__":
    main()
