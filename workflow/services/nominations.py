"""Creating, editing and moving nominations through the workflow."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import lazyload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from workflow import clock, machine, permissions
from workflow.errors import Conflict, DomainError, ValidationError
from workflow.extensions import db
from workflow.models import AwardForm, Campaign, Nomination, Unit, User
from workflow.permissions import require
from workflow.services import STALE, action_named, admin, check_version, flush, stale_as_conflict
from workflow.states import REVIEW_ACTIONS, USER_ACTIONS, Action, NomineeKind, Role, State
from workflow.text import clean, fold, grouped

NAME_MAX, POSITION_MAX, ACHIEVEMENTS_MAX = 500, 500, 20_000
EDITABLE_FIELDS = (
    "campaign_id",
    "award_form_id",
    "unit_id",
    "nominee_kind",
    "nominee_name",
    "position",
    "achievements",
)


def get(actor: User, nomination_id: int) -> Nomination:
    """The nomination, if the actor may see it; NotFound otherwise."""
    return permissions.require_visible(actor, db.session.get(Nomination, nomination_id))


def create(actor: User, data: Mapping[str, Any], *, today: date | None = None) -> Nomination:
    """Draft a nomination for a unit in the actor's scope, in a campaign still taking nominations `today` (the
    office's by default). Raises ValidationError, PermissionDenied."""
    values = _validated(actor, data, today or clock.today())
    nomination = Nomination(created_by_id=actor.id, state=State.draft.value, **values)
    nomination.review_chain = machine.derive_chain(nomination.unit, nomination.award_form)
    nomination.awaiting_role, nomination.awaiting_unit_id = machine.awaiting(nomination)
    db.session.add(nomination)
    flush()
    machine.record(nomination, Action.create, actor=actor)
    flush()
    return nomination


def update(
    actor: User, nomination: Nomination, data: Mapping[str, Any], *, version: int | None, today: date | None = None
) -> Nomination:
    """Edit a draft or returned nomination; its campaign, once past the deadline, is kept but not chosen anew.
    Raises Conflict when stale or not editable, ValidationError."""
    require_editable(actor, nomination)
    check_version(nomination.version, version)
    merged = {name: getattr(nomination, name) for name in EDITABLE_FIELDS} | {
        key: value for key, value in data.items() if key in EDITABLE_FIELDS
    }
    for name, value in _validated(actor, merged, today or clock.today(), kept=nomination.campaign_id).items():
        setattr(nomination, name, value)
    nomination.review_chain = machine.derive_chain(nomination.unit, nomination.award_form)
    nomination.awaiting_role, nomination.awaiting_unit_id = machine.awaiting(nomination)
    machine.record(nomination, Action.edit, actor=actor, from_state=nomination.state)
    flush()
    return nomination


def campaigns_offered(actor: User, current: Campaign | None = None, *, today: date | None = None) -> list[Campaign]:
    """The campaigns a nomination may be filed in: those on the actor's line still taking nominations `today` (the
    office's by default), newest first, and `current`, a nomination's own even once closed: editing its other
    fields never fails on it."""
    today = today or clock.today()
    offered = [c for c in admin.visible_campaigns(actor) if c.is_open_on(today) or c == current]
    return offered if current is None or current in offered else [*offered, current]


def may_draft(actor: User) -> bool:
    """Whether the actor is a clerk somewhere, the only role that drafts nominations."""
    return bool(permissions.role_units(actor, Role.clerk))


def require_drafter(actor: User) -> None:
    """PermissionDenied unless the actor may draft nominations (may_draft)."""
    require(None if may_draft(actor) else "Chỉ cán bộ đơn vị mới được lập hồ sơ đề nghị.")


def require_editable(actor: User, nomination: Nomination) -> None:
    """PermissionDenied unless the actor is a clerk over the nominating unit; then Conflict if the
    nomination's state no longer allows changes (its content or its attachments)."""
    require(None if permissions.can_manage_for(actor, nomination.unit) else permissions.edit_denial(actor, nomination))
    if not nomination.state_enum.is_editable:
        raise Conflict(f"Hồ sơ đang ở trạng thái “{nomination.state_enum.title}”, không thể sửa.")


def perform(
    actor: User,
    nomination: Nomination,
    action: str,
    *,
    comment: str = "",
    version: int | None = None,
    today: date | None = None,
) -> Nomination:
    """Take a workflow action. Raises Conflict (wrong state, stale), PermissionDenied, ValidationError."""
    action = action_named(action, USER_ACTIONS)
    check_version(nomination.version, version)
    comment = clean(comment)
    _require_allowed(actor, nomination, action)
    _require_reason(action, comment)
    if action == Action.submit:
        _prepare_submission(actor, nomination, today or clock.today())
    machine.fire(nomination, action, actor=actor, comment=comment)
    flush()
    return nomination


