"""The JSON API: bearer tokens, the error format, the OpenAPI document, the reference lists."""

import pytest
from flask import abort
from openapi_spec_validator import validate

from tests.api_client import API
from tests.factories import PASSWORD, nomination_data
from workflow.extensions import db
from workflow.models import Nomination
from workflow.services.auth import BAD_LOGIN

MISSING_TOKEN = "Thiếu mã truy cập hợp lệ hoặc mã đã hết hạn."


def unauthorized(response) -> bool:
    return response.status_code == 401 and response.get_json() == {
        "error": {"code": "unauthorized", "message": MISSING_TOKEN}
    }


# Tokens and who is calling ---------------------------------------------------------------------------------


def test_a_token_is_issued_for_the_right_password_and_identifies_the_user(client, world):
    response = client.post(f"{API}/tokens", json={"username": "clerk_c1", "password": PASSWORD})
    assert response.status_code == 201
    body = response.get_json()
    assert len(body["token"]) >= 40
    assert body["expires_at"].endswith("+00:00")

    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json() == {
        "id": world.clerk_c1.id,
        "username": "clerk_c1",
        "full_name": "Clerk C1",
        "active": True,
        "locked_until": None,
        "roles": [
            {"role": "clerk", "role_label": "Cán bộ đơn vị", "unit_id": world.c1.id, "unit_name": "Thị trấn Lạc Dương"}
        ],
    }


def test_a_global_administrator_has_a_role_without_unit(api, world):
    roles = api("admin").get("/me").get_json()["roles"]
    assert roles == [{"role": "admin", "role_label": "Quản trị hệ thống", "unit_id": None, "unit_name": None}]


def test_a_wrong_password_gets_401_in_vietnamese(client, world):
    response = client.post(f"{API}/tokens", json={"username": "clerk_c1", "password": "sai-mat-khau1"})
    assert response.status_code == 401
    assert response.get_json() == {"error": {"code": "unauthorized", "message": BAD_LOGIN}}


def test_a_token_request_without_password_is_a_422_with_field_messages(client, world):
    response = client.post(f"{API}/tokens", json={"username": "clerk_c1"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"password": "Trường bắt buộc, chưa có giá trị."}


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer khong-phai-ma-that", "Basic Y2xlcms6eA=="])
def test_a_request_without_a_valid_bearer_token_gets_401_and_a_challenge(client, world, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get(f"{API}/nominations", headers=headers)
    assert unauthorized(response)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_gets_401(app, client, world):
    app.config["API_TOKEN_HOURS"] = -1
    token = client.post(f"{API}/tokens", json={"username": "clerk_c1", "password": PASSWORD}).get_json()["token"]
    assert unauthorized(client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}))


def test_a_deactivated_user_loses_the_api_at_once(api, world):
    clerk = api("clerk_c1")
    assert clerk.get("/me").status_code == 200
    world.clerk_c1.active = False
    db.session.commit()
    assert unauthorized(clerk.get("/me"))


def test_the_browser_session_is_not_accepted_by_the_api(client, auth, world):
    assert auth.login("clerk_c1").status_code == 302
    assert client.get("/nominations/").status_code == 200  # the session works for pages
    assert unauthorized(client.get(f"{API}/me"))
    assert unauthorized(client.post(f"{API}/nominations", json=nomination_data(world)))
    assert db.session.query(Nomination).count() == 0


def test_the_api_needs_no_csrf_token_while_the_pages_do(app, world):
    client = app.test_client(csrf=False)
    assert client.post("/login", data={"username": "clerk_c1", "password": PASSWORD}).status_code == 400
    token = client.post(f"{API}/tokens", json={"username": "clerk_c1", "password": PASSWORD})
    assert token.status_code == 201
    created = client.post(
        f"{API}/nominations",
        json=nomination_data(world),
        headers={"Authorization": f"Bearer {token.get_json()['token']}"},
    )
    assert created.status_code == 201


# The error format ------------------------------------------------------------------------------------------


def test_an_unknown_api_path_is_a_json_404(api, world):
    response = api("clerk_c1").get("/khong-co")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": "Không tìm thấy trang hoặc hồ sơ."}}


def test_a_wrong_method_is_a_json_405(api, world):
    clerk = api("clerk_c1")
    response = clerk.client.delete(f"{API}/nominations", headers=clerk.headers)
    assert response.status_code == 405
    assert response.get_json() == {"error": {"code": "method_not_allowed", "message": "Phương thức không được hỗ trợ."}}


