"""The issue's walk-through, clicked in a real browser with the demo accounts: both eras of the chain."""

from datetime import date

from playwright.sync_api import Page, expect

from workflow.demo import DEMO_PASSWORD


def login(page: Page, username: str) -> None:
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Việc cần làm")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def act_as(page: Page, username: str, url: str, button: str) -> None:
    login(page, username)
    page.goto(url)
    page.get_by_role("button", name=button, exact=True).click()


def draft(page: Page, campaign: str, award_form: str, name: str, attachment) -> str:
    page.get_by_role("link", name="+ Lập hồ sơ đề nghị").first.click()
    page.select_option("#campaign_id", label=campaign)
    page.select_option("#award_form_id", label=award_form)
    page.check("input[value=individual]")
    page.fill("#nominee_name", name)
    page.fill("#position", "Tổ trưởng tổ tự quản về an ninh, trật tự")
    page.fill("#achievements", "Vận động Nhân dân giao nộp 3 khẩu súng tự chế; phát hiện, tố giác 2 vụ trộm cắp.")
    page.set_input_files("#files", attachment)
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_text("Đã lưu dự thảo")).to_be_visible()
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.locator(".badge").first).to_have_text("Đã gửi, chờ duyệt")
    return page.url


def test_district_era_cycle_with_a_return_and_resubmission(page: Page, tmp_path):
    report = tmp_path / "Báo cáo thành tích.pdf"
    report.write_bytes(b"%PDF-1.4\n% bao cao thanh tich\n")
    login(page, "ld.canbo")
    url = draft(
        page,
        f"Phong trào Toàn dân bảo vệ ANTQ năm {date.today().year}",
        "Giấy khen của Chủ tịch UBND huyện Lạc Dương",
        "Ka Sô Liêng",
        report,
    )
    logout(page)

    act_as(page, "ld.xa", url, "Duyệt")
    expect(page.locator(".badge").first).to_have_text("Cấp xã đã duyệt")
    logout(page)

    login(page, "ld.huyen")
    page.goto(url)
    page.get_by_role("button", name="Trả lại…").click()
    page.fill("#comment-return", "Bổ sung biên bản họp xét của thị trấn.")
    page.get_by_role("button", name="Xác nhận trả lại").click()
    expect(page.locator(".badge").first).to_have_text("Bị trả lại")
    logout(page)

    login(page, "ld.canbo")
    expect(page.locator("#returned")).to_contain_text("Ka Sô Liêng")
    page.goto(url)
    page.get_by_role("link", name="Sửa hồ sơ").click()
    page.fill("#achievements", "Đã bổ sung biên bản họp xét.")
    page.get_by_role("button", name="Lưu dự thảo").click()
    page.get_by_role("button", name="Gửi duyệt").click()
    logout(page)
    act_as(page, "ld.xa", url, "Duyệt")
    logout(page)
    act_as(page, "ld.huyen", url, "Duyệt")
    expect(page.locator(".badge").first).to_have_text("Cấp huyện đã duyệt")

    timeline = page.locator("ol.timeline > li strong")
    expect(timeline).to_have_text(
        ["Tạo hồ sơ", "Gửi duyệt", "Duyệt", "Trả lại", "Sửa hồ sơ", "Gửi duyệt", "Duyệt", "Duyệt"]
    )
    expect(page.locator("ol.timeline")).to_contain_text("Bổ sung biên bản họp xét của thị trấn.")
    download = page.get_by_role("link", name="Báo cáo thành tích.pdf")
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename == "Báo cáo thành tích.pdf"


def test_two_level_province_goes_from_commune_straight_to_province(page: Page, tmp_path):
    report = tmp_path / "bien-ban.pdf"
    report.write_bytes(b"%PDF-1.4\n")
    login(page, "bt.canbo")
    url = draft(
        page,
        f"Phong trào Toàn dân bảo vệ ANTQ năm {date.today().year} – tỉnh Bình Thuận",
        "Giấy khen của Giám đốc Công an tỉnh Bình Thuận",
        "Nguyễn Thị Thu",
        report,
    )
    expect(page.get_by_label("Các cấp xét duyệt").locator("li")).to_have_text(
        ["1. Phường Phan Thiết →", "2. Tỉnh Bình Thuận"]
    )
    logout(page)
    act_as(page, "bt.xa", url, "Duyệt")
    logout(page)
    act_as(page, "bt.tinh", url, "Duyệt")
    expect(page.locator(".badge").first).to_have_text("Cấp tỉnh đã duyệt")
    expect(page.get_by_text("chờ Thường trực HĐTĐKT Tỉnh Bình Thuận ra quyết định")).to_be_visible()
