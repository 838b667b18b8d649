"""Rules of workflow.services.admin that the pages rely on but cannot show on their own."""

import pytest

from tests.factories import make_user
from workflow.errors import PermissionDenied, ValidationError
from workflow.services import admin
from workflow.states import Role


def _account(username, roles):
    return {"username": username, "full_name": "Người mới", "password": "matkhau456", "roles": roles}


def test_a_clerk_cannot_create_an_account_even_without_roles(world):
    with pytest.raises(PermissionDenied):
        admin.create_user(world.clerk_c1, _account("khong_vai_tro", []))


def test_a_district_admin_must_give_a_new_account_a_role_in_their_scope(world):
    with pytest.raises(ValidationError) as refused:
        admin.create_user(world.admin_d, _account("mo_coi", []))
    assert refused.value.fields == {"roles": "Giao ít nhất một vai trò tại đơn vị thuộc phạm vi quản trị của bạn."}
    assert admin.create_user(world.admin, _account("quan_sat", [])).roles == []


def test_a_district_admin_cannot_touch_an_account_outside_the_district(world):
    with pytest.raises(PermissionDenied):
        admin.update_user(world.admin_d, world.clerk_q1, {"full_name": "Đổi tên"})
    with pytest.raises(PermissionDenied):
        admin.update_user(world.admin_d, world.admin, {"password": "chiemquyen1"})


def test_a_district_admin_manages_roles_but_not_the_identity_of_a_shared_account(world):
    shared = make_user("lanh_dao", [("reviewer", world.q), ("clerk", world.c1)])
    admin.update_user(
        world.admin_d,
        shared,
        {"full_name": shared.full_name, "active": True, "roles": [{"role": "reviewer", "unit_id": world.c1.id}]},
    )
    assert sorted((a.role, a.unit_id) for a in shared.roles) == [("reviewer", world.c1.id), ("reviewer", world.q.id)]
    for change in ({"active": False}, {"password": "matkhau789"}, {"full_name": "Tên khác"}):
        with pytest.raises(PermissionDenied):
            admin.update_user(world.admin_d, shared, change)
    assert shared.active is True


def test_a_district_secretariat_cannot_take_over_the_provinces_award_form(world):
    with pytest.raises(PermissionDenied):
        admin.save_award_form(
            world.secretariat_d,
            {"name": "Giấy khen của huyện", "owner_unit_id": world.d.id, "nominee_kinds": ["individual"]},
            world.form_p,
        )
    assert world.form_p.owner_unit_id == world.p.id


def test_a_district_secretariat_cannot_take_over_a_provincial_campaign(world):
    provincial = admin.save_campaign(
        world.root,
        {
            "title": "Phong trào tỉnh Lâm Đồng",
            "owner_unit_id": world.p.id,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "award_form_ids": [world.form_p.id],
        },
    )
    with pytest.raises(PermissionDenied):
        admin.save_campaign(
            world.secretariat_d,
            {
                "title": "Của huyện",
                "owner_unit_id": world.d.id,
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
                "award_form_ids": [world.form_d.id],
            },
            provincial,
        )
    assert provincial.owner_unit_id == world.p.id and provincial.title == "Phong trào tỉnh Lâm Đồng"


def test_a_unit_with_units_below_keeps_a_level_they_can_sit_under(world):
    with pytest.raises(ValidationError) as refused:
        admin.update_unit(
            world.root, world.c1, {"code": "C1", "name": world.c1.name, "level": "agency", "parent_id": world.d.id}
        )
    assert "Trường THCS Lạc Dương" in refused.value.fields["level"]
    moved = admin.update_unit(
        world.root, world.q1, {"code": "Q1", "name": "Phường Phan Thiết", "level": "agency", "parent_id": world.q.id}
    )
    assert moved.level == "agency"


def test_unit_tree_orders_by_level_then_name_and_measures_depth_from_the_top_in_scope(world):
    units = admin.units_in_scope(world.admin_d, *Role)
    assert [(u.code, depth) for u, depth in admin.unit_tree(units)] == [
        ("D", 0),
        ("C1", 1),
        ("A1", 2),
        ("C2", 1),
        ("AD", 1),
    ]


def test_the_decision_header_of_an_award_form_is_optional_and_kept_when_left_out(world):
    issuer = {
        "decision_symbol": "QĐ-CAT",
        "parent_body": "BỘ CÔNG AN",
        "issuing_body": "CÔNG AN TỈNH BÌNH THUẬN",
        "authority": "GIÁM ĐỐC CÔNG AN TỈNH BÌNH THUẬN",
        "signing_authority": "GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "place": "Bình Thuận",
    }
    base = {"name": world.form_q.name, "owner_unit_id": world.q.id, "nominee_kinds": ["individual"]}
    form = admin.save_award_form(world.secretariat_q, base | issuer, world.form_q)
    assert {key: getattr(form, key) for key in issuer} == issuer
    admin.save_award_form(world.secretariat_q, base | {"criteria": "Tiêu chuẩn mới."}, form)
    assert {key: getattr(form, key) for key in issuer} == issuer
    admin.save_award_form(world.secretariat_q, base | {"decision_symbol": " ", "place": ""}, form)
    assert (form.decision_symbol, form.place) == ("QĐ-UBND", "")
    for key, value in {"decision_symbol": "QĐ CAT", "place": "x" * 121, "authority": "A" * 256}.items():
        with pytest.raises(ValidationError) as error:
            admin.save_award_form(world.secretariat_q, base | {key: value}, form)
        assert key in error.value.fields
