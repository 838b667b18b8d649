"""What running under gunicorn needs (gunicorn.conf.py, `make serve`): logs on stdout, the schema migrated when the
server starts, once even when several servers start together, as the database's owner while the application
connects as a role that owns nothing, and the PostgreSQL database created if missing; and starting and stopping
gunicorn from Python, for the live tests and the HTTP benchmark.

Two settings name the database: DATABASE_URL, the role the application connects as, and MIGRATION_DATABASE_URL
(by default the same), the owner that creates and migrates the schema. Where they name two roles, the owner gives
the application's role what the application does and nothing more (grant_application_role): it cannot alter,
drop or truncate a table, nor change or delete a row of the history.

`python -m workflow.server prepare` creates the database if missing, migrates it and grants the application's
role."""

import ctypes
import logging
import logging.config
import os
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager, suppress
from pathlib import Path

import flask_migrate
from flask import Flask
from sqlalchemy import create_engine, make_url, text

from workflow.config import database_url
from workflow.extensions import db
from workflow.models.base import APPEND_ONLY_TABLES

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = str(ROOT / "migrations")
# Any constant will do: every server of an installation takes the same lock before migrating.
MIGRATION_LOCK = 20_260_511

LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
# One stream, stdout, for gunicorn's error and access logs, the app's logger and everything else; the platform
# (systemd, docker, a process manager) collects it.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s"},
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "plain"},
        "access": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "access"},
    },
    "root": {"level": LEVEL, "handlers": ["stdout"]},
    "loggers": {
        "gunicorn.error": {"level": LEVEL, "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        "sqlalchemy": {"level": "WARNING"},
    },
}


def migrate(app: Flask, application_url: str | None = None) -> None:
    """Bring the schema to the latest migration, connected as `app`'s database role (the owner). On PostgreSQL
    under an advisory lock, so that servers starting together migrate one after the other: the first does the work,
    the others find nothing left to do; then, if `application_url` names another role, grant it (in the lock too)."""
    with app.app_context(), _logging_kept():
        if db.engine.dialect.name != "postgresql":
            flask_migrate.upgrade(directory=MIGRATIONS)
        else:
            with db.engine.connect() as lock:
                lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                try:
                    flask_migrate.upgrade(directory=MIGRATIONS)
                    if application_url:
                        grant_application_role(db.engine, application_url)
                finally:
                    lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        db.engine.dispose()  # no connection may cross the fork into the workers


def migrate_for(application_url: str, migration_url: str | None) -> None:
    """Migrate the database of `application_url` as the role of `migration_url` (the owner; by default the
    application's own role), and grant the application's role when it is another one."""
    from app import create_app

    owner = database_url(migration_url or application_url)
    application = database_url(application_url)
    owner_app = create_app({"SQLALCHEMY_DATABASE_URI": owner})
    migrate(owner_app, application if _role(application) != _role(owner) else None)


def _append_only_tables() -> set[str]:
    import workflow.models  # noqa: F401  (each model module declares its append-only tables when imported)

    return APPEND_ONLY_TABLES


def _role(url: str) -> tuple:
    url = make_url(url)
    return url.username, url.host, url.port, url.database


def grant_application_role(engine, application_url: str) -> None:
    """Create the application's role if missing (a login role that owns nothing, no superuser, no CREATEDB or
    CREATEROLE; its password from the URL, if any) and give it exactly what the application does: read and write
    rows, use the sequences, but only read and add to the history tables and the schema version. Anything granted
    before is replaced, so a table that became append-only loses its UPDATE and DELETE."""
    url = make_url(database_url(application_url))
    with engine.begin() as connection:
        owner, database = connection.execute(text("SELECT current_user, current_database()")).one()
        if url.database != database:
            raise RuntimeError(f"DATABASE_URL names the database {url.database!r}, the migrations ran on {database!r}")
        if url.username == owner:
            return
        role = connection.dialect.identifier_preparer.quote(url.username)
        exists = connection.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = :name"), {"name": url.username})
        if exists:
            raise RuntimeError(f"The application's role {url.username!r} is a superuser: give it a role of its own")
        attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
        if exists is None:
            connection.execute(text(f"CREATE ROLE {role} {attributes}"))
        if url.password:
            statement = connection.scalar(
                text("SELECT format('ALTER ROLE %I PASSWORD %L', CAST(:name AS text), CAST(:password AS text))"),
                {"name": url.username, "password": url.password},
            )
            connection.execute(text(statement))
        for statement in (
            f"GRANT CONNECT ON DATABASE {connection.dialect.identifier_preparer.quote(database)} TO {role}",
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            f"REVOKE UPDATE, DELETE ON {', '.join(sorted(_append_only_tables()))} FROM {role}",
            f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        ):
            connection.execute(text(statement))


@contextmanager
def _logging_kept():
    """Alembic's env.py points the root logger at stderr (fileConfig of alembic.ini): keep the server's."""
    original = logging.config.fileConfig
    logging.config.fileConfig = lambda *args, **kwargs: None
    try:
        yield
    finally:
        logging.config.fileConfig = original


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database of `url` if it does not exist yet; True if it was created."""
    url = make_url(database_url(url))
    if not url.drivername.startswith("postgresql"):
        return False
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database})
            if not exists:
                name = connection.dialect.identifier_preparer.quote(url.database)
                connection.execute(text(f"CREATE DATABASE {name}"))
    finally:
        engine.dispose()
    return not exists


# Settings a gunicorn started from Python must not inherit from the shell that starts it.
INHERITED_OUT = (
    *("DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL", "SECRET_KEY", "LOG_LEVEL", "BIND", "HOST", "PORT"),
    "WEB_CONCURRENCY",
    *("GUNICORN_THREADS", "GUNICORN_TIMEOUT", "FORWARDED_ALLOW_IPS", "GUNICORN_CMD_ARGS"),
)


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without the server settings above nor any ANTQ_*, plus `settings`."""
    kept = {k: v for k, v in os.environ.items() if k not in INHERITED_OUT and not k.startswith("ANTQ_")}
    return kept | settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env: dict[str, str], stdout, stderr, config: Path = ROOT / "gunicorn.conf.py") -> subprocess.Popen:
    """gunicorn -c `config` in its own process group (so that stop_gunicorn reaches every worker), sent SIGTERM
    should the process that started it die."""
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(config)],
        cwd=ROOT,
        env=env,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )


def _die_with_parent() -> None:
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG (Linux)


def worker_pids(master: int) -> list[int]:
    """The gunicorn master's children: its workers."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(stat.parent.name))
    return sorted(children)


def stop_gunicorn(process: subprocess.Popen, grace: float) -> None:
    """SIGTERM to the master; after `grace` seconds SIGKILL to whatever of its process group is left (a graceful
    stop of gthread workers takes gunicorn several seconds, which tests and benches need not wait for)."""
    if process.poll() is None:
        process.terminate()
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def main(argv: list[str]) -> int:
    if argv != ["prepare"]:
        print(
            "Cách dùng: DATABASE_URL=postgresql://… [MIGRATION_DATABASE_URL=postgresql://…] "
            "python -m workflow.server prepare",
            file=sys.stderr,
        )
        return 2
    logging.config.dictConfig(LOGGING)
    from app import create_app

    application = create_app().config["SQLALCHEMY_DATABASE_URI"]
    migration = os.environ.get("MIGRATION_DATABASE_URL")
    if ensure_database(migration or application):
        logging.getLogger(__name__).info("Đã tạo cơ sở dữ liệu %s.", make_url(application).database)
    migrate_for(application, migration)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
