import sys

from pipelines.review.cli import main

sys.exit(main())
