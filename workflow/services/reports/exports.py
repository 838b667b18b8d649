"""A consolidation as an Excel workbook (.xlsx, openpyxl): the totals, the drill-down per child unit and who has
reported. Every figure is written as a number with a number format (percentages as fractions with "0.0%"), never
as text, so the sheet can be summed and charted. Names are user input: text that starts like a formula stays text.
"""

from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from workflow.documents import vietnamese as vn
from workflow.documents.report import period_slug
from workflow.services.reports.consolidation import Consolidation, Figure, Line

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INTEGER, PERCENT, DATE = "#,##0", "0.0%", "DD/MM/YYYY"
CHANGE = "+#,##0;-#,##0;0"
POINTS = '+0.0" điểm %";-0.0" điểm %";0.0" điểm %"'  # a ratio's change, in percentage points
# What Excel, LibreOffice or a CSV export would start evaluating as a formula (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@")

BOLD, TITLE = Font(bold=True), Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
TOP = Alignment(vertical="top")  # no wrapping: a wrapped row does not grow by itself everywhere

# Sheet "Tổng hợp": four columns describing the indicator, three figures of three columns each, the change.
SUMMARY_LEFT = [("Nhóm", 42), ("Mã", 18), ("Chỉ tiêu", 52), ("Đơn vị tính", 13)]
SUMMARY_BLOCKS = ["Đã tiếp nhận", "Tạm tính (kể cả đang xét)", "Kỳ trước"]
FIGURE_COLUMNS = [("Số liệu (số đạt)", 13), ("Tổng số", 11), ("Tỷ lệ", 9)]


def consolidated_workbook(result: Consolidation) -> bytes:
    """The consolidation as the bytes of an .xlsx: sheets "Tổng hợp", "Theo đơn vị" and "Tình hình báo cáo"."""
    workbook = Workbook()
    workbook.properties.title = vn.line(f"Tổng hợp {result.period.title} – {result.unit.name}")[:250]
    workbook.properties.creator = "antq-khenthuong"
    _summary(workbook.active, result)
    _by_unit(workbook.create_sheet(), result)
    _statuses(workbook.create_sheet(), result)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def filename(result: Consolidation) -> str:
    """'Tong-hop-Huyen-Lac-Duong-Tong-ket-nam-2026.xlsx': ASCII, safe in any Content-Disposition header."""
    return f"Tong-hop-{period_slug(result.unit, result.period)}.xlsx"


# ---------------------------------------------------------------------------------------------------------------
# The three sheets.


def _summary(sheet: Worksheet, result: Consolidation) -> None:
    sheet.title = "Tổng hợp"
    previous = result.previous_period
    counts = result.counts
    width = len(SUMMARY_LEFT) + 3 * len(FIGURE_COLUMNS) + 1
    _titles(
        sheet,
        width,
        result.period.title,
        f"Đơn vị tổng hợp: {result.unit.name}",
        f"Kỳ báo cáo từ {vn.short_date(result.period.starts_on)} đến {vn.short_date(result.period.ends_on)}; "
        f"số liệu đến ngày {vn.short_date(result.today)}. Báo cáo đã tiếp nhận {counts['accepted']}, đang xét "
        f"{counts['in_chain']}, chưa gửi {counts['missing']} trên {counts['expected']} đơn vị phải báo cáo.",
        f"Kỳ trước: {previous.title}" if previous else "Chưa có kỳ trước cùng loại để so sánh.",
    )
    top = 6
    for column, (heading, size) in enumerate(SUMMARY_LEFT, start=1):
        _header(sheet, top, column, heading, rows=2)
        sheet.column_dimensions[get_column_letter(column)].width = size
    for block, heading in enumerate(SUMMARY_BLOCKS):
        first = len(SUMMARY_LEFT) + 1 + block * len(FIGURE_COLUMNS)
        _header(sheet, top, first, heading, columns=len(FIGURE_COLUMNS))
        for offset, (sub, size) in enumerate(FIGURE_COLUMNS):
            _header(sheet, top + 1, first + offset, sub)
            sheet.column_dimensions[get_column_letter(first + offset)].width = size
    _header(sheet, top, width, "Tăng/giảm so với kỳ trước", rows=2)
    sheet.column_dimensions[get_column_letter(width)].width = 15
    for row, line in enumerate(result.lines, start=top + 2):
        _summary_row(sheet, row, line)
    _finish(sheet, header_rows=(top, top + 1), freeze=f"E{top + 2}")
    sheet.row_dimensions[top + 1].height = 30


