"""Operations on the domain. They validate, change, flush and record history; they never commit:
the caller (one request, one CLI command) commits once."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from workflow.errors import Conflict, NotFound, StaleVersion
from workflow.extensions import db
from workflow.states import Action

STALE = "Hồ sơ vừa được người khác thay đổi hoặc xử lý. Vui lòng tải lại trang và thực hiện lại."


def flush() -> None:
    """Flush pending changes; losing a race against another user becomes a Conflict."""
    with stale_as_conflict():
        db.session.flush()


@contextmanager
def stale_as_conflict() -> Iterator[None]:
    """Writing a row someone else has just changed becomes a Conflict."""
    try:
        yield
    except StaleDataError as exc:
        raise StaleVersion(STALE) from exc
    except OperationalError as exc:
        if _lost_race(exc):
            raise StaleVersion(STALE) from exc
        raise


def _lost_race(error: OperationalError) -> bool:
    """PostgreSQL ending one of two transactions that wait on each other (deadlock, SQLSTATE 40P01) or could not be
    serialized (40001); SQLite refusing a writer whose snapshot another writer has just made stale ("database is
    locked"). PostgreSQL's messages are not read: a deadlock's says "blocked by process", which is no lost race."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in ("40P01", "40001")
    message = str(error.orig).lower()
    return "locked" in message or "busy" in message


def check_version(current: int, expected: int | str | None) -> None:
    """The client's copy must be the current one: a stale form or API call never overwrites newer data."""
    if expected in (None, ""):
        return
    try:
        expected = int(expected)
    except (TypeError, ValueError):
        raise Conflict("Phiên bản hồ sơ không hợp lệ. Vui lòng tải lại trang.") from None
    if expected != current:
        raise StaleVersion(STALE)


def action_named(name: str, allowed: tuple[Action, ...], *, of: str = "") -> Action:
    """The action called `name` if it is one of `allowed`; NotFound otherwise (as a URL naming no action)."""
    try:
        action = Action(name)
    except ValueError:
        action = None
    if action not in allowed:
        raise NotFound(f"Không có thao tác “{name}”{of}.")
    return action
