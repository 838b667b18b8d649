"""Nominations through the API: the list, editing, the workflow actions and who may take them, history, bulk."""

import pytest

from tests.factories import CLOSED_MESSAGE, closed_campaign, create_nomination, make_user, nomination_data
from workflow.extensions import db
from workflow.services import STALE
from workflow.states import State


def new_nomination(clerk, world, **extra) -> dict:
    response = clerk.post("/nominations", json=nomination_data(world, **extra))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def error(response) -> dict:
    return response.get_json()["error"]


def test_a_clerk_creates_a_draft_and_gets_the_whole_nomination(api, world):
    body = new_nomination(api("clerk_c1"), world)
    assert {
        key: body[key]
        for key in (
            "unit_id",
            "unit_name",
            "campaign_id",
            "award_form_id",
            "nominee_kind",
            "nominee_name",
            "position",
            "achievements",
            "state",
            "state_label",
            "version",
            "available_actions",
            "awaiting_role",
            "awaiting_unit_id",
            "review_chain",
            "created_by_id",
            "submitted_by_id",
            "attachments",
        )
    } == {
        "unit_id": world.c1.id,
        "unit_name": "Thị trấn Lạc Dương",
        "campaign_id": world.campaign_d.id,
        "award_form_id": world.form_d.id,
        "nominee_kind": "individual",
        "nominee_name": "Nguyễn Văn Hậu",
        "position": "Tổ trưởng tổ tự quản",
        "achievements": "Phát hiện, tố giác 5 vụ trộm cắp.",
        "state": "draft",
        "state_label": "Dự thảo",
        "version": 1,
        "available_actions": ["submit", "withdraw"],
        "awaiting_role": "clerk",
        "awaiting_unit_id": world.c1.id,
        "review_chain": [{"unit_id": world.c1.id, "level": "commune"}, {"unit_id": world.d.id, "level": "district"}],
        "created_by_id": world.clerk_c1.id,
        "submitted_by_id": None,
        "attachments": [],
    }
    assert body["campaign_title"] == "Phong trào Toàn dân bảo vệ ANTQ huyện Lạc Dương"
    assert body["created_at"].endswith("+00:00") and body["updated_at"].endswith("+00:00")


def test_creating_without_required_fields_lists_each_one_in_vietnamese(api, world):
    response = api("clerk_c1").post("/nominations", json={"unit_id": "một", "nominee_kind": "nhóm", "extra": 1})
    assert response.status_code == 422
    assert error(response)["code"] == "validation_error"
    assert error(response)["fields"] == {
        "campaign_id": "Trường bắt buộc, chưa có giá trị.",
        "award_form_id": "Trường bắt buộc, chưa có giá trị.",
        "unit_id": "Phải là số nguyên.",
        "nominee_kind": "Phải là một trong: collective, individual.",
        "nominee_name": "Trường bắt buộc, chưa có giá trị.",
        "extra": "Trường không được hỗ trợ.",
    }


def test_business_rules_of_creation_come_from_the_service(api, world):
    response = api("clerk_c1").post("/nominations", json=nomination_data(world, form=world.form_q))
    assert response.status_code == 422
    assert error(response)["fields"] == {"award_form_id": "Đợt thi đua này không xét hình thức khen thưởng đã chọn."}
    other_unit = api("clerk_c1").post("/nominations", json=nomination_data(world, world.c2))
    assert error(other_unit)["fields"] == {"unit_id": "Bạn không được lập hồ sơ cho đơn vị này."}
    other_tree = api("clerk_c1").post("/nominations", json=nomination_data(world, world.q1))
    assert error(other_tree)["fields"] == {"unit_id": "Bạn không được lập hồ sơ cho đơn vị này."}  # never named


