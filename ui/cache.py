"""Data-layer calls cached per warehouse file and data version, so warm page runs skip the queries."""
from __future__ import annotations

import copy
import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from pipelines import settings, warehouse
from ui.state import connection


def data_version() -> str:
    """Bumped by every load through the write path; part of every cache key."""
    return warehouse.info(connection()).get("data_version", "0")


# One shared result per key for every session (cache_resource), not a pickled copy per hit
# (cache_data): under a crowd the copies cost more CPU and memory than the queries. Callers get
# a deep copy, which for polars frames is a cheap clone of shared, immutable buffers.
@st.cache_resource(show_spinner=False, max_entries=4000)
def _call(func_path: str, db: str, version: str, today: str, args: tuple, kwargs: tuple) -> Any:
    # today is part of the key: a month closes when its deadline passes, whatever the data
    module, name = func_path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)(connection(), *args, **dict(kwargs))


def data(func: Callable, *args, **kwargs) -> Any:
    """func(con, *args, **kwargs) from the data layer, cached until the data changes."""
    return copy.deepcopy(_call(f"{func.__module__}.{func.__qualname__}", str(settings.db_path()), data_version(),
                               settings.today().isoformat(), args, tuple(sorted(kwargs.items()))))
