"""Reading many workbooks at once: in this process for small batches, on a process pool for large ones."""
from __future__ import annotations

import multiprocessing
import sys
import types
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from pipelines import settings
from pipelines.ingest import workbook

# Below this many files a pool costs more than it saves: each spawned worker imports
# fastexcel and the reader (about 0.3 s) before it reads anything.
POOL_MIN_FILES = 150
_pool: ProcessPoolExecutor | None = None


def read_many(datas: list[bytes]) -> list[workbook.RawWorkbook]:
    """workbook.read of every file, in order; the same results whichever way they are read."""
    n = settings.read_workers()
    if n <= 1 or len(datas) < POOL_MIN_FILES:
        return [workbook.read(d) for d in datas]
    # Workers return findings and text rows, never raise: read() turns every problem into errors.
    return list(_executor(n).map(workbook.read, datas, chunksize=max(1, len(datas) // (4 * n))))


def _executor(n: int) -> ProcessPoolExecutor:
    """One pool per process, started on first use and kept for later batches."""
    global _pool
    if _pool is None:
        # spawn, not fork: the app runs threads (Streamlit, DuckDB), and forking a threaded
        # process can deadlock the child.
        with plain_main():
            _pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"))
            _pool.submit(int).result()  # the workers start here, while __main__ is hidden
    return _pool


@contextmanager
def plain_main() -> Iterator[None]:
    """Hide __main__ while workers start: spawn re-runs the parent's main script in every worker,
    and under Streamlit (or AppTest) that script is app.py."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main
