"""Who may do what: role × unit scope × action.

The machine says whether an action is valid from a state; permissions say whether this person may take it.
Only a reviewer of the unit at the current level of the chain reviews; nobody reviews what they wrote (created,
edited, submitted, attached or removed a file), at any level; clerks act in their unit's subtree; everyone sees
only their subtree.
"""

import pytest

from tests.factories import create_nomination, create_period, make_user, nomination_data
from tests.route_map import PDF
from workflow import permissions
from workflow.errors import Conflict, NotFound, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.models import Nomination, Report
from workflow.services import attachments, listing, nominations
from workflow.services.reports import filing
from workflow.services.reports import inbox as report_inbox
from workflow.states import USER_ACTIONS, Action, State

REVIEW_ACTIONS = ["approve", "return", "reject"]
REVIEWERS_AND_OTHERS = [
    "reviewer_c1",
    "reviewer_c2",
    "reviewer_d",
    "reviewer_p",
    "reviewer_q1",
    "reviewer_q",
    "clerk_c1",
    "clerk_d",
    "secretariat_d",
    "secretariat_q",
    "admin_d",
    "admin",
]
# (chain, state) → the only account that may approve, return or reject now.
CURRENT_REVIEWER = {
    ("district_era", "submitted"): "reviewer_c1",
    ("district_era", "commune_approved"): "reviewer_d",
    ("two_level", "submitted"): "reviewer_q1",
    ("two_level", "commune_approved"): "reviewer_q",
}


def _nomination(world, chain: str, state: str) -> Nomination:
    if chain == "district_era":
        return create_nomination(world, world.c1, state=state)
    return create_nomination(world, world.q1, state=state, form=world.form_q, campaign=world.campaign_q)


def _snapshot(item: Nomination | Report) -> tuple:
    db.session.expire_all()
    fresh = db.session.get(type(item), item.id)
    return fresh.state, fresh.version, len(fresh.events)


@pytest.mark.parametrize("username", REVIEWERS_AND_OTHERS)
def test_only_a_reviewer_of_the_unit_at_the_current_level_may_approve_return_or_reject(world, subtests, username):
    user = getattr(world, username)
    for (chain, state), reviewer in CURRENT_REVIEWER.items():
        allowed = reviewer == username
        for action in REVIEW_ACTIONS:
            with subtests.test(chain=chain, state=state, action=action):
                db.session.rollback()
                nomination = _nomination(world, chain, state)
                before = _snapshot(nomination)
                assert (Action(action) in nominations.available_actions(user, nomination)) == allowed
                if allowed:
                    nominations.perform(user, nomination, action, comment="Đã xem xét.")
                    db.session.commit()
                    assert _snapshot(nomination)[1:] == (before[1] + 1, before[2] + 1)
                else:
                    with pytest.raises(PermissionDenied):
                        nominations.perform(user, nomination, action, comment="Đã xem xét.")
                    db.session.commit()
                    assert _snapshot(nomination) == before


def test_a_reviewer_of_the_district_cannot_act_before_the_commune_approved(world):
    nomination = create_nomination(world, state=State.submitted)
    with pytest.raises(PermissionDenied, match="cấp đang xét duyệt"):
        nominations.perform(world.reviewer_d, nomination, "approve")
    assert nomination.state == "submitted"


def test_a_commune_reviewer_cannot_act_again_once_the_district_has_the_nomination(world):
    nomination = create_nomination(world, state=State.commune_approved)
    with pytest.raises(PermissionDenied):
        nominations.perform(world.reviewer_c1, nomination, "return", comment="Xin rút lại ý kiến.")
    assert nomination.state == "commune_approved"


@pytest.fixture
def clerk_reviewer(world):
    """One person holding the clerk role at commune C1 and the reviewer role at C1 and at district D."""
    user = make_user("canbo_kiem_lanhdao", [("clerk", world.c1), ("reviewer", world.c1), ("reviewer", world.d)])
    db.session.commit()
    return user


# Each way of writing an item's content; clerk_c1 does the rest (drafts, sends).
WAYS_OF_WRITING = [
    "created",
    "edited",
    "submitted",
    "attached_a_file",
    "removed_a_file",
    "submitted_before_a_return",  # clerk_c1 resubmitted it: the item names clerk_c1 as its sender
    "edited_while_returned",
    "resubmitted",
]
# The level where the writer is asked to review, and the other reviewer of that level.
LEVELS = {"commune": "reviewer_c1", "district": "reviewer_d"}


