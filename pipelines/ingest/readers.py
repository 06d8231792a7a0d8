"""Reading many workbooks at once: in this process for small batches, with a process pool for large ones."""
from __future__ import annotations

import atexit
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from pipelines import settings
from pipelines.ingest import workbook

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

# Below this many files a pool costs more than it saves: a spawned worker starts Python and
# imports polars and fastexcel (about 0.3 s of a core) before it reads anything, and one core
# reads 300 workbooks in about 0.45 s.
POOL_MIN_FILES = 300
# Files per task: large enough that the quick NIK passes are batched and the results pickled in
# bulk, small enough that this process and the workers share a batch evenly.
CHUNK_FILES = 50
_pool: ProcessPoolExecutor | None = None
_started: list[Future] = []


def workers_for(files: int) -> int:
    """How many processes read `files` workbooks (this one included): 1 below POOL_MIN_FILES or when set so."""
    n = settings.read_workers()
    return 1 if n <= 1 or files < POOL_MIN_FILES else n


class Reading:
    """Workbooks being read: the pool takes chunks from the front while result() reads from the back here."""

    def __init__(self, datas: list[bytes]):
        self.n = workers_for(len(datas))
        self.datas = datas
        if self.n == 1:
            self.chunks, self.futures = [datas], []
            return
        size = min(CHUNK_FILES, max(1, len(datas) // (2 * self.n)))
        self.chunks = [datas[i:i + size] for i in range(0, len(datas), size)]
        pool = _executor(self.n - 1)
        self.futures = [pool.submit(workbook.read_batch, c) for c in self.chunks]

    def result(self) -> list[workbook.RawWorkbook]:
        """workbook.read of every file, in order; the same results whichever process read them."""
        if not self.futures:
            return workbook.read_batch(self.datas)
        done: list[list[workbook.RawWorkbook] | None] = [None] * len(self.chunks)
        # A chunk no worker has taken yet can still be cancelled: this process reads it instead.
        for j in reversed(range(len(self.chunks))):
            if self.futures[j].cancel():
                done[j] = workbook.read_batch(self.chunks[j])
        # Workers return findings and text rows, never raise: read_batch() turns every problem into errors.
        return [book for j, books in enumerate(done) for book in (books or self.futures[j].result())]


def read_many(datas: list[bytes]) -> list[workbook.RawWorkbook]:
    """workbook.read of every file, in order; the same results whichever way they are read."""
    return Reading(datas).result()


def warm_up(files: int) -> None:
    """Start the pool's workers now (they import while this process opens the warehouse), when `files` will use it."""
    n = workers_for(files)
    if n > 1:
        _executor(n - 1)


def _executor(n: int) -> ProcessPoolExecutor:
    """One pool per process, started on first use and kept for later batches."""
    global _pool
    if _pool is None:
        # imported here: a run too small for a pool (the app's uploads, most CLI runs) never needs them
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn, not fork: the app runs threads (Streamlit, DuckDB), and forking a threaded
        # process can deadlock the child.
        with plain_main():
            _pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_import_reader)
            # Every worker is started here, while __main__ is hidden: one task per worker.
            _started.extend(_pool.submit(int) for _ in range(n))
        atexit.register(_close)
    return _pool


def _close() -> None:
    """Shut the pool down while the interpreter is whole. Left to the final teardown, the executor's
    weakref callback can meet an already unloaded multiprocessing and print a traceback."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
        _started.clear()


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
