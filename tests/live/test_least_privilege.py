"""The servers connect to PostgreSQL as the application's role, which owns nothing: it reads and writes rows as
the application does, and nothing more. The schema belongs to the owner that migrates it (MIGRATION_DATABASE_URL),
so a stolen application password cannot switch the history's triggers off, rewrite the history, or change a table."""

import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from tests.factories import create_nomination
from tests.live.http import API, api_user
from tests.live.support import application_url
from workflow.models.base import APPEND_ONLY_TABLES
from workflow.states import State

REFUSED = [
    "ALTER TABLE nomination_events DISABLE TRIGGER ALL",
    "ALTER TABLE report_events DISABLE TRIGGER report_events_append_only",
    "UPDATE nomination_events SET comment = 'sửa lịch sử'",
    "DELETE FROM report_events",
    "TRUNCATE nomination_events",
    "DROP TABLE nominations",
    "ALTER TABLE nominations ADD COLUMN backdoor text",
    "CREATE TABLE backdoor (id integer)",
    "DELETE FROM alembic_version",
    "CREATE ROLE backdoor LOGIN SUPERUSER",
    "ALTER ROLE CURRENT_USER SUPERUSER",
]


@pytest.fixture
def as_application(live):
    engine = create_engine(application_url(live.url))
    yield engine
    engine.dispose()


def test_the_servers_connect_as_a_role_that_owns_nothing(live, as_application):
    assert api_user(live.a, "clerk_c1").get(f"{API}/me").status == 200
    assert api_user(live.b, "clerk_c1").get(f"{API}/me").status == 200
    with as_application.connect() as connection:
        servers = connection.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND usename = current_user"
                " AND pid <> pg_backend_pid()"
            )
        )
        attributes = connection.execute(
            text("SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
        owned = connection.scalar(
            text(
                "SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)"
            )
        )
    assert servers > 0, "no server is connected as the application's role"
    assert tuple(attributes) == (False, False, False, False)
    assert owned == 0


@pytest.mark.parametrize("statement", REFUSED)
def test_the_application_role_cannot_change_the_schema_or_the_history(as_application, statement):
    with as_application.connect() as connection, pytest.raises(ProgrammingError) as refused:
        connection.execute(text(statement))
    assert isinstance(refused.value.orig, psycopg.errors.InsufficientPrivilege), refused.value


def test_the_application_role_reads_and_adds_history_while_the_servers_work(live, as_application):
    nomination = create_nomination(live.world, state=State.submitted)
    approved = api_user(live.a, "reviewer_c1").post(
        f"{API}/nominations/{nomination.id}/actions/approve", json={"version": nomination.version}
    )
    assert approved.status == 200, approved.text
    with as_application.connect() as connection:
        rows = connection.scalar(
            text("SELECT count(*) FROM nomination_events WHERE nomination_id = :id"), {"id": nomination.id}
        )
        grants = connection.execute(
            text(
                "SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) FROM "
                "information_schema.role_table_grants WHERE grantee = current_user GROUP BY table_name"
            )
        ).all()
    assert rows >= 2
    granted = dict(grants)
    assert {granted[table] for table in APPEND_ONLY_TABLES} == {"INSERT,SELECT"}
    assert granted["alembic_version"] == "SELECT"
    assert granted["nominations"] == "DELETE,INSERT,SELECT,UPDATE"
