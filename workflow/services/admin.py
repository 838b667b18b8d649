"""Administration: the unit tree, accounts and roles, award forms, campaigns. Scoped to the actor's subtree."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from workflow import permissions
from workflow.errors import NotFound, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.models import AwardForm, Campaign, RoleAssignment, Unit, User
from workflow.services import flush
from workflow.states import ALLOWED_PARENTS, REVIEW_LEVELS, Level, NomineeKind, Role
from workflow.text import clean, fold

PASSWORD_MIN = 8
DEFAULT_SYMBOL = "QĐ-UBND"


def system_actor() -> User:
    """An unsaved global administrator for the command line and the demo loader (who owns the server)."""
    return User(
        username="system",
        full_name="Hệ thống",
        password_hash="!",
        active=True,
        roles=[RoleAssignment(role=Role.admin.value, unit_id=None)],
    )


def _deny(message: str = "Bạn không có quyền quản trị đơn vị này.") -> None:
    raise PermissionDenied(message)


def _get(model, raw_id, label: str):
    try:
        obj = db.session.get(model, int(raw_id))
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        raise NotFound(f"Không tìm thấy {label}.")
    return obj


def _required(data: Mapping[str, Any], key: str, label: str, errors: dict, limit: int = 255) -> str:
    value = clean(data.get(key))
    if not value:
        errors[key] = f"Vui lòng nhập {label}."
    elif len(value) > limit:
        errors[key] = f"{label.capitalize()} tối đa {limit} ký tự."
    return value


def _raise_if(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError("Thông tin chưa hợp lệ: " + "; ".join(errors.values()), fields=errors)


# Units ------------------------------------------------------------------------------------------------------


def unit_by_code(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == clean(code)))
    if unit is None:
        raise NotFound(f"Không có đơn vị mã “{code}”.")
    return unit


def create_unit(actor: User, data: Mapping[str, Any]) -> Unit:
    """Add a unit under a parent the actor administers (a root needs a global admin)."""
    parent = _get(Unit, data["parent_id"], "đơn vị cấp trên") if data.get("parent_id") else None
    if not permissions.can_administer(actor, parent):
        _deny()
    unit = Unit(**_unit_values(data, parent, current=None), parent=parent, path="")
    db.session.add(unit)
    flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    flush()
    return unit


def update_unit(actor: User, unit: Unit, data: Mapping[str, Any]) -> Unit:
    """Rename, recode or move a unit (e.g. a commune under its province after the 2025 reform)."""
    if not permissions.can_administer(actor, unit):
        _deny()
    parent = _get(Unit, data["parent_id"], "đơn vị cấp trên") if data.get("parent_id") else None
    if parent is not None and unit.contains(parent):
        raise ValidationError(
            "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó.",
            fields={"parent_id": "Đơn vị cấp trên không hợp lệ."},
        )
    if parent != unit.parent and not permissions.can_administer(actor, parent):
        _deny("Bạn không có quyền chuyển đơn vị sang cấp trên này.")
    for key, value in _unit_values(data, parent, current=unit).items():
        setattr(unit, key, value)
    if parent != unit.parent:
        old_path, new_path = unit.path, f"{parent.path if parent else '/'}{unit.id}/"
        unit.parent = parent
        flush()
        db.session.execute(
            update(Unit)
            .where(Unit.path.startswith(old_path))
            .values(path=new_path + func.substr(Unit.path, len(old_path) + 1))
            .execution_options(synchronize_session=False)
        )
        db.session.expire_all()
    flush()
    return unit


def _unit_values(data: Mapping[str, Any], parent: Unit | None, current: Unit | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    code = _required(data, "code", "mã đơn vị", errors, 40)
    name = _required(data, "name", "tên đơn vị", errors)
    level = data.get("level") or (current.level if current else None)
    if level not in {lvl.value for lvl in Level}:
        errors["level"] = "Cấp đơn vị phải là tỉnh, huyện, xã hoặc cơ quan."
    elif (parent.level if parent else None) not in ALLOWED_PARENTS[Level(level)]:
        errors["parent_id"] = (
            f"{Level(level).title} không thể trực thuộc "
            + (Level(parent.level).title.lower() if parent else "gốc của cây đơn vị")
            + "."
        )
    if current is not None and level != current.level and "level" not in errors:
        child = db.session.scalar(
            select(Unit).where(Unit.parent_id == current.id, Unit.level.notin_(_child_levels(Level(level))))
        )
        if child is not None:
            errors["level"] = (
                f"Không thể chuyển thành {Level(level).title.lower()}: "
                f"đơn vị trực thuộc {child.name} ({child.level_enum.title.lower()}) không hợp lệ."
            )
    clash = db.session.scalar(select(Unit).where(Unit.code == code)) if code else None
    if clash is not None and clash is not current:
        errors["code"] = f"Mã “{code}” đã dùng cho {clash.name}."
    _raise_if(errors)
    return {"code": code, "name": name, "level": level}


# Users and roles ---------------------------------------------------------------------------------------------


def visible_users(actor: User) -> list[User]:
    """Accounts holding a role inside the actor's administered subtree (all accounts for a global admin)."""
    query = select(User).order_by(User.username)
    if not permissions.is_global_admin(actor):
        query = query.where(
            User.id.in_(
                select(RoleAssignment.user_id)
                .join(Unit, RoleAssignment.unit_id == Unit.id)
                .where(permissions.subtree_filter(actor, Unit.path, Role.admin))
            )
        )
    return list(db.session.scalars(query))


