"""The indicator catalogue (chỉ tiêu): one list for the whole movement, edited by a global administrator."""

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from workflow import permissions
from workflow.extensions import db
from workflow.models import Indicator, ReportValue, User
from workflow.services import flush
from workflow.services.admin.common import deny, load, raise_if_errors, required_text
from workflow.states import IndicatorKind
from workflow.text import clean

CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")


def catalogue(*, include_inactive: bool = False) -> list[Indicator]:
    """The indicators in display order (grouped as they were entered)."""
    query = select(Indicator).order_by(Indicator.position, Indicator.id)
    if not include_inactive:
        query = query.where(Indicator.active.is_(True))
    return list(db.session.scalars(query))


def get(indicator_id) -> Indicator:
    return load(Indicator, indicator_id, "chỉ tiêu")


def can_edit(actor: User) -> bool:
    """Only a global administrator edits the catalogue every unit reports on."""
    return permissions.is_global_admin(actor)


def require_editor(actor: User) -> None:
    if not can_edit(actor):
        deny("Chỉ quản trị hệ thống mới được sửa danh mục chỉ tiêu.")


def save(actor: User, data: Mapping[str, Any], indicator: Indicator | None = None) -> Indicator:
    """Add or change an indicator (PermissionDenied unless can_edit). A kind cannot change once reports carry the
    indicator: their figures would change meaning."""
    require_editor(actor)
    errors: dict[str, str] = {}
    code = clean(data.get("code")).upper()
    if not CODE.match(code):
        errors["code"] = "Mã chỉ tiêu gồm chữ in hoa không dấu, chữ số và dấu gạch dưới (ví dụ TB_TIN)."
    elif db.session.scalar(select(Indicator.id).where(Indicator.code == code, Indicator.id != _id(indicator))):
        errors["code"] = f"Mã “{code}” đã có trong danh mục."
    name = required_text(data, "name", "tên chỉ tiêu", errors)
    group = required_text(data, "group", "nhóm chỉ tiêu", errors)
    measure = required_text(data, "measure", "đơn vị tính", errors, limit=60)
    kind = data.get("kind") or IndicatorKind.sum.value
    if kind not in {k.value for k in IndicatorKind}:
        errors["kind"] = "Chọn cách tổng hợp: cộng dồn hoặc tỷ lệ."
    elif indicator is not None and kind != indicator.kind and _in_use(indicator):
        errors["kind"] = "Chỉ tiêu đã có số liệu trong báo cáo, không đổi được cách tổng hợp."
    try:
        position = int(data.get("position") or 0)
    except (TypeError, ValueError):
        errors["position"] = "Thứ tự phải là số nguyên."
        position = 0
    raise_if_errors(errors)
    indicator = indicator or Indicator()
    indicator.code, indicator.name, indicator.group, indicator.measure = code, name, group, measure
    indicator.kind, indicator.position = kind, position
    indicator.active = bool(data.get("active", True))
    db.session.add(indicator)
    flush()
    return indicator


def _id(indicator: Indicator | None) -> int:
    return indicator.id if indicator is not None else 0


def _in_use(indicator: Indicator) -> bool:
    return (
        db.session.scalar(select(ReportValue.report_id).where(ReportValue.indicator_id == indicator.id).limit(1))
        is not None
    )
