"""Reading many workbooks at once: in this process for small batches, with a process pool for large ones."""
from __future__ import annotations

import atexit
import os
import sys
import types
from collections.abc import Callable, Iterator
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
    """Items worked through in chunks, `work(chunk, *extra)` each: the pool takes chunks from the front
    while parts() works through the rest from the back here. `work` must be a module-level function
    (a worker imports it by name) that never raises: read_batch() and gathering.gather_files() turn
    every problem into findings."""

    def __init__(self, items: list, work: Callable = workbook.read_batch, *extra, run: int | None = None):
        # `run`: the files of the whole run this batch belongs to, which decides whether the pool is used
        self.n = workers_for(len(items) if run is None else max(run, len(items)))
        self.work, self.extra = work, extra
        if self.n == 1:
            self.chunks, self.futures = ([items] if items else []), []
            return
        size = min(CHUNK_FILES, max(1, len(items) // (2 * self.n)))
        self.chunks = [items[i:i + size] for i in range(0, len(items), size)]
        pool = _executor(self.n - 1)
        self.futures = [pool.submit(work, c, *extra) for c in self.chunks]

    def parts(self) -> list:
        """work() of every chunk, in order; the same results whichever process did it."""
        if not self.futures:
            return [self.work(c, *self.extra) for c in self.chunks]
        done: list = [None] * len(self.chunks)
        ran_here = [False] * len(self.chunks)
        # A chunk no worker has taken yet can still be cancelled: this process works on it instead.
        for j in reversed(range(len(self.chunks))):
            if self.futures[j].cancel():
                done[j], ran_here[j] = self.work(self.chunks[j], *self.extra), True
        return [done[j] if ran_here[j] else self.futures[j].result() for j in range(len(self.chunks))]

    def result(self) -> list:
        """The chunks' results joined, for a work that returns one result per item (read_batch)."""
        return [out for part in self.parts() for out in part]


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
        atexit.register(shutdown)
    return _pool


def shutdown() -> None:
    """Shut the pool down (if started), waiting for its workers to exit. Also run at exit, while the
    interpreter is whole: left to the final teardown, the executor's weakref callback can meet an
    already unloaded multiprocessing and print a traceback."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None
        _started.clear()


def _import_reader() -> None:
    """A worker imports what its tasks need, and reads the catalogue, before the first task arrives."""
    import multiprocessing

    import polars  # noqa: F401

    from pipelines import catalogue
    from pipelines.ingest import gathering  # noqa: F401 - and through it the reader, fastexcel

    catalogue.layout(), catalogue.identity_fields()
    if multiprocessing.parent_process() is not None:  # only ever in a worker, never in a caller's process
        atexit.register(_leave)


def _leave() -> None:
    """A worker's last step once the pool is shut down: exit without tearing down polars and the
    interpreter (about 0.1 s that the parent, and anything reading its output, would wait for)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


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
