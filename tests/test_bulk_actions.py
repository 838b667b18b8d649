"""Bulk actions on nominations: set-based, yet each nomination ends exactly as perform() would leave it, with the
same reason for each one skipped, the same history, and a number of statements that does not grow with the batch."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from tests.factories import create_nomination, make_user, nomination_data
from tests.route_map import PDF
from workflow.errors import DomainError
from workflow.extensions import db
from workflow.models import Nomination, NominationEvent
from workflow.models.base import as_utc
from workflow.services import STALE, attachments, listing, nominations
from workflow.states import Action, State

MISSING = 10**6
REASON = "Thiếu biên bản họp xét."


def _batch(world, self_reviewer) -> list[Nomination]:
    """One nomination of each kind a bulk action meets, in a fixed order; the caller commits."""
    own = nominations.create(self_reviewer, nomination_data(world, name="Tự lập, tự gửi"))
    nominations.perform(self_reviewer, own, "submit")
    q1 = {"form": world.form_q, "campaign": world.campaign_q}
    edited = create_nomination(world, name="Phạm Thị Dung", commit=False)
    nominations.update(world.clerk_c1, edited, {"position": "Trưởng thôn"}, version=None)
    nominations.perform(world.clerk_c1, edited, "submit")  # submitted like the first, one version further
    # Drafted and sent by clerk_c1, but written in part by the self-reviewer: rewritten, or given a file.
    rewritten = create_nomination(world, name="Viết lại bởi lãnh đạo", commit=False)
    nominations.update(self_reviewer, rewritten, {"achievements": "Thành tích đã viết lại."}, version=None)
    nominations.perform(world.clerk_c1, rewritten, "submit")
    attached = create_nomination(world, name="Đính kèm bởi lãnh đạo", commit=False)
    attachments.add(self_reviewer, attached, "bien-ban.pdf", PDF)
    nominations.perform(world.clerk_c1, attached, "submit")
    return [
        create_nomination(world, state=State.submitted, name="Nguyễn Văn Hậu", commit=False),
        create_nomination(world, world.a1, state=State.submitted, kind="collective", name="Trường THCS", commit=False),
        create_nomination(world, state=State.draft, name="Cil Ha Sin", commit=False),
        create_nomination(world, world.c2, state=State.submitted, name="Bon Niêng Ha Phi", commit=False),
        create_nomination(world, state=State.commune_approved, name="Trần Thị Mai", commit=False),
        create_nomination(world, state=State.returned, name="Liêng Jrang K Hà", commit=False),
        create_nomination(world, state=State.withdrawn, name="Đinh Văn Đạt", commit=False),
        create_nomination(world, world.q1, state=State.submitted, name="Phan Văn Thiết", commit=False, **q1),
        own,
        edited,
        rewritten,
        attached,
    ]


def _one_by_one(actor, ids, action, comment) -> nominations.BulkResult:
    """What the single path gives: perform() on each id in turn, each under its own savepoint."""
    result = nominations.BulkResult()
    for nomination_id in dict.fromkeys(ids):
        try:
            with db.session.begin_nested():
                nominations.perform(actor, nominations.get(actor, nomination_id), action, comment=comment)
            result.done.append(nomination_id)
        except DomainError as error:
            result.skipped.append({"id": nomination_id, "reason": error.message})
    return result


def _with_ids(result: nominations.BulkResult, renamed: dict[int, int]) -> nominations.BulkResult:
    return nominations.BulkResult(
        [renamed.get(i, i) for i in result.done],
        [{"id": renamed.get(s["id"], s["id"]), "reason": s["reason"]} for s in result.skipped],
    )


def _effects(nomination: Nomination) -> tuple:
    """All that taking an action changes on a nomination and its history, timestamps aside."""
    history = [(e.action, e.from_state, e.to_state, e.actor_id, e.comment) for e in listing.history(nomination)]
    fields = ("state", "awaiting_role", "awaiting_unit_id", "version", "submitted_by_id", "review_chain")
    return tuple(getattr(nomination, name) for name in fields), history


CASES = [
    ("reviewer_c1", "approve", ""),
    ("reviewer_c1", "return", REASON),
    ("reviewer_c1", "reject", REASON),
    ("reviewer_d", "approve", "Đồng ý."),
    ("reviewer_q1", "approve", ""),
    ("self_reviewer", "approve", ""),
    ("admin", "approve", ""),
    ("clerk_c1", "withdraw", "Rút để bổ sung."),
    ("clerk_c1", "submit", ""),
]


@pytest.mark.parametrize(("username", "action", "comment"), CASES)
def test_a_bulk_action_ends_each_nomination_as_taking_the_action_on_each_alone_would(world, username, action, comment):
    world.self_reviewer = make_user("canbo_kiem_lanhdao", [("clerk", world.c1), ("reviewer", world.c1)])
    singly, in_bulk = _batch(world, world.self_reviewer), _batch(world, world.self_reviewer)
    db.session.commit()
    actor = getattr(world, username)
    ids = [n.id for n in singly]

    expected = _one_by_one(actor, [ids[0], *ids, MISSING, ids[0]], action, comment)
    db.session.commit()
    bulk_ids = [n.id for n in in_bulk]
    result = nominations.perform_many(actor, [bulk_ids[0], *bulk_ids, MISSING, bulk_ids[0]], action, comment=comment)
    moved_in_session = {n.id: (n.state, n.awaiting_role, n.awaiting_unit_id, n.version) for n in in_bulk}
    db.session.commit()

    assert result == _with_ids(expected, {a.id: b.id for a, b in zip(singly, in_bulk, strict=True)})
    for alone, bulk in zip(singly, in_bulk, strict=True):
        db.session.refresh(alone), db.session.refresh(bulk)
        assert _effects(bulk) == _effects(alone), bulk.nominee_name
        assert moved_in_session[bulk.id] == (bulk.state, bulk.awaiting_role, bulk.awaiting_unit_id, bulk.version)
        last_alone, last_bulk = listing.history(alone)[-1], listing.history(bulk)[-1]
        assert abs(as_utc(last_bulk.created_at) - as_utc(last_alone.created_at)) < timedelta(minutes=1)


def test_the_mixed_batch_gives_each_reason_in_vietnamese(world):
    # A commune's leader who is also its clerk: the one who may not approve what they drafted or sent.
    both = make_user("canbo_kiem_lanhdao", [("clerk", world.c1), ("reviewer", world.c1)])
    batch = _batch(world, both)
    ok, agency, draft, other_commune, district_level, returned, withdrawn, other_province, own, edited, *theirs = batch
    db.session.commit()

    result = nominations.perform_many(both, [*(n.id for n in batch), MISSING], "approve")

    not_found = "Không tìm thấy hồ sơ đề nghị."
    not_awaited = "Chỉ lãnh đạo của cấp đang xét duyệt hồ sơ mới được thực hiện thao tác này."
    wrote_it = (
        "Không được tự duyệt hồ sơ mà chính mình đã lập, sửa, gửi hoặc thêm, xóa tệp đính kèm: "
        "cần một lãnh đạo khác của cấp này xét duyệt."
    )
    assert result.done == [ok.id, agency.id, edited.id]
    assert result.skipped == [
        {"id": draft.id, "reason": "Không thể “Duyệt” hồ sơ đang ở trạng thái “Dự thảo”."},
        {"id": other_commune.id, "reason": not_found},
        {"id": district_level.id, "reason": not_awaited},
        {"id": returned.id, "reason": "Không thể “Duyệt” hồ sơ đang ở trạng thái “Bị trả lại”."},
        {"id": withdrawn.id, "reason": "Không thể “Duyệt” hồ sơ đang ở trạng thái “Đã rút”."},
        {"id": other_province.id, "reason": not_found},
        *({"id": n.id, "reason": wrote_it} for n in (own, *theirs)),
        {"id": MISSING, "reason": not_found},
    ]


def _submitted(world, count: int, batch: str) -> list[int]:
    made = [
        create_nomination(world, state=State.submitted, name=f"Cá nhân {batch}{i}", commit=False) for i in range(count)
    ]
    ids = [n.id for n in made]
    db.session.commit()  # after which nothing is read before the test's own statements
    return ids


def test_a_bulk_approval_costs_the_same_statements_for_five_nominations_or_fifty(api, world, count_queries):
    reviewer = api("reviewer_c1")
    few_ids, many_ids = _submitted(world, 5, "a"), _submitted(world, 50, "b")

    def approve(ids):
        response = reviewer.post("/nominations/bulk-actions", json={"action": "approve", "ids": ids})
        assert response.status_code == 200 and response.get_json()["done"] == ids, response.get_json()

    with count_queries() as few:
        approve(few_ids)
    with count_queries() as many:
        approve(many_ids)

    assert len(many) == len(few), "\n".join(many)
    assert sum(s.startswith("INSERT INTO nomination_events") for s in many) == 1
    assert sum(s.startswith("UPDATE nominations") for s in many) == 1


def test_a_nomination_changed_between_reading_and_writing_is_skipped_as_stale_and_never_moved_twice(app, world):
    ids = _submitted(world, 4, "r")
    raced = ids[1]
    raced_version = db.session.get(Nomination, raced).version
    db.session.commit()

    def another_reviewer_returns_it_first(conn, cursor, statement, *args):
        # Just before the batch starts writing: locking its rows (PostgreSQL) or its first UPDATE (SQLite).
        writing = statement.startswith("UPDATE nominations") or statement.rstrip().endswith("FOR NO KEY UPDATE")
        if writing and not hasattr(another_reviewer_returns_it_first, "done"):
            another_reviewer_returns_it_first.done = True
            with db.engine.begin() as other:
                other.execute(
                    update(Nomination)
                    .where(Nomination.id == raced)
                    .values(state=State.returned.value, awaiting_role="clerk", version=raced_version + 1)
                )

    event.listen(db.engine, "before_cursor_execute", another_reviewer_returns_it_first)
    try:
        result = nominations.perform_many(world.reviewer_c1, ids, "approve", comment="Duyệt hàng loạt")
    finally:
        event.remove(db.engine, "before_cursor_execute", another_reviewer_returns_it_first)
    db.session.commit()

    others = [i for i in ids if i != raced]
    if app.config["BACKEND"] == "postgresql":
        assert result.done == others
        assert result.skipped == [{"id": raced, "reason": STALE}]
    else:
        # SQLite has one writer: one whose snapshot another writer made stale cannot write at all, so nothing of
        # the batch moved (as the one-by-one path, whose every write failed the same way) and all of it is stale.
        assert result.done == []
        assert result.skipped == [{"id": i, "reason": STALE} for i in ids]
    db.session.expire_all()
    for nomination_id in ids:
        nomination = db.session.get(Nomination, nomination_id)
        approvals = db.session.scalars(
            select(NominationEvent).where(
                NominationEvent.nomination_id == nomination_id, NominationEvent.action == "approve"
            )
        ).all()
        if nomination_id in result.done:
            assert nomination.state == "commune_approved" and len(approvals) == 1
        else:
            assert nomination.state == ("returned" if nomination_id == raced else "submitted") and approvals == []
    assert db.session.get(Nomination, raced).version == raced_version + 1


def test_moving_nominations_in_bulk_refuses_a_move_the_machine_forbids_and_moves_nothing(world):
    from workflow import machine
    from workflow.errors import Conflict

    ready = create_nomination(world, state=State.submitted)
    draft = create_nomination(world, name="Cil Ha Sin")
    with pytest.raises(Conflict, match="Cil Ha Sin"):
        machine.move_all([ready, draft], Action.approve, actor=world.reviewer_c1)
    db.session.rollback()
    assert db.session.get(Nomination, ready.id).state == "submitted"
