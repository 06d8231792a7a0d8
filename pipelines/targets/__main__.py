"""Command line for targets: python -m pipelines.targets template|load|report (see pipelines/targets/cli.py)."""
import sys

from pipelines.targets.cli import main

sys.exit(main())
