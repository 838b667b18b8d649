"""The transition table of a nomination, for every shape of review chain.

A nomination climbs the unit tree from its nominating unit to the unit that owns the award form; each
commune, district or province on the way reviews it. The tables below are the specification: any
(state, action) pair they do not list is a Conflict that changes nothing. Award (final approval → awarded) and
revoke (awarded → revoked) are no one's action on a nomination: they come from issuing and revoking a decision.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from tests.factories import CLOSED_MESSAGE, closed_campaign, create_nomination, nomination_data
from workflow import machine
from workflow.errors import Conflict, NotFound, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.models import Nomination
from workflow.services import listing, nominations
from workflow.states import Action, State

USER_ACTIONS = ["submit", "approve", "return", "reject", "withdraw"]

COMMUNE_DISTRICT = {
    "draft": {"submit": "submitted", "withdraw": "withdrawn"},
    "submitted": {"approve": "commune_approved", "return": "returned", "reject": "rejected", "withdraw": "withdrawn"},
    "commune_approved": {
        "approve": "district_approved",
        "return": "returned",
        "reject": "rejected",
        "withdraw": "withdrawn",
    },
    "district_approved": {},
    "awarded": {},
    "returned": {"submit": "submitted", "withdraw": "withdrawn"},
    "rejected": {},
    "withdrawn": {},
    "revoked": {},
}
COMMUNE_DISTRICT_PROVINCE = {
    "draft": {"submit": "submitted", "withdraw": "withdrawn"},
    "submitted": {"approve": "commune_approved", "return": "returned", "reject": "rejected", "withdraw": "withdrawn"},
    "commune_approved": {
        "approve": "district_approved",
        "return": "returned",
        "reject": "rejected",
        "withdraw": "withdrawn",
    },
    "district_approved": {
        "approve": "province_approved",
        "return": "returned",
        "reject": "rejected",
        "withdraw": "withdrawn",
    },
    "province_approved": {},
    "awarded": {},
    "returned": {"submit": "submitted", "withdraw": "withdrawn"},
    "rejected": {},
    "withdrawn": {},
    "revoked": {},
}
COMMUNE_PROVINCE = {
    "draft": {"submit": "submitted", "withdraw": "withdrawn"},
    "submitted": {"approve": "commune_approved", "return": "returned", "reject": "rejected", "withdraw": "withdrawn"},
    "commune_approved": {
        "approve": "province_approved",
        "return": "returned",
        "reject": "rejected",
        "withdraw": "withdrawn",
    },
    "province_approved": {},
    "awarded": {},
    "returned": {"submit": "submitted", "withdraw": "withdrawn"},
    "rejected": {},
    "withdrawn": {},
    "revoked": {},
}
DISTRICT_ONLY = {
    "draft": {"submit": "submitted", "withdraw": "withdrawn"},
    "submitted": {"approve": "district_approved", "return": "returned", "reject": "rejected", "withdraw": "withdrawn"},
    "district_approved": {},
    "awarded": {},
    "returned": {"submit": "submitted", "withdraw": "withdrawn"},
    "rejected": {},
    "withdrawn": {},
    "revoked": {},
}


@dataclass(frozen=True)
class Shape:
    unit: str  # world attribute of the nominating unit
    form: str
    campaign: str
    chain: tuple[str, ...]  # codes of the reviewing units, bottom-up
    levels: tuple[str, ...]
    table: dict

    @property
    def final(self) -> str:
        return f"{self.levels[-1]}_approved"


SHAPES = {
    "district_era_commune": Shape("c1", "form_d", "campaign_d", ("C1", "D"), ("commune", "district"), COMMUNE_DISTRICT),
    "district_era_commune_for_province_form": Shape(
        "c1", "form_p", "campaign_d", ("C1", "D", "P"), ("commune", "district", "province"), COMMUNE_DISTRICT_PROVINCE
    ),
    "two_level_province": Shape("q1", "form_q", "campaign_q", ("Q1", "Q"), ("commune", "province"), COMMUNE_PROVINCE),
    "district_agency_skips_commune": Shape("ad", "form_d", "campaign_d", ("D",), ("district",), DISTRICT_ONLY),
    "agency_under_commune": Shape("a1", "form_d", "campaign_d", ("C1", "D"), ("commune", "district"), COMMUNE_DISTRICT),
}
CLERK = {"c1": "clerk_c1", "q1": "clerk_q1", "ad": "clerk_ad", "a1": "clerk_a1"}
REVIEWER = {"C1": "reviewer_c1", "D": "reviewer_d", "P": "reviewer_p", "Q1": "reviewer_q1", "Q": "reviewer_q"}
SECRETARIAT = {"D": "secretariat_d", "P": "reviewer_p", "Q": "secretariat_q"}


def unit_of(world, code: str):
    return getattr(world, code.lower())


def bring(world, shape: Shape, state: str) -> Nomination:
    """A committed nomination of the shape's unit, brought to `state` by the real workflow."""
    target = shape.final if state in ("awarded", "revoked") else state
    nomination = create_nomination(
        world,
        getattr(world, shape.unit),
        state=target,
        form=getattr(world, shape.form),
        campaign=getattr(world, shape.campaign),
    )
    if state in ("awarded", "revoked"):
        # Awarding and revoking come from a decision, not from a user action: the machine is fired directly.
        secretariat = getattr(world, SECRETARIAT[shape.chain[-1]])
        machine.fire(nomination, Action.award, actor=secretariat)
        if state == "revoked":
            machine.fire(nomination, Action.revoke, actor=secretariat, comment="Thu hồi quyết định.")
        db.session.commit()
    assert nomination.state == state
    return nomination


