"""Review-period reports through the API: periods, the catalogue, filing and reviewing a report, who may do what,
figures refused per field, and the consolidated figures of a subtree."""

import pytest
from sqlalchemy import select

from tests import factories
from tests.api_client import API
from workflow.extensions import db
from workflow.models import Indicator
from workflow.services import STALE, admin
from workflow.states import ReportState


@pytest.fixture
def period(world):
    return factories.create_period(world)


def error(response) -> dict:
    return response.get_json()["error"]


def new_report(clerk, period, unit, **extra) -> dict:
    body = {"period_id": period.id, "unit_id": unit.id, "results": "Tổ chức 12 buổi tuyên truyền."} | extra
    response = clerk.post("/reports", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def act(user, report_id: int, action: str, **body):
    return user.post(f"/reports/{report_id}/actions/{action}", json=body)


def read(user, report_id: int) -> dict:
    response = user.get(f"/reports/{report_id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# Access ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/periods"),
        ("get", "/periods/1"),
        ("get", "/indicators"),
        ("get", "/reports"),
        ("post", "/reports"),
        ("get", "/reports/1"),
        ("patch", "/reports/1"),
        ("post", "/reports/1/actions/submit"),
        ("get", "/reports/consolidated?unit_id=1&period_id=1"),
    ],
)
def test_every_reports_endpoint_needs_a_bearer_token(client, world, method, path):
    response = getattr(client, method)(API + path, json={} if method != "get" else None)
    assert response.status_code == 401
    assert error(response)["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


# Periods and indicators -----------------------------------------------------------------------------------


def test_periods_are_those_the_user_sees_and_filter_by_unit_and_kind(api, world, period):
    province = factories.create_period(
        world, world.p, levels=("district",), kind="half_year", ends_on="2026-06-30", due_on="2026-06-20"
    )
    clerk = api("clerk_c1")
    assert [p["id"] for p in clerk.get("/periods").get_json()] == [period.id, province.id]
    assert [p["id"] for p in clerk.get(f"/periods?unit_id={world.c1.id}").get_json()] == [period.id]
    assert [p["id"] for p in clerk.get(f"/periods?unit_id={world.d.id}").get_json()] == [period.id, province.id]
    assert [p["id"] for p in clerk.get("/periods?kind=half_year").get_json()] == [province.id]
    assert api("clerk_q1").get("/periods").get_json() == []

    body = clerk.get(f"/periods/{period.id}").get_json()
    assert body | {"created_at": None} == {
        "id": period.id,
        "title": "Tổng kết phong trào Toàn dân bảo vệ ANTQ năm 2026 – Huyện Lạc Dương",
        "kind": "year",
        "kind_title": "Tổng kết năm",
        "owner_unit": {"id": world.d.id, "code": "D", "name": "Huyện Lạc Dương"},
        "parent_id": None,
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "due_on": "2026-12-15",
        "reporting_levels": ["commune", "agency"],
        "created_at": None,
    }
    assert body["created_at"].endswith("+00:00")


def test_a_period_out_of_view_is_404_and_bad_filters_are_422(api, world, period):
    outsider = api("clerk_q1")
    assert outsider.get(f"/periods/{period.id}").get_json() == outsider.get("/periods/999999").get_json()
    assert outsider.get(f"/periods/{period.id}").status_code == 404
    response = outsider.get("/periods?kind=monthly&unit_id=x")
    assert response.status_code == 422
    assert error(response)["fields"] == {
        "kind": "Phải là một trong: half_year, year, phase, themed.",
        "unit_id": "Phải là số nguyên.",
    }


def test_the_catalogue_lists_active_indicators_unless_asked_for_all(api, world):
    retired = db.session.scalar(select(Indicator).where(Indicator.code == "TB_MAI_DAM"))
    retired.active = False
    db.session.commit()
    clerk = api("clerk_c1")
    active = clerk.get("/indicators").get_json()
    assert "TB_MAI_DAM" not in [i["code"] for i in active]
    assert active[0] | {"id": None} == {
        "id": None,
        "code": "TT_BUOI",
        "name": "Số buổi tuyên truyền, vận động",
        "group": "Tuyên truyền, vận động quần chúng",
        "measure": "buổi",
        "kind": "sum",
        "kind_title": "Cộng dồn",
        "position": 10,
        "active": True,
    }
    every = clerk.get("/indicators?include_inactive=true").get_json()
    assert len(every) == len(active) + 1
    assert {i["code"]: i["active"] for i in every}["TB_MAI_DAM"] is False
    assert {i["code"]: i["kind_title"] for i in every}["AT_KDC"] == "Tỷ lệ (đạt/tổng số)"


# Filing ---------------------------------------------------------------------------------------------------


def test_a_clerk_files_a_report_and_gets_the_whole_report(api, world, period):
    body = new_report(
        api("clerk_c1"),
        period,
        world.c1,
        shortcomings="Tin báo qua mạng xã hội còn ít.",
        values={"TB_TIN": 10, "TT_LUOT": "35.000", "AT_KDC": {"value": 1, "total": 2}},
    )
    assert body | {"id": None, "created_at": None, "updated_at": None} == {
        "id": None,
        "period_id": period.id,
        "unit": {"id": world.c1.id, "code": "C1", "name": "Thị trấn Lạc Dương"},
        "state": "draft",
        "state_label": "Đang soạn",
        "version": 1,
        "review_chain": [{"unit_id": world.c1.id, "level": "commune"}, {"unit_id": world.d.id, "level": "district"}],
        "awaiting_role": "clerk",
        "awaiting_unit_id": body["awaiting_unit_id"],  # see test_a_new_draft_awaits_its_own_units_clerk
        "results": "Tổ chức 12 buổi tuyên truyền.",
        "shortcomings": "Tin báo qua mạng xã hội còn ít.",
        "lessons": "",
        "proposals": "",
        "values": {
            "TT_LUOT": {"value": 35000, "total": None},
            "TB_TIN": {"value": 10, "total": None},
            "AT_KDC": {"value": 1, "total": 2},
        },
        "first_submitted_on": None,
        "available_actions": ["submit"],
        "created_at": None,
        "updated_at": None,
    }
    assert body["created_at"].endswith("+00:00") and body["updated_at"].endswith("+00:00")


def test_a_new_draft_awaits_its_own_units_clerk(api, world, period):
    body = new_report(api("clerk_c1"), period, world.c1)
    assert (body["awaiting_role"], body["awaiting_unit_id"]) == ("clerk", world.c1.id)


def test_bad_figures_are_422_with_a_vietnamese_message_per_figure(api, world, period):
    response = api("clerk_c1").post(
        "/reports",
        json={
            "period_id": period.id,
            "unit_id": world.c1.id,
            "values": {
                "TB_TIN": "-3",
                "TB_VU": 1.5,
                "AT_KDC": {"value": 5, "total": 3},
                "AT_XA": {"value": 1},
                "KHONG_CO": 1,
            },
        },
    )
    assert response.status_code == 422
    assert error(response)["code"] == "validation_error"
    assert error(response)["fields"] == {
        "values.TB_TIN": "Tin báo, tố giác tội phạm nhân dân cung cấp: không được là số âm.",
        "values.TB_VU": "Số vụ án được làm rõ từ tin báo: phải là số nguyên (không có phần thập phân).",
        "values.AT_KDC": "Khu dân cư đạt chuẩn: số đạt chuẩn (5) không được lớn hơn tổng số (3).",
        "values.AT_XA.total": "Xã, phường, thị trấn đạt chuẩn: cần nhập cả số đạt chuẩn và tổng số.",
        "values.KHONG_CO": "Không có chỉ tiêu mã “KHONG_CO”.",
    }
    assert api("clerk_c1").get("/reports").get_json()["total"] == 0


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "phải là một số, ví dụ 35 hoặc 1.250."),
        ("1.2.3", "phải là một số, ví dụ 35 hoặc 1.250."),
        ("12,5", "phải là số nguyên (không có phần thập phân)."),
        ("0.75", "phải là số nguyên (không có phần thập phân)."),
        (12.5, "phải là số nguyên (không có phần thập phân)."),
        ("99999999999999999999", "số quá lớn (tối đa 2.000.000.000)."),
        ("-4", "không được là số âm."),
    ],
)
def test_each_wrong_figure_is_told_what_is_wrong_with_it(api, world, period, typed, message):
    response = api("clerk_c1").post(
        "/reports", json={"period_id": period.id, "unit_id": world.c1.id, "values": {"TB_TIN": typed}}
    )
    assert response.status_code == 422
    assert error(response)["fields"] == {"values.TB_TIN": f"Tin báo, tố giác tội phạm nhân dân cung cấp: {message}"}