def _written(world, writer, way: str, *, service=nominations, create=None):
    """An item of C1 (a nomination, or a report through the `service` filing them) that `writer` wrote in one
    `way`, submitted once, or again after a return."""
    clerk = world.clerk_c1
    create = create or (lambda author: nominations.create(author, nomination_data(world)))
    field = "position" if service is nominations else "lessons"
    item = create(writer if way == "created" else clerk)
    if way == "edited":
        service.update(writer, item, {field: "Trưởng thôn"}, version=None)
    elif way == "attached_a_file":
        attachments.add(writer, item, "bien-ban.pdf", PDF)
    elif way == "removed_a_file":
        attachments.remove(writer, item, attachments.add(clerk, item, "bien-ban.pdf", PDF).id)
    service.perform(writer if way in ("submitted", "submitted_before_a_return") else clerk, item, "submit")
    if way in ("submitted_before_a_return", "edited_while_returned", "resubmitted"):
        service.perform(world.reviewer_c1, item, "return", comment="Bổ sung biên bản.")
        if way == "edited_while_returned":
            service.update(writer, item, {field: "Tổ phó"}, version=None)
        service.perform(writer if way == "resubmitted" else clerk, item, "submit")
    return item


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("way", WAYS_OF_WRITING)
def test_nobody_reviews_a_nomination_they_wrote_at_any_level_even_holding_both_roles(world, clerk_reviewer, way, level):
    nomination = _written(world, clerk_reviewer, way)
    if level == "district":
        nominations.perform(world.reviewer_c1, nomination, "approve")
    db.session.commit()
    before = _snapshot(nomination)

    assert nominations.available_actions(clerk_reviewer, nomination) == [Action.withdraw]
    for action in REVIEW_ACTIONS:
        with pytest.raises(PermissionDenied, match="tự duyệt hồ sơ mà chính mình đã lập, sửa, gửi"):
            nominations.perform(clerk_reviewer, nomination, action, comment="Tự xét.")
    assert _snapshot(nomination) == before
    review = next(s for s in listing.inbox(clerk_reviewer) if s.key == "review")
    assert review.total == 0 and review.items == []
    # Another reviewer of the same level is not affected.
    nominations.perform(getattr(world, LEVELS[level]), nomination, "approve")
    assert nomination.state == f"{level}_approved"


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("way", WAYS_OF_WRITING)
def test_nobody_reviews_a_report_they_wrote_at_any_level_even_holding_both_roles(world, clerk_reviewer, way, level):
    period = create_period(world)
    data = {"unit_id": world.c1.id, "results": "Tổ chức 12 buổi tuyên truyền."}
    report = _written(
        world, clerk_reviewer, way, service=filing, create=lambda author: filing.create(author, period, data)
    )
    if level == "district":
        filing.perform(world.reviewer_c1, report, "approve")
    db.session.commit()
    before = _snapshot(report)

    assert filing.available_actions(clerk_reviewer, report) == []
    for action in ("approve", "return"):
        with pytest.raises(PermissionDenied, match="tự duyệt báo cáo mà chính mình đã lập, sửa, gửi"):
            filing.perform(clerk_reviewer, report, action, comment="Tự xét.")
    assert _snapshot(report) == before
    review = next(s for s in report_inbox.inbox(clerk_reviewer) if s.key == "report_review")
    assert review.total == 0 and review.items == []
    filing.perform(getattr(world, LEVELS[level]), report, "approve")
    assert report.state == ("commune_approved" if level == "commune" else "accepted")


def test_a_commune_clerk_who_reviews_at_the_district_cannot_approve_their_own_nomination_there(world):
    user = make_user("canbo_xa_lanhdao_huyen", [("clerk", world.c1), ("reviewer", world.d)])
    nomination = nominations.create(user, nomination_data(world))
    nominations.perform(user, nomination, "submit")
    nominations.perform(world.reviewer_c1, nomination, "approve")
    with pytest.raises(PermissionDenied, match="tự duyệt"):
        nominations.perform(user, nomination, "approve")
    nominations.perform(world.reviewer_d, nomination, "approve")
    assert nomination.state == "district_approved"


def test_a_commune_clerk_drafts_for_an_agency_under_the_commune(world):
    nomination = nominations.create(world.clerk_c1, nomination_data(world, world.a1))
    nominations.perform(world.clerk_c1, nomination, "submit")
    assert nomination.unit_id == world.a1.id
    assert nomination.state == "submitted"


@pytest.mark.parametrize(
    ("clerk", "unit"),
    [("clerk_c1", "c2"), ("clerk_a1", "c1"), ("clerk_c2", "a1"), ("clerk_q1", "c1"), ("clerk_c1", "q1")],
)
def test_a_clerk_cannot_draft_outside_their_units_subtree(world, clerk, unit):
    data = nomination_data(world, getattr(world, unit))
    if unit == "q1":
        data = nomination_data(world, world.q1, form=world.form_q, campaign=world.campaign_q)
    with pytest.raises(ValidationError) as error:
        nominations.create(getattr(world, clerk), data)
    assert error.value.fields["unit_id"] == "Bạn không được lập hồ sơ cho đơn vị này."
    assert db.session.scalar(db.select(db.func.count()).select_from(Nomination)) == 0


