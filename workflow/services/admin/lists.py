"""The administration lists, a page at a time, searched by name: units and accounts have no folded column, so the
folded query is matched in SQL, diacritics ignored as workflow.text.fold ignores them."""

from math import ceil

from sqlalchemy import ColumnElement, Select, func, or_, select

from workflow.extensions import db
from workflow.services.listing import Page
from workflow.text import fold

PER_PAGE = 50
QUERY_MAX = 100  # characters of the typed text that are read

_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậ eèéẻẽẹêềếểễệ iìíỉĩị oòóỏõọôồốổỗộơờớởỡợ uùúủũụưừứửữự yỳýỷỹỵ dđ".split()
# Each plain letter and every way it is written, in both cases: "a" → "aàá…AÀÁ…".
_VARIANTS = {letters[0]: letters + letters.upper() for letters in _LETTERS}
_ACCENTED = "".join(v for letters in _VARIANTS.values() for v in letters if fold(v) != v)
_PLAIN = "".join(fold(ch) for ch in _ACCENTED)


def page_of(query: Select, page, *, per_page: int = PER_PAGE, clamp: bool = True) -> Page:
    """Page `page` of the ordered `query`, with the number of its rows. A page past the last is the last one if
    `clamp` (the pages), an empty one otherwise (the API, whose clients read on until a page comes back empty)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    page = max(int(page), 1)
    if clamp:
        page = min(page, max(1, ceil(total / per_page)))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, total=total, page=page, per_page=per_page)


def words_matching(typed: str | None, *columns) -> list[ColumnElement[bool]]:
    """One condition per word typed: the word is in one of `columns`, case and diacritics ignored."""
    return [contains_folded(word, *columns) for word in fold((typed or "")[:QUERY_MAX]).split()]


def contains_folded(query: str, *columns) -> ColumnElement[bool]:
    """SQL condition: one of `columns` contains `query`, case and Vietnamese diacritics ignored."""
    folded = fold(query)
    if _translates():
        return or_(*(_plain(column).contains(folded, autoescape=True) for column in columns))
    # SQLite has no translate(): GLOB with a class of every spelling of each letter of the query.
    pattern = "*" + _glob(folded) + "*"
    return or_(*(c.op("GLOB")(pattern) for c in columns))


def equals_folded(query: str, column) -> ColumnElement[bool]:
    """SQL condition: `column` is `query`, case and Vietnamese diacritics ignored ("qd-ubnd" is "QĐ-UBND")."""
    folded = fold(query)
    if _translates():
        return _plain(column) == folded
    return column.op("GLOB", is_comparison=True)(_glob(folded))


def _translates() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _plain(column) -> ColumnElement[str]:
    # translate() strips the marks in C; lower() then folds the plain letters whatever the locale.
    return func.lower(func.translate(column, _ACCENTED, _PLAIN))


def _glob(folded: str) -> str:
    return "".join(_glob_class(ch) for ch in folded)


def _glob_class(ch: str) -> str:
    if ch in "*?[":
        return f"[{ch}]"
    spellings = _VARIANTS.get(ch) or ch + ch.upper()
    return f"[{spellings}]" if ch != ch.upper() else ch
