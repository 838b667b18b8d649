"""What one document's rendering may cost. Templates are uploaded by users: Jinja's sandbox keeps them away from
Python's internals, but not from asking for a loop of 10^10 turns, a number of a million digits or a string of a
gigabyte (its documentation says so). Every render gets a budget (time, loop turns, range() items, output) kept in
a context variable, and the sandbox (sandbox.py) checks every operation that could make something large against it
before doing the work. Uploaded templates are also rendered in a process of their own, with its memory capped and
killed past the deadline (isolation.py): what these checks miss still cannot take a web worker with it."""

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from itertools import chain

from flask import current_app, has_app_context
from jinja2.exceptions import TemplateRuntimeError

from workflow.text import grouped


@dataclass(frozen=True)
class Limits:
    seconds: float = 30.0  # one document, all its parts (wall clock)
    memory_mb: int = 1024  # address space of the process rendering an uploaded template
    iterations: int = 250_000  # turns of all the loops of one document together (10,000 certificates: 10,000)
    range_items: int = 10_000  # items of one range()
    range_total: int = 100_000  # items of all the range() calls of one document
    text: int = 1_000_000  # characters of a string, or items of a list, that one operation makes
    number_bits: int = 4_096  # an integer of about 1,200 digits
    output_mb: int = 100  # the rendered document (10,000 certificates are 40 MB)


# Making a document: a decision of 10,000 awardees renders 10,000 certificates in 1–2 s.
RENDER = Limits()
# Checking an upload with the sample data, which takes a few hundredths of a second: the whole upload request,
# a render process started for it included, stays well under 2 s.
CHECK = replace(RENDER, seconds=1.0)
SETTINGS = {"check": ("TEMPLATE_CHECK_SECONDS", CHECK), "render": ("TEMPLATE_RENDER_SECONDS", RENDER)}


def configured(purpose: str) -> Limits:
    """The limits of checking an upload ('check') or of making a document ('render'): the defaults above, with the
    app's TEMPLATE_CHECK_SECONDS or TEMPLATE_RENDER_SECONDS and TEMPLATE_MEMORY_MB where there is an app."""
    setting, limits = SETTINGS[purpose]
    if not has_app_context():
        return limits
    config = current_app.config
    return replace(
        limits,
        seconds=float(config.get(setting, limits.seconds)),
        memory_mb=int(config.get("TEMPLATE_MEMORY_MB", limits.memory_mb)),
    )


class LimitExceeded(TemplateRuntimeError):
    """A template asked for more than its limits allow. The message names the limit, in Vietnamese."""


def too_slow(limits: Limits) -> LimitExceeded:
    seconds = f"{limits.seconds:g}".replace(".", ",")
    return LimitExceeded(f"Mẫu chạy quá lâu (quá {seconds} giây).")


def too_much_memory(limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"Mẫu cần quá nhiều bộ nhớ để dựng văn bản (quá {grouped(limits.memory_mb)} MB).")


def too_long(limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"Mẫu tạo ra chuỗi hoặc danh sách quá dài (tối đa {grouped(limits.text)} ký tự hoặc phần tử).")


def too_large_a_number(*, power: bool) -> LimitExceeded:
    return LimitExceeded("Mẫu có phép lũy thừa quá lớn." if power else "Mẫu có phép tính tạo ra số quá lớn.")


class Budget:
    """What one document's rendering has spent so far."""

    __slots__ = ("limits", "deadline", "turns", "ranged", "written")

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.turns = self.ranged = self.written = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise too_slow(self.limits)

    def take_range(self, items: int) -> None:
        limits = self.limits
        if items > limits.range_items:
            raise LimitExceeded(f"Mẫu dùng vòng lặp quá lớn: range() tối đa {grouped(limits.range_items)} phần tử.")
        self.ranged += items
        if self.ranged > limits.range_total:
            raise LimitExceeded(
                f"Mẫu dùng range() quá nhiều: tối đa {grouped(limits.range_total)} phần tử cho cả văn bản."
            )

    def wrote(self, characters: int) -> None:
        self.written += characters
        if self.written > self.limits.output_mb * 1024 * 1024:
            raise LimitExceeded(f"Mẫu tạo ra văn bản quá lớn (tối đa {grouped(self.limits.output_mb)} MB).")

    def overrun(self) -> None:
        """Raise what a loop that went past the turns or the time of the document is told (sandbox.py counts)."""
        if self.turns > self.limits.iterations:
            raise LimitExceeded(
                f"Mẫu có vòng lặp chạy quá nhiều lần (tối đa {grouped(self.limits.iterations)} lượt cho cả văn "
                "bản), thường do các vòng lặp lồng nhau trên danh sách người được khen."
            )
        raise too_slow(self.limits)


_CURRENT: ContextVar[Budget | None] = ContextVar("template_budget", default=None)


@contextmanager
def budget(limits: Limits):
    """A budget for the rendering done inside the block (in this thread)."""
    token = _CURRENT.set(Budget(limits))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> Budget:
    """The budget of the document being rendered; outside any (a template rendered directly), one of its own."""
    return _CURRENT.get() or Budget(RENDER)


def at_most_text(size: int) -> None:
    """LimitExceeded if an operation would make something of `size` characters or items."""
    limits = current().limits
    if size > limits.text:
        raise too_long(limits)


def printed_size(value, cap: int) -> int:
    """About how many characters str(value) makes, without making it: a list holding the same big list a thousand
    times over is counted as what printing it would write, in as many steps as it holds distinct lists. Counting
    stops somewhere past `cap`."""
    known: dict[int, int] = {}  # of the containers met, which all stay alive until the count ends

    def size(item, depth: int) -> int:
        if isinstance(item, str):
            return len(item)
        kind = type(item)
        if kind is int:
            return item.bit_length() // 3 + 2
        if isinstance(item, (bytes, bytearray)):
            return 4 * len(item) + 3
        if not isinstance(item, (list, tuple, set, frozenset, dict)):
            return 32  # numbers, None, undefined values, loops, macros: short
        if id(item) in known:
            return known[id(item)]
        if depth > 100:
            return cap + 1
        total = 2
        for part in chain(item.keys(), item.values()) if isinstance(item, dict) else item:
            total += size(part, depth + 1) + 2
            if total > cap:
                break
        known[id(item)] = total
        return total

    return size(value, 0)
