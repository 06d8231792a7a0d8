"""`python -m pipelines.ingest`: validate monthly workbooks and load them into the warehouse."""
import sys

from pipelines.ingest.cli import main

sys.exit(main())
