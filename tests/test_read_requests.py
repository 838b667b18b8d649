"""How a request ends its transaction (blueprints._commit_once): a read that changed nothing ends with a commit, so
that PostgreSQL's driver keeps the statements it prepared (it forgets them at every rollback); a read that changed
anything, flushed or not, is rolled back, so a GET never writes."""

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from tests.factories import make_user
from workflow.extensions import db
from workflow.models import User
from workflow.states import Role


def _ended(app) -> list[str]:
    """How each session transaction ends from now on, in order: "commit" or "rollback"."""
    endings = []

    def committed(session):
        endings.append("commit")

    def rolled_back(session, previous_transaction):
        if previous_transaction.parent is None:
            endings.append("rollback")

    event.listen(Session, "after_commit", committed)
    event.listen(Session, "after_soft_rollback", rolled_back)
    app.extensions.setdefault("test_listeners", []).extend(
        [(Session, "after_commit", committed), (Session, "after_soft_rollback", rolled_back)]
    )
    return endings


def _forget_listeners(app) -> None:
    for target, name, listener in app.extensions.pop("test_listeners", []):
        event.remove(target, name, listener)


def _renaming(flush: bool):
    def view():
        user = db.session.scalar(select(User).where(User.username == "doc"))
        user.full_name = "Đã đổi trong một GET"
        if flush:
            db.session.flush()
        return "ok"

    return view


def _full_name() -> str:
    db.session.expire_all()
    return db.session.scalar(select(User.full_name).where(User.username == "doc"))


def test_a_read_that_changed_nothing_commits_and_one_that_changed_something_is_rolled_back(app):
    make_user("doc", [(Role.admin, None)])
    db.session.commit()
    before = _full_name()
    app.add_url_rule("/test/read", "test_read", lambda: str(db.session.scalar(select(func.count(User.id)))))
    app.add_url_rule("/test/rename", "test_rename", _renaming(flush=False))
    app.add_url_rule("/test/rename-flushed", "test_rename_flushed", _renaming(flush=True))
    client = app.test_client()
    endings = _ended(app)
    try:
        assert client.get("/test/read").text == "1"
        assert endings == ["commit"]
        for path in ("/test/rename", "/test/rename-flushed"):
            endings.clear()
            assert client.get(path).status_code == 200
            assert endings == ["rollback"]
            assert _full_name() == before
    finally:
        _forget_listeners(app)


def test_reads_keep_the_statements_the_driver_prepared(app):
    """On PostgreSQL, psycopg prepares a statement run five times on a connection; a rollback at the end of every
    page would make it forget them all, and each page's queries would be planned again. On SQLite the driver
    prepares nothing, and the reads must still work one after the other."""
    if app.config["BACKEND"] == "postgresql":
        probe = "SELECT count(*) FROM pg_prepared_statements"
    else:
        probe = "SELECT count(*) FROM sqlite_master WHERE 0"  # nothing to count
    app.add_url_rule("/test/prepared", "test_prepared", lambda: str(db.session.execute(text(probe)).scalar()))
    client = app.test_client()
    counts = [int(client.get("/test/prepared").text) for _ in range(8)]
    if app.config["BACKEND"] == "postgresql":
        assert counts[:5] == [0] * 5  # prepared at its fifth run, seen from the sixth on
        assert min(counts[5:]) >= 1
    else:
        assert counts == [0] * 8
