"""Review-period exports: the consolidated workbook (exact figures, real numbers with number formats, names that
look like formulas kept as text) and the unit's Word report (Nghị định 30/2020 layout, its figures and narrative,
hostile names printed exactly, a unit's uploaded template used, an upload of the kind validated)."""

import io
import re
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tests import factories
from workflow import clock, documents
from workflow.documents import report as report_document
from workflow.documents import samples
from workflow.errors import ValidationError
from workflow.extensions import db
from workflow.models import DocumentTemplate
from workflow.services import templates
from workflow.services.reports import consolidation, exports

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "Công ty TNHH Đức & Minh <Chi nhánh 2>"
BLANK = "\u00a0" * 5
# C1 has 1 of 2 residential areas up to standard, C2 9 of 10: the district 10 of 12 (83.3 %), not 70 %.
FIGURES = {"c1": {"TB_TIN": 10, "AT_KDC": (1, 2)}, "c2": {"TB_TIN": 20, "AT_KDC": (9, 10)}}
SUMMARY_HEADINGS = ["Nhóm", "Mã", "Chỉ tiêu", "Đơn vị tính", "Đã tiếp nhận", None, None]
SUMMARY_HEADINGS += ["Tạm tính (kể cả đang xét)", None, None, "Kỳ trước", None, None, "Tăng/giảm so với kỳ trước"]


@pytest.fixture
def period(world):
    return factories.create_period(world)


def accept_both(world, period):
    for code, values in FIGURES.items():
        factories.create_report(world, period, getattr(world, code), values=values, state="accepted")


def workbook(world, period, **kwargs):
    result = consolidation.consolidate(world.reviewer_d, period, world.d, **kwargs)
    data = exports.consolidated_workbook(result)
    return load_workbook(io.BytesIO(data)), data


def rows_by(sheet, column: int, first_row: int) -> dict:
    """The sheet's rows from `first_row` on, keyed by the value in `column` (1-based)."""
    return {row[column - 1].value: row for row in sheet.iter_rows(min_row=first_row) if row[column - 1].value}


# The workbook ----------------------------------------------------------------------------------------------------


def test_the_workbook_reopens_with_the_hand_computed_district_totals_as_formatted_numbers(world, period):
    accept_both(world, period)
    book, _data = workbook(world, period)
    assert book.sheetnames == ["Tổng hợp", "Theo đơn vị", "Tình hình báo cáo"]
    sheet = book["Tổng hợp"]
    assert sheet["A1"].value == period.title and sheet["A1"].font.b
    assert sheet["A2"].value == "Đơn vị tổng hợp: Huyện Lạc Dương"
    assert [cell.value for cell in sheet[6]] == SUMMARY_HEADINGS
    assert [cell.value for cell in sheet[7]][4:7] == ["Số liệu (số đạt)", "Tổng số", "Tỷ lệ"]
    assert all(cell.font.b for cell in sheet[6] if cell.value) and sheet.freeze_panes == "E8"
    assert sheet.column_dimensions["C"].width == 52
    lines = rows_by(sheet, 2, 8)
    tips = [cell.value for cell in lines["TB_TIN"]]
    assert tips[:4] == [
        "Tin báo, tố giác tội phạm của nhân dân",
        "TB_TIN",
        "Tin báo, tố giác tội phạm nhân dân cung cấp",
        "tin",
    ]
    assert tips[4:7] == [30, None, None]
    assert tips[7] == 30 and tips[10:] == [None, None, None, None]  # provisional; no previous period
    assert isinstance(tips[4], int) and lines["TB_TIN"][4].number_format == "#,##0"
    safe = lines["AT_KDC"]
    assert [safe[4].value, safe[5].value] == [10, 12]
    assert safe[6].value == pytest.approx(10 / 12) and safe[6].number_format == "0.0%"
    assert safe[6].value != pytest.approx((1 / 2 + 9 / 10) / 2)
    assert [safe[4].number_format, safe[5].number_format] == ["#,##0", "#,##0"]
    assert [lines["TT_BUOI"][4].value, lines["AT_XA"][4].value, lines["AT_XA"][6].value] == [0, 0, None]


