"""A unit's review-period report (báo cáo sơ kết, tổng kết) as a Word document, in the layout of Nghị định
30/2020/NĐ-CP: its narrative in four sections and its figures in a table, left unnumbered, undated and unsigned
for the unit's office to complete by hand. The context is built here from plain values, like the others."""

from datetime import date

from workflow import clock
from workflow.documents import templates as _templates  # the module, not its names: templates → samples → here
from workflow.documents import vietnamese as vn
from workflow.documents.context import unsigned_header
from workflow.states import IndicatorKind, Level, PeriodKind
from workflow.text import grouped

MOVEMENT = "phong trào Toàn dân bảo vệ an ninh Tổ quốc"
NARRATIVE = ("results", "shortcomings", "lessons", "proposals")


def report_document(report) -> bytes:
    """The report as .docx, from the template its unit uses (its own, an ancestor's, or the default)."""
    return _templates.render_for("report", report.unit, report_context(report))[0]


def filename(report) -> str:
    """'Bao-cao-Thi-tran-Lac-Duong-Tong-ket-nam-2026.docx': ASCII, safe in any Content-Disposition header."""
    return f"Bao-cao-{period_slug(report.unit, report.period)}.docx"


def period_slug(unit, period) -> str:
    """'Huyen-Lac-Duong-Tong-ket-giai-doan-2014-2023': the unit, the kind of period and its years, in ASCII."""
    starts, ends = period.starts_on.year, period.ends_on.year
    years = str(ends) if starts == ends else f"{starts}-{ends}"
    return (
        "-".join(part for part in (vn.ascii_slug(unit.name, 40), vn.ascii_slug(PeriodKind(period.kind).title)) if part)
        + f"-{years}"
    )


def report_context(report, *, today: date | None = None) -> dict:
    """Everything report.docx prints (listed in docs_templates/README.md). The number and the day are blanks:
    the unit's office numbers and dates the report when it is signed."""
    unit, period = report.unit, report.period
    year = (today or clock.today()).year
    administrative = unit.level != Level.agency
    symbol = "BC-UBND" if administrative else "BC"
    place = vn.place_name(_administrative_unit(unit).name)
    return unsigned_header(unit, symbol, place, year, number=vn.BLANK_DAY) | {
        "subject": _subject(period),
        "period_title": vn.line(period.title),
        "period_kind": PeriodKind(period.kind).title,
        "period_starts": vn.short_date(period.starts_on),
        "period_ends": vn.short_date(period.ends_on),
        **{key: paragraphs(getattr(report, key)) for key in NARRATIVE},
        "figures": figure_rows(report.values),
        "recipients": _recipients(unit, period.owner_unit),
        "signing_line": "TM. ỦY BAN NHÂN DÂN" if administrative else "",
        "signer_title": "CHỦ TỊCH" if administrative else "THỦ TRƯỞNG ĐƠN VỊ",
        "signer_name": "",
    }


def paragraphs(value) -> list[str]:
    """A narrative field as its paragraphs: one per line typed, blank lines left out, the text kept as written."""
    return [item for item in (vn.line(raw) for raw in vn.text(value).split("\n")) if item]


def figure_rows(values) -> list[dict]:
    """One row per figure the report carries, in catalogue order, numbered within its group ("2.1", "2.2");
    the first row of each group says so, for the template to print the group's name above it."""
    rows, group_number, within, previous = [], 0, 0, None
    for value in sorted(values, key=lambda v: (v.indicator.position, v.indicator.id)):
        group = vn.line(value.indicator.group)
        if group != previous:
            group_number, within, previous = group_number + 1, 0, group
        within += 1
        rows.append(
            {
                "stt": f"{group_number}.{within}",
                "group_number": group_number,
                "group": group,
                "group_first": within == 1,
            }
            | _figure(value.indicator, value.value, value.total)
        )
    return rows


def _figure(indicator, value: int, total: int | None) -> dict:
    is_ratio = indicator.kind == IndicatorKind.ratio
    total = (total or 0) if is_ratio else 0
    percent = _percent(value, total) if is_ratio else ""
    if is_ratio:
        text = f"{grouped(value)}/{grouped(total)}" + (f" ({percent})" if percent else "")
    else:
        text = grouped(value)
    return {
        "code": vn.line(indicator.code),
        "name": vn.line(indicator.name),
        "measure": vn.line(indicator.measure),
        "is_ratio": is_ratio,
        "value": int(value),
        "total": int(total),
        "percent": percent,
        "value_text": text,
    }


def _percent(value: int, total: int) -> str:
    """'70,6 %' for 24 of 34; nothing without a total."""
    return f"{value / total * 100:.1f}".replace(".", ",") + " %" if total else ""


def _subject(period) -> str:
    """'Tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2026'; a themed period is named by its title."""
    starts, ends = period.starts_on, period.ends_on
    kind = PeriodKind(period.kind)
    if kind == PeriodKind.half_year:
        return f"Sơ kết {MOVEMENT} 6 tháng {'đầu' if starts.month <= 6 else 'cuối'} năm {ends.year}"
    if kind == PeriodKind.year:
        return f"Tổng kết {MOVEMENT} năm {ends.year}"
    if kind == PeriodKind.phase:
        return f"Tổng kết {MOVEMENT} giai đoạn {starts.year} – {ends.year}"
    return vn.line(period.title)


def _administrative_unit(unit):
    """The unit, or for an agency the nearest commune, district or province above it: whose place it dates from."""
    while unit.level == Level.agency and unit.parent is not None:
        unit = unit.parent
    return unit


def _recipients(unit, owner) -> list[str]:
    """The "Nơi nhận" lines: the collecting unit, the unit's parent when it is another, and the archive."""
    bodies = [vn.body_name(u.name, u.level) for u in (owner, unit.parent) if u is not None and u is not unit]
    return [f"{body};" for body in dict.fromkeys(bodies)] + ["Lưu: VT."]