def test_a_message_keeps_the_commas_of_the_indicators_name(api, world, period):
    """Numbers are written with dots (1.250); the name they follow keeps its own commas."""
    response = api("clerk_c1").post(
        "/reports",
        json={"period_id": period.id, "unit_id": world.c1.id, "values": {"AT_XA": {"value": 1500, "total": 1200}}},
    )
    assert error(response)["fields"] == {
        "values.AT_XA": "Xã, phường, thị trấn đạt chuẩn: số đạt chuẩn (1.500) không được lớn hơn tổng số (1.200)."
    }


def test_a_bad_edit_of_the_figures_changes_nothing(api, world, period):
    clerk = api("clerk_c1")
    report = new_report(clerk, period, world.c1, values={"TB_TIN": 4})
    response = clerk.patch(
        f"/reports/{report['id']}", json={"version": 1, "results": "Bản sửa.", "values": {"TB_TIN": "nhiều"}}
    )
    assert response.status_code == 422
    assert error(response)["fields"] == {
        "values.TB_TIN": "Tin báo, tố giác tội phạm nhân dân cung cấp: phải là một số, ví dụ 35 hoặc 1.250."
    }
    unchanged = read(clerk, report["id"])
    assert (unchanged["results"], unchanged["values"], unchanged["version"]) == (
        "Tổ chức 12 buổi tuyên truyền.",
        {"TB_TIN": {"value": 4, "total": None}},
        1,
    )