def test_figures_in_the_chain_count_only_in_the_provisional_columns(world, period):
    factories.create_report(world, period, world.c1, values=FIGURES["c1"], state="accepted")
    factories.create_report(world, period, world.c2, values=FIGURES["c2"], state="commune_approved")
    book, _data = workbook(world, period)
    lines = rows_by(book["Tổng hợp"], 2, 8)
    assert [cell.value for cell in lines["AT_KDC"][4:10]] == [1, 2, pytest.approx(0.5), 10, 12, pytest.approx(10 / 12)]
    assert [lines["TB_TIN"][4].value, lines["TB_TIN"][7].value] == [10, 30]


def test_the_change_against_the_previous_period_is_a_signed_number_and_ratios_change_in_points(world, period):
    earlier = factories.create_period(world, year=2025)
    factories.create_report(world, earlier, world.c1, values={"TB_TIN": 12, "AT_KDC": (1, 4)}, state="accepted")
    accept_both(world, period)
    book, _data = workbook(world, period)
    sheet = book["Tổng hợp"]
    assert sheet["A4"].value == f"Kỳ trước: {earlier.title}"
    lines = rows_by(sheet, 2, 8)
    assert [cell.value for cell in lines["TB_TIN"][10:14]] == [12, None, None, 18]
    assert lines["TB_TIN"][13].number_format == "+#,##0;-#,##0;0"
    safe = [cell.value for cell in lines["AT_KDC"][10:14]]
    assert safe == [1, 4, pytest.approx(0.25), pytest.approx(round((10 / 12 - 1 / 4) * 100, 1))]
    assert lines["AT_KDC"][12].number_format == "0.0%"
    assert "điểm %" in lines["AT_KDC"][13].number_format


def test_the_drill_down_sheet_has_a_row_per_child_unit_and_the_total(world, period):
    accept_both(world, period)
    sheet = workbook(world, period)[0]["Theo đơn vị"]
    headings = {cell.value: cell.column for cell in sheet[4] if cell.value}
    tips, safe = headings["Tin báo, tố giác tội phạm nhân dân cung cấp"], headings["Khu dân cư đạt chuẩn"]
    assert list(headings)[:4] == ["STT", "Đơn vị", "Số đơn vị phải báo cáo", "Đã tiếp nhận"]
    assert list(headings)[4:] == [  # only the indicators with accepted figures: no columns of zeros
        "Tin báo, tố giác tội phạm nhân dân cung cấp",
        "Khu dân cư đạt chuẩn",
    ]
    assert [sheet.cell(5, safe + offset).value for offset in range(3)] == ["Đạt", "Tổng số", "Tỷ lệ"]
    assert sheet.cell(5, tips).value == "tin"
    units = rows_by(sheet, 2, 6)
    assert list(units) == ["Thị trấn Lạc Dương", "Trường PTDTNT huyện Lạc Dương", "Xã Đạ Sar", "Tổng cộng"]
    c2, total = units["Xã Đạ Sar"], units["Tổng cộng"]
    assert [c2[2].value, c2[3].value, c2[tips - 1].value] == [1, 1, 20]
    assert [c2[safe - 1].value, c2[safe].value, c2[safe + 1].value] == [9, 10, pytest.approx(0.9)]
    assert [total[tips - 1].value, total[safe - 1].value, total[safe].value] == [30, 10, 12]
    assert total[safe + 1].value == pytest.approx(10 / 12) and total[safe + 1].number_format == "0.0%"
    assert [units["Thị trấn Lạc Dương"][2].value, units["Thị trấn Lạc Dương"][3].value] == [2, 1]  # C1 and A1
    assert total[1].font.b and sheet.freeze_panes == "C6"