def test_a_campaign_past_its_deadline_is_refused_on_the_campaign_field(api, world):
    closed = closed_campaign(world)
    clerk = api("clerk_c1")
    response = clerk.post("/nominations", json=nomination_data(world, campaign=closed))
    assert response.status_code == 422
    assert error(response)["fields"] == {"campaign_id": CLOSED_MESSAGE}
    nomination = new_nomination(clerk, world)
    moved = clerk.patch(f"/nominations/{nomination['id']}", json={"version": 1, "campaign_id": closed.id})
    assert moved.status_code == 422 and error(moved)["fields"] == {"campaign_id": CLOSED_MESSAGE}
    assert clerk.nomination(nomination["id"])["campaign_id"] == world.campaign_d.id


def test_the_list_is_scoped_filtered_and_paginated(api, world):
    mine = create_nomination(world, world.c1, name="Nguyễn Văn Hậu")
    submitted = create_nomination(world, world.c1, state=State.submitted, name="Trần Thị Bình")
    theirs = create_nomination(world, world.c2, name="Lê Văn Cường")

    clerk_page = api("clerk_c1").get("/nominations").get_json()
    assert [n["id"] for n in clerk_page["items"]] == [submitted.id, mine.id]
    assert (clerk_page["total"], clerk_page["page"], clerk_page["per_page"]) == (2, 1, 25)
    assert clerk_page["items"][0]["state_label"] == "Đã gửi, chờ duyệt"

    district = api("reviewer_d")
    assert district.get("/nominations").get_json()["total"] == 3
    assert [n["id"] for n in district.get(f"/nominations?unit_id={world.c2.id}").get_json()["items"]] == [theirs.id]
    assert [n["id"] for n in district.get("/nominations?state=submitted").get_json()["items"]] == [submitted.id]
    assert [n["id"] for n in district.get("/nominations?q=van%20hau").get_json()["items"]] == [mine.id]
    second = district.get("/nominations?per_page=2&page=2").get_json()
    assert ([n["id"] for n in second["items"]], second["total"], second["page"]) == ([mine.id], 3, 2)


def test_a_client_reads_page_after_page_from_an_anchor_and_is_told_when_the_count_is_exact(api, world):
    made = [create_nomination(world, world.c1, name=f"Cá nhân số {i}", commit=False).id for i in range(7)][::-1]
    db.session.commit()
    district = api("reviewer_d")
    first = district.get("/nominations?per_page=3").get_json()
    assert [n["id"] for n in first["items"]] == made[:3] and (first["total"], first["exact"]) == (7, True)
    create_nomination(world, world.c1, name="Hồ sơ mới đến")  # by number alone, page 2 would repeat made[2]
    anchor = f"1.{first['items'][-1]['id']}"
    second = district.get(f"/nominations?per_page=3&page=2&anchor={anchor}").get_json()
    assert [n["id"] for n in second["items"]] == made[3:6]
    third = district.get(f"/nominations?per_page=3&page=3&anchor=2.{made[5]}").get_json()
    assert [n["id"] for n in third["items"]] == made[6:]
    back = district.get(f"/nominations?per_page=3&page=2&anchor=3.{made[6]}").get_json()
    assert [n["id"] for n in back["items"]] == made[3:6]


def test_an_anchor_that_is_not_one_is_refused_in_vietnamese(api, world):
    for anchor in ("x", "12", "1.", "0.5", "1.-3", "1.3000000000"):
        response = api("clerk_c1").get(f"/nominations?page=2&anchor={anchor}")
        assert response.status_code == 422
        assert error(response)["fields"] == {"anchor": "Mốc trang phải có dạng «trang.mã hồ sơ», ví dụ 499.287526."}


def test_unknown_filter_values_are_refused_with_vietnamese_messages(api, world):
    response = api("clerk_c1").get("/nominations?state=lost&per_page=1000&campaign_id=x")
    assert response.status_code == 422
    assert error(response)["fields"] == {
        "state": "Phải là một trong: " + ", ".join(s.value for s in State) + ".",
        "per_page": "Từ 1 đến 200 mục mỗi trang.",
        "campaign_id": "Phải là số nguyên.",
    }


