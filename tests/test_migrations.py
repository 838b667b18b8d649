"""The Alembic migrations build exactly the schema the models describe, on SQLite and on PostgreSQL,
and come back down to an empty database."""

import logging
from contextlib import ExitStack, contextmanager
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app import create_app
from tests.conftest import BACKENDS, scratch_postgres_database
from workflow.extensions import db
from workflow.models import name_search

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


@contextmanager
def loggers_kept():
    """env.py runs logging.config.fileConfig, which disables every logger already created: undo that."""
    before = {
        name: logger.disabled
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    root_level, root_handlers = logging.root.level, list(logging.root.handlers)
    try:
        yield
    finally:
        for name, disabled in before.items():
            logging.getLogger(name).disabled = disabled
        logging.root.setLevel(root_level)
        logging.root.handlers[:] = root_handlers


@contextmanager
def fresh_database(backend: str, tmp_path: Path):
    with ExitStack() as stack:
        if backend == "sqlite":
            yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        else:
            yield stack.enter_context(scratch_postgres_database("antq_migrations_test"))


# SQLite cannot reflect an index on an expression (lower(username)): the comparison skips it there, saying so; the
# test of the record below checks that index on both databases.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
@pytest.mark.parametrize("backend", BACKENDS)
def test_migrations_build_on_an_empty_database_exactly_the_schema_of_the_models(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url, loggers_kept():
        migrated = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
        with migrated.app_context():
            try:
                assert inspect(db.engine).get_table_names() == []
                flask_migrate.upgrade(directory=MIGRATIONS)

                with db.engine.connect() as connection:
                    # As env.py does: the name search's index is no model's (models.name_search).
                    options = {"compare_type": True, "include_name": name_search.include_name}
                    context = MigrationContext.configure(connection, opts=options)
                    differences = compare_metadata(context, db.metadata)
                    tables = {
                        t for t in inspect(connection).get_table_names() if name_search.include_name(t, "table", {})
                    }
                assert differences == []
                assert tables == {t.name for t in db.metadata.sorted_tables} | {"alembic_version"}

                flask_migrate.downgrade(directory=MIGRATIONS, revision="base")
                assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}

                flask_migrate.upgrade(directory=MIGRATIONS)  # and back up again from base
                assert "nominations" in inspect(db.engine).get_table_names()
            finally:
                db.session.remove()
                db.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_a_migrated_database_no_sql_can_alter_or_delete_the_history(backend, tmp_path):
    """The ORM refuses too (models.base.append_only); here raw SQL, as any other client would send it, is refused
    by the database itself, and the row is still there afterwards."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError

    from tests.factories import build_world, create_nomination
    from workflow.models import NominationEvent

    with fresh_database(backend, tmp_path) as url, loggers_kept():
        migrated = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
        with migrated.app_context():
            try:
                flask_migrate.upgrade(directory=MIGRATIONS)
                world = build_world()
                create_nomination(world, state="submitted")
                event_id = db.session.scalar(db.select(NominationEvent.id))
                comments = db.select(NominationEvent.comment).order_by(NominationEvent.id)
                history = db.session.scalars(comments).all()
                db.session.rollback()  # no open transaction of ours may hold a lock TRUNCATE would wait for
                statements = [
                    "UPDATE nomination_events SET comment = 'sửa lén' WHERE id = :id",
                    "DELETE FROM nomination_events WHERE id = :id",
                ]
                for statement in statements:
                    with pytest.raises(DatabaseError, match="chỉ được ghi thêm"):
                        with db.engine.begin() as connection:
                            connection.execute(text(statement), {"id": event_id})
                if backend == "postgresql":
                    with pytest.raises(DatabaseError, match="chỉ được ghi thêm"):
                        with db.engine.begin() as connection:
                            connection.execute(text("TRUNCATE nomination_events CASCADE"))
                db.session.rollback()
                assert db.session.scalars(comments).all() == history
                assert len(history) >= 2
            finally:
                db.session.remove()
                db.engine.dispose()


CLEANING = "e8b4f2a6c1d9"  # text without invisible characters


@pytest.mark.parametrize("backend", BACKENDS)
def test_names_stored_with_invisible_characters_before_are_cleaned_and_found(backend, tmp_path):
    """Rows written before text.clean() dropped invisible characters (here by raw SQL, as the old code stored them)
    come out of the migration as text.clean() writes them now, and the name search and the award history find
    them typed plainly. Issued documents keep their bytes."""
    from sqlalchemy import text

    from tests.factories import build_world, create_decision, create_nomination
    from workflow.models import Attachment, IssuedDocument, Nomination, Unit, User
    from workflow.services import attachments, decisions, listing

    hidden_name, hidden_search = "Nguy\u200bễn\u200d Văn\ufeff Hậu", "nguy\u200ben\u200d van\ufeff hau"
    with fresh_database(backend, tmp_path) as url, loggers_kept():
        migrated = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
        with migrated.app_context():
            try:
                before = ScriptDirectory(MIGRATIONS).get_revision(CLEANING).down_revision
                flask_migrate.upgrade(directory=MIGRATIONS, revision=before)
                world = build_world()
                awarded = create_nomination(world, state="district_approved")
                decision = create_decision(world, [awarded])
                attachment = attachments.add(world.clerk_c1, create_nomination(world), "bao-cao.pdf", b"%PDF-1.4\n")
                issued = {doc.kind: doc.data for doc in decision.documents}
                db.session.commit()
                for statement, values in (
                    ("UPDATE nominations SET nominee_name = :v, nominee_search = :s", {"v": hidden_name}),
                    ("UPDATE units SET name = :v WHERE code = 'C1'", {"v": "Thị\u202e trấn\u00ad Lạc Dương"}),
                    ("UPDATE attachments SET filename = :v", {"v": "bao\u200b-cao.pdf"}),
                    ("UPDATE users SET username = :v WHERE username = 'clerk_c2'", {"v": "clerk\u200b_c2"}),
                ):
                    with db.engine.begin() as connection:
                        connection.execute(text(statement), values | {"s": hidden_search})
                db.session.expire_all()
                assert decisions.award_history(world.reviewer_d, "Nguyễn Văn Hậu") == []
                db.session.rollback()  # read afresh after the migration (SQLite keeps the snapshot of a transaction)

                flask_migrate.upgrade(directory=MIGRATIONS)
                names = db.session.execute(db.select(Nomination.nominee_name, Nomination.nominee_search)).all()
                assert set(names) == {("Nguyễn Văn Hậu", "nguyen van hau")}
                assert db.session.get(Unit, world.c1.id).name == "Thị trấn Lạc Dương"
                assert db.session.get(Attachment, attachment.id).filename == "bao-cao.pdf"
                assert [n.id for n, _ in decisions.award_history(world.reviewer_d, "Nguyễn Văn Hậu")] == [awarded.id]
                found = listing.search(world.reviewer_d, listing.Filters(q="nguyen van hau"), page=1, per_page=10)
                assert len(found.items) == 2
                assert db.session.scalar(db.select(User.id).where(User.username == "clerk_c2")) == world.clerk_c2.id
                stored = db.session.scalars(db.select(IssuedDocument).where(IssuedDocument.decision_id == decision.id))
                assert {doc.kind: doc.data for doc in stored if doc.kind in issued} == issued
            finally:
                db.session.remove()
                db.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_a_migrated_database_the_account_record_is_append_only_and_a_username_is_one_whatever_its_case(
    backend, tmp_path
):
    """The record's rows refused UPDATE, DELETE and TRUNCATE by the database, as the history's are; a second
    spelling of a username refused by the unique index on lower(username)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DatabaseError, IntegrityError

    from tests.factories import build_world
    from workflow.models import AccountEvent

    with fresh_database(backend, tmp_path) as url, loggers_kept():
        migrated = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
        with migrated.app_context():
            try:
                flask_migrate.upgrade(directory=MIGRATIONS)
                build_world()
                rows = db.select(AccountEvent.id, AccountEvent.action).order_by(AccountEvent.id)
                record = db.session.execute(rows).all()
                db.session.rollback()
                statements = [
                    "UPDATE account_events SET action = 'unlocked' WHERE id = :id",
                    "DELETE FROM account_events WHERE id = :id",
                ]
                if backend == "postgresql":
                    statements.append("TRUNCATE account_events")
                for statement in statements:
                    with pytest.raises(DatabaseError, match="chỉ được ghi thêm"):
                        with db.engine.begin() as connection:
                            connection.execute(text(statement), {"id": record[0].id})
                with pytest.raises(IntegrityError):
                    with db.engine.begin() as connection:
                        connection.execute(
                            text(
                                "INSERT INTO users (username, full_name, password_hash, active, created_at) "
                                "VALUES ('CLERK_C1', '', '!', true, CURRENT_TIMESTAMP)"
                            )
                        )
                assert db.session.execute(rows).all() == record and len(record) >= 36
            finally:
                db.session.remove()
                db.engine.dispose()
