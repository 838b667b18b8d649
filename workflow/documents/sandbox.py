"""Jinja's immutable sandbox, bounded (limits.py): every operation that could make something large is checked from
the sizes of what it is given before it runs, so that nothing huge is ever allocated, and every loop turn, call and
operator checks the document's deadline. Through Jinja's extension points: the intercepted operators (`**`, `*`,
`%`, `+`), `call` (methods such as str.center, macros), the `range` global and the filters, plus two rewrites of
each parsed template: a `for` loop's iterable goes through a counter (a loop with an empty body calls nothing Jinja
could intercept) and `~` through a checked join (Jinja compiles it to a plain join)."""

import functools
import re
import string
from itertools import chain
from time import monotonic

from jinja2 import filters, nodes, pass_context, pass_environment, pass_eval_context
from jinja2.runtime import LoopContext, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from workflow.documents.limits import at_most_text, current, printed_size, too_large_a_number

# Names no template can type (they hold spaces), for the filters the rewrites insert.
LOOP_GUARD, CONCAT_GUARD = "loop guard", "concat guard"
_SEQUENCES = (str, bytes, list, tuple)


class BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox every template is rendered and checked in."""

    intercepted_binops = frozenset(("**", "*", "%", "+"))

    def __init__(self, **options):
        super().__init__(**options)
        self.globals["range"] = _range
        del self.globals["lipsum"]  # lipsum(10**7) writes ten million paragraphs; no document needs it
        self.filters.update(_BOUNDED_FILTERS)
        self.filters[LOOP_GUARD] = _counted
        self.filters[CONCAT_GUARD] = _concatenated

    def _parse(self, source, name, filename):
        tree = _Guarding().visit(super()._parse(source, name, filename))
        tree.set_environment(self)  # the nodes the rewrites added have none yet
        return tree

    def call_binop(self, context, operator, left, right):
        current().check_time()
        _BINOP_CHECKS[operator](left, right)
        try:
            return super().call_binop(context, operator, left, right)
        except OverflowError:  # a float power out of range
            raise too_large_a_number(power=True) from None

    def call(__self, __context, __obj, *args, **kwargs):
        current().check_time()
        if isinstance(__obj, LoopContext) and args:  # the next level of a recursive loop: counted like any loop
            args = (_turns(args[0]), *args[1:])
        else:
            args = _checked_call(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)


class _Guarding(NodeTransformer):
    def visit_For(self, node: nodes.For) -> nodes.For:
        node = self.generic_visit(node)
        node.iter = _filter(node.iter, LOOP_GUARD)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Filter:
        node = self.generic_visit(node)
        return _filter(nodes.Tuple(node.nodes, "load", lineno=node.lineno), CONCAT_GUARD)


def _filter(node: nodes.Expr, name: str) -> nodes.Filter:
    return nodes.Filter(node, name, [], [], None, None, lineno=node.lineno)


@pass_context  # never called while compiling (constant folding would run it then)
def _counted(context, iterable):
    return _turns(iterable)


def _turns(iterable):
    budget = current()
    for item in iterable:
        budget.turns += 1  # written out here rather than a method of Budget: this runs at every turn of every loop
        if budget.turns > budget.limits.iterations or monotonic() > budget.deadline:
            budget.overrun()
        yield item


@pass_eval_context
def _concatenated(eval_ctx, values: tuple):
    """`a ~ b`: Jinja's own join, once the result is known to be of a reasonable length."""
    limit = current().limits.text
    at_most_text(sum(printed_size(value, limit) for value in values))
    return markup_join(values) if eval_ctx.autoescape else str_join(values)


def _range(*args):
    numbers = range(*args)
    current().take_range(len(numbers))
    return numbers


# Operators, from the sizes of their operands.


def _power(left, right) -> None:
    if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        if (abs(left) - 1).bit_length() * right > current().limits.number_bits:
            raise too_large_a_number(power=True)


def _product(left, right) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > current().limits.number_bits:
            raise too_large_a_number(power=False)
    elif isinstance(left, _SEQUENCES) and isinstance(right, int):
        at_most_text(_repeated(left, right))
    elif isinstance(left, int) and isinstance(right, _SEQUENCES):
        at_most_text(_repeated(right, left))