def test_another_units_nomination_is_404_and_indistinguishable_from_a_missing_one(api, world):
    nomination = create_nomination(world, world.c1)
    outsider = api("clerk_c2")
    missing = outsider.get("/nominations/999999")
    assert missing.status_code == 404
    for response in (
        outsider.get(f"/nominations/{nomination.id}"),
        outsider.get(f"/nominations/{nomination.id}/history"),
        outsider.patch(f"/nominations/{nomination.id}", json={"version": 1, "nominee_name": "X"}),
        outsider.act(nomination.id, "withdraw", version=nomination.version),
    ):
        assert response.status_code == 404
        assert (
            response.get_json()
            == missing.get_json()
            == {"error": {"code": "not_found", "message": "Không tìm thấy hồ sơ đề nghị."}}
        )


def test_the_full_cycle_through_the_api(api, world):
    clerk, commune, district = api("clerk_c1"), api("reviewer_c1"), api("reviewer_d")
    nomination = new_nomination(clerk, world)
    nid = nomination["id"]

    submitted = clerk.act(nid, "submit", version=nomination["version"]).get_json()
    assert (submitted["state"], submitted["awaiting_role"], submitted["awaiting_unit_id"]) == (
        "submitted",
        "reviewer",
        world.c1.id,
    )
    assert submitted["available_actions"] == ["withdraw"]
    assert commune.nomination(nid)["available_actions"] == ["approve", "return", "reject"]

    approved = commune.act(nid, "approve", version=submitted["version"]).get_json()
    assert (approved["state"], approved["awaiting_unit_id"]) == ("commune_approved", world.d.id)

    returned = district.act(nid, "return", comment="Thiếu biên bản họp xét.", version=approved["version"])
    assert returned.status_code == 200
    assert (returned.get_json()["state"], returned.get_json()["awaiting_role"]) == ("returned", "clerk")

    edited = clerk.patch(
        f"/nominations/{nid}",
        json={"version": returned.get_json()["version"], "achievements": "Bổ sung biên bản họp xét ngày 05/3."},
    )
    assert edited.status_code == 200
    assert edited.get_json()["achievements"] == "Bổ sung biên bản họp xét ngày 05/3."
    assert edited.get_json()["nominee_name"] == "Nguyễn Văn Hậu"  # fields left out keep their value

    resubmitted = clerk.act(nid, "submit", version=edited.get_json()["version"]).get_json()
    again = commune.act(nid, "approve", version=resubmitted["version"]).get_json()
    final = district.act(nid, "approve", version=again["version"]).get_json()
    assert (final["state"], final["state_label"]) == ("district_approved", "Cấp huyện đã duyệt")
    assert (final["awaiting_role"], final["awaiting_unit_id"]) == ("secretariat", world.d.id)
    assert final["submitted_by_id"] == world.clerk_c1.id

    history = clerk.get(f"/nominations/{nid}/history").get_json()
    assert [(h["action"], h["from_state"], h["to_state"], h["actor_name"]) for h in history] == [
        ("create", None, "draft", "Clerk C1"),
        ("submit", "draft", "submitted", "Clerk C1"),
        ("approve", "submitted", "commune_approved", "Reviewer C1"),
        ("return", "commune_approved", "returned", "Reviewer D"),
        ("edit", "returned", "returned", "Clerk C1"),
        ("submit", "returned", "submitted", "Clerk C1"),
        ("approve", "submitted", "commune_approved", "Reviewer C1"),
        ("approve", "commune_approved", "district_approved", "Reviewer D"),
    ]
    returned_row = history[3]
    assert (returned_row["action_label"], returned_row["comment"], returned_row["actor_id"]) == (
        "Trả lại",
        "Thiếu biên bản họp xét.",
        world.reviewer_d.id,
    )
    assert all(h["created_at"].endswith("+00:00") for h in history)


