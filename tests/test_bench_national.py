"""The national benchmark dataset, generated small: consistent with the workflow's rules, and the same every run."""

from collections import defaultdict

import pytest
from sqlalchemy import select

from workflow import bench_national
from workflow.extensions import db
from workflow.models import Nomination, NominationEvent, Report, ReportEvent, Unit, User
from workflow.states import ReportState, State

SCALE = 0.01


@pytest.fixture
def summary(app):
    return bench_national.generate(scale=SCALE)


def test_counts_scale_as_promised(summary):
    counts = summary.counts
    assert counts["nominations"] == round(bench_national.NOMINATIONS * SCALE)
    assert db.session.scalar(select(db.func.count()).where(Unit.level == "province")) == 34
    assert db.session.scalar(select(db.func.count()).where(Unit.level == "agency")) == round(
        bench_national.AGENCIES * SCALE
    )
    assert counts["nomination_events"] > 3 * counts["nominations"]
    assert counts["decisions"] > 0 and counts["decision_items"] > counts["nominations"] // 3
    assert len(summary.bulk_approve_ids) == round(bench_national.FEATURED_INBOX * SCALE)
    assert len(summary.decision_ready_ids) == round(bench_national.FEATURED_DECISION * SCALE)
    assert {n.state for n in db.session.scalars(select(Nomination))} == {s.value for s in State}


def test_every_state_agrees_with_its_history_and_who_is_awaited(summary):
    last = {}
    for nomination_id, to_state in db.session.execute(
        select(NominationEvent.nomination_id, NominationEvent.to_state).order_by(NominationEvent.id)
    ):
        last[nomination_id] = to_state
    for n in db.session.scalars(select(Nomination)):
        assert last[n.id] == n.state
        chain = n.review_chain
        if n.state in ("draft", "returned"):
            expected = ("clerk", n.unit_id)
        elif n.state == "submitted":
            expected = ("reviewer", chain[0]["unit_id"])
        elif n.state.endswith("_approved"):
            step = [s["level"] for s in chain].index(n.state.removesuffix("_approved"))
            nxt = chain[step + 1]["unit_id"] if step + 1 < len(chain) else chain[-1]["unit_id"]
            expected = ("reviewer" if step + 1 < len(chain) else "secretariat", nxt)
        else:
            expected = (None, None)
        assert (n.awaiting_role, n.awaiting_unit_id) == expected, n.id


def test_reports_agree_with_their_history(summary):
    last = {}
    for report_id, to_state in db.session.execute(
        select(ReportEvent.report_id, ReportEvent.to_state).order_by(ReportEvent.id)
    ):
        last[report_id] = to_state
    reports = list(db.session.scalars(select(Report)))
    assert len(reports) == summary.counts["reports"] > 0
    for report in reports:
        assert last[report.id] == report.state
        assert (report.state == ReportState.accepted) == (report.awaiting_role is None)


def test_unit_paths_follow_their_parents(summary):
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    for unit in units.values():
        parent_path = units[unit.parent_id].path if unit.parent_id else "/"
        assert unit.path == f"{parent_path}{unit.id}/"


def test_review_chains_follow_the_era_of_the_unit(summary):
    units = {u.id: u for u in db.session.scalars(select(Unit))}
    shapes = defaultdict(int)
    for n in db.session.scalars(select(Nomination)):
        unit = units[n.unit_id]
        levels = tuple(step["level"] for step in n.review_chain)
        district_era = any(units[i].level == "district" for i in unit.ancestor_ids)
        assert ("district" in levels) == district_era
        assert [step["unit_id"] for step in n.review_chain] == [
            i for i in reversed(unit.ancestor_ids) if units[i].level != "agency"
        ][: len(levels)]
        assert n.review_chain[-1]["unit_id"] == n.award_form.owner_unit_id
        if unit.level == "commune" and not district_era:
            assert levels == ("commune", "province")
        shapes[levels] += 1
    assert shapes[("commune", "district")] and shapes[("commune", "province")]
    assert shapes[("commune", "district", "province")]


def test_personas_sign_in_and_the_reviewer_sees_a_full_inbox(summary, client):
    for username in summary.personas.values():
        assert db.session.scalar(select(User).where(User.username == username)) is not None
        response = client.post("/login", data={"username": username, "password": summary.password})
        assert response.status_code == 302, username
        client.post("/logout")
    client.post("/login", data={"username": summary.personas["district_reviewer"], "password": summary.password})
    page = client.get("/")
    assert page.status_code == 200
    first = db.session.get(Nomination, summary.bulk_approve_ids[0])
    assert first.nominee_name in page.get_data(as_text=True)


def test_bulk_and_decision_sets_await_the_personas(summary):
    reviewer = db.session.scalar(select(User).where(User.username == summary.personas["district_reviewer"]))
    district_id = reviewer.roles[0].unit_id
    for nomination_id in summary.bulk_approve_ids:
        n = db.session.get(Nomination, nomination_id)
        assert (n.awaiting_role, n.awaiting_unit_id) == ("reviewer", district_id)
    for nomination_id in summary.decision_ready_ids:
        n = db.session.get(Nomination, nomination_id)
        assert (n.state, n.awaiting_role, n.awaiting_unit_id) == ("district_approved", "secretariat", district_id)
        assert n.award_form_id == summary.decision_award_form_id


def _snapshot() -> list:
    return list(
        db.session.execute(
            select(Nomination.id, Nomination.nominee_name, Nomination.state, Nomination.unit_id).order_by(Nomination.id)
        )
    ) + list(db.session.execute(select(Unit.id, Unit.code, Unit.name).order_by(Unit.id)))


def test_same_seed_gives_the_same_data(app):
    from tests.conftest import _empty_all_tables

    first = bench_national.generate(scale=0.005)
    data = _snapshot()
    db.session.remove()
    _empty_all_tables()
    second = bench_national.generate(scale=0.005)
    assert second.counts == first.counts and second.personas == first.personas
    assert _snapshot() == data
