"""Consolidating a subtree's reports: what every level sees of the units below it.

A report counts as accepted at a unit once that unit, or a unit above it, has approved it (the report's
`cleared_unit_id` is among the unit's ancestors): the district's figures include what the district has approved,
the collecting unit's only what it has accepted. The provisional total adds every report still in the chain.
Sums add up; a ratio is the sum of its numerators over the sum of its denominators, never an average of
percentages. A constant number of queries whatever the size of the subtree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from workflow import clock, heap, permissions
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.models import Indicator, Report, ReportValue, ReviewPeriod, Unit, User
from workflow.services.reports import indicators as catalogue
from workflow.services.reports import periods
from workflow.states import ReportState, Role

NOT_FOUND = "Không tìm thấy số liệu tổng hợp của đơn vị này trong kỳ báo cáo."


@dataclass
class Figure:
    """A consolidated figure: a sum, or for a ratio the summed numerator (`value`) and denominator (`total`)."""

    value: int = 0
    total: int | None = None
    reports: int = 0

    def add(self, value: int, total: int | None) -> None:
        self.value += value
        if total is not None:
            self.total = (self.total or 0) + total
        self.reports += 1

    @property
    def ratio(self) -> float | None:
        """Met over total, as a fraction (0.686 for 24 of 35); None when there is no denominator."""
        return self.value / self.total if self.total else None


@dataclass
class Line:
    indicator: Indicator
    accepted: Figure
    provisional: Figure
    previous: Figure | None

    @property
    def change(self) -> float | int | None:
        """Against the previous period: the difference of the sums, or of the ratios in percentage points."""
        if self.previous is None:
            return None
        if self.indicator.is_ratio:
            if self.accepted.ratio is None or self.previous.ratio is None:
                return None
            return round((self.accepted.ratio - self.previous.ratio) * 100, 1)
        return self.accepted.value - self.previous.value


@dataclass
class Status:
    """Where an expected unit stands: no report, a draft, returned, in the chain, or accepted; late or not."""

    unit: Unit
    report_id: int | None
    state: ReportState | None
    submitted_on: date | None
    late: bool

    @property
    def title(self) -> str:
        return self.state.title if self.state else "Chưa lập báo cáo"

    @property
    def badge(self) -> str:
        return self.state.badge if self.state else "text-bg-light border"

    @property
    def missing(self) -> bool:
        """Not yet sent: no report, a draft, or returned for changes."""
        return self.state is None or self.state.is_editable


@dataclass
class Child:
    """A direct child of the consolidating unit (or the unit itself, for its own report) and its subtree's
    accepted figures."""

    unit: Unit
    own: bool
    figures: dict[int, Figure] = field(default_factory=dict)
    expected: int = 0
    accepted: int = 0

    def figure(self, indicator: Indicator) -> Figure:
        return self.figures.get(indicator.id) or Figure(total=0 if indicator.is_ratio else None)


@dataclass
class Consolidation:
    period: ReviewPeriod
    unit: Unit
    lines: list[Line]
    children: list[Child]
    statuses: list[Status]
    history: list[tuple[ReviewPeriod, dict[int, Figure]]]
    today: date

    @property
    def previous_period(self) -> ReviewPeriod | None:
        return self.history[-2][0] if len(self.history) > 1 else None

    @property
    def missing(self) -> list[Status]:
        return [s for s in self.statuses if s.missing]

    @property
    def late(self) -> list[Status]:
        return [s for s in self.statuses if s.late]

    @property
    def counts(self) -> dict[str, int]:
        return {
            "expected": len(self.statuses),
            "accepted": sum(1 for s in self.statuses if s.state == ReportState.accepted),
            "in_chain": sum(1 for s in self.statuses if s.state is not None and s.state.in_chain),
            "missing": len(self.missing),
            "late": len(self.late),
        }

    def line(self, code: str) -> Line:
        return next(line for line in self.lines if line.indicator.code == code)


@heap.collector_paused()  # a province: 13,000 figures of 1,000 units, see heap
def consolidate(actor: User, period: ReviewPeriod, unit: Unit, *, today: date | None = None) -> Consolidation:
    """The consolidated figures of `unit`'s subtree in the period. The unit must lie in the period's collecting
    subtree and in the actor's view; NotFound otherwise."""
    if not period.owner_unit.contains(unit) or not permissions.has_role_over(actor, unit, *Role):
        raise NotFound(NOT_FOUND)
    today = today or clock.today()
    children = {c.id: Child(unit=c, own=False) for c in _children(unit)}
    own = Child(unit=unit, own=True)
    rows_of: dict[int, Child | None] = {}  # each unit's row of the table, found once rather than once per figure

    def row_of(unit_id: int, path: str) -> Child | None:
        if unit_id not in rows_of:
            rows_of[unit_id] = own if unit_id == unit.id else children.get(_child_id(path, unit))
        return rows_of[unit_id]

    accepted, provisional = _figures(period, unit, row_of)
    statuses = _statuses(period, unit, today)
    for status in statuses:
        row = row_of(status.unit.id, status.unit.path)
        if row is not None:
            row.expected += 1
            row.accepted += status.state == ReportState.accepted

    history = _history(period, unit, accepted)
    previous = history[-2][1] if len(history) > 1 else None
    present = set(accepted) | set(provisional)
    lines = [
        Line(
            indicator=indicator,
            accepted=accepted.get(indicator.id) or _empty(indicator),
            provisional=provisional.get(indicator.id) or _empty(indicator),
            previous=(previous.get(indicator.id) or _empty(indicator)) if previous is not None else None,
        )
        for indicator in catalogue.catalogue(include_inactive=True)
        if indicator.active or indicator.id in present
    ]
    rows = ([own] if own.expected or own.figures else []) + [c for c in children.values() if c.expected or c.figures]
    return Consolidation(
        period=period, unit=unit, lines=lines, children=rows, statuses=statuses, history=history, today=today
    )


