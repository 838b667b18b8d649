"""Accounts and roles, within the subtree the actor administers."""

import unicodedata
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from workflow import permissions
from workflow.errors import Conflict, NotFound, ValidationError
from workflow.extensions import db
from workflow.models import AccountEvent, RoleAssignment, Unit, User
from workflow.services import auth, flush
from workflow.services.admin.common import deny, load, raise_if_errors
from workflow.services.admin.lists import contains_folded, page_of
from workflow.services.admin.units import require_administrator
from workflow.services.listing import Page
from workflow.states import AccountAction, Role
from workflow.text import clean, fold

ROLE_OUTSIDE_SCOPE = "Bạn không được giao vai trò tại đơn vị ngoài phạm vi quản trị của mình."
OWN_ROLES = (
    "Bạn không thể tự giao, đổi hoặc bỏ vai trò của chính mình: nhờ một quản trị viên khác (cấp trên của bạn) "
    "làm việc này."
)
NOT_FULLY_ADMINISTERED = (
    "Tài khoản này còn giữ vai trò ngoài phạm vi quản trị của bạn: chỉ quản trị cấp trên mới được "
    "đổi tên, đặt lại mật khẩu, khóa hoặc mở khóa tài khoản này."
)
USERNAME_MAX = 80
USERNAME_RULE = (
    "Chỉ gồm chữ cái không dấu a–z, chữ số và các dấu . _ -, bắt đầu bằng chữ cái hoặc chữ số, "
    f"tối đa {USERNAME_MAX} ký tự (chữ hoa được đổi thành chữ thường)."
)
_USERNAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


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
    return User.id.in_(_account_ids_in_scope(actor))


def _account_ids_in_scope(actor: User):
    """The ids of the accounts holding a role inside the actor's administered subtree."""
    held = aliased(Unit)
    return (
        select(RoleAssignment.user_id)
        .join(held, RoleAssignment.unit_id == held.id)
        .where(permissions.subtree_filter(actor, held.path, Role.admin))
    )


def get_user(actor: User, user_id) -> User:
    user = load(User, user_id, "tài khoản")
    if db.session.scalar(select(User.id).where(User.id == user.id, _in_scope(actor))) is None:
        raise NotFound("Không tìm thấy tài khoản.")
    return user


def create_user(actor: User, data: Mapping[str, Any]) -> User:
    """Create an account with roles at units the actor administers, recorded. PermissionDenied for
    non-administrators; ValidationError for a username outside USERNAME_RULE or taken in any case."""
    require_administrator(actor)
    errors: dict[str, str] = {}
    if not permissions.is_global_admin(actor) and not any(r.get("role") for r in data.get("roles") or []):
        errors["roles"] = "Giao ít nhất một vai trò tại đơn vị thuộc phạm vi quản trị của bạn."
    username = _username(data.get("username"), errors)
    taken = f"Tên đăng nhập “{username}” đã có."
    if username and db.session.scalar(select(User).where(func.lower(User.username) == username)):
        errors["username"] = taken
    _check_password(data.get("password"), errors)
    raise_if_errors(errors)
    user = User(username=username, full_name=clean(data.get("full_name")) or username, active=True)
    auth.set_password(user, data["password"])
    try:
        with db.session.begin_nested():
            db.session.add(user)
            flush()
    except IntegrityError as exc:  # another administrator took the name a moment ago (the index on lower(username))
        raise ValidationError(taken, fields={"username": taken}) from exc
    _record(actor, user, AccountAction.created)
    set_roles(actor, user, data.get("roles") or [])
    flush()
    return user


def _username(value: str | None, errors: dict[str, str]) -> str:
    """The username as stored: upper-case ASCII letters lower-cased. Anything else that USERNAME_RULE does not
    allow (a letter with a diacritic, a Cyrillic look-alike, an invisible character, a space) puts a message in
    `errors` saying which character it is: the name would look like another one in every list."""
    # Not text.clean(), which drops invisible characters: here one is refused, so nobody gets a name unawares.
    typed = unicodedata.normalize("NFC", value or "").strip()
    username = "".join(ch.lower() if "A" <= ch <= "Z" else ch for ch in typed)
    wrong = next((ch for ch in username if ch not in _USERNAME_CHARACTERS), None)
    if not username:
        errors["username"] = "Vui lòng nhập tên đăng nhập."
    elif wrong is not None:
        errors["username"] = f"Tên đăng nhập không được chứa {_named(wrong)}. {USERNAME_RULE}"
    elif len(username) > USERNAME_MAX:
        errors["username"] = f"Tên đăng nhập tối đa {USERNAME_MAX} ký tự."
    elif not username[0].isalnum():
        errors["username"] = f"Tên đăng nhập phải bắt đầu bằng chữ cái hoặc chữ số. {USERNAME_RULE}"
    return username


def _named(ch: str) -> str:
    """A character as a message can show it: an invisible one by its code point, a look-alike with it."""
    if ch == " ":
        return "dấu cách"
    if not ch.isprintable() or ch.isspace() or unicodedata.category(ch) in ("Cf", "Mn", "Me"):
        return f"ký tự ẩn U+{ord(ch):04X}"
    return f"“{ch}”" if ch.isascii() else f"“{ch}” (U+{ord(ch):04X})"


