"""Measuring pages through real HTTP: gunicorn (the repository's gunicorn.conf.py, 2 workers) on a free port, signed-in
sessions, a bounded load generator over keep-alive connections (a closed loop for throughput, a fixed pace for
latency: see `load()` and `page_row()`), and a bare Flask + SQLite baseline served the same way in the same run, so
every figure is read beside its target and beside what this machine can do at all.

`python -m workflow.bench_http` runs the demo smoke bench (`run_demo_http_bench()`); issue 6's national dataset plugs
into the same pieces. The load generator shares the machine's cores with the server: see `load()`.
"""

import json
import multiprocessing
import os
import platform
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from array import array
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from workflow import server as server_process

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "instance" / "bench"
BASELINE_ROWS = 100_000


@dataclass(frozen=True)
class Target:
    p50_ms: float | None = None
    p99_ms: float | None = None
    rps: float | None = None
    max_s: float | None = None  # a single operation: its slowest run
    max_mb: float | None = None  # memory: read from `max_ms` of a row's stats, in MB

    def met(self, stats: "Stats", capacity: "Stats | None" = None) -> bool:
        """`stats` against the latencies and times; `capacity` (a closed loop's, where measured apart) against the
        requests per second."""
        return (
            (self.p50_ms is None or stats.p50_ms <= self.p50_ms)
            and (self.p99_ms is None or stats.p99_ms <= self.p99_ms)
            and (self.rps is None or (capacity or stats).rps >= self.rps)
            and (self.max_s is None or stats.max_ms <= self.max_s * 1000)
            and (self.max_mb is None or stats.max_ms <= self.max_mb)
        )

    def __str__(self) -> str:
        parts = [("p50 ≤ %g ms", self.p50_ms), ("p99 ≤ %g ms", self.p99_ms), ("≥ %g req/s", self.rps),
                 ("≤ %g s", self.max_s), ("≤ %g MB", self.max_mb)]  # fmt: skip
        return ", ".join(text % value for text, value in parts if value is not None)


PAGE = Target(p50_ms=20, p99_ms=60, rps=250)
SEARCH = Target(p99_ms=50)
# The pace at which latencies are measured (load(rate=…)): the pages' at their target throughput; the name search,
# which has no throughput target, at 100 a second (360,000 searches an hour, far beyond a national deployment's).
PAGE_RATE = PAGE.rps
SEARCH_RATE = 100


# --- the server -------------------------------------------------------------------------------------------------


@dataclass
class Server:
    """One gunicorn master and its workers, its output in one log file."""

    port: int
    process: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        return server_process.worker_pids(self.process.pid)


def worker_memory(server: Server) -> dict[int, float]:
    """Resident memory (VmRSS) of each worker, in MB."""
    sizes = {}
    for pid in server.workers():
        with suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[pid] = round(int(line.split()[1]) / 1024, 1)
    return sizes


@contextmanager
def serve(database_url: str, workers: int = 2, env: dict | None = None, *, app: str | None = None, log_dir=BENCH_DIR):
    """gunicorn with gunicorn.conf.py on a free port, `workers` workers, until the block ends; then stopped, and
    whatever of its process group is left killed. `app` ("module:factory()") serves another WSGI app with the same
    settings but without the migration hook (the baseline)."""
    log_dir = Path(log_dir)
    log_dir.mkdir(parents=True, exist_ok=True)
    port, name = server_process.free_port(), uuid.uuid4().hex[:8]
    config = ROOT / "gunicorn.conf.py"
    if app:
        config = log_dir / f"gunicorn-{name}.conf.py"
        config.write_text(
            f"__file__ = {str(ROOT / 'gunicorn.conf.py')!r}  # its chdir is the repository's\n"
            "exec(compile(open(__file__).read(), __file__, 'exec'))\n"
            f"wsgi_app = {app!r}\n\n\ndef on_starting(arbiter):\n    pass\n"
        )
    environment = server_process.clean_environment(
        DATABASE_URL=database_url,
        SECRET_KEY="bench-" + uuid.uuid4().hex,
        WEB_CONCURRENCY=str(workers),
        BIND=f"127.0.0.1:{port}",
        ANTQ_LOGIN_RATE_LIMIT="10000 per minute",
        ANTQ_RATELIMIT_KEY_PREFIX=f"antq-bench-{name}",
    )
    environment |= env or {}
    log = log_dir / f"gunicorn-{'baseline' if app else 'app'}.log"  # the last run's, overwritten
    with log.open("wb") as out:
        process = server_process.start_gunicorn(environment, out, subprocess.STDOUT, config)
    server = Server(port, process, log)
    try:
        _wait_ready(server, workers)
        yield server
    finally:
        server_process.stop_gunicorn(server.process, grace=2)
        if app:
            config.unlink(missing_ok=True)