def _figures(period: ReviewPeriod, unit: Unit, row_of) -> tuple[dict[int, Figure], dict[int, Figure]]:
    """The accepted and the provisional totals by indicator of the subtree's reports sent in the period; each
    accepted figure also added to its unit's row of the table (`row_of`)."""
    cleared_at = set(unit.ancestor_ids)
    accepted: dict[int, Figure] = defaultdict(Figure)
    provisional: dict[int, Figure] = defaultdict(Figure)
    for unit_id, path, cleared, indicator_id, value, total in db.session.execute(
        select(
            Report.unit_id,
            Unit.path,
            Report.cleared_unit_id,
            ReportValue.indicator_id,
            ReportValue.value,
            ReportValue.total,
        )
        .join(Unit, Report.unit_id == Unit.id)
        .join(ReportValue, ReportValue.report_id == Report.id)
        .where(
            Report.period_id == period.id,
            Unit.path.startswith(unit.path),
            Report.state.not_in([ReportState.draft.value, ReportState.returned.value]),
        )
    ):
        provisional[indicator_id].add(value, total)
        if cleared in cleared_at:
            accepted[indicator_id].add(value, total)
            row = row_of(unit_id, path)
            if row is not None:
                if indicator_id not in row.figures:
                    row.figures[indicator_id] = Figure()
                row.figures[indicator_id].add(value, total)
    return accepted, provisional


def _empty(indicator: Indicator) -> Figure:
    return Figure(total=0 if indicator.is_ratio else None)


def _children(unit: Unit) -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.name)))


def _child_id(path: str, unit: Unit) -> int | None:
    """The id of the direct child of `unit` on the way down to the unit at `path` ("/1/7/42/" under "/1/")."""
    rest = path[len(unit.path) :].strip("/")
    return int(rest.split("/")[0]) if rest else None


def _statuses(period: ReviewPeriod, unit: Unit, today: date) -> list[Status]:
    reports = {
        unit_id: (report_id, state, submitted)
        for report_id, unit_id, state, submitted in db.session.execute(
            select(Report.id, Report.unit_id, Report.state, Report.first_submitted_on)
            .join(Unit, Report.unit_id == Unit.id)
            .where(Report.period_id == period.id, Unit.path.startswith(unit.path))
        )
    }
    statuses = []
    for expected in periods.expected_units(period, unit):
        report_id, state, submitted = reports.get(expected.id, (None, None, None))
        state = ReportState(state) if state else None
        late = submitted > period.due_on if submitted else today > period.due_on
        statuses.append(Status(expected, report_id, state, submitted, late))
    return statuses


def _history(
    period: ReviewPeriod, unit: Unit, accepted: dict[int, Figure]
) -> list[tuple[ReviewPeriod, dict[int, Figure]]]:
    """The accepted totals of this period (`accepted`, already summed) and the earlier ones of its kind, oldest
    first: for the comparison with the previous period and the chart over periods. One query for the earlier ones."""
    earlier = periods.history(period)
    totals: dict[int, dict[int, Figure]] = {p.id: {} for p in earlier if p.id != period.id}
    rows = db.session.execute(
        select(
            Report.period_id,
            ReportValue.indicator_id,
            func.sum(ReportValue.value),
            func.sum(ReportValue.total),
            func.count(),
        )
        .join(Unit, Report.unit_id == Unit.id)
        .join(ReportValue, ReportValue.report_id == Report.id)
        .where(
            Report.period_id.in_(totals),
            Unit.path.startswith(unit.path),
            Report.cleared_unit_id.in_(unit.ancestor_ids),
        )
        .group_by(Report.period_id, ReportValue.indicator_id)
    )
    for period_id, indicator_id, value, total, count in rows:
        totals[period_id][indicator_id] = Figure(
            value=int(value), total=None if total is None else int(total), reports=count
        )
    totals[period.id] = dict(accepted)
    return [(p, totals[p.id]) for p in earlier]


def default_unit(actor: User, period: ReviewPeriod) -> Unit:
    """The unit the actor sees a period from: the collecting unit when they sit at or above it, else their
    highest unit inside its subtree. NotFound when they have none there."""
    owner = period.owner_unit
    held = permissions.role_units(actor, *Role)
    if permissions.is_global_admin(actor) or any(unit.contains(owner) for unit in held):
        return owner
    inside = [unit for unit in held if owner.contains(unit)]
    if not inside:
        raise NotFound(NOT_FOUND)
    return min(inside, key=lambda unit: len(unit.ancestor_ids))


def upper_unit(actor: User, period: ReviewPeriod, unit: Unit) -> Unit | None:
    """The unit above `unit`, while it is still inside the collecting subtree and the actor's view."""
    parent = unit.parent
    if unit.id == period.owner_unit_id or parent is None or not period.owner_unit.contains(parent):
        return None
    return parent if permissions.has_role_over(actor, parent, *Role) else None
