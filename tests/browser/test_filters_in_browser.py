"""The list's unit, campaign and award-form filters are type-ahead boxes (static/js/lookup.js): typed without
diacritics, chosen with the keyboard or the mouse, submitted as the same `unit_id`, `campaign_id` and `award_form_id`
the list always took, under the strict Content-Security-Policy (any violation fails the test at teardown)."""

import re

from playwright.sync_api import Page, expect

from tests.browser.steps import login


def test_a_reviewer_filters_the_list_by_a_unit_found_by_typing_without_diacritics(page: Page):
    login(page, "ld.huyen")
    page.goto("/nominations/")
    unit_box = page.get_by_role("combobox", name="Đơn vị")
    unit_box.fill("da sar")
    options = page.get_by_role("listbox", name="Đơn vị").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Xã Đạ Sar")
    expect(options.first).to_contain_text("Huyện Lạc Dương")
    unit_box.press("Enter")  # takes the first match
    expect(unit_box).to_have_value("Xã Đạ Sar")
    page.get_by_role("button", name="Lọc").click()

    expect(page).to_have_url(re.compile(r"unit_id=\d+"))
    expect(page.get_by_role("combobox", name="Đơn vị")).to_have_value("Xã Đạ Sar")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_contain_text("Xã Đạ Sar")
    assert all("Xã Đạ Sar" in text for text in rows.all_inner_texts())


def test_the_boxes_offer_what_is_in_scope_on_focus_and_clear_when_emptied(page: Page):
    login(page, "ld.huyen")
    page.goto("/nominations/")
    campaign_box = page.get_by_role("combobox", name="Đợt thi đua")
    campaign_box.click()
    expect(page.get_by_role("listbox", name="Đợt thi đua").get_by_role("option").first).to_be_visible()
    campaign_box.press("ArrowDown")
    campaign_box.press("Enter")
    chosen = campaign_box.input_value()
    assert chosen, "ArrowDown then Enter chooses the first campaign offered"
    page.get_by_role("combobox", name="Hình thức").click()
    forms = page.get_by_role("listbox", name="Hình thức")
    forms.get_by_role("option", name=re.compile("Giấy khen của Chủ tịch UBND huyện Lạc Dương")).click()
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"campaign_id=\d+&award_form_id=\d+"))
    expect(page.get_by_role("combobox", name="Đợt thi đua")).to_have_value(chosen)

    for name in ("Đợt thi đua", "Hình thức"):
        page.get_by_role("combobox", name=name).fill("")
        page.get_by_role("combobox", name=name).press("Tab")  # leaving the box closes its list
    page.get_by_role("button", name="Lọc").click()
    expect(page).to_have_url(re.compile(r"campaign_id=&award_form_id=&"))


def test_a_commune_clerk_is_offered_no_unit_outside_their_commune(page: Page):
    login(page, "ds.canbo")
    page.goto("/nominations/")
    unit_box = page.locator("#unit_id-lookup")  # the Tờ trình form below has a unit list of its own
    unit_box.fill("lac duong")
    expect(page.get_by_role("listbox", name="Đơn vị")).to_contain_text("Không tìm thấy.")
    unit_box.press("Escape")
    expect(page.get_by_role("listbox", name="Đơn vị")).to_be_hidden()


def test_enter_right_after_typing_takes_the_first_match_instead_of_dropping_the_filter(page: Page):
    login(page, "ld.huyen")
    page.goto("/nominations/")
    unit_box = page.get_by_role("combobox", name="Đơn vị")
    unit_box.fill("da sar")
    unit_box.press("Enter")  # before the list came
    expect(unit_box).to_have_value("Xã Đạ Sar")
    expect(page).to_have_url(re.compile(r"/nominations/$"))  # chosen, not submitted yet
    unit_box.press("Enter")
    expect(page).to_have_url(re.compile(r"unit_id=\d+"))
