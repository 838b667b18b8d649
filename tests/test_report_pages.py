"""Review-period reports through the pages: a commune clerk files and submits, the commune and the district review,
the district reads the consolidated figures of its subtree, charts and downloads."""

import html
import io
import json
import re

import pytest

from tests import factories, pages
from workflow.extensions import db
from workflow.models import Report
from workflow.services.reports import filing
from workflow.states import ReportState

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The district's subtree (C1 with its school A1, C2, the district boarding school AD) and what each reports.
# AT_KDC is a ratio: 1 of 2 residential areas at C1, 9 of 10 at C2: the district has 10 of 12 (83,3 %), not the
# 70 % an average of percentages would give.
FIGURES = {
    "c1": {"TB_TIN": 10, "TB_VU": 2, "TT_LUOT": 35000, "AT_KDC": (1, 2)},
    "a1": {"TB_TIN": 5, "AT_NHA_TRUONG": (1, 1)},
    "c2": {"TB_TIN": 20, "TB_VU": 3, "AT_KDC": (9, 10)},
    "ad": {"TB_TIN": 7, "AT_NHA_TRUONG": (0, 1)},
}


@pytest.fixture
def period(world):
    """The district's 2024 review: its due date (15/12/2024) has passed, so a unit that sent nothing is late."""
    return factories.create_period(world, year=2024)


def _reload(report: Report) -> Report:
    db.session.expire_all()
    return db.session.get(Report, report.id)


def _act(client, report, action, comment=""):
    return client.post(
        f"/reports/{report.id}/actions/{action}",
        data={"comment": comment, "version": report.version},
        follow_redirects=True,
    )


def _form(**fields) -> dict:
    return {
        "results": "Tổ chức 12 buổi tuyên truyền, vận động tại 8 thôn, tổ dân phố.",
        "shortcomings": "",
        "lessons": "",
        "proposals": "",
    } | fields


def _cell(page, code: str, column: str) -> str:
    row = re.search(rf'<tr data-indicator="{code}".*?</tr>', page.text, re.S).group(0)
    return html.unescape(re.search(rf'data-col="{column}">([^<]*)<', row).group(1))


def test_clerk_files_corrects_and_submits_and_the_chain_reviews_with_a_reason_in_the_timeline(
    world, period, client, auth
):
    auth.login("clerk_c1")
    listing = client.get("/reports/")
    assert period.title in listing.text
    assert f"/reports/new?period_id={period.id}&amp;unit_id={world.c1.id}" in listing.text

    created = client.post(
        f"/reports/new?period_id={period.id}&unit_id={world.c1.id}",
        data=_form(unit_id=world.c1.id, value_TB_TIN="10", value_TT_LUOT="35.000"),
        follow_redirects=True,
    )
    assert created.status_code == 200 and "Đã lưu dự thảo báo cáo" in created.text
    report = db.session.scalars(db.select(Report)).one()
    assert {v.indicator.code: v.value for v in report.values} == {"TB_TIN": 10, "TT_LUOT": 35000}

    refused = client.post(
        f"/reports/{report.id}/edit",
        data=_form(
            results="Kết quả đã gõ lại, không được mất.",
            value_TB_TIN="-3",
            value_TB_VU="1,5",
            value_AT_KDC="5",
            total_AT_KDC="3",
            version=report.version,
        ),
    )
    assert refused.status_code == 422
    assert "Báo cáo chưa lưu được; nội dung đã nhập vẫn được giữ nguyên" in refused.text
    assert "Tin báo, tố giác tội phạm nhân dân cung cấp: không được là số âm." in refused.text
    assert "phải là số nguyên (không có phần thập phân)" in refused.text
    assert "không được lớn hơn tổng số" in refused.text
    assert 'id="value_TB_TIN" inputmode="numeric" name="value_TB_TIN" type="text" value="-3"' in refused.text
    assert 'value="1,5"' in refused.text and 'name="total_AT_KDC" type="text" value="3"' in refused.text
    assert "Kết quả đã gõ lại, không được mất." in refused.text
    assert {v.indicator.code: v.value for v in _reload(report).values} == {"TB_TIN": 10, "TT_LUOT": 35000}

    saved = client.post(
        f"/reports/{report.id}/edit",
        data=_form(value_TB_TIN="12", value_AT_KDC="1", total_AT_KDC="2", version=report.version),
        follow_redirects=True,
    )
    assert "Đã lưu thay đổi" in saved.text
    assert "1/2 (50,0 %)" in saved.text
    assert _act(client, _reload(report), "submit").status_code == 200
    assert _reload(report).state == ReportState.submitted
    auth.logout()

    auth.login("reviewer_c1")
    approved = _act(client, _reload(report), "approve")
    assert "Cấp xã đã duyệt" in approved.text
    auth.logout()

    auth.login("reviewer_d")
    returned = _act(client, _reload(report), "return", "Số liệu tin báo chưa khớp sổ theo dõi.")
    assert _reload(report).state == ReportState.returned
    timeline = returned.text.split('aria-label="Lịch sử xử lý"')[1]
    assert re.findall(r"<strong>([^<]+)</strong>", timeline) == [
        "Lập báo cáo",
        "Sửa báo cáo",
        "Gửi duyệt",
        "Duyệt",
        "Trả lại",
    ]
    assert "Số liệu tin báo chưa khớp sổ theo dõi." in timeline
    auth.logout()

    auth.login("clerk_c1")
    page = client.get(f"/reports/{report.id}")
    assert "Bị trả lại" in page.text and f"/reports/{report.id}/edit" in page.text