def test_the_status_sheet_lists_every_expected_unit_with_its_sending_date_and_lateness(world, period):
    accept_both(world, period)
    sheet = workbook(world, period, today=date(2026, 12, 20))[0]["Tình hình báo cáo"]
    assert [cell.value for cell in sheet[4]] == ["STT", "Đơn vị", "Cấp", "Trạng thái", "Ngày gửi", "Gửi muộn"]
    statuses = {row[1].value: [cell.value for cell in row] for row in sheet.iter_rows(min_row=5, max_row=8)}
    assert statuses["Xã Đạ Sar"] == [3, "Xã Đạ Sar", "Cấp xã", "Đã tiếp nhận", datetime(2026, 12, 1), "Không"]
    assert statuses["Trường THCS Lạc Dương"][3:] == ["Chưa lập báo cáo", None, "Có"]
    assert sheet["E5"].number_format == "DD/MM/YYYY"
    summary = {row[1].value: row[2].value for row in sheet.iter_rows(min_row=10) if row[1].value}
    assert summary == {"Phải báo cáo": 4, "Đã tiếp nhận": 2, "Đang xét": 0, "Chưa gửi": 2, "Gửi muộn": 2}


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x.invalid/?"&A1,"Xem")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1)"]
)
def test_a_name_that_looks_like_a_formula_stays_text(world, period, name):
    world.c2.name = name
    db.session.commit()
    accept_both(world, period)
    book, data = workbook(world, period)
    cells = [
        cell
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and name in cell.value
    ]
    assert {cell.parent.title for cell in cells} == {"Theo đơn vị", "Tình hình báo cáo"}
    assert all(cell.data_type == "s" for cell in cells)
    assert any(cell.value == name and cell.quotePrefix for cell in cells)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        sheets = [package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)


def test_the_workbook_file_name_is_ascii(world, period):
    result = consolidation.consolidate(world.reviewer_d, period, world.d)
    name = exports.filename(result)
    assert name == "Tong-hop-Huyen-Lac-Duong-Tong-ket-nam-2026.xlsx"


# The Word report -------------------------------------------------------------------------------------------------


def reopen(data: bytes):
    return Document(io.BytesIO(data))


def body_text(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text]


