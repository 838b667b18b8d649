"""The unit tree: add, rename, recode and move units, and read it in the actor's scope."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from workflow import permissions
from workflow.errors import NotFound, ValidationError
from workflow.extensions import db
from workflow.models import Unit, User
from workflow.services import flush
from workflow.services.admin.common import deny, load, raise_if_errors, required_text
from workflow.services.admin.lists import PER_PAGE, page_of, words_matching
from workflow.services.admin.lookups import UnitPool
from workflow.services.listing import Page
from workflow.states import ALLOWED_PARENTS, Level, Role
from workflow.text import clean, fold


def unit_by_code(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == clean(code)))
    if unit is None:
        raise NotFound(f"Không có đơn vị mã “{code}”.")
    return unit


def create_unit(actor: User, data: Mapping[str, Any]) -> Unit:
    """Add a unit under a parent the actor administers (a root needs a global admin)."""
    parent = load(Unit, data["parent_id"], "đơn vị cấp trên") if data.get("parent_id") else None
    if not permissions.can_administer(actor, parent):
        deny()
    unit = Unit(**_unit_values(data, parent, current=None), parent=parent, path="")
    db.session.add(unit)
    flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    flush()
    return unit


def update_unit(actor: User, unit: Unit, data: Mapping[str, Any]) -> Unit:
    """Rename, recode or move a unit (e.g. a commune under its province after the 2025 reform)."""
    if not permissions.can_administer(actor, unit):
        deny()
    parent = load(Unit, data["parent_id"], "đơn vị cấp trên") if data.get("parent_id") else None
    if parent is not None and unit.contains(parent):
        message = "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó."
        raise ValidationError(message, fields={"parent_id": message})  # the field's message is the one a page shows
    if parent != unit.parent and not permissions.can_administer(actor, parent):
        deny("Bạn không có quyền chuyển đơn vị sang cấp trên này.")
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
    code = required_text(data, "code", "mã đơn vị", errors, 40)
    name = required_text(data, "name", "tên đơn vị", errors)
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
    raise_if_errors(errors)
    return {"code": code, "name": name, "level": level}


def units_in_scope(actor: User, *roles: Role) -> list[Unit]:
    """Every unit in the subtrees where the actor holds one of `roles`, in tree order."""
    query = select(Unit).where(permissions.subtree_filter(actor, Unit.path, *roles)).order_by(Unit.path)
    return list(db.session.scalars(query))


def unit_page(
    actor: User,
    *,
    q: str | None = None,
    level: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    clamp: bool = True,
    pool: UnitPool = UnitPool.seen,
) -> Page:
    """One page of the units of the pool (by default, the actor's subtrees), in tree order (see page_of); `q`
    matches name or code word by word, diacritics ignored, as the type-ahead boxes do."""
    conditions = [pool.where(actor), *words_matching(q, Unit.name, Unit.code)]
    if level in {lv.value for lv in Level}:
        conditions.append(Unit.level == level)
    query = select(Unit).where(*conditions).options(joinedload(Unit.parent)).order_by(Unit.path)
    return page_of(query, page, per_page=per_page, clamp=clamp)


def indented(actor: User, units: list[Unit]) -> list[tuple[Unit, int]]:
    """Units in tree order, each with its depth below the highest unit of the actor's scope above it."""
    tops = [] if permissions.is_global_admin(actor) else [u.path for u in permissions.role_units(actor, *Role)]

    def depth(unit: Unit) -> int:
        return unit.path.count("/") - min((top.count("/") for top in tops if unit.path.startswith(top)), default=2)

    return [(unit, depth(unit)) for unit in units]


def get_unit(actor: User, unit_id) -> Unit:
    """A unit in the actor's subtrees; NotFound otherwise."""
    unit = load(Unit, unit_id, "đơn vị")
    if not permissions.has_role_over(actor, unit, *Role):
        raise NotFound("Không tìm thấy đơn vị.")
    return unit


def administers_some_unit(actor: User) -> bool:
    return permissions.is_global_admin(actor) or bool(permissions.role_units(actor, Role.admin))


def require_administrator(actor: User, unit: Unit | None = None) -> None:
    """PermissionDenied unless the actor administers `unit` (without one: any unit at all)."""
    if not (permissions.can_administer(actor, unit) if unit is not None else administers_some_unit(actor)):
        deny("Chỉ quản trị hệ thống của đơn vị mới được thực hiện thao tác này.")


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
