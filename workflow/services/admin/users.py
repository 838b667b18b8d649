"""Accounts and roles, within the subtree the actor administers."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, func, select, true

from workflow import permissions
from workflow.errors import NotFound, ValidationError
from workflow.extensions import db
from workflow.models import RoleAssignment, Unit, User
from workflow.services import auth, flush
from workflow.services.admin.common import deny, load, raise_if_errors, required_text
from workflow.services.admin.lists import contains_folded, page_of
from workflow.services.admin.units import require_administrator
from workflow.services.listing import Page
from workflow.states import Role
from workflow.text import clean, fold

ROLE_OUTSIDE_SCOPE = "Bạn không được giao vai trò tại đơn vị ngoài phạm vi quản trị của mình."


def user_page(actor: User, *, q: str | None = None, page: int = 1) -> Page:
    """One page of the accounts the actor administers, by user name; `q` matches user name or full name,
    diacritics ignored."""
    conditions = [_in_scope(actor)]
    if fold(q):
        conditions.append(contains_folded(q, User.username, User.full_name))
    return page_of(select(User).where(*conditions).order_by(User.username), page)


def _in_scope(actor: User) -> ColumnElement[bool]:
    """SQL condition: the account holds a role inside the actor's administered subtree (any account for a global
    admin)."""
    if permissions.is_global_admin(actor):
        return true()
    return User.id.in_(
        select(RoleAssignment.user_id)
        .join(Unit, RoleAssignment.unit_id == Unit.id)
        .where(permissions.subtree_filter(actor, Unit.path, Role.admin))
    )


def get_user(actor: User, user_id) -> User:
    user = load(User, user_id, "tài khoản")
    if db.session.scalar(select(User.id).where(User.id == user.id, _in_scope(actor))) is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return user


def create_user(actor: User, data: Mapping[str, Any]) -> User:
    """Create an account with roles at units the actor administers. PermissionDenied for non-administrators."""
    require_administrator(actor)
    errors: dict[str, str] = {}
    if not permissions.is_global_admin(actor) and not any(r.get("role") for r in data.get("roles") or []):
        errors["roles"] = "Giao ít nhất một vai trò tại đơn vị thuộc phạm vi quản trị của bạn."
    username = required_text(data, "username", "tên đăng nhập", errors, 80).lower()
    if username and db.session.scalar(select(User).where(func.lower(User.username) == username)):
        errors["username"] = f"Tên đăng nhập “{username}” đã có."
    _check_password(data.get("password"), errors)
    raise_if_errors(errors)
    user = User(username=username, full_name=clean(data.get("full_name")) or username, active=True)
    auth.set_password(user, data["password"])
    db.session.add(user)
    set_roles(actor, user, data.get("roles") or [])
    flush()
    return user


def update_user(actor: User, user: User, data: Mapping[str, Any]) -> User:
    """Change name, active flag, password (if given) and roles (if given).

    PermissionDenied unless the account holds a role in the actor's scope; its name, password and active flag
    only change if every role it holds is in the actor's scope (a district admin cannot lock out or take over a
    provincial account that also holds a role in the district)."""
    if not _administers_account(actor, user, fully=False):
        deny("Tài khoản này không thuộc phạm vi quản trị của bạn.")
    if _changes_identity(user, data) and not _administers_account(actor, user, fully=True):
        deny(
            "Tài khoản này còn giữ vai trò ngoài phạm vi quản trị của bạn: chỉ quản trị cấp trên mới được "
            "đổi tên, đặt lại mật khẩu hoặc khóa tài khoản."
        )
    errors: dict[str, str] = {}
    if data.get("password"):
        _check_password(data["password"], errors)
    raise_if_errors(errors)
    if "full_name" in data:
        user.full_name = clean(data["full_name"]) or user.username
    if "active" in data:
        if user.id == actor.id and not data["active"]:
            raise ValidationError("Không thể tự khóa tài khoản của chính mình.")
        user.active = bool(data["active"])
        if user.active:
            auth.unlock(user)  # saving an account as active also lifts a lock-out after wrong passwords
        else:
            auth.end_every_session(user)  # so that reactivating the account revives none of them
    if data.get("password"):
        auth.set_password(user, data["password"])  # also signs the user out everywhere
    if data.get("roles") is not None:
        set_roles(actor, user, data["roles"])
    flush()
    return user


def set_roles(actor: User, user: User, roles: list[Mapping[str, Any]]) -> None:
    """Replace the user's roles within the actor's scope; roles outside it are kept untouched."""
    wanted = set()
    for entry in roles:
        role = entry.get("role")
        if role not in {r.value for r in Role}:
            message = f"Vai trò “{role}” không hợp lệ."
            raise ValidationError(message, fields={"roles": message})
        unit = load(Unit, entry["unit_id"], "đơn vị") if entry.get("unit_id") else None
        if unit is None and role != Role.admin:
            message = f"Vai trò {Role(role).title} cần gắn với một đơn vị."
            raise ValidationError(message, fields={"roles": message})
        if not permissions.can_administer(actor, unit):
            deny(ROLE_OUTSIDE_SCOPE)
        wanted.add((role, unit.id if unit else None))
    for assignment in list(user.roles):
        if permissions.can_administer(actor, assignment.unit) and (assignment.role, assignment.unit_id) not in wanted:
            user.roles.remove(assignment)
    held = {(a.role, a.unit_id) for a in user.roles}
    for role, unit_id in sorted(wanted - held, key=str):
        user.roles.append(RoleAssignment(role=role, unit_id=unit_id))


def _check_password(password: str | None, errors: dict[str, str]) -> None:
    if problem := auth.password_problem(password):
        errors["password"] = problem


def _administers_account(actor: User, user: User, *, fully: bool) -> bool:
    """Does the actor administer one (or, `fully`, every) role the account holds?"""
    if permissions.is_global_admin(actor):
        return True
    inside = [permissions.can_administer(actor, a.unit) for a in user.roles]
    return bool(inside) and (all(inside) if fully else any(inside))


def _changes_identity(user: User, data: Mapping[str, Any]) -> bool:
    return (
        bool(data.get("password"))
        or ("active" in data and bool(data["active"]) != user.active)
        or ("full_name" in data and (clean(data["full_name"]) or user.username) != user.full_name)
    )
