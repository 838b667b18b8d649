"""A worker killed (SIGKILL) in the middle of issuing a decision: gunicorn starts another, and the decision is
either issued whole (its number, all its awards, its documents) or exactly as it was (a draft, no number used, no
document, nobody awarded), never anything in between."""

import os
import signal
import threading
import time
from http.client import HTTPException
from types import SimpleNamespace

import pytest
from sqlalchemy import func, insert, select, text

from tests.live.http import API, Client, api_user
from tests.live.support import running_servers
from workflow import clock
from workflow.extensions import db
from workflow.models import Decision, IssuedDocument, Nomination, NominationEvent
from workflow.services import decisions
from workflow.states import Role, State
from workflow.text import fold

AWARDEES = 1000
# When to kill, as a share of how long issuing takes on this machine (measured first on a decision of the same size).
KILL_AT = (0.1, 0.5, 0.8, 1.0)


@pytest.fixture(scope="module")
def lone(cluster):
    """A server of one worker on the live database, so that killing it kills whatever it was doing."""
    with running_servers(cluster.url, cluster.log_dir, count=1, workers=1, threads=2) as (server,):
        yield server


def test_a_worker_killed_while_issuing_leaves_the_decision_issued_whole_or_untouched(lone, live):
    secretariat = api_user(lone, "secretariat_d")
    issuing_takes = _time_issuing(secretariat, live.world)

    outcomes = []
    for share in KILL_AT:
        draft = _big_draft(live.world)
        last = _last_number(draft)
        worker = _only_worker(lone)
        response = _issue_and_kill(secretariat, draft, worker, after=share * issuing_takes)
        _wait_for_new_worker(lone, worker)
        _wait_until_the_database_is_idle()

        state = _state_of(draft)
        outcomes.append((share, "response" if hasattr(response, "status") else "killed", state.decision))
        if state.decision == "issued":
            assert state == SimpleNamespace(
                decision="issued", number=last + 1, documents=["certificates", "decision"], awarded=AWARDEES, awards=1
            ), share
        else:
            assert state == SimpleNamespace(decision="draft", number=None, documents=[], awarded=0, awards=0), share
            # nothing of it remains, the number included: issuing it now takes the next one
            reissued = _issue(secretariat, draft)
            assert (reissued.status, reissued.json()["number"]) == (200, last + 1), reissued.text
    assert any(how == "killed" for _share, how, _state in outcomes), f"no kill landed mid-request: {outcomes}"


def _time_issuing(client: Client, w) -> float:
    """How long issuing a big decision takes on a warm worker (the first request of a worker loads more)."""
    for _warm_then_measure in range(2):
        draft = _big_draft(w)
        started = time.monotonic()
        response = _issue(client, draft)
        assert response.status == 200, response.text
    return time.monotonic() - started


def _issue(client: Client, draft: SimpleNamespace):
    return client.post(f"{API}/decisions/{draft.id}/actions/issue", json={"version": draft.version})


def _issue_and_kill(client: Client, draft: SimpleNamespace, worker: int, *, after: float):
    """POST the issue, SIGKILL the worker `after` seconds later; the response, or the error of a dropped one."""
    outcome = []
    request = threading.Thread(target=lambda: outcome.append(_attempt(lambda: _issue(client, draft))))
    request.start()
    time.sleep(after)
    os.kill(worker, signal.SIGKILL)
    request.join(timeout=60)
    assert not request.is_alive()
    return outcome[0]


def _attempt(call):
    try:
        return call()
    except (OSError, HTTPException) as error:  # the connection dropped with the worker
        return error


def _only_worker(server) -> int:
    workers = server.workers()
    assert len(workers) == 1, workers
    return workers[0]


