"""The unit of the nomination, award-form, campaign and review-period forms, the parent of the unit form and the units
of the account form's roles: a drop-down while the user has few units to choose from, a type-ahead box over a lookup
of exactly those units when they have many (a province's clerk, a national administrator), and the server checking
the id sent either way."""

import re

import pytest

from blueprints.admin.forms import FEW_UNITS
from tests.factories import make_user, nomination_data
from workflow import clock
from workflow.extensions import db
from workflow.models import AwardForm, Campaign, Nomination, ReviewPeriod, Unit, User
from workflow.services import admin, nominations

OWNER_FORMS = ["/admin/award-forms/new", "/admin/campaigns/new", "/reports/periods/new"]
OUTSIDE = "Bạn không được lập hồ sơ cho đơn vị này."


@pytest.fixture
def many(world):
    """FEW_UNITS more communes under district D: D's clerk, D's admin and the global admin now have many units."""
    communes = [
        admin.create_unit(
            world.root, {"code": f"N{i:03}", "name": f"Xã Nhiều {i}", "level": "commune", "parent_id": world.d.id}
        )
        for i in range(FEW_UNITS)
    ]
    db.session.commit()
    return communes


def _lookup(client, kind, typed=""):
    response = client.get(f"/admin/lookup/{kind}", query_string={"q": typed})
    assert response.status_code == 200
    return [result["label"] for result in response.json["results"]]


def _box(page, name: str) -> tuple[str, str] | None:
    """(id, name shown) of the type-ahead box submitting `name`; None when the page has none."""
    found = re.search(
        rf'data-lookup="[^"]+">\s*<input type="hidden" name="{name}" value="([^"]*)">\s*<input[^>]* value="([^"]*)"',
        page.text,
    )
    return found.groups() if found else None


# The nomination form -------------------------------------------------------------------------------------------


def test_a_commune_clerk_still_picks_the_unit_from_a_drop_down_of_their_units(world, many, client, auth):
    auth.login("clerk_c1")
    page = client.get("/nominations/new")
    options = re.search(r'<select[^>]*name="unit_id"[^>]*>(.*?)</select>', page.text, re.S)
    assert re.findall(r"<option[^>]*>([^<]+)</option>", options.group(1)) == [
        "Thị trấn Lạc Dương",
        "Trường THCS Lạc Dương",
    ]
    assert _box(page, "unit_id") is None and "lookup.js" not in page.text


def test_a_clerk_over_many_units_gets_a_type_ahead_box_instead_of_an_option_each(world, many, client, auth):
    auth.login("clerk_d")
    page = client.get("/nominations/new")
    assert page.status_code == 200
    assert _box(page, "unit_id") == ("", "")
    assert 'data-lookup="/admin/lookup/nominating-units"' in page.text and "js/lookup.js" in page.text
    assert not re.search(r'<select[^>]*name="unit_id"', page.text)
    assert "Xã Nhiều" not in page.text and page.text.count("<option") < 10  # the campaigns and award forms only


def test_the_box_finds_only_units_the_user_nominates_for(world, many, client, auth):
    make_user("hai_vai", [("clerk", world.c2), ("reviewer", world.d)])
    db.session.commit()
    auth.login("hai_vai")
    assert _lookup(client, "nominating-units") == ["Xã Đạ Sar"]
    assert _lookup(client, "nominating-units", "lac duong") == []  # reviewed, not nominated for
    assert "Huyện Lạc Dương" in _lookup(client, "units", "lac duong")  # what the list filters offer
    auth.logout()
    auth.login("clerk_d")
    assert _lookup(client, "nominating-units", "n007") == ["Xã Nhiều 7"]
    assert len(_lookup(client, "nominating-units", "xa")) == 20


def test_a_clerk_saves_a_nomination_for_a_unit_chosen_in_the_box(world, many, client, auth):
    auth.login("clerk_d")
    response = client.post("/nominations/new", data=nomination_data(world, many[7]))
    assert response.status_code == 302
    assert db.session.scalar(db.select(Nomination.unit_id)) == many[7].id


