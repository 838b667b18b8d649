"""The type-ahead behind the list's unit, campaign and award-form filters: a screenful of what the user's scope
holds, found ignoring case and diacritics, and never anything outside the scope; and the filters it feeds."""

import unicodedata

import pytest

from tests.factories import create_nomination, make_user
from workflow.extensions import db
from workflow.services import admin
from workflow.services.admin.lookups import LIMIT
from workflow.states import State


def _lookup(client, kind, typed=""):
    response = client.get(f"/admin/lookup/{kind}", query_string={"q": typed})
    assert response.status_code == 200 and response.is_json
    return response.json["results"]


def _labels(results):
    return [result["label"] for result in results]


@pytest.mark.parametrize(
    "typed", ["lac duong", "LẠC DƯƠNG", "Lạc Dương", unicodedata.normalize("NFD", "lạc dương"), "  lac   duong "]
)
def test_a_unit_is_found_whatever_the_case_diacritics_and_normalisation_typed(world, client, auth, typed):
    auth.login("reviewer_p")
    assert _labels(_lookup(client, "units", typed)) == [
        "Huyện Lạc Dương",
        "Thị trấn Lạc Dương",
        "Trường PTDTNT huyện Lạc Dương",
        "Trường THCS Lạc Dương",
    ]


def test_every_word_typed_must_appear_and_d_finds_the_crossed_d(world, client, auth):
    auth.login("reviewer_p")
    assert _labels(_lookup(client, "units", "xa da sar")) == ["Xã Đạ Sar"]
    assert _labels(_lookup(client, "units", "sar xa")) == ["Xã Đạ Sar"]
    assert _lookup(client, "units", "da sar 100%_") == []


def test_a_unit_is_found_by_its_code_and_named_with_the_units_above_it(world, client, auth):
    auth.login("reviewer_p")
    assert _lookup(client, "units", "a1") == [
        {
            "id": world.a1.id,
            "label": "Trường THCS Lạc Dương",
            "detail": "Thị trấn Lạc Dương, Huyện Lạc Dương, Tỉnh Lâm Đồng",
        }
    ]


@pytest.mark.parametrize("username", ["clerk_c1", "reviewer_c1", "reviewer_d", "secretariat_d", "admin_d", "clerk_q1"])
@pytest.mark.parametrize("typed", ["", "lac", "phan thiet", "tinh", "xa", "truong"])
def test_the_unit_lookup_never_offers_a_unit_outside_the_users_subtrees(world, client, auth, username, typed):
    auth.login(username)
    user = getattr(world, username)
    scope = {unit.id for unit in admin.units_in_scope(user)}
    offered = {result["id"] for result in _lookup(client, "units", typed)}
    assert offered <= scope
    if not typed:
        assert offered == scope  # a small scope is offered whole on focus


def test_a_global_administrator_finds_units_of_every_tree(world, client, auth):
    auth.login("admin")
    assert _labels(_lookup(client, "units", "phan thiet")) == ["Phường Phan Thiết"]
    assert _labels(_lookup(client, "units", "tinh")) == ["Tỉnh Bình Thuận", "Tỉnh Lâm Đồng"]


def test_a_lookup_answers_a_screenful_highest_levels_first(world, client, auth):
    for i in range(LIMIT + 5):
        admin.create_unit(world.root, {"code": f"TH{i}", "name": f"Trường học số {i}", "level": "agency",
                                       "parent_id": world.c2.id})  # fmt: skip
    db.session.commit()
    auth.login("reviewer_d")
    found = _lookup(client, "units", "")
    assert len(found) == LIMIT
    assert _labels(found)[:3] == ["Huyện Lạc Dương", "Thị trấn Lạc Dương", "Xã Đạ Sar"]
    assert len(_lookup(client, "units", "truong hoc")) == LIMIT


def test_campaigns_and_award_forms_offered_are_those_of_the_users_line_of_the_tree(world, client, auth):
    auth.login("clerk_c1")
    assert _lookup(client, "campaigns") == [
        {"id": world.campaign_d.id, "label": world.campaign_d.title, "detail": "Huyện Lạc Dương"}
    ]
    assert _labels(_lookup(client, "award-forms")) == [world.form_p.name, world.form_d.name]  # province first
    assert _lookup(client, "award-forms", "binh thuan") == []
    auth.logout()
    auth.login("admin")
    assert _labels(_lookup(client, "campaigns", "binh thuan")) == [world.campaign_q.title]
    assert _lookup(client, "award-forms", "BINH THUAN")[0]["detail"] == "Do Tỉnh Bình Thuận tặng"


def test_the_lookups_need_a_signed_in_user(world, client):
    for kind in ("units", "campaigns", "award-forms"):
        response = client.get(f"/admin/lookup/{kind}?q=lac")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_list_filters_by_the_unit_chosen_and_its_subtree(world, client, auth):
    create_nomination(world, world.c1, state=State.submitted, name="Người của thị trấn", commit=False)
    create_nomination(world, world.a1, state=State.submitted, name="Người của trường", commit=False)
    create_nomination(world, world.c2, state=State.submitted, name="Người của xã", commit=False)
    db.session.commit()
    auth.login("reviewer_d")
    page = client.get(f"/nominations/?unit_id={world.c1.id}").text
    assert "Người của thị trấn" in page and "Người của trường" in page and "Người của xã" not in page
    assert f'name="unit_id" value="{world.c1.id}"' in page
    assert 'value="Thị trấn Lạc Dương"' in page  # the box names the unit chosen
    everyone = client.get("/nominations/?unit_id=").text
    assert all(name in everyone for name in ("Người của thị trấn", "Người của trường", "Người của xã"))


def test_the_boxes_name_the_campaign_and_award_form_chosen(world, client, auth):
    auth.login("clerk_c1")
    page = client.get(f"/nominations/?campaign_id={world.campaign_d.id}&award_form_id={world.form_d.id}").text
    assert f'value="{world.campaign_d.title}"' in page and f'value="{world.form_d.name}"' in page


def test_a_filter_naming_something_outside_the_scope_shows_nothing_and_names_nothing(world, client, auth):
    create_nomination(
        world, world.q1, form=world.form_q, campaign=world.campaign_q, state=State.submitted, name="Người Phan Thiết"
    )
    auth.login("reviewer_d")
    url = f"/nominations/?unit_id={world.q1.id}&campaign_id={world.campaign_q.id}&award_form_id={world.form_q.id}"
    page = client.get(url).text
    assert "Người Phan Thiết" not in page and "Không có hồ sơ nào phù hợp." in page
    for name in ("Phường Phan Thiết", world.campaign_q.title, world.form_q.name):
        assert name not in page


def test_a_user_holding_roles_in_two_trees_finds_units_of_both(world, client, auth):
    make_user("hai_noi", [("clerk", world.c2), ("reviewer", world.q1)])
    db.session.commit()
    auth.login("hai_noi")
    assert _labels(_lookup(client, "units")) == ["Phường Phan Thiết", "Xã Đạ Sar"]
