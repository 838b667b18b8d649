"""Rendering a user's template in a process of its own, the bound the sandbox cannot give (Jinja's documentation
recommends one: the sandbox does not protect against denial of service). The process's address space is capped
(RLIMIT_AS) and it is killed a little after its template's deadline, so a template that gets past the sandbox's
checks costs that process its memory or its life, never a web worker.

The processes are forked by multiprocessing's fork server, a clean interpreter that imported the documents package
and nothing else, started on first use: never forked from a web worker, whose threads may hold locks and whose
database connections a child must not share. pebble runs each call in a new process, with its timeout, and brings
back its result or its exception. Starting the server costs 0.65 s, once per worker; each render then costs a
fork, a compile and the copying of its context and result (0.02–0.04 s for a small document or 1,000
certificates, 0.06–0.08 s for 10,000)."""

import math
import multiprocessing
import resource
import signal
from concurrent.futures import TimeoutError as Timeout

from pebble import ProcessExpired, concurrent

from workflow.documents.limits import LimitExceeded, Limits, too_much_memory, too_slow
from workflow.text import grouped

GRACE = 0.5  # seconds a render process gets past its template's deadline before it is killed
_FORKSERVER = multiprocessing.get_context("forkserver")
_FORKSERVER.set_forkserver_preload(["workflow.documents"])


def run(function, *args, limits: Limits):
    """`function(*args)` in a render process limited to `limits`: its result, or the exception it raised.
    Raises limits.LimitExceeded when the process was killed (past the deadline) or died (out of memory)."""
    task = concurrent.process(timeout=limits.seconds + GRACE, context=_FORKSERVER, name="antq-render")(_bounded)
    try:
        return task(limits, function, *args).result()
    except Timeout:
        raise too_slow(limits) from None
    except ProcessExpired:
        raise LimitExceeded(
            f"Tiến trình dựng văn bản từ mẫu dừng bất thường: có thể mẫu cần quá nhiều bộ nhớ "
            f"(quá {grouped(limits.memory_mb)} MB) hoặc chạy quá lâu."
        ) from None


def _bounded(limits: Limits, function, *args):
    """In the render process: cap its memory, and its CPU time in case the web worker that waits for it dies."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # killed at once when past its time, even inside a long C call
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    seconds = math.ceil(limits.seconds + GRACE) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
    try:
        return function(*args)
    except MemoryError:
        raise too_much_memory(limits) from None