@pytest.mark.parametrize("username", ["clerk_c1", "clerk_d"])  # a drop-down, a box
def test_a_unit_outside_the_clerks_scope_is_refused_in_vietnamese_keeping_what_was_typed(
    world, many, client, auth, username
):
    auth.login(username)
    data = nomination_data(world, world.q1, name="Tên đã gõ", achievements="Thành tích đã gõ")
    page = client.post("/nominations/new", data=data)
    assert page.status_code == 422
    assert re.search(rf'class="invalid-feedback[^"]*">{OUTSIDE}<', page.text)
    assert 'value="Tên đã gõ"' in page.text and "Thành tích đã gõ" in page.text
    assert "Phường Phan Thiết" not in page.text  # a unit outside the scope is never named
    assert db.session.scalar(db.select(db.func.count(Nomination.id))) == 0
    for nonsense in ("abc", str(2**40)):
        page = client.post("/nominations/new", data=data | {"unit_id": nonsense})
        assert page.status_code == 422 and db.session.scalar(db.select(db.func.count(Nomination.id))) == 0


def test_the_box_names_the_unit_of_the_nomination_being_edited(world, many, client, auth):
    nomination = nominations.create(world.clerk_d, nomination_data(world, many[3]))
    db.session.commit()
    auth.login("clerk_d")
    assert _box(client.get(f"/nominations/{nomination.id}/edit"), "unit_id") == (str(many[3].id), "Xã Nhiều 3")


# The owner of award forms, campaigns and review periods ----------------------------------------------------------


@pytest.mark.parametrize("url", OWNER_FORMS)
def test_a_secretariat_of_few_units_picks_the_owner_from_a_drop_down(world, client, auth, url):
    auth.login("secretariat_d")
    page = client.get(url)
    assert re.search(r'<select[^>]*name="owner_unit_id"', page.text) and _box(page, "owner_unit_id") is None


@pytest.mark.parametrize("username", ["admin", "admin_d"])
@pytest.mark.parametrize("url", OWNER_FORMS)
def test_an_administrator_of_many_units_gets_a_type_ahead_box_for_the_owner(world, many, client, auth, username, url):
    auth.login(username)
    page = client.get(url)
    assert page.status_code == 200
    assert 'data-lookup="/admin/lookup/owner-units"' in page.text and "js/lookup.js" in page.text
    assert not re.search(r'<select[^>]*name="owner_unit_id"', page.text)
    assert "Xã Nhiều" not in page.text


def test_the_owner_box_finds_only_units_that_may_own_awards_and_periods(world, many, client, auth):
    auth.login("secretariat_d")
    assert _lookup(client, "owner-units", "lac duong") == ["Huyện Lạc Dương", "Thị trấn Lạc Dương"]  # no school
    assert _lookup(client, "owner-units", "tinh") == []  # the province is above the secretariat
    auth.logout()
    auth.login("clerk_d")
    assert _lookup(client, "owner-units") == []


def test_an_owner_chosen_in_the_box_is_saved_and_named_when_editing(world, many, client, auth):
    auth.login("admin_d")
    data = {"name": "Giấy khen của Chủ tịch UBND xã", "owner_unit_id": many[5].id, "nominee_kinds": ["collective"]}
    assert client.post("/admin/award-forms/new", data=data).status_code == 302
    form = db.session.scalar(db.select(AwardForm).where(AwardForm.name == data["name"]))
    assert form.owner_unit_id == many[5].id
    assert _box(client.get(f"/admin/award-forms/{form.id}/edit"), "owner_unit_id") == (str(many[5].id), "Xã Nhiều 5")
    campaign = client.get(f"/admin/campaigns/{world.campaign_d.id}/edit")
    assert _box(campaign, "owner_unit_id") == (str(world.d.id), "Huyện Lạc Dương")


