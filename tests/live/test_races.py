"""Many people acting at the same instant on real gunicorn servers (2 × 2 workers × 8 threads) sharing one
PostgreSQL: the database's locks and the optimistic `version` decide, exactly one action wins where only one may,
and the history always tells what the state says."""

from datetime import date
from functools import partial
from itertools import cycle

from sqlalchemy import func, select

from tests.factories import create_nomination, make_user
from tests.live.http import API, api_user
from tests.live.support import at_once, unique
from workflow import clock
from workflow.extensions import db
from workflow.models import Decision, NominationEvent
from workflow.services import decisions
from workflow.states import State

RESULT = {"approve": "commune_approved", "return": "returned", "withdraw": "withdrawn"}


def test_twenty_reviewers_approving_one_nomination_at_the_same_instant_one_succeeds_the_others_get_409(live):
    nomination = create_nomination(live.world, state=State.submitted)
    reviewers = [make_user(unique("lanhdao_xa"), [("reviewer", live.world.c1)]) for _ in range(20)]
    db.session.commit()
    clients = [api_user(server, r.username) for r, server in zip(reviewers, cycle((live.a, live.b)), strict=False)]
    version, path = nomination.version, f"{API}/nominations/{nomination.id}/actions/approve"

    responses = at_once([partial(c.post, path, json={"version": version, "comment": "Đồng ý"}) for c in clients])

    statuses = [getattr(r, "status", r) for r in responses]
    assert sorted(statuses, key=str) == [200] + [409] * 19, statuses
    winner = reviewers[statuses.index(200)]
    history = clients[0].get(f"{API}/nominations/{nomination.id}/history").json()
    assert [(e["action"], e["actor_id"]) for e in history][2:] == [("approve", winner.id)]
    assert _event_count(nomination.id) == 3  # create, submit, one approval
    seen = clients[1].get(f"{API}/nominations/{nomination.id}").json()
    assert (seen["state"], seen["version"]) == ("commune_approved", version + 1)


def test_ten_secretaries_issuing_ten_decisions_of_one_unit_at_once_get_ten_distinct_consecutive_numbers(live):
    w = live.world
    secretaries = [make_user(unique("thuongtruc"), [("secretariat", w.d)]) for _ in range(10)]
    drafts = [
        decisions.create_draft(
            w.secretariat_d,
            {
                "award_form_id": w.form_d.id,
                "nomination_ids": [create_nomination(w, state=State.district_approved, name=f"Hộ số {i}").id],
                "signer_name": "Nguyễn Văn Sơn",
            },
        )
        for i in range(10)
    ]
    db.session.commit()
    last = _last_number(w.d.id, drafts[0].symbol, clock.today())
    clients = [api_user(server, s.username) for s, server in zip(secretaries, cycle((live.a, live.b)), strict=False)]

    responses = at_once(
        [
            partial(client.post, f"{API}/decisions/{draft.id}/actions/issue", json={"version": draft.version})
            for client, draft in zip(clients, drafts, strict=True)
        ]
    )

    assert [getattr(r, "status", r) for r in responses] == [200] * 10, [getattr(r, "text", r) for r in responses]
    numbers = sorted(r.json()["number"] for r in responses)
    assert numbers == list(range(last + 1, last + 11))
    for client, draft in zip(clients, drafts, strict=True):
        seen = client.on(live.b).get(f"{API}/decisions/{draft.id}").json()
        assert seen["state"] == "issued"
        assert {d["kind"] for d in seen["documents"]} == {"decision", "certificates"}
        assert [item["state"] for item in seen["items"]] == ["awarded"]


def test_a_bulk_approval_racing_single_actions_leaves_every_nomination_in_one_state_that_its_history_tells(live):
    w = live.world
    items = [create_nomination(w, state=State.submitted, name=f"Người số {i}") for i in range(12)]
    second = make_user(unique("lanhdao_xa"), [("reviewer", w.c1)])
    db.session.commit()
    bulk = api_user(live.a, "reviewer_c1")
    other, clerk = api_user(live.b, second.username), api_user(live.a, "clerk_c1")
    actors = {"bulk": w.reviewer_c1.id, "approve": second.id, "return": second.id, "withdraw": w.clerk_c1.id}
    # items 0-3 approved by a second reviewer, 4-7 returned by them, 8-9 withdrawn by the clerk, 10-11 only in the bulk
    singles = [(n, "approve", other) for n in items[:4]]
    singles += [(n, "return", other) for n in items[4:8]]
    singles += [(n, "withdraw", clerk) for n in items[8:10]]
    bulk_body = {"action": "approve", "ids": [n.id for n in items], "comment": "Duyệt hàng loạt"}

    responses = at_once(
        [partial(bulk.post, f"{API}/nominations/bulk-actions", json=bulk_body)]
        + [
            partial(
                client.post,
                f"{API}/nominations/{n.id}/actions/{action}",
                json={"version": n.version, "comment": "Thiếu biên bản họp xét." if action == "return" else ""},
            )
            for n, action, client in singles
        ]
    )

    statuses = [getattr(r, "status", r) for r in responses]
    assert statuses[0] == 200 and set(statuses[1:]) <= {200, 409}, [getattr(r, "text", r) for r in responses]
    result = responses[0].json()
    assert sorted(result["done"] + [s["id"] for s in result["skipped"]]) == sorted(n.id for n in items)
    single_won = {n.id: action for (n, action, _), status in zip(singles, statuses[1:], strict=True) if status == 200}
    for nomination in items:
        by_bulk = nomination.id in result["done"]
        assert by_bulk != (nomination.id in single_won), f"#{nomination.id}: exactly one of the racers must win"
        action = "approve" if by_bulk else single_won[nomination.id]
        actor = actors["bulk" if by_bulk else action]
        seen = bulk.get(f"{API}/nominations/{nomination.id}").json()
        history = bulk.get(f"{API}/nominations/{nomination.id}/history").json()
        assert seen["state"] == RESULT[action]
        assert [(e["action"], e["actor_id"]) for e in history][2:] == [(action, actor)]
        assert [e["from_state"] for e in history[1:]] == [e["to_state"] for e in history[:-1]]
        assert history[-1]["to_state"] == seen["state"]
        assert _event_count(nomination.id) == 3
    assert {n.id for n in items[10:]} <= set(result["done"])


def _event_count(nomination_id: int) -> int:
    db.session.rollback()  # a fresh snapshot: what the servers committed
    return db.session.scalar(select(func.count()).where(NominationEvent.nomination_id == nomination_id))


def _last_number(unit_id: int, symbol: str, today: date) -> int:
    return (
        db.session.scalar(
            select(func.max(Decision.number)).where(
                Decision.issuing_unit_id == unit_id, Decision.symbol == symbol, Decision.year == today.year
            )
        )
        or 0
    )
