"""The issue's walk-through, clicked in a real browser with the demo accounts, in both eras of the chain: a clerk
drafts and submits with an attachment, the commune approves, the awarding level returns it with a reason, the clerk
fixes and resubmits, both approve, the secretariat issues the award decision and downloads it."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.steps import (
    act_as,
    badge,
    download_decision,
    draft_and_submit,
    draft_decision,
    fix_and_resubmit,
    login,
    logout,
    preview_and_issue,
    return_with_reason,
)

YEAR = date.today().year


@dataclass
class Chain:
    clerk: str
    commune: str
    reviewer: str
    secretariat: str
    campaign: str
    award_form: str
    levels: list[str]
    approved: str  # the badge once the awarding level approved
    reference: str  # the first decision of the year of the issuing body
    filename: str


DISTRICT_ERA = Chain(
    clerk="ld.canbo",
    commune="ld.xa",
    reviewer="ld.huyen",
    secretariat="ld.thuongtruc",
    campaign=f"Phong trào Toàn dân bảo vệ ANTQ năm {YEAR}",
    award_form="Giấy khen của Chủ tịch UBND huyện Lạc Dương",
    levels=["1. Thị trấn Lạc Dương →", "2. Huyện Lạc Dương"],
    approved="Cấp huyện đã duyệt",
    reference="01/QĐ-UBND",
    filename=f"Quyet-dinh-01-QD-UBND-{YEAR}.docx",
)
TWO_LEVEL_PROVINCE = Chain(
    clerk="bt.canbo",
    commune="bt.xa",
    reviewer="bt.tinh",
    secretariat="bt.thuongtruc",
    campaign=f"Phong trào Toàn dân bảo vệ ANTQ năm {YEAR} – tỉnh Bình Thuận",
    award_form="Giấy khen của Giám đốc Công an tỉnh Bình Thuận",
    levels=["1. Phường Phan Thiết →", "2. Tỉnh Bình Thuận"],
    approved="Cấp tỉnh đã duyệt",
    reference="01/QĐ-CAT",
    filename=f"Quyet-dinh-01-QD-CAT-{YEAR}.docx",
)


def walk_the_cycle(page: Page, chain: Chain, name: str, signer: str, tmp_path: Path) -> None:
    report = tmp_path / "Báo cáo thành tích.pdf"
    report.write_bytes(b"%PDF-1.4\n% bao cao thanh tich\n")
    minutes = tmp_path / "Biên bản họp xét.pdf"
    minutes.write_bytes(b"%PDF-1.4\n% bien ban hop xet\n")

    login(page, chain.clerk)
    url = draft_and_submit(page, chain.campaign, chain.award_form, name, report)
    expect(page.get_by_label("Các cấp xét duyệt").locator("li")).to_have_text(chain.levels)
    logout(page)

    act_as(page, chain.commune, url, "Duyệt")
    expect(badge(page)).to_have_text("Cấp xã đã duyệt")
    logout(page)

    login(page, chain.reviewer)
    return_with_reason(page, url, "Bổ sung biên bản họp xét của cơ sở.")
    logout(page)

    login(page, chain.clerk)
    fix_and_resubmit(page, url, name, "Đã bổ sung biên bản họp xét của cơ sở.", minutes)
    logout(page)
    act_as(page, chain.commune, url, "Duyệt")
    expect(badge(page)).to_have_text("Cấp xã đã duyệt")
    logout(page)
    act_as(page, chain.reviewer, url, "Duyệt")
    expect(badge(page)).to_have_text(chain.approved)
    expect(page.locator("ol.timeline > li strong")).to_have_text(
        [
            *("Tạo hồ sơ", "Đính kèm tệp", "Gửi duyệt", "Duyệt", "Trả lại"),
            *("Sửa hồ sơ", "Đính kèm tệp", "Gửi duyệt", "Duyệt", "Duyệt"),
        ]
    )
    expect(page.locator("ol.timeline")).to_contain_text("Bổ sung biên bản họp xét của cơ sở.")
    with page.expect_download() as attachment:
        page.get_by_role("link", name=report.name).click()
    assert attachment.value.suggested_filename == report.name
    logout(page)

    login(page, chain.secretariat)
    draft_decision(page, name)
    preview_and_issue(page, name, signer, chain.reference, tmp_path)
    text = download_decision(page, chain.filename, tmp_path)
    assert f"Số: {chain.reference}" in text, text
    assert name in text and signer in text, text

    page.goto(url)
    expect(badge(page)).to_have_text("Đã khen thưởng")
    page.get_by_role("link", name=f"Quyết định số {chain.reference}").click()
    expect(page.get_by_role("heading", name=f"Quyết định số {chain.reference}")).to_be_visible()


def test_district_era_cycle_from_draft_to_downloaded_decision(page: Page, tmp_path):
    walk_the_cycle(page, DISTRICT_ERA, "Ka Sô Liêng", "Đinh Văn Tuấn", tmp_path)


def test_two_level_province_cycle_from_draft_to_downloaded_decision(page: Page, tmp_path):
    walk_the_cycle(page, TWO_LEVEL_PROVINCE, "Nguyễn Thị Thu", "Trần Minh Đức", tmp_path)