def _wait_ready(server: Server, workers: int, timeout: float = 60) -> None:
    """Until every worker is up and one answers HTTP; fails with the log if the server died or never answered."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}:\n{server.log.read_text()}")
        with suppress(OSError):
            if len(server.workers()) >= workers and fetch(server.url, "/login")[0] < 500:
                return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{server.log.read_text()}")


# --- HTTP: one request, a signed-in session ---------------------------------------------------------------------


def fetch(
    base_url: str, path: str, *, method="GET", form=None, body: bytes = b"", headers=None
) -> tuple[int, dict, bytes]:
    """One request on a fresh connection: status, headers (lower-case names, Set-Cookie as a list), body."""
    address = urlsplit(base_url)
    body = urlencode(form).encode() if form is not None else body
    sent = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
    client = _Connection(address.hostname, address.port)
    try:
        return client.request(method, path, sent | (headers or {}), body)
    finally:
        client.close()


def sign_in(base_url: str, username: str, password: str = "antq2026") -> dict[str, str]:
    """The headers (Cookie) of `username` signed in through the login form, CSRF token and all."""
    status, headers, body = fetch(base_url, "/login")
    cookies = _cookies(headers)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body)
    if status != 200 or not token:
        raise RuntimeError(f"GET /login gave {status} without a CSRF token")
    form = {"csrf_token": token.group(1).decode(), "username": username, "password": password}
    status, headers, _ = fetch(base_url, "/login", method="POST", form=form, headers=_cookie_header(cookies))
    if status != 302:
        raise RuntimeError(f"signing in {username} gave {status}, not a redirect")
    cookies |= _cookies(headers)
    # Follow the redirect, as a browser does: the welcome message is shown and leaves the session, which would
    # otherwise be shown again and the cookie signed anew on every measured request.
    landing = urlsplit(headers["location"])
    _, headers, _ = fetch(base_url, landing.path + (f"?{landing.query}" if landing.query else ""),
                          headers=_cookie_header(cookies))  # fmt: skip
    return _cookie_header(cookies | _cookies(headers))


def _cookies(headers: dict) -> dict[str, str]:
    return dict(cookie.split(";", 1)[0].strip().split("=", 1) for cookie in headers.get("set-cookie", []))


def _cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


class _Connection:
    """A keep-alive HTTP/1.1 connection on a bare socket: the load generator shares the cores with the server, and
    http.client costs half as much again (0.15 against 0.10 ms of CPU a request here)."""

    def __init__(self, host: str, port: int):
        self.address, self.host, self.sock, self.buffer = (host, port), f"{host}:{port}", None, b""

    def request(self, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, dict, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        try:
            return self._response()
        except BaseException:
            self.close()
            raise

    def _response(self) -> tuple[int, dict, bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._read()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers: dict = {"set-cookie": []}
        for line in header_lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            headers["set-cookie"].append(value) if name == "set-cookie" else headers.__setitem__(name, value)
        if "content-length" in headers:
            body = self._exactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = self._chunked()
        else:
            while self._read(eof_ok=True):
                pass
            body, self.buffer = self.buffer, b""
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return int(status_line.split()[1]), headers, body

    def _read(self, eof_ok=False) -> bool:
        chunk = self.sock.recv(262_144)
        if not chunk and not eof_ok:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk
        return bool(chunk)

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._read()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _chunked(self) -> bytes:
        parts = []
        while True:
            while b"\r\n" not in self.buffer:
                self._read()
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            size = int(line.split(b";")[0], 16)
            parts.append(self._exactly(size + 2)[:size])
            if size == 0:
                return b"".join(parts)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


# --- the load generator -----------------------------------------------------------------------------------------


@dataclass
class Stats:
    count: int
    errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    rps: float
    seconds: float
    client_cpu_ms: float  # the load generator's own CPU per request (its threads' CPU time while measuring)


def load(
    base_url: str,
    requests: list[str],
    *,
    headers: dict | None = None,
    concurrency: int = 8,
    processes: int = 1,
    duration: float | None = None,
    count: int | None = None,
    warmup: float = 1.0,
    reconnect_every: int | None = None,
    rate: float | None = None,
) -> Stats:
    """A closed loop: `concurrency` clients, each on its own keep-alive connection, send GETs of `requests` in turn
    (client i starts at the i-th), each waiting for its answer before the next. First `warmup` seconds not counted,
    then for `duration` seconds or until `count` requests. The clients are threads, spread over `processes`
    processes when more than 1. Errors are answers outside 2xx/3xx and failed connections.

    A closed loop measures how many requests the server can answer (req/s), but its latencies are mostly queueing:
    with N clients always waiting, the median is about N / throughput whatever the server does. With `rate`, the
    requests are due at a fixed pace instead (an open loop, as wrk2 does): the k-th at k / rate seconds, sent by the
    first free client, and its latency counted from when it was due, so that a server falling behind shows it
    (the time a request waited for a free client is counted, not hidden).

    The kernel hands a few keep-alive connections to gunicorn's workers unevenly (7 and 1 of 8 seen here):
    `reconnect_every` N requests evens that out over a run, at the price of a TCP handshake each time."""
    if (duration is None) == (count is None):
        raise ValueError("give duration or count")
    address = urlsplit(base_url)
    plan = (address.hostname, address.port, requests, headers or {}, duration, warmup, reconnect_every, rate)
    if processes <= 1:
        start_at = time.monotonic() + warmup
        latencies, errors, end, cpu = _clients(plan, range(concurrency), start_at, count)
    else:
        latencies, errors, end, cpu, start_at = _in_processes(plan, concurrency, processes, count)
    return _stats(latencies, errors, max(end - start_at, 1e-9), cpu)


def _clients(plan, indices, start_at: float, count: int | None) -> tuple[array, int, float, float]:
    """Run the clients `indices` as threads: every latency in seconds, the errors, when the last one finished,
    the CPU seconds they used while measuring."""
    host, port, paths, headers, duration, warmup, reconnect_every, rate = plan
    stop_at = start_at + duration if duration is not None else float("inf")
    remaining = iter(range(count)) if count is not None else None
    due = _Pace(start_at - warmup, rate) if rate else None
    results = []

    def client(index: int) -> None:
        connection, latencies, errors, end = _Connection(host, port), array("d"), 0, 0.0
        turn, cpu = index, None
        while True:
            now = due.next() if due else time.monotonic()
            measured = now >= start_at
            if measured and cpu is None:
                cpu = time.thread_time()
            if measured and (now >= stop_at or (remaining is not None and next(remaining, None) is None)):
                break
            path = paths[turn % len(paths)]
            turn += 1
            if reconnect_every and turn % reconnect_every == 0:
                connection.close()
            try:
                status = connection.request("GET", path, headers)[0]
            except OSError:
                status = 0
            end = time.monotonic()
            if measured:
                latencies.append(end - now)
                errors += not 200 <= status < 400
        connection.close()
        results.append((latencies, errors, end, time.thread_time() - (cpu or time.thread_time())))

    threads = [threading.Thread(target=client, args=(i,)) for i in indices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies = array("d")
    for part, *_ in results:
        latencies.extend(part)
    return latencies, sum(r[1] for r in results), max(r[2] for r in results), sum(r[3] for r in results)


def _in_processes(plan, concurrency: int, processes: int, count: int | None):
    """The clients spread over forked processes, all measuring from one instant set once every one is ready."""
    context = multiprocessing.get_context("fork")
    ready, start, queue = context.Barrier(processes + 1), context.Value("d", 0.0), context.Queue()
    children = []
    for p in range(processes):
        indices = range(p, concurrency, processes)
        share = None if count is None else count // processes + (p < count % processes)
        # Each process keeps its own pace, a share of the rate.
        part = plan if plan[7] is None else (*plan[:7], plan[7] / processes)
        child = context.Process(target=_process, args=(part, indices, share, ready, start, queue))
        child.start()
        children.append(child)
    start.value = time.monotonic() + plan[5] + 0.05
    ready.wait(timeout=30)
    latencies, errors, end, cpu = array("d"), 0, 0.0, 0.0
    for _ in children:
        part, part_errors, part_end, part_cpu = queue.get(timeout=600)
        latencies.frombytes(part)
        errors, end, cpu = errors + part_errors, max(end, part_end), cpu + part_cpu
    for child in children:
        child.join(timeout=30)
    return latencies, errors, end, cpu, start.value


def _process(plan, indices, count, ready, start, queue) -> None:
    ready.wait(timeout=30)
    latencies, errors, end, cpu = _clients(plan, indices, start.value, count)
    queue.put((latencies.tobytes(), errors, end, cpu))


class _Pace:
    """The instants requests are due at `rate` per second from `origin`, handed out one by one to the clients;
    next() waits until the one it hands out is due and returns it."""

    def __init__(self, origin: float, rate: float):
        self.origin, self.interval, self.sent, self.lock = origin, 1 / rate, 0, threading.Lock()

    def next(self) -> float:
        with self.lock:
            due = self.origin + self.sent * self.interval
            self.sent += 1
        if (wait := due - time.monotonic()) > 0:
            time.sleep(wait)
        return due


def _stats(latencies: array, errors: int, seconds: float, cpu: float) -> Stats:
    ordered = sorted(latencies)

    def percentile(p: float) -> float:
        """Nearest rank, in ms."""
        if not ordered:
            return float("nan")
        return round(ordered[max(0, -(-len(ordered) * p // 100) - 1)] * 1000, 2)

    return Stats(
        count=len(ordered),
        errors=errors,
        p50_ms=percentile(50),
        p90_ms=percentile(90),
        p99_ms=percentile(99),
        max_ms=percentile(100),
        rps=round(len(ordered) / seconds, 1),
        seconds=round(seconds, 2),
        client_cpu_ms=round(cpu / len(ordered) * 1000, 3) if ordered else float("nan"),
    )


# --- the bare baseline ------------------------------------------------------------------------------------------

BASELINE_PAGE = """<!doctype html><title>Rows</title><table>
{% for row in rows %}<tr><td>{{ row[0] }}</td><td>{{ row[1] }}</td><td>{{ row[2] }}</td><td>{{ row[3] }}</td></tr>
{% endfor %}</table>"""


def baseline_app():
    """A bare Flask app on the SQLite file named by BENCH_BASELINE_DB: /ping, and /rows?page=N listing 50 rows of
    the table by id with LIMIT/OFFSET, rendered by Jinja. What this machine serves at best."""
    from flask import Flask, request

    app = Flask(__name__)
    path, local = os.environ["BENCH_BASELINE_DB"], threading.local()
    page = app.jinja_env.from_string(BASELINE_PAGE)  # compiled once, as render_template would cache it

    @app.get("/ping")
    def ping():
        return "pong"

    @app.get("/rows")
    def rows():
        if not hasattr(local, "db"):
            local.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        offset = (request.args.get("page", 1, type=int) - 1) * 50
        found = local.db.execute("SELECT * FROM row ORDER BY id LIMIT 50 OFFSET ?", (offset,)).fetchall()
        return page.render(rows=found)

    return app


def make_baseline_db(path: Path, rows: int = BASELINE_ROWS) -> Path:
    """The baseline's table of `rows` rows (id, name, unit, state), built once."""
    path = Path(path)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    with sqlite3.connect(building) as connection:
        connection.execute("CREATE TABLE row (id INTEGER PRIMARY KEY, name TEXT, unit TEXT, state TEXT)")
        connection.executemany(
            "INSERT INTO row VALUES (?, ?, ?, ?)",
            ((i, f"Nguyễn Văn Hậu {i}", f"Xã số {i % 997}", "submitted") for i in range(1, rows + 1)),
        )
    connection.close()
    building.rename(path)
    return path