def _require_allowed(actor: User, nomination: Nomination, action: Action, *, wrote: bool | None = None) -> None:
    """Conflict if the nomination's state does not allow `action`; then PermissionDenied if the actor may not
    (`wrote`: whether they wrote it, where known already, see permissions.action_denial)."""
    if action not in machine.allowed_actions(nomination):
        raise Conflict(f"Không thể “{action.title}” hồ sơ đang ở trạng thái “{nomination.state_enum.title}”.")
    require(permissions.action_denial(actor, nomination, action, wrote=wrote))


def _require_reason(action: Action, comment: str) -> None:
    if action.needs_reason and not comment:
        raise ValidationError(
            f"Cần ghi rõ lý do khi “{action.title.lower()}”.", fields={"comment": "Vui lòng nhập lý do."}
        )


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict, compare=False)  # of those the actor may see, by id


def perform_many(actor: User, ids: Iterable[int], action: str, *, comment: str = "") -> BulkResult:
    """Take one action on many nominations; each is done or skipped with the reason perform() would give,
    independently. Reviews and withdrawals move in set-based SQL (machine.move_all), a few statements however many
    there are; submissions, each prepared on its own, one by one. Raises ValidationError for a missing reason or
    ids that are not ids."""
    action = action_named(action, USER_ACTIONS)
    comment = clean(comment)
    _require_reason(action, comment)
    try:
        ids = list(dict.fromkeys(int(i) for i in ids))
    except (TypeError, ValueError):
        raise ValidationError("Danh sách hồ sơ không hợp lệ.", fields={"ids": "Cần các mã hồ sơ là số."}) from None
    found = _load_many(ids, lean=action != Action.submit)
    written = _written(actor, list(found)) if action in REVIEW_ACTIONS else set()
    skipped: dict[int, str] = {}
    ready: list[Nomination] = []
    names: dict[int, str] = {}
    for nomination_id in ids:
        try:
            nomination = permissions.require_visible(actor, found.get(nomination_id))
            names[nomination_id] = nomination.nominee_name
            if action == Action.submit:
                with db.session.begin_nested():
                    perform(actor, nomination, action, comment=comment)
            else:
                _require_allowed(actor, nomination, action, wrote=nomination.id in written)
                ready.append(nomination)
        except DomainError as error:
            skipped[nomination_id] = error.message
    moved = _move_all(actor, ready, action, comment)
    skipped |= {n.id: STALE for n in ready if n.id not in moved}
    return BulkResult(
        done=[i for i in ids if i not in skipped],
        skipped=[{"id": i, "reason": skipped[i]} for i in ids if i in skipped],
        names=names,
    )


# What the checks and the machine read of a nomination under review: the bulk path loads nothing else.
CHECKED = (
    Nomination.id,
    Nomination.unit_id,
    Nomination.nominee_name,
    Nomination.state,
    Nomination.version,
    Nomination.review_chain,
    Nomination.awaiting_role,
    Nomination.awaiting_unit_id,
)


def _load_many(ids: list[int], *, lean: bool) -> dict[int, Nomination]:
    """The nominations of `ids` that exist, by id, a query per machine.CHUNK ids. Lean: only the CHECKED columns,
    and their units in one more query (what the permission checks read), instead of every column and join."""
    query = select(Nomination).options(load_only(*CHECKED), lazyload("*")) if lean else select(Nomination)
    found = {}
    for chunk in machine.chunked(ids):
        found |= {n.id: n for n in db.session.scalars(query.where(Nomination.id.in_(chunk)))}
    if lean:
        units = {}
        for chunk in machine.chunked(sorted({n.unit_id for n in found.values()})):
            units |= {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(chunk)))}
        for nomination in found.values():
            set_committed_value(nomination, "unit", units[nomination.unit_id])
    return found


def _written(actor: User, ids: list[int]) -> set[int]:
    """Those of `ids` the actor wrote (permissions.authored), asked once for the batch: a query per machine.CHUNK."""
    return {i for chunk in machine.chunked(ids) for i in permissions.authored_among(actor, Nomination, chunk)}


