"""A campaign of one who sees many award forms: the forms offered follow the unit chosen to run it
(blueprints/admin/forms.py CampaignForm, static/js/app.js), under the strict Content-Security-Policy."""

from playwright.sync_api import Page, expect

from blueprints.admin.forms import FEW_UNITS
from tests.browser.steps import login
from workflow.extensions import db
from workflow.services import admin


def test_the_award_forms_offered_follow_the_unit_running_the_campaign(page: Page):
    far = admin.unit_by_code("BT")
    for i in range(FEW_UNITS + 1):
        admin.save_award_form(
            admin.system_actor(),
            {"name": f"Giấy khen Bình Thuận {i}", "owner_unit_id": far.id, "nominee_kinds": ["individual"]},
        )
    db.session.commit()
    login(page, "admin")
    page.goto("/admin/campaigns/new")
    forms = page.get_by_role("group", name="Hình thức khen thưởng áp dụng")
    expect(forms).to_contain_text("Chọn đơn vị phát động để hiện các hình thức khen thưởng áp dụng được.")
    page.get_by_label("Đơn vị phát động").select_option(str(admin.unit_by_code("LD-LDG").id))
    expect(forms.get_by_role("checkbox")).not_to_have_count(0)
    expect(forms).not_to_contain_text("Giấy khen Bình Thuận")
    first = forms.get_by_role("checkbox").first
    first.check()
    page.get_by_label("Tên đợt thi đua").fill("Đợt thử trên trình duyệt")
    page.get_by_label("Ngày bắt đầu").fill("2026-01-01")
    page.get_by_label("Ngày kết thúc").fill("2026-12-31")
    page.get_by_role("button", name="Thêm đợt thi đua").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã thêm đợt thi đua “Đợt thử trên trình duyệt”")
