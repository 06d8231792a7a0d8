"""`python -m pipelines.demo`: build the demo warehouse."""
import sys

# Run from the importable module, not from __main__: pool workers unpickle the tasks and
# their classes by module name, and they never see this script's __main__.
from pipelines.demo.build import main

sys.exit(main())
