"""What people do in the browser, one step each, with the demo accounts (password DEMO_PASSWORD)."""

from pathlib import Path

from docx import Document
from playwright.sync_api import Page, expect

from workflow.demo import DEMO_PASSWORD


def login(page: Page, username: str) -> None:
    if not page.url.endswith("/login"):  # signing out lands there already
        page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("heading", name="Việc cần làm")).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def act_as(page: Page, username: str, url: str, button: str) -> None:
    """`username` signs in, opens `url` and presses `button`; still signed in afterwards."""
    login(page, username)
    page.goto(url)
    page.get_by_role("button", name=button, exact=True).click()


def badge(page: Page):
    return page.locator(".badge").first


def draft(
    page: Page, campaign: str, award_form: str, name: str, *, position="", achievements="", attachment=None
) -> None:
    """The signed-in clerk drafts an individual's nomination and saves it; the draft's page is open afterwards."""
    page.get_by_role("link", name="+ Lập hồ sơ đề nghị").first.click()
    page.select_option("#campaign_id", label=campaign)
    page.select_option("#award_form_id", label=award_form)
    page.check("input[value=individual]")
    page.fill("#nominee_name", name)
    page.fill("#position", position)
    page.fill("#achievements", achievements)
    if attachment is not None:
        page.set_input_files("#files", attachment)
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_text("Đã lưu dự thảo")).to_be_visible()


def draft_and_submit(page: Page, campaign: str, award_form: str, name: str, attachment: Path) -> str:
    """The signed-in clerk drafts an individual's nomination with its achievement report and submits it."""
    draft(
        page,
        campaign,
        award_form,
        name,
        position="Tổ trưởng tổ tự quản về an ninh, trật tự",
        achievements="Vận động Nhân dân giao nộp 3 khẩu súng tự chế; phát hiện, tố giác 2 vụ trộm cắp.",
        attachment=attachment,
    )
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(badge(page)).to_have_text("Đã gửi, chờ duyệt")
    return page.url


def return_with_reason(page: Page, url: str, reason: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Trả lại…").click()
    page.fill("#comment-return", reason)
    page.get_by_role("button", name="Xác nhận trả lại").click()
    expect(badge(page)).to_have_text("Bị trả lại")


def fix_and_resubmit(page: Page, url: str, name: str, achievements: str, attachment: Path) -> None:
    """The signed-in clerk finds the returned nomination in the inbox, adds what was asked and sends it again."""
    expect(page.locator("#returned")).to_contain_text(name)
    page.locator("#returned").get_by_role("link", name=name).click()
    expect(page).to_have_url(url)
    expect(page.locator("ol.timeline")).to_contain_text("Trả lại")
    page.get_by_role("link", name="Sửa hồ sơ").click()
    page.fill("#achievements", achievements)
    page.set_input_files("#files", attachment)
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.get_by_role("link", name=attachment.name)).to_be_visible()
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(badge(page)).to_have_text("Đã gửi, chờ duyệt")


def draft_decision(page: Page, name: str) -> None:
    """The signed-in secretariat goes from the inbox to a new draft decision holding `name`'s nomination alone."""
    section = page.locator("#decide")
    expect(section).to_contain_text(name)
    section.get_by_role("link", name="Soạn quyết định khen thưởng…").click()
    expect(page.get_by_role("heading", name="Soạn quyết định khen thưởng")).to_be_visible()
    page.get_by_label("Chọn tất cả").uncheck()  # static/js/app.js unticks every row
    expect(page.locator("input[name=nomination_ids]:checked")).to_have_count(0)
    page.get_by_label(f"Chọn {name}", exact=True).check()
    page.get_by_role("button", name="Tạo dự thảo quyết định").click()
    expect(page.get_by_text("Đã tạo dự thảo quyết định")).to_be_visible()
    expect(page.get_by_text("0 tập thể, 1 cá nhân")).to_be_visible()
    expect(page.get_by_label(f"Bỏ {name} ra khỏi quyết định")).to_be_visible()


def preview_and_issue(page: Page, name: str, signer: str, reference: str, tmp_path: Path) -> None:
    """The secretariat enters the signer, checks the preview .docx, issues, and lands on the issued decision."""
    expect(page.get_by_label("Cơ quan ban hành")).not_to_be_empty()  # prefilled from the award form
    page.get_by_label("Họ và tên người ký").fill(signer)
    page.get_by_role("button", name="Tải bản xem trước (.docx)").click()
    with page.expect_download() as preview:
        page.get_by_role("link", name="Tải bản xem trước (.docx)").click()
    text = docx_text(save(preview.value, tmp_path))
    assert name in text and signer in text

    page.get_by_role("button", name="Ban hành…").click()
    expect(page.get_by_role("heading", name="Ban hành quyết định khen thưởng")).to_be_visible()
    expect(page.locator("dl")).to_contain_text(signer)
    page.get_by_role("button", name="Xác nhận ban hành").click()
    expect(page.get_by_text(f"Đã ban hành Quyết định số {reference}")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Quyết định số {reference}")).to_contain_text("Đã ban hành")


def download_decision(page: Page, filename: str, tmp_path: Path) -> str:
    """Download the issued decision from its page; its text (paragraphs and tables) once checked it is a .docx."""
    with page.expect_download() as info:
        page.get_by_role("link", name=filename, exact=True).click()
    assert info.value.suggested_filename == filename
    return docx_text(save(info.value, tmp_path))


def save(download, folder: Path) -> Path:
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def docx_text(path: Path) -> str:
    """Every paragraph of the document body, its tables (nested too), headers and footers: python-docx raises
    if the file is not a real .docx."""
    document = Document(str(path))
    parts: list[str] = []

    def walk(container) -> None:
        parts.extend(paragraph.text for paragraph in container.paragraphs)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        walk(section.header)
        walk(section.footer)
    return "\n".join(parts)
