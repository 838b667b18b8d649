"""The garbage collector around work that keeps many objects alive at once: issuing a decision of 10,000 awardees,
consolidating the reports of a province."""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_blocks = 0  # blocks running now, in any thread of the process
_was_enabled = True


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during the block; it resumes when the last such block of the process ends (if
    it was on when the first began). Reference counting still frees at once whatever is not in a cycle, which is
    nearly everything: the cycles such a block leaves are a few hundred objects, collected afterwards.

    Why: CPython collects its oldest generation whenever the objects that survived a younger collection have grown
    by a quarter, and that walks the whole heap: the application's own 160,000 objects included, at 0.1–0.2 s each
    on a busy two-core machine, to free next to nothing. Issuing 10,000 awardees keeps 100,000 objects alive for a
    few seconds (the nominations loaded, the rows of the documents) and set off five to seven of them: 0.7–1 s of
    the issue. Consolidating a province (13,000 figures, 1,000 units) set one off every third request: 0.1 s more,
    the slowest request of the benchmark. Freezing the old heap (gc.freeze) instead leaves the collector believing
    the heap small, so the next full collection outside the block comes sooner."""
    global _blocks, _was_enabled
    with _lock:
        if _blocks == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _blocks += 1
    try:
        yield
    finally:
        with _lock:
            _blocks -= 1
            if _blocks == 0 and _was_enabled:
                gc.enable()