def test_a_body_that_is_not_json_is_refused_in_vietnamese(api, world):
    clerk = api("clerk_c1")
    broken = clerk.post("/nominations", data="{không phải json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.get_json()["error"]["fields"] == {"_body": "Nội dung gửi lên không phải JSON hợp lệ."}
    form = clerk.post("/nominations", data={"nominee_name": "Nguyễn Văn Hậu"})
    assert form.status_code == 415
    assert form.get_json() == {"error": {"code": "unsupported_media_type", "message": "Cần gửi dữ liệu dạng JSON."}}


def test_a_json_array_instead_of_an_object_is_a_422(api, world):
    response = api("clerk_c1").post("/nominations", json=[1, 2])
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"_schema": "Dữ liệu phải là một đối tượng JSON."}


def test_flask_smorest_does_not_impose_its_own_error_format(app, client, world):
    """Api.init_app registers a handler for every HTTPException: it must answer in the house format under
    /api/ and leave the pages their HTML, even for a status the app has no message for."""
    app.add_url_rule("/api/v1/teapot", "api_teapot", lambda: abort(418))
    app.add_url_rule("/teapot", "teapot", lambda: abort(418))
    api_response = client.get("/api/v1/teapot")
    assert api_response.status_code == 418
    assert api_response.get_json() == {"error": {"code": "error", "message": "Có lỗi."}}
    page = client.get("/teapot")
    assert page.status_code == 418
    assert page.mimetype == "text/html"


# The OpenAPI document --------------------------------------------------------------------------------------

EXPECTED_OPERATIONS = {
    "/api/v1/tokens": {"post"},
    "/api/v1/me": {"get"},
    "/api/v1/units": {"get", "post"},
    "/api/v1/campaigns": {"get", "post"},
    "/api/v1/award-forms": {"get", "post"},
    "/api/v1/users": {"post"},
    "/api/v1/users/{user_id}": {"get", "patch"},
    "/api/v1/users/{user_id}/unlock": {"post"},
    "/api/v1/nominations": {"get", "post"},
    "/api/v1/nominations/{nomination_id}": {"get", "patch"},
    "/api/v1/nominations/{nomination_id}/actions/{action}": {"post"},
    "/api/v1/nominations/{nomination_id}/history": {"get"},
    "/api/v1/nominations/bulk-actions": {"post"},
    "/api/v1/nominations/{nomination_id}/attachments": {"post"},
    "/api/v1/nominations/{nomination_id}/attachments/{attachment_id}": {"get"},
    "/api/v1/decisions": {"get", "post"},
    "/api/v1/decisions/{decision_id}": {"get", "patch"},
    "/api/v1/decisions/{decision_id}/actions/issue": {"post"},
    "/api/v1/decisions/{decision_id}/actions/revoke": {"post"},
    "/api/v1/decisions/{decision_id}/document": {"get"},
    "/api/v1/decisions/{decision_id}/certificates": {"get"},
    "/api/v1/decisions/{decision_id}/document.pdf": {"get"},
    "/api/v1/decisions/{decision_id}/certificates.pdf": {"get"},
    "/api/v1/award-history": {"get"},
    "/api/v1/periods": {"get"},
    "/api/v1/periods/{period_id}": {"get"},
    "/api/v1/indicators": {"get"},
    "/api/v1/reports": {"get", "post"},
    "/api/v1/reports/consolidated": {"get"},
    "/api/v1/reports/{report_id}": {"get", "patch"},
    "/api/v1/reports/{report_id}/actions/{action}": {"post"},
}


