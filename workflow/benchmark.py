"""`make bench`: the national dataset (workflow/bench_national.py) on SQLite and on PostgreSQL, measured through real
HTTP against gunicorn with 2 workers (workflow/bench_http.py), beside the bare baseline measured in the same run.
Prints one table and writes it as JSON under instance/bench/.

Each database is generated once as a pristine copy (`national-<dialect>`), then every run works on a fresh copy of
it, migrated to the latest schema: the bulk approval and the decisions change the data, the pristine copy never.
`--reuse` keeps a pristine copy made earlier with the same scale and seed; without it the copy is regenerated.
"""

import argparse
import html
import io
import json
import re
import shutil
import statistics
import sys
import time
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, make_url, select, text

from workflow import bench_national, server
from workflow.bench_http import (
    BENCH_DIR,
    PAGE,
    SEARCH,
    Row,
    Stats,
    Target,
    fetch,
    measure_baseline,
    page_row,
    serve,
    sign_in,
    table,
    worker_memory,
    write_json,
)
from workflow.bench_http import _drop as drop_database
from workflow.config import database_url
from workflow.services import listing

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
OPERATIONS = {  # the targets, for the sizes it names (a smaller --scale measures smaller batches)
    "bulk": Target(max_s=1.0),
    "issue 1000": Target(max_s=0.5),
    "issue 10000": Target(max_s=5.0),
    "certificates": Target(max_s=1.0),
    "consolidate": Target(max_s=0.3),
}
MEMORY_MB = 200
SEARCHES = ["nguyen van hung", "tran thi mai", "Lê Văn", "pham ngoc", "hoang duc son", "vu thi", "dang minh tuan"]


# --- the dataset ------------------------------------------------------------------------------------------------


def working_copy(dialect: str, *, scale: float, seed: int, reuse: bool) -> tuple[str, bench_national.Summary]:
    """A fresh working database of the national dataset, migrated, and what the generator said about it."""
    pristine, working = _urls(dialect, scale)
    about = BENCH_DIR / f"national{_tag(scale)}-{dialect}.json"
    kept = json.loads(about.read_text()) if reuse and about.exists() else None
    if not kept or kept["scale"] != scale or kept["seed"] != seed or not _exists(pristine):
        print(f"[{dialect}] generating the national dataset (scale {scale}, seed {seed})…", flush=True)
        summary = _generate(pristine, scale, seed)
        about.write_text(json.dumps({"scale": scale, "seed": seed, "summary": asdict(summary)}, ensure_ascii=False))
        print(f"[{dialect}] generated in {summary.seconds:.0f} s: {summary.counts}", flush=True)
    else:
        summary = bench_national.Summary(**kept["summary"])
        print(f"[{dialect}] reusing the national dataset generated earlier", flush=True)
    _copy(pristine, working)
    _migrate(working)
    return working, summary


def _urls(dialect: str, scale: float) -> tuple[str, str]:
    """The pristine and the working database; another scale keeps its own pair."""
    tag = _tag(scale)
    if dialect == "sqlite":
        return f"sqlite:///{BENCH_DIR / f'national{tag}.sqlite3'}", f"sqlite:///{BENCH_DIR / f'run{tag}.sqlite3'}"
    return f"{POSTGRES}/antq_bench_national{tag}", f"{POSTGRES}/antq_bench_run{tag}"


def _tag(scale: float) -> str:
    return "" if scale == 1 else "_" + f"{scale:g}".replace(".", "_")


def _generate(url: str, scale: float, seed: int) -> bench_national.Summary:
    from app import create_app
    from workflow.extensions import db

    drop_database(url)
    server.ensure_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    server.migrate(app)
    with app.app_context():
        summary = bench_national.generate(scale=scale, seed=seed)
        db.session.remove()
        db.engine.dispose()
    if url.startswith("postgresql"):
        _analyze(url)
    return summary


def _migrate(url: str) -> None:
    from app import create_app

    server.migrate(create_app({"SQLALCHEMY_DATABASE_URI": url}))
    _analyze(url)


