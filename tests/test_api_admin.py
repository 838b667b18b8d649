"""Administration through the API: each POST answers 201 inside the actor's subtree and 403 outside it."""

from datetime import timedelta

from workflow import services
from workflow.extensions import db
from workflow.models import AccountEvent, AwardForm, Campaign, Unit, User
from workflow.models.base import utcnow

PERMISSION = "Bạn không có quyền quản trị đơn vị này."


def test_a_district_admin_adds_a_commune_under_the_district(api, world):
    admin = api("admin_d")
    response = admin.post(
        "/units", json={"code": "C3", "name": "Xã Đạ Nhim", "level": "commune", "parent_id": world.d.id}
    )
    assert response.status_code == 201
    unit = response.get_json()
    assert unit == {
        "id": unit["id"],
        "code": "C3",
        "name": "Xã Đạ Nhim",
        "level": "commune",
        "level_label": "Cấp xã",
        "parent_id": world.d.id,
    }
    assert db.session.get(Unit, unit["id"]).path == f"{world.d.path}{unit['id']}/"
    assert "C3" in [u["code"] for u in admin.get("/units").get_json()["items"]]


def test_units_outside_the_admins_subtree_or_without_admin_role_are_403(api, world):
    outside = api("admin_d").post(
        "/units", json={"code": "Q2", "name": "Phường Mũi Né", "level": "commune", "parent_id": world.q.id}
    )
    assert outside.status_code == 403
    assert outside.get_json() == {"error": {"code": "forbidden", "message": PERMISSION}}
    clerk = api("clerk_c1").post(
        "/units", json={"code": "A2", "name": "Trường Tiểu học", "level": "agency", "parent_id": world.c1.id}
    )
    assert clerk.status_code == 403
    assert db.session.query(Unit).filter(Unit.code.in_(["Q2", "A2"])).count() == 0


def test_a_unit_with_a_wrong_level_is_422(api, world):
    response = api("admin").post("/units", json={"code": "X", "name": "X", "level": "village", "parent_id": None})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "level": "Phải là một trong: province, district, commune, agency."
    }


def test_a_district_admin_creates_an_account_with_a_role_in_the_district(api, world):
    response = api("admin_d").post(
        "/users",
        json={
            "username": "Clerk_C2b",
            "full_name": "Phạm Thị Dung",
            "password": "matkhau456",
            "roles": [{"role": "clerk", "unit_id": world.c2.id}],
        },
    )
    assert response.status_code == 201
    user = response.get_json()
    assert user == {
        "id": user["id"],
        "username": "clerk_c2b",
        "full_name": "Phạm Thị Dung",
        "active": True,
        "locked_until": None,
        "roles": [{"role": "clerk", "role_label": "Cán bộ đơn vị", "unit_id": world.c2.id, "unit_name": "Xã Đạ Sar"}],
    }
    assert "password" not in user
    assert api("clerk_c2b", "matkhau456").get("/me").get_json()["id"] == user["id"]


def test_an_account_with_a_role_outside_the_admins_subtree_is_403(api, world):
    response = api("admin_d").post(
        "/users",
        json={"username": "spy", "password": "matkhau456", "roles": [{"role": "reviewer", "unit_id": world.q1.id}]},
    )
    assert response.status_code == 403
    assert db.session.query(User).filter_by(username="spy").count() == 0


def test_a_user_payload_with_a_bad_role_names_the_nested_field(api, world):
    response = api("admin_d").post(
        "/users", json={"username": "x1", "password": "matkhau456", "roles": [{"role": "boss", "unit_id": world.c2.id}]}
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "roles.0.role": "Phải là một trong: clerk, reviewer, secretariat, admin."
    }


def test_a_lookalike_username_is_refused_with_what_is_allowed(api, world):
    response = api("admin_d").post(
        "/users",
        json={"username": "\u0430dmin", "password": "matkhau456", "roles": [{"role": "clerk", "unit_id": world.c2.id}]},
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "username": f"Tên đăng nhập không được chứa “а” (U+0430). {services.admin.USERNAME_RULE}"
    }


