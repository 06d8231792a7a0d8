"""`python -m pipelines.cluster [--replicas N] [--port P]`: run the cluster until Ctrl-C (see cli.py)."""
import sys

from pipelines.cluster.cli import main

sys.exit(main())
