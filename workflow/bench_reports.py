"""The consolidation benchmark: a province of 1,000 units (10 districts of 99 communes), every commune's report
for this year and the previous one accepted, 27 figures each. Measures consolidate() at the province: the
median of several runs (its constant query count is a test: tests/test_reports.py)."""

import random
import statistics
import time
from datetime import date

from sqlalchemy import insert, select

from workflow import catalogue
from workflow.extensions import db
from workflow.models import Indicator, Report, ReportValue, ReviewPeriod, Unit
from workflow.services import admin
from workflow.services.reports import consolidation, periods
from workflow.states import Role

DISTRICTS, COMMUNES = 10, 99
RUNS = 7


def measure(rng: random.Random) -> dict[str, float]:
    catalogue.seed()
    root = admin.system_actor()
    province = admin.create_unit(root, {"code": "R", "name": "Tỉnh Tổng Hợp", "level": "province"})
    reviewer = admin.create_user(
        root,
        {
            "username": "bench.province",
            "password": "benchmark1",
            "roles": [{"role": Role.reviewer, "unit_id": province.id}],
        },
    )
    communes = _tree(province)
    indicators = list(db.session.scalars(select(Indicator).order_by(Indicator.id)))
    current = None
    for year in (2025, 2026):
        current = periods.save(
            root,
            {
                "owner_unit_id": province.id,
                "kind": "year",
                "title": f"Tổng kết năm {year}",
                "starts_on": date(year, 1, 1),
                "ends_on": date(year, 12, 31),
                "due_on": date(year, 12, 15),
                "reporting_levels": ["commune"],
            },
        )
        _accepted_reports(current, province, communes, indicators, reviewer.id, rng)
    db.session.commit()

    timings = []
    for _ in range(RUNS):
        db.session.expire_all()
        started = time.perf_counter()
        result = consolidation.consolidate(reviewer, current, province)
        timings.append(time.perf_counter() - started)
    assert result.counts["accepted"] == DISTRICTS * COMMUNES, result.counts
    return {"consolidate_1000_units": statistics.median(timings)}


def _tree(province: Unit) -> list[Unit]:
    """Districts and communes inserted in bulk with their materialised paths."""
    units = []
    for d in range(DISTRICTS):
        district = Unit(code=f"R-{d}", name=f"Huyện {d + 1}", level="district", parent_id=province.id)
        db.session.add(district)
        db.session.flush()
        district.path = f"{province.path}{district.id}/"
        rows = [
            {"code": f"R-{d}-{c}", "name": f"Xã {d + 1}.{c + 1}", "level": "commune", "parent_id": district.id}
            for c in range(COMMUNES)
        ]
        db.session.execute(insert(Unit), rows)
        for commune in db.session.scalars(select(Unit).where(Unit.parent_id == district.id)):
            commune.path = f"{district.path}{commune.id}/"
            units.append(commune)
    db.session.flush()
    return units


def _accepted_reports(period: ReviewPeriod, province: Unit, communes, indicators, actor_id: int, rng) -> None:
    reports = [
        {
            "period_id": period.id,
            "unit_id": commune.id,
            "state": "accepted",
            "version": 4,
            "review_chain": [
                {"unit_id": commune.id, "level": "commune"},
                {"unit_id": commune.parent_id, "level": "district"},
                {"unit_id": province.id, "level": "province"},
            ],
            "cleared_unit_id": province.id,
            "results": "Báo cáo đo tốc độ.",
            "created_by_id": actor_id,
            "first_submitted_on": date(2026, 12, 1),
        }
        for commune in communes
    ]
    db.session.execute(insert(Report), reports)
    ids = db.session.scalars(select(Report.id).where(Report.period_id == period.id))
    values = []
    for report_id in ids:
        for indicator in indicators:
            total = rng.randint(5, 60) if indicator.kind == "ratio" else None
            value = rng.randint(0, total) if total is not None else rng.randint(0, 500)
            values.append({"report_id": report_id, "indicator_id": indicator.id, "value": value, "total": total})
    db.session.execute(insert(ReportValue), values)
