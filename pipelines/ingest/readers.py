"""Reading many workbooks at once: in this process for small batches, on a process pool for large ones."""
from __future__ import annotations

import multiprocessing
import sys
import types
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager

from pipelines import settings
from pipelines.ingest import workbook

# Below this many files a pool costs more than it saves: a spawned worker starts Python and
# imports polars and fastexcel (about 0.3 s of a core) before it reads anything, and a quiet
# core reads about 1,000 files in 1.5 s.
POOL_MIN_FILES = 150
# Files per task: large enough that the quick NIK pass and the pickling of results are batched,
# small enough that both workers get a fair share.
CHUNK_FILES = 50
_pool: ProcessPoolExecutor | None = None
_ready: Future | None = None


def workers_for(files: int) -> int:
    """How many processes read `files` workbooks: 1 (this one) below POOL_MIN_FILES or when one core is set."""
    n = settings.read_workers()
    return 1 if n <= 1 or files < POOL_MIN_FILES else n


def read_many(datas: list[bytes]) -> list[workbook.RawWorkbook]:
    """workbook.read of every file, in order; the same results whichever way they are read."""
    n = workers_for(len(datas))
    if n == 1:
        return workbook.read_batch(datas)
    size = min(CHUNK_FILES, max(1, len(datas) // (2 * n)))
    chunks = [datas[i:i + size] for i in range(0, len(datas), size)]
    # Workers return findings and text rows, never raise: read_batch() turns every problem into errors.
    return [book for books in _executor(n).map(workbook.read_batch, chunks) for book in books]


def warm_up(files: int) -> None:
    """Start the pool's workers now (they import while this process opens the warehouse), when `files` will use it."""
    n = workers_for(files)
    if n > 1:
        _executor(n, wait=False)


def _executor(n: int, wait: bool = True) -> ProcessPoolExecutor:
    """One pool per process, started on first use and kept for later batches."""
    global _pool, _ready
    if _pool is None:
        # spawn, not fork: the app runs threads (Streamlit, DuckDB), and forking a threaded
        # process can deadlock the child.
        with plain_main():
            _pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_import_reader)
            # Every worker is started here, while __main__ is hidden: one task per worker.
            _ready = [_pool.submit(int) for _ in range(n)]
    if wait and _ready is not None:
        for f in _ready:
            f.result()
        _ready = None
    return _pool


def _import_reader() -> None:
    """A worker imports what read_batch needs before its first task arrives."""
    import polars  # noqa: F401

    from pipelines.ingest import workbook as _  # noqa: F401 - fastexcel, the catalogue


@contextmanager
def plain_main() -> Iterator[None]:
    """Hide __main__ while spawned workers start: spawn re-runs the parent's main script in every
    worker, and under Streamlit (or AppTest) that script is app.py (the demo build's pool too)."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main