def _wait_for_new_worker(server, killed: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.workers() and killed not in server.workers():
            server.wait_ready()
            return
        time.sleep(0.05)
    raise AssertionError(f"gunicorn started no new worker\n{server.logs()}")


def _wait_until_the_database_is_idle(timeout: float = 30) -> None:
    """PostgreSQL ends the dead worker's transaction when it notices the connection is gone: until then, a COMMIT
    already sent could still land. Wait until no other session is inside a transaction."""
    deadline = time.monotonic() + timeout
    busy = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')"
    )
    while time.monotonic() < deadline:
        db.session.rollback()
        if db.session.scalar(busy) == 0:
            return
        time.sleep(0.05)
    raise AssertionError("the killed worker's transaction never ended")


def _state_of(draft: SimpleNamespace) -> SimpleNamespace:
    """The decision as the database has it: its state and number, its documents, how many of its nominations are
    awarded, how many award history rows each has (the most of any)."""
    db.session.rollback()
    decision = db.session.get(Decision, draft.id, populate_existing=True)
    documents = db.session.scalars(select(IssuedDocument.kind).where(IssuedDocument.decision_id == draft.id))
    awarded = db.session.scalar(
        select(func.count()).where(Nomination.id.in_(draft.nomination_ids), Nomination.state == State.awarded)
    )
    per_nomination = (
        select(func.count().label("n"))
        .where(NominationEvent.nomination_id.in_(draft.nomination_ids), NominationEvent.action == "award")
        .group_by(NominationEvent.nomination_id)
        .subquery()
    )
    return SimpleNamespace(
        decision=decision.state,
        number=decision.number,
        documents=sorted(documents),
        awarded=awarded,
        awards=db.session.scalar(select(func.coalesce(func.max(per_nomination.c.n), 0))),
    )


def _last_number(draft: SimpleNamespace) -> int:
    year = clock.today().year
    query = select(func.max(Decision.number)).where(
        Decision.issuing_unit_id == draft.issuing_unit_id, Decision.symbol == draft.symbol, Decision.year == year
    )
    return db.session.scalar(query) or 0


def _big_draft(w) -> SimpleNamespace:
    """A draft decision of the district awarding AWARDEES nominations of commune C1, fully approved."""
    ids = _approved_nominations(w, AWARDEES)
    draft = decisions.create_draft(
        w.secretariat_d,
        {"award_form_id": w.form_d.id, "campaign_id": w.campaign_d.id, "nomination_ids": ids, "signer_name": "Lê A"},
    )
    db.session.commit()
    return SimpleNamespace(
        id=draft.id,
        version=draft.version,
        issuing_unit_id=draft.issuing_unit_id,
        symbol=draft.symbol,
        nomination_ids=ids,
    )


def _approved_nominations(w, count: int) -> list[int]:
    """`count` nominations approved up to the district, inserted in bulk with the history row the last approval
    leaves, as the benchmark builds them (the workflow itself is tested elsewhere)."""
    chain = [{"unit_id": w.c1.id, "level": "commune"}, {"unit_id": w.d.id, "level": "district"}]
    rows = [
        {
            "campaign_id": w.campaign_d.id,
            "award_form_id": w.form_d.id,
            "unit_id": w.c1.id,
            "nominee_kind": "individual",
            "nominee_name": f"Nguyễn Văn Hậu {i}",
            "nominee_search": fold(f"Nguyễn Văn Hậu {i}"),
            "position": "Tổ trưởng tổ tự quản",
            "achievements": "Phát hiện, tố giác 5 vụ trộm cắp.",
            "state": State.district_approved.value,
            "version": 1,
            "review_chain": chain,
            "awaiting_role": Role.secretariat.value,
            "awaiting_unit_id": w.d.id,
            "created_by_id": w.clerk_c1.id,
            "submitted_by_id": w.clerk_c1.id,
        }
        for i in range(count)
    ]
    ids = list(db.session.scalars(insert(Nomination).returning(Nomination.id), rows))
    db.session.execute(
        insert(NominationEvent),
        [
            {
                "nomination_id": i,
                "action": "approve",
                "from_state": "commune_approved",
                "to_state": "district_approved",
                "actor_id": w.reviewer_d.id,
                "comment": "",
            }
            for i in ids
        ],
    )
    return ids
