"""The unit of the nomination, award-form, campaign and review-period forms: a drop-down while the user has few units
to choose from, a type-ahead box over a lookup of exactly those units when they have many (a province's clerk, a
national administrator), and the server checking the id sent either way."""

import re

import pytest

from blueprints.admin.forms import FEW_UNITS
from tests.factories import make_user, nomination_data
from workflow import clock
from workflow.extensions import db
from workflow.models import AwardForm, Campaign, Nomination, ReviewPeriod
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
    auth.login("admin_d")
    data = {"name": "Giấy khen đã gõ", "nominee_kinds": ["collective"]}
    school = client.post("/admin/award-forms/new", data=data | {"owner_unit_id": world.ad.id})
    assert school.status_code == 422
    assert "Đơn vị tặng phải là cấp tỉnh, huyện hoặc xã." in school.text and 'value="Giấy khen đã gõ"' in school.text
    assert _box(school, "owner_unit_id") == ("", "")  # a school may not own one: not named as a choice
    assert client.post("/admin/award-forms/new", data=data | {"owner_unit_id": world.p.id}).status_code == 403
    campaign = {"title": "Đợt của tỉnh", "owner_unit_id": world.p.id, "starts_on": "2026-01-01",
                "ends_on": "2026-12-31", "award_form_ids": [world.form_p.id]}  # fmt: skip
    assert client.post("/admin/campaigns/new", data=campaign).status_code == 403
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