def get_user(actor: User, user_id) -> User:
    user = _get(User, user_id, "tài khoản")
    if user not in visible_users(actor):
        raise NotFound("Không tìm thấy tài khoản.")
    return user


def create_user(actor: User, data: Mapping[str, Any]) -> User:
    """Create an account with roles at units the actor administers. PermissionDenied for non-administrators."""
    require_administrator(actor)
    errors: dict[str, str] = {}
    if not permissions.is_global_admin(actor) and not any(r.get("role") for r in data.get("roles") or []):
        errors["roles"] = "Giao ít nhất một vai trò tại đơn vị thuộc phạm vi quản trị của bạn."
    username = _required(data, "username", "tên đăng nhập", errors, 80).lower()
    if username and db.session.scalar(select(User).where(func.lower(User.username) == username)):
        errors["username"] = f"Tên đăng nhập “{username}” đã có."
    _check_password(data.get("password"), errors)
    _raise_if(errors)
    user = User(username=username, full_name=clean(data.get("full_name")) or username, active=True)
    user.set_password(data["password"])
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
        _deny("Tài khoản này không thuộc phạm vi quản trị của bạn.")
    if _changes_identity(user, data) and not _administers_account(actor, user, fully=True):
        _deny(
            "Tài khoản này còn giữ vai trò ngoài phạm vi quản trị của bạn: chỉ quản trị cấp trên mới được "
            "đổi tên, đặt lại mật khẩu hoặc khóa tài khoản."
        )
    errors: dict[str, str] = {}
    if data.get("password"):
        _check_password(data["password"], errors)
    _raise_if(errors)
    if "full_name" in data:
        user.full_name = clean(data["full_name"]) or user.username
    if "active" in data:
        if user.id == actor.id and not data["active"]:
            raise ValidationError("Không thể tự khóa tài khoản của chính mình.")
        user.active = bool(data["active"])
    if data.get("password"):
        user.set_password(data["password"])
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
        unit = _get(Unit, entry["unit_id"], "đơn vị") if entry.get("unit_id") else None
        if unit is None and role != Role.admin:
            message = f"Vai trò {Role(role).title} cần gắn với một đơn vị."
            raise ValidationError(message, fields={"roles": message})
        if not permissions.can_administer(actor, unit):
            _deny("Bạn không được giao vai trò tại đơn vị ngoài phạm vi quản trị của mình.")
        wanted.add((role, unit.id if unit else None))
    for assignment in list(user.roles):
        if permissions.can_administer(actor, assignment.unit) and (assignment.role, assignment.unit_id) not in wanted:
            user.roles.remove(assignment)
    held = {(a.role, a.unit_id) for a in user.roles}
    for role, unit_id in sorted(wanted - held, key=str):
        user.roles.append(RoleAssignment(role=role, unit_id=unit_id))


def _check_password(password: str | None, errors: dict[str, str]) -> None:
    if not password or len(password) < PASSWORD_MIN:
        errors["password"] = f"Mật khẩu cần ít nhất {PASSWORD_MIN} ký tự."
    elif password.isdigit() or password.isalpha():
        errors["password"] = "Mật khẩu cần có cả chữ và số."


# Award forms and campaigns -----------------------------------------------------------------------------------


