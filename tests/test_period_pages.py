"""Opening review periods, and the indicator catalogue they report on, through the pages."""

import re
from datetime import date

import pytest
from flask import url_for

from tests import factories
from workflow import catalogue, clock
from workflow.extensions import db
from workflow.models import Indicator, ReviewPeriod


def _url(app, endpoint, **values) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def _periods() -> list[ReviewPeriod]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(ReviewPeriod).order_by(ReviewPeriod.id)))


def _period_form(w, **overrides) -> dict:
    return {
        "owner_unit_id": w.d.id,
        "kind": "year",
        "title": "Tổng kết phong trào Toàn dân bảo vệ ANTQ năm 2026 – Huyện Lạc Dương",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "due_on": "2026-12-15",
        "reporting_levels": ["commune", "agency"],
        "parent_id": "",
    } | overrides


def _errors(page) -> list[str]:
    return re.findall(r'class="invalid-feedback[^"]*">([^<]+)<', page.text)


# Opening a period ----------------------------------------------------------------------------------------------


def test_the_new_period_form_suggests_this_years_review_of_the_secretariats_unit(world, client, auth):
    auth.login("secretariat_d")
    page = client.get("/reports/periods/new")
    assert page.status_code == 200
    year = clock.today().year
    assert f'value="Tổng kết phong trào Toàn dân bảo vệ ANTQ năm {year} – Huyện Lạc Dương"' in page.text
    assert f'<option data-name="Huyện Lạc Dương" selected value="{world.d.id}">' in page.text
    assert f'value="{year}-01-01"' in page.text and f'value="{year}-12-15"' in page.text
    assert re.findall(r'<input checked[^>]*name="reporting_levels"[^>]*value="(\w+)"', page.text) == [
        "commune",
        "agency",
    ]
    assert "Cấp xã" in page.text and "Cơ quan, doanh nghiệp, nhà trường" in page.text
    assert 'value="district"' not in page.text


def test_the_district_secretariat_opens_a_period_and_is_taken_to_it(app, world, client, auth):
    auth.login("secretariat_d")
    response = client.post("/reports/periods/new", data=_period_form(world))
    [period] = _periods()
    assert response.status_code == 302
    assert response.headers["Location"] == _url(app, "reports.period", period_id=period.id)
    assert (period.owner_unit_id, period.kind, period.reporting_levels) == (world.d.id, "year", ["commune", "agency"])
    assert (period.starts_on, period.ends_on, period.due_on) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        date(2026, 12, 15),
    )
    assert period.title == "Tổng kết phong trào Toàn dân bảo vệ ANTQ năm 2026 – Huyện Lạc Dương"
    assert period.created_by_id == world.secretariat_d.id and period.parent_id is None


def test_a_title_left_blank_becomes_the_suggested_one(world, client, auth):
    auth.login("secretariat_d")
    data = _period_form(world, kind="half_year", title="", starts_on="2026-07-01", due_on="2026-12-20")
    assert client.post("/reports/periods/new", data=data).status_code == 302
    [period] = _periods()
    assert period.title == "Sơ kết 6 tháng cuối năm 2026 phong trào Toàn dân bảo vệ ANTQ – Huyện Lạc Dương"


def test_wrong_dates_show_vietnamese_field_errors_and_keep_the_input(world, client, auth):
    auth.login("secretariat_d")
    data = _period_form(world, title="Sơ kết chuyên đề “Ngày hội” & mô hình", starts_on="2026-06-01")
    page = client.post("/reports/periods/new", data=data | {"ends_on": "2026-03-31", "due_on": "2026-05-01"})
    assert page.status_code == 422
    assert _errors(page) == [
        "Ngày kết thúc phải sau ngày bắt đầu.",
        "Hạn gửi báo cáo không được trước ngày bắt đầu kỳ.",
    ]
    assert "Chưa lưu được" in page.text
    assert 'value="Sơ kết chuyên đề “Ngày hội” &amp; mô hình"' in page.text
    assert 'value="2026-03-31"' in page.text and 'value="2026-05-01"' in page.text
    page = client.post("/reports/periods/new", data=data | {"ends_on": "2026-02-31", "due_on": ""})
    assert page.status_code == 422
    assert _errors(page) == ["Ngày không hợp lệ.", "Vui lòng nhập ngày."]
    assert 'value="2026-02-31"' in page.text
    assert _periods() == []


def test_a_period_needs_a_reporting_level_below_the_collecting_unit(world, client, auth):
    auth.login("secretariat_d")
    page = client.post("/reports/periods/new", data=_period_form(world, reporting_levels=[]))
    assert page.status_code == 422
    assert _errors(page) == ["Chọn cấp báo cáo nằm dưới Huyện Lạc Dương."]
    assert _periods() == []