def test_saving_over_someone_elses_save_merges_the_figures_and_keeps_what_was_typed(world, period, client, auth):
    report = factories.create_report(world, period, values={"TB_TIN": 10, "TB_VU": 2, "TT_LUOT": 300})
    auth.login("clerk_c1")
    form = client.get(f"/reports/{report.id}/edit")  # the clerk opens the form...
    opened = pages.carried(form)
    filing.update(  # ...and meanwhile a colleague corrects two figures
        world.clerk_c1, report, {"values": {"TB_TIN": 12, "TB_VU": 3, "TT_LUOT": 300}}, version=report.version
    )
    db.session.commit()
    typed = _form(results="Kết quả gõ lại, không được mất.", value_TB_TIN="10", value_TB_VU="4", value_TT_LUOT="300")

    page = client.post(f"/reports/{report.id}/edit", data=typed | opened)

    assert page.status_code == 409
    text = pages.text(page)
    assert f"Trong lúc bạn sửa, báo cáo này đã được {world.clerk_c1.full_name} cập nhật" in text
    assert "Kết quả gõ lại, không được mất." in text
    # TB_TIN only the colleague changed: their 12. TB_VU both changed: the clerk's 4, their 3 beside it.
    assert 'name="value_TB_TIN" type="text" value="12"' in page.text
    assert 'name="value_TB_VU" type="text" value="4"' in page.text
    assert text.count("Đã lấy theo bản vừa được lưu.") == 1
    assert "Bản đã lưu ghi: “3”" in text and text.count("Bản đã lưu ghi") == 1
    assert filing.figures(_reload(report))["TB_TIN"]["value"] == 12

    again = client.post(
        f"/reports/{report.id}/edit",
        data=typed | {"value_TB_TIN": "12"} | pages.carried(page),
    )
    assert again.status_code == 302
    figures = {code: f["value"] for code, f in filing.figures(_reload(report)).items()}
    assert figures == {"TB_TIN": 12, "TB_VU": 4, "TT_LUOT": 300}


