"""Filing a unit's report for a period and moving it through the review chain."""

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflow import clock, machine, permissions
from workflow.errors import Conflict, NotFound, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.models import Indicator, Report, ReportEvent, ReportValue, ReviewPeriod, Unit, User
from workflow.models.base import utcnow
from workflow.permissions import require
from workflow.services import action_named, check_version, flush
from workflow.services.reports import indicators as catalogue
from workflow.states import REPORT_ACTIONS, Action, ReportState
from workflow.text import clean, grouped

NARRATIVE = {
    "results": "Kết quả thực hiện",
    "shortcomings": "Tồn tại, hạn chế và nguyên nhân",
    "lessons": "Bài học kinh nghiệm",
    "proposals": "Đề xuất, kiến nghị",
}
NARRATIVE_MAX = 50_000
FIGURE_MAX = 2_000_000_000  # inside a 32-bit integer column, far beyond any real count
# "35000", "35.000", "35,000" and "35 000" are the same whole number; "1,5" is not a count at all.
_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
_DECIMAL = re.compile(r"^-?\d+[.,]\d+$")  # a number with a fractional part, after grouped whole numbers are read


def get(actor: User, report_id) -> Report:
    """A report the actor may see (any role over its unit); NotFound otherwise, so ids of others leak nothing."""
    try:
        report = db.session.get(Report, int(report_id))
    except (TypeError, ValueError):
        report = None
    if report is None or not permissions.has_role_over(actor, report.unit, *permissions.Role):
        raise NotFound("Không tìm thấy báo cáo.")
    return report


def of(period: ReviewPeriod, unit: Unit) -> Report | None:
    return db.session.scalar(select(Report).where(Report.period_id == period.id, Report.unit_id == unit.id))


def filing_units(actor: User, period: ReviewPeriod) -> list[Unit]:
    """The units the actor may file a report for in the period (their clerk scope, expected to report)."""
    units = permissions.role_units(actor, permissions.Role.clerk)
    query = select(Unit).where(
        Unit.level.in_(period.reporting_levels),
        Unit.path.startswith(period.owner_unit.path),
        Unit.id != period.owner_unit_id,
        permissions.subtree_filter(actor, Unit.path, permissions.Role.clerk),
    )
    return list(db.session.scalars(query.order_by(Unit.path))) if units else []


def create(actor: User, period: ReviewPeriod, data: Mapping[str, Any], *, today: date | None = None) -> Report:
    """Start a unit's report for the period. One report per unit and period: a second one is a Conflict."""
    unit = _unit(data.get("unit_id"))
    if not period.expects(unit):
        raise ValidationError(
            f"{unit.name} không thuộc diện báo cáo trong “{period.title}”.",
            fields={"unit_id": "Đơn vị không thuộc diện báo cáo kỳ này."},
        )
    require(None if permissions.can_manage_for(actor, unit) else "Chỉ cán bộ của đơn vị mới được lập báo cáo.")
    existing = of(period, unit)
    if existing is not None:
        raise Conflict(f"{unit.name} đã có báo cáo cho “{period.title}” (số {existing.id}): mở báo cáo đó để sửa.")
    report = Report(period=period, unit=unit, unit_id=unit.id, created_by_id=actor.id, state=ReportState.draft.value)
    report.review_chain = machine.chain_up_to(unit, period.owner_unit_id)
    report.awaiting_role, report.awaiting_unit_id = machine.awaiting(report)
    _apply(report, data)
    try:
        with db.session.begin_nested():
            db.session.add(report)
            flush()
    except IntegrityError as exc:  # another clerk started it a moment ago
        raise Conflict(f"{unit.name} vừa được người khác lập báo cáo cho “{period.title}”: tải lại trang.") from exc
    machine.record(report, Action.create, actor=actor)
    flush()
    return report


def update(actor: User, report: Report, data: Mapping[str, Any], *, version=None) -> Report:
    """Change the figures and narrative of a draft or returned report. Raises Conflict when stale or settled."""
    require_editable(actor, report)
    check_version(report.version, version)
    _apply(report, data)
    # The report's own row is written even when only figures changed (they are rows of their own), so its version
    # moves on and a form opened before this save cannot overwrite it unawares.
    report.updated_at = utcnow()
    machine.record(report, Action.edit, actor=actor, from_state=report.state)
    flush()
    return report