def test_types_and_required_fields_are_checked_before_the_service(api, world, period):
    response = api("clerk_c1").post("/reports", json={"unit_id": "một", "values": [1], "note": "x"})
    assert response.status_code == 422
    assert error(response)["fields"] == {
        "period_id": "Trường bắt buộc, chưa có giá trị.",
        "unit_id": "Phải là số nguyên.",
        "values": "Phải là một đối tượng JSON.",
        "note": "Trường không được hỗ trợ.",
    }
    patch = api("clerk_c1").patch("/reports/1", json={"results": "x"})
    assert error(patch)["fields"] == {"version": "Trường bắt buộc, chưa có giá trị."}


def test_who_may_file_for_which_unit_in_which_period(api, world, period):
    clerk_c1 = api("clerk_c1")
    not_expected = api("clerk_d").post("/reports", json={"period_id": period.id, "unit_id": world.d.id})
    assert (not_expected.status_code, error(not_expected)["fields"]) == (
        422,
        {"unit_id": "Đơn vị không thuộc diện báo cáo kỳ này."},
    )
    other_unit = api("clerk_c2").post("/reports", json={"period_id": period.id, "unit_id": world.c1.id})
    assert (other_unit.status_code, error(other_unit)["message"]) == (
        403,
        "Chỉ cán bộ của đơn vị mới được lập báo cáo.",
    )
    hidden_period = api("clerk_q1").post("/reports", json={"period_id": period.id, "unit_id": world.q1.id})
    assert (hidden_period.status_code, error(hidden_period)["fields"]) == (
        422,
        {"period_id": "Không có kỳ báo cáo này."},
    )
    first = new_report(clerk_c1, period, world.c1)
    second = clerk_c1.post("/reports", json={"period_id": period.id, "unit_id": world.c1.id})
    assert second.status_code == 409
    assert error(second)["message"] == (
        f"Thị trấn Lạc Dương đã có báo cáo cho “{period.title}” (số {first['id']}): mở báo cáo đó để sửa."
    )


# The list -------------------------------------------------------------------------------------------------


