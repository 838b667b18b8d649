"""Review periods (kỳ sơ kết, tổng kết): who collects, when, from whom."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from workflow import permissions
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.models import Report, ReviewPeriod, Unit, User
from workflow.services import flush
from workflow.services.admin.awards import award_owner_filter, owns_awards_somewhere
from workflow.services.admin.common import date_field, deny, load, raise_if_errors, required_text
from workflow.states import ALLOWED_PARENTS, Level, PeriodKind


def visible(actor: User) -> list[ReviewPeriod]:
    """Periods collected in the actor's subtrees or above one of their units, newest first."""
    query = (
        select(ReviewPeriod)
        .join(Unit, ReviewPeriod.owner_unit_id == Unit.id)
        .where(permissions.line_filter(actor, Unit.id, Unit.path))
        .order_by(ReviewPeriod.ends_on.desc(), ReviewPeriod.id.desc())
    )
    return list(db.session.scalars(query))


def get(actor: User, period_id) -> ReviewPeriod:
    """A period the actor may see; NotFound otherwise."""
    period = load(ReviewPeriod, period_id, "kỳ báo cáo")
    if not permissions.on_line(actor, period.owner_unit):
        raise NotFound("Không tìm thấy kỳ báo cáo.")
    return period


def opens_periods(actor: User) -> bool:
    """Whether some unit's periods are the actor's to open (review levels under their secretariat or admin role),
    without loading those units: a national admin's would be every commune of the country."""
    return owns_awards_somewhere(actor)


def reporting_levels_below(unit: Unit) -> list[Level]:
    """Levels that can sit below `unit` and so be asked to report to it."""
    return [level for level in Level if _can_sit_below(level, unit.level_enum)]


def reporting_levels_offered(actor: User) -> list[Level]:
    """Levels that can sit below one of the units whose periods the actor may open."""
    levels = db.session.scalars(select(Unit.level).where(award_owner_filter(actor)).distinct())
    owners = [Level(level) for level in levels]
    return [level for level in Level if any(_can_sit_below(level, owner) for owner in owners)]


def _can_sit_below(level: Level, owner: Level) -> bool:
    parents = {parent for parent in ALLOWED_PARENTS[level] if parent is not None}
    return owner in parents or any(_can_sit_below(parent, owner) for parent in parents)


MANAGERS_ONLY = "Chỉ Thường trực HĐTĐKT hoặc quản trị của đơn vị mới được mở, sửa kỳ báo cáo."


def require_manager(actor: User, period: ReviewPeriod | None = None) -> None:
    """PermissionDenied unless the actor may open periods (without `period`) or change this one."""
    # Every unit whose periods the actor may open is one they manage: without a period, is there one?
    if not (permissions.can_manage_periods(actor, period.owner_unit) if period is not None else opens_periods(actor)):
        deny(MANAGERS_ONLY)


def save(actor: User, data: Mapping[str, Any], period: ReviewPeriod | None = None) -> ReviewPeriod:
    """Open or change a period of a unit whose secretariat or admin the actor is. Raises ValidationError,
    PermissionDenied; a period that has reports keeps its collecting unit."""
    errors: dict[str, str] = {}
    owner = load(Unit, data.get("owner_unit_id"), "đơn vị tổng hợp")
    for unit in {owner, period.owner_unit} if period is not None else {owner}:
        if not permissions.can_manage_periods(actor, unit):
            deny(MANAGERS_ONLY)
    title = required_text(data, "title", "tên kỳ báo cáo", errors)
    kind = data.get("kind")
    if kind not in {k.value for k in PeriodKind}:
        errors["kind"] = "Chọn loại kỳ báo cáo."
    starts, ends = date_field(data, "starts_on", errors), date_field(data, "ends_on", errors)
    due = date_field(data, "due_on", errors)
    if starts and ends and starts > ends:
        errors["ends_on"] = "Ngày kết thúc phải sau ngày bắt đầu."
    if starts and due and due < starts:
        errors["due_on"] = "Hạn gửi báo cáo không được trước ngày bắt đầu kỳ."
    allowed = {level.value for level in reporting_levels_below(owner)}
    levels = [level for level in Level if level.value in set(data.get("reporting_levels") or [])]
    if not levels or any(level.value not in allowed for level in levels):
        errors["reporting_levels"] = f"Chọn cấp báo cáo nằm dưới {owner.name}."
    parent = _parent(data.get("parent_id"), owner, errors)
    if not errors and (twin := _twin(owner, kind, starts, ends, period)):
        errors["starts_on"] = (
            f"{owner.name} đã có kỳ “{twin.title}” ({twin.starts_on:%d/%m/%Y} – {twin.ends_on:%d/%m/%Y}) cùng loại, "
            "trùng thời gian này: mở kỳ đó thay vì tạo kỳ mới, hoặc chọn loại “Sơ kết, tổng kết chuyên đề”."
        )
    if period is not None and period.owner_unit_id != owner.id and _has_reports(period):
        errors["owner_unit_id"] = "Kỳ đã có báo cáo, không đổi được đơn vị tổng hợp."
    raise_if_errors(errors)
    period = period or ReviewPeriod(created_by_id=actor.id)
    period.owner_unit, period.owner_unit_id, period.parent = owner, owner.id, parent
    period.title, period.kind = title, kind
    period.starts_on, period.ends_on, period.due_on = starts, ends, due
    period.reporting_levels = [level.value for level in levels]
    db.session.add(period)
    flush()
    return period


