"""The process's one warehouse connection, the first-start demo build, and the demo banner."""
from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

import streamlit as st

from pipelines import settings, warehouse
from pipelines.accounts import users
from ui import warmup
from ui.i18n import t

if TYPE_CHECKING:  # the connection type only; the UI layer runs no SQL itself
    import duckdb

_BUILD_LOCK = threading.Lock()


def ensure_warehouse() -> None:
    """On a fresh machine build the demo warehouse first, with a progress bar; later a no-op."""
    db = settings.db_path()
    if db.exists():
        return
    with _BUILD_LOCK:  # two first visitors must not both build
        if db.exists():
            return
        bar = st.progress(0.0, text=t("building_demo"))
        warmup.wait()  # the build's imports never run beside the warm-up thread's
        from pipelines.demo import build as demo  # only a first start needs the generator
        # Built under a temporary name and renamed: an interrupted build never looks finished.
        building = db.with_name(db.name + ".building")
        for leftover in (building, building.with_name(building.name + ".wal")):
            if leftover.exists():
                leftover.unlink()
        demo.build(building, today=settings.today(), progress=lambda done, total, msg: bar.progress(
            min(done / max(total, 1), 1.0), text=f"{t('building_demo')} {done}/{total}"))
        os.replace(building, db)
        bar.empty()
        st.toast(t("built_demo"))


def connection() -> duckdb.DuckDBPyConnection:
    """The process's read-write connection to the configured warehouse (PANTAU_DB)."""
    return _connection(str(settings.db_path()))


@st.cache_resource(on_release=lambda con: con.close())
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    # One per process and per file; pages take a cursor per query through the data layer.
    return warehouse.connect(path)


def startup_problem(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the app must not start (demo accounts outside demo mode), checked once per process."""
    return _startup_problem(str(settings.db_path()))


@st.cache_resource(show_spinner=False)
def _startup_problem(path: str) -> str | None:
    con = connection()
    if warehouse.is_demo(con):
        # Demo warehouses (also ones built before accounts existed) get their demo accounts.
        users.ensure_demo_accounts(con)
        return None
    return users.startup_problem(con, False)


def demo_banner(con: duckdb.DuckDBPyConnection) -> None:
    """A visible note on every page when the warehouse holds generated demo data."""
    if warehouse.is_demo(con):
        st.warning(t("demo_note"), icon=":material/science:")


def release() -> None:
    """Close the cached connections (tests and shutdown), so the warehouse file is let go."""
    _connection.clear()