def test_the_server_checks_the_owner_sent_from_the_box(world, many, client, auth):
    """A school may own no award form, and the province is above the district's admin: either is refused next to
    the box, in Vietnamese, everything typed kept, and neither is named as a choice."""
    auth.login("admin_d")
    data = {"name": "Giấy khen đã gõ", "nominee_kinds": ["collective"]}
    for owner in (world.ad, world.p):
        refused = client.post("/admin/award-forms/new", data=data | {"owner_unit_id": owner.id})
        assert refused.status_code == 422
        assert admin.OWNER_OUTSIDE_SCOPE.format(role="Đơn vị tặng") in refused.text
        assert 'value="Giấy khen đã gõ"' in refused.text and _box(refused, "owner_unit_id") == ("", "")
    campaign = {"title": "Đợt của tỉnh", "owner_unit_id": world.p.id, "starts_on": "2026-01-01",
                "ends_on": "2026-12-31", "award_form_ids": [world.form_p.id]}  # fmt: skip
    refused = client.post("/admin/campaigns/new", data=campaign)
    assert refused.status_code == 422 and 'value="Đợt của tỉnh"' in refused.text
    assert admin.OWNER_OUTSIDE_SCOPE.format(role="Đơn vị phát động") in refused.text
    period = client.post("/reports/periods/new", data={"title": "Kỳ của tỉnh", "owner_unit_id": world.p.id})
    assert period.status_code == 422 and 'value="Kỳ của tỉnh"' in period.text
    assert admin.OWNER_OUTSIDE_SCOPE.format(role="Đơn vị tổng hợp") in period.text
    assert db.session.scalar(db.select(db.func.count(AwardForm.id))) == 3
    assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 2


def test_a_new_period_in_box_mode_starts_from_the_first_unit_and_titles_the_one_chosen(world, many, client, auth):
    auth.login("admin")
    page = client.get("/reports/periods/new")
    unit_id, name = _box(page, "owner_unit_id")
    assert (int(unit_id), name) in {(world.p.id, "Tỉnh Lâm Đồng"), (world.q.id, "Tỉnh Bình Thuận")}  # first by path
    assert f'value="Tổng kết phong trào Toàn dân bảo vệ ANTQ năm {clock.today().year} – {name}"' in page.text
    assert re.findall(r'name="reporting_levels"[^>]*value="(\w+)"', page.text) == ["district", "commune", "agency"]
    data = {"owner_unit_id": world.d.id, "kind": "year", "title": "", "starts_on": "2026-01-01",
            "ends_on": "2026-12-31", "due_on": "2026-12-15", "reporting_levels": ["commune"]}  # fmt: skip
    assert client.post("/reports/periods/new", data=data).status_code == 302
    period = db.session.scalar(db.select(ReviewPeriod))
    assert period.title == "Tổng kết phong trào Toàn dân bảo vệ ANTQ năm 2026 – Huyện Lạc Dương"


# The parent of a unit ---------------------------------------------------------------------------------------------

BAD_PARENT = "Đơn vị cấp trên phải là đơn vị cấp tỉnh, huyện hoặc xã trong phạm vi quản trị của bạn."


def _unit_form(**values):
    return {"code": "XM", "name": "Xã Đã Gõ", "level": "commune", "parent_id": ""} | values


def _units() -> int:
    return db.session.scalar(db.select(db.func.count(Unit.id)))


@pytest.mark.parametrize("username", ["admin", "admin_d"])
def test_an_administrator_of_many_units_gets_a_type_ahead_box_for_the_parent(world, many, client, auth, username):
    auth.login(username)
    for url in ("/admin/units/new", f"/admin/units/{world.c1.id}/edit"):
        page = client.get(url)
        assert page.status_code == 200
        assert 'data-lookup="/admin/lookup/parent-units"' in page.text and "js/lookup.js" in page.text
        assert not re.search(r'<select[^>]*name="parent_id"', page.text) and "Xã Nhiều" not in page.text


def test_an_administrator_of_few_units_still_picks_the_parent_from_a_drop_down(world, client, auth):
    auth.login("admin_d")
    page = client.get(f"/admin/units/{world.d.id}/edit")
    options = re.search(r'<select[^>]*name="parent_id"[^>]*>(.*?)</select>', page.text, re.S).group(1)
    assert "Thị trấn Lạc Dương" not in options  # the unit's own subtree is no parent for it
    assert _box(page, "parent_id") is None and "lookup.js" not in page.text


