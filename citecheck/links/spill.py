"""Collections that hold a bounded number of items in memory and spill the rest to
a temporary file, like an external sort: a run over 5,000 links never touches the
disk, a run over 500,000 holds no more in memory than one over `bound`.

    SpillList: append-only, iterable any number of times, in insertion order; items
               past the bound are pickled in batches to a `tempfile.TemporaryFile`.
    SpillMap:  str keys -> values; keys past the bound go to a temporary SQLite file
               (values pickled), because lookups by key need an index.

Both are for one thread at a time (a SpillList may be iterated in another thread
while nobody appends to it). `close()` (or `with`) removes the temporary file at once;
otherwise it goes when the object is collected.
"""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar

# pickle, sqlite3 and tempfile are loaded at the first spill: most runs never spill
if TYPE_CHECKING:
    import sqlite3

T = TypeVar("T")
V = TypeVar("V")

DEFAULT_BOUND = 5000  # items kept in memory per collection before spilling
SPILL_PREFIX = "citecheck-spill-"
_PICKLE = -1  # pickle's highest protocol
_KEYS_PER_QUERY = 500  # bound variables per statement (old SQLite builds allow 999)


def _pickle() -> ModuleType:
    import pickle

    return pickle


class SpillList(Generic[T]):
    """The first `bound` items in a list, the following ones pickled to a temporary file
    in batches of `batch_size` (default: a tenth of the bound, at most 1,000); an
    object met twice in one batch is stored once."""

    def __init__(self, items: Iterable[T] = (), *, bound: int = DEFAULT_BOUND,
                 batch_size: int | None = None) -> None:
        self.bound = max(0, bound)
        self.batch_size = max(1, batch_size or min(self.bound // 10, 1_000))
        self._memory: list[T] = []
        self._pending: list[T] = []  # past the bound, not yet written
        self._file: IO[bytes] | None = None
        self._length = 0
        self.spilled = 0  # items written to the file so far
        for item in items:
            self.append(item)

    def append(self, item: T) -> None:
        self._length += 1
        if self._length <= self.bound:
            self._memory.append(item)
            return
        self._pending.append(item)
        if len(self._pending) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        import tempfile

        if self._file is None:
            # closed by close() or when collected, not by a `with` here
            self._file = tempfile.TemporaryFile(prefix=SPILL_PREFIX)  # noqa: SIM115
        self._file.seek(0, os.SEEK_END)
        _pickle().dump(self._pending, self._file, protocol=_PICKLE)
        self.spilled += len(self._pending)
        self._pending = []

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[T]:
        yield from self._memory
        if self._file is not None:
            pickle = _pickle()
            offset, end = 0, self._file.seek(0, os.SEEK_END)
            # each iteration keeps its own offset: two may interleave
            while offset < end:
                self._file.seek(offset)
                batch: list[T] = pickle.load(self._file)
                offset = self._file.tell()
                yield from batch
        yield from list(self._pending)

    def __contains__(self, item: object) -> bool:
        return any(item == candidate for candidate in self)

    def __bool__(self) -> bool:
        return self._length > 0

    @property
    def closed(self) -> bool:
        return self._file is None or self._file.closed

    def close(self) -> None:
        """Drop the temporary file; the items in memory stay readable."""
        if self._file is not None:
            self._file.close()
        self._pending = []

    def __enter__(self) -> SpillList[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SpillMap(Generic[V]):
    """str -> value: the first `bound` keys in a dict, later ones in a temporary SQLite
    file. Iteration (`items`) is in insertion order.

    Writes past the bound wait in a dict of up to `batch_size` keys and go to the file
    together (one statement per key cost ~9 µs a key: 2 s of a 50,000-link run);
    `get_many` reads many keys in one statement."""

    def __init__(self, *, bound: int = DEFAULT_BOUND, batch_size: int | None = None) -> None:
        self.bound = max(0, bound)
        self.batch_size = max(1, batch_size or min(self.bound // 10, 1_000))
        self._memory: dict[str, V] = {}
        self._pending: dict[str, V] = {}  # past the bound, not yet written
        self._db: sqlite3.Connection | None = None
        self._path: Path | None = None
        self._finalizer: weakref.finalize | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            import sqlite3
            import tempfile

            handle, name = tempfile.mkstemp(prefix=SPILL_PREFIX, suffix=".db")
            os.close(handle)
            self._path = Path(name)
            self._db = sqlite3.connect(name)
            # private scratch data: nothing to survive a crash, so no journal, no syncs
            self._db.execute("pragma journal_mode = off")
            self._db.execute("pragma synchronous = off")
            self._db.execute("pragma cache_size = -256")  # KiB: keep the page cache small
            self._db.execute("create table spill (key text primary key, value blob)")
            self._finalizer = weakref.finalize(self, _drop_db, self._db, self._path)
        return self._db

    def __setitem__(self, key: str, value: V) -> None:
        if key in self._memory or len(self._memory) < self.bound:
            self._memory[key] = value
            return
        self._pending[key] = value
        if len(self._pending) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        dumps = _pickle().dumps
        rows = [(key, dumps(value, protocol=_PICKLE)) for key, value in self._pending.items()]
        self._pending = {}
        # an update keeps the key's row (and its place in the order)
        self._connection().executemany(
            "insert into spill (key, value) values (?, ?)"
            " on conflict (key) do update set value = excluded.value",
            rows,
        )

    def _spilled_value(self, key: str) -> tuple[bool, Any]:
        if key in self._pending:
            return True, self._pending[key]
        if self._db is None:
            return False, None
        row = self._db.execute("select value from spill where key = ?", (key,)).fetchone()
        return (False, None) if row is None else (True, _pickle().loads(row[0]))

    def get(self, key: str, default: V | None = None) -> V | None:
        if key in self._memory:
            return self._memory[key]
        found, value = self._spilled_value(key)
        return value if found else default

    def get_many(self, keys: Iterable[str]) -> dict[str, V]:
        """The values of those of `keys` that are present, read from the file together."""
        found: dict[str, V] = {}
        wanted: list[str] = []
        for key in keys:
            if key in self._memory:
                found[key] = self._memory[key]
            elif key in self._pending:
                found[key] = self._pending[key]
            elif self._db is not None:
                wanted.append(key)
        if wanted and self._db is not None:
            loads = _pickle().loads
            for start in range(0, len(wanted), _KEYS_PER_QUERY):
                some = wanted[start:start + _KEYS_PER_QUERY]
                marks = ",".join("?" * len(some))
                rows = self._db.execute(
                    f"select key, value from spill where key in ({marks})", some
                )
                for key, value in rows:
                    found[key] = loads(value)
        return found

    def __getitem__(self, key: str) -> V:
        if key in self._memory:
            return self._memory[key]
        found, value = self._spilled_value(key)
        if not found:
            raise KeyError(key)
        return value  # type: ignore[no-any-return]  # unpickled: the type put in

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        return key in self._memory or self._spilled_value(key)[0]

    def __len__(self) -> int:
        self._flush()
        if self._db is None:
            return len(self._memory)
        (count,) = self._db.execute("select count(*) from spill").fetchone()
        return len(self._memory) + int(count)

    def items(self) -> Iterator[tuple[str, V]]:
        self._flush()
        yield from list(self._memory.items())
        if self._db is not None:
            pickle = _pickle()
            # a cursor of its own, read as it goes: the rows never sit in memory at once
            for key, value in self._db.execute("select key, value from spill order by rowid"):
                yield key, pickle.loads(value)

    @property
    def spilled(self) -> bool:
        return self._db is not None or bool(self._pending)

    @property
    def closed(self) -> bool:
        return self._finalizer is None or not self._finalizer.alive

    def close(self) -> None:
        """Delete the temporary SQLite file; the keys in memory stay readable."""
        if self._finalizer is not None:
            self._finalizer()
        self._db = None
        self._pending = {}

    def __enter__(self) -> SpillMap[V]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _drop_db(db: sqlite3.Connection, path: Path) -> None:
    db.close()
    with contextlib.suppress(OSError):
        path.unlink()
