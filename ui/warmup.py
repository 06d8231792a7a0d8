"""The heavy libraries imported once, in one background thread, while the server starts and the browser loads.

ui/serve.py calls start() before the server runs. app.py calls wait_core() before its first page
and wait() before any signed-in page; the sign-in page calls nothing more and, once drawn, lets
the rest load (later()). Why one thread: two script threads importing pandas at the same moment
can see a half-initialised module, so these imports never run beside a page that needs them. Why
in two steps: pandas and plotly (about half the import time) are not needed by the sign-in form,
which is therefore drawn first; they load while the user types. Without start() (plain
`streamlit run`, AppTest) every wait returns at once.
"""
from __future__ import annotations

import atexit
import gc
import importlib
import sys
import threading

CORE = ("polars", "duckdb", "pyarrow")           # the sign-in page and the warehouse
LATER = ("pandas", "plotly.graph_objects")      # nearly every other page (st.dataframe, charts)
# The rest (geopandas, pydeck, pptx, scipy, pingouin, differences) is imported by the pages and
# commands that use it.
LATER_AFTER_S = 5.0  # start on the rest even if no sign-in page says so (e.g. nobody opened the app)

_thread: threading.Thread | None = None
_core = threading.Event()
_go_on = threading.Event()
_failed: list[BaseException] = []


def _load(names: tuple[str, ...]) -> None:
    for name in names:
        importlib.import_module(name)


def _run() -> None:
    try:
        _load(CORE)
        _core.set()
        _go_on.wait(LATER_AFTER_S)
        _load(LATER)
        gc.collect()
        freeze()
        _settled[0] = len(sys.modules)
    except BaseException as exc:  # noqa: BLE001 - raised again in the page that waits
        _failed.append(exc)
    finally:
        _core.set()


def freeze() -> None:
    """Move every object alive now (modules, the server, the connection) out of the garbage collector's
    reach. Streamlit runs a full collection after every script run (runner.postScriptGC); over the
    ~140,000 objects the libraries leave, that cost about 90 ms of CPU per page view. Frozen, a
    collection walks only what pages made since, so memory is still freed after each run."""
    gc.freeze()
    if not getattr(freeze, "_registered", False):
        atexit.register(gc.unfreeze)  # freed normally at exit (extension modules check their leaks)
        freeze._registered = True


_settled = [0]  # how many modules were loaded at the last freeze


def settle() -> None:
    """After a page run: when that run imported modules (a page's first visit), collect once and freeze
    again, so the page's libraries join the frozen set. A no-op once every page was visited, and
    without the warm-up thread (AppTest, plain `streamlit run`)."""
    if _thread is None or len(sys.modules) == _settled[0]:
        return
    _settled[0] = len(sys.modules)
    gc.collect()
    freeze()


def start() -> None:
    """Begin importing CORE, then LATER, in a background thread (once per process)."""
    global _thread
    if _thread is None:
        _thread = threading.Thread(target=_run, name="pantau-warmup", daemon=True)
        _thread.start()


def wait_core() -> None:
    """Return once CORE is imported (at once when no warm-up was started)."""
    if _thread is not None:
        _core.wait()
    _raise()


def later() -> None:
    """The first page is drawn: go on with LATER now instead of after LATER_AFTER_S."""
    _go_on.set()


def wait() -> None:
    """Return once every warm-up import is done; without a warm-up thread, do the imports here."""
    if _thread is None:
        _load(CORE + LATER)  # plain `streamlit run`: still before any page imports them
        return
    _go_on.set()
    _thread.join()
    _raise()


def _raise() -> None:
    if _failed:
        raise _failed[0]
