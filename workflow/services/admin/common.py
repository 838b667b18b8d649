"""Shared by the administration services: the command line's actor, lookups and field checks."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflow.errors import NotFound, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.models import RoleAssignment, User
from workflow.states import Role
from workflow.text import clean


def system_actor() -> User:
    """An unsaved global administrator for the command line and the demo loader (who owns the server)."""
    return User(
        username="system",
        full_name="Hệ thống",
        password_hash="!",
        active=True,
        roles=[RoleAssignment(role=Role.admin.value, unit_id=None)],
    )


def deny(message: str = "Bạn không có quyền quản trị đơn vị này.") -> None:
    raise PermissionDenied(message)


def load(model, raw_id, label: str):
    try:
        obj = db.session.get(model, int(raw_id))
    except (TypeError, ValueError):
        obj = None
    if obj is None:
        raise NotFound(f"Không tìm thấy {label}.")
    return obj


def required_text(data: Mapping[str, Any], key: str, label: str, errors: dict, limit: int = 255) -> str:
    value = clean(data.get(key))
    if not value:
        errors[key] = f"Vui lòng nhập {label}."
    elif len(value) > limit:
        errors[key] = f"{label.capitalize()} tối đa {limit} ký tự."
    return value


def raise_if_errors(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError("Thông tin chưa hợp lệ: " + "; ".join(errors.values()), fields=errors)


def date_field(data: Mapping[str, Any], key: str, errors: dict, *, required: bool = True) -> date | None:
    """A date from a form (a date) or the API (YYYY-MM-DD); a message in `errors` when it is missing or wrong."""
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