def measure_baseline(**load_options) -> dict[str, Stats]:
    """The baseline served by the same gunicorn setup: ping, rows page 1, rows page 2,000."""
    database = make_baseline_db(BENCH_DIR / "baseline.sqlite3")
    app = "workflow.bench_http:baseline_app()"
    with serve(f"sqlite:///{database}", env={"BENCH_BASELINE_DB": str(database)}, app=app) as server:
        return {
            "ping": load(server.url, ["/ping"], **load_options),
            "rows p1": load(server.url, ["/rows?page=1"], **load_options),
            "rows p2000": load(server.url, ["/rows?page=2000"], **load_options),
        }


# --- the report -------------------------------------------------------------------------------------------------


@dataclass
class Row:
    what: str
    stats: Stats  # a page's: latencies at a fixed pace (load(rate=…)); an operation's: its runs
    target: Target | None = None
    baseline: str | None = None  # which baseline figure this one is read beside
    baseline_stats: Stats | None = None
    capacity: Stats | None = None  # a page's closed loop: the requests per second it can serve

    @property
    def served(self) -> Stats:
        """The figures that tell the requests per second."""
        return self.capacity or self.stats

    @property
    def ratio(self) -> float | None:
        """This figure's speed as a share of the baseline's: throughput for pages, 1/time for single operations."""
        if not self.baseline_stats:
            return None
        if self.served.rps:
            return round(self.served.rps / self.baseline_stats.rps, 2)
        return round(self.baseline_stats.p50_ms / self.stats.p50_ms, 2)

    @property
    def errors(self) -> int:
        return self.stats.errors + (self.capacity.errors if self.capacity else 0)

    @property
    def met(self) -> bool | None:
        return self.target.met(self.stats, self.capacity) and not self.errors if self.target else None