def _repeated(sequence, times: int) -> int:
    """What `sequence * times` takes once printed: a list of a list repeated a thousand times, repeated a thousand
    times, is a million of it (printing a value is not checked: it costs every value printed a call)."""
    return printed_size(sequence, current().limits.text) * times


def _sum(left, right) -> None:
    if isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
        at_most_text(len(left) + len(right))


def _modulo(left, right) -> None:
    if isinstance(left, str):
        at_most_text(_percent_size(left, right))


_BINOP_CHECKS = {"**": _power, "*": _product, "+": _sum, "%": _modulo}


# Formatting: the result is at most the format's own text plus, for each field, its width and precision and the
# longest of the values (a field prints one of them, or a part of one).
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)", re.DOTALL)
_FLOAT_DIGITS = 330  # '%f' % 1e308 writes 309 digits before the point


def _percent_size(text: str, values) -> int:
    if isinstance(values, dict):  # '%(name)s' % {'name': …}
        values = tuple(values.values())
    elif not isinstance(values, tuple):  # '%s' % value
        values = (values,)
    widest, star = _widest(values)
    total = len(text)
    for width, precision, conversion in _PERCENT_FIELD.findall(text):
        if conversion != "%":
            total += sum(star if n == "*" else int(n or 0) for n in (width, precision)) + widest + _FLOAT_DIGITS
    return total


