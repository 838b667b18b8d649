"""The reports' part of 'Việc cần làm': reports awaiting the actor's review, and reports their units still owe.
A constant number of queries whatever the number of periods, units and reports."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, and_, false, func, or_, select
from sqlalchemy.orm import aliased, lazyload, load_only

from workflow import clock, permissions
from workflow.extensions import db
from workflow.models import Report, ReviewPeriod, Unit, User
from workflow.states import ReportState, Role

# Periods that ended longer ago than this no longer ask for reports in the inbox (their list still shows them).
RECENT = timedelta(days=366)
OWED_STATES = (ReportState.draft.value, ReportState.returned.value)
# What a row of the inbox shows of a report (its period and unit are joined): not its texts, nor the unit it awaits.
TASK_LOADING = (
    load_only(Report.id, Report.period_id, Report.unit_id, Report.state, Report.first_submitted_on),
    lazyload(Report.awaiting_unit),
)
# The period a report is due in, joined to sort by its deadline (its eager load has an alias of its own). Made once:
# building an alias costs more than the query that uses it.
_DUE = aliased(ReviewPeriod, name="due_period")


@dataclass(frozen=True)
class ReportTask:
    """One unit's report for one period: `report` is None while nobody has started it."""

    period: ReviewPeriod
    unit: Unit
    report: Report | None
    overdue: bool

    @property
    def state(self) -> ReportState | None:
        return self.report.state_enum if self.report is not None else None


@dataclass(frozen=True)
class ReportSection:
    key: str
    title: str
    total: int
    items: list[ReportTask]


def inbox(actor: User, *, limit: int = 10, today: date | None = None) -> list[ReportSection]:
    """'Báo cáo chờ tôi xét duyệt' for reviewers, 'Báo cáo cần lập, bổ sung' for clerks; most urgent first."""
    today = today or clock.today()
    sections = []
    reviewer_units = [unit.id for unit in permissions.role_units(actor, Role.reviewer)]
    if reviewer_units:
        sections.append(_to_review(actor, reviewer_units, limit))
    if permissions.role_units(actor, Role.clerk):
        sections.append(_owed(actor, limit, today))
    return sections


def _to_review(actor: User, unit_ids: list[int], limit: int) -> ReportSection:
    """Reports awaiting a reviewer of one of the actor's units, except those the actor wrote (permissions.authored)."""
    awaiting = (
        Report.awaiting_role == Role.reviewer.value,
        Report.awaiting_unit_id.in_(unit_ids),
        ~permissions.authored_filter(actor, Report),
    )
    total = db.session.scalar(select(func.count()).select_from(select(Report.id).where(*awaiting).subquery())) or 0
    ordered = (
        select(Report)
        .where(*awaiting)
        .join(_DUE, Report.period_id == _DUE.id)
        .order_by(_DUE.due_on, Report.updated_at, Report.id)
    )
    items = [
        ReportTask(period=r.period, unit=r.unit, report=r, overdue=False)
        for r in db.session.scalars(ordered.options(*TASK_LOADING).limit(limit)).unique()
    ]
    return ReportSection(key="report_review", title="Báo cáo chờ tôi xét duyệt", total=total, items=items)


def _owed(actor: User, limit: int, today: date) -> ReportSection:
    """Units of the actor's clerk scope expected in a recent period with no report yet, a draft or a returned one."""
    recent = _recent_periods(actor, today)
    query = _owed_rows(actor, recent)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.execute(query.order_by(ReviewPeriod.due_on, ReviewPeriod.id, Unit.path).limit(limit)).all()
    periods = {period.id: period for period in recent}
    reports = _reports([report_id for _, _, report_id in rows if report_id is not None])
    items = []
    for period_id, unit, report_id in rows:
        report = reports.get(report_id)
        period = periods[period_id]
        # Late is measured by the first submission: a returned report that was first sent in time is not late.
        never_sent = report is None or report.first_submitted_on is None
        items.append(ReportTask(period, unit, report, overdue=never_sent and today > period.due_on))
    return ReportSection(key="report_owed", title="Báo cáo cần lập, bổ sung", total=total, items=items)


def _recent_periods(actor: User, today: date) -> list[ReviewPeriod]:
    """Periods ended within the last year or later, collected above one of the actor's clerk units or inside
    their clerk subtrees: the only periods that can expect a report from a unit the actor files for."""
    ancestors = {ancestor for unit in permissions.role_units(actor, Role.clerk) for ancestor in unit.ancestor_ids}
    owner = aliased(Unit)
    query = (
        select(ReviewPeriod)
        .join(owner, ReviewPeriod.owner_unit_id == owner.id)
        .where(
            ReviewPeriod.ends_on >= today - RECENT,
            or_(ReviewPeriod.owner_unit_id.in_(ancestors), permissions.subtree_filter(actor, owner.path, Role.clerk)),
        )
    )
    return list(db.session.scalars(query).unique())


def _owed_rows(actor: User, recent: list[ReviewPeriod]) -> Select:
    """(period id, unit, report id or None) of every expected unit in the actor's clerk scope still owing.
    Each period's reporting levels are a JSON list: they go into the query as one condition per period."""
    expected = or_(
        false(),
        *(
            and_(
                ReviewPeriod.id == period.id,
                Unit.path.startswith(period.owner_unit.path),
                Unit.id != period.owner_unit_id,
                Unit.level.in_(period.reporting_levels),
            )
            for period in recent
        ),
    )
    return (
        select(ReviewPeriod.id, Unit, Report.id)
        .select_from(ReviewPeriod)
        .join(Unit, expected)
        .outerjoin(Report, and_(Report.period_id == ReviewPeriod.id, Report.unit_id == Unit.id))
        .where(
            permissions.subtree_filter(actor, Unit.path, Role.clerk),
            or_(Report.id.is_(None), Report.state.in_(OWED_STATES)),
        )
    )


def _reports(ids: list[int]) -> dict[int, Report]:
    if not ids:
        return {}
    query = select(Report).where(Report.id.in_(ids)).options(*TASK_LOADING)
    return {report.id: report for report in db.session.scalars(query).unique()}
