"""Caches in one place: where they live, how entries are keyed and written, and the in-process memos.

On disk, entries live under $TREATYSCOPE_CACHE_DIR (set it to an empty string to turn disk caching off), else
$XDG_CACHE_HOME/treatyscope or ~/.cache/treatyscope, one subdirectory per kind (`rules`, `nearest`, `areas`,
`grids`, ...). An entry's key is a digest of its inputs, of the vendored data (geodata/PROVENANCE.json) and of the
code that decides its content, so an upgrade or an edit never reuses a stale entry. Entries are written to a
temporary file beside their place and renamed into it; an entry that cannot be read or decoded (truncated, damaged,
written by another version) is a miss: it is computed again and rewritten, never an error. A read-only or missing
home directory only turns caching off. An entry that takes long to build (`Store.kept`) is built by one process at
a time: another that needs it meanwhile waits for it and reads it, rather than building it too.

In-process memos are `Memo` dictionaries made by `memo()`; `clear_memos()` empties them all (tests use it to
start fresh, a long-lived process to free memory).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

PACKAGE = Path(__file__).resolve().parent


def directory() -> Path | None:
    """The cache directory (None: disk caching is off)."""
    env = os.environ.get("TREATYSCOPE_CACHE_DIR")
    if env is not None:
        return Path(env) if env else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "treatyscope"


@cache
def code_digest(*modules: str) -> str:
    """A digest of the package's source (or of the named modules, paths relative to the package): disk entries
    keyed by it are dropped when the code that decides them changes, in an editable install or an upgrade that
    keeps the version number."""
    from treatyscope import __version__

    h = hashlib.sha256(__version__.encode())
    paths = [PACKAGE / m for m in modules] if modules else sorted(PACKAGE.rglob("*.py"))
    for path in paths:
        h.update(str(path.relative_to(PACKAGE)).encode() + b"\0")
        h.update(path.read_bytes() if path.exists() else b"")
    return h.hexdigest()


@cache
def data_digest() -> str:
    """A digest of the vendored geographic data (its provenance file lists the sha256 of every file)."""
    from treatyscope.paths import geodata_dir

    prov = geodata_dir() / "PROVENANCE.json"
    return hashlib.sha256(prov.read_bytes() if prov.exists() else b"").hexdigest()


def key(*inputs: Any, code: tuple[str, ...] = ()) -> str:
    """The key of an entry: its inputs (anything JSON can write, dates and sets included), the data and the code
    (`code`: the modules that decide it, default the whole package)."""
    text = json.dumps(inputs, sort_keys=True, default=_plain, ensure_ascii=False)
    h = hashlib.sha256(text.encode())
    h.update(data_digest().encode())
    h.update(code_digest(*code).encode())
    return h.hexdigest()[:40]


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


class Store:
    """One kind of disk entry: bytes or JSON under a key."""

    def __init__(self, kind: str, suffix: str = ".json") -> None:
        self.kind = kind
        self.suffix = suffix

    def path(self, entry: str) -> Path | None:
        base = directory()
        return None if base is None else base / self.kind / f"{entry}{self.suffix}"

    def load(self, entry: str, decode: Callable[[bytes], T]) -> T | None:
        """The decoded entry, or None if there is none or it cannot be read or decoded."""
        path = self.path(entry)
        if path is None:
            return None
        try:
            return decode(path.read_bytes())
        except Exception:  # a damaged entry, whatever the decoder raises, is a miss (and is rewritten)
            return None

    def save(self, entry: str, content: bytes) -> None:
        path = self.path(entry)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(content)
            os.replace(tmp, path)
        except OSError:
            pass  # caching is an optimisation: a read-only home still works

    def kept(self, entry: str, decode: Callable[[bytes], T], build: Callable[[], T], encode: Callable[[T], bytes]) -> T:
        """The entry, built and saved if there is none. The build holds a lock on the entry, so two processes
        that both miss it (two batches started together, a test run's workers) build it once: the second waits,
        then reads what the first saved."""
        found = self.load(entry, decode)
        if found is not None:
            return found
        with self._lock(entry):
            found = self.load(entry, decode)  # built by another process while this one waited
            if found is None:
                found = build()
                self.save(entry, encode(found))
        return found

    @contextlib.contextmanager
    def _lock(self, entry: str) -> Iterator[None]:
        """An exclusive lock on the entry for as long as the block runs (none where there is no cache directory
        to hold the lock file, or no flock: the entry may then be built twice, which is only slower)."""
        path = self.path(entry)
        try:
            import fcntl

            if path is None:
                raise OSError("no cache directory")
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
        except (ImportError, OSError):
            yield
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the handle closes, also if this process dies
            yield
        finally:
            os.close(handle)

    def load_json(self, entry: str) -> Any:
        """The value saved under the entry (None for a miss). The entry names itself, so a file that was renamed
        or copied over another is a miss too."""

        def decode(raw: bytes) -> Any:
            doc = json.loads(raw)
            if not isinstance(doc, dict) or doc.get("entry") != entry:
                raise ValueError("not this entry")
            return doc["value"]

        return self.load(entry, decode)

    def save_json(self, entry: str, value: Any) -> None:
        doc = {"entry": entry, "value": value}
        self.save(entry, json.dumps(doc, ensure_ascii=False, default=_plain).encode())


class Memo(dict[K, V]):
    """An in-process memo; with a `limit`, it is emptied when it grows past it (a batch visits many places)."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__()
        self.limit = limit

    def remember(self, k: K, compute: Callable[[], V]) -> V:
        if k in self:
            return self[k]
        if self.limit is not None and len(self) >= self.limit:
            self.clear()
        value = self[k] = compute()
        return value


_MEMOS: list[Memo[Any, Any]] = []


def memo(limit: int | None = None) -> Memo[Any, Any]:
    made: Memo[Any, Any] = Memo(limit)
    _MEMOS.append(made)
    return made


def clear_memos() -> None:
    for m in _MEMOS:
        m.clear()