def test_a_clerk_cannot_move_a_draft_to_a_unit_outside_their_subtree(world):
    nomination = create_nomination(world)
    with pytest.raises(ValidationError):
        nominations.update(world.clerk_c1, nomination, {"unit_id": world.c2.id}, version=nomination.version)
    db.session.rollback()
    assert db.session.get(Nomination, nomination.id).unit_id == world.c1.id


@pytest.mark.parametrize("action", ["submit", "withdraw", "edit"])
def test_a_clerk_cannot_submit_withdraw_or_edit_another_communes_draft(world, action):
    nomination = create_nomination(world, world.c2)
    before = _snapshot(nomination)
    with pytest.raises(PermissionDenied):
        if action == "edit":
            nominations.update(world.clerk_c1, nomination, {"nominee_name": "Tên khác"}, version=nomination.version)
        else:
            nominations.perform(world.clerk_c1, nomination, action)
    db.session.rollback()
    assert _snapshot(nomination) == before


# Nomination of commune C1: who sees it.
VISIBILITY = {
    "clerk_c1": True,
    "reviewer_c1": True,
    "clerk_d": True,
    "reviewer_d": True,
    "secretariat_d": True,
    "admin_d": True,
    "reviewer_p": True,
    "admin": True,
    "clerk_a1": False,
    "clerk_ad": False,
    "clerk_c2": False,
    "reviewer_c2": False,
    "clerk_q1": False,
    "reviewer_q": False,
    "secretariat_q": False,
}


def test_everyone_sees_only_nominations_of_their_subtree(world, subtests):
    nomination = create_nomination(world, state=State.submitted)
    for username, visible in VISIBILITY.items():
        with subtests.test(user=username, visible=visible):
            user = getattr(world, username)
            found = listing.search(user, listing.Filters()).items
            by_name = listing.search(user, listing.Filters(q="nguyen van hau", unit_id=world.c1.id)).items
            if visible:
                assert permissions.require_visible(user, nomination) is nomination
                assert nominations.get(user, nomination.id) is nomination
                assert [n.id for n in found] == [nomination.id]
                assert [n.id for n in by_name] == [nomination.id]
            else:
                with pytest.raises(NotFound) as hidden:
                    permissions.require_visible(user, nomination)
                with pytest.raises(NotFound) as via_service:
                    nominations.get(user, nomination.id)
                with pytest.raises(NotFound) as missing:
                    nominations.get(user, nomination.id + 1000)
                # Another unit's nomination is indistinguishable from one that does not exist.
                assert hidden.value.message == via_service.value.message == missing.value.message
                assert found == [] and by_name == []


def test_an_outsiders_bulk_action_skips_the_nomination_as_not_found(world):
    nomination = create_nomination(world, state=State.submitted)
    result = nominations.perform_many(world.reviewer_c2, [nomination.id], "approve")
    assert result.done == []
    assert result.skipped == [{"id": nomination.id, "reason": "Không tìm thấy hồ sơ đề nghị."}]


# What each account may do to commune C1's nomination (district era) in each state, and nothing else.
AVAILABLE = {
    "draft": {"clerk_c1": ["submit", "withdraw"], "clerk_d": ["submit", "withdraw"]},
    "submitted": {"clerk_c1": ["withdraw"], "clerk_d": ["withdraw"], "reviewer_c1": ["approve", "return", "reject"]},
    "commune_approved": {
        "clerk_c1": ["withdraw"],
        "clerk_d": ["withdraw"],
        "reviewer_d": ["approve", "return", "reject"],
    },
    "district_approved": {},
    "returned": {"clerk_c1": ["submit", "withdraw"], "clerk_d": ["submit", "withdraw"]},
    "rejected": {},
    "withdrawn": {},
}
ACCOUNTS = [
    "clerk_c1",
    "clerk_d",
    "clerk_a1",
    "clerk_c2",
    "reviewer_c1",
    "reviewer_c2",
    "reviewer_d",
    "reviewer_p",
    "secretariat_d",
    "admin_d",
    "admin",
]


@pytest.mark.parametrize("state", AVAILABLE)
def test_available_actions_list_exactly_what_the_user_may_do_now(world, subtests, state):
    nomination = create_nomination(world, state=state)
    for username in ACCOUNTS:
        with subtests.test(user=username):
            user = getattr(world, username)
            expected = AVAILABLE[state].get(username, [])
            assert [a.value for a in nominations.available_actions(user, nomination)] == expected
            # ...and perform agrees with the list, action by action.
            for action in USER_ACTIONS:
                savepoint = db.session.begin_nested()
                try:
                    nominations.perform(user, nomination, action, comment="Kiểm tra quyền.")
                    done = True
                except (Conflict, PermissionDenied, NotFound):
                    done = False
                finally:
                    savepoint.rollback()
                assert done == (action.value in expected), action
            assert db.session.get(Nomination, nomination.id).state == state
