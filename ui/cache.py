"""Data-layer calls cached per warehouse file and data version, so warm page runs skip the queries."""
from __future__ import annotations

import copy
import dataclasses
import importlib
import threading
from collections.abc import Callable
from typing import Any

import polars as pl
import streamlit as st

from pipelines import settings, warehouse
from ui.state import connection

_VERSION: dict[str, tuple[int, str]] = {}  # db -> (write generation it was read at, data version)
_VERSION_LOCK = threading.Lock()


def data_version() -> str:
    """Bumped by every load through the write path; part of every cache key.

    Read from the warehouse only when warehouse.generation() moved: after a write of this process, or,
    on PostgreSQL, one of any other process (a replica, the ingest CLI) that its NOTIFY announced. A warm
    page run with nothing written runs no SQL for it.
    """
    db, gen = str(settings.db_path()), warehouse.generation()
    with _VERSION_LOCK:
        seen = _VERSION.get(db)
        if seen is not None and seen[0] == gen:
            return seen[1]
    version = warehouse.info(connection()).get("data_version", "0")
    with _VERSION_LOCK:
        before = _VERSION.get(db)
        _VERSION[db] = (gen, version)
    if before is not None and before[1] != version:
        # every entry of the older version is dead (the version is in every key): free it now
        # rather than keep a second copy of every page model until max_entries pushes it out
        _call.clear()
    return version


# One shared result per key for every session (cache_resource), not a pickled copy per hit
# (cache_data): under a crowd the copies cost more CPU and memory than the queries. Entries of an
# older data version are never hit again, so the bound (and the TTL) let them go.
@st.cache_resource(show_spinner=False, max_entries=1000, ttl=6 * 3600)
def _call(func_path: str, db: str, version: str, today: str, args: tuple, kwargs: tuple) -> Any:
    # today is part of the key: a month closes when its deadline passes, whatever the data
    module, name = func_path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)(connection(), *args, **dict(kwargs))


def data(func: Callable, *args, **kwargs) -> Any:
    """func(con, *args, **kwargs) from the data layer, cached until the data changes.

    Every session and rerun gets its own containers and frames around the shared data (see _fresh).
    """
    return _fresh(_call(f"{func.__module__}.{func.__qualname__}", str(settings.db_path()), data_version(),
                 settings.today().isoformat(), args, tuple(sorted(kwargs.items()))))


def _fresh(value: Any) -> Any:
    """A copy a page may change without touching the cached result, sharing the data itself.

    Frames are cloned (polars shares the column buffers; in-place methods such as insert_column
    then change only the clone); dataclasses, and dicts, lists and tuples holding frames or
    dataclasses, are rebuilt around fresh members. Plain containers (chart specs, records, labels)
    and built charts are shared: pages only read and draw them. A deep copy per rerun (re-validating
    every plotly figure) used to cost more than the page itself.
    """
    if isinstance(value, pl.DataFrame):
        return value.clone()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = copy.copy(value)
        for f in dataclasses.fields(value):
            object.__setattr__(out, f.name, _fresh(getattr(value, f.name)))
        return out
    if isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()} if any(map(_holds, value.values())) else value
    if isinstance(value, list):
        return [_fresh(v) for v in value] if any(map(_holds, value)) else value
    if type(value) is tuple:
        return tuple(_fresh(v) for v in value) if any(map(_holds, value)) else value
    return value


def _holds(value: Any) -> bool:
    """A member _fresh must copy: a frame, a dataclass, or a container one level up holding one."""
    if isinstance(value, pl.DataFrame) or (dataclasses.is_dataclass(value) and not isinstance(value, type)):
        return True
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, (list, tuple)):
        return False
    return any(isinstance(v, pl.DataFrame) or (dataclasses.is_dataclass(v) and not isinstance(v, type))
               for v in value)