def test_the_parent_box_finds_only_administered_units_that_may_have_units_below(world, many, client, auth):
    auth.login("admin_d")
    assert _lookup(client, "parent-units", "lac duong") == ["Huyện Lạc Dương", "Thị trấn Lạc Dương"]  # no school
    assert _lookup(client, "parent-units", "tinh") == []  # the province is above the admin
    assert _lookup(client, "parent-units", "n012") == ["Xã Nhiều 12"]
    auth.logout()
    auth.login("secretariat_d")
    assert _lookup(client, "parent-units") == []


def test_an_existing_units_edit_page_names_its_current_parent_in_the_box(world, many, client, auth):
    auth.login("admin")
    assert _box(client.get(f"/admin/units/{many[3].id}/edit"), "parent_id") == (str(world.d.id), "Huyện Lạc Dương")
    assert _box(client.get(f"/admin/units/{world.d.id}/edit"), "parent_id") == (str(world.p.id), "Tỉnh Lâm Đồng")
    assert _box(client.get(f"/admin/units/{world.p.id}/edit"), "parent_id") == ("", "")  # a province: none


def test_a_unit_is_added_under_a_parent_chosen_in_the_box(world, many, client, auth):
    auth.login("admin_d")
    data = _unit_form(code="TH9", name="Trường Tiểu học Nhiều 9", level="agency", parent_id=many[9].id)
    assert client.post("/admin/units/new", data=data).status_code == 302
    assert admin.unit_by_code("TH9").parent_id == many[9].id


@pytest.mark.parametrize("boxed", [False, True])  # a drop-down, a box
def test_a_parent_outside_the_pool_is_refused_in_vietnamese_keeping_what_was_typed(world, client, auth, request, boxed):
    if boxed:
        request.getfixturevalue("many")
    before = _units()
    auth.login("admin_d")
    for parent in (world.q.id, world.ad.id, 999_999):  # another province's, a school, none at all
        page = client.post("/admin/units/new", data=_unit_form(parent_id=parent))
        assert page.status_code == 422
        assert re.search(rf'class="invalid-feedback[^"]*">{BAD_PARENT}<', page.text)
        assert 'value="Xã Đã Gõ"' in page.text and 'value="XM"' in page.text
        assert "Tỉnh Bình Thuận" not in page.text  # a unit outside the scope is never named
    page = client.post("/admin/units/new", data=_unit_form(parent_id="abc"))
    assert page.status_code == 422 and "Lựa chọn không hợp lệ." in page.text and 'value="Xã Đã Gõ"' in page.text
    assert _units() == before


def test_a_unit_moved_under_its_own_subtree_in_the_box_is_refused_with_the_reason(world, many, client, auth):
    auth.login("admin")
    data = _unit_form(code="D", name="Huyện Lạc Dương (mới)", level="district", parent_id=many[0].id)
    page = client.post(f"/admin/units/{world.d.id}/edit", data=data)
    assert page.status_code == 422
    assert "Không thể đặt đơn vị dưới chính nó hoặc đơn vị cấp dưới của nó." in page.text
    assert 'value="Huyện Lạc Dương (mới)"' in page.text
    assert _box(page, "parent_id") == (str(many[0].id), "Xã Nhiều 0")  # what was chosen, to change
    db.session.expire_all()
    assert (world.d.name, world.d.parent_id) == ("Huyện Lạc Dương", world.p.id)


def test_a_level_that_may_not_sit_under_the_parent_chosen_in_the_box_is_refused(world, many, client, auth):
    auth.login("admin_d")
    page = client.post("/admin/units/new", data=_unit_form(level="district", parent_id=many[1].id))
    assert page.status_code == 422 and "Cấp huyện không thể trực thuộc cấp xã." in page.text


# The units of an account's roles ---------------------------------------------------------------------------------


