"""The nomination workflow as `transitions` state machines, one per shape of review chain.

Review-period reports climb the same kind of chain, up to the unit that collects them (report_machine_for).

The chain is data: the units from the nominating unit up the tree to the award form's owner, keeping those
at a review level (commune, district, province). A district-era commune nomination for the district chairman's
Giấy khen climbs [commune, district]; the same nomination in a two-level province climbs [commune, province].

Each shape gets one module-level machine with no models attached; events fire on the nomination passed in,
so nothing leaks and loaded rows never fall back to the initial state.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import insert, select, update
from sqlalchemy.orm.attributes import set_committed_value
from transitions import Machine, MachineError

from workflow.errors import Conflict, ValidationError
from workflow.extensions import db
from workflow.models import AwardForm, Nomination, NominationEvent, Report, ReportEvent, Unit, User
from workflow.models.base import utcnow
from workflow.services import STALE
from workflow.states import REVIEW_LEVELS, Action, ReportState, Role, State


def derive_chain(unit: Unit, award_form: AwardForm) -> list[dict]:
    """The review steps of `unit`'s nomination for `award_form`, bottom-up, as [{"unit_id", "level"}]."""
    if award_form.owner_unit_id not in unit.ancestor_ids:
        raise ValidationError(
            f"“{award_form.name}” do {award_form.owner_unit.name} tặng, không phải cấp trên của {unit.name}.",
            fields={"award_form_id": "Hình thức khen thưởng không thuộc cấp trên của đơn vị đề nghị."},
        )
    return chain_up_to(unit, award_form.owner_unit_id)


def chain_up_to(unit: Unit, top_unit_id: int) -> list[dict]:
    """The review-level units from `unit` up to `top_unit_id` (an ancestor or the unit itself), bottom-up."""
    ancestor_ids = unit.ancestor_ids
    upward = ancestor_ids[ancestor_ids.index(top_unit_id) :]
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(upward)))}
    steps = [
        {"unit_id": unit_id, "level": units[unit_id].level}
        for unit_id in reversed(upward)
        if units[unit_id].level in REVIEW_LEVELS
    ]
    if not steps:
        raise ValidationError("Không xác định được cấp xét duyệt (cần ít nhất một cấp xã, huyện hoặc tỉnh).")
    return steps


def _review_transitions(levels: tuple[str, ...], final: str) -> tuple[list[str], list[str], list[dict]]:
    """What nominations and reports share: submit, one approval per level of the chain (the last one into
    `final`), and return from any step in review. Gives (approved states, states in review, transitions)."""
    approved = [State.approved(level).value for level in levels[:-1]] + [final]
    in_review = [State.submitted.value, *approved[:-1]]
    transitions = [
        {
            "trigger": Action.submit.value,
            "source": [State.draft.value, State.returned.value],
            "dest": State.submitted.value,
        },
        *(
            {"trigger": Action.approve.value, "source": source, "dest": dest}
            for source, dest in zip(in_review, approved, strict=True)
        ),
        {"trigger": Action.return_.value, "source": in_review, "dest": State.returned.value},
    ]
    return approved, in_review, transitions


def _machine(states: list[str], transitions: list[dict]) -> Machine:
    return Machine(
        model=None, states=states, transitions=transitions, initial=State.draft.value, auto_transitions=False
    )


@cache
def machine_for(levels: tuple[str, ...]) -> Machine:
    """The nomination machine for one chain shape, e.g. ("commune", "district")."""
    approved, in_review, transitions = _review_transitions(levels, State.approved(levels[-1]).value)
    transitions += [
        {"trigger": Action.reject.value, "source": in_review, "dest": State.rejected.value},
        {
            "trigger": Action.withdraw.value,
            "source": [State.draft.value, State.returned.value, *in_review],
            "dest": State.withdrawn.value,
        },
        {"trigger": Action.award.value, "source": approved[-1], "dest": State.awarded.value},
        {"trigger": Action.revoke.value, "source": State.awarded.value, "dest": State.revoked.value},
    ]
    states = [
        State.draft.value,
        State.submitted.value,
        *approved,
        State.awarded.value,
        State.returned.value,
        State.rejected.value,
        State.withdrawn.value,
        State.revoked.value,
    ]
    return _machine(states, transitions)


