"""The machinery of the live tests: gunicorn servers started with the repository's gunicorn.conf.py, the test
process's own app context on the live database, and clients released at the same instant."""

import os
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url

from app import create_app
from tests.live.http import Client
from workflow import server as server_process
from workflow.extensions import db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET_KEY = "live-" + uuid.uuid4().hex


@dataclass
class Server:
    """One gunicorn master and its workers, its logs in files."""

    name: str
    port: int
    process: subprocess.Popen
    stdout: Path
    stderr: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        return server_process.worker_pids(self.process.pid)

    def logs(self) -> str:
        return f"--- {self.name} stdout\n{self.stdout.read_text()}\n--- {self.name} stderr\n{self.stderr.read_text()}"

    def wait_ready(self, timeout: float = 60) -> None:
        """Until a worker answers the login page; fails with the server's logs if it died or never answered."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.process.returncode}\n{self.logs()}")
            try:
                if Client(self.url, timeout=5).get("/login").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.name} did not answer within {timeout} s\n{self.logs()}")

    def terminate(self) -> None:
        """SIGTERM to the master, which stops its workers gracefully (see stop())."""
        if self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        server_process.stop_gunicorn(self.process, grace=1)


def application_url(database_url: str) -> str:
    """The live database as the application's role sees it, as in production: a role of its own (named after the
    database, so that parallel runs never share one) that owns nothing; the servers' owner migrates and grants it."""
    url = make_url(database_url)
    return url.set(username=f"{url.database}_app", password=None).render_as_string(hide_password=False)


@contextmanager
def running_servers(database_url: str, log_dir: Path, count: int = 2, *, workers=2, threads=8, **settings):
    """`count` gunicorn servers on one database, started together and stopped (killed if need be) at the end. They
    connect as the application's role and migrate as `database_url`'s, the owner, as `make serve` sets them up.
    `settings` become ANTQ_* environment variables (LOGIN_RATE_LIMIT="5 per minute" → ANTQ_LOGIN_RATE_LIMIT)."""
    env = server_process.clean_environment(
        DATABASE_URL=application_url(database_url),
        MIGRATION_DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        SECRET_KEY=SECRET_KEY,
        WEB_CONCURRENCY=str(workers),
        GUNICORN_THREADS=str(threads),
        ANTQ_RATELIMIT_KEY_PREFIX=f"antq-live-{uuid.uuid4().hex}",
        ANTQ_PDF_CACHE_DIR=str(log_dir / "pdf-cache"),  # the servers' own, not the checkout's instance/
        **{f"ANTQ_{key}": str(value) for key, value in settings.items()},
    )
    servers: list[Server] = []
    try:
        for index in range(count):
            name, port = f"server-{'ABCDEFGH'[index]}", server_process.free_port()
            stdout, stderr = log_dir / f"{name}-{port}.out", log_dir / f"{name}-{port}.err"
            with stdout.open("wb") as out, stderr.open("wb") as err:
                process = server_process.start_gunicorn(env | {"BIND": f"127.0.0.1:{port}"}, out, err)
            servers.append(Server(name, port, process, stdout, stderr))
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.stop()


@contextmanager
def app_context(database_url: str):
    """The test process's own view of the live database, for seeding and for checking what the servers did."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def unique(prefix: str) -> str:
    """A name no other live test uses (they all share one database)."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def at_once(calls: list) -> list:
    """Run each call in its own thread, all released together at a barrier; what each returned (or raised)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call) -> None:
        barrier.wait(timeout=30)
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - handed to the test, which shows it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results