def _summary_row(sheet: Worksheet, row: int, line: Line) -> None:
    indicator = line.indicator
    for column, value in enumerate((indicator.group, indicator.code, indicator.name, indicator.measure), start=1):
        _text(sheet.cell(row, column), value).alignment = TOP
    column = len(SUMMARY_LEFT) + 1
    for figure in (line.accepted, line.provisional, line.previous):
        if figure is not None:
            _figure(sheet, row, column, figure, indicator.is_ratio)
        column += len(FIGURE_COLUMNS)
    change = line.change
    if change is not None:
        _number(sheet.cell(row, column), change, POINTS if indicator.is_ratio else CHANGE)
    for cell in sheet[row]:
        cell.border = BOX


def _by_unit(sheet: Worksheet, result: Consolidation) -> None:
    """One row per direct child unit (and the unit's own report), one column per sum, three per ratio, for the
    indicators with accepted figures (the others would be columns of zeros)."""
    sheet.title = "Theo đơn vị"
    lines = [line for line in result.lines if line.accepted.reports]
    indicators = [line.indicator for line in lines]
    width = 4 + sum(3 if indicator.is_ratio else 1 for indicator in indicators)
    _titles(
        sheet,
        width,
        result.period.title,
        f"Số liệu đã tiếp nhận theo đơn vị trực thuộc {result.unit.name}, đến ngày {vn.short_date(result.today)} "
        "(các chỉ tiêu đã có số liệu)",
    )
    top = 4
    for column, (heading, size) in enumerate(
        [("STT", 6), ("Đơn vị", 36), ("Số đơn vị phải báo cáo", 12), ("Đã tiếp nhận", 12)], start=1
    ):
        _header(sheet, top, column, heading, rows=2)
        sheet.column_dimensions[get_column_letter(column)].width = size
    column = 5
    for indicator in indicators:
        subs = ["Đạt", "Tổng số", "Tỷ lệ"] if indicator.is_ratio else [indicator.measure]
        _header(sheet, top, column, indicator.name, columns=len(subs))
        for offset, sub in enumerate(subs):
            _header(sheet, top + 1, column + offset, sub)
            sheet.column_dimensions[get_column_letter(column + offset)].width = 9 if sub == "Tỷ lệ" else 13
        column += len(subs)
    row = top + 2
    for number, child in enumerate(result.children, start=1):
        name = f"{child.unit.name} (báo cáo của đơn vị)" if child.own else child.unit.name
        figures = [child.figure(indicator) for indicator in indicators]
        _unit_row(sheet, row, number, name, (child.expected, child.accepted), indicators, figures)
        row += 1
    totals = (sum(c.expected for c in result.children), sum(c.accepted for c in result.children))
    _unit_row(sheet, row, None, "Tổng cộng", totals, indicators, [line.accepted for line in lines])
    for cell in sheet[row]:
        cell.font = BOLD
    _finish(sheet, header_rows=(top, top + 1), freeze=f"C{top + 2}", fit_width=False)
    sheet.print_title_cols = "A:B"
    sheet.row_dimensions[top].height = 60


def _unit_row(sheet, row, number, name, counts, indicators, figures) -> None:
    if number is not None:
        _number(sheet.cell(row, 1), number)
    _text(sheet.cell(row, 2), name).alignment = TOP
    for column, count in enumerate(counts, start=3):
        _number(sheet.cell(row, column), count)
    column = 5
    for indicator, figure in zip(indicators, figures, strict=True):
        _figure(sheet, row, column, figure, indicator.is_ratio)
        column += 3 if indicator.is_ratio else 1
    for cell in sheet[row]:
        cell.border = BOX