@cache
def report_machine_for(levels: tuple[str, ...]) -> Machine:
    """The report machine for one chain shape: the collecting unit's approval (the last level) accepts it."""
    approved, _, transitions = _review_transitions(levels, ReportState.accepted.value)
    return _machine([State.draft.value, State.submitted.value, *approved, State.returned.value], transitions)


def _machine_of(item: Nomination | Report) -> Machine:
    build = report_machine_for if isinstance(item, Report) else machine_for
    return build(chain_levels(item))


def chain_levels(item: Nomination | Report) -> tuple[str, ...]:
    return tuple(step["level"] for step in item.review_chain)


def allowed_actions(item: Nomination | Report) -> list[Action]:
    """Actions the machine allows from the nomination's or report's state, whoever asks."""
    return [Action(trigger) for trigger in _machine_of(item).get_triggers(item.state)]


def awaiting(item: Nomination | Report, state: str | None = None) -> tuple[str | None, int | None]:
    """Who must act next: (role, unit id), or (None, None) once it is settled. A nomination approved at its last
    level awaits the secretariat's decision; a report approved there is accepted and awaits nobody. `state`
    asks the question of a state the item is about to enter (its own by default)."""
    state, chain = state or item.state, item.review_chain
    if (ReportState if isinstance(item, Report) else State)(state).is_editable:
        return Role.clerk.value, item.unit_id
    if state == State.submitted:
        return Role.reviewer.value, chain[0]["unit_id"]
    step = _approved_step(item, state)
    if step is not None:
        if step + 1 < len(chain):
            return Role.reviewer.value, chain[step + 1]["unit_id"]
        return Role.secretariat.value, chain[-1]["unit_id"]
    return None, None


def _approved_step(item: Nomination | Report, state: str | None = None) -> int | None:
    """The index in the chain of the last level that approved the item (None before any approval)."""
    state = state or item.state
    if state.endswith("_approved"):
        return chain_levels(item).index(state.removesuffix("_approved"))
    return None


def cleared_unit_id(report: Report) -> int | None:
    """The highest unit that has approved the report so far: every unit at or below it counts the report as
    accepted in its consolidated figures."""
    if report.state == ReportState.accepted:
        return report.review_chain[-1]["unit_id"]
    step = _approved_step(report)
    return None if step is None else report.review_chain[step]["unit_id"]


def fire(item: Nomination | Report, action: Action, *, actor: User, comment: str = ""):
    """Move a nomination or report by `action` and record it; raises Conflict if the state does not allow it."""
    from_state = item.state_enum
    try:
        moved = _machine_of(item).events[action.value].trigger(item)
    except (KeyError, MachineError):
        moved = False
    if not moved:
        noun = "báo cáo" if isinstance(item, Report) else "hồ sơ"
        raise Conflict(f"Không thể “{action.title}” {noun} đang ở trạng thái “{from_state.title}”.")
    item.awaiting_role, item.awaiting_unit_id = awaiting(item)
    if isinstance(item, Report):
        item.cleared_unit_id = cleared_unit_id(item)
    return record(item, action, actor=actor, comment=comment, from_state=from_state.value)


CHUNK = 500  # ids per statement, well inside every database's parameter limit


def chunked(items: list) -> Iterator[list]:
    """`items` in slices of at most CHUNK, one statement each."""
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def fire_all(nominations: list[Nomination], action: Action, *, actor: User, comment: str = "") -> None:
    """Move every one of many nominations by one action, as move_all(); raises Conflict, changing nothing the
    caller keeps, if a move is invalid or a row changed meanwhile."""
    if len(move_all(nominations, action, actor=actor, comment=comment)) != len(nominations):
        raise Conflict(STALE)


class Move(NamedTuple):
    """One nomination's move: the row it expects (state and version) and what the row becomes."""

    source: str
    version: int
    dest: str
    awaiting_role: str | None
    awaiting_unit_id: int | None