def _brace_size(text: str, args: tuple, kwargs: dict) -> int:
    widest, star = _widest((*args, *kwargs.values()))
    total = len(text)
    try:
        fields = [spec for _literal, name, spec, _conversion in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return total  # str.format will say what is wrong with it
    for spec in fields:
        given = star if "{" in (spec or "") else 0  # a width or precision taken from the values: {:{w}}
        total += sum(int(n) for n in re.findall(r"\d+", spec or "")) + given + widest + _FLOAT_DIGITS
    return total


def _widest(values) -> tuple[int, int]:
    """The longest of the values printed, and the largest integer among them (a width given as `*`)."""
    limit = current().limits.text
    widest = max((printed_size(value, limit) for value in values), default=0)
    star = max((abs(value) for value in values if isinstance(value, int)), default=0)
    return widest, star


# Methods called from templates, on strings (and the bytes str.encode makes) and on integers.


def _count(text, part) -> int:
    return len(text) + 1 if not part else text.count(part)


def _replaced(text, old, new, count=-1) -> int:
    occurrences = _count(text, old)
    if count is not None and count >= 0:
        occurrences = min(occurrences, count)
    return len(text) + occurrences * max(len(new) - len(old), 0)


def _width(width) -> int:
    """A width given as a number of characters, or as the text to repeat."""
    return len(width) if isinstance(width, str) else int(width)


def _tab(text) -> str | bytes:
    return b"\t" if isinstance(text, bytes) else "\t"


def _translated(text, table) -> int:
    if not isinstance(table, dict):
        return len(text)
    limit = current().limits.text
    return len(text) * max((printed_size(value, limit) for value in table.values()), default=1)


_METHOD_SIZES = {
    "center": lambda text, width, *fill: max(len(text), width),
    "ljust": lambda text, width, *fill: max(len(text), width),
    "rjust": lambda text, width, *fill: max(len(text), width),
    "zfill": lambda text, width: max(len(text), width),
    "expandtabs": lambda text, tabsize=8: len(text) + text.count(_tab(text)) * tabsize,
    "replace": _replaced,
    "translate": _translated,
    "format": lambda text, *args, **kwargs: _brace_size(text, args, kwargs),
    "format_map": lambda text, mapping: _brace_size(text, (), dict(mapping)),
}


def _checked_call(function, args: tuple, kwargs: dict) -> tuple:
    """The call's arguments, once what it would make is known to be of a reasonable size (a string's join is given
    its items as a list, counted first)."""
    method = getattr(function, "__wrapped__", function)  # the sandbox hands out str.format wrapped
    owner, name = getattr(method, "__self__", None), getattr(method, "__name__", None)
    if isinstance(owner, (str, bytes)) and name == "join" and args:
        items = list(args[0])
        at_most_text(_joined_size(items, owner))
        return (items, *args[1:])
    if isinstance(owner, int) and name == "to_bytes":
        at_most_text(int(args[0]) if args else int(kwargs.get("length", 1)))
    elif isinstance(owner, (str, bytes)) and name in _METHOD_SIZES:
        try:
            size = _METHOD_SIZES[name](owner, *args, **kwargs)
        except (TypeError, ValueError, AttributeError):
            return args  # the method itself will refuse these arguments
        at_most_text(size)
    return args


def _joined_size(items: list, separator) -> int:
    limit = current().limits.text
    return len(separator) * max(len(items) - 1, 0) + sum(printed_size(item, limit) for item in items)


# Filters: Jinja's own, called once what they would make is known to be of a reasonable size.


def _bounded(name: str, size, *, passes: int = 0):
    """Jinja's filter `name`, checking first that `size(*arguments)` is within the limits (`passes`: how many
    leading arguments are Jinja's environment or context, which the filter takes first)."""
    original = filters.FILTERS[name]

    @functools.wraps(original)  # keeps the mark that makes Jinja pass the environment or context
    def bounded(*args, **kwargs):
        at_most_text(size(*args[passes:], **kwargs))
        return original(*args, **kwargs)

    return bounded


def _printed(value, *_args, **_kwargs) -> int:
    return printed_size(value, current().limits.text)


def _text(value) -> str:
    """The value as the text a filter works on, once that is known to be of a reasonable length."""
    at_most_text(_printed(value))
    return str(value)


def _indented(s, width=4, first=False, blank=False) -> int:
    text = _text(s)
    return len(text) + (text.count("\n") + 2) * _width(width)


@pass_eval_context
def _join(eval_ctx, value, d="", attribute=None):
    if attribute is not None:  # what is joined: `individuals|join(', ', attribute='name')` joins 10,000 names
        value = map(filters.make_attrgetter(eval_ctx.environment, attribute), value)
    items = list(value)
    at_most_text(_joined_size(items, str(d)))
    return filters.FILTERS["join"](eval_ctx, items, d)


@pass_environment
def _sum_filter(environment, iterable, attribute=None, start=0):
    """Jinja's sum, but strings, lists and tuples are added up in one pass: sum() copies the growing list at each
    step, a million steps for a list of a million one-item lists."""
    if not isinstance(start, _SEQUENCES):
        return filters.FILTERS["sum"](environment, iterable, attribute, start)
    if attribute is not None:
        iterable = map(filters.make_attrgetter(environment, attribute), iterable)
    items = list(iterable)
    at_most_text(len(start) + sum(len(item) if isinstance(item, _SEQUENCES) else 1 for item in items))
    if isinstance(start, str) or not all(isinstance(item, type(start)) for item in items):
        return sum(items, start)  # Python's own answer, an error for strings and mixed types
    return type(start)(chain(start, *items))


_BOUNDED_FILTERS = {
    "center": _bounded("center", lambda value, width=80: max(_printed(value), int(width))),
    "indent": _bounded("indent", _indented),
    "wordwrap": _bounded(
        "wordwrap",
        lambda s, width=79, b=True, wrapstring=None, h=True: _printed(s) * (1 + len(wrapstring or "\n")),
        passes=1,
    ),
    "replace": _bounded(
        "replace", lambda s, old, new, count=None: _replaced(_text(s), str(old), str(new), count), passes=1
    ),
    "format": _bounded("format", lambda value, *args, **kwargs: _percent_size(_text(value), kwargs or args)),
    "string": _bounded("string", _printed),
    "e": _bounded("e", _printed),
    "escape": _bounded("escape", _printed),
    "forceescape": _bounded("forceescape", _printed),
    "pprint": _bounded("pprint", lambda value: 2 * _printed(value)),
    "tojson": _bounded("tojson", lambda value, indent=None: _printed(value) * (1 + _width(indent or 0)), passes=1),
    "xmlattr": _bounded("xmlattr", lambda d, autospace=True: 6 * _printed(d), passes=1),
    "batch": _bounded("batch", lambda value, linecount, fill_with=None: int(linecount)),
    "slice": _bounded("slice", lambda value, slices, fill_with=None: int(slices)),
    "join": _join,
    "sum": _sum_filter,
}
