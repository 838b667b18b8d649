"""The HTTP bench's machinery (workflow/bench_http.py): the load generator's figures against a server of known
speed, the signed-in session on the real login form, the bare baseline app, and gunicorn started and stopped."""

import socket
import threading
import time
from array import array
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.factories import PASSWORD, make_user
from workflow import bench_http
from workflow import server as server_process
from workflow.extensions import db
from workflow.states import Role

DELAY = 0.005


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm holds the body back until the
        # client's delayed acknowledgement (about 40 ms), and the server would be far slower than DELAY.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        if self.path == "/slow":
            time.sleep(DELAY)
        status = 500 if self.path == "/fail" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@contextmanager
def running(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def slow_server():
    with running(ThreadingHTTPServer(("127.0.0.1", 0), _Handler)) as url:
        yield url


def test_percentiles_are_nearest_rank_in_milliseconds():
    stats = bench_http._stats(array("d", [i / 1000 for i in range(100, 0, -1)]), errors=3, seconds=2, cpu=0.01)

    assert (stats.count, stats.errors, stats.rps) == (100, 3, 50)
    assert (stats.p50_ms, stats.p90_ms, stats.p99_ms, stats.max_ms) == (50, 90, 99, 100)
    assert stats.client_cpu_ms == 0.1


@pytest.mark.parametrize("processes", [1, 2])
def test_load_counts_every_request_and_never_reports_less_than_the_server_took(slow_server, processes):
    stats = bench_http.load(
        slow_server, ["/slow"], concurrency=4, processes=processes, count=60, warmup=0.05, reconnect_every=7
    )

    assert (stats.count, stats.errors) == (60, 0)
    assert DELAY * 1000 <= stats.p50_ms <= stats.p90_ms <= stats.p99_ms <= stats.max_ms
    assert stats.rps <= 4 / DELAY  # four clients each waiting at least DELAY for every answer


def test_load_for_a_duration_reports_the_rate_it_achieved(slow_server):
    stats = bench_http.load(slow_server, ["/slow", "/fast"], concurrency=2, duration=0.4, warmup=0.1)

    assert stats.errors == 0
    assert 0.4 <= stats.seconds < 0.5
    assert stats.rps == pytest.approx(stats.count / stats.seconds, rel=0.03)  # seconds are rounded to 10 ms


def test_at_a_pace_the_server_keeps_up_with_requests_are_sent_on_time_and_wait_for_nothing(slow_server):
    stats = bench_http.load(slow_server, ["/slow"], concurrency=4, duration=0.6, warmup=0.1, rate=100)

    assert stats.errors == 0
    assert stats.rps == pytest.approx(100, rel=0.1)  # sent at the pace, not as fast as the server answers
    assert DELAY * 1000 <= stats.p50_ms < 3 * DELAY * 1000  # the server's own time, no queue


def test_at_a_pace_the_server_cannot_keep_up_with_the_latency_counts_the_wait_for_a_free_client(slow_server):
    # One client and a server taking DELAY: at most 1 / DELAY = 200 answers a second, and 1,000 are due each second.
    stats = bench_http.load(slow_server, ["/slow"], concurrency=1, duration=0.3, warmup=0, rate=1000)

    assert stats.rps <= 1 / DELAY
    # Due at k ms, answered at about 5k ms: the last ones waited most of the run.
    assert stats.max_ms > 100 and stats.p50_ms > 10 * DELAY * 1000


def test_a_page_meets_its_throughput_by_its_closed_loop_and_its_latencies_at_its_pace():
    def stats(p50, p99, rps, errors=0):
        return bench_http.Stats(10, errors, p50, p50, p99, p99, rps, 1, 0)

    paced, saturated = stats(8, 30, 250), stats(30, 90, 400)
    assert bench_http.Row("page", paced, bench_http.PAGE, capacity=saturated).met
    assert not bench_http.Row("page", paced, bench_http.PAGE, capacity=stats(30, 90, 200)).met
    assert not bench_http.Row("page", stats(25, 30, 250), bench_http.PAGE, capacity=saturated).met
    assert not bench_http.Row("page", paced, bench_http.PAGE, capacity=stats(30, 90, 400, errors=1)).met
    assert bench_http.Row("page", paced, bench_http.PAGE, capacity=saturated).served.rps == 400


def test_load_counts_server_errors_and_refused_connections_as_errors(slow_server):
    assert bench_http.load(slow_server, ["/fail"], concurrency=2, count=10, warmup=0).errors == 10
    mixed = bench_http.load(slow_server, ["/fail", "/fast"], concurrency=1, count=10, warmup=0)
    assert mixed.errors == 5
    nobody = f"http://127.0.0.1:{server_process.free_port()}"
    assert bench_http.load(nobody, ["/"], concurrency=1, count=3, warmup=0).errors == 3


def test_sign_in_goes_through_the_login_form_with_its_csrf_token(app):
    make_user("bench_admin", [(Role.admin, None)])
    db.session.commit()
    with running(make_server("127.0.0.1", 0, app, threaded=True)) as url:
        session = bench_http.sign_in(url, "bench_admin", PASSWORD)
        assert bench_http.fetch(url, "/", headers=session)[0] == 200
        assert bench_http.fetch(url, "/")[0] == 302
        with pytest.raises(RuntimeError, match="not a redirect"):
            bench_http.sign_in(url, "bench_admin", "wrong password")


def test_baseline_app_pings_and_pages_its_rows_by_id(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_BASELINE_DB", str(bench_http.make_baseline_db(tmp_path / "rows.sqlite3", rows=3000)))
    client = bench_http.baseline_app().test_client()

    assert client.get("/ping").text == "pong"
    first, last = client.get("/rows?page=1").text, client.get("/rows?page=60").text
    assert first.count("<tr>") == last.count("<tr>") == 50
    assert "<td>1</td>" in first and "<td>2951</td>" in last and "<td>3000</td>" in last


def test_serve_runs_two_workers_and_leaves_no_process_behind(tmp_path):
    database = bench_http.make_baseline_db(tmp_path / "rows.sqlite3", rows=1000)
    options = {"env": {"BENCH_BASELINE_DB": str(database)}, "app": "workflow.bench_http:baseline_app()"}
    with bench_http.serve(f"sqlite:///{database}", log_dir=tmp_path, **options) as server:
        workers = server.workers()
        memory = bench_http.worker_memory(server)
        stats = bench_http.load(server.url, ["/ping", "/rows?page=3"], concurrency=4, count=200, warmup=0.1)

    assert len(workers) == 2 and set(memory) == set(workers)
    assert all(10 < megabytes < 200 for megabytes in memory.values())
    assert (stats.count, stats.errors) == (200, 0)
    assert server.process.returncode is not None
    assert not [pid for pid in [server.process.pid, *workers] if Path(f"/proc/{pid}").exists()]
    assert not list(tmp_path.glob("gunicorn-*.conf.py"))
    assert "Booting worker" in server.log.read_text()