def test_a_stale_version_is_409_for_edits_and_actions(api, world):
    clerk = api("clerk_c1")
    nomination = new_nomination(clerk, world)
    first = clerk.patch(f"/nominations/{nomination['id']}", json={"version": 1, "position": "Công an viên"})
    assert first.get_json()["version"] == 2

    stale_edit = clerk.patch(f"/nominations/{nomination['id']}", json={"version": 1, "position": "Tổ phó"})
    stale_action = clerk.act(nomination["id"], "submit", version=1)
    for response in (stale_edit, stale_action):
        assert response.status_code == 409
        assert response.get_json() == {"error": {"code": "conflict", "message": STALE}}
    assert clerk.nomination(nomination["id"])["position"] == "Công an viên"
    assert clerk.nomination(nomination["id"])["state"] == "draft"


def test_a_patch_needs_the_version(api, world):
    clerk = api("clerk_c1")
    nomination = new_nomination(clerk, world)
    response = clerk.patch(f"/nominations/{nomination['id']}", json={"position": "Tổ phó"})
    assert response.status_code == 422
    assert error(response)["fields"] == {"version": "Trường bắt buộc, chưa có giá trị."}


def test_an_action_the_state_does_not_allow_is_409(api, world):
    nomination = create_nomination(world, world.c1)
    response = api("reviewer_c1").act(nomination.id, "approve", version=nomination.version)
    assert response.status_code == 409
    assert error(response) == {"code": "conflict", "message": "Không thể “Duyệt” hồ sơ đang ở trạng thái “Dự thảo”."}


def test_editing_a_submitted_nomination_is_409(api, world):
    nomination = create_nomination(world, world.c1, state=State.submitted)
    response = api("clerk_c1").patch(
        f"/nominations/{nomination.id}", json={"version": nomination.version, "position": "Tổ phó"}
    )
    assert response.status_code == 409
    assert error(response)["message"] == "Hồ sơ đang ở trạng thái “Đã gửi, chờ duyệt”, không thể sửa."


def test_a_reviewer_above_the_current_level_gets_403(api, world):
    nomination = create_nomination(world, world.c1, state=State.submitted)
    response = api("reviewer_d").act(nomination.id, "approve", version=nomination.version)
    assert response.status_code == 403
    assert error(response) == {
        "code": "forbidden",
        "message": "Chỉ lãnh đạo của cấp đang xét duyệt hồ sơ mới được thực hiện thao tác này.",
    }
    assert api("reviewer_d").nomination(nomination.id)["available_actions"] == []


def test_nobody_approves_a_nomination_they_submitted_themselves(api, world):
    make_user("both_c1", [("clerk", world.c1), ("reviewer", world.c1)])
    db.session.commit()
    both = api("both_c1")
    nomination = new_nomination(both, world)
    submitted = both.act(nomination["id"], "submit", version=nomination["version"]).get_json()
    response = both.act(nomination["id"], "approve", version=submitted["version"])
    assert response.status_code == 403
    assert error(response)["message"] == (
        "Không được tự duyệt hồ sơ mà chính mình đã lập, sửa, gửi hoặc thêm, xóa tệp đính kèm: "
        "cần một lãnh đạo khác của cấp này xét duyệt."
    )
    assert both.nomination(nomination["id"])["state"] == "submitted"


def test_returning_without_a_reason_is_422_and_changes_nothing(api, world):
    nomination = create_nomination(world, world.c1, state=State.submitted)
    reviewer = api("reviewer_c1")
    response = reviewer.act(nomination.id, "return", comment="   ", version=nomination.version)
    assert response.status_code == 422
    assert error(response) == {
        "code": "validation_error",
        "message": "Cần ghi rõ lý do khi “trả lại”.",
        "fields": {"comment": "Vui lòng nhập lý do."},
    }
    assert reviewer.nomination(nomination.id)["state"] == "submitted"
    assert [h["action"] for h in reviewer.get(f"/nominations/{nomination.id}/history").get_json()] == [
        "create",
        "submit",
    ]