def move_all(nominations: list[Nomination], action: Action, *, actor: User, comment: str = "") -> list[Nomination]:
    """Move many distinct nominations by one action in set-based SQL, as fire() would move each: the machine
    decides every move and who is awaited next, nominations moving alike (same state, version and next awaited)
    share an UPDATE guarded by that state and version, and each moved nomination gets its history row. Gives those
    moved, in order; a row changed since it was read is left as it is, and out. Raises Conflict, moving nothing,
    if the machine refuses a move."""
    moves = {nomination.id: _move_of(nomination, action) for nomination in nominations}
    _lock_in_id_order(list(moves))
    groups: dict[Move, list[int]] = defaultdict(list)
    for nomination_id, move in moves.items():
        groups[move].append(nomination_id)
    now = utcnow()
    moved_ids = {moved for move, ids in groups.items() for chunk in chunked(ids) for moved in _update(move, chunk, now)}
    moved = [nomination for nomination in nominations if nomination.id in moved_ids]
    if moved:
        alike = {"action": action.value, "actor_id": actor.id, "comment": comment, "created_at": now}
        history = [
            alike | {"nomination_id": n.id, "from_state": moves[n.id].source, "to_state": moves[n.id].dest}
            for n in moved
        ]
        db.session.execute(insert(NominationEvent), history)
    for nomination in nominations:
        if nomination.id not in moved_ids:
            db.session.expire(nomination)  # someone else's change: read it afresh
            continue
        move = moves[nomination.id]
        for name, value in (
            ("state", move.dest),
            ("awaiting_role", move.awaiting_role),
            ("awaiting_unit_id", move.awaiting_unit_id),
            ("version", move.version + 1),
            ("updated_at", now),
        ):
            set_committed_value(nomination, name, value)
    return moved


def _lock_in_id_order(ids: list[int]) -> None:
    """On PostgreSQL, lock the rows about to move, in id order, before writing any: the UPDATEs go group by group,
    in an order that differs between two overlapping bulk actions, and each holding rows the other wants was a
    deadlock. In one order the second waits for the first to commit, then moves what is still as it read it.
    (SQLite lets one writer in at a time: the second's whole batch is refused, see stale_as_conflict.)"""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for chunk in chunked(sorted(ids)):
        # FOR NO KEY UPDATE, the lock the UPDATE itself takes: a history row being written elsewhere for one of
        # these nominations (its foreign key holds a KEY SHARE lock) does not hold the batch up.
        locked = select(Nomination.id).where(Nomination.id.in_(chunk)).order_by(Nomination.id)
        db.session.execute(locked.with_for_update(key_share=True))


def _move_of(nomination: Nomination, action: Action) -> Move:
    """The move `action` makes of the nomination, as fire() would make it; Conflict if the machine forbids it."""
    event = machine_for(chain_levels(nomination)).events.get(action.value)
    targets = event.transitions.get(nomination.state, []) if event else []
    if not targets:
        raise Conflict(
            f"Không thể “{action.title}” hồ sơ “{nomination.nominee_name}” đang ở trạng thái "
            f"“{nomination.state_enum.title}”."
        )
    dest = targets[0].dest
    return Move(nomination.state, nomination.version, dest, *awaiting(nomination, dest))


def _update(move: Move, ids: list[int], now: datetime) -> list[int]:
    """Make `move` on the rows of `ids` still in its expected state and version; gives the ids of those moved."""
    return db.session.scalars(
        update(Nomination)
        .where(Nomination.id.in_(ids), Nomination.state == move.source, Nomination.version == move.version)
        .values(
            state=move.dest,
            awaiting_role=move.awaiting_role,
            awaiting_unit_id=move.awaiting_unit_id,
            version=move.version + 1,
            updated_at=now,
        )
        .returning(Nomination.id)
        .execution_options(synchronize_session=False)
    ).all()


def record(
    item: Nomination | Report, action: Action, *, actor: User, comment: str = "", from_state: str | None = None
) -> NominationEvent | ReportEvent:
    """Append a history row in the current transaction."""
    values = {"action": action.value, "from_state": from_state, "to_state": item.state, "actor_id": actor.id}
    if isinstance(item, Report):
        entry = ReportEvent(report=item, comment=comment, **values)
    else:
        entry = NominationEvent(nomination=item, comment=comment, **values)
    db.session.add(entry)
    return entry


def mermaid(levels: tuple[str, ...], *, report: bool = False) -> str:
    """A Mermaid stateDiagram-v2 drawn from the machine's own definition, with Vietnamese labels."""
    machine = report_machine_for(levels) if report else machine_for(levels)
    titles = ReportState if report else State
    lines = ["stateDiagram-v2", "  direction LR"]
    lines += [f'  state "{titles(name).title}" as {name}' for name in machine.states]
    lines.append(f"  [*] --> {machine.initial}")
    for trigger, event in machine.events.items():
        for source, transitions in event.transitions.items():
            for transition in transitions:
                lines.append(f"  {source} --> {transition.dest}: {Action(trigger).title}")
    return "\n".join(lines)
