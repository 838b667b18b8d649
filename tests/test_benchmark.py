"""`make bench` end to end on a small national dataset: the pristine copy is generated once and never changed, each
run works on a fresh migrated copy, and every row of the table is measured through the real server."""

import os
from functools import partial

import pytest
from sqlalchemy import create_engine, select

from tests.conftest import BACKENDS
from workflow import bench_http, benchmark
from workflow.config import database_url
from workflow.models import Nomination

SCALE = 0.01
LOAD = {"duration": 0.2, "warmup": 0.05, "concurrency": 2}


@pytest.fixture(params=BACKENDS)
def dialect(request, tmp_path, monkeypatch):
    monkeypatch.setattr(benchmark, "BENCH_DIR", tmp_path)
    # This run's own PostgreSQL databases and server log, never those of `make bench` or of another test run.
    monkeypatch.setattr(benchmark, "_tag", lambda scale, tag=benchmark._tag: f"{tag(scale)}_test_{os.getpid()}")
    monkeypatch.setattr(benchmark, "serve", partial(bench_http.serve, log_dir=tmp_path))
    yield request.param
    for url in benchmark._urls(request.param, SCALE):
        bench_http._drop(url)


def _states(url: str, ids: list[int]) -> set[str]:
    engine = create_engine(database_url(url))
    with engine.connect() as connection:
        found = set(connection.scalars(select(Nomination.state).where(Nomination.id.in_(ids)).distinct()))
    engine.dispose()
    return found


def test_a_run_measures_every_row_on_a_fresh_copy_and_leaves_the_pristine_data_alone(dialect, capsys):
    url, summary = benchmark.working_copy(dialect, scale=SCALE, seed=7, reuse=True)
    pristine, _ = benchmark._urls(dialect, SCALE)
    assert "generating" in capsys.readouterr().out
    bulk = summary.bulk_approve_ids

    rows, memory = benchmark.measure(url, summary, LOAD)

    names = [row.what for row in rows]
    for persona in ("district reviewer", "national admin"):
        for page in ("inbox", "list, state filter, p1", "list, state + kind filters, p1", "detail"):
            assert f"{page} — {persona}" in names
        deep = [name for name in names if name.startswith("list p") and name.endswith(persona)]
        assert len(deep) == 2 and "by Sau › from" in deep[0] and "typed as ?page=" in deep[1]
    assert any(name.startswith("name search") for name in names)
    assert f"bulk approve {len(bulk):,}, with history" in names
    assert sum(name.startswith("issue a decision of") for name in names) == 2
    assert any(name.startswith("consolidated report of a province") for name in names)
    assert any(name.endswith("certificates as one .docx") for name in names)
    assert all(row.stats.count > 0 and row.stats.errors == 0 and row.met is not None for row in rows)
    assert len(memory) == 2 and all(50 < mb < 1000 for mb in memory.values())
    assert _states(url, bulk) == {"district_approved"}
    assert _states(pristine, bulk) == {"commune_approved"}

    again, same = benchmark.working_copy(dialect, scale=SCALE, seed=7, reuse=True)
    assert "reusing" in capsys.readouterr().out and same == summary
    assert _states(again, bulk) == {"commune_approved"}
