"""How report figures read on the pages: Vietnamese numbers (35.000; 68,6 %), ratios as "24/35 (68,6 %)", indicators
in their groups, and the data the charts are drawn from (static/js/charts.js reads it from a JSON block)."""

from collections.abc import Iterable
from typing import TypeVar

from workflow.models import Indicator, ReportValue, ReviewPeriod
from workflow.services.reports.consolidation import Consolidation, Figure, Line
from workflow.states import Action, ReportState

T = TypeVar("T")

# A report's history in its own words ("hồ sơ" is a nomination's).
EVENT_TITLES = {
    Action.create: "Lập báo cáo",
    Action.edit: "Sửa báo cáo",
    Action.submit: "Gửi duyệt",
    Action.approve: "Duyệt",
    Action.return_: "Trả lại",
}


def number(value: int | float | None, digits: int = 0) -> str:
    """35000 → '35.000', 68.57 with one digit → '68,6' (Vietnamese separators); None → '–'."""
    if value is None:
        return "–"
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(fraction: float | None) -> str:
    """0.6857 → '68,6 %'."""
    return "–" if fraction is None else f"{number(fraction * 100, 1)} %"


def figure(value: Figure | None, indicator: Indicator) -> str:
    """A sum as a number; a ratio as 'met/total (percent)', '–' while it has no denominator."""
    if value is None:
        return "–"
    if indicator.is_ratio:
        if not value.total:
            return "–"
        return f"{number(value.value)}/{number(value.total)} ({percent(value.ratio)})"
    return number(value.value)


def value(row: ReportValue) -> str:
    """One report's figure, written as a consolidated one."""
    return figure(Figure(value=row.value, total=row.total), row.indicator)


def change(line: Line) -> str:
    """The change against the previous period: '+12', '−3', or for a ratio '+5,3 điểm %'."""
    delta = line.change
    if delta is None:
        return "–"
    text = number(abs(delta), 1 if line.indicator.is_ratio else 0)
    sign = "+" if delta > 0 else "−" if delta < 0 else ""
    return f"{sign}{text}{' điểm %' if line.indicator.is_ratio else ''}"


def event_title(action: str) -> str:
    return EVENT_TITLES.get(Action(action), Action(action).title)


def state_title(state: str | None) -> str:
    return ReportState(state).title if state else ""


def grouped(items: Iterable[T], indicator_of=lambda item: item) -> list[tuple[str, list[T]]]:
    """Items by their indicator's group, groups in the order they first appear (the catalogue's order)."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(indicator_of(item).group, []).append(item)
    return list(groups.items())


def chosen_line(result: Consolidation, code: str | None) -> Line | None:
    """The indicator asked for, else the first one any report has figures for, else the first one."""
    by_code = {line.indicator.code: line for line in result.lines}
    if code in by_code:
        return by_code[code]
    return next((line for line in result.lines if line.provisional.reports), None) or next(iter(result.lines), None)


def chart_value(value: Figure, indicator: Indicator) -> float | int | None:
    """What a chart plots: the sum, or the ratio in percent (None without a denominator)."""
    if indicator.is_ratio:
        return None if value.ratio is None else round(value.ratio * 100, 1)
    return value.value


def trend(result: Consolidation, indicator: Indicator) -> list[tuple[ReviewPeriod, Figure]]:
    """The indicator's accepted total in each period of `history`, oldest first."""
    return [(period, totals.get(indicator.id) or _empty(indicator)) for period, totals in result.history]


def charts(result: Consolidation, line: Line | None) -> dict:
    """The bar chart (one bar per child unit) and the line chart (the indicator over the periods of `history`)."""
    if line is None:
        return {}
    indicator = line.indicator
    series = {"label": indicator.name, "measure": "%" if indicator.is_ratio else indicator.measure}
    series["percent"] = indicator.is_ratio
    over_time = trend(result, indicator)
    return {
        "children": series
        | {
            "labels": [child.unit.name for child in result.children],
            "values": [chart_value(child.figure(indicator), indicator) for child in result.children],
        },
        "history": series
        | {
            "labels": [f"{period.kind_enum.title} {period.ends_on:%m/%Y}" for period, _ in over_time],
            "titles": [period.title for period, _ in over_time],
            "values": [chart_value(total, indicator) for _, total in over_time],
        },
    }


def _empty(indicator: Indicator) -> Figure:
    return Figure(total=0 if indicator.is_ratio else None)
