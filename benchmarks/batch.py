#!/usr/bin/env python3
"""Batch classification speed, in points per second, against shapely.contains_xy and a geopandas sjoin, in one run;
with --memory, the `treatyscope batch` command's wall time and peak memory on a large CSV.

    python benchmarks/batch.py                       # 1,000,000 points, NATO vessel area on 2024-01-01, 5 runs
    python benchmarks/batch.py --points 2000 --runs 3
    python benchmarks/batch.py --numpy-only          # the engine as an install without the `fast` extra runs it
    python benchmarks/batch.py --memory              # 10,000,000 CSV rows through `treatyscope batch`
    python benchmarks/batch.py --memory --rows 20000
    python benchmarks/batch.py --end-to-end          # `treatyscope batch` on 1,000,000 CSV rows against floors

Speed (the default mode). N points (--points, seeded by --seed) with the longitude uniform in [-180, 180] and the
latitude uniform in [-90, 90]: uniform in degrees, not in area, so the polar regions are over-represented against
the Earth's surface. Three ways of answering "is this point in the NATO area for a vessel on --date?", each given
the same numpy float64 arrays:

  engine       the batch engine: vectorised.engine_for(rules).classify(Question("nato", "vessel", None), lats, lons,
               days), one answer code (verdict and reason, an int8) a point, as `treatyscope batch` takes them
               chunk by chunk; days is an array of DATE, made before timing. Its first call builds and caches its
               indexes (and compiles its loops, with numba): that call is timed on its own and reported as
               "first call (builds indexes)"; the figures are for the warm calls after it, with numba's threads
               (one a core) when numba is installed (the `fast` extra; `bench` includes it).
  classify     treatyscope.classify(lats, lons, treaty="nato", target="vessel", dates=DATE): the Python API, which
               checks the coordinates, runs the engine and names each verdict (a numpy array of str objects); its
               verdicts are checked to equal the engine's. Printed for information; the targets are the engine's.
  contains_xy  shapely.contains_xy(region, lons, lats), where region is the covered area of
               treatyscope.covered_area("nato", "vessel", date=DATE).covered, prepared with
               shapely.prepare before timing. Computing that area the first time takes tens of seconds; it is then
               cached under ~/.cache/treatyscope (the time it took is printed, and is not in any figure).
  sjoin        geopandas.sjoin(points, region_frame, predicate="within"), with the points as a GeoDataFrame and the
               region as a one-row GeoDataFrame. Only the sjoin call is timed: the points' GeoDataFrame is built
               before the timer starts, afresh for every run, so that each run builds its own spatial index as a
               one-off sjoin does (geopandas caches the index on the frame). Needs geopandas, an optional extra
               (pip install -e '.[bench]'); without it that baseline is skipped and the rest still printed.

Each is run once to warm up (for the engine, that is the timed first call, on all N points, so the figure printed
for it is index building plus one call's work, and how much it exceeds a warm call), then --runs times; points/s is
N over the best and over the median run, and the ratios, which are what to quote, are of medians. The targets: the
engine at >= 30 M points/s, >= 5x contains_xy and >= 50x sjoin. As a sanity check, the number of points where the
engine's verdict is "applies" but contains_xy says outside, or the other way round, is printed; some may differ
legitimately near coasts, where the engine is the authority, so a count is reported rather than checked.

End to end (--end-to-end). Writes --rows (default 1,000,000) rows id,lat,lon (points as in speed mode) to a CSV,
and a Parquet copy, in a temporary directory, then times, each once to warm up and then --runs times, in one run:
the standard-library floor (csv.reader reading every row and csv.writer writing it back); `treatyscope batch` as a
child process (start-up included: what a user waits for) on the CSV for NATO vessels, on the CSV for every encoded
treaty, and on the Parquet file; the same command on 5,000 rows (its start-up and loading); pyarrow's CSV read
and write and its Parquet read and write; and the geopandas pipeline a GIS user would write (pandas read_csv,
points_from_xy, sjoin with the polygon of `treatyscope area`, to_csv; needs the bench extra). The ratios of medians
are printed against the targets of issue 16, and, for information, the batch times less the start-up.

Memory (--memory). Writes --rows random rows (id,lat,lon,date: points as above, the date a uniformly random day
from 1950-01-01 to 2025-12-31) to a CSV in a temporary directory (under --tmpdir; written in chunks, never held in
memory), after checking that the directory has room for it and the output. Then runs

    treatyscope batch IN.csv -o OUT.csv --treaty nato --target vessel -q

as a child process and reports its wall time (start-up included), rows/s and peak resident memory, against the
target of < 2 GB (--max-gb; 1 GB = 1024 MB = 2^30 bytes). The peak is getrusage(RUSAGE_CHILDREN).ru_maxrss: the
largest resident set of any one process the benchmark has waited for (this mode starts no other), not a sum, so
memory in worker processes of the command's own would not add up in it. The output is then read back as CSV,
streaming, to check it has one row per input row. The temporary directory is removed at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import shapely

T = TypeVar("T")
Floats = npt.NDArray[np.float64]

# As a pip install has it: modules compiled to bytecode once (see benchmarks/startup.py).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

TARGET_RATE = 30e6  # engine points/s
TARGET_VS_CONTAINS = 5.0
TARGET_VS_SJOIN = 50.0

FIRST_DAY, LAST_DAY = dt.date(1950, 1, 1), dt.date(2025, 12, 31)  # --memory's random dates
CHUNK = 500_000  # rows generated and written at a time
START_ROWS = 5_000  # --end-to-end's small file: enough rows for the compiled look-up (and its index) to be used


def note(text: str) -> None:
    """Progress, on stderr, so that a slow run shows where it is; the figures go to stdout."""
    print(f"... {text}", file=sys.stderr, flush=True)


def random_points(n: int, seed: int) -> tuple[Floats, Floats]:
    """(lats, lons), uniform in degrees."""
    rng = np.random.default_rng(seed)
    lons = rng.uniform(-180.0, 180.0, n)
    lats = rng.uniform(-90.0, 90.0, n)
    return lats, lons


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def runs(fn: Callable[[], T], count: int, setup: Callable[[], None] | None = None) -> tuple[list[float], T]:
    """The times of `count` calls after one warm-up call, and the last call's result; `setup` runs untimed
    before each call."""
    if setup:
        setup()
    fn()
    times = []
    out: Any = None
    for _ in range(count):
        if setup:
            setup()
        t, out = timed(fn)
        times.append(t)
    return times, out


def rate(per_s: float) -> str:
    if per_s >= 1e6:
        return f"{per_s / 1e6:8.2f} M/s"
    if per_s >= 1e3:
        return f"{per_s / 1e3:8.2f} k/s"
    return f"{per_s:8.1f}  /s"


def verdict(ok: bool) -> str:
    return "met" if ok else "not met"


def target_line(name: str, value: str, target: str, ok: bool) -> None:
    print(f"  {name:22} {value:>12}   target >= {target:8} {verdict(ok)}")


# ------------------------------------------------------------------------------------------------------- speed


def speed(args: argparse.Namespace) -> None:
    import treatyscope

    if args.numpy_only:  # as if numba were not installed
        import treatyscope.evaluation.vectorised
        import treatyscope.place.grid

        treatyscope.place.grid.KERNELS = None
        treatyscope.evaluation.vectorised.KERNELS = None
    from treatyscope.api import rulebook
    from treatyscope.evaluation.coverage import covered_area

    n: int = args.points
    day = dt.date.fromisoformat(args.date)
    lats, lons = random_points(n, args.seed)

    note(f"covered area of nato/vessel on {day} (tens of seconds the first time, then cached)")
    area_s, area = timed(lambda: covered_area(rulebook(None), "nato", "vessel", day))
    region = area.covered
    shapely.prepare(region)

    note(f"shapely.contains_xy on {n:,} points")
    contains_times, inside = runs(lambda: shapely.contains_xy(region, lons, lats), args.runs)

    sjoin_times: list[float] | None = None
    sjoin_hits = 0
    try:
        import geopandas as gpd  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        gpd = None
    if gpd is not None:
        note(f"geopandas.sjoin on {n:,} points")
        frames: list[Any] = []
        region_frame = gpd.GeoDataFrame(geometry=[region], crs="EPSG:4326")

        def fresh_points() -> None:
            frames[:] = [gpd.GeoDataFrame(geometry=gpd.points_from_xy(lons, lats), crs="EPSG:4326")]

        sjoin_times, joined = runs(
            lambda: gpd.sjoin(frames[0], region_frame, predicate="within"), args.runs, setup=fresh_points
        )
        sjoin_hits = len(joined)
        frames.clear()
        del joined

    from treatyscope.evaluation.vectorised import KERNELS, VERDICTS, Question, engine_for

    note(f"engine on {n:,} points: first call")
    batch_engine = engine_for(rulebook(None))
    question = Question("nato", "vessel", None)
    days = np.full(n, np.datetime64(day, "D"))

    def engine() -> Any:
        return batch_engine.classify(question, lats, lons, days)

    first_s, codes = timed(engine)
    note(f"engine: {args.runs} warm calls")
    engine_times, codes = runs(engine, args.runs)

    note(f"treatyscope.classify on {n:,} points: {args.runs} warm calls")
    classify: Any = treatyscope.classify  # given numpy arrays, which the vectorised engine takes
    api_times, verdicts = runs(lambda: classify(lats, lons, treaty="nato", target="vessel", dates=args.date), args.runs)
    if len(verdicts) != n or len(codes) != n:
        raise SystemExit(f"{len(codes):,} answers and {len(verdicts):,} verdicts for {n:,} points")
    if not np.array_equal(np.asarray(VERDICTS, dtype=object)[codes // 16], verdicts):
        raise SystemExit("the engine's answers and treatyscope.classify's verdicts differ")

    def row(name: str, times: list[float]) -> float:
        med = statistics.median(times)
        print(f"  {name:34} {rate(n / min(times))}   {rate(n / med)}   {med:9.3f} s")
        return n / med

    print(
        f"{n:,} random points (uniform in degrees, seed {args.seed}), NATO vessel area on {day}; "
        f"{args.runs} warm runs each"
    )
    print(f"  {'':34} {'best':>12}   {'median':>12}   {'median time':>11}")
    engine_rate = row("engine  answer codes, as batch", engine_times)
    row("treatyscope.classify  str verdicts", api_times)
    contains_rate = row("contains_xy  prepared region", contains_times)
    sjoin_rate = row("sjoin  geopandas, predicate within", sjoin_times) if sjoin_times else None
    if sjoin_times is None:
        print("  sjoin  skipped: geopandas is not installed (pip install -e '.[bench]')")
    extra = first_s - statistics.median(engine_times)
    print(f"  first call (builds indexes)        {first_s:.3f} s, {extra:+.3f} s against a warm call")
    if KERNELS is None:
        print("  compiled loops: none (--numpy-only, or numba is not installed: pip install -e '.[bench]')")
    else:
        import numba

        print(f"  compiled loops: numba {numba.__version__}, {numba.get_num_threads()} threads")
    print(
        f"  (region: {shapely.get_num_coordinates(region):,} vertices, "
        f"{shapely.get_num_geometries(region):,} parts; computed or read in {area_s:.1f} s)"
    )

    print("targets (medians)")
    target_line("engine", rate(engine_rate), "30 M/s", engine_rate >= TARGET_RATE)
    r = engine_rate / contains_rate
    target_line("engine / contains_xy", f"{r:10.3g}x", f"{TARGET_VS_CONTAINS:g}x", r >= TARGET_VS_CONTAINS)
    if sjoin_rate is None:
        print("  engine / sjoin         skipped (no geopandas)")
    else:
        r = engine_rate / sjoin_rate
        target_line("engine / sjoin", f"{r:10.3g}x", f"{TARGET_VS_SJOIN:g}x", r >= TARGET_VS_SJOIN)

    applies = codes // 16 == VERDICTS.index("applies")
    only_engine = int(np.count_nonzero(applies & ~inside))
    only_region = int(np.count_nonzero(~applies & inside))
    differ = only_engine + only_region
    counts = Counter(str(v) for v in verdicts.tolist())
    print("sanity check (not a test: near coasts the engine is the authority)")
    print(f"  engine 'applies' vs contains_xy: {differ:,} of {n:,} points differ ({differ / n:.4%})")
    print(f"    {only_engine:,} 'applies' outside the region, {only_region:,} inside it not 'applies'")
    print("  engine verdicts: " + ", ".join(f"{v} {c:,}" for v, c in sorted(counts.items())))
    hits = int(np.count_nonzero(inside))
    if sjoin_times is not None:
        print(f"  points in the region: contains_xy {hits:,}, sjoin {sjoin_hits:,}")


# ------------------------------------------------------------------------------------------------------ memory


def tool() -> str:
    script = Path(sys.executable).parent / "treatyscope"
    exe = str(script) if script.exists() else shutil.which("treatyscope")
    if not exe:
        raise SystemExit("treatyscope is not installed in this environment (pip install -e .)")
    return exe


def write_csv(path: Path, rows: int, seed: int) -> None:
    """id,lat,lon,date rows, CHUNK at a time."""
    rng = np.random.default_rng(seed)
    first = np.datetime64(FIRST_DAY.isoformat(), "D")
    days = (LAST_DAY - FIRST_DAY).days + 1
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("id,lat,lon,date\n")
        for start in range(0, rows, CHUNK):
            k = min(CHUNK, rows - start)
            lons = rng.uniform(-180.0, 180.0, k).tolist()
            lats = rng.uniform(-90.0, 90.0, k).tolist()
            dates = (first + rng.integers(0, days, k)).astype(str).tolist()
            f.write(
                "".join(
                    f"{i},{la:.6f},{lo:.6f},{d}\n"
                    for i, la, lo, d in zip(range(start + 1, start + k + 1), lats, lons, dates)
                )
            )


def read_back(path: Path) -> tuple[int, Counter[str]]:
    """Data rows in a CSV, and the count of each nato_verdict, streaming."""
    counts: Counter[str] = Counter()
    rows = 0
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        col = header.index("nato_verdict") if "nato_verdict" in header else None
        for rec in reader:
            rows += 1
            if col is not None and col < len(rec):
                counts[rec[col]] += 1
    return rows, counts


def memory(args: argparse.Namespace) -> None:
    rows = args.rows or 10_000_000
    base = Path(args.tmpdir or tempfile.gettempdir())
    # An input row is about 42 bytes (id, two 6-decimal coordinates, an ISO date); the output repeats it and adds
    # the verdict, the reason and an empty error column (about 30 bytes). Room for both, with a margin.
    need = int((42 + 42 + 30) * rows * 1.2) + (64 << 20)
    free = shutil.disk_usage(base).free
    if free < need:
        raise SystemExit(
            f"Not enough free disk space in {base}: {free / 2**30:.1f} GB free, about {need / 2**30:.1f} GB needed "
            f"for {rows:,} rows in and out. Use --tmpdir DIR elsewhere, or fewer --rows."
        )
    exe = tool()
    with tempfile.TemporaryDirectory(prefix="treatyscope-bench-", dir=base) as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        note(f"writing {rows:,} rows to {src}")
        gen_s, _ = timed(lambda: write_csv(src, rows, args.seed))
        size = src.stat().st_size
        cmd = [exe, "batch", str(src), "-o", str(out), "--treaty", "nato", "--target", "vessel", "-q"]
        note("running " + " ".join(["treatyscope", *cmd[1:]]))
        wall, done = timed(lambda: subprocess.run(cmd, env=ENV, stdout=subprocess.DEVNULL))
        if done.returncode != 0:
            raise SystemExit(f"treatyscope batch exited with {done.returncode}")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
        peak_mb = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
        cpu = usage.ru_utime + usage.ru_stime
        out_size = out.stat().st_size
        note(f"reading back {out}")
        got, counts = read_back(out)

    print(f"treatyscope batch IN.csv -o OUT.csv --treaty nato --target vessel -q ({rows:,} rows, seed {args.seed})")
    print(f"  input        {size / 2**20:9.1f} MB, written in {gen_s:.1f} s (not in the figures)")
    print(f"  wall time    {wall:9.2f} s (start-up included); cpu {cpu:.2f} s (user + sys)")
    print(f"  rows/s       {rate(rows / wall)}")
    max_mb = args.max_gb * 1024
    print(
        f"  peak RSS     {peak_mb:9.1f} MB  target < {args.max_gb:g} GB ({max_mb:g} MB)   {verdict(peak_mb < max_mb)}"
    )
    same = "equals" if got == rows else "DIFFERS FROM"
    print(f"  output       {out_size / 2**20:9.1f} MB, {got:,} rows: {same} the input's {rows:,}")
    print("  verdicts     " + ", ".join(f"{v} {c:,}" for v, c in sorted(counts.items())))
    if got != rows:
        raise SystemExit(1)


# --------------------------------------------------------------------------------------------------- end to end


def write_points_csv(path: Path, rows: int, seed: int) -> None:
    """id,lat,lon rows (points as in speed mode, 5 decimals), CHUNK at a time."""
    rng = np.random.default_rng(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("id,lat,lon\n")
        for start in range(0, rows, CHUNK):
            k = min(CHUNK, rows - start)
            lons, lats = rng.uniform(-180.0, 180.0, k).tolist(), rng.uniform(-90.0, 90.0, k).tolist()
            f.write("".join(f"{i},{la:.5f},{lo:.5f}\n" for i, la, lo in zip(range(start, start + k), lats, lons)))


def stdlib_floor(src: Path, out: Path) -> None:
    """Python's csv.reader reading every row and csv.writer writing it back: what any CSV tool in Python pays."""
    with src.open(newline="") as f, out.open("w", newline="") as g:
        csv.writer(g, lineterminator="\n").writerows(csv.reader(f))