def test_the_list_is_scoped_filtered_and_paginated(api, world, period):
    earlier = factories.create_period(world, year=2025)
    old = factories.create_report(world, earlier, world.c1, state=ReportState.accepted)
    c1 = factories.create_report(world, period, world.c1, state=ReportState.submitted)
    a1 = factories.create_report(world, period, world.a1)
    c2 = factories.create_report(world, period, world.c2)

    clerk_page = api("clerk_c1").get("/reports").get_json()
    assert [r["id"] for r in clerk_page["items"]] == [c1.id, a1.id, old.id]
    assert (clerk_page["total"], clerk_page["page"], clerk_page["per_page"]) == (3, 1, 25)
    first = clerk_page["items"][0]
    assert first | {"created_at": None, "updated_at": None} == {
        "id": c1.id,
        "period_id": period.id,
        "unit": {"id": world.c1.id, "code": "C1", "name": "Thị trấn Lạc Dương"},
        "state": "submitted",
        "state_label": "Đã gửi, chờ duyệt",
        "version": c1.version,
        "awaiting_role": "reviewer",
        "awaiting_unit_id": world.c1.id,
        "first_submitted_on": "2026-12-01",
        "created_at": None,
        "updated_at": None,
    }

    district = api("reviewer_d")
    assert district.get("/reports").get_json()["total"] == 4
    assert [r["id"] for r in district.get(f"/reports?period_id={period.id}").get_json()["items"]] == [
        c1.id,
        a1.id,
        c2.id,
    ]
    assert [r["id"] for r in district.get(f"/reports?unit_id={world.c2.id}").get_json()["items"]] == [c2.id]
    assert [r["id"] for r in district.get("/reports?state=accepted").get_json()["items"]] == [old.id]
    second = district.get(f"/reports?period_id={period.id}&per_page=2&page=2").get_json()
    assert ([r["id"] for r in second["items"]], second["total"], second["page"]) == ([c2.id], 3, 2)
    assert api("clerk_q1").get("/reports").get_json()["total"] == 0


def test_unknown_list_filters_are_refused_in_vietnamese(api, world):
    response = api("clerk_c1").get("/reports?state=rejected&per_page=0&period_id=x")
    assert response.status_code == 422
    assert error(response)["fields"] == {
        "state": "Phải là một trong: " + ", ".join(s.value for s in ReportState) + ".",
        "per_page": "Từ 1 đến 200 mục mỗi trang.",
        "period_id": "Phải là số nguyên.",
    }


def test_a_page_of_reports_costs_the_same_queries_for_one_report_or_many(api, world, period, count_queries):
    reviewer = api("reviewer_d")
    factories.create_report(world, period, world.c1, values={"TB_TIN": 1})
    with count_queries() as one:
        assert reviewer.get("/reports").get_json()["total"] == 1
    for unit in (world.a1, world.c2, world.ad):
        factories.create_report(world, period, unit, values={"TB_TIN": 1}, state=ReportState.submitted)
    with count_queries() as four:
        assert reviewer.get("/reports").get_json()["total"] == 4
    assert len(four) == len(one)


# One report and its review --------------------------------------------------------------------------------


def test_another_units_report_is_404_and_indistinguishable_from_a_missing_one(api, world, period):
    report = factories.create_report(world, period, world.c1)
    outsider = api("clerk_c2")
    missing = outsider.get("/reports/999999")
    assert missing.status_code == 404
    for response in (
        outsider.get(f"/reports/{report.id}"),
        outsider.patch(f"/reports/{report.id}", json={"version": 1, "results": "X"}),
        act(outsider, report.id, "submit", version=report.version),
    ):
        assert response.status_code == 404
        assert (
            response.get_json()
            == missing.get_json()
            == {"error": {"code": "not_found", "message": "Không tìm thấy báo cáo."}}
        )


