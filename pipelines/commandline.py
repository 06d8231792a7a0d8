"""The one shape of the project's command lines: argparse whose usage errors exit 2 with an Indonesian message."""
from __future__ import annotations

import argparse
import sys


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that reports usage errors in Indonesian; argparse's exit status 2 is kept."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"Kesalahan penggunaan: {message}\n")