@pytest.mark.parametrize("body", [{}, {"comment": "Đồng ý"}, {"version": None}, None])
def test_an_action_without_the_version_read_is_a_422_naming_it_and_changes_nothing(api, world, body):
    """As on the page: an action always says which version it was decided on, so that of reviewers acting at once
    on one nomination exactly one wins (without a version, any of them could)."""
    nomination = create_nomination(world, world.c1, state=State.submitted)
    reviewer = api("reviewer_c1")
    if body is None:
        response = reviewer.client.post(
            f"/api/v1/nominations/{nomination.id}/actions/approve", headers=reviewer.headers
        )
    else:
        response = reviewer.post(f"/nominations/{nomination.id}/actions/approve", json=body)
    assert response.status_code == 422
    assert error(response)["fields"]["version"] in ("Trường bắt buộc, chưa có giá trị.", "Không được để trống.")
    assert reviewer.nomination(nomination.id)["state"] == "submitted"
    assert len(reviewer.get(f"/nominations/{nomination.id}/history").get_json()) == 2


def test_an_unknown_action_is_404(api, world):
    nomination = create_nomination(world, world.c1)
    assert api("clerk_c1").act(nomination.id, "award").status_code == 404


def test_a_bulk_action_reports_what_was_done_and_why_the_rest_was_skipped(api, world):
    ready = create_nomination(world, world.c1, state=State.submitted)
    draft = create_nomination(world, world.c1)
    elsewhere = create_nomination(world, world.c2, state=State.submitted)
    reviewer = api("reviewer_c1")
    response = reviewer.post(
        "/nominations/bulk-actions", json={"action": "approve", "ids": [ready.id, draft.id, 999999, elsewhere.id]}
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "done": [ready.id],
        "skipped": [
            {"id": draft.id, "reason": "Không thể “Duyệt” hồ sơ đang ở trạng thái “Dự thảo”."},
            {"id": 999999, "reason": "Không tìm thấy hồ sơ đề nghị."},
            {"id": elsewhere.id, "reason": "Không tìm thấy hồ sơ đề nghị."},
        ],
    }
    assert reviewer.nomination(ready.id)["state"] == "commune_approved"
    assert reviewer.nomination(draft.id)["state"] == "draft"
    assert api("reviewer_c2").nomination(elsewhere.id)["state"] == "submitted"


def test_a_bulk_return_needs_a_reason_and_ids(api, world):
    reviewer = api("reviewer_c1")
    nomination = create_nomination(world, world.c1, state=State.submitted)
    no_reason = reviewer.post("/nominations/bulk-actions", json={"action": "return", "ids": [nomination.id]})
    assert no_reason.status_code == 422
    assert error(no_reason)["fields"] == {"comment": "Vui lòng nhập lý do."}
    no_ids = reviewer.post("/nominations/bulk-actions", json={"action": "approve", "ids": ["x"]})
    assert error(no_ids)["fields"] == {"ids.0": "Phải là số nguyên."}
    assert reviewer.nomination(nomination.id)["state"] == "submitted"


def test_a_page_of_the_list_costs_the_same_queries_for_one_nomination_or_many(api, world, count_queries):
    reviewer = api("reviewer_d")
    create_nomination(world, world.c1)
    with count_queries() as one:
        assert reviewer.get("/nominations").get_json()["total"] == 1
    for name in ("Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em"):
        create_nomination(world, world.c2, name=name)
    with count_queries() as four:
        assert reviewer.get("/nominations").get_json()["total"] == 4
    assert len(four) == len(one)


def test_a_text_too_long_says_the_limit_and_the_length_the_vietnamese_way(api, world):
    response = api("clerk_c1").post("/nominations", json=nomination_data(world) | {"achievements": "x" * 20_001})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["achievements"] == "Tối đa 20.000 ký tự (đang có 20.001)."