def update_user(actor: User, user: User, data: Mapping[str, Any]) -> User:
    """Change name, active flag, password (if given) and roles (if given); a change of the flag, a new password
    and each role given or taken away are recorded.

    PermissionDenied unless the account holds a role in the actor's scope; its name, password and active flag
    only change if every role it holds is in the actor's scope (a district admin cannot lock out or take over a
    provincial account that also holds a role in the district). Saving never lifts a lock-out: unlock_user does."""
    if not _administers_account(actor, user, fully=False):
        deny("Tài khoản này không thuộc phạm vi quản trị của bạn.")
    if _changes_identity(user, data) and not _administers_account(actor, user, fully=True):
        deny(NOT_FULLY_ADMINISTERED)
    errors: dict[str, str] = {}
    if data.get("password"):
        _check_password(data["password"], errors)
    raise_if_errors(errors)
    if "full_name" in data:
        user.full_name = clean(data["full_name"]) or user.username
    if "active" in data and bool(data["active"]) != user.active:
        if user.id == actor.id and not data["active"]:
            raise ValidationError("Không thể tự khóa tài khoản của chính mình.")
        user.active = bool(data["active"])
        if not user.active:
            auth.end_every_session(user)  # so that reactivating the account revives none of them
        _record(actor, user, AccountAction.reactivated if user.active else AccountAction.deactivated)
    if data.get("password"):
        _reset_password(actor, user, data["password"])
    if data.get("roles") is not None:
        set_roles(actor, user, data["roles"])
    flush()
    return user


def _reset_password(actor: User, user: User, password: str) -> None:
    locked = user.lock_ends is not None
    auth.set_password(user, password)  # also signs the user out everywhere and lifts a lock-out
    _record(actor, user, AccountAction.password_reset)
    if locked:
        _record(actor, user, AccountAction.unlocked)


def unlock_user(actor: User, user: User) -> User:
    """Lift the lock-out that wrong passwords put on the account, recorded. PermissionDenied unless the actor
    administers every role the account holds; Conflict if the account is not locked out (any more)."""
    if not _administers_account(actor, user, fully=True):
        deny(NOT_FULLY_ADMINISTERED)
    if user.lock_ends is None:
        raise Conflict(f"Tài khoản “{user.username}” không bị tạm khóa (có thể vừa hết hạn hoặc đã được mở khóa).")
    auth.unlock(user)
    _record(actor, user, AccountAction.unlocked)
    flush()
    return user


def may_unlock(actor: User, user: User) -> bool:
    """Whether the account is locked out and the actor may lift that (unlock_user)."""
    return user.lock_ends is not None and _administers_account(actor, user, fully=True)


def set_roles(actor: User, user: User, roles: list[Mapping[str, Any]]) -> None:
    """Replace the user's roles within the actor's scope, recording each one given or taken away; roles outside
    it are kept untouched. ValidationError if that changes the actor's own roles: nobody grants roles to
    themselves, a global admin included (another admin does it; the command line acts as no account)."""
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
    removed = [a for a in user.roles if permissions.can_administer(actor, a.unit) and (a.role, a.unit_id) not in wanted]
    added = sorted(wanted - {(a.role, a.unit_id) for a in user.roles}, key=str)
    if (removed or added) and actor.id is not None and user.id == actor.id:
        raise ValidationError(OWN_ROLES, fields={"roles": OWN_ROLES})
    for assignment in removed:
        user.roles.remove(assignment)
        _record(actor, user, AccountAction.role_removed, assignment.role, assignment.unit_id)
    for role, unit_id in added:
        user.roles.append(RoleAssignment(role=role, unit_id=unit_id))
        _record(actor, user, AccountAction.role_added, role, unit_id)


def _record(
    actor: User, user: User, action: AccountAction, role: str | None = None, unit_id: int | None = None
) -> None:
    """One row of the account's record. The command line's actor is no account: its rows have none."""
    db.session.add(AccountEvent(user=user, actor_id=actor.id, action=action.value, role=role, unit_id=unit_id))


def account_history(actor: User, user: User, *, limit: int = 50) -> list[AccountEvent]:
    """The latest rows of an account's record the actor may read (get_user has checked the account), newest
    first: those about the account as a whole, and the roles given or taken away in the actor's subtree."""
    query = (
        _events()
        .where(AccountEvent.user_id == user.id, _role_in_scope(actor) | AccountEvent.role.is_(None))
        .limit(limit)
    )
    return list(db.session.scalars(query))


def event_page(actor: User, *, q: str | None = None, page: int = 1) -> Page:
    """One page of the record of the accounts the actor administers, newest first: roles given or taken away at
    units of the actor's subtree, and what was done to accounts holding a role there (every row for a global
    admin). `q` matches the account's user name or full name, diacritics ignored."""
    conditions = []
    if not permissions.is_global_admin(actor):
        conditions.append(
            or_(
                and_(AccountEvent.role.is_not(None), _role_in_scope(actor)),
                and_(AccountEvent.role.is_(None), AccountEvent.user_id.in_(_account_ids_in_scope(actor))),
            )
        )
    if fold(q):
        named = select(User.id).where(contains_folded(q, User.username, User.full_name))
        conditions.append(AccountEvent.user_id.in_(named))
    return page_of(_events().where(*conditions), page)


def _events():
    return (
        select(AccountEvent)
        .outerjoin(Unit, AccountEvent.unit_id == Unit.id)
        .options(joinedload(AccountEvent.user), joinedload(AccountEvent.actor), joinedload(AccountEvent.unit))
        .order_by(AccountEvent.id.desc())
    )


def _role_in_scope(actor: User) -> ColumnElement[bool]:
    """SQL condition on a record row joined to its unit: its role's unit lies in the actor's administered subtree
    (a unit-less global admin role: only for a global admin)."""
    return permissions.subtree_filter(actor, Unit.path, Role.admin)


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
