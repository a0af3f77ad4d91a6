#!/usr/bin/env python3
"""Time of `treatyscope timeline` for one place over every treaty and target kind, as a user runs it, against the
baseline: a single all-treaty `check` of the same place, in the same run.

    python benchmarks/timeline.py                              # Algiers, Taipei, Taiwan (an area of 23 parts)
    python benchmarks/timeline.py --places Crete "Las Palmas" --runs 5

Cold: the first run in an empty cache directory (the rule files validated, nothing kept). Warm: the median of
--runs runs after it, the check runs interleaved with the timeline runs. The check is the plain `treatyscope
check --location PLACE` (its nearest-place answers are kept on disk after its first run, as a user gets them).
Issue 18 asks for warm timeline <= 2 x warm check.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def _timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(["treatyscope", *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--places", nargs="+", default=["Algiers", "Taipei", "Taiwan"])
    parser.add_argument("--runs", type=int, default=3)
    opts = parser.parse_args()
    print(
        f"{'place':<12} {'timeline cold':>14} {'check cold':>11} {'timeline warm':>14} {'check warm':>11} {'ratio':>6}"
    )
    for place in opts.places:
        cache_dir = tempfile.mkdtemp(prefix="treatyscope-bench-")
        env = {**os.environ, "TREATYSCOPE_CACHE_DIR": cache_dir}
        try:
            timeline_cold = _timed(["timeline", "--location", place], env)
            check_cold = _timed(["check", "--location", place], env)
            warm_t, warm_c = [], []
            for _ in range(opts.runs):
                warm_t.append(_timed(["timeline", "--location", place], env))
                warm_c.append(_timed(["check", "--location", place], env))
        finally:
            shutil.rmtree(cache_dir, ignore_errors=True)
        t, c = statistics.median(warm_t), statistics.median(warm_c)
        print(f"{place:<12} {timeline_cold:>12.2f} s {check_cold:>9.2f} s {t:>12.2f} s {c:>9.2f} s {t / c:>5.2f}x")


if __name__ == "__main__":
    main()