def visible_award_forms(actor: User) -> list[AwardForm]:
    """Award forms a nomination in the actor's scope could lead to: owned in or above their subtrees."""
    forms = db.session.scalars(select(AwardForm).order_by(AwardForm.id))
    units = permissions.role_units(actor, *Role)
    if permissions.is_global_admin(actor):
        return list(forms)
    return [f for f in forms if any(f.owner_unit.contains(u) or u.contains(f.owner_unit) for u in units)]


def save_award_form(actor: User, data: Mapping[str, Any], form: AwardForm | None = None) -> AwardForm:
    """Create or change an award form owned by a unit the actor's secretariat or admin role covers. The decision
    header fields (ISSUER_FIELDS) are optional: one left out keeps its value."""
    errors: dict[str, str] = {}
    name = _required(data, "name", "tên hình thức khen thưởng", errors)
    owner = _get(Unit, data.get("owner_unit_id"), "đơn vị tặng")
    kinds = set(data.get("nominee_kinds") or [])
    if not kinds or not kinds <= {k.value for k in NomineeKind}:
        errors["nominee_kinds"] = "Chọn ít nhất một đối tượng: tập thể, cá nhân."
    if owner.level not in REVIEW_LEVELS:
        errors["owner_unit_id"] = "Đơn vị tặng phải là cấp tỉnh, huyện hoặc xã."
    issuer = _issuer_values(data, errors)
    for unit in {owner, form.owner_unit} if form is not None else {owner}:
        if not permissions.can_manage_awards(actor, unit):
            _deny("Chỉ Thường trực HĐTĐKT hoặc quản trị của đơn vị tặng mới được quản lý hình thức này.")
    _raise_if(errors)
    form = form or AwardForm()
    form.name, form.owner_unit = name, owner
    form.accepts_collective = NomineeKind.collective in kinds
    form.accepts_individual = NomineeKind.individual in kinds
    form.criteria = clean(data.get("criteria"))
    for key, value in issuer.items():
        setattr(form, key, value)
    db.session.add(form)
    flush()
    return form


# The header, numbering and signature of the decisions that award a form: optional, each kept when not given.
ISSUER_FIELDS = {  # key → (label, length limit)
    "decision_symbol": ("ký hiệu quyết định", 40),
    "parent_body": ("cơ quan chủ quản", 255),
    "issuing_body": ("cơ quan ban hành", 255),
    "authority": ("thẩm quyền ban hành", 255),
    "signing_authority": ("quyền hạn ký", 255),
    "signer_title": ("chức vụ người ký", 255),
    "place": ("địa danh", 120),
}


def _issuer_values(data: Mapping[str, Any], errors: dict[str, str]) -> dict[str, str]:
    values = {key: clean(data[key]) for key in ISSUER_FIELDS if data.get(key) is not None}
    for key, value in values.items():
        label, limit = ISSUER_FIELDS[key]
        if len(value) > limit:
            errors[key] = f"{label.capitalize()} tối đa {limit} ký tự."
    symbol = values.get("decision_symbol")
    if symbol == "":
        values["decision_symbol"] = DEFAULT_SYMBOL
    elif symbol and ("/" in symbol or any(ch.isspace() for ch in symbol)):
        errors["decision_symbol"] = "Ký hiệu không chứa dấu “/” hay khoảng trắng, ví dụ QĐ-UBND, QĐ-CAT."
    return values


def visible_campaigns(actor: User) -> list[Campaign]:
    """Campaigns that apply to the actor's units (run in or above their subtrees), newest first."""
    campaigns = db.session.scalars(
        select(Campaign)
        .options(selectinload(Campaign.award_forms))
        .order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    )
    if permissions.is_global_admin(actor):
        return list(campaigns)
    units = permissions.role_units(actor, *Role)
    return [c for c in campaigns if any(c.owner_unit.contains(u) or u.contains(c.owner_unit) for u in units)]