def page_row(what: str, base_url: str, paths: list[str], headers: dict, target: Target, **load_options) -> Row:
    """A page measured twice: in a closed loop, for the requests per second it can serve; then at a fixed pace
    (PAGE_RATE, or SEARCH_RATE for a target without throughput), for its latencies."""
    capacity = load(base_url, paths, headers=headers, **load_options)
    pace = PAGE_RATE if target.rps else SEARCH_RATE
    return Row(what, load(base_url, paths, headers=headers, rate=pace, **load_options), target, capacity=capacity)


def table(rows: list[Row]) -> str:
    """The one table, printed and returned: what | p50 | p99 | req/s | target | baseline | ratio | met?
    A page's p50 and p99 are read at its pace (page_row), its req/s is the most its closed loop got served."""
    head = ("what", "p50 ms", "p99 ms", "req/s", "target", "bare baseline", "ratio", "met?")
    lines = [head]
    for row in rows:
        base = ""
        if row.baseline_stats:
            b = row.baseline_stats
            base = f"{row.baseline} {b.rps:g} req/s" if b.rps else f"{row.baseline} {b.p50_ms:g} ms"
        met = {True: "yes", False: "NO", None: ""}[row.met]
        errors = f" ({row.errors} errors)" if row.errors else ""
        s, target = row.stats, row.target or Target()
        if target.max_mb:
            cells = (f"{s.max_ms:g} MB", "", "")
        else:
            cells = (f"{s.p50_ms:g}", f"{s.p99_ms:g}", f"{row.served.rps:g}" if row.served.rps else "")
        lines.append((row.what + errors, *cells, str(row.target or ""), base,
                      "" if row.ratio is None else f"{row.ratio:g}", met))  # fmt: skip
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    text = "\n".join(" | ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in lines)
    print(text)
    return text


def write_json(path, rows: list[Row], **about) -> Path:
    """The table as JSON (under instance/bench/ when `path` is a bare name), with the machine and the date."""
    path = Path(path)
    path = path if path.is_absolute() else BENCH_DIR / path
    path.parent.mkdir(parents=True, exist_ok=True)
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    results = [asdict(row) | {"ratio": row.ratio, "met": row.met, "target": str(row.target or "")} for row in rows]
    # Other jobs on the machine move every figure: the load average says how busy it was.
    about = {"load_average": os.getloadavg()} | about
    document = {"machine": machine, "date": date.today().isoformat(), **about, "results": results}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2))
    return path


