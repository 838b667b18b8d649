"""Two tabs on one nomination: the commune clerk's colleague saves a new position while the clerk is still
typing the achievements. The clerk's save is held back, nothing typed is lost, the position takes what the colleague
saved, and one more click saves both."""

from datetime import date

from playwright.sync_api import Page, expect

from tests.browser.steps import draft, login

CAMPAIGN = f"Phong trào Toàn dân bảo vệ ANTQ năm {date.today().year}"
AWARD_FORM = "Giấy khen của Chủ tịch UBND huyện Lạc Dương"
ACHIEVEMENTS = "Vận động Nhân dân giao nộp 3 khẩu súng tự chế; phát hiện, tố giác 2 vụ trộm cắp, 1 vụ ma túy."


def test_a_save_overtaken_by_a_colleagues_keeps_what_was_typed_and_shows_theirs(page: Page, console_errors):
    login(page, "ld.canbo")
    draft(page, CAMPAIGN, AWARD_FORM, "Bùi Văn Thành", position="Tổ viên tổ tự quản")
    page.get_by_role("link", name="Sửa hồ sơ").click()
    page.fill("#achievements", ACHIEVEMENTS)  # typing, not saved yet

    colleague = page.context.browser.new_context(base_url=page.url.split("/nominations")[0]).new_page()
    login(colleague, "ld.canbo")
    colleague.goto(page.url)
    colleague.fill("#position", "Tổ trưởng tổ tự quản")
    colleague.get_by_role("button", name="Lưu dự thảo").click()
    expect(colleague.get_by_text("Đã lưu thay đổi.")).to_be_visible()
    colleague.context.close()

    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_role("alert")).to_contain_text("Trong lúc bạn sửa, hồ sơ này đã được Nguyễn Thị Lan cập nhật")
    expect(page.locator("#achievements")).to_have_value(ACHIEVEMENTS)
    # The form comes back as a 409, which Chromium logs; that one is expected, anything else is not.
    assert [message.split(": ", 1)[1] for message in console_errors] == [
        "Failed to load resource: the server responded with a status of 409 (CONFLICT)"
    ]
    console_errors.clear()
    # The colleague changed only the position, the clerk only the achievements: the page holds both.
    expect(page.locator("#position")).to_have_value("Tổ trưởng tổ tự quản")
    expect(page.locator("#position ~ .form-text")).to_have_text("Đã lấy theo bản vừa được lưu.")
    expect(page.locator(".is-invalid")).to_have_count(0)

    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_text("Đã lưu thay đổi.")).to_be_visible()
    expect(page.get_by_text(ACHIEVEMENTS)).to_be_visible()
    expect(page.get_by_text("Tổ trưởng tổ tự quản")).to_be_visible()
