"""The process's one warehouse connection, the first-start demo build, and the demo banner."""
from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING

import streamlit as st

from pipelines import formatting, labels, migrations, settings, warehouse
from pipelines.accounts import users
from ui import warmup
from ui.i18n import lang, t

if TYPE_CHECKING:  # the connection type only; the UI layer runs no SQL itself
    import duckdb

_BUILD_LOCK = threading.Lock()
_builds: dict[str, _Build] = {}


class _Build:
    """A first-start demo build running in its own thread, so that it goes on when the tab that
    started it is closed, and every visitor meanwhile watches the same progress."""

    def __init__(self, db) -> None:
        self.db, self.done, self.total, self.error = db, 0, 1, None
        self.started = time.monotonic()
        self.finished = threading.Event()
        self.thread = threading.Thread(target=self._run, name="pantau-demo-build", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            warmup.wait()  # the build's imports never run beside the warm-up thread's
            from pipelines.demo import build as demo  # only a first start needs the generator

            # Built under a temporary name and renamed: an interrupted build never looks finished.
            building = self.db.with_name(self.db.name + ".building")
            for leftover in (building, building.with_name(building.name + ".wal")):
                leftover.unlink(missing_ok=True)
            demo.build(building, today=settings.today(), progress=self._progress)
            os.replace(building, self.db)
        except BaseException as exc:  # noqa: BLE001 - shown by the page that waits
            self.error = exc
        finally:
            self.finished.set()

    def _progress(self, done: int, total: int, _message: str) -> None:
        self.done, self.total = done, total


def ensure_warehouse() -> None:
    """On a fresh machine build the demo warehouse first, showing its progress; later a no-op."""
    db = settings.db_path()
    if db.exists() or settings.database_url():  # a PostgreSQL store is created by its first connection
        return
    with _BUILD_LOCK:  # one build per file, whoever comes first
        job = _builds.get(str(db))
        if job is None or (job.finished.is_set() and not db.exists()):
            job = _builds[str(db)] = _Build(db)
    intro = st.empty()
    intro.info(t("building_demo_intro"), icon=":material/construction:")
    bar = st.progress(0.0, text=t("building_demo_prepare"))
    while not job.finished.wait(0.5):
        bar.progress(*progress_step(job.done, job.total, time.monotonic() - job.started, lang()))
    if job.error is not None:
        raise job.error
    bar.empty()
    intro.empty()
    st.success(t("built_demo"), icon=":material/check_circle:")  # not st.toast: no accessible name (axe)


def progress_step(done: int, total: int, seconds: float, language: str) -> tuple[float, str]:
    """The first-start progress bar's fill and text for the build's report (done, total) after `seconds`."""
    # The build reports (0, n) while it prepares, (k, n) after each batch of reports it loaded,
    # and (n, n) from the last batch on, while it adds the reviews and the survey and saves.
    if done == 0:
        fraction, text = 0.02, labels.text("building_demo_prepare", language)
    elif done < total:
        fraction = 0.05 + 0.85 * done / total
        text = labels.text("building_demo_loading", language).format(
            done=formatting.number(done, language), total=formatting.number(total, language))
    else:
        fraction, text = 0.95, labels.text("building_demo_finishing", language)
    elapsed = labels.text("building_demo_elapsed", language).format(seconds=formatting.number(seconds, language))
    return round(fraction, 4), f"{text} ({elapsed})"


def connection() -> duckdb.DuckDBPyConnection:
    """The process's read-write connection to the configured store (PANTAU_DATABASE_URL, else PANTAU_DB)."""
    return _connection(settings.store_target())


@st.cache_resource(on_release=lambda con: con.close())
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    # One per process and per file; pages take a cursor per query through the data layer.
    return migrations.connect(path)


def startup_problem(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the app must not start (demo accounts outside demo mode), checked once per process."""
    return _startup_problem(settings.store_target())


@st.cache_resource(show_spinner=False)
def _startup_problem(path: str) -> str | None:
    con = connection()
    if warehouse.is_demo(con):
        # Demo warehouses (also ones built before accounts existed) get their demo accounts.
        users.ensure_demo_accounts(con)
        return None
    return users.startup_problem(con, False)


_DEMO: dict[str, tuple[object, bool]] = {}  # store -> (write generation it was read at, demo flag)


def demo_banner(con: duckdb.DuckDBPyConnection) -> None:
    """A visible note on every page when the warehouse holds generated demo data."""
    # Re-read only when warehouse.generation() moved (a write by any process): a warm run runs no SQL.
    store, generation = settings.store_target(), warehouse.generation()
    seen = _DEMO.get(store)
    if seen is None or seen[0] != generation:
        seen = _DEMO[store] = (generation, warehouse.is_demo(con))
    if seen[1]:
        st.warning(t("demo_note"), icon=":material/science:")


def release() -> None:
    """Close the cached connections (tests and shutdown), so the warehouse file is let go."""
    _connection.clear()
