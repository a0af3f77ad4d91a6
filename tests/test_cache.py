"""Caches: an entry that cannot be read (truncated by a full disk or a killed process, damaged, written by another
version) is a miss that is computed again and rewritten, never an error."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import treatyscope
from treatyscope import cache


@pytest.fixture
def store_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TREATYSCOPE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_a_truncated_json_entry_is_a_miss(store_dir: Path) -> None:
    store = cache.Store("demo")
    store.save_json("k1", {"answer": [1, 2, 3]})
    assert store.load_json("k1") == {"answer": [1, 2, 3]}
    path = store.path("k1")
    assert path is not None
    path.write_bytes(path.read_bytes()[:10])
    assert store.load_json("k1") is None
    store.save_json("k1", {"answer": 4})  # rewritten
    assert store.load_json("k1") == {"answer": 4}


def _build_slowly(log: str) -> bytes:
    with open(log, "a") as f:
        f.write(f"{os.getpid()}\n")
    import time

    time.sleep(1.5)  # long enough for the other process to ask meanwhile
    return b"the grid"


def _ask(log: str) -> bytes:
    return cache.Store("demo", ".bin").kept("k1", bytes, lambda: _build_slowly(log), bytes)


def test_two_processes_that_miss_an_entry_together_build_it_once(store_dir: Path) -> None:
    """Two batches started together, or a test run's two workers, both find no places grid: one builds it, the
    other waits and reads it."""
    import multiprocessing

    log = str(store_dir / "builds.log")
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        got = pool.map(_ask, [log, log])
    assert got == [b"the grid", b"the grid"]
    assert len(Path(log).read_text().split()) == 1


def test_an_entry_copied_over_another_is_a_miss(store_dir: Path) -> None:
    store = cache.Store("demo")
    store.save_json("k1", 1)
    store.save_json("k2", 2)
    path1, path2 = store.path("k1"), store.path("k2")
    assert path1 is not None and path2 is not None
    path2.write_bytes(path1.read_bytes())
    assert store.load_json("k2") is None


def test_a_binary_entry_whose_decoder_fails_is_a_miss(store_dir: Path) -> None:
    store = cache.Store("demo", ".bin")
    store.save("k", b"\x00\x01")
    assert store.load("k", lambda raw: json.loads(raw)) is None


def test_writes_leave_no_temporary_files(store_dir: Path) -> None:
    store = cache.Store("demo")
    for i in range(5):
        store.save_json(f"k{i}", i)
    assert sorted(p.name for p in (store_dir / "demo").iterdir()) == [f"k{i}.json" for i in range(5)]


def test_a_read_only_cache_directory_only_turns_caching_off(store_dir: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    store_dir.chmod(0o500)
    try:
        store = cache.Store("demo")
        store.save_json("k", 1)
        assert store.load_json("k") is None
    finally:
        store_dir.chmod(0o700)


def _truncate_all(root: Path, kinds: tuple[str, ...]) -> dict[Path, int]:
    sizes = {}
    for kind in kinds:
        for path in (root / kind).glob("*"):
            sizes[path] = path.stat().st_size
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return sizes


def test_check_and_area_rewrite_truncated_entries(store_dir: Path) -> None:
    # The world's faces (about 40 s to cut) are shared with the run's cache directory (see conftest).
    shared = Path(os.environ["TREATYSCOPE_TEST_CACHE_DIR"]) / "world"
    shared.mkdir(parents=True, exist_ok=True)
    (store_dir / "world").symlink_to(shared)
    cache.clear_memos()

    def answers() -> tuple[object, ...]:
        [r] = treatyscope.check("Honolulu", target="territory", treaty="nato", date="2026-11-28")
        area = treatyscope.covered_area("us-roc", "territory", date="1960-01-01")
        return r.verdict, r.reason, r.nearest, area.covered.area

    first = answers()
    kinds = ("rules", "nearest", "areas")
    sizes = _truncate_all(store_dir, kinds)
    assert {p.parent.name for p in sizes} == set(kinds)
    cache.clear_memos()
    assert answers() == first
    assert all(p.stat().st_size == size for p, size in sizes.items())  # each entry was rewritten whole
