"""`python -m pipelines.ingest`: validate monthly workbooks and load them into the warehouse."""
import os
import sys

from pipelines.ingest import readers
from pipelines.ingest.cli import main

code = main()
# By now the warehouse is closed (checkpointed) and the reading pool is the only thing left.
# Shut it down, flush, and leave without the interpreter's teardown of polars and DuckDB: that
# teardown frees nothing the system would not, and costs about 0.1 s of a run of one or two.
readers.shutdown()
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
