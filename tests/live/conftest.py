"""Real gunicorn servers, started with the repository's gunicorn.conf.py on free ports, sharing one scratch
PostgreSQL database and Redis, as in production. They run wherever PostgreSQL and Redis answer, and are required
where REQUIRE_POSTGRES=1 or REQUIRE_REDIS=1 (CI).

The test process seeds data straight into the database through the real services (tests/factories.py), then
talks to the servers over HTTP only."""

import os
from types import SimpleNamespace

import pytest
import redis
from sqlalchemy import create_engine, make_url, text

from tests import factories
from tests.conftest import POSTGRES_URL, _postgres_reachable, scratch_postgres_database
from tests.live.support import REDIS_URL, app_context, application_url, running_servers
from workflow.extensions import db
from workflow.services import admin


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


collect_ignore_glob = []
_missing = [
    what
    for what, reachable in (
        (f"PostgreSQL at {POSTGRES_URL}", _postgres_reachable),
        (f"Redis at {REDIS_URL}", _redis_reachable),
    )
    if not reachable()
]
if _missing:
    if "1" in (os.environ.get("REQUIRE_POSTGRES"), os.environ.get("REQUIRE_REDIS")):
        raise pytest.UsageError(f"REQUIRE_POSTGRES/REDIS=1 but the live tests cannot reach {' and '.join(_missing)}")
    collect_ignore_glob.append("test_*.py")


@pytest.fixture(scope="package")
def live_database():
    """A scratch database, and after it is dropped the application's role its servers made (support.application_url)."""
    with scratch_postgres_database("antq_live") as url:
        yield url
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP ROLE IF EXISTS "{make_url(application_url(url)).username}"'))
    engine.dispose()


@pytest.fixture(scope="package")
def cluster(live_database, tmp_path_factory):
    """Servers A and B on one empty database (they migrate it as they start), then the factories' world seeded:
    2 workers × 8 threads each, generous login limits (the limits have their own servers)."""
    log_dir = tmp_path_factory.mktemp("live-logs")
    with running_servers(live_database, log_dir, LOGIN_RATE_LIMIT="1000 per minute") as (a, b):
        with app_context(live_database):
            world = factories.build_world()
            ids = _ids(world)
        yield SimpleNamespace(a=a, b=b, url=live_database, world_ids=ids, log_dir=log_dir)


@pytest.fixture
def live(cluster):
    """An app context on the live database with the world reattached to its session: seed, then use HTTP."""
    with app_context(cluster.url):
        ids = cluster.world_ids
        world = SimpleNamespace(**{name: db.session.get(model, key) for name, (model, key) in ids.items()})
        world.root = admin.system_actor()
        yield SimpleNamespace(a=cluster.a, b=cluster.b, world=world, url=cluster.url, log_dir=cluster.log_dir)


def _ids(world: SimpleNamespace) -> dict:
    return {name: (type(obj), obj.id) for name, obj in vars(world).items() if name != "root"}