def _parent(raw_id, owner: Unit, errors: dict[str, str]) -> ReviewPeriod | None:
    if raw_id in (None, "", 0, "0"):
        return None
    parent = db.session.get(ReviewPeriod, int(raw_id)) if str(raw_id).isdigit() else None
    if parent is None or not parent.expects(owner):
        errors["parent_id"] = f"Kỳ báo cáo cấp trên phải là kỳ mà {owner.name} có trách nhiệm báo cáo."
        return None
    return parent


# A unit reviews each half-year and each year once: a second period of these kinds over the same days is one
# opened twice by mistake, and every clerk below would be asked for two reports. Phases and themed reviews may
# overlap (a five-year review spans its years).
ONCE_PER_SPAN = (PeriodKind.half_year, PeriodKind.year)


def _twin(owner: Unit, kind: str, starts, ends, period: ReviewPeriod | None) -> ReviewPeriod | None:
    """Another period of the unit, of a kind held once per span, whose days overlap these."""
    if kind not in ONCE_PER_SPAN:
        return None
    query = select(ReviewPeriod).where(
        ReviewPeriod.owner_unit_id == owner.id,
        ReviewPeriod.kind == kind,
        ReviewPeriod.starts_on <= ends,
        ReviewPeriod.ends_on >= starts,
    )
    if period is not None and period.id is not None:
        query = query.where(ReviewPeriod.id != period.id)
    return db.session.scalars(query.limit(1)).first()


def _has_reports(period: ReviewPeriod) -> bool:
    return db.session.scalar(select(Report.id).where(Report.period_id == period.id).limit(1)) is not None


def parent_candidates(actor: User) -> list[ReviewPeriod]:
    """Periods above that one of the actor's collecting units must report in: what a new period can sit under."""
    # What ReviewPeriod.expects() asks of each collecting unit, as (a unit above it, its level): read as plain rows,
    # not as the objects of every commune of the country (a national admin's).
    rows = db.session.execute(select(Unit.path, Unit.level).where(award_owner_filter(actor)))
    below = {(above, row.level) for row in rows for above in Unit.ancestor_ids.fget(row)[:-1]}
    return [p for p in visible(actor) if any((p.owner_unit_id, level) in below for level in p.reporting_levels)]


def history(period: ReviewPeriod, limit: int = 6) -> list[ReviewPeriod]:
    """This period and the earlier ones of the same kind collected by the same unit, oldest first."""
    query = (
        select(ReviewPeriod)
        .where(
            ReviewPeriod.owner_unit_id == period.owner_unit_id,
            ReviewPeriod.kind == period.kind,
            ReviewPeriod.ends_on <= period.ends_on,
        )
        .order_by(ReviewPeriod.ends_on.desc(), ReviewPeriod.id.desc())
        .limit(limit)
    )
    return list(reversed(db.session.scalars(query).all()))


def expected_units(period: ReviewPeriod, within: Unit) -> list[Unit]:
    """The units of `within`'s subtree expected to report in the period, in tree order."""
    query = (
        select(Unit)
        .where(
            Unit.path.startswith(within.path),
            Unit.id != period.owner_unit_id,
            Unit.level.in_(period.reporting_levels),
        )
        .order_by(Unit.path)
    )
    return list(db.session.scalars(query)) if period.owner_unit.contains(within) else []


def child_period(period: ReviewPeriod, unit: Unit) -> ReviewPeriod | None:
    """The period `unit` collects under `period`: where its own report's figures come from."""
    return db.session.scalar(
        select(ReviewPeriod)
        .where(ReviewPeriod.parent_id == period.id, ReviewPeriod.owner_unit_id == unit.id)
        .order_by(ReviewPeriod.id)
        .limit(1)
    )


def related(actor: User, period: ReviewPeriod) -> tuple[ReviewPeriod | None, list[ReviewPeriod]]:
    """The period above this one and those below it, among the ones the actor may see."""
    seen = visible(actor)
    return next((p for p in seen if p.id == period.parent_id), None), [p for p in seen if p.parent_id == period.id]