def test_saving_a_report_sent_meanwhile_is_refused_and_keeps_what_was_typed(world, period, client, auth):
    report = factories.create_report(world, period, values={"TB_TIN": 10})
    opened = report.version
    filing.perform(world.clerk_c1, report, "submit")
    db.session.commit()
    auth.login("clerk_c1")

    page = client.post(
        f"/reports/{report.id}/edit", data=_form(results="Đoạn kết quả vừa gõ.", value_TB_TIN="11", version=opened)
    )

    assert page.status_code == 409
    text = pages.text(page)
    assert f"Báo cáo đang ở trạng thái “{ReportState.submitted.title}”, không thể sửa." in text
    assert "Đoạn kết quả vừa gõ." in text and 'value="11"' in page.text
    assert filing.figures(_reload(report))["TB_TIN"]["value"] == 10


def test_returning_without_a_reason_is_refused_with_a_message_and_changes_nothing(world, period, client, auth):
    report = factories.create_report(world, period, world.c1, values=FIGURES["c1"], state="submitted")
    auth.login("reviewer_c1")
    page = client.post(
        f"/reports/{report.id}/actions/return",
        data={"comment": "", "version": report.version},
        headers={"Referer": f"http://localhost/reports/{report.id}"},
        follow_redirects=True,
    )
    assert "Cần ghi rõ lý do khi trả lại báo cáo." in page.text
    assert _reload(report).state == ReportState.submitted


def test_buttons_show_only_what_the_user_may_do_now(world, period, client, auth):
    report = factories.create_report(world, period, world.c1, values=FIGURES["c1"], state="submitted")
    auth.login("reviewer_c1")
    page = client.get(f"/reports/{report.id}").text
    assert "/actions/approve" in page and "/actions/return" in page and "/actions/submit" not in page
    assert f"/reports/{report.id}/edit" not in page
    auth.logout()
    auth.login("reviewer_d")
    page = client.get(f"/reports/{report.id}").text
    assert "/actions/" not in page
    auth.logout()
    auth.login("clerk_c1")
    assert client.get(f"/reports/{report.id}/edit").status_code == 409


def test_consolidated_page_shows_hand_computed_totals_and_the_missing_late_units(world, period, client, auth):
    for code in ("c1", "a1", "c2"):
        factories.create_report(world, period, getattr(world, code), values=FIGURES[code], state="accepted")
    auth.login("reviewer_d")
    page = client.get(f"/reports/periods/{period.id}")
    assert page.status_code == 200
    text = pages.text(page)
    assert _cell(page, "TB_TIN", "accepted") == "35"  # 10 + 5 + 20
    assert _cell(page, "TT_LUOT", "accepted") == "35.000"
    assert _cell(page, "AT_KDC", "accepted") == "10/12 (83,3 %)"  # not (50 % + 90 %) / 2
    assert _cell(page, "AT_NHA_TRUONG", "accepted") == "1/1 (100,0 %)"
    counts = dict(re.findall(r'data-count="(\w+)">\s*<div[^>]*>(\d+)<', page.text))
    assert counts == {"expected": "4", "accepted": "3", "in_chain": "0", "missing": "1", "late": "1"}
    late = re.search(r'<tr data-unit="AD" class="table-danger">.*?</tr>', page.text, re.S).group(0)
    assert "Chưa lập báo cáo" in late and "Quá hạn" in late
    assert "Tải bảng tổng hợp (.xlsx)" in text