def save_campaign(actor: User, data: Mapping[str, Any], campaign: Campaign | None = None) -> Campaign:
    """Create or change a campaign of a unit the actor's secretariat or admin role covers."""
    errors: dict[str, str] = {}
    title = _required(data, "title", "tên đợt thi đua", errors)
    owner = _get(Unit, data.get("owner_unit_id"), "đơn vị phát động")
    starts, ends = _date(data, "starts_on", errors), _date(data, "ends_on", errors)
    deadline = _date(data, "nomination_deadline", errors, required=False)
    if starts and ends and starts > ends:
        errors["ends_on"] = "Ngày kết thúc phải sau ngày bắt đầu."
    forms = [_get(AwardForm, i, "hình thức khen thưởng") for i in data.get("award_form_ids") or []]
    if not forms:
        errors["award_form_ids"] = "Chọn ít nhất một hình thức khen thưởng."
    for form in forms:
        if not (form.owner_unit.contains(owner) or owner.contains(form.owner_unit)):
            errors["award_form_ids"] = f"“{form.name}” không thuộc cùng tuyến với {owner.name}."
    for unit in {owner, campaign.owner_unit} if campaign is not None else {owner}:
        if not permissions.can_manage_awards(actor, unit):
            _deny("Chỉ Thường trực HĐTĐKT hoặc quản trị của đơn vị mới được quản lý đợt thi đua.")
    _raise_if(errors)
    campaign = campaign or Campaign()
    campaign.title, campaign.owner_unit, campaign.award_forms = title, owner, forms
    campaign.starts_on, campaign.ends_on, campaign.nomination_deadline = starts, ends, deadline
    campaign.description = clean(data.get("description"))
    db.session.add(campaign)
    flush()
    return campaign


def _date(data: Mapping[str, Any], key: str, errors: dict, *, required: bool = True) -> date | None:
    value = data.get(key)
    if isinstance(value, date):
        return value
    if not value:
        if required:
            errors[key] = "Vui lòng nhập ngày."
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[key] = "Ngày không hợp lệ (định dạng YYYY-MM-DD)."
        return None


def units_in_scope(actor: User, *roles: Role) -> list[Unit]:
    """Every unit in the subtrees where the actor holds one of `roles`, in tree order."""
    query = select(Unit).where(permissions.subtree_filter(actor, Unit.path, *roles)).order_by(Unit.path)
    return list(db.session.scalars(query))


def get_unit(actor: User, unit_id) -> Unit:
    """A unit in the actor's subtrees; NotFound otherwise."""
    unit = _get(Unit, unit_id, "đơn vị")
    if not permissions.has_role_over(actor, unit, *Role):
        raise NotFound("Không tìm thấy đơn vị.")
    return unit


def get_award_form(actor: User, form_id) -> AwardForm:
    form = _get(AwardForm, form_id, "hình thức khen thưởng")
    if form not in visible_award_forms(actor):
        raise NotFound("Không tìm thấy hình thức khen thưởng.")
    return form


def get_campaign(actor: User, campaign_id) -> Campaign:
    campaign = _get(Campaign, campaign_id, "đợt thi đua")
    if campaign not in visible_campaigns(actor):
        raise NotFound("Không tìm thấy đợt thi đua.")
    return campaign


# Added for the administration pages ---------------------------------------------------------------------------


def administers_some_unit(actor: User) -> bool:
    return permissions.is_global_admin(actor) or bool(permissions.role_units(actor, Role.admin))


def manages_awards_somewhere(actor: User) -> bool:
    return permissions.is_global_admin(actor) or bool(permissions.role_units(actor, Role.secretariat, Role.admin))


def require_administrator(actor: User, unit: Unit | None = None) -> None:
    """PermissionDenied unless the actor administers `unit` (without one: any unit at all)."""
    if not (permissions.can_administer(actor, unit) if unit is not None else administers_some_unit(actor)):
        _deny("Chỉ quản trị hệ thống của đơn vị mới được thực hiện thao tác này.")


def require_award_manager(actor: User, unit: Unit | None = None) -> None:
    """PermissionDenied unless the actor manages award forms and campaigns of `unit` (without one: of any unit)."""
    if not (permissions.can_manage_awards(actor, unit) if unit is not None else manages_awards_somewhere(actor)):
        _deny("Chỉ Thường trực HĐTĐKT hoặc quản trị của đơn vị mới được quản lý hình thức khen thưởng, đợt thi đua.")


def award_owner_units(actor: User) -> list[Unit]:
    """Units that may own the actor's award forms and campaigns: review levels under their secretariat or admin."""
    return [u for u in units_in_scope(actor, Role.secretariat, Role.admin) if u.level in REVIEW_LEVELS]


def unit_tree(units: list[Unit]) -> list[tuple[Unit, int]]:
    """`units` in tree order, each with its depth below the highest of them; siblings by level, then name."""
    by_id = {u.id: u for u in units}
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id if unit.parent_id in by_id else None, []).append(unit)
    order = list(Level)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in sorted(children.get(parent_id, []), key=lambda u: (order.index(u.level), fold(u.name))):
            ordered.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def _child_levels(level: Level) -> list[str]:
    return [child.value for child, parents in ALLOWED_PARENTS.items() if level in parents]


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
