"""Fixtures: every test runs on SQLite and, when reachable, on PostgreSQL (required where REQUIRE_POSTGRES=1)."""

import html
import os
import re
import shutil
import uuid
from collections.abc import Mapping
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, make_url, text
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.security import generate_password_hash

from app import create_app
from tests import factories
from tests.api_client import ApiUser
from workflow.config import database_url
from workflow.extensions import db

POSTGRES_URL = database_url(os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))


# What every test app changes from the shipped settings, and why. Security checks are not switched off: CSRF is
# on (BrowserClient sends tokens), and the login rate limit counts as shipped, only higher, since one test signs in
# many times a minute from one address (test_security_login tests the real limit). Each app counts in memory, even
# where REDIS_URL is set, so parallel tests never count each other's sign-ins.
TEST_LIMITS = {"LOGIN_RATE_LIMIT": "10000 per minute", "RATELIMIT_STORAGE_URI": "memory://"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_FIELD = "csrf_token"
CSRF_INPUT = re.compile(r'<input(?=[^>]*\bname="csrf_token")[^>]*\bvalue="([^"]+)"')


def _postgres_reachable() -> bool:
    try:
        with create_engine(POSTGRES_URL).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


collect_ignore = []

# Browser tests run where Debian's Chromium is installed, and are required where REQUIRE_BROWSER=1 (CI).
if not Path("/usr/bin/chromium").exists():
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (apt-get install chromium)")
    collect_ignore.append("browser")

# PDF conversion tests run where LibreOffice is installed, and are required where REQUIRE_LIBREOFFICE=1 (CI).
if not (shutil.which("soffice") or shutil.which("libreoffice")):
    if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
        raise pytest.UsageError(
            "REQUIRE_LIBREOFFICE=1 but LibreOffice is missing (apt-get install libreoffice-writer-nogui)"
        )
    collect_ignore.append("test_documents_pdf.py")

BACKENDS = ["sqlite"]
if _postgres_reachable():
    BACKENDS.append("postgresql")
elif os.environ.get("REQUIRE_POSTGRES") == "1":
    raise pytest.UsageError(f"REQUIRE_POSTGRES=1 but PostgreSQL is unreachable at {POSTGRES_URL}")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """In parallel (`make test`: pytest -n auto --dist loadgroup) a test file's tests on one backend run together on
    one worker, so its module-scoped fixtures are set up once as in a serial run; tests/live runs whole on one
    worker, its gunicorn servers started once. Everything else a test touches is its worker's own: databases,
    tmp_path, ports, rate-limit counts."""
    tests = Path(__file__).parent
    for item in items:
        path = item.path.relative_to(tests) if item.path.is_relative_to(tests) else item.path
        params = item.callspec.params if hasattr(item, "callspec") else {}
        backend = params.get("database", params.get("dialect"))  # test_benchmark's backend is its `dialect`
        group = "live" if path.parts[0] == "live" else f"{path.as_posix()}::{backend}"
        item.add_marker(pytest.mark.xdist_group(group))


@contextmanager
def scratch_postgres_database(prefix: str = "antq_test"):
    """A PostgreSQL database of its own for this run (dropped afterwards), so parallel runs never collide."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin_engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin_engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """scrypt costs ~80 ms a password and every world has 16 accounts: tests hash with one PBKDF2 round.
    check_password_hash reads the method from the stored hash, so logging in works the same."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "workflow.models.users.generate_password_hash", partial(generate_password_hash, method="pbkdf2:sha256:1")
        )
        yield


@pytest.fixture(scope="session")
def _databases(tmp_path_factory):
    """Each backend's database with the models' schema, created when first asked for and kept (dropped at the end
    of the run). Under pytest-xdist a worker takes groups of tests on either backend in turn, and would otherwise
    drop and re-create a database at every switch from one backend to the other."""
    made: dict[str, SimpleNamespace] = {}
    with ExitStack() as stack:

        def get(backend: str) -> SimpleNamespace:
            if backend not in made:
                if backend == "sqlite":
                    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
                else:
                    url = stack.enter_context(scratch_postgres_database())
                app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
                with app.app_context():
                    db.create_all()
                    db.engine.dispose()
                made[backend] = SimpleNamespace(url=url, backend=backend)
            return made[backend]

        yield get


@pytest.fixture(scope="session", params=BACKENDS)
def database(request, _databases):
    """A database with the models' schema, created once per backend for the whole run."""
    return _databases(request.param)


