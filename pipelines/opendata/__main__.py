"""`python -m pipelines.opendata`: the Satu Data package of a government period."""
import sys

from pipelines.opendata.cli import main

sys.exit(main())
