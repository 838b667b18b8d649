"""Who may do what. The machine says whether an action is valid from a state; this says whether this
person may take it: role, unit scope (a role covers its unit's subtree), and nobody reviews what they wrote."""

from collections.abc import Iterable

from sqlalchemy import ColumnElement, false, or_, select, true

from workflow.errors import NotFound, PermissionDenied
from workflow.extensions import db
from workflow.models import Attachment, Nomination, NominationEvent, Report, ReportEvent, Unit, User
from workflow.states import AUTHORING_ACTIONS, REVIEW_ACTIONS, Action, Role


def is_global_admin(user: User) -> bool:
    return any(a.role == Role.admin and a.unit_id is None for a in user.roles)


def role_units(user: User, *roles: Role) -> list[Unit]:
    """Units where the user holds one of `roles` (global admins excluded: they have no unit)."""
    return [a.unit for a in user.roles if a.role in roles and a.unit is not None]


def has_role_over(user: User, unit: Unit, *roles: Role) -> bool:
    """True if the user holds one of `roles` at `unit` or above it."""
    if Role.admin in roles and is_global_admin(user):
        return True
    return any(held.contains(unit) for held in role_units(user, *roles))


def subtree_filter(user: User, unit_column, *roles: Role) -> ColumnElement[bool]:
    """SQL condition: the unit behind `unit_column`'s join lies in a subtree where the user holds a role."""
    roles = roles or tuple(Role)
    if Role.admin in roles and is_global_admin(user):
        return true()
    paths = {unit.path for unit in role_units(user, *roles)}
    if not paths:
        return false()
    return or_(*(unit_column.startswith(path) for path in sorted(paths)))


def on_line(user: User, unit: Unit) -> bool:
    """True if `unit` is at or above one of the user's units, or below one: where the campaigns, award forms and
    review periods that concern the user's units come from."""
    return is_global_admin(user) or any(unit.contains(held) or held.contains(unit) for held in role_units(user, *Role))


def line_filter(user: User, unit_id_column, unit_path_column) -> ColumnElement[bool]:
    """SQL twin of on_line(): the unit behind the columns lies on the line of one of the user's units."""
    if is_global_admin(user):
        return true()
    held = role_units(user, *Role)
    if not held:
        return false()
    above = sorted({unit_id for unit in held for unit_id in unit.ancestor_ids})
    below = sorted({unit.path for unit in held})
    return or_(unit_id_column.in_(above), *(unit_path_column.startswith(path) for path in below))


def can_view(user: User, nomination: Nomination) -> bool:
    return has_role_over(user, nomination.unit, *Role)


def require_visible(user: User, nomination: Nomination | None) -> Nomination:
    """The nomination if the user may see it; otherwise NotFound, so other units' ids leak nothing."""
    if nomination is None or not can_view(user, nomination):
        raise NotFound("Không tìm thấy hồ sơ đề nghị.")
    return nomination


def can_manage_for(user: User, unit: Unit) -> bool:
    """May the user draft and edit nominations for `unit`?"""
    return has_role_over(user, unit, Role.clerk)


def edit_denial(user: User, nomination: Nomination) -> str | None:
    if not can_manage_for(user, nomination.unit):
        return "Chỉ cán bộ của đơn vị đề nghị mới được sửa hồ sơ."
    if not nomination.state_enum.is_editable:
        return f"Hồ sơ đang ở trạng thái “{nomination.state_enum.title}”, không thể sửa."
    return None


def action_denial(user: User, nomination: Nomination, action: Action, *, wrote: bool | None = None) -> str | None:
    """Why `user` may not take `action` on the nomination now (None: they may). State validity aside. `wrote`:
    whether the user wrote the nomination (authored()), where the caller knows it already."""
    if action in REVIEW_ACTIONS:
        return _review_denial(user, nomination, "hồ sơ", wrote)
    if action in (Action.submit, Action.withdraw):
        if not can_manage_for(user, nomination.unit):
            return "Chỉ cán bộ của đơn vị đề nghị mới được gửi hoặc rút hồ sơ."
        return None
    return "Thao tác này không thực hiện trực tiếp trên hồ sơ."