def _account(**values):
    data = {"username": "cb_moi", "full_name": "Lê Văn Đã Gõ", "password": "matkhau456", "confirm": "matkhau456"}
    for index in range(3):
        data |= {f"role_rows-{index}-role": "", f"role_rows-{index}-unit_id": ""}
    return data | values


@pytest.mark.parametrize("username", ["admin", "admin_d"])
def test_an_administrator_of_many_units_gets_a_type_ahead_box_in_each_role_row(world, many, client, auth, username):
    auth.login(username)
    page = client.get("/admin/users/new")
    assert page.status_code == 200
    assert page.text.count('data-lookup="/admin/lookup/administered-units"') == 3 and "js/lookup.js" in page.text
    assert not re.search(r'<select[^>]*name="role_rows-0-unit_id"', page.text) and "Xã Nhiều" not in page.text
    assert ("toàn hệ thống" in page.text) is (username == "admin")  # a row without a unit, for a global admin


def test_the_role_box_finds_the_units_the_admin_administers_schools_too(world, many, client, auth):
    auth.login("admin_d")
    assert "Trường THCS Lạc Dương" in _lookup(client, "administered-units", "lac duong")
    assert _lookup(client, "administered-units", "phan thiet") == []
    auth.logout()
    auth.login("reviewer_d")  # reviews the district, administers nothing
    assert _lookup(client, "administered-units") == []


def test_roles_at_units_chosen_in_the_boxes_are_saved_and_named_when_editing(world, many, client, auth):
    auth.login("admin_d")
    data = _account(**{"role_rows-0-role": "clerk", "role_rows-0-unit_id": many[4].id,
                       "role_rows-1-role": "reviewer", "role_rows-1-unit_id": world.a1.id})  # fmt: skip
    assert client.post("/admin/users/new", data=data).status_code == 302
    user = db.session.scalar(db.select(User).where(User.username == "cb_moi"))
    assert sorted((a.role, a.unit_id) for a in user.roles) == [("clerk", many[4].id), ("reviewer", world.a1.id)]
    page = client.get(f"/admin/users/{user.id}/edit")
    named = {_box(page, f"role_rows-{index}-unit_id") for index in range(2)}
    assert named == {(str(many[4].id), "Xã Nhiều 4"), (str(world.a1.id), "Trường THCS Lạc Dương")}
    assert _box(page, "role_rows-2-unit_id") == ("", "")


@pytest.mark.parametrize("boxed", [False, True])  # a drop-down, a box
def test_a_role_unit_outside_the_admins_scope_is_refused_in_vietnamese_keeping_what_was_typed(
    world, client, auth, request, boxed
):
    if boxed:
        request.getfixturevalue("many")
    auth.login("admin_d")
    for unit_id in (world.q1.id, 999_999):
        data = _account(**{"role_rows-0-role": "clerk", "role_rows-0-unit_id": world.c2.id,
                           "role_rows-1-role": "clerk", "role_rows-1-unit_id": unit_id})  # fmt: skip
        page = client.post("/admin/users/new", data=data)
        assert page.status_code == 422
        assert re.search(rf'class="invalid-feedback[^"]*">{admin.ROLE_OUTSIDE_SCOPE}<', page.text)
        assert 'value="cb_moi"' in page.text and 'value="Lê Văn Đã Gõ"' in page.text
        assert "Phường Phan Thiết" not in page.text
        if boxed:
            assert _box(page, "role_rows-0-unit_id") == (str(world.c2.id), "Xã Đạ Sar")
        else:
            assert f'<option selected value="{world.c2.id}">' in page.text
    assert db.session.scalar(db.select(User).where(User.username == "cb_moi")) is None


# The award forms of a campaign -----------------------------------------------------------------------------------

PICK_THE_UNIT_FIRST = "Chọn đơn vị phát động để hiện các hình thức khen thưởng áp dụng được."


