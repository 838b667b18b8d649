"""Reading review-period reports: the filtered, paginated list, the periods that concern a unit, the consolidated
view by ids. Constant queries per page."""

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from workflow import permissions
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.models import Report, ReviewPeriod, Unit, User
from workflow.services.listing import MAX_PAGE, MAX_PER_PAGE, Page
from workflow.services.reports import consolidation, periods
from workflow.states import ReportState


@dataclass(frozen=True)
class Filters:
    period_id: int | None = None
    unit_id: int | None = None
    state: str | None = None


def search(actor: User, filters: Filters, *, page: int = 1, per_page: int = 25) -> Page:
    """One page of the reports the actor may see (units in a subtree where they hold any role): the newest
    period first, each period's reports in tree order."""
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    page = min(max(int(page), 1), MAX_PAGE)
    reporting, period = aliased(Unit), aliased(ReviewPeriod)
    query = _filtered(
        select(Report)
        .join(reporting, Report.unit_id == reporting.id)
        .where(permissions.subtree_filter(actor, reporting.path)),
        reporting,
        filters,
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    ordered = query.join(period, Report.period_id == period.id).order_by(
        period.ends_on.desc(), period.id.desc(), reporting.path, Report.id
    )
    items = db.session.scalars(ordered.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(items), total=total or 0, page=page, per_page=per_page)


def _filtered(query: Select, reporting, filters: Filters) -> Select:
    if filters.period_id:
        query = query.where(Report.period_id == filters.period_id)
    if filters.state in {s.value for s in ReportState}:
        query = query.where(Report.state == filters.state)
    if filters.unit_id:
        scope = db.session.get(Unit, filters.unit_id)
        query = query.where(reporting.path.startswith(scope.path if scope else "/none/"))
    return query


def periods_of(actor: User, *, unit_id: int | None = None, kind: str | None = None) -> list[ReviewPeriod]:
    """The periods the actor sees, newest first; with `unit_id`, only those the unit collects or must report in."""
    found = [p for p in periods.visible(actor) if kind is None or p.kind == kind]
    if unit_id is None:
        return found
    unit = db.session.get(Unit, unit_id)
    return [p for p in found if unit is not None and (p.owner_unit_id == unit.id or p.expects(unit))]


def consolidated(actor: User, *, period_id: int, unit_id: int) -> consolidation.Consolidation:
    """The consolidated figures of a unit's subtree in a period, by ids. NotFound alike for what does not exist
    and for what the actor may not see."""
    period = periods.get(actor, period_id)
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(consolidation.NOT_FOUND)
    return consolidation.consolidate(actor, period, unit)