def _move_all(actor: User, ready: list[Nomination], action: Action, comment: str) -> set[int]:
    """The ids machine.move_all() moved, under a savepoint: if the database refuses the writes (SQLite, when
    another writer got in first), nothing moves and every one counts as lost to that writer."""
    if not ready:
        return set()
    try:
        with db.session.begin_nested(), stale_as_conflict():
            return {n.id for n in machine.move_all(ready, action, actor=actor, comment=comment)}
    except Conflict:
        return set()


def available_actions(actor: User, nomination: Nomination) -> list[Action]:
    """What this actor can do to the nomination now."""
    allowed = [action for action in machine.allowed_actions(nomination) if action in USER_ACTIONS]
    return permissions.permitted(actor, nomination, allowed)


def _prepare_submission(actor: User, nomination: Nomination, today: date) -> None:
    campaign = nomination.campaign
    if not campaign.is_open_on(today):
        raise ValidationError(_closed(campaign))
    if not nomination.achievements.strip():
        raise ValidationError(
            "Chưa có tóm tắt thành tích: cần nhập trước khi gửi.",
            fields={"achievements": "Vui lòng nhập tóm tắt thành tích."},
        )
    nomination.review_chain = machine.derive_chain(nomination.unit, nomination.award_form)
    nomination.submitted_by_id = actor.id


def _closed(campaign: Campaign) -> str:
    return f"Đợt thi đua “{campaign.title}” đã hết hạn nhận đề nghị ({campaign.nomination_deadline:%d/%m/%Y})."


def _validated(actor: User, data: Mapping[str, Any], today: date, *, kept: int | None = None) -> dict[str, Any]:
    """Check and normalise the editable fields; the campaign must take nominations `today` unless it is `kept` (the
    nomination's own). Collects every field error before raising."""
    errors: dict[str, str] = {}
    unit = _load(Unit, data.get("unit_id"), "unit_id", "Đơn vị", errors)
    campaign = _load(Campaign, data.get("campaign_id"), "campaign_id", "Đợt thi đua", errors)
    award_form = _load(AwardForm, data.get("award_form_id"), "award_form_id", "Hình thức khen thưởng", errors)
    kind = data.get("nominee_kind")
    if kind not in (NomineeKind.collective, NomineeKind.individual):
        errors["nominee_kind"] = "Chọn tập thể hoặc cá nhân."
    name = clean(data.get("nominee_name"))
    position = clean(data.get("position"))
    achievements = clean(data.get("achievements"))
    if not name:
        errors["nominee_name"] = "Vui lòng nhập tên tập thể hoặc cá nhân được đề nghị."
    for key, value, limit in (
        ("nominee_name", name, NAME_MAX),
        ("position", position, POSITION_MAX),
        ("achievements", achievements, ACHIEVEMENTS_MAX),
    ):
        if len(value) > limit:
            errors[key] = f"Tối đa {grouped(limit)} ký tự (đang có {grouped(len(value))})."
    if unit and not permissions.can_manage_for(actor, unit):
        errors["unit_id"] = "Bạn không được lập hồ sơ cho đơn vị này."
    elif unit and campaign and not campaign.owner_unit.contains(unit):  # names the unit: only one of the actor's
        errors["campaign_id"] = f"Đợt thi đua này của {campaign.owner_unit.name}, không áp dụng cho {unit.name}."
    if campaign and "campaign_id" not in errors and campaign.id != kept and not campaign.is_open_on(today):
        errors["campaign_id"] = _closed(campaign)
    if campaign and award_form and award_form not in campaign.award_forms:
        errors["award_form_id"] = "Đợt thi đua này không xét hình thức khen thưởng đã chọn."
    if award_form and "nominee_kind" not in errors and not award_form.accepts(kind):
        errors["nominee_kind"] = f"“{award_form.name}” không xét {NomineeKind(kind).title.lower()}."
    if errors:
        raise ValidationError("Thông tin hồ sơ chưa hợp lệ: " + "; ".join(errors.values()), fields=errors)
    return {
        "unit": unit,
        "unit_id": unit.id,
        "campaign": campaign,
        "campaign_id": campaign.id,
        "award_form": award_form,
        "award_form_id": award_form.id,
        "nominee_kind": kind,
        "nominee_name": name,
        "nominee_search": fold(name),
        "position": position,
        "achievements": achievements,
    }


def _load(model, raw_id, key: str, label: str, errors: dict[str, str]):
    try:
        obj = db.session.get(model, int(raw_id)) if raw_id not in (None, "") else None
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        errors[key] = f"{label} không hợp lệ hoặc chưa được chọn."
    return obj
