"""What running under gunicorn needs (gunicorn.conf.py, `make serve`): logs on stdout, the schema migrated when the
server starts, once even when several servers start together, and the PostgreSQL database created if missing; and
starting and stopping gunicorn from Python, for the live tests and the HTTP benchmark.

`python -m workflow.server prepare` creates the database named by DATABASE_URL if missing and migrates it."""

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


# Settings a gunicorn started from Python must not inherit from the shell that starts it.
INHERITED_OUT = (
    *("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "LOG_LEVEL", "BIND", "HOST", "PORT", "WEB_CONCURRENCY"),
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
