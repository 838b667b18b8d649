"""Guessing passwords is limited across every app server: the login rate limit counts in Redis per client address
(behind a reverse proxy, the address it forwards), and an account locked out on one server is locked on all."""

import re
import uuid

import pytest

from tests.factories import PASSWORD, make_user
from tests.live.http import API, Client
from tests.live.support import running_servers, unique
from workflow.extensions import db

LIMIT = 5


@pytest.fixture(scope="module")
def guarded(cluster):
    """Two more servers on the live database: 5 login attempts a minute per client, 3 wrong passwords lock an
    account, one trusted proxy in front (its X-Forwarded-For names the client)."""
    with running_servers(
        cluster.url,
        cluster.log_dir,
        LOGIN_RATE_LIMIT=f"{LIMIT} per minute",
        LOGIN_MAX_FAILURES=3,
        PROXY_COUNT=1,
    ) as servers:
        yield servers


def client_address() -> str:
    """A client's address, new for each client (the test runs share one Redis and one source address)."""
    n = uuid.uuid4().int
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def token_attempt(server, address: str, username: str, password: str = "sai-mat-khau-1"):
    """As the proxy forwards it: whatever X-Forwarded-For the client made up, then the address the proxy saw."""
    forwarded = f"{client_address()}, {address}"
    client = Client(server.url, {"X-Forwarded-For": forwarded})
    return client.post(f"{API}/tokens", json={"username": username, "password": password})


def test_token_requests_on_both_servers_count_against_one_limit_per_client(guarded, live):
    a, b = guarded
    address, neighbour = client_address(), client_address()
    statuses = [token_attempt(server, address, unique("khong_co")).status for server in (a, b, a, b, a)]
    # 3 on A and 2 on B, each claiming another address: neither server alone saw more than 3
    assert statuses == [401] * LIMIT

    assert token_attempt(b, address, unique("khong_co")).status == 429
    refused = token_attempt(a, address, "clerk_c1", PASSWORD)
    assert refused.status == 429  # even with the right password
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61  # the seconds left in the minute both servers count
    # the limit is per client: another address behind the same proxy still signs in
    assert token_attempt(b, neighbour, "clerk_c1", PASSWORD).status == 201


def test_page_logins_on_both_servers_count_against_one_limit_per_client(guarded, live):
    a, b = guarded
    browser = Client(a.url, {"X-Forwarded-For": client_address()})
    csrf = re.search(r'name="csrf_token"[^>]* value="([^"]+)"', browser.get("/login").text).group(1)

    def attempt(server, password="sai-mat-khau-1"):
        form = {"csrf_token": csrf, "username": unique("khong_co"), "password": password}
        return browser.on(server).post("/login", form=form)

    assert [attempt(server).status for server in (b, a, b, a, b)] == [401] * LIMIT
    for server in (a, b):
        refused = attempt(server)
        assert refused.status == 429 and 1 <= int(refused.headers["Retry-After"]) <= 61


def test_an_account_locked_out_by_wrong_passwords_on_one_server_is_locked_on_the_other(guarded, live):
    a, b = guarded
    username = unique("bi_khoa")
    make_user(username, [("clerk", live.world.c1)])
    db.session.commit()
    address = client_address()

    wrong = [token_attempt(server, address, username).status for server in (a, b, a)]
    locked = token_attempt(b, address, username, PASSWORD)

    assert wrong == [401, 401, 401]
    assert locked.status == 401
    assert locked.json()["error"]["code"] == "account_locked"
    assert "tạm thời bị khóa" in locked.json()["error"]["message"]
    assert token_attempt(a, client_address(), username, PASSWORD).json()["error"]["code"] == "account_locked"
