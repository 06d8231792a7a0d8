"""Start-up: the server module imports no heavy library itself; the warm-up thread imports them once, in order."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def fresh_python(code: str) -> dict:
    """Run code in a new interpreter from the project folder; it prints one JSON object."""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_server_module_leaves_heavy_libraries_to_the_warm_up():
    seen = fresh_python("import json, sys; import ui.serve; "
                        "print(json.dumps({m: m in sys.modules for m in "
                        "['pandas', 'polars', 'pyarrow', 'duckdb', 'geopandas', 'pptx', 'scipy']}))")
    # (Streamlit itself imports plotly.graph_objects.)
    assert seen == {"pandas": False, "polars": False, "pyarrow": False, "duckdb": False,
                    "geopandas": False, "pptx": False, "scipy": False}


def test_warm_up_imports_core_then_the_rest_in_its_own_thread():
    seen = fresh_python(
        "import json, sys, threading; from ui import warmup; warmup.start(); warmup.wait_core(); "
        "core = all(m in sys.modules for m in warmup.CORE); warmup.wait(); "
        "print(json.dumps({'core': core, 'all': all(m in sys.modules for m in warmup.CORE + warmup.LATER), "
        "'threads': sorted(t.name for t in threading.enumerate())}))")
    assert seen == {"core": True, "all": True, "threads": ["MainThread"]}


def test_without_a_warm_up_thread_wait_imports_everything_here():
    seen = fresh_python("import json, sys; from ui import warmup; warmup.wait_core(); "
                        "before = 'pandas' in sys.modules; warmup.wait(); "
                        "print(json.dumps({'before': before, 'after': 'pandas' in sys.modules}))")
    assert seen == {"before": False, "after": True}


def test_the_warm_up_freezes_the_libraries_and_a_page_visit_that_imports_more_freezes_again():
    seen = fresh_python(
        "import gc, json; from ui import warmup; warmup.start(); warmup.wait(); first = gc.get_freeze_count(); "
        "warmup.settle(); same = gc.get_freeze_count(); import pptx; warmup.settle(); "
        "print(json.dumps({'frozen': first > 50000, 'no_op': same == first, 'more': gc.get_freeze_count() > first}))")
    assert seen == {"frozen": True, "no_op": True, "more": True}


def test_without_a_warm_up_thread_nothing_is_frozen():
    seen = fresh_python("import gc, json; from ui import warmup; warmup.wait(); import pptx; warmup.settle(); "
                        "print(json.dumps({'frozen': gc.get_freeze_count()}))")
    assert seen == {"frozen": 0}