@pytest.fixture
def app_config():
    """Settings a test module needs on top of the defaults below (override this fixture in the module)."""
    return {}


@pytest.fixture
def app(database, tmp_path, app_config):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database.url,
            "SECRET_KEY": "test",
            **TEST_LIMITS,
            "PDF_CACHE_DIR": str(tmp_path / "pdf-cache"),
            **app_config,
        }
    )
    app.config["BACKEND"] = database.backend
    app.test_client_class = BrowserClient
    with app.app_context():
        yield app
        db.session.remove()
        _empty_all_tables()
        db.engine.dispose()


def _empty_all_tables() -> None:
    """DELETE, children first, then ids restart at 1 (SQLite reuses them by itself). On PostgreSQL this is
    ten times faster than TRUNCATE for a test's few rows (~7 ms against ~80 ms)."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            for table in tables:
                if "id" in table.c:
                    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"))


class BrowserClient(FlaskClient):
    """The test client, sending what a browser sends. Security checks stay on as users get them (CSRF included):
    a form sent to a page carries the CSRF token of a page this client was served, as a form on that page would,
    unless the test gives a `csrf_token` of its own or made the client with `app.test_client(csrf=False)` (to
    forge requests). The token is taken from the login page, or once signed in from the account page, and taken
    again whenever the session's secret changes (signing in or out starts a new session). A body that is not a
    form (JSON, bytes) gets the token in the X-CSRFToken header, as a page's script would send it.

    Each request also starts with an empty `g`, as in production, although a test keeps one app context open (so
    tests can use db.session): Flask-Login caches the signed-in user in `g`, and a cached user would otherwise leak
    from one client's request into another's."""

    def __init__(self, *args, csrf: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.sends_csrf = csrf
        self._token: tuple[str | None, str] | None = None  # (the session's secret, the page's token)

    def open(self, *args, **kwargs):
        if has_app_context():
            g.__dict__.clear()
        if self._needs_token(args, kwargs):
            kwargs = self._with_token(kwargs)
        return super().open(*args, **kwargs)

    def _needs_token(self, args, kwargs) -> bool:
        if not (self.sends_csrf and self.application.config.get("WTF_CSRF_ENABLED", True)):
            return False
        path = args[0] if args and isinstance(args[0], str) else kwargs.get("path", "/")
        method = kwargs.get("method", "GET").upper()
        data = kwargs.get("data")
        given = isinstance(data, Mapping) and CSRF_FIELD in data
        return method in UNSAFE_METHODS and not urlsplit(path).path.startswith("/api/") and not given

    def _with_token(self, kwargs: dict) -> dict:
        token = self.csrf_token()
        data = kwargs.get("data")
        if data is None and "json" not in kwargs:
            return kwargs | {"data": {CSRF_FIELD: token}}
        if isinstance(data, MultiDict):
            data = data.copy()
            data.add(CSRF_FIELD, token)
            return kwargs | {"data": data}
        if isinstance(data, Mapping):
            return kwargs | {"data": {**data, CSRF_FIELD: token}}
        headers = Headers(kwargs.get("headers"))
        headers.set("X-CSRFToken", token)
        return kwargs | {"headers": headers}

    def csrf_token(self) -> str:
        """The CSRF token of a page served to this client for its current session."""
        secret = self._session_secret()
        if self._token is None or self._token[0] != secret or secret is None:
            page = self.get("/login")
            if page.status_code == 302:  # signed in
                page = self.get("/account/password")
            found = CSRF_INPUT.search(page.text)
            assert found, f"no CSRF token on {page.request.path} ({page.status_code})"
            self._token = (self._session_secret(), html.unescape(found.group(1)))
        return self._token[1]

    def _session_secret(self) -> str | None:
        """The CSRF secret the session holds (what a token is checked against), read from the session cookie."""
        app = self.application
        cookie = self.get_cookie(app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return None
        session = app.session_interface.get_signing_serializer(app).loads(cookie.value)
        return session.get(CSRF_FIELD)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app):
    """Both eras: a province with a district (district era) and a province whose communes sit right under it."""
    return factories.build_world()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, username, password=factories.PASSWORD):
        return self._client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries:` counts the SQL statements run inside the block."""

    @contextmanager
    def counter():
        statements = []

        def before(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter


@pytest.fixture
def api(client):
    """`api("clerk_c1")`: a client of /api/v1 holding that user's bearer token."""
    return lambda username, password=factories.PASSWORD: ApiUser(client, username, password)