def end_to_end(args: argparse.Namespace) -> None:
    """`treatyscope batch` as a user runs it (a child process, start-up included), against the floors of reading
    and writing the same file, in one run."""
    rows = args.rows or 1_000_000
    exe = tool()
    with tempfile.TemporaryDirectory(prefix="treatyscope-e2e-", dir=args.tmpdir) as tmp:
        src, out = Path(tmp) / "in.csv", Path(tmp) / "out.csv"
        note(f"writing {rows:,} rows (id,lat,lon) to {src}")
        write_points_csv(src, rows, args.seed)

        def batch(path: Path, target: Path, *treaties: str) -> Callable[[], None]:
            cmd = [exe, "batch", str(path), "-o", str(target), "--target", "vessel", "-q"]
            for t in treaties:
                cmd += ["--treaty", t]

            def go() -> None:
                if subprocess.run(cmd, env=ENV, stdout=subprocess.DEVNULL).returncode != 0:
                    raise SystemExit(f"failed: {' '.join(cmd)}")

            return go

        lines: list[tuple[str, list[float]]] = []

        def measure(name: str, fn: Callable[[], Any]) -> float:
            note(name)
            times, _ = runs(fn, args.runs)
            lines.append((name, times))
            return statistics.median(times)

        few = Path(tmp) / "few.csv"
        write_points_csv(few, START_ROWS, args.seed)
        floor = measure("csv.reader + csv.writer (the standard-library floor)", lambda: stdlib_floor(src, out))
        start = measure(f"treatyscope batch on {START_ROWS:,} rows (start-up and loading)", batch(few, out, "nato"))
        one = measure("treatyscope batch in.csv, NATO", batch(src, out, "nato"))
        every = measure("treatyscope batch in.csv, every treaty", batch(src, out))
        arrow = parquet = parquet_floor = gis = None
        try:
            import pyarrow.csv as pacsv
            import pyarrow.parquet as pq
        except ImportError:
            note("pyarrow is not installed: its lines are skipped")
        else:
            arrow = measure(
                "pyarrow.csv read + write", lambda: pacsv.write_csv(pacsv.read_csv(src), out.with_suffix(".arrow.csv"))
            )
            psrc, pout = Path(tmp) / "in.parquet", Path(tmp) / "out.parquet"
            pq.write_table(pacsv.read_csv(src), psrc)
            parquet_floor = measure("pyarrow.parquet read + write", lambda: pq.write_table(pq.read_table(psrc), pout))
            parquet = measure("treatyscope batch in.parquet, NATO", batch(psrc, pout, "nato"))
        try:
            gis = measure("geopandas: read_csv, points_from_xy, sjoin with the area, to_csv", _geopandas(src, out))
        except ImportError:
            note("geopandas is not installed (pip install -e '.[bench]'): its line is skipped")

    print(f"End to end, {rows:,} CSV rows (id,lat,lon; seed {args.seed}), vessels; medians of {args.runs} warm runs")
    for name, times in lines:
        print(f"  {name:68} {statistics.median(times):7.2f} s  (best {min(times):.2f} s, {rate(rows / min(times))})")
    print("Ratios (of medians):")

    def ratio(name: str, value: float, target: str, ok: bool) -> None:
        print(f"  {name:44} {value:6.2f}   target {target:8} {verdict(ok)}")

    ratio("batch CSV, NATO / standard-library floor", one / floor, "<= 5", one <= 5 * floor)
    ratio("batch CSV, every treaty / NATO alone", every / one, "<= 2", every <= 2 * one)
    if arrow is not None:
        ratio("batch CSV, NATO, seconds (Arrow installed)", one, "<= 2 s", one <= 2)
    if parquet is not None and parquet_floor is not None:
        ratio("batch Parquet / pyarrow read + write", parquet / parquet_floor, "<= 2", parquet <= 2 * parquet_floor)
        # For information: the part of a run that grows with the rows, without the fixed start-up.
        print(f"  batch Parquet without start-up / pyarrow read + write  {(parquet - start) / parquet_floor:6.2f}")
    print(f"  batch CSV, NATO, without start-up / floor              {(one - start) / floor:6.2f}")
    if gis is not None:
        ratio("geopandas pipeline / batch CSV, NATO", gis / one, "> 1", gis > one)


