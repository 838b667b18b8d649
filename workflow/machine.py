"""The nomination workflow as `transitions` state machines, one per shape of review chain.

The chain is data: the units from the nominating unit up the tree to the award form's owner, keeping those
at a review level (commune, district, province). A district-era commune nomination for the district chairman's
Giấy khen climbs [commune, district]; the same nomination in a two-level province climbs [commune, province].

Each shape gets one module-level machine with no models attached; events fire on the nomination passed in,
so nothing leaks and loaded rows never fall back to the initial state.
"""

from collections import defaultdict
from functools import cache

from sqlalchemy import insert, select, update
from sqlalchemy.orm.attributes import set_committed_value
from transitions import Machine, MachineError

from workflow.errors import Conflict, ValidationError
from workflow.extensions import db
from workflow.models import AwardForm, Nomination, NominationEvent, Unit, User
from workflow.models.base import utcnow
from workflow.services import STALE
from workflow.states import REVIEW_LEVELS, Action, Role, State


def derive_chain(unit: Unit, award_form: AwardForm) -> list[dict]:
    """The review steps of `unit`'s nomination for `award_form`, bottom-up, as [{"unit_id", "level"}]."""
    ancestor_ids = unit.ancestor_ids
    if award_form.owner_unit_id not in ancestor_ids:
        raise ValidationError(
            f"“{award_form.name}” do {award_form.owner_unit.name} tặng, không phải cấp trên của {unit.name}.",
            fields={"award_form_id": "Hình thức khen thưởng không thuộc cấp trên của đơn vị đề nghị."},
        )
    upward = ancestor_ids[ancestor_ids.index(award_form.owner_unit_id) :]
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(upward)))}
    steps = [
        {"unit_id": unit_id, "level": units[unit_id].level}
        for unit_id in reversed(upward)
        if units[unit_id].level in REVIEW_LEVELS
    ]
    if not steps:
        raise ValidationError("Không xác định được cấp xét duyệt cho hình thức khen thưởng này.")
    return steps


@cache
def machine_for(levels: tuple[str, ...]) -> Machine:
    """The machine for one chain shape, e.g. ("commune", "district")."""
    approved = [State.approved(level).value for level in levels]
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
    return Machine(
        model=None, states=states, transitions=transitions, initial=State.draft.value, auto_transitions=False
    )


def chain_levels(nomination: Nomination) -> tuple[str, ...]:
    return tuple(step["level"] for step in nomination.review_chain)


def allowed_actions(nomination: Nomination) -> list[Action]:
    """Actions the machine allows from the nomination's state, whoever asks."""
    triggers = machine_for(chain_levels(nomination)).get_triggers(nomination.state)
    return [Action(trigger) for trigger in triggers]


def awaiting(nomination: Nomination) -> tuple[str | None, int | None]:
    """Who must act next on the nomination: (role, unit id), or (None, None) once it is settled."""
    state, chain = State(nomination.state), nomination.review_chain
    if state.is_editable:
        return Role.clerk.value, nomination.unit_id
    if state == State.submitted:
        return Role.reviewer.value, chain[0]["unit_id"]
    levels = chain_levels(nomination)
    if state.value.endswith("_approved"):
        step = levels.index(state.value.removesuffix("_approved"))
        if step + 1 < len(chain):
            return Role.reviewer.value, chain[step + 1]["unit_id"]
        return Role.secretariat.value, chain[-1]["unit_id"]
    return None, None


def fire(nomination: Nomination, action: Action, *, actor: User, comment: str = "") -> NominationEvent:
    """Move the nomination by `action` and record it; raises Conflict if the state does not allow it."""
    machine = machine_for(chain_levels(nomination))
    from_state = State(nomination.state)
    try:
        moved = machine.events[action.value].trigger(nomination)
    except (KeyError, MachineError):
        moved = False
    if not moved:
        raise Conflict(f"Không thể “{action.title}” hồ sơ đang ở trạng thái “{from_state.title}”.")
    nomination.awaiting_role, nomination.awaiting_unit_id = awaiting(nomination)
    return record(nomination, action, actor=actor, comment=comment, from_state=from_state.value)


# States where nobody is awaited: fire_all() moves nominations only into these.
SETTLED = (State.awarded, State.revoked, State.rejected, State.withdrawn)
CHUNK = 500  # ids per statement, well inside every database's parameter limit


def fire_all(nominations: list[Nomination], action: Action, *, actor: User, comment: str = "") -> None:
    """Move many nominations by one action in set-based SQL, as fire() would move each: the machine decides every
    move, each (from, to) pair is one UPDATE guarded by the expected state, and each nomination gets its history
    row. Raises Conflict, changing nothing the caller keeps, if a move is invalid or a row changed meanwhile."""
    moves: dict[tuple[str, str], list[Nomination]] = defaultdict(list)
    for nomination in nominations:
        event = machine_for(chain_levels(nomination)).events.get(action.value)
        targets = event.transitions.get(nomination.state, []) if event else []
        if not targets:
            raise Conflict(
                f"Không thể “{action.title}” hồ sơ “{nomination.nominee_name}” đang ở trạng thái "
                f"“{nomination.state_enum.title}”."
            )
        moves[(nomination.state, targets[0].dest)].append(nomination)
    now = utcnow()
    for (source, dest), members in moves.items():
        if State(dest) not in SETTLED:
            raise ValueError(f"fire_all() moves nominations only into settled states, not {dest}")
        for start in range(0, len(members), CHUNK):
            chunk = [n.id for n in members[start : start + CHUNK]]
            moved = db.session.execute(
                update(Nomination)
                .where(Nomination.id.in_(chunk), Nomination.state == source)
                .values(
                    state=dest,
                    awaiting_role=None,
                    awaiting_unit_id=None,
                    version=Nomination.version + 1,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if moved != len(chunk):
                raise Conflict(STALE)
        for nomination in members:
            for name, value in (
                ("state", dest),
                ("awaiting_role", None),
                ("awaiting_unit_id", None),
                ("version", nomination.version + 1),
                ("updated_at", now),
            ):
                set_committed_value(nomination, name, value)
    db.session.execute(
        insert(NominationEvent),
        [
            {
                "nomination_id": n.id,
                "action": action.value,
                "from_state": source,
                "to_state": dest,
                "actor_id": actor.id,
                "comment": comment,
                "created_at": now,
            }
            for (source, dest), members in moves.items()
            for n in members
        ],
    )


def record(
    nomination: Nomination, action: Action, *, actor: User, comment: str = "", from_state: str | None = None
) -> NominationEvent:
    """Append a history row in the current transaction."""
    entry = NominationEvent(
        nomination=nomination,
        action=action.value,
        from_state=from_state,
        to_state=nomination.state,
        actor_id=actor.id,
        comment=comment,
    )
    db.session.add(entry)
    return entry


def mermaid(levels: tuple[str, ...]) -> str:
    """A Mermaid stateDiagram-v2 drawn from the machine's own definition, with Vietnamese labels."""
    machine = machine_for(levels)
    lines = ["stateDiagram-v2", "  direction LR"]
    lines += [f'  state "{State(name).title}" as {name}' for name in machine.states]
    lines.append(f"  [*] --> {machine.initial}")
    for trigger, event in machine.events.items():
        for source, transitions in event.transitions.items():
            for transition in transitions:
                lines.append(f"  {source} --> {transition.dest}: {Action(trigger).title}")
    return "\n".join(lines)
