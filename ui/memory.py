"""The server's C heap held to a few malloc arenas, so a crowd's script threads do not each keep one.

glibc gives every thread that meets contention its own arena, up to eight per core, and a
thread's freed memory stays in its arena. Twenty sessions running their page scripts at once
(a Rakor) then held about 300 MB more than the same work in two arenas (bench/load.py: peak RSS
711 MB against 438 MB at K=20), for no measurable CPU. Set before the server starts any thread;
the MALLOC_ARENA_MAX environment variable, when set, still wins.
"""
from __future__ import annotations

import ctypes
import os

ARENAS = 2
_M_ARENA_MAX = -8  # from glibc's malloc.h


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process; False where that is not glibc or is set already."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process already runs on
    except (OSError, AttributeError):  # musl and others have no mallopt arena knob
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return mallopt(_M_ARENA_MAX, arenas) == 1