# --- the demo smoke run -----------------------------------------------------------------------------------------

PERSONAS = {"district reviewer": "ld.huyen", "national admin": "admin"}
DEMO_PAGES = [
    ("inbox", "/", PAGE),
    ("nominations p1", "/nominations/", PAGE),
    ("nominations p2", "/nominations/?page=2", PAGE),
    ("search 'nguyen'", "/nominations/?q=nguyen", SEARCH),
    ("detail", "/nominations/{detail}", PAGE),
]


def run_demo_http_bench(database_url: str | None = None, **load_options) -> list[Row]:
    """The machinery end to end on the demo data: a scratch database (SQLite under instance/bench/ unless a
    PostgreSQL URL is given, created and dropped), gunicorn with 2 workers, each persona's pages, the baseline;
    prints the table and writes instance/bench/http-demo.json."""
    load_options = {"duration": 3.0, "concurrency": 8} | load_options
    scratch = database_url or f"sqlite:///{BENCH_DIR / 'http-demo.sqlite3'}"
    _prepare_demo(scratch)
    try:
        with serve(scratch) as server:
            rows = _measure_demo(server, load_options)
            memory = worker_memory(server)
    finally:
        _drop(scratch)
    baseline = measure_baseline(**load_options)
    for row in rows:
        row.baseline, row.baseline_stats = "rows p1", baseline["rows p1"]
    rows += [Row(f"baseline {name}", stats) for name, stats in baseline.items()]
    table(rows)
    print(f"worker memory after the run (MB): {memory}")
    dialect = scratch.split(":", 1)[0]
    print(f"written {write_json(f'http-demo-{dialect}.json', rows, database=dialect, worker_memory_mb=memory)}")
    return rows


