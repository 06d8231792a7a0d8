"""`python -m pipelines.briefing`: the briefing pack of an area and period."""
import sys

from pipelines.briefing.cli import main

sys.exit(main())