def test_an_administrator_cannot_change_their_own_roles_through_the_api_but_another_one_can(api, world):
    own = api("admin_d").patch(
        f"/users/{world.admin_d.id}",
        json={"roles": [{"role": "admin", "unit_id": world.d.id}, {"role": "reviewer", "unit_id": world.d.id}]},
    )
    assert own.status_code == 422
    assert own.get_json()["error"]["fields"] == {"roles": services.admin.OWN_ROLES}
    by_another = api("admin").patch(
        f"/users/{world.admin_d.id}",
        json={"roles": [{"role": "admin", "unit_id": world.d.id}, {"role": "reviewer", "unit_id": world.d.id}]},
    )
    assert by_another.status_code == 200
    assert [(r["role"], r["unit_id"]) for r in by_another.get_json()["roles"]] == [
        ("admin", world.d.id),
        ("reviewer", world.d.id),
    ]
    recorded = db.session.scalars(
        db.select(AccountEvent).where(AccountEvent.user_id == world.admin_d.id).order_by(AccountEvent.id.desc())
    ).first()
    assert (recorded.action, recorded.role, recorded.unit_id, recorded.actor_id) == (
        "role_added",
        "reviewer",
        world.d.id,
        world.admin.id,
    )


def test_an_administrator_reads_and_edits_an_account_of_their_subtree_only(api, world):
    assert api("admin_d").get(f"/users/{world.clerk_c1.id}").get_json()["username"] == "clerk_c1"
    assert api("admin_d").get(f"/users/{world.clerk_q1.id}").status_code == 404
    assert api("clerk_c1").get(f"/users/{world.clerk_c1.id}").status_code == 404
    renamed = api("admin_d").patch(f"/users/{world.clerk_c1.id}", json={"full_name": "Nguyễn Thị Lan", "active": False})
    assert renamed.status_code == 200 and renamed.get_json()["full_name"] == "Nguyễn Thị Lan"
    assert renamed.get_json()["active"] is False and renamed.get_json()["roles"][0]["unit_id"] == world.c1.id


def test_a_locked_out_account_is_unlocked_through_the_api_on_record(api, world):
    user = db.session.get(User, world.clerk_c1.id)
    user.locked_until = utcnow() + timedelta(minutes=15)
    db.session.commit()
    shown = api("admin_d").get(f"/users/{world.clerk_c1.id}").get_json()["locked_until"]
    assert shown == user.lock_ends.isoformat()
    assert api("clerk_c2").post(f"/users/{world.clerk_c1.id}/unlock").status_code == 404
    assert api("admin_d").post(f"/users/{world.clerk_q1.id}/unlock").status_code == 404

    unlocked = api("admin_d").post(f"/users/{world.clerk_c1.id}/unlock")
    assert unlocked.status_code == 200 and unlocked.get_json()["locked_until"] is None
    assert api("clerk_c1").get("/me").status_code == 200  # signs in again at once
    again = api("admin_d").post(f"/users/{world.clerk_c1.id}/unlock")
    assert again.status_code == 409 and "không bị tạm khóa" in again.get_json()["error"]["message"]
    by_admins = db.select(AccountEvent.action).where(AccountEvent.actor_id.is_not(None))
    assert db.session.scalars(by_admins.where(AccountEvent.user_id == world.clerk_c1.id)).all() == ["unlocked"]


def test_the_openapi_document_describes_the_unlock_and_the_account_edit(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"200", "403", "409"} <= set(paths["/api/v1/users/{user_id}/unlock"]["post"]["responses"])
    assert {"get", "patch"} <= set(paths["/api/v1/users/{user_id}"])


def test_the_district_secretariat_adds_an_award_form_of_the_district(api, world):
    response = api("secretariat_d").post(
        "/award-forms",
        json={
            "name": "Giấy khen của Trưởng Công an huyện",
            "owner_unit_id": world.d.id,
            "nominee_kinds": ["individual"],
            "criteria": "Có thành tích xuất sắc đột xuất.",
        },
    )
    assert response.status_code == 201
    form = response.get_json()
    assert form == {
        "id": form["id"],
        "name": "Giấy khen của Trưởng Công an huyện",
        "owner_unit_id": world.d.id,
        "owner_unit_name": "Huyện Lạc Dương",
        "nominee_kinds": ["individual"],
        "criteria": "Có thành tích xuất sắc đột xuất.",
        "decision_symbol": "QĐ-UBND",
        "parent_body": "",
        "issuing_body": "",
        "authority": "",
        "signing_authority": "",
        "signer_title": "",
        "place": "",
    }
    assert db.session.get(AwardForm, form["id"]).accepts_collective is False