def _geopandas(src: Path, out: Path) -> Callable[[], None]:
    """What a GIS user would do: pandas read_csv, points_from_xy, sjoin against `treatyscope area`'s polygon,
    to_csv. The area is computed (or read from the cache) before timing."""
    import geopandas as gpd
    import pandas as pd

    import treatyscope

    region = gpd.GeoDataFrame(geometry=[treatyscope.covered_area("nato", "vessel").covered], crs="EPSG:4326")

    def go() -> None:
        frame = pd.read_csv(src)
        points = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame.lon, frame.lat), crs="EPSG:4326")
        joined = gpd.sjoin(points, region, how="left", predicate="within")
        frame["nato_verdict"] = np.where(joined["index_right"].notna().to_numpy(), "applies", "does-not-apply")
        frame.to_csv(out, index=False)

    return go


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=1_000_000, help="random points (speed mode)")
    parser.add_argument("--runs", type=int, default=5, help="timed warm runs of each (speed mode)")
    parser.add_argument("--date", default="2024-01-01", help="the day classified (speed mode)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--numpy-only", action="store_true", help="speed mode without the compiled loops")
    parser.add_argument("--memory", action="store_true", help="time `treatyscope batch` on a CSV, and its peak RSS")
    parser.add_argument("--end-to-end", action="store_true", help="`treatyscope batch` against read/write floors")
    parser.add_argument("--rows", type=int, help="CSV rows (--memory: 10,000,000; --end-to-end: 1,000,000)")
    parser.add_argument("--tmpdir", help="where to write the CSVs (--memory; default the system's temp directory)")
    parser.add_argument("--max-gb", type=float, default=2.0, help="the peak-RSS target in GB (--memory)")
    args = parser.parse_args()
    if args.points < 1 or (args.rows is not None and args.rows < 1) or args.runs < 1:
        parser.error("--points, --rows and --runs must be at least 1")
    if args.end_to_end:
        end_to_end(args)
    elif args.memory:
        memory(args)
    else:
        speed(args)


if __name__ == "__main__":
    main()