def expected_awaiting(world, shape: Shape, state: str) -> tuple[str | None, int | None]:
    """Who must act next, spelled out from the shape (not computed by the machine)."""
    if state in ("draft", "returned"):
        return "clerk", getattr(world, shape.unit).id
    if state == "submitted":
        return "reviewer", unit_of(world, shape.chain[0]).id
    if state.endswith("_approved"):
        step = shape.levels.index(state.removesuffix("_approved"))
        if step + 1 < len(shape.chain):
            return "reviewer", unit_of(world, shape.chain[step + 1]).id
        return "secretariat", unit_of(world, shape.chain[-1]).id
    return None, None


def actor_for(world, shape: Shape, nomination: Nomination, action: str):
    """The person who would be entitled to `action` if the state allowed it."""
    if action in ("submit", "withdraw"):
        return getattr(world, CLERK[shape.unit])
    if nomination.awaiting_role == "reviewer":
        return next(
            getattr(world, REVIEWER[code])
            for code in shape.chain
            if unit_of(world, code).id == nomination.awaiting_unit_id
        )
    return getattr(world, REVIEWER[shape.chain[-1]])


def snapshot(nomination: Nomination) -> tuple:
    db.session.expire_all()
    fresh = db.session.get(Nomination, nomination.id)
    return (
        fresh.state,
        fresh.version,
        fresh.awaiting_role,
        fresh.awaiting_unit_id,
        fresh.submitted_by_id,
        len(listing.history(fresh)),
    )


@pytest.mark.parametrize("shape_name", SHAPES)
def test_allowed_action_moves_to_the_next_state_and_writes_one_history_row(world, subtests, shape_name):
    shape = SHAPES[shape_name]
    for state, moves in shape.table.items():
        for action, expected in moves.items():
            with subtests.test(state=state, action=action):
                db.session.rollback()
                nomination = bring(world, shape, state)
                actor = actor_for(world, shape, nomination, action)
                version, events_before = nomination.version, len(listing.history(nomination))
                comment = f"Ý kiến khi {Action(action).title.lower()}: đã kiểm tra hồ sơ."

                nominations.perform(actor, nomination, action, comment=comment)
                db.session.commit()

                db.session.expire_all()
                nomination = db.session.get(Nomination, nomination.id)
                assert nomination.state == expected
                assert nomination.version == version + 1
                assert (nomination.awaiting_role, nomination.awaiting_unit_id) == expected_awaiting(
                    world, shape, expected
                )
                history = listing.history(nomination)
                assert len(history) == events_before + 1
                row = history[-1]
                assert (row.action, row.from_state, row.to_state, row.actor_id, row.comment) == (
                    action,
                    state,
                    expected,
                    actor.id,
                    comment,
                )