@pytest.mark.parametrize("username", ["clerk_c1", "reviewer_d", "clerk_d"])
def test_only_a_secretariat_or_an_admin_opens_a_period(world, client, auth, username):
    auth.login(username)
    assert client.get("/reports/periods/new").status_code == 403
    assert client.post("/reports/periods/new", data=_period_form(world)).status_code == 403
    assert _periods() == []


def test_a_district_period_can_sit_under_the_provinces(world, client, auth):
    province = factories.create_period(world, world.p, levels=("district", "commune", "agency"))
    auth.login("secretariat_d")
    form = client.get("/reports/periods/new")
    assert f'<option value="{province.id}">{province.title}</option>' in form.text
    assert client.post("/reports/periods/new", data=_period_form(world, parent_id=province.id)).status_code == 302
    assert _periods()[-1].parent_id == province.id


# Editing a period ----------------------------------------------------------------------------------------------


def test_the_secretariat_changes_its_period(app, world, client, auth):
    period = factories.create_period(world)
    auth.login("secretariat_d")
    form = client.get(f"/reports/periods/{period.id}/edit")
    assert form.status_code == 200 and f'value="{period.title}"' in form.text
    response = client.post(
        f"/reports/periods/{period.id}/edit", data=_period_form(world, title="Tổng kết năm 2026", due_on="2026-12-20")
    )
    assert response.headers["Location"] == _url(app, "reports.period", period_id=period.id)
    [saved] = _periods()
    assert (saved.title, saved.due_on) == ("Tổng kết năm 2026", date(2026, 12, 20))


def test_a_period_with_reports_keeps_its_collecting_unit(world, client, auth):
    period = factories.create_period(world, world.p, levels=("commune", "agency"))
    factories.create_report(world, period, world.c1)
    auth.login("admin")
    page = client.post(f"/reports/periods/{period.id}/edit", data=_period_form(world, owner_unit_id=world.d.id))
    assert page.status_code == 422
    assert "Kỳ đã có báo cáo, không đổi được đơn vị tổng hợp." in _errors(page)
    assert _periods()[0].owner_unit_id == world.p.id


@pytest.mark.parametrize(("username", "status"), [("reviewer_d", 403), ("clerk_c1", 403), ("secretariat_q", 404)])
def test_others_cannot_edit_a_period(world, client, auth, username, status):
    period = factories.create_period(world)
    auth.login(username)
    assert client.get(f"/reports/periods/{period.id}/edit").status_code == status
    data = _period_form(world, title="Đổi tên trái phép")
    assert client.post(f"/reports/periods/{period.id}/edit", data=data).status_code == status
    assert _periods()[0].title == period.title


# The indicator catalogue -------------------------------------------------------------------------------------


def _indicator_form(**overrides) -> dict:
    return {
        "code": "TB_LUA_DAO",
        "name": "Vụ lừa đảo qua mạng phát hiện từ tin báo",
        "group": catalogue.TIPS,
        "measure": "vụ",
        "kind": "sum",
        "position": "95",
        "active": "y",
    } | overrides


def _indicator(code) -> Indicator | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Indicator).where(Indicator.code == code))


def test_the_catalogue_lists_indicators_by_group_in_order(world, client, auth):
    auth.login("clerk_c1")
    page = client.get("/admin/indicators/")
    assert page.status_code == 200
    groups = re.findall(r'<tbody data-group="([^"]+)">', page.text)
    assert groups == list(dict.fromkeys(group for _, group, *_ in catalogue.INDICATORS))
    assert re.findall(r'data-indicator="(\w+)"', page.text) == [code for code, *_ in catalogue.INDICATORS]
    row = page.text.split('data-indicator="AT_KDC"')[1].split("</tr>")[0]
    assert "Khu dân cư đạt chuẩn" in row and "khu dân cư" in row and "Tỷ lệ (đạt/tổng số)" in row
    assert "Đang sử dụng" in row


def test_the_global_admin_adds_an_indicator(world, client, auth):
    auth.login("admin")
    assert "+ Thêm chỉ tiêu" in client.get("/admin/indicators/").text
    form = client.get("/admin/indicators/new")
    assert 'value="280"' in form.text and f'<option value="{catalogue.TIPS}">' in form.text
    page = client.post("/admin/indicators/new", data=_indicator_form(code="tb_lua_dao"), follow_redirects=True)
    assert "Đã thêm chỉ tiêu “Vụ lừa đảo qua mạng phát hiện từ tin báo” (TB_LUA_DAO)." in page.text
    indicator = _indicator("TB_LUA_DAO")
    assert (indicator.group, indicator.measure, indicator.kind, indicator.position) == (catalogue.TIPS, "vụ", "sum", 95)
    assert indicator.active
    codes = re.findall(r'data-indicator="(\w+)"', page.text)
    assert codes.index("TB_LUA_DAO") == codes.index("TB_MAI_DAM") + 1