def test_drill_down_by_child_unit_and_chart_data_for_the_chosen_indicator(world, period, client, auth):
    earlier = factories.create_period(world, year=2023)
    factories.create_report(world, earlier, world.c1, values={"TB_TIN": 30}, state="accepted")
    for code in ("c1", "a1", "c2", "ad"):
        factories.create_report(world, period, getattr(world, code), values=FIGURES[code], state="accepted")
    auth.login("reviewer_d")
    page = client.get(f"/reports/periods/{period.id}?indicator=TB_TIN")
    assert _cell(page, "TB_TIN", "previous") == "30" and _cell(page, "TB_TIN", "change") == "+12"
    bars = json.loads(re.search(r'id="chart-children">(.*?)</script>', page.text).group(1))
    assert dict(zip(bars["labels"], bars["values"], strict=True)) == {
        "Thị trấn Lạc Dương": 15,
        "Trường PTDTNT huyện Lạc Dương": 7,
        "Xã Đạ Sar": 20,
    }
    trend = json.loads(re.search(r'id="chart-history">(.*?)</script>', page.text).group(1))
    assert trend["values"] == [30, 42]
    assert 'data-chart="chart-children"' in page.text and "js/charts.js" in page.text
    assert "<script>" not in page.text  # no inline script: only JSON data blocks and static files

    ratio = client.get(f"/reports/periods/{period.id}?indicator=AT_KDC")
    bars = json.loads(re.search(r'id="chart-children">(.*?)</script>', ratio.text).group(1))
    assert bars["percent"] is True and bars["values"] == [50.0, None, 90.0]

    commune = client.get(f"/reports/periods/{period.id}?unit_id={world.c1.id}&indicator=TB_TIN")
    assert _cell(commune, "TB_TIN", "accepted") == "15"
    assert re.findall(r'<tr data-unit="(\w+)" class', commune.text) == ["C1", "A1"]


def test_the_consolidated_view_starts_at_the_users_own_unit(world, period, client, auth):
    factories.create_report(world, period, world.c2, values=FIGURES["c2"], state="accepted")
    auth.login("reviewer_c1")
    page = client.get(f"/reports/periods/{period.id}")
    assert re.findall(r'<tr data-unit="(\w+)" class', page.text) == ["C1", "A1"]
    assert _cell(page, "TB_TIN", "accepted") == "0"
    assert client.get(f"/reports/periods/{period.id}?unit_id={world.c2.id}").status_code == 404
    assert client.get(f"/reports/periods/{period.id}?unit_id={world.d.id}").status_code == 404
    auth.logout()
    auth.login("reviewer_p")
    assert _cell(client.get(f"/reports/periods/{period.id}"), "TB_TIN", "accepted") == "20"


