"""Reports under concurrent users: the same guarantees as nominations. One approval wins; one report per unit
and period even when two clerks start it at the same instant."""

import pytest
from sqlalchemy import func, select

from tests import factories
from tests.test_concurrency import run_at_once
from workflow.errors import Conflict
from workflow.extensions import db
from workflow.models import Report, ReportEvent, ReviewPeriod, User
from workflow.services.reports import filing


def _reload(report_id: int) -> Report:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Report, report_id)


@pytest.mark.parametrize("contenders", [2, 6])
def test_reviewers_approving_a_report_at_the_same_instant_exactly_one_wins(app, world, contenders):
    reviewers = [world.reviewer_c1] + [
        factories.make_user(f"lanhdao_bc_{i}", [("reviewer", world.c1)]) for i in range(contenders - 1)
    ]
    period = factories.create_period(world)
    report = factories.create_report(world, period, world.c1, values={"TB_TIN": 3}, state="submitted")
    report_id, version = report.id, report.version
    db.session.commit()

    def approve(user_id):
        def attempt(barrier):
            user, loaded = db.session.get(User, user_id), db.session.get(Report, report_id)
            assert loaded.state == "submitted"
            barrier.wait(timeout=10)
            filing.perform(user, loaded, "approve")

        return attempt

    outcomes = run_at_once(app, [approve(r.id) for r in reviewers])

    assert sorted(outcomes) == ["Conflict"] * (contenders - 1) + ["done"], outcomes
    report = _reload(report_id)
    assert (report.state, report.version) == ("commune_approved", version + 1)
    approvals = db.session.scalar(
        select(func.count()).where(ReportEvent.report_id == report_id, ReportEvent.action == "approve")
    )
    assert approvals == 1


def test_two_clerks_starting_the_same_units_report_at_once_make_one_report(app, world):
    second_clerk = factories.make_user("canbo_c1_2", [("clerk", world.c1)])
    period = factories.create_period(world)
    period_id = period.id

    def start(user_id):
        def attempt(barrier):
            user, loaded = db.session.get(User, user_id), db.session.get(ReviewPeriod, period_id)
            barrier.wait(timeout=10)
            filing.create(user, loaded, {"unit_id": world.c1.id, "results": "Kết quả."})

        return attempt

    outcomes = run_at_once(app, [start(world.clerk_c1.id), start(second_clerk.id)])

    assert sorted(outcomes) == ["Conflict", "done"], outcomes
    db.session.rollback()
    assert db.session.scalar(select(func.count()).where(Report.period_id == period_id)) == 1


def test_a_save_of_figures_alone_moves_the_version_so_an_older_form_cannot_overwrite_it(world):
    """The figures are rows of their own: a save changing only them must still date the report, or a form opened
    before it would pass the version check and silently put the old figures back."""
    report = factories.create_report(world, factories.create_period(world), values={"TB_TIN": 10})
    opened = report.version
    filing.update(world.clerk_c1, report, {"values": {"TB_TIN": 12}}, version=opened)
    db.session.commit()
    assert report.version == opened + 1

    with pytest.raises(Conflict):
        filing.update(world.clerk_c1, report, {"values": {"TB_TIN": 10}}, version=opened)
    assert filing.figures(_reload(report.id))["TB_TIN"]["value"] == 12