def require_editable(actor: User, report: Report) -> None:
    """PermissionDenied unless the actor is a clerk over the report's unit; Conflict once it has been sent."""
    require(None if permissions.can_manage_for(actor, report.unit) else "Chỉ cán bộ của đơn vị mới được sửa báo cáo.")
    if not report.state_enum.is_editable:
        raise Conflict(f"Báo cáo đang ở trạng thái “{report.state_enum.title}”, không thể sửa.")


def edit_denial(actor: User, report: Report) -> str | None:
    """Why the actor may not change the report now (None: they may)."""
    try:
        require_editable(actor, report)
    except (PermissionDenied, Conflict) as denial:
        return denial.message
    return None


def overview(actor: User, periods: list[ReviewPeriod]) -> list[dict]:
    """Each period with the reports of the actor's own units it expects, whether the actor collects it, and whether
    they may file for units below their own. Two queries whatever the number of periods."""
    held = permissions.role_units(actor, *permissions.Role)
    levels = {level for period in periods for level in period.reporting_levels}
    clerk_scope = []
    if periods and permissions.role_units(actor, permissions.Role.clerk):
        clerk_scope = list(
            db.session.scalars(
                select(Unit).where(
                    Unit.level.in_(levels), permissions.subtree_filter(actor, Unit.path, permissions.Role.clerk)
                )
            )
        )
    reports = {
        (r.period_id, r.unit_id): r
        for r in db.session.scalars(
            select(Report).where(
                Report.period_id.in_([p.id for p in periods]), Report.unit_id.in_([u.id for u in held])
            )
        )
    }
    rows = []
    for period in periods:
        filers = {u.id for u in clerk_scope if period.expects(u)}
        own = {u.id: u for u in held if period.expects(u)}
        rows.append(
            {
                "period": period,
                "collects": any(u.id == period.owner_unit_id for u in held),
                "own": [(unit, reports.get((period.id, unit.id)), unit.id in filers) for unit in own.values()],
                "files_for_others": any(unit_id not in own for unit_id in filers),
            }
        )
    return rows


def perform(actor: User, report: Report, action: str, *, comment: str = "", version=None, today: date | None = None):
    """Submit, approve or return a report. Raises Conflict, PermissionDenied, ValidationError, NotFound."""
    action = action_named(action, REPORT_ACTIONS, of=" với báo cáo")
    check_version(report.version, version)
    comment = clean(comment)
    if action not in machine.allowed_actions(report):
        raise Conflict(f"Không thể “{action.title}” báo cáo đang ở trạng thái “{report.state_enum.title}”.")
    require(permissions.report_action_denial(actor, report, action))
    if action == Action.return_ and not comment:
        raise ValidationError("Cần ghi rõ lý do khi trả lại báo cáo.", fields={"comment": "Vui lòng nhập lý do."})
    if action == Action.submit:
        if not clean(report.results):
            raise ValidationError(
                "Chưa có phần kết quả thực hiện: cần nhập trước khi gửi.",
                fields={"results": "Vui lòng nhập kết quả thực hiện."},
            )
        report.review_chain = machine.chain_up_to(report.unit, report.period.owner_unit_id)
        report.submitted_by_id = actor.id
        report.first_submitted_on = report.first_submitted_on or today or clock.today()
    machine.fire(report, action, actor=actor, comment=comment)
    flush()
    return report


def available_actions(actor: User, report: Report) -> list[Action]:
    allowed = [action for action in machine.allowed_actions(report) if action in REPORT_ACTIONS]
    return permissions.permitted(actor, report, allowed)


def history(report: Report) -> list[ReportEvent]:
    query = select(ReportEvent).where(ReportEvent.report_id == report.id).order_by(ReportEvent.id)
    return list(db.session.scalars(query))


def figures(report: Report) -> dict[str, dict[str, int | None]]:
    """The report's figures by indicator code: {"value": ..., "total": ...} (total only for ratios)."""
    return {v.indicator.code: {"value": v.value, "total": v.total} for v in report.values}


def _unit(raw_id) -> Unit:
    try:
        unit = db.session.get(Unit, int(raw_id))
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        raise ValidationError("Chưa chọn đơn vị báo cáo.", fields={"unit_id": "Chọn đơn vị báo cáo."})
    return unit


