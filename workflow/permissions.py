"""Who may do what. The machine says whether an action is valid from a state; this says whether this
person may take it: role, unit scope (a role covers its unit's subtree), and no self-approval."""

from sqlalchemy import ColumnElement, false, or_, true

from workflow.errors import NotFound, PermissionDenied
from workflow.models import Nomination, Report, Unit, User
from workflow.states import REVIEW_ACTIONS, Action, Role


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


def action_denial(user: User, nomination: Nomination, action: Action) -> str | None:
    """Why `user` may not take `action` on the nomination now (None: they may). State validity aside."""
    if action in REVIEW_ACTIONS:
        return _review_denial(user, nomination, "hồ sơ")
    if action in (Action.submit, Action.withdraw):
        if not can_manage_for(user, nomination.unit):
            return "Chỉ cán bộ của đơn vị đề nghị mới được gửi hoặc rút hồ sơ."
        return None
    return "Thao tác này không thực hiện trực tiếp trên hồ sơ."


def report_action_denial(user: User, report: Report, action: Action) -> str | None:
    """The same rules for a review-period report: its unit's clerks submit, the awaited level's leaders review,
    and nobody approves a report they wrote or sent."""
    if action in REVIEW_ACTIONS:
        return _review_denial(user, report, "báo cáo")
    if action == Action.submit:
        if not can_manage_for(user, report.unit):
            return "Chỉ cán bộ của đơn vị báo cáo mới được gửi báo cáo."
        return None
    return "Thao tác này không thực hiện trên báo cáo."


def _review_denial(user: User, item: Nomination | Report, noun: str) -> str | None:
    if item.awaiting_role != Role.reviewer or not any(
        unit.id == item.awaiting_unit_id for unit in role_units(user, Role.reviewer)
    ):
        return f"Chỉ lãnh đạo của cấp đang xét duyệt {noun} mới được thực hiện thao tác này."
    if user.id in (item.created_by_id, item.submitted_by_id):
        return f"Không được tự duyệt {noun} do chính mình lập hoặc gửi."
    return None


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
