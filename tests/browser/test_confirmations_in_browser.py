"""What cannot be undone asks first: deleting an attached file and withdrawing a nomination each open the browser's
confirmation; cancelling changes nothing, confirming does it."""

from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.steps import badge, draft, login

CAMPAIGN = f"Phong trào Toàn dân bảo vệ ANTQ năm {date.today().year}"
AWARD_FORM = "Giấy khen của Chủ tịch UBND huyện Lạc Dương"


def answer(page: Page, accept: bool) -> list[str]:
    """The next dialog is answered so; what it asked is appended to the list returned."""
    asked: list[str] = []

    def reply(dialog):
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", reply)
    return asked


def test_deleting_a_file_and_withdrawing_a_nomination_ask_first(page: Page, tmp_path: Path):
    minutes = tmp_path / "Biên bản họp xét.pdf"
    minutes.write_bytes(b"%PDF-1.4\n% bien ban hop xet\n")
    login(page, "ld.canbo")
    draft(page, CAMPAIGN, AWARD_FORM, "Lơ Mu Ha Ven", attachment=minutes)
    file_link = page.get_by_role("link", name="Biên bản họp xét.pdf")
    delete = page.get_by_role("button", name="Xóa")

    asked = answer(page, accept=False)
    delete.click()
    expect(file_link).to_be_visible()
    assert asked == ["Xóa tệp “Biên bản họp xét.pdf”? Tệp đã xóa không lấy lại được."]
    answer(page, accept=True)
    delete.click()
    expect(page.get_by_text("Chưa có tệp đính kèm.")).to_be_visible()

    withdraw = page.get_by_role("button", name="Rút hồ sơ")
    asked = answer(page, accept=False)
    withdraw.click()
    expect(badge(page)).to_have_text("Dự thảo")
    assert asked and asked[0].startswith("Rút hồ sơ này?")
    answer(page, accept=True)
    withdraw.click()
    expect(badge(page)).to_have_text("Đã rút")


def test_a_bulk_action_asks_first_and_none_is_chosen_beforehand(page: Page):
    login(page, "ld.huyen")
    page.goto("/nominations/")
    action = page.get_by_label("Thao tác hàng loạt")
    expect(action).to_have_value("")  # ticking all and pressing the button no longer approves everything
    page.get_by_label("Chọn tất cả").check()
    action.select_option(label="Duyệt")
    asked = answer(page, accept=False)
    page.get_by_role("button", name="Thực hiện với các hồ sơ đã chọn").click()
    assert asked == ["Thực hiện thao tác đã chọn với tất cả các hồ sơ đã đánh dấu?"]
    expect(page.get_by_role("heading", name="Hồ sơ đề nghị khen thưởng")).to_be_visible()
    expect(page.get_by_role("heading", name="Kết quả “Duyệt” hàng loạt")).to_have_count(0)