def test_the_full_cycle_through_the_api(api, world, period):
    clerk, commune, district = api("clerk_c1"), api("reviewer_c1"), api("reviewer_d")
    report = new_report(clerk, period, world.c1, values={"TB_TIN": 10})
    rid = report["id"]

    edited = clerk.patch(f"/reports/{rid}", json={"version": 1, "lessons": "Phát huy vai trò người có uy tín."})
    assert edited.status_code == 200
    edited = edited.get_json()
    assert (edited["version"], edited["lessons"], edited["results"]) == (
        2,
        "Phát huy vai trò người có uy tín.",
        "Tổ chức 12 buổi tuyên truyền.",  # fields left out keep their value
    )
    assert edited["values"] == {"TB_TIN": {"value": 10, "total": None}}

    submitted = act(clerk, rid, "submit", version=edited["version"]).get_json()
    assert (submitted["state"], submitted["awaiting_role"], submitted["awaiting_unit_id"]) == (
        "submitted",
        "reviewer",
        world.c1.id,
    )
    assert submitted["first_submitted_on"] is not None
    assert submitted["available_actions"] == []
    assert read(commune, rid)["available_actions"] == ["approve", "return"]

    approved = act(commune, rid, "approve", version=submitted["version"]).get_json()
    assert (approved["state"], approved["awaiting_unit_id"]) == ("commune_approved", world.d.id)

    returned = act(district, rid, "return", comment="Bổ sung số liệu mô hình tự quản.", version=approved["version"])
    assert returned.status_code == 200
    assert (returned.get_json()["state"], returned.get_json()["awaiting_role"]) == ("returned", "clerk")

    fixed = clerk.patch(
        f"/reports/{rid}", json={"version": returned.get_json()["version"], "values": {"MH_MO_HINH": 3}}
    ).get_json()
    assert fixed["values"] == {"MH_MO_HINH": {"value": 3, "total": None}}  # `values` is the whole new set

    resubmitted = act(clerk, rid, "submit", version=fixed["version"]).get_json()
    again = act(commune, rid, "approve", version=resubmitted["version"]).get_json()
    accepted = act(district, rid, "approve", version=again["version"]).get_json()
    assert (accepted["state"], accepted["state_label"]) == ("accepted", "Đã tiếp nhận")
    assert (accepted["awaiting_role"], accepted["awaiting_unit_id"], accepted["available_actions"]) == (None, None, [])
    assert accepted["first_submitted_on"] == submitted["first_submitted_on"]


def test_a_stale_version_is_409_for_edits_and_actions(api, world, period):
    clerk = api("clerk_c1")
    report = new_report(clerk, period, world.c1)
    assert clerk.patch(f"/reports/{report['id']}", json={"version": 1, "proposals": "Cấp kinh phí."}).status_code == 200

    stale_edit = clerk.patch(f"/reports/{report['id']}", json={"version": 1, "proposals": "Từ trang cũ."})
    stale_action = act(clerk, report["id"], "submit", version=1)
    for response in (stale_edit, stale_action):
        assert response.status_code == 409
        assert response.get_json() == {"error": {"code": "conflict", "message": STALE}}
    current = read(clerk, report["id"])
    assert (current["proposals"], current["state"], current["version"]) == ("Cấp kinh phí.", "draft", 2)


def test_what_the_state_does_not_allow_is_409(api, world, period):
    draft = factories.create_report(world, period, world.c1)
    approve_draft = act(api("reviewer_c1"), draft.id, "approve", version=draft.version)
    assert approve_draft.status_code == 409
    assert error(approve_draft) == {
        "code": "conflict",
        "message": "Không thể “Duyệt” báo cáo đang ở trạng thái “Đang soạn”.",
    }
    sent = factories.create_report(world, period, world.c2, state=ReportState.submitted)
    edit_sent = api("clerk_c2").patch(f"/reports/{sent.id}", json={"version": sent.version, "results": "Sửa."})
    assert edit_sent.status_code == 409
    assert error(edit_sent)["message"] == "Báo cáo đang ở trạng thái “Đã gửi, chờ duyệt”, không thể sửa."


def test_a_clerk_approving_or_a_reviewer_of_another_level_gets_403(api, world, period):
    report = factories.create_report(world, period, world.c1, state=ReportState.submitted)
    for username in ("clerk_c1", "reviewer_d"):
        response = act(api(username), report.id, "approve", version=report.version)
        assert response.status_code == 403
        assert error(response) == {
            "code": "forbidden",
            "message": "Chỉ lãnh đạo của cấp đang xét duyệt báo cáo mới được thực hiện thao tác này.",
        }
    assert read(api("reviewer_c1"), report.id)["state"] == "submitted"