def test_the_word_report_prints_the_figures_and_the_narrative_in_the_nd30_layout(world, period):
    report = factories.create_report(
        world,
        period,
        world.c1,
        values={"TT_LUOT": 35000, "TB_TIN": 10, "TB_VU": 2, "AT_KDC": (24, 34), "AT_XA": (0, 0)},
        results="Tổ chức 12 buổi tuyên truyền.\n\n- Vận động nhân dân cung cấp 10 tin báo.",
        shortcomings="Một số tổ tự quản hoạt động chưa đều.",
        lessons="Dựa vào dân.\nPhát huy người có uy tín.",
        proposals="Hỗ trợ kinh phí cho mô hình.",
    )
    document = reopen(documents.report_document(report))
    header, figures, foot = document.tables
    assert [c.text for c in header.rows[0].cells][
        0
    ] == "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG\nỦY BAN NHÂN DÂN THỊ TRẤN LẠC DƯƠNG\n"
    assert [c.text for c in header.rows[1].cells] == [
        f"Số: {BLANK}/BC-UBND",
        f"Lạc Dương, ngày{BLANK}tháng{BLANK}năm {clock.today().year}",
    ]
    text = body_text(document)
    assert text[:2] == ["BÁO CÁO", "Tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2026"]
    sections = ["I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "III. BÀI HỌC KINH NGHIỆM"]
    sections.append("IV. ĐỀ XUẤT, KIẾN NGHỊ")
    assert [line for line in text if line in sections] == sections
    start = text.index("I. KẾT QUẢ THỰC HIỆN")
    assert text[start + 1 : start + 3] == ["Tổ chức 12 buổi tuyên truyền.", "- Vận động nhân dân cung cấp 10 tin báo."]
    assert text[text.index("III. BÀI HỌC KINH NGHIỆM") + 1 :][:2] == ["Dựa vào dân.", "Phát huy người có uy tín."]
    assert [[c.text for c in row.cells] for row in figures.rows] == [
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"],
        ["1", "Tuyên truyền, vận động quần chúng", "", ""],
        ["1.1", "Số lượt người tham dự", "lượt người", "35.000"],
        ["2", "Tin báo, tố giác tội phạm của nhân dân", "", ""],
        ["2.1", "Tin báo, tố giác tội phạm nhân dân cung cấp", "tin", "10"],
        ["2.2", "Số vụ án được làm rõ từ tin báo", "vụ", "2"],
        ["3", "Đạt chuẩn “An toàn về an ninh, trật tự”", "", ""],
        ["3.1", "Khu dân cư đạt chuẩn", "khu dân cư", "24/34 (70,6 %)"],
        ["3.2", "Xã, phường, thị trấn đạt chuẩn", "xã", "0/0"],
    ]
    recipients, signature = (cell.text for cell in foot.rows[0].cells)
    assert recipients == "Nơi nhận:\n- Ủy ban nhân dân huyện Lạc Dương;\n- Lưu: VT."
    assert signature.split("\n")[:2] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"] and signature.strip().endswith("CHỦ TỊCH")
    section = document.sections[0]
    sizes = [section.page_width, section.page_height]
    sizes += [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(size.mm) for size in sizes] == [210, 297, 20, 20, 30, 15]  # A4, margins in mm
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml and "PAGE" not in section.first_page_header._element.xml


def test_a_hostile_unit_name_and_narrative_come_out_exactly(world):
    world.a1.name = unicodedata.normalize("NFD", HOSTILE)
    db.session.commit()
    period = factories.create_period(world, levels=("agency",), kind="half_year", year=2026, ends_on="2026-06-30")
    report = factories.create_report(
        world, period, world.a1, values={"TB_TIN": 3}, results='Doanh thu tăng 5% & lợi nhuận <cao> "kỷ lục".'
    )
    document = reopen(documents.report_document(report))
    head = document.tables[0].rows[0].cells[0].text
    assert head == f"ỦY BAN NHÂN DÂN THỊ TRẤN LẠC DƯƠNG\n{HOSTILE.upper()}\n"
    text = body_text(document)
    assert text[1] == "Sơ kết phong trào Toàn dân bảo vệ an ninh Tổ quốc 6 tháng đầu năm 2026"
    assert f"{HOSTILE} báo cáo kết quả như sau:" in text[2]
    assert 'Doanh thu tăng 5% & lợi nhuận <cao> "kỷ lục".' in text
    assert document.tables[0].rows[1].cells[0].text == f"Số: {BLANK}/BC"
    assert document.tables[0].rows[1].cells[1].text.startswith("Lạc Dương, ngày")
    recipients, signature = (cell.text for cell in document.tables[-1].rows[0].cells)
    assert recipients.split("\n")[1:] == [
        "- Ủy ban nhân dân huyện Lạc Dương;",
        "- Ủy ban nhân dân thị trấn Lạc Dương;",
        "- Lưu: VT.",
    ]
    assert signature.strip() == "THỦ TRƯỞNG ĐƠN VỊ"
    assert report_document.filename(report) == "Bao-cao-Cong-ty-TNHH-Duc-Minh-Chi-nhanh-2-So-ket-6-thang-2026.docx"


def assert_plain(value, path="context"):
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str) and not key.startswith("_"), path
            assert_plain(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_plain(item, f"{path}[{index}]")
    else:
        assert type(value) in (str, int, bool), f"{path} is a {type(value).__name__}"
        if isinstance(value, str):
            assert unicodedata.is_normalized("NFC", value), path
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", value), path


def test_the_report_context_holds_plain_nfc_values_with_narrative_split_into_paragraphs():
    report = samples.review_report()
    report.results = unicodedata.normalize("NFD", "Dòng một\r\n\r\nDòng\thai\x0b\n  ")
    built = report_document.report_context(report, today=date(2024, 2, 5))
    assert_plain(built)
    assert built["results"] == ["Dòng một", "Dòng hai"]
    assert (built["year"], built["reference"], built["subject"]) == (
        "2024",
        f"{BLANK}/BC-UBND",
        "Tổng kết phong trào Toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2014 – 2023",
    )
    assert [f["value_text"] for f in built["figures"]][-2:] == ["85", "24/34 (70,6 %)"]


def test_the_readme_lists_every_key_of_the_report_context():
    readme = (ROOT / "docs_templates" / "README.md").read_text()
    section = re.search(r"^## `report\.docx`.*?\n(.*?)(?=^## )", readme, flags=re.S | re.M).group(1)
    built = samples.context_for("report")
    assert {k for k in re.findall(r"^\| `([\w.]+)`", section, flags=re.M) if "." not in k} == set(built)
    assert set(re.findall(r"^\| `f\.(\w+)`", section, flags=re.M)) == set(built["figures"][0])


# The template and its uploads ------------------------------------------------------------------------------------


def test_the_shipped_report_template_passes_validation():
    assert documents.KINDS["report"][0] == "report.docx"
    documents.validate_template("report", documents.default_template("report"))


def with_paragraphs(data: bytes, *texts: str) -> bytes:
    document = reopen(data)
    for text in texts:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def without_lessons() -> bytes:
    """The default report template with its "Bài học kinh nghiệm" loop printing the results instead."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(documents.default_template("report"))) as source:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in source.namelist():
                data = source.read(name)
                if name == "word/document.xml":
                    assert data.count(b"for line in lessons") == 1
                    data = data.replace(b"for line in lessons", b"for line in results")
                target.writestr(name, data)
    return out.getvalue()


def test_a_report_template_that_drops_a_section_or_uses_a_decisions_key_is_refused():
    with pytest.raises(ValidationError) as refused:
        documents.validate_template("report", without_lessons())
    assert refused.value.message.startswith("Mẫu thiếu phần bắt buộc: lessons")
    with pytest.raises(ValidationError) as refused:
        documents.validate_template(
            "report", with_paragraphs(documents.default_template("report"), "{{ award_title }}")
        )
    assert "award_title" in refused.value.message
    with pytest.raises(ValidationError) as refused:
        documents.validate_template(
            "report",
            with_paragraphs(
                documents.default_template("report"), "{%p for f in figures %}", "{{ f.ngay }}", "{%p endfor %}"
            ),
        )
    assert "ngay" in refused.value.message


def test_a_units_uploaded_report_template_is_used_for_its_subtree(world, period):
    mark = "MẪU BÁO CÁO CỦA HUYỆN {{ unit_name }}"
    templates.upload(
        world.secretariat_d,
        world.d,
        "report",
        "bao-cao.docx",
        with_paragraphs(documents.default_template("report"), mark),
    )
    db.session.commit()
    report = factories.create_report(world, period, world.c1, values={"TB_TIN": 4})
    assert "MẪU BÁO CÁO CỦA HUYỆN Thị trấn Lạc Dương" in body_text(reopen(documents.report_document(report)))
    assert documents.template_for("report", world.c1)[1] == "Huyện Lạc Dương, bản 1"


def test_the_admin_template_page_accepts_the_report_kind(world, client, auth):
    auth.login("secretariat_d")
    page = client.get(f"/admin/templates/{world.d.id}/")
    assert page.status_code == 200
    assert 'id="kind-report"' in page.text and "Báo cáo sơ kết, tổng kết phong trào" in page.text
    assert client.get("/admin/templates/default/report").data == documents.default_template("report")
    upload = with_paragraphs(documents.default_template("report"), "Ghi chú: {{ unit_name }}")
    response = client.post(
        f"/admin/templates/{world.d.id}/report/",
        data={"report-file": (io.BytesIO(upload), "bao-cao-huyen.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.location.endswith("#kind-report")
    stored = db.session.scalars(select(DocumentTemplate).where(DocumentTemplate.kind == "report")).all()
    assert [(t.unit_id, t.version, t.data == upload) for t in stored] == [(world.d.id, 1, True)]
    refused = client.post(
        f"/admin/templates/{world.d.id}/report/",
        data={"report-file": (io.BytesIO(documents.default_template("decision")), "quyet-dinh.docx")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "figures" in refused.text