def _statuses(sheet: Worksheet, result: Consolidation) -> None:
    """Every unit expected to report: where its report stands, when it was first sent, whether it was late."""
    sheet.title = "Tình hình báo cáo"
    _titles(
        sheet,
        6,
        result.period.title,
        f"Tình hình gửi báo cáo của các đơn vị thuộc {result.unit.name}; hạn gửi "
        f"{vn.short_date(result.period.due_on)}, đến ngày {vn.short_date(result.today)}",
    )
    top = 4
    columns = [("STT", 6), ("Đơn vị", 40), ("Cấp", 32), ("Trạng thái", 22), ("Ngày gửi", 13), ("Gửi muộn", 10)]
    for column, (heading, size) in enumerate(columns, start=1):
        _header(sheet, top, column, heading)
        sheet.column_dimensions[get_column_letter(column)].width = size
    row = top
    for row, status in enumerate(result.statuses, start=top + 1):
        _number(sheet.cell(row, 1), row - top)
        _text(sheet.cell(row, 2), status.unit.name).alignment = TOP
        _text(sheet.cell(row, 3), status.unit.level_enum.title)
        _text(sheet.cell(row, 4), status.title)
        if status.submitted_on:
            _date(sheet.cell(row, 5), status.submitted_on)
        _text(sheet.cell(row, 6), "Có" if status.late else "Không")
        for cell in sheet[row]:
            cell.border = BOX
    labels = {
        "expected": "Phải báo cáo",
        "accepted": "Đã tiếp nhận",
        "in_chain": "Đang xét",
        "missing": "Chưa gửi",
        "late": "Gửi muộn",
    }
    for offset, (key, label) in enumerate(labels.items(), start=2):
        _text(sheet.cell(row + offset, 2), label).font = BOLD
        _number(sheet.cell(row + offset, 3), result.counts[key])
    _finish(sheet, header_rows=(top,), freeze=f"A{top + 1}")


# ---------------------------------------------------------------------------------------------------------------
# Cells.


def _titles(sheet: Worksheet, width: int, title: str, *lines: str) -> None:
    """The sheet's title (the period's) and lines under it, each merged across the table's width."""
    for row, (text, font) in enumerate([(title, TITLE), *((line, None) for line in lines)], start=1):
        cell = _text(sheet.cell(row, 1), text)
        if font:
            cell.font = font
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _header(sheet: Worksheet, row: int, column: int, text: str, *, rows: int = 1, columns: int = 1) -> None:
    for r in range(row, row + rows):
        for c in range(column, column + columns):
            cell = sheet.cell(r, c)
            cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEADER_FILL, BOX, WRAP_CENTER
    _text(sheet.cell(row, column), text)
    if rows > 1 or columns > 1:
        sheet.merge_cells(start_row=row, start_column=column, end_row=row + rows - 1, end_column=column + columns - 1)


def _finish(sheet: Worksheet, *, header_rows: tuple[int, ...], freeze: str, fit_width: bool = True) -> None:
    """Frozen header, header rows printed on every page, landscape A4 (fitted to the page width if asked)."""
    sheet.freeze_panes = freeze
    sheet.print_title_rows = f"{header_rows[0]}:{header_rows[-1]}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    if fit_width:
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _figure(sheet: Worksheet, row: int, column: int, figure: Figure, is_ratio: bool) -> None:
    """A sum in one cell; a ratio as met, total and their quotient (none when the total is 0)."""
    _number(sheet.cell(row, column), figure.value)
    if is_ratio:
        _number(sheet.cell(row, column + 1), figure.total or 0)
        if figure.ratio is not None:
            _number(sheet.cell(row, column + 2), figure.ratio, PERCENT)


def _number(cell, value: int | float, number_format: str = INTEGER):
    cell.value = value
    cell.number_format = number_format
    return cell


def _date(cell, value: date):
    cell.value = value
    cell.number_format = DATE
    return cell


def _text(cell, value):
    """User text, one line, NFC, without characters XML forbids; never a formula, whatever it starts with."""
    cell.value = vn.line(value)
    if cell.value.startswith(FORMULA_START):
        cell.data_type = "s"  # openpyxl took it for a formula
        cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    return cell