def test_returning_needs_a_reason_and_submitting_needs_the_results(api, world, period):
    sent = factories.create_report(world, period, world.c1, state=ReportState.submitted)
    no_reason = act(api("reviewer_c1"), sent.id, "return", comment="  ", version=sent.version)
    assert (no_reason.status_code, error(no_reason)["fields"]) == (422, {"comment": "Vui lòng nhập lý do."})
    empty = factories.create_report(world, period, world.c2, results="")
    no_results = act(api("clerk_c2"), empty.id, "submit", version=empty.version)
    assert (no_results.status_code, error(no_results)["fields"]) == (
        422,
        {"results": "Vui lòng nhập kết quả thực hiện."},
    )


def test_an_action_without_the_version_read_is_a_422_and_an_unknown_one_is_404(api, world, period):
    report = factories.create_report(world, period, world.c1)
    clerk = api("clerk_c1")
    assert act(clerk, report.id, "reject", version=report.version).status_code == 404
    for response in (
        clerk.client.post(f"{API}/reports/{report.id}/actions/submit", headers=clerk.headers),
        act(clerk, report.id, "submit"),
    ):
        assert response.status_code == 422
        assert error(response)["fields"] == {"version": "Trường bắt buộc, chưa có giá trị."}
    assert read(clerk, report.id)["state"] == "draft"
    submitted = act(clerk, report.id, "submit", version=report.version)
    assert (submitted.status_code, submitted.get_json()["state"]) == (200, "submitted")


# The consolidated figures ---------------------------------------------------------------------------------


@pytest.fixture
def district_2025(world):
    """Period 2025 of district D, due 15/12/2025 (long past): C1 and C2 accepted, A1 still in the chain, AD's
    report a draft, and a new company AE that has not started one."""
    period = factories.create_period(world, year=2025)
    world.ae = admin.create_unit(
        world.root, {"code": "AE", "name": "Công ty Cà phê Lâm Viên", "level": "agency", "parent_id": world.d.id}
    )
    for unit, state, values in [
        (world.c1, ReportState.accepted, {"TB_TIN": 10, "TB_VU": 2, "AT_KDC": (1, 2)}),
        (world.c2, ReportState.accepted, {"TB_TIN": 20, "AT_KDC": (9, 10)}),
        (world.a1, ReportState.submitted, {"TB_TIN": 5, "AT_KDC": (3, 3)}),
        (world.ad, ReportState.draft, {"TB_TIN": 7}),
    ]:
        factories.create_report(world, period, unit, state=state, values=values)
    return period


def consolidated(user, period, unit):
    return user.get(f"/reports/consolidated?period_id={period.id}&unit_id={unit.id}")


def test_consolidated_figures_add_up_the_accepted_reports_and_a_ratio_is_a_ratio_of_sums(api, world, district_2025):
    response = consolidated(api("reviewer_d"), district_2025, world.d)
    assert response.status_code == 200
    body = response.get_json()
    assert body["period"]["id"] == district_2025.id
    assert body["unit"] == {"id": world.d.id, "code": "D", "name": "Huyện Lạc Dương"}
    lines = {line["code"]: line for line in body["indicators"]}

    assert lines["TB_TIN"] == {
        "code": "TB_TIN",
        "name": "Tin báo, tố giác tội phạm nhân dân cung cấp",
        "group": "Tin báo, tố giác tội phạm của nhân dân",
        "measure": "tin",
        "kind": "sum",
        "value": 10 + 20,
        "provisional": {"value": 10 + 20 + 5},
    }
    assert (lines["TB_VU"]["value"], lines["TT_BUOI"]["value"]) == (2, 0)

    # C1 has 1 of 2 residential areas up to standard, C2 9 of 10: 10 of 12 (83.3 %), not the mean 70 %.
    kdc = lines["AT_KDC"]
    assert (kdc["kind"], kdc["numerator"], kdc["denominator"]) == ("ratio", 10, 12)
    assert kdc["value"] == pytest.approx(10 / 12)
    assert kdc["provisional"]["numerator"] == 13
    assert kdc["provisional"]["denominator"] == 15
    assert kdc["provisional"]["value"] == pytest.approx(13 / 15)
    assert lines["AT_XA"] | {"provisional": None} == {
        "code": "AT_XA",
        "name": "Xã, phường, thị trấn đạt chuẩn",
        "group": "Đạt chuẩn “An toàn về an ninh, trật tự”",
        "measure": "xã",
        "kind": "ratio",
        "value": None,
        "numerator": 0,
        "denominator": 0,
        "provisional": None,
    }
    assert lines["AT_XA"]["provisional"] == {"value": None, "numerator": 0, "denominator": 0}


