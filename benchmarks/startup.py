#!/usr/bin/env python3
"""Median wall time of a treatyscope command against importing its own core dependencies, in one run.

    python benchmarks/startup.py                                  # treatyscope places Taiwan
    python benchmarks/startup.py check --location Taiwan --treaty nato
    python benchmarks/startup.py --runs 21 --target 2 check --location Taiwan    # every treaty (issue 5)

The baseline is `python -c "import typer, rich, pydantic, shapely"` in the same interpreter. Runs alternate
between the two commands so that machine noise hits both alike; the figure to quote is the ratio of medians.
The first runs warm the caches (the compiled rulebook and the nearest-covered-area answers under
~/.cache/treatyscope, and the bytecode): the figures are for a repeated query, not the first one after install.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASELINE = [sys.executable, "-c", "import typer, rich, pydantic, shapely"]


def tool_command(args: list[str]) -> list[str]:
    script = Path(sys.executable).parent / "treatyscope"
    exe = str(script) if script.exists() else shutil.which("treatyscope")
    return [exe, *args] if exe else [sys.executable, "-m", "treatyscope", *args]


# Both commands run as on a user's machine, where pip has compiled the installed modules to bytecode: an
# inherited PYTHONDONTWRITEBYTECODE (set on some CI machines) would make treatyscope, but not the baseline's
# pip-installed packages, recompile its source on every run.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--target", type=float, default=1.5, help="the ratio the issue sets as the target")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="treatyscope arguments (default: places Taiwan)")
    args = parser.parse_args()
    tool = tool_command(args.command or ["places", "Taiwan"])
    for _ in range(3):  # warm the disk cache and the bytecode cache
        timed(BASELINE)
        timed(tool)
    base, mine = [], []
    for _ in range(args.runs):
        base.append(timed(BASELINE))
        mine.append(timed(tool))
    b, m = statistics.median(base), statistics.median(mine)
    print(f"baseline  {' '.join(BASELINE[1:])!s:60.60}  median {b * 1000:7.1f} ms")
    print(f"treatyscope {' '.join(tool[1:])!s:58.58}  median {m * 1000:7.1f} ms")
    verdict = "meets" if m / b <= args.target else "misses"
    print(f"ratio {m / b:.2f} ({verdict} the target of {args.target}); {args.runs} alternating runs each")


if __name__ == "__main__":
    main()