@pytest.fixture
def many_forms(world):
    """FEW_UNITS + 1 award forms of commune Q1: the global admin now sees many, district D's staff still a few."""
    forms = [
        admin.save_award_form(
            world.root,
            {"name": f"Giấy khen Phan Thiết {i}", "owner_unit_id": world.q1.id, "nominee_kinds": ["individual"]},
        )
        for i in range(FEW_UNITS + 1)
    ]
    db.session.commit()
    return forms


def _offered(page) -> list[str]:
    return re.findall(r'name="award_form_ids"[^>]*>\s*<label[^>]*>([^<]+)</label>', page.text)


def test_a_new_campaign_of_one_who_sees_many_award_forms_offers_them_once_the_unit_is_chosen(
    world, many_forms, client, auth
):
    auth.login("admin")
    page = client.get("/admin/campaigns/new")
    assert _offered(page) == [] and PICK_THE_UNIT_FIRST in page.text and "Phan Thiết 7" not in page.text
    assert 'data-award-forms="/admin/lookup/campaign-award-forms"' in page.text
    offered = client.get("/admin/lookup/campaign-award-forms", query_string={"owner": world.d.id}).json["results"]
    assert [choice["label"] for choice in offered] == [
        "Giấy khen của Chủ tịch UBND huyện Lạc Dương (Huyện Lạc Dương)",
        "Giấy khen của Giám đốc Công an tỉnh Lâm Đồng (Tỉnh Lâm Đồng)",
    ]
    of_q = client.get("/admin/lookup/campaign-award-forms", query_string={"owner": world.q.id}).json["results"]
    assert len(of_q) == len(many_forms) + 1  # the province's own and those of its commune below
    for nonsense in (world.a1.id, 999_999, 2**40, "abc", ""):  # a school runs no campaign
        answer = client.get("/admin/lookup/campaign-award-forms", query_string={"owner": nonsense})
        assert answer.status_code == 200 and answer.json["results"] == []


def test_the_campaign_award_forms_lookup_answers_only_for_the_users_own_units(world, many_forms, client, auth):
    auth.login("secretariat_d")
    assert client.get("/admin/lookup/campaign-award-forms", query_string={"owner": world.q.id}).json["results"] == []
    assert (
        len(client.get("/admin/lookup/campaign-award-forms", query_string={"owner": world.d.id}).json["results"]) == 2
    )


def test_a_campaign_edited_by_one_who_sees_many_award_forms_offers_those_of_its_units_line(
    world, many_forms, client, auth
):
    auth.login("admin")
    page = client.get(f"/admin/campaigns/{world.campaign_d.id}/edit")
    assert _offered(page) == [
        "Giấy khen của Chủ tịch UBND huyện Lạc Dương (Huyện Lạc Dương)",
        "Giấy khen của Giám đốc Công an tỉnh Lâm Đồng (Tỉnh Lâm Đồng)",
    ]
    assert page.text.count('name="award_form_ids"') == page.text.count("checked") == 2


def test_a_form_off_the_chosen_units_line_is_refused_keeping_what_was_typed(world, many_forms, client, auth):
    auth.login("admin")
    data = {"title": "Đợt đã gõ", "owner_unit_id": world.d.id, "starts_on": "2026-01-01", "ends_on": "2026-12-31",
            "award_form_ids": [world.form_d.id, many_forms[3].id]}  # fmt: skip
    page = client.post("/admin/campaigns/new", data=data)
    assert page.status_code == 422 and "Lựa chọn không hợp lệ." in page.text and 'value="Đợt đã gõ"' in page.text
    assert len(_offered(page)) == 2  # the forms of the line of the unit chosen, the one ticked still ticked
    assert re.search(rf'checked[^>]*value="{world.form_d.id}"|value="{world.form_d.id}"[^>]*checked', page.text)
    assert client.post("/admin/campaigns/new", data=data | {"award_form_ids": [world.form_d.id]}).status_code == 302


def test_one_who_sees_few_award_forms_still_gets_them_all_at_once(world, many_forms, client, auth):
    auth.login("secretariat_d")
    page = client.get("/admin/campaigns/new")
    assert len(_offered(page)) == 2 and "data-award-forms" not in page.text
