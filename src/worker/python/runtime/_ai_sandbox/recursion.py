"""A ceiling on sys.setrecursionlimit. In Pyodide each Python call also takes room on the browser's
own stack, which overflows between 8,000 and 10,000 plain Python frames (Chromium and Firefox
measured; docs/platform-notes.md). Past that the engine dies, after seconds of work, instead of
raising RecursionError. So a limit above MAXIMUM is lowered to it, with a warning that says why:
code that recurses without end gets its RecursionError at once.

A convenience for honest code, not a security boundary: the host still stops and replaces an
engine whose stack overflows."""

import sys
import warnings

# Room for plain recursion with a margin for frames that also recurse through C (methods, __call__).
MAXIMUM = 4000

_setrecursionlimit = sys.setrecursionlimit


def setrecursionlimit(limit, /):
    """sys.setrecursionlimit, lowered to the ceiling this browser's stack allows."""
    if isinstance(limit, int) and limit > MAXIMUM:
        warnings.warn(
            f"the recursion limit is capped at {MAXIMUM} in the sandbox (asked for {limit}): "
            "deeper recursion would overflow the browser's stack",
            RuntimeWarning,
            stacklevel=2,
        )
        limit = MAXIMUM
    _setrecursionlimit(limit)


def install():
    """Puts the ceiling in place (once per interpreter)."""
    sys.setrecursionlimit = setrecursionlimit