def test_the_openapi_document_is_valid_and_lists_every_endpoint(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    operations = {path: set(item) - {"parameters"} for path, item in spec["paths"].items()}
    assert operations == EXPECTED_OPERATIONS


def test_the_openapi_document_declares_bearer_security_everywhere_but_on_tokens(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Mã từ POST /api/v1/tokens.",
    }
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/api/v1/tokens"]["post"]["security"] == []
    assert "security" not in spec["paths"]["/api/v1/me"]["get"]


def test_the_openapi_document_describes_the_house_error_format_and_the_workflow(client):
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    assert schemas["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert set(schemas["ErrorDetail"]["properties"]) == {"code", "message", "fields"}
    unprocessable = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]
    assert unprocessable["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    action = spec["paths"]["/api/v1/nominations/{nomination_id}/actions/{action}"]
    assert {p["name"]: p["schema"].get("enum") for p in action["parameters"]}["action"] == [
        "submit",
        "approve",
        "return",
        "reject",
        "withdraw",
    ]
    assert schemas["NominationInput"]["additionalProperties"] is False
    assert schemas["NominationPatch"]["required"] == ["version"]
    assert schemas["ActionInput"]["required"] == ["version"] and action["post"]["requestBody"]["required"] is True
    upload = spec["paths"]["/api/v1/nominations/{nomination_id}/attachments"]["post"]["requestBody"]
    assert list(upload["content"]) == ["multipart/form-data"]


# Reference lists -------------------------------------------------------------------------------------------


def _unit_codes(page: dict) -> list[str]:
    return [unit["code"] for unit in page["items"]]


def test_units_are_listed_within_the_users_scope(api, world):
    page = api("clerk_c1").get("/units").get_json()
    assert [(u["code"], u["level"], u["parent_id"]) for u in page["items"]] == [
        ("C1", "commune", world.d.id),
        ("A1", "agency", world.c1.id),
    ]
    assert (page["total"], page["page"], page["per_page"]) == (2, 1, 25)
    assert page["items"][0]["level_label"] == "Cấp xã"
    assert _unit_codes(api("reviewer_d").get("/units").get_json()) == ["D", "C1", "A1", "C2", "AD"]


def test_units_come_a_page_at_a_time_in_tree_order_until_an_empty_page(api, world):
    district = api("reviewer_d")
    pages = [district.get(f"/units?per_page=2&page={number}").get_json() for number in (1, 2, 3, 4)]
    assert [_unit_codes(page) for page in pages] == [["D", "C1"], ["A1", "C2"], ["AD"], []]
    assert {(page["total"], page["per_page"]) for page in pages} == {(5, 2)}
    assert [page["page"] for page in pages] == [1, 2, 3, 4]  # past the last page: empty, never the last one again


def test_units_are_searched_by_name_or_code_ignoring_case_and_diacritics(api, world):
    admin = api("admin")
    for q in ("lac duong", "LẠC DƯƠNG", "duong lac"):
        page = admin.get("/units", query_string={"q": q}).get_json()
        assert (_unit_codes(page), page["total"]) == (["D", "C1", "A1", "AD"], 4)
    assert _unit_codes(admin.get("/units?q=q1").get_json()) == ["Q1"]
    assert _unit_codes(admin.get("/units?q=truong&per_page=1&page=2").get_json()) == ["AD"]
    outside = api("reviewer_d").get("/units?q=phan+thiet").get_json()
    assert (outside["items"], outside["total"]) == ([], 0)


def test_unit_paging_out_of_range_is_refused_in_vietnamese(api, world):
    response = api("reviewer_d").get("/units?per_page=1000&page=0")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "per_page": "Từ 1 đến 200 mục mỗi trang.",
        "page": "Trang từ 1 đến 1000000.",
    }


def test_the_openapi_document_describes_the_unit_list_as_a_page(client):
    spec = client.get("/api/openapi.json").get_json()
    listing = spec["paths"]["/api/v1/units"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"q", "page", "per_page"}
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert page == {"$ref": "#/components/schemas/UnitPage"}
    unit_page = spec["components"]["schemas"]["UnitPage"]["properties"]
    assert set(unit_page) == {"items", "total", "page", "per_page"}
    assert unit_page["items"]["items"] == {"$ref": "#/components/schemas/Unit"}


def test_campaigns_are_those_that_apply_to_the_users_units_with_iso_dates(api, world):
    campaigns = api("clerk_c1").get("/campaigns").get_json()
    assert campaigns == [
        {
            "id": world.campaign_d.id,
            "title": "Phong trào Toàn dân bảo vệ ANTQ huyện Lạc Dương",
            "owner_unit_id": world.d.id,
            "owner_unit_name": "Huyện Lạc Dương",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "nomination_deadline": world.campaign_d.nomination_deadline.isoformat(),
            "award_form_ids": [world.form_d.id, world.form_p.id],
            "description": "",
        }
    ]
    assert [c["id"] for c in api("clerk_q1").get("/campaigns").get_json()] == [world.campaign_q.id]


def test_award_forms_show_their_owner_and_the_kinds_of_nominee_they_accept(api, world):
    forms = api("clerk_q1").get("/award-forms").get_json()
    assert forms == [
        {
            "id": world.form_q.id,
            "name": "Giấy khen của Giám đốc Công an tỉnh Bình Thuận",
            "owner_unit_id": world.q.id,
            "owner_unit_name": "Tỉnh Bình Thuận",
            "nominee_kinds": ["individual"],
            "criteria": "",
            "decision_symbol": "QĐ-UBND",
            "parent_body": "",
            "issuing_body": "",
            "authority": "",
            "signing_authority": "",
            "signer_title": "",
            "place": "",
        }
    ]
    assert [f["id"] for f in api("clerk_c1").get("/award-forms").get_json()] == [world.form_d.id, world.form_p.id]


def test_json_carries_vietnamese_as_utf8_not_escapes(client):
    response = client.post("/api/v1/tokens", json={"username": "khong-co", "password": "sai"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
