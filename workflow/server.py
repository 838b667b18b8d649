"""What running under gunicorn needs (gunicorn.conf.py, `make serve`): logs on stdout, the schema migrated when the
server starts, once even when several servers start together, and the PostgreSQL database created if missing.

`python -m workflow.server prepare` creates the database named by DATABASE_URL if missing and migrates it."""

import logging
import logging.config
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import flask_migrate
from flask import Flask
from sqlalchemy import create_engine, make_url, text

from workflow.config import database_url
from workflow.extensions import db

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")
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


def migrate(app: Flask) -> None:
    """Bring the schema to the latest migration. On PostgreSQL under an advisory lock, so that servers starting
    together migrate one after the other: the first does the work, the others find nothing left to do."""
    with app.app_context(), _logging_kept():
        if db.engine.dialect.name != "postgresql":
            flask_migrate.upgrade(directory=MIGRATIONS)
        else:
            with db.engine.connect() as lock:
                lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
                try:
                    flask_migrate.upgrade(directory=MIGRATIONS)
                finally:
                    lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
        db.engine.dispose()  # no connection may cross the fork into the workers


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


def main(argv: list[str]) -> int:
    if argv != ["prepare"]:
        print("Cách dùng: DATABASE_URL=postgresql://… python -m workflow.server prepare", file=sys.stderr)
        return 2
    logging.config.dictConfig(LOGGING)
    from app import create_app

    app = create_app()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if ensure_database(url):
        app.logger.info("Đã tạo cơ sở dữ liệu %s.", make_url(url).database)
    migrate(app)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