def test_consolidated_figures_list_the_units_that_have_not_sent_their_report(api, world, district_2025):
    body = consolidated(api("reviewer_d"), district_2025, world.d).get_json()
    assert body["missing_units"] == [
        {"id": world.ad.id, "code": "AD", "name": "Trường PTDTNT huyện Lạc Dương", "state": "draft", "late": True},
        {"id": world.ae.id, "code": "AE", "name": "Công ty Cà phê Lâm Viên", "state": None, "late": True},
    ]
    assert body["counts"] == {"expected": 5, "accepted": 2, "in_chain": 1, "missing": 2, "late": 2}


def test_a_commune_consolidates_its_own_subtree_where_its_approval_counts(api, world, district_2025):
    body = consolidated(api("reviewer_c1"), district_2025, world.c1).get_json()
    lines = {line["code"]: line for line in body["indicators"]}
    assert (lines["TB_TIN"]["value"], lines["TB_TIN"]["provisional"]["value"]) == (10, 15)
    assert (body["missing_units"], body["counts"]["expected"]) == ([], 2)


def test_consolidated_figures_out_of_view_are_404_alike_and_need_both_ids(api, world, district_2025):
    commune = api("reviewer_c1")
    out_of_view = consolidated(commune, district_2025, world.d)
    unknown_unit = commune.get(f"/reports/consolidated?period_id={district_2025.id}&unit_id=999999")
    assert out_of_view.status_code == unknown_unit.status_code == 404
    assert out_of_view.get_json() == unknown_unit.get_json()
    assert consolidated(api("reviewer_q"), district_2025, world.q).status_code == 404
    missing = commune.get("/reports/consolidated")
    assert missing.status_code == 422
    assert error(missing)["fields"] == {
        "period_id": "Trường bắt buộc, chưa có giá trị.",
        "unit_id": "Trường bắt buộc, chưa có giá trị.",
    }


# The OpenAPI document -------------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_reports_api(client):
    spec = client.get("/api/openapi.json").get_json()
    paths = spec["paths"]
    assert {path: set(paths[path]) - {"parameters"} for path in paths if "/report" in path or "/period" in path} | {
        "/api/v1/indicators": set(paths["/api/v1/indicators"])
    } == {
        "/api/v1/periods": {"get"},
        "/api/v1/periods/{period_id}": {"get"},
        "/api/v1/indicators": {"get"},
        "/api/v1/reports": {"get", "post"},
        "/api/v1/reports/consolidated": {"get"},
        "/api/v1/reports/{report_id}": {"get", "patch"},
        "/api/v1/reports/{report_id}/actions/{action}": {"post"},
    }
    action = paths["/api/v1/reports/{report_id}/actions/{action}"]
    assert {p["name"]: p["schema"].get("enum") for p in action["parameters"]}["action"] == [
        "submit",
        "approve",
        "return",
    ]
    schemas = spec["components"]["schemas"]
    assert schemas["ReportInput"]["additionalProperties"] is False
    assert schemas["ReportPatch"]["required"] == ["version"]
    assert schemas["ReportActionInput"]["required"] == ["version"] and action["post"]["requestBody"]["required"]
    assert set(schemas["ConsolidatedIndicator"]["properties"]) >= {"value", "numerator", "denominator", "provisional"}
