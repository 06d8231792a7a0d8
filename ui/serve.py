"""Start Streamlit with its legacy pages/ auto-discovery off, so app.py's st.navigation always routes.

    python -m ui.serve run app.py [streamlit options]

Streamlit decides once per process, from the mere presence of a pages/ folder, to route the
first request by the old file-based scheme; a deep link (/wilayah?...) opened first would then
show "Page not found". Setting the flag before the server starts avoids that.
"""
import sys

# Heavy libraries imported once here, before the server starts its session threads: two sessions
# importing pandas at the same moment can see a half-initialised module.
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import polars  # noqa: F401
from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False
    sys.exit(cli.main())