@pytest.mark.parametrize("shape_name", SHAPES)
def test_action_the_state_does_not_allow_is_a_conflict_and_changes_nothing(world, subtests, shape_name):
    shape = SHAPES[shape_name]
    for state, moves in shape.table.items():
        db.session.rollback()
        nomination = bring(world, shape, state)
        before = snapshot(nomination)
        refused = [action for action in USER_ACTIONS if action not in moves]
        assert refused, "every state refuses something"
        for action in refused:
            with subtests.test(state=state, action=action):
                actor = actor_for(world, shape, nomination, action)
                with pytest.raises(Conflict):
                    nominations.perform(actor, nomination, action, comment="Lý do: thiếu biên bản họp xét.")
                assert nomination.state == state
                db.session.commit()  # nothing half-done is waiting in the session either
                assert snapshot(nomination) == before


@pytest.mark.parametrize("shape_name", SHAPES)
def test_award_and_revoke_are_not_user_actions_and_the_machine_allows_them_only_from_their_source(world, shape_name):
    shape = SHAPES[shape_name]
    sources = {Action.award: shape.final, Action.revoke: "awarded"}
    for state in shape.table:
        nomination = bring(world, shape, state)
        before = snapshot(nomination)
        for action, source in sources.items():
            with pytest.raises(NotFound):
                nominations.perform(getattr(world, SECRETARIAT[shape.chain[-1]]), nomination, action.value)
            assert snapshot(nomination) == before
            assert (action in machine.allowed_actions(nomination)) == (state == source)
            assert action not in nominations.available_actions(world.admin, nomination)


@pytest.mark.parametrize("shape_name", SHAPES)
def test_only_an_awarded_nomination_can_be_revoked_and_then_nothing_moves_it(world, shape_name):
    shape = SHAPES[shape_name]
    secretariat = getattr(world, SECRETARIAT[shape.chain[-1]])
    for state in shape.table:
        nomination = bring(world, shape, state)
        if state == "awarded":
            machine.fire(nomination, Action.revoke, actor=secretariat, comment="Thu hồi quyết định.")
            assert (nomination.state, nomination.awaiting_role, nomination.awaiting_unit_id) == ("revoked", None, None)
            row = listing.history(nomination)[-1]
            assert (row.action, row.from_state, row.to_state) == ("revoke", "awarded", "revoked")
            db.session.rollback()
            continue
        before = snapshot(nomination)
        with pytest.raises(Conflict):
            machine.fire(nomination, Action.revoke, actor=secretariat)
        db.session.rollback()
        assert snapshot(nomination) == before
    revoked = bring(world, shape, "revoked")
    assert machine.allowed_actions(revoked) == []


@pytest.mark.parametrize("shape_name", SHAPES)
def test_review_chain_and_who_acts_next_are_right_at_every_step(world, shape_name):
    shape = SHAPES[shape_name]
    unit = getattr(world, shape.unit)
    nomination = create_nomination(
        world, unit, form=getattr(world, shape.form), campaign=getattr(world, shape.campaign)
    )
    assert nomination.review_chain == [
        {"unit_id": unit_of(world, code).id, "level": level}
        for code, level in zip(shape.chain, shape.levels, strict=True)
    ]
    assert (nomination.awaiting_role, nomination.awaiting_unit_id) == ("clerk", unit.id)

    nominations.perform(getattr(world, CLERK[shape.unit]), nomination, "submit")
    assert (nomination.awaiting_role, nomination.awaiting_unit_id) == ("reviewer", unit_of(world, shape.chain[0]).id)
    for code, level in zip(shape.chain, shape.levels, strict=True):
        nominations.perform(getattr(world, REVIEWER[code]), nomination, "approve")
        db.session.commit()
        assert nomination.state == f"{level}_approved"
        assert (nomination.awaiting_role, nomination.awaiting_unit_id) == expected_awaiting(
            world, shape, nomination.state
        )
    assert nomination.state == shape.final
    assert nomination.awaiting_role == "secretariat"
    assert nomination.awaiting_unit_id == unit_of(world, shape.chain[-1]).id