def report_action_denial(user: User, report: Report, action: Action) -> str | None:
    """The same rules for a review-period report: its unit's clerks submit, the awaited level's leaders review,
    and nobody reviews a report they wrote."""
    if action in REVIEW_ACTIONS:
        return _review_denial(user, report, "báo cáo", None)
    if action == Action.submit:
        if not can_manage_for(user, report.unit):
            return "Chỉ cán bộ của đơn vị báo cáo mới được gửi báo cáo."
        return None
    return "Thao tác này không thực hiện trên báo cáo."


def permitted(user: User, item: Nomination | Report, actions: Iterable[Action]) -> list[Action]:
    """Those of `actions` the user may take on the nomination or report now, state validity aside. The review
    actions share one rule, asked once: whether the user wrote the item is a query."""
    denial = report_action_denial if isinstance(item, Report) else action_denial
    actions = list(actions)
    reviews = [action for action in actions if action in REVIEW_ACTIONS]
    may_review = bool(reviews) and denial(user, item, reviews[0]) is None
    return [a for a in actions if (may_review if a in REVIEW_ACTIONS else denial(user, item, a) is None)]


def _review_denial(user: User, item: Nomination | Report, noun: str, wrote: bool | None) -> str | None:
    if item.awaiting_role != Role.reviewer or not any(
        unit.id == item.awaiting_unit_id for unit in role_units(user, Role.reviewer)
    ):
        return f"Chỉ lãnh đạo của cấp đang xét duyệt {noun} mới được thực hiện thao tác này."
    if wrote is None:
        wrote = authored(user, item)
    if wrote:
        return (
            f"Không được tự duyệt {noun} mà chính mình đã lập, sửa, gửi hoặc thêm, xóa tệp đính kèm: "
            "cần một lãnh đạo khác của cấp này xét duyệt."
        )
    return None


def authored(user: User, item: Nomination | Report) -> bool:
    """Has the user written any of the item's content, at any time in its life: created, edited, submitted or
    resubmitted it, added or removed an attachment? Whoever has never reviews it, at any level. Asked of the
    database through authored_filter(), so that pages, API, bulk actions and inboxes read one rule."""
    return bool(authored_among(user, type(item), [item.id]))


def authored_among(user: User, model: type[Nomination] | type[Report], ids: list[int]) -> set[int]:
    """Those of `ids` (nominations, or reports: `model`) that the user wrote, as authored() says, in one query."""
    if not ids:
        return set()
    return set(db.session.scalars(select(model.id).where(model.id.in_(ids), authored_filter(user, model))))


# Where each kind of item records who wrote it: its history rows, and its attachments' uploaders.
_WRITTEN_IN = {
    Nomination: (NominationEvent.nomination_id, Attachment.nomination_id),
    Report: (ReportEvent.report_id, Attachment.report_id),
}


def authored_filter(user: User, model: type[Nomination] | type[Report]) -> ColumnElement[bool]:
    """SQL twin of authored(): the nomination or report (`model`) is one the user wrote, as its history records
    (a row of theirs whose action is one of AUTHORING_ACTIONS) or an attachment names its uploader (uploads made
    before they were recorded in the history). Not correlated: negated, it is a NOT IN whose subquery runs once,
    from the indexes ix_nomination_events_author, ix_report_events_author and ix_attachments_uploaded_by."""
    history, attached_to = _WRITTEN_IN[model]
    events = history.class_
    written = select(history).where(events.actor_id == user.id, events.action.in_(AUTHORING_ACTIONS))
    # An attachment of the other kind of item has no owner of this kind: a NULL in a NOT IN list matches nothing.
    uploaded = select(attached_to).where(Attachment.uploaded_by_id == user.id, attached_to.is_not(None))
    return model.id.in_(written.union(uploaded))


def require(denial: str | None) -> None:
    if denial:
        raise PermissionDenied(denial)


def can_administer(user: User, unit: Unit | None) -> bool:
    """Admins manage their subtree; only a global admin manages the roots (unit None)."""
    if is_global_admin(user):
        return True
    return unit is not None and has_role_over(user, unit, Role.admin)


def can_manage_awards(user: User, unit: Unit) -> bool:
    """Award forms and campaigns: the unit's secretariat or an admin over it."""
    return has_role_over(user, unit, Role.secretariat, Role.admin)


def can_manage_periods(user: User, unit: Unit) -> bool:
    """Review periods a unit collects: its secretariat or an admin over it."""
    return can_manage_awards(user, unit)
