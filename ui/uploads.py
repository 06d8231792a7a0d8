"""The files a file uploader holds in this process; ones whose bytes went with a replica that died are counted apart."""
from __future__ import annotations

import streamlit as st


def held(key: str) -> tuple[list, int]:
    """(files with their bytes here, how many the browser still lists but this process never received).

    Behind a load balancer a browser whose replica died reconnects to another one and sends its
    uploader's file ids again; their bytes stayed in the dead process, so Streamlit hands back a
    DeletedFile for each (no name, no bytes)."""
    chosen = st.session_state.get(key) or []
    present = [f for f in chosen if hasattr(f, "getvalue")]
    return present, len(chosen) - len(present)