def test_another_units_report_is_a_404(world, period, client, auth):
    report = factories.create_report(world, period, world.c1, values=FIGURES["c1"])
    auth.login("clerk_c2")
    for url in (f"/reports/{report.id}", f"/reports/{report.id}/edit", f"/reports/{report.id}.docx"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/reports/{report.id}/actions/submit", data={"version": report.version}).status_code == 404
    auth.logout()
    auth.login("reviewer_q")
    assert client.get(f"/reports/periods/{period.id}").status_code == 404


def test_attachments_are_added_downloaded_and_removed_while_the_report_is_a_draft(world, period, client, auth):
    report = factories.create_report(world, period, world.c1, values=FIGURES["c1"])
    auth.login("clerk_c1")
    page = client.post(
        f"/reports/{report.id}/attachments",
        data={"files": (io.BytesIO(PDF), "Biên bản hội nghị.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã tải lên tệp đính kèm" in page.text and "Biên bản hội nghị.pdf" in page.text
    attachment = _reload(report).attachments[0]
    download = client.get(f"/reports/{report.id}/attachments/{attachment.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    deleted = client.post(f"/reports/{report.id}/attachments/{attachment.id}/delete", follow_redirects=True)
    assert "Đã xóa tệp đính kèm" in deleted.text and _reload(report).attachments == []


def test_a_district_fills_its_report_from_what_it_consolidated_in_its_own_period(world, client, auth):
    province = factories.create_period(world, world.p, levels=("district",))
    district = factories.create_period(world, parent_id=province.id)
    for code in ("c1", "c2"):
        factories.create_report(world, district, getattr(world, code), values=FIGURES[code], state="accepted")
    report = factories.create_report(world, province, world.d, values={"TB_TIN": 1})
    auth.login("clerk_d")
    form = client.get(f"/reports/{report.id}/edit")
    assert f"Lấy số liệu tổng hợp từ kỳ {district.title}" in html.unescape(form.text)
    filled = client.post(f"/reports/{report.id}/fill", data={"version": report.version}, follow_redirects=True)
    assert "Đã lấy số liệu tổng hợp từ kỳ" in html.unescape(filled.text)
    assert 'name="value_TB_TIN" type="text" value="30"' in filled.text
    assert 'name="total_AT_KDC" type="text" value="12"' in filled.text
    province_page = client.get(f"/reports/periods/{district.id}")
    assert f"/reports/periods/{province.id}" in province_page.text  # the period above is linked


def test_the_periods_list_offers_filing_and_opening_periods_to_whom_it_concerns(world, period, client, auth):
    auth.login("secretariat_d")
    page = client.get("/reports/")
    assert "Mở kỳ báo cáo" in page.text and "Lập báo cáo" not in page.text
    auth.logout()
    factories.create_report(world, period, world.c1)
    auth.login("clerk_c1")
    page = client.get("/reports/")
    assert "Mở kỳ báo cáo" not in page.text and "Đang soạn" in page.text
    assert "Lập báo cáo cho đơn vị trực thuộc" in page.text  # C1's school A1
    again = client.get(f"/reports/new?period_id={period.id}&unit_id={world.c1.id}", follow_redirects=True)
    assert "đã có báo cáo cho kỳ này" in again.text


def test_consolidated_page_runs_a_constant_number_of_queries(world, period, client, auth, count_queries):
    factories.create_report(world, period, world.c1, values=FIGURES["c1"], state="accepted")
    auth.login("reviewer_d")
    url = f"/reports/periods/{period.id}?indicator=AT_KDC"
    db.session.commit()  # both counts start alike: no transaction open, nothing loaded
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for code in ("a1", "c2", "ad"):
        factories.create_report(world, period, getattr(world, code), values=FIGURES[code], state="accepted")
    factories.create_report(world, factories.create_period(world, year=2023), world.c1, values={"TB_TIN": 3})
    db.session.commit()
    with count_queries() as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few), "\n".join(many)


def test_the_periods_list_runs_a_constant_number_of_queries(world, period, client, auth, count_queries):
    factories.create_report(world, period, world.c1, values=FIGURES["c1"])
    auth.login("clerk_c1")
    db.session.commit()
    with count_queries() as few:
        assert client.get("/reports/").status_code == 200
    for year in (2021, 2022, 2023):
        factories.create_report(world, factories.create_period(world, year=year), world.c1, values={"TB_TIN": 3})
    db.session.commit()
    with count_queries() as many:
        page = client.get("/reports/")
    assert page.status_code == 200 and page.text.count("Lập báo cáo") >= 1
    assert len(many) == len(few), "\n".join(many)


def test_consolidated_workbook_downloads_as_xlsx(world, period, client, auth):
    factories.create_report(world, period, world.c1, values=FIGURES["c1"], state="accepted")
    auth.login("reviewer_d")
    response = client.get(f"/reports/periods/{period.id}/consolidated.xlsx?unit_id={world.c1.id}")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert response.data.startswith(b"PK")
    assert "Tong-hop-Thi-tran-Lac-Duong-Tong-ket-nam-2024.xlsx" in response.headers["Content-Disposition"]


def test_a_report_downloads_as_docx(world, period, client, auth):
    report = factories.create_report(world, period, world.c1, values=FIGURES["c1"])
    auth.login("reviewer_c1")
    response = client.get(f"/reports/{report.id}.docx")
    assert response.status_code == 200 and response.mimetype == DOCX
    assert response.data.startswith(b"PK")


def test_a_returned_report_shows_why_where_the_clerk_fixes_it(world, period, client, auth):
    report = factories.create_report(world, period, values={"TB_TIN": 10}, state=ReportState.submitted)
    filing.perform(world.reviewer_c1, report, "return", comment="Số liệu tin báo chưa khớp sổ theo dõi.")
    db.session.commit()
    auth.login("clerk_c1")
    for url in (f"/reports/{report.id}", f"/reports/{report.id}/edit"):
        text = pages.text(client.get(url))
        assert "Báo cáo bị trả lại để bổ sung, sửa: “Số liệu tin báo chưa khớp sổ theo dõi.”" in text, url