def _apply(report: Report, data: Mapping[str, Any]) -> None:
    """Validate the narrative and the figures together, collecting every field's message, then set them."""
    errors: dict[str, str] = {}
    texts = {}
    for key, label in NARRATIVE.items():
        if key in data:
            texts[key] = clean(data.get(key))
            if len(texts[key]) > NARRATIVE_MAX:
                errors[key] = f"{label}: tối đa {grouped(NARRATIVE_MAX)} ký tự."
    values = _figures(data.get("values"), errors) if "values" in data else None
    if errors:
        raise ValidationError("Báo cáo chưa hợp lệ: " + "; ".join(errors.values()), fields=errors)
    for key, text in texts.items():
        setattr(report, key, text)
    if values is not None:
        current = {v.indicator_id: v for v in report.values}
        for indicator, (value, total) in values.items():
            row = current.pop(indicator.id, None)
            if row is None:
                report.values.append(ReportValue(indicator=indicator, value=value, total=total))
            else:
                row.value, row.total = value, total
        for row in current.values():
            report.values.remove(row)


def _figures(raw: Any, errors: dict[str, str]) -> dict[Indicator, tuple[int, int | None]]:
    """{code: number or {"value", "total"}} → {indicator: (value, total)}. Blank figures are left out."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        errors["values"] = "Số liệu phải là bảng mã chỉ tiêu → giá trị."
        return {}
    known = {i.code: i for i in catalogue.catalogue(include_inactive=True)}
    result = {}
    for code, entry in raw.items():
        indicator = known.get(code)
        if indicator is None:
            errors[f"values.{code}"] = f"Không có chỉ tiêu mã “{code}”."
            continue
        entry = entry if isinstance(entry, Mapping) else {"value": entry}
        value = _count(entry.get("value"), f"values.{code}", indicator.name, errors)
        total = None
        if indicator.is_ratio:
            total = _count(entry.get("total"), f"values.{code}.total", f"{indicator.name} (tổng số)", errors)
            if (value is None) != (total is None) and f"values.{code}" not in errors:
                key = f"values.{code}.total" if total is None else f"values.{code}"
                errors[key] = f"{indicator.name}: cần nhập cả số đạt chuẩn và tổng số."
            elif value is not None and total is not None and value > total:
                errors[f"values.{code}"] = (
                    f"{indicator.name}: số đạt chuẩn ({grouped(value)}) không được lớn hơn tổng số ({grouped(total)})."
                )
        if value is not None and f"values.{code}" not in errors and f"values.{code}.total" not in errors:
            result[indicator] = (value, total)
    return result


def _count(raw: Any, key: str, label: str, errors: dict[str, str]) -> int | None:
    """A non-negative whole number, or None when left blank."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raw = "x"
    text = clean(str(raw))
    if isinstance(raw, int):
        number = raw
    else:
        if _GROUPED.match(text):
            text = re.sub(r"[.,\s]", "", text)
        number = int(text) if text.isascii() and text.isdigit() else None
        if number is None and text.lstrip("-").isascii() and text.lstrip("-").isdigit():
            number = -1
    if number is None and (isinstance(raw, float) or _DECIMAL.match(text)):
        errors[key] = f"{label}: phải là số nguyên (không có phần thập phân)."
    elif number is None:
        errors[key] = f"{label}: phải là một số, ví dụ 35 hoặc 1.250."
    elif number < 0:
        errors[key] = f"{label}: không được là số âm."
    elif number > FIGURE_MAX:
        errors[key] = f"{label}: số quá lớn (tối đa {grouped(FIGURE_MAX)})."
    else:
        return number
    return None


def fill_from_consolidation(actor: User, report: Report, *, version=None) -> ReviewPeriod:
    """Put the figures a unit consolidated in its own period under this one (a district's yearly period under
    the province's) into its report, so its clerk only writes the narrative. Returns the source period."""
    from workflow.services.reports import consolidation, periods

    require_editable(actor, report)
    source = periods.child_period(report.period, report.unit)
    if source is None:
        raise ValidationError(
            f"{report.unit.name} chưa mở kỳ tổng hợp nào thuộc “{report.period.title}”: "
            "chưa có số liệu tổng hợp để đưa vào báo cáo."
        )
    figures = consolidation.consolidate(actor, source, report.unit)
    values = {
        line.indicator.code: {"value": line.accepted.value, "total": line.accepted.total}
        for line in figures.lines
        if line.accepted.reports
    }
    update(actor, report, {"values": values}, version=version)
    return source
