"""Two people acting on the same nomination at the same moment: exactly one wins, the others get a Conflict.

Each thread has its own app context, hence its own session and connection, as two web requests would.
The optimistic lock (`version`) and the database's own locking decide; nothing is written twice.
"""

import threading
from contextlib import suppress

import pytest

from tests.factories import create_nomination, make_user, nomination_data
from workflow import machine
from workflow.errors import Conflict, DomainError
from workflow.extensions import db
from workflow.models import Nomination, NominationEvent, User
from workflow.services import STALE, listing, nominations
from workflow.states import State


def race(app, nomination_id: int, moves: list[tuple[int, str, str]]) -> list[str]:
    """Run each (user id, action, comment) in its own thread, all released at once; what each one got."""

    def move(user_id: int, action: str, comment: str):
        def attempt(barrier: threading.Barrier) -> None:
            user = db.session.get(User, user_id)
            nomination = db.session.get(Nomination, nomination_id)
            assert nomination.state  # loaded before the race starts, like a page on screen
            barrier.wait(timeout=10)
            nominations.perform(user, nomination, action, comment=comment)

        return attempt

    return run_at_once(app, [move(*m) for m in moves])


def run_at_once(app, attempts) -> list[str]:
    """Run each attempt(barrier) in its own thread and app context (its own session, as a web request has),
    released together at the barrier, then committed. What each got: "done", "Conflict" or another DomainError's class
    name."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str | None] = [None] * len(attempts)

    def run(index: int, attempt) -> None:
        with app.app_context():
            try:
                attempt(barrier)
                db.session.commit()
                outcomes[index] = "done"
            except DomainError as error:
                db.session.rollback()
                # A stale version is one kind of Conflict (409 either way); the tests count Conflicts.
                outcomes[index] = "Conflict" if isinstance(error, Conflict) else type(error).__name__
            except Exception as error:  # noqa: BLE001 - reported to the test, never swallowed
                db.session.rollback()
                outcomes[index] = f"unexpected {type(error).__name__}: {error}"

    threads = [threading.Thread(target=run, args=(i, attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def reload(nomination_id: int) -> Nomination:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Nomination, nomination_id)


def events(nomination_id: int, action: str | None = None) -> list[NominationEvent]:
    query = db.select(NominationEvent).where(NominationEvent.nomination_id == nomination_id)
    if action:
        query = query.where(NominationEvent.action == action)
    return list(db.session.scalars(query))


@pytest.mark.parametrize("contenders", [2, 8])
def test_reviewers_approving_at_the_same_instant_exactly_one_wins(app, world, contenders):
    reviewers = [world.reviewer_c1] + [
        make_user(f"lanhdao_xa_{i}", [("reviewer", world.c1)]) for i in range(contenders - 1)
    ]
    nomination = create_nomination(world, state=State.submitted)
    nomination_id, version = nomination.id, nomination.version
    db.session.commit()

    outcomes = race(app, nomination_id, [(r.id, "approve", "Đồng ý") for r in reviewers])

    assert sorted(outcomes) == ["Conflict"] * (contenders - 1) + ["done"], outcomes
    nomination = reload(nomination_id)
    assert nomination.state == "commune_approved"
    assert nomination.version == version + 1
    approvals = events(nomination_id, "approve")
    assert len(approvals) == 1
    assert approvals[0].actor_id == reviewers[outcomes.index("done")].id


def test_the_same_reviewer_double_clicking_approves_once(app, world):
    nomination = create_nomination(world, state=State.commune_approved)
    outcomes = race(app, nomination.id, [(world.reviewer_d.id, "approve", "")] * 2)
    assert sorted(outcomes) == ["Conflict", "done"]
    assert reload(nomination.id).state == "district_approved"
    assert len(events(nomination.id, "approve")) == 2  # the commune's and the district's, not a third


def test_a_return_and_an_approval_at_the_same_instant_one_wins_and_history_matches_the_state(app, world):
    second = make_user("lanhdao_xa_2", [("reviewer", world.c1)])
    nomination = create_nomination(world, state=State.submitted)
    outcomes = race(
        app,
        nomination.id,
        [(world.reviewer_c1.id, "approve", "Đồng ý"), (second.id, "return", "Thiếu biên bản họp xét.")],
    )
    assert sorted(outcomes) == ["Conflict", "done"]
    nomination = reload(nomination.id)
    winner = "approve" if outcomes[0] == "done" else "return"
    assert nomination.state == {"approve": "commune_approved", "return": "returned"}[winner]
    assert [e.action for e in listing.history(nomination)] == ["create", "submit", winner]


def test_a_withdrawal_racing_an_approval_never_leaves_both(app, world):
    nomination = create_nomination(world, state=State.submitted)
    outcomes = race(app, nomination.id, [(world.clerk_c1.id, "withdraw", ""), (world.reviewer_c1.id, "approve", "")])
    assert sorted(outcomes) == ["Conflict", "done"]
    nomination = reload(nomination.id)
    assert nomination.state == ("withdrawn" if outcomes[0] == "done" else "commune_approved")
    assert len(listing.history(nomination)) == 3


def test_acting_on_a_page_loaded_before_someone_elses_approval_is_a_conflict(app, world):
    second = make_user("lanhdao_xa_2", [("reviewer", world.c1)])
    nomination_id = create_nomination(world, state=State.submitted).id
    stale = db.session.get(Nomination, nomination_id)
    assert stale.state == "submitted"  # this session's copy is now on screen

    with app.app_context():  # another request: its own session
        other = db.session.get(Nomination, nomination_id)
        nominations.perform(db.session.get(User, world.reviewer_c1.id), other, "approve")
        db.session.commit()

    with pytest.raises(Conflict):
        nominations.perform(second, stale, "reject", comment="Không đủ tiêu chuẩn.")
    nomination = reload(nomination_id)
    assert nomination.state == "commune_approved"
    assert [e.action for e in listing.history(nomination)] == ["create", "submit", "approve"]


def test_a_stale_version_to_perform_is_a_conflict_and_changes_nothing(world):
    nomination = create_nomination(world, state=State.submitted)
    version = nomination.version
    for stale in (version - 1, str(version - 1), version + 1, "abc"):
        with pytest.raises(Conflict):
            nominations.perform(world.reviewer_c1, nomination, "approve", version=stale)
    db.session.commit()
    nomination = reload(nomination.id)
    assert (nomination.state, nomination.version) == ("submitted", version)
    assert len(listing.history(nomination)) == 2
    nominations.perform(world.reviewer_c1, nomination, "approve", version=str(version))
    assert nomination.state == "commune_approved"


def test_a_stale_version_to_update_is_a_conflict_and_changes_nothing(world):
    nomination = create_nomination(world, state=State.returned)
    version = nomination.version
    with pytest.raises(Conflict):
        nominations.update(world.clerk_c1, nomination, {"nominee_name": "Trần Thị Mai"}, version=version - 1)
    db.session.commit()
    nomination = reload(nomination.id)
    assert (nomination.nominee_name, nomination.version) == ("Nguyễn Văn Hậu", version)
    assert listing.history(nomination)[-1].action == "return"
    nominations.update(world.clerk_c1, nomination, {"nominee_name": "Trần Thị Mai"}, version=version)
    db.session.commit()
    assert reload(nomination.id).nominee_name == "Trần Thị Mai"


def test_bulk_approval_does_what_it_may_and_says_in_vietnamese_why_it_skipped_the_rest(world):
    ok_1 = create_nomination(world, state=State.submitted, name="Nguyễn Văn Hậu")
    ok_2 = create_nomination(world, world.a1, state=State.submitted, name="Trường THCS Lạc Dương", kind="collective")
    draft = create_nomination(world, state=State.draft, name="Cil Ha Sin")
    other_commune = create_nomination(world, world.c2, state=State.submitted, name="Bon Niêng Ha Phi")
    district_level = create_nomination(world, state=State.commune_approved, name="Trần Thị Mai")
    missing = 987654
    moved, unmoved = [ok_1, ok_2], [draft, other_commune, district_level]
    before = {n.id: (n.state, n.version, len(listing.history(n))) for n in unmoved}

    result = nominations.perform_many(
        world.reviewer_c1,
        [ok_1.id, draft.id, other_commune.id, ok_1.id, district_level.id, missing, ok_2.id],
        "approve",
        comment="Đồng ý đề nghị.",
    )
    db.session.commit()

    assert result.done == [ok_1.id, ok_2.id]
    assert result.skipped == [
        {"id": draft.id, "reason": "Không thể “Duyệt” hồ sơ đang ở trạng thái “Dự thảo”."},
        {"id": other_commune.id, "reason": "Không tìm thấy hồ sơ đề nghị."},
        {
            "id": district_level.id,
            "reason": "Chỉ lãnh đạo của cấp đang xét duyệt hồ sơ mới được thực hiện thao tác này.",
        },
        {"id": missing, "reason": "Không tìm thấy hồ sơ đề nghị."},
    ]
    db.session.expire_all()
    for nomination in moved:
        fresh = db.session.get(Nomination, nomination.id)
        assert fresh.state == "commune_approved"
        assert [(e.action, e.comment) for e in listing.history(fresh)][-1] == ("approve", "Đồng ý đề nghị.")
    for nomination in unmoved:
        fresh = db.session.get(Nomination, nomination.id)
        assert (fresh.state, fresh.version, len(listing.history(fresh))) == before[nomination.id]


def test_bulk_return_without_a_reason_does_nothing(world):
    nomination = create_nomination(world, state=State.submitted)
    with pytest.raises(DomainError, match="lý do"):
        nominations.perform_many(world.reviewer_c1, [nomination.id], "return", comment="  ")
    db.session.commit()
    assert reload(nomination.id).state == "submitted"


def test_bulk_actions_skip_a_nomination_the_actor_created_and_keep_the_others(world):
    both = make_user("canbo_kiem_lanhdao", [("clerk", world.c1), ("reviewer", world.c1)])
    own = nominations.create(both, nomination_data(world))
    nominations.perform(world.clerk_c1, own, "submit")
    other = create_nomination(world, state=State.submitted, name="Trần Thị Mai")

    result = nominations.perform_many(both, [own.id, other.id], "approve")
    db.session.commit()

    assert result.done == [other.id]
    wrote_it = (
        "Không được tự duyệt hồ sơ mà chính mình đã lập, sửa, gửi hoặc thêm, xóa tệp đính kèm: "
        "cần một lãnh đạo khác của cấp này xét duyệt."
    )
    assert result.skipped == [{"id": own.id, "reason": wrote_it}]
    assert reload(own.id).state == "submitted"
    assert reload(other.id).state == "commune_approved"


def test_bulk_action_with_ids_that_are_not_numbers_is_a_validation_error(world):
    from workflow.errors import ValidationError
    from workflow.services import nominations

    with pytest.raises(ValidationError, match="Danh sách hồ sơ không hợp lệ"):
        nominations.perform_many(world.reviewer_c1, ["12", "mười ba"], "approve")


def test_overlapping_bulk_approvals_listed_in_opposite_orders_never_deadlock(app, world, monkeypatch):
    """Two reviewers approve six shared nominations at once, listed in opposite orders, and one more each. Those
    moving alike share an UPDATE, and these fall in two such groups (three were edited once more), so each reviewer
    writes a different group first; each then pauses for the other. Without one lock order for everyone, each waited
    for rows the other held until PostgreSQL ended one with "deadlock detected", and that reviewer's whole batch was
    skipped, their own nomination too. Now, on PostgreSQL, the second waits for the first: each shared nomination is
    approved exactly once, whoever came second is told it was changed meanwhile, and each one's own nomination is
    approved. SQLite lets one writer in at a time; the second's batch is refused whole, and says so."""
    second = make_user("lanhdao_xa_2", [("reviewer", world.c1)])
    drafts = [create_nomination(world, state=State.draft, name=f"Hồ sơ {i}") for i in range(8)]
    for nomination in drafts[3:6]:
        nominations.update(world.clerk_c1, nomination, {"position": "Tổ phó"}, version=nomination.version)
    for nomination in drafts:
        nominations.perform(world.clerk_c1, nomination, "submit")
    db.session.commit()
    shared, own = [n.id for n in drafts[:6]], {world.reviewer_c1.id: drafts[6].id, second.id: drafts[7].id}
    pause = threading.Barrier(2)
    write = machine._update

    def write_then_pause(*args, **kwargs):
        moved = write(*args, **kwargs)
        with suppress(threading.BrokenBarrierError):
            pause.wait(timeout=2)  # the other reviewer has written their first group too, or is held back
        return moved

    monkeypatch.setattr(machine, "_update", write_then_pause)
    results = {}

    def approve(user_id: int, order: list[int]):
        def attempt(barrier: threading.Barrier) -> None:
            user = db.session.get(User, user_id)
            barrier.wait(timeout=10)
            results[user_id] = nominations.perform_many(user, order, "approve", comment="Đồng ý.")

        return attempt

    first_id, second_id = world.reviewer_c1.id, second.id
    outcomes = run_at_once(
        app, [approve(first_id, [*shared, own[first_id]]), approve(second_id, [*shared[::-1], own[second_id]])]
    )

    assert outcomes == ["done", "done"]
    done = sorted(i for result in results.values() for i in result.done)
    skipped = [entry for result in results.values() for entry in result.skipped]
    assert {entry["reason"] for entry in skipped} == {STALE}
    if app.config["BACKEND"] == "postgresql":
        for user_id, own_id in own.items():
            assert own_id in results[user_id].done
        assert done == sorted([*shared, *own.values()]) and len(skipped) == len(shared)
    else:  # one writer at a time: the second's whole batch is refused, and it is told so for each
        (winner,) = [result for result in results.values() if result.done]
        assert done == sorted(winner.done) and len(skipped) == len(shared) + 1
    for nomination_id in done:
        assert reload(nomination_id).state == "commune_approved"
    for nomination_id in [*shared, *own.values()]:
        assert len(events(nomination_id, "approve")) == (nomination_id in done)
