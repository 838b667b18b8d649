"""On a 375 px wide phone no page scrolls sideways: a table wider than the screen scrolls inside its own box
(Bootstrap's .table-responsive), and the page itself stays as wide as the screen. Each account opens the pages it
works with, the decision pages reached by clicking through as the secretariat does."""

from playwright.sync_api import Page, expect

from tests.browser.steps import login

PHONE = {"width": 375, "height": 800}


def assert_fits_the_screen(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{what} ({page.url}) is {width} px wide on a {PHONE['width']} px phone"


def test_the_secretariat_drafts_and_issues_a_decision_without_scrolling_sideways(page: Page):
    page.set_viewport_size(PHONE)
    login(page, "ld.thuongtruc")
    assert_fits_the_screen(page, "the inbox")

    page.locator("#decide").get_by_role("link", name="Soạn quyết định khen thưởng…").click()
    expect(page.get_by_role("heading", name="Soạn quyết định khen thưởng")).to_be_visible()
    assert_fits_the_screen(page, "composing a decision")

    page.get_by_role("button", name="Tạo dự thảo quyết định").click()
    expect(page.get_by_text("Đã tạo dự thảo quyết định")).to_be_visible()
    assert_fits_the_screen(page, "the draft decision")
    draft = page.url

    page.goto("/decisions/")
    expect(page.get_by_role("heading", name="Dự thảo đang soạn")).to_be_visible()
    assert_fits_the_screen(page, "the register with a draft")

    page.goto(draft)
    page.get_by_label("Họ và tên người ký").fill("Nguyễn Văn Ký")
    page.get_by_role("button", name="Ban hành…").click()
    page.get_by_role("button", name="Xác nhận ban hành").click()
    expect(page.get_by_text("Đã ban hành Quyết định số")).to_be_visible()
    assert_fits_the_screen(page, "the issued decision")
    awarded = page.locator("table a").first.inner_text()

    page.goto("/decisions/")
    expect(page.locator("table tbody tr").first).to_contain_text("Nguyễn Văn Ký")
    assert_fits_the_screen(page, "the register of issued decisions")

    page.goto("/decisions/history")
    page.get_by_label("Tên cần tra cứu").fill(awarded)
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("table tbody")).to_contain_text(awarded)
    assert_fits_the_screen(page, "the award history")


def test_the_admin_lists_fit_a_phone_screen(page: Page):
    page.set_viewport_size(PHONE)
    login(page, "admin")
    for path, heading in [
        ("/admin/units/", "Đơn vị"),
        ("/admin/users/", "Tài khoản & vai trò"),
        ("/admin/award-forms/", "Hình thức khen thưởng"),
        ("/admin/campaigns/", "Đợt thi đua"),
        ("/admin/indicators/", "Chỉ tiêu báo cáo"),
        ("/admin/templates/", "Mẫu văn bản"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.locator("table tbody tr").first).to_be_visible()
        assert_fits_the_screen(page, f"the list {heading}")


def test_a_reviewer_works_through_the_list_without_scrolling_sideways(page: Page):
    page.set_viewport_size(PHONE)
    login(page, "ld.huyen")
    assert_fits_the_screen(page, "the inbox")

    page.goto("/nominations/")
    assert_fits_the_screen(page, "the list of nominations")

    page.get_by_label("Chọn tất cả").check()
    page.get_by_label("Thao tác hàng loạt").select_option(label="Duyệt")
    page.once("dialog", lambda dialog: dialog.accept())  # a bulk action asks first
    page.get_by_role("button", name="Thực hiện với các hồ sơ đã chọn").click()
    expect(page.get_by_role("heading", name="Kết quả “Duyệt” hàng loạt")).to_be_visible()
    expect(page.get_by_role("heading", name="Bỏ qua và lý do")).to_be_visible()
    assert_fits_the_screen(page, "the bulk result")