def test_district_agency_goes_straight_to_the_district_without_commune_approval(world):
    nomination = create_nomination(world, world.ad, state=State.submitted)
    assert [step["level"] for step in nomination.review_chain] == ["district"]
    assert nomination.awaiting_unit_id == world.d.id
    with pytest.raises(PermissionDenied):  # no commune reviewer has any say
        nominations.perform(world.reviewer_c1, nomination, "approve")
    nominations.perform(world.reviewer_d, nomination, "approve")
    assert nomination.state == "district_approved"
    assert [e.from_state for e in listing.history(nomination)][-1] == "submitted"


def test_agency_under_a_commune_is_first_approved_by_that_commune(world):
    nomination = create_nomination(world, world.a1, state=State.submitted)
    assert [step["unit_id"] for step in nomination.review_chain] == [world.c1.id, world.d.id]
    assert nomination.awaiting_unit_id == world.c1.id


def test_the_same_commune_climbs_to_the_province_for_a_provincial_award_form(world):
    for_district = create_nomination(world, world.c1, form=world.form_d)
    for_province = create_nomination(world, world.c1, form=world.form_p)
    assert [s["unit_id"] for s in for_district.review_chain] == [world.c1.id, world.d.id]
    assert [s["unit_id"] for s in for_province.review_chain] == [world.c1.id, world.d.id, world.p.id]


@pytest.mark.parametrize("action", ["return", "reject"])
@pytest.mark.parametrize("comment", ["", "   \n\t "], ids=["empty", "blank"])
def test_return_and_reject_need_a_reason(world, action, comment):
    nomination = create_nomination(world, state=State.submitted)
    before = snapshot(nomination)
    with pytest.raises(ValidationError) as error:
        nominations.perform(world.reviewer_c1, nomination, action, comment=comment)
    assert "comment" in error.value.fields
    assert "lý do" in error.value.message
    db.session.commit()
    assert snapshot(nomination) == before


def test_returned_nomination_is_editable_and_can_be_resubmitted_up_to_the_final_approval(world):
    nomination = create_nomination(world, state=State.returned)
    assert listing.history(nomination)[-1].comment == "Bổ sung biên bản họp xét."
    assert (nomination.awaiting_role, nomination.awaiting_unit_id) == ("clerk", world.c1.id)

    nominations.update(
        world.clerk_c1,
        nomination,
        {"achievements": "Đã bổ sung biên bản họp xét ngày 10/5."},
        version=nomination.version,
    )
    nominations.perform(world.clerk_c1, nomination, "submit")
    db.session.commit()
    assert nomination.state == "submitted"
    assert nomination.achievements == "Đã bổ sung biên bản họp xét ngày 10/5."
    assert nomination.awaiting_unit_id == world.c1.id
    nominations.perform(world.reviewer_c1, nomination, "approve")
    nominations.perform(world.reviewer_d, nomination, "approve")
    db.session.commit()
    assert nomination.state == "district_approved"
    assert [e.action for e in listing.history(nomination)] == [
        "create",
        "submit",
        "return",
        "edit",
        "submit",
        "approve",
        "approve",
    ]


@pytest.mark.parametrize("state", ["submitted", "commune_approved", "district_approved", "rejected", "withdrawn"])
def test_only_draft_and_returned_nominations_can_be_edited(world, state):
    nomination = create_nomination(world, state=state)
    before = snapshot(nomination)
    with pytest.raises(Conflict):
        nominations.update(world.clerk_c1, nomination, {"nominee_name": "Tên khác"}, version=nomination.version)
    db.session.rollback()
    assert snapshot(nomination) == before
    assert db.session.get(Nomination, nomination.id).nominee_name == "Nguyễn Văn Hậu"


@pytest.mark.parametrize("shape_name", SHAPES)
def test_withdraw_is_possible_until_the_final_level_approves_and_not_after(world, shape_name):
    shape = SHAPES[shape_name]
    clerk = getattr(world, CLERK[shape.unit])
    in_review = ["draft", "returned", "submitted", *(f"{level}_approved" for level in shape.levels[:-1])]
    for state in in_review:
        nomination = bring(world, shape, state)
        nominations.perform(clerk, nomination, "withdraw")
        assert nomination.state == "withdrawn"
        assert (nomination.awaiting_role, nomination.awaiting_unit_id) == (None, None)
    db.session.commit()
    for state in (shape.final, "awarded", "revoked"):
        nomination = bring(world, shape, state)
        with pytest.raises(Conflict):
            nominations.perform(clerk, nomination, "withdraw")
        assert nomination.state == state