def test_the_global_admin_edits_an_indicator_and_retires_it(world, client, auth):
    indicator = _indicator("LN_PHIEU")
    auth.login("admin")
    form = client.get(f"/admin/indicators/{indicator.id}/edit")
    assert form.status_code == 200 and 'value="Phiếu khảo sát phát ra"' in form.text
    data = _indicator_form(code="LN_PHIEU", name="Phiếu khảo sát đã phát", group=catalogue.FORUMS, measure="phiếu")
    del data["active"]
    page = client.post(f"/admin/indicators/{indicator.id}/edit", data=data, follow_redirects=True)
    assert "Đã lưu chỉ tiêu “Phiếu khảo sát đã phát” (LN_PHIEU)." in page.text
    saved = _indicator("LN_PHIEU")
    assert (saved.name, saved.active, saved.position) == ("Phiếu khảo sát đã phát", False, 95)
    assert "Ngừng sử dụng" in page.text.split('data-indicator="LN_PHIEU"')[1].split("</tr>")[0]


def test_a_taken_or_malformed_code_is_refused_and_the_input_kept(world, client, auth):
    auth.login("admin")
    page = client.post("/admin/indicators/new", data=_indicator_form(code="TB_TIN"))
    assert page.status_code == 422
    assert _errors(page) == ["Mã “TB_TIN” đã có trong danh mục."]
    assert 'value="Vụ lừa đảo qua mạng phát hiện từ tin báo"' in page.text
    page = client.post("/admin/indicators/new", data=_indicator_form(code="tin báo", position="mười"))
    assert _errors(page) == ["Cần nhập một số nguyên."]
    page = client.post("/admin/indicators/new", data=_indicator_form(code="tin báo"))
    assert _errors(page) == ["Mã chỉ tiêu gồm chữ in hoa không dấu, chữ số và dấu gạch dưới (ví dụ TB_TIN)."]
    assert _indicator("TB_LUA_DAO") is None


def test_a_district_admin_only_views_the_catalogue(world, client, auth):
    indicator = _indicator("TB_TIN")
    auth.login("admin_d")
    page = client.get("/admin/indicators/")
    assert page.status_code == 200 and "(chỉ xem)" in page.text
    assert "+ Thêm chỉ tiêu" not in page.text and ">Sửa</a>" not in page.text
    assert client.get("/admin/indicators/new").status_code == 403
    assert client.post("/admin/indicators/new", data=_indicator_form()).status_code == 403
    assert client.get(f"/admin/indicators/{indicator.id}/edit").status_code == 403
    data = _indicator_form(code="TB_TIN", name="Đổi tên")
    assert client.post(f"/admin/indicators/{indicator.id}/edit", data=data).status_code == 403
    assert _indicator("TB_TIN").name == indicator.name and _indicator("TB_LUA_DAO") is None


def test_a_year_or_half_year_review_opened_twice_over_the_same_days_is_refused(world, client, auth):
    auth.login("secretariat_d")
    assert client.post("/reports/periods/new", data=_period_form(world)).status_code == 302
    again = client.post("/reports/periods/new", data=_period_form(world, title="Tổng kết năm 2026 (mở lại)"))
    assert again.status_code == 422
    assert _errors(again) == [
        "Huyện Lạc Dương đã có kỳ “Tổng kết phong trào Toàn dân bảo vệ ANTQ năm 2026 – Huyện Lạc Dương” "
        "(01/01/2026 – 31/12/2026) cùng loại, trùng thời gian này: mở kỳ đó thay vì tạo kỳ mới, hoặc chọn loại "
        "“Sơ kết, tổng kết chuyên đề”."
    ]
    assert 'value="Tổng kết năm 2026 (mở lại)"' in again.text and len(_periods()) == 1
    # The next year, a half-year inside this one, a themed review over the same days, or another unit: all fine.
    for other in (
        {"starts_on": "2027-01-01", "ends_on": "2027-12-31", "due_on": "2027-12-15"},
        {"kind": "half_year", "ends_on": "2026-06-30", "due_on": "2026-06-20"},
        {"kind": "themed", "title": "Sơ kết chuyên đề năm 2026"},
    ):
        assert client.post("/reports/periods/new", data=_period_form(world, **other)).status_code == 302, other
    [first, *_] = _periods()
    changed = client.post(f"/reports/periods/{first.id}/edit", data=_period_form(world, due_on="2026-12-20"))
    assert changed.status_code == 302  # a period is never its own twin
