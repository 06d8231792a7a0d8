"""ui/internals.limit_arenas: the server's malloc arenas are capped, so many script threads share two heaps."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui import internals

ROOT = Path(__file__).resolve().parent.parent

# Eight threads allocate at once (10 KB blocks come from a malloc arena, not mmap); glibc's
# malloc_stats() then prints one "Arena N:" section per arena to stderr.
THREADS = """
import ctypes, sys, threading
sys.path.insert(0, {root!r})
from ui import internals
limited = internals.limit_arenas() if sys.argv[1] == "limit" else False
barrier = threading.Barrier(8)
def work():
    barrier.wait()
    for _ in range(3000):
        blocks = [bytes(10_000) for _ in range(20)]
        del blocks
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(limited)
ctypes.CDLL(None).malloc_stats()
"""


def arenas(mode: str) -> tuple[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    done = subprocess.run([sys.executable, "-c", THREADS.format(root=str(ROOT)), mode], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), done.stderr.count("Arena ")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_eight_busy_threads_share_two_arenas_once_limited():
    assert arenas("limit") == ("True", 2)
    limited, unlimited = arenas("free")
    assert limited == "False" and unlimited > 2


def test_an_arena_count_set_in_the_environment_is_left_alone(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert internals.limit_arenas() is False


def test_the_server_limits_arenas_before_it_starts_a_thread():
    source = (ROOT / "ui" / "serve.py").read_text(encoding="utf-8")
    main = source[source.index('if __name__ == "__main__":'):]
    assert main.index("internals.limit_arenas()") < main.index("warmup.start()")