def test_a_transition_and_its_history_row_are_rolled_back_together(world):
    nomination = create_nomination(world, state=State.submitted)
    before = snapshot(nomination)
    nominations.perform(world.reviewer_c1, nomination, "approve", comment="Đồng ý")
    assert len(listing.history(nomination)) == before[-1] + 1  # flushed into the same transaction
    db.session.rollback()
    assert snapshot(nomination) == before


def test_submitting_after_the_campaign_deadline_is_refused(world):
    nomination = create_nomination(world)
    too_late = world.campaign_d.nomination_deadline + timedelta(days=1)
    with pytest.raises(ValidationError, match="hết hạn"):
        nominations.perform(world.clerk_c1, nomination, "submit", today=too_late)
    assert nomination.state == "draft"
    nominations.perform(world.clerk_c1, nomination, "submit", today=date.today())
    assert nomination.state == "submitted"


def test_a_nomination_is_drafted_only_in_a_campaign_still_open_and_never_moved_into_a_closed_one(world):
    closed = closed_campaign(world)
    assert nominations.campaigns_offered(world.clerk_c1) == [world.campaign_d]
    assert nominations.campaigns_offered(world.clerk_c1, today=date(2023, 5, 15)) == [world.campaign_d, closed]
    with pytest.raises(ValidationError) as refused:
        nominations.create(world.clerk_c1, nomination_data(world, campaign=closed))
    assert refused.value.fields == {"campaign_id": CLOSED_MESSAGE}
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Nomination.id))) == 0

    nomination = create_nomination(world)
    with pytest.raises(ValidationError) as moved:
        nominations.update(world.clerk_c1, nomination, {"campaign_id": closed.id}, version=nomination.version)
    assert moved.value.fields == {"campaign_id": CLOSED_MESSAGE}
    db.session.rollback()
    assert db.session.get(Nomination, nomination.id).campaign_id == world.campaign_d.id


def test_a_nomination_whose_campaign_has_closed_keeps_it_while_its_other_fields_are_edited(world):
    closed = closed_campaign(world)
    nomination = nominations.create(
        world.clerk_c1,
        nomination_data(world, campaign=closed),
        today=date(2023, 5, 15),  # its last day
    )
    db.session.commit()
    assert nominations.campaigns_offered(world.clerk_c1, nomination.campaign) == [world.campaign_d, closed]

    nominations.update(world.clerk_c1, nomination, {"position": "Trưởng thôn"}, version=nomination.version)
    db.session.commit()
    assert (nomination.campaign_id, nomination.position) == (closed.id, "Trưởng thôn")
    nominations.update(world.clerk_c1, nomination, {"campaign_id": world.campaign_d.id}, version=nomination.version)
    db.session.commit()
    with pytest.raises(ValidationError, match="đã hết hạn nhận đề nghị"):  # once left, not chosen again
        nominations.update(world.clerk_c1, nomination, {"campaign_id": closed.id}, version=nomination.version)


@pytest.mark.parametrize("shape_name", SHAPES)
def test_mermaid_diagram_shows_every_state_and_move_of_the_shape(shape_name):
    shape = SHAPES[shape_name]
    diagram = machine.mermaid(shape.levels)
    assert diagram.startswith("stateDiagram-v2")
    assert "[*] --> draft" in diagram
    for state, moves in shape.table.items():
        assert f" as {state}" in diagram
        assert State(state).title in diagram
        for dest in moves.values():
            assert f"{state} --> {dest}" in diagram
    assert f"{shape.final} --> awarded" in diagram
    assert "awarded --> revoked: Thu hồi khen thưởng" in diagram
    assert diagram.count("--> revoked") == 1
    for approved in ("commune_approved", "district_approved", "province_approved"):
        assert (approved in diagram) == (approved in shape.table)