def test_an_award_form_carries_the_header_and_signature_of_its_decisions(api, world):
    issuer = {
        "decision_symbol": "QĐ-CAT",
        "parent_body": "BỘ CÔNG AN",
        "issuing_body": "CÔNG AN TỈNH BÌNH THUẬN",
        "authority": "GIÁM ĐỐC CÔNG AN TỈNH BÌNH THUẬN",
        "signing_authority": "GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "place": "Bình Thuận",
    }
    response = api("secretariat_q").post(
        "/award-forms",
        json={
            "name": "Giấy khen của Giám đốc Công an tỉnh",
            "owner_unit_id": world.q.id,
            "nominee_kinds": ["individual"],
        }
        | issuer,
    )
    assert response.status_code == 201, response.get_json()
    assert {key: response.get_json()[key] for key in issuer} == issuer
    refused = api("secretariat_q").post(
        "/award-forms",
        json={
            "name": "Giấy khen",
            "owner_unit_id": world.q.id,
            "nominee_kinds": ["individual"],
            "decision_symbol": "QĐ/CAT",
        },
    )
    assert refused.status_code == 422
    assert "decision_symbol" in refused.get_json()["error"]["fields"]


def test_an_award_form_of_another_province_is_403(api, world):
    response = api("secretariat_d").post(
        "/award-forms", json={"name": "Bằng khen", "owner_unit_id": world.q.id, "nominee_kinds": ["collective"]}
    )
    assert response.status_code == 403
    assert db.session.query(AwardForm).filter_by(name="Bằng khen").count() == 0


def test_the_district_secretariat_launches_a_campaign(api, world):
    response = api("secretariat_d").post(
        "/campaigns",
        json={
            "title": "Sơ kết 6 tháng đầu năm 2026",
            "owner_unit_id": world.d.id,
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "nomination_deadline": "2026-07-15",
            "award_form_ids": [world.form_d.id],
        },
    )
    assert response.status_code == 201
    campaign = response.get_json()
    assert campaign == {
        "id": campaign["id"],
        "title": "Sơ kết 6 tháng đầu năm 2026",
        "owner_unit_id": world.d.id,
        "owner_unit_name": "Huyện Lạc Dương",
        "starts_on": "2026-01-01",
        "ends_on": "2026-06-30",
        "nomination_deadline": "2026-07-15",
        "award_form_ids": [world.form_d.id],
        "description": "",
    }
    assert campaign["id"] in [c["id"] for c in api("clerk_c1").get("/campaigns").get_json()]


def test_a_campaign_outside_the_secretariats_unit_is_403_and_bad_dates_are_422(api, world):
    secretariat = api("secretariat_d")
    outside = secretariat.post(
        "/campaigns",
        json={
            "title": "Đợt khác",
            "owner_unit_id": world.q.id,
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "award_form_ids": [world.form_q.id],
        },
    )
    assert outside.status_code == 403
    backwards = secretariat.post(
        "/campaigns",
        json={
            "title": "Ngược",
            "owner_unit_id": world.d.id,
            "starts_on": "2026-06-30",
            "ends_on": "2026-01-01",
            "award_form_ids": [world.form_d.id],
        },
    )
    assert backwards.status_code == 422
    assert backwards.get_json()["error"]["fields"] == {"ends_on": "Ngày kết thúc phải sau ngày bắt đầu."}
    not_a_date = secretariat.post(
        "/campaigns",
        json={
            "title": "Sai ngày",
            "owner_unit_id": world.d.id,
            "starts_on": "30/06/2026",
            "ends_on": "2026-12-31",
            "award_form_ids": [world.form_d.id],
        },
    )
    assert not_a_date.get_json()["error"]["fields"] == {"starts_on": "Ngày không hợp lệ (định dạng YYYY-MM-DD)."}
    assert db.session.query(Campaign).count() == 2