def _measure_demo(server: Server, load_options: dict) -> list[Row]:
    rows = []
    for persona, username in PERSONAS.items():
        session = sign_in(server.url, username)
        listing = fetch(server.url, "/nominations/", headers=session)[2].decode()
        detail = re.search(r'href="/nominations/(\d+)"', listing).group(1)
        for what, path, target in DEMO_PAGES:
            path = path.format(detail=detail)
            status = fetch(server.url, path, headers=session)[0]
            if status != 200:  # a redirect to the login page would pass for a fast success
                raise RuntimeError(f"{path} as {username} gave {status}")
            rows.append(page_row(f"{what}, {persona}", server.url, [path], session, target, **load_options))
    return rows


def _prepare_demo(url: str) -> None:
    """A fresh database of `url`, migrated, with the demo loaded."""
    from app import create_app
    from workflow import demo, server
    from workflow.extensions import db

    _drop(url)
    server.ensure_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    server.migrate(app)
    with app.app_context():
        demo.load()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _drop(url: str) -> None:
    """Remove the scratch database of `url`: the SQLite file, or the PostgreSQL database."""
    from sqlalchemy import create_engine, make_url, text

    from workflow.config import database_url

    address = make_url(database_url(url))
    if address.drivername.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{address.database}{suffix}").unlink(missing_ok=True)
        return
    engine = create_engine(address.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        name = connection.dialect.identifier_preparer.quote(address.database)
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    engine.dispose()


def main(argv: list[str]) -> int:
    """`python -m workflow.bench_http [--postgres] [--duration S] [--concurrency N] [--processes N]`"""
    import argparse

    parser = argparse.ArgumentParser(description="The HTTP bench on the demo data (issue 6, first step).")
    parser.add_argument("--postgres", action="store_true", help="a scratch database on 127.0.0.1:5432")
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--processes", type=int, default=1)
    args = parser.parse_args(argv)
    url = f"postgresql://postgres@127.0.0.1:5432/antq_bench_http_{uuid.uuid4().hex[:8]}" if args.postgres else None
    run_demo_http_bench(url, duration=args.duration, concurrency=args.concurrency, processes=args.processes)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