def _analyze(url: str) -> None:
    """Fresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would leave them after a while;
    on PostgreSQL a VACUUM too, as autovacuum would have run after the load: it marks the pages all-visible, which
    lets a count or a list read the index alone (without it, counting 10,000 rows visits 10,000 table rows, and
    the database server spent more CPU on a page than the app did)."""
    engine = create_engine(database_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()


def _exists(url: str) -> bool:
    address = make_url(url)
    if address.drivername.startswith("sqlite"):
        return Path(address.database).exists()
    engine = create_engine(address.set(database="postgres"))
    with engine.connect() as connection:
        found = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": address.database})
    engine.dispose()
    return bool(found)


def _copy(source: str, target: str) -> None:
    drop_database(target)
    source_address, target_address = make_url(source), make_url(target)
    if source_address.drivername.startswith("sqlite"):
        shutil.copyfile(source_address.database, target_address.database)
        return
    engine = create_engine(source_address.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{target_address.database}" TEMPLATE "{source_address.database}"'))
    engine.dispose()


# --- the measurements -------------------------------------------------------------------------------------------


def measure(url: str, summary: bench_national.Summary, load_options: dict) -> tuple[list[Row], dict]:
    """Every row of the table for one database, and the workers' memory after the run."""
    with serve(url) as app_server:
        base = app_server.url
        rows = _pages(base, summary, load_options)
        rows += _operations(base, summary)
        rows.append(_certificates(url, summary))
        memory = worker_memory(app_server)
    return rows, memory


def _pages(base: str, summary: bench_national.Summary, load_options: dict) -> list[Row]:
    rows = []
    for persona in ("district_reviewer", "national_admin"):
        session = sign_in(base, summary.personas[persona], summary.password)
        token = _token(base, summary.personas[persona], summary.password)
        visible = _api_get(base, "/api/v1/nominations?per_page=25", token)["total"]
        # Page 500, or the last page of a smaller list (the total stops counting at listing.COUNT_CAP).
        deep = 500 if visible >= min(listing.COUNT_CAP, 500 * 25) else -(-visible // 25)
        detail = _first_detail(_get(base, "/nominations/?state=commune_approved", session))
        pages = [
            ("inbox", "/"),
            ("list, state filter, p1", "/nominations/?state=commune_approved"),
            ("list, state + kind filters, p1", "/nominations/?nominee_kind=individual&state=awarded"),
            # As a reader gets there: by the pager's "Sau ›" on the page before (anchored, see listing.Anchor) …
            (
                f"list p{deep}, by Sau › from p{deep - 1}",
                _next_link(_get(base, f"/nominations/?page={deep - 1}", session)),
            ),
            # … and typed by hand, read by its number.
            (f"list p{deep}, typed as ?page={deep}", f"/nominations/?page={deep}"),
            ("detail", f"/nominations/{detail}"),
        ]
        for what, path in pages:
            _get(base, path, session)
            rows.append(page_row(f"{what} — {persona.replace('_', ' ')}", base, [path], session, PAGE, **load_options))
    admin = sign_in(base, summary.personas["national_admin"], summary.password)
    searches = [f"/nominations/?{urlencode({'q': q})}" for q in SEARCHES]
    for path in searches:
        _get(base, path, admin)
    rows.append(page_row("name search, no diacritics — national admin", base, searches, admin, SEARCH, **load_options))
    return rows


def _operations(base: str, summary: bench_national.Summary) -> list[Row]:
    """The heavy actions through the JSON API, one request each, timed from sending to the last byte."""
    token = {
        name: _token(base, summary.personas[name], summary.password) for name in ("district_reviewer", "secretariat")
    }
    rows = []
    ids = summary.bulk_approve_ids[:1000]  # 1,000 at scale 1
    seconds, answer = _timed_json(
        base,
        "/api/v1/nominations/bulk-actions",
        token["district_reviewer"],
        {"action": "approve", "ids": ids, "comment": ""},
    )
    if len(answer["done"]) != len(ids):
        raise RuntimeError(f"bulk approve did {len(answer['done'])} of {len(ids)}: {answer['skipped'][:3]}")
    rows.append(_single(f"bulk approve {len(ids):,}, with history", "bulk", seconds))
    ready = summary.decision_ready_ids
    small = min(1000, len(ready) // 11)
    for key, chosen in (("issue 1000", ready[:small]), ("issue 10000", ready[small : small * 11])):
        _, draft = _timed_json(
            base,
            "/api/v1/decisions",
            token["secretariat"],
            {
                "award_form_id": summary.decision_award_form_id,
                "nomination_ids": chosen,
                "signer_name": "Nguyễn Văn Bình",
            },
        )
        seconds, issued = _timed_json(
            base, f"/api/v1/decisions/{draft['id']}/actions/issue", token["secretariat"], {"version": draft["version"]}
        )
        if issued.get("state") != "issued":
            raise RuntimeError(f"issuing gave {issued}")
        rows.append(_single(f"issue a decision of {len(chosen):,} awardees", key, seconds))
    reviewer = _token(base, summary.personas["consolidation_reviewer"], summary.password)
    query = f"/api/v1/reports/consolidated?period_id={summary.consolidation_period_id}"
    query += f"&unit_id={summary.consolidation_unit_id}"
    timings = [_timed(base, query, reviewer) for _ in range(7)]
    what = f"consolidated report of a province ({summary.consolidation_unit_size:,} units)"
    rows.append(_single(what, "consolidate", *timings))
    return rows


def _certificates(url: str, summary: bench_national.Summary) -> Row:
    """The first decision's certificates (1,000 awardees) as one .docx, rendered in process as issuing does."""
    from app import create_app
    from workflow import documents
    from workflow.documents import context as document_context
    from workflow.extensions import db
    from workflow.models import Decision

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        newest = select(Decision).where(Decision.state == "issued").order_by(Decision.id.desc()).limit(2)
        decision = db.session.scalars(newest).all()[-1]  # the 1,000 awardees, issued before the 10,000
        context = document_context.with_certificates(document_context.decision_context(decision))
        template, _label = documents.template_for("certificate", decision.issuing_unit)
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            documents.render(template, context)
            timings.append(time.perf_counter() - started)
        db.session.remove()
        db.engine.dispose()
    return _single(f"{len(decision.items):,} certificates as one .docx", "certificates", *timings)


def _single(what: str, key: str, *seconds: float) -> Row:
    """A row for a timed operation against its target."""
    return Row(what, _timings(*seconds), OPERATIONS[key])


def _timings(*seconds: float) -> Stats:
    """The runs of a timed operation: their median and the slowest."""
    ms = [s * 1000 for s in seconds]
    return Stats(
        count=len(ms),
        errors=0,
        p50_ms=round(statistics.median(ms), 1),
        p90_ms=round(max(ms), 1),
        p99_ms=round(max(ms), 1),
        max_ms=round(max(ms), 1),
        rps=0,
        seconds=round(sum(seconds), 3),
        client_cpu_ms=0,
    )


def docx_baseline(rows: int) -> Stats:
    """docxtpl rendering a bare table of `rows` rows (two short cells each) from a one-row template: the floor
    under every Word document the product makes. Median of 3."""
    from docx import Document
    from docxtpl import DocxTemplate

    document = Document()
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(2, 0).text = "{%tr for r in rows %}", "{%tr endfor %}"
    table.cell(1, 0).text, table.cell(1, 1).text = "{{ r.name }}", "{{ r.unit }}"
    source = io.BytesIO()
    document.save(source)
    context = {"rows": [{"name": f"Nguyễn Văn Hậu {i}", "unit": f"Xã số {i % 997}"} for i in range(rows)]}
    timings = []
    for _ in range(3):
        source.seek(0)
        started = time.perf_counter()
        template = DocxTemplate(source)
        template.render(context)
        template.save(io.BytesIO())
        timings.append(time.perf_counter() - started)
    return _timings(*timings)


# --- HTTP helpers -----------------------------------------------------------------------------------------------


def _get(base: str, path: str, headers: dict) -> str:
    status, _, body = fetch(base, path, headers=headers)
    if status != 200:  # a redirect to the login page would pass for a fast success
        raise RuntimeError(f"GET {path} gave {status}")
    return body.decode()


def _token(base: str, username: str, password: str) -> dict:
    _, answer = _timed_json(base, "/api/v1/tokens", {}, {"username": username, "password": password})
    return {"Authorization": f"Bearer {answer['token']}"}


def _timed_json(base: str, path: str, headers: dict, body: dict) -> tuple[float, dict]:
    sent = json.dumps(body).encode()
    started = time.perf_counter()
    status, _, answer = fetch(
        base, path, method="POST", body=sent, headers=headers | {"Content-Type": "application/json"}
    )
    seconds = time.perf_counter() - started
    if status >= 300:
        raise RuntimeError(f"POST {path} gave {status}: {answer[:500]!r}")
    return seconds, json.loads(answer)


def _api_get(base: str, path: str, headers: dict) -> dict:
    status, _, answer = fetch(base, path, headers=headers)
    if status != 200:
        raise RuntimeError(f"GET {path} gave {status}")
    return json.loads(answer)


def _timed(base: str, path: str, headers: dict) -> float:
    started = time.perf_counter()
    status, _, _ = fetch(base, path, headers=headers)
    if status != 200:
        raise RuntimeError(f"GET {path} gave {status}")
    return time.perf_counter() - started


def _first_detail(listing: str) -> str:
    return re.search(r'href="/nominations/(\d+)"', listing).group(1)


def _next_link(listing: str) -> str:
    """Where the pager's "Sau ›" of a list page leads."""
    return html.unescape(re.search(r'<a class="page-link" href="([^"]+)">Sau ›', listing).group(1))


# --- the whole run ----------------------------------------------------------------------------------------------


def run(dialects: list[str], *, scale: float, seed: int, reuse: bool, load_options: dict) -> list[Row]:
    baseline = measure_baseline(**load_options)
    baseline |= {f"docxtpl {n:,} rows": docx_baseline(n) for n in (1000, 10_000)}
    everything = []
    for dialect in dialects:
        url, summary = working_copy(dialect, scale=scale, seed=seed, reuse=reuse)
        print(f"[{dialect}] measuring…", flush=True)
        rows, memory = measure(url, summary, load_options)
        for row in rows:
            if row.target is PAGE or row.target is SEARCH:
                row.baseline, row.baseline_stats = "rows p1", baseline["rows p1"]
            elif row.target is OPERATIONS["issue 1000"] or row.target is OPERATIONS["certificates"]:  # not ==
                row.baseline, row.baseline_stats = "docxtpl 1,000 rows", baseline["docxtpl 1,000 rows"]
            elif row.target is OPERATIONS["issue 10000"]:
                row.baseline, row.baseline_stats = "docxtpl 10,000 rows", baseline["docxtpl 10,000 rows"]
        largest = max(memory.values(), default=0)
        rows.append(
            Row(
                "worker memory after the run (MB, largest)",
                Stats(len(memory), 0, largest, largest, largest, largest, 0, 0, 0),
                Target(max_mb=MEMORY_MB),
            )
        )
        for row in rows:
            row.what = f"{dialect}: {row.what}"
        everything += rows
        drop_database(url)
    everything += [Row(f"baseline {name}", stats) for name, stats in baseline.items()]
    table(everything)
    path = write_json("national.json", everything, databases=dialects, scale=scale, seed=seed, load=load_options)
    print(f"written {path}")
    return everything


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Đo tốc độ trên dữ liệu cả nước (issue 6).")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="keep the pristine dataset generated earlier")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    # Browsers open new connections as they go: reconnecting now and then keeps the kernel's uneven split of a few
    # long-lived connections between the two workers (7 and 1 seen here) from deciding a figure.
    parser.add_argument("--reconnect-every", type=int, default=25)
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    options = {"duration": args.duration, "concurrency": args.concurrency, "reconnect_every": args.reconnect_every}
    rows = run(args.databases.split(","), scale=args.scale, seed=args.seed, reuse=args.reuse, load_options=options)
    return 0 if all(row.met is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
