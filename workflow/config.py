"""Configuration: defaults, then instance/config.py, then the environment, then test overrides."""

import os
import secrets
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix


def configure(app: Flask, test_config: dict | None) -> None:
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'antq.sqlite3'}",
        MAX_CONTENT_LENGTH=60 * 1024 * 1024,
        ATTACHMENT_MAX_BYTES=10 * 1024 * 1024,
        PDF_CACHE_DIR=str(instance / "pdf-cache"),  # PDFs of issued documents, converted once (documents.issued_pdf)
        API_TOKEN_HOURS=12,
        SESSION_HOURS=12,  # a signed-in browser is signed out this long after signing in, like an API token
        PER_PAGE=25,
        TIMEZONE="Asia/Ho_Chi_Minh",
        BOOTSTRAP_SERVE_LOCAL=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,  # behind HTTPS: ANTQ_SESSION_COOKIE_SECURE=true
        LOGIN_RATE_LIMIT="20 per minute",  # POST /login and POST /api/v1/tokens together, per client IP
        LOGIN_MAX_FAILURES=5,  # consecutive wrong passwords that lock an account …
        LOGIN_LOCK_MINUTES=15,  # … for this long
        WTF_CSRF_TIME_LIMIT=None,
        API_TITLE="ANTQ – Thi đua khen thưởng",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        PROXY_COUNT=0,  # reverse proxies in front whose X-Forwarded-For/-Proto/-Host are trusted (ANTQ_PROXY_COUNT=1)
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ANTQ")  # ANTQ_SESSION_COOKIE_SECURE=true, ANTQ_PER_PAGE=50, …
    if os.environ.get("REDIS_URL"):
        app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _stored_secret(instance / "secret_key")
    if app.config["PROXY_COUNT"]:
        # The client's address (login rate limits count per address), scheme and host, as the proxy saw them.
        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the URL came in."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _stored_secret(path: Path) -> str:
    """A random key generated on first run and kept in instance/, never one written in the code."""
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: foreign keys on, WAL so readers never wait for a writer, a busy timeout, and transactions
    begun by SQLAlchemy rather than the driver so that savepoints work."""
    if type(dbapi_connection).__module__.split(".")[0] != "sqlite3":
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
