"""What cannot be undone asks first: deleting an attached file, withdrawing a nomination and unlocking an account each
open the browser's confirmation; cancelling changes nothing, confirming does it."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.steps import badge, draft, login, logout
from workflow.errors import AuthenticationError
from workflow.services import auth

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


def test_unlocking_a_locked_out_account_asks_first_and_the_user_signs_in_again(page: Page):
    # Locked as five wrong passwords lock it (their 401 answers would trip the console guard in the browser).
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            auth.authenticate("ld.canbo", "sai-mat-khau1")
    login(page, "ld.quantri")
    page.goto("/admin/users/?q=ld.canbo")
    row = page.locator('tr[data-user="ld.canbo"]')
    expect(row.get_by_text("(nhập sai mật khẩu)")).to_be_visible()
    unlock = row.get_by_role("button", name="Mở khóa")
    asked = answer(page, accept=False)
    unlock.click()
    assert asked and asked[0].startswith("Mở khóa đăng nhập cho tài khoản “ld.canbo”?")
    expect(row.get_by_text("(nhập sai mật khẩu)")).to_be_visible()
    answer(page, accept=True)
    unlock.click()
    expect(page.get_by_text("Đã mở khóa đăng nhập cho tài khoản “ld.canbo”.")).to_be_visible()
    expect(page.get_by_text("(nhập sai mật khẩu)")).to_have_count(0)
    expect(page.locator('tr[data-event="unlocked"]')).to_contain_text("ld.quantri")

    logout(page)
    login(page, "ld.canbo")
