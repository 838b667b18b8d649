"""Award decisions through the API: draft, edit, issue, revoke; the register, one decision, its documents (always the
stored bytes), PDFs, award history; who may do what."""

import pytest

from tests.factories import (
    SEED_003_COLLECTIVES,
    SEED_003_INDIVIDUALS,
    create_decision,
    create_nomination,
    seed_003_nominations,
)
from tests.test_decision_pages import DOCX, docx_text
from workflow.extensions import db
from workflow.models import Decision, IssuedDocument, Nomination
from workflow.services import STALE
from workflow.states import State


def error(response) -> dict:
    return response.get_json()["error"]


def new_draft(secretariat, world, nominations, **fields) -> dict:
    response = secretariat.post(
        "/decisions",
        json={
            "award_form_id": world.form_d.id,
            "campaign_id": world.campaign_d.id,
            "nomination_ids": [n.id for n in nominations],
        }
        | fields,
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def states(nominations) -> set[str]:
    db.session.expire_all()
    return {db.session.get(Nomination, n.id).state for n in nominations}


def test_seed_003_decision_is_drafted_issued_and_served_as_stored(api, world):
    nominations = seed_003_nominations(world)
    secretariat = api("secretariat_d")
    draft = new_draft(secretariat, world, nominations)
    assert {key: draft[key] for key in ("state", "number", "reference", "symbol", "issued_on", "signing_form")} == {
        "state": "draft",
        "number": None,
        "reference": None,
        "symbol": "QĐ-UBND",
        "issued_on": None,
        "signing_form": "KT",
    }
    assert draft["issuing_body"] == "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG"
    assert draft["subject"].endswith("trong Phong trào Toàn dân bảo vệ ANTQ huyện Lạc Dương")
    assert (draft["collectives"], draft["individuals"]) == (4, 5)
    assert [(i["nominee_kind"], i["nominee_name"]) for i in draft["items"]] == [
        ("collective", name) for name in SEED_003_COLLECTIVES
    ] + [("individual", name) for name in SEED_003_INDIVIDUALS]
    assert draft["items"][0]["nomination_id"] == nominations[0].id and draft["documents"] == []

    edited = secretariat.patch(
        f"/decisions/{draft['id']}",
        json={"signer_name": "Nguyễn Văn Sơn", "bonus": "Kèm theo tiền thưởng.", "version": draft["version"]},
    )
    assert edited.status_code == 200, edited.get_json()
    issued = secretariat.post(f"/decisions/{draft['id']}/actions/issue", json={"version": edited.get_json()["version"]})
    assert issued.status_code == 200, issued.get_json()
    body = issued.get_json()
    assert {key: body[key] for key in ("number", "reference", "issued_on", "state", "state_label", "signer_name")} == {
        "number": 1,
        "reference": "01/QĐ-UBND",
        "issued_on": db.session.get(Decision, draft["id"]).issued_on.isoformat(),
        "state": "issued",
        "state_label": "Đã ban hành",
        "signer_name": "Nguyễn Văn Sơn",
    }
    assert states(nominations) == {State.awarded}
    history = secretariat.get(f"/nominations/{nominations[0].id}/history").get_json()
    assert (history[-1]["action"], history[-1]["comment"]) == ("award", "Quyết định số 01/QĐ-UBND")

    read = api("clerk_c1").get(f"/decisions/{draft['id']}").get_json()
    assert {d["kind"] for d in read["documents"]} == {"decision", "certificates"}
    stored = {d.kind: d.data for d in db.session.scalars(db.select(IssuedDocument))}
    paths = {"decision": "document", "certificates": "certificates"}
    for document in read["documents"]:
        path = f"/decisions/{draft['id']}/{paths[document['kind']]}"
        assert (document["url"], document["pdf_url"]) == (f"/api/v1{path}", f"/api/v1{path}.pdf")
        first, again = secretariat.get(path), api("clerk_c2").get(path)
        assert first.status_code == 200 and first.mimetype == DOCX
        assert first.data == again.data == stored[document["kind"]]
        assert document["size"] == len(first.data)
    assert "01/QĐ-UBND" in docx_text(stored["decision"])

    second = create_decision(world, [create_nomination(world, state=State.district_approved, name="Tổ tự quản")])
    assert second.reference == "02/QĐ-UBND"


def test_a_decision_and_its_awardees_cost_the_same_queries_for_2_or_20_awardees(api, world, count_queries):
    secretariat = api("secretariat_d")

    def counted(size: int) -> int:
        kinds = ["collective", "individual"] * (size // 2)
        nominations = [
            create_nomination(world, state=State.district_approved, kind=kind, name=f"Hồ sơ {size}-{i}")
            for i, kind in enumerate(kinds)
        ]
        decision = create_decision(world, nominations)
        with count_queries() as queries:
            body = secretariat.get(f"/decisions/{decision.id}").get_json()
        in_annex = sorted(nominations, key=lambda n: n.nominee_kind != "collective")  # collectives first
        assert [i["nomination_id"] for i in body["items"]] == [n.id for n in in_annex]
        assert (body["collectives"], body["individuals"]) == (size // 2, size // 2)
        assert {i["state"] for i in body["items"]} == {"awarded"}
        return len(queries)

    assert counted(2) == counted(20)


def test_a_draft_can_swap_its_nominations_keeping_those_it_already_has(api, world):
    kept, dropped, added = (
        create_nomination(world, state=State.district_approved, name=name) for name in ("Giữ", "Bỏ", "Thêm")
    )
    secretariat = api("secretariat_d")
    draft = new_draft(secretariat, world, [kept, dropped])
    response = secretariat.patch(
        f"/decisions/{draft['id']}", json={"nomination_ids": [kept.id, added.id], "version": draft["version"]}
    )
    assert response.status_code == 200, response.get_json()
    assert [i["nomination_id"] for i in response.get_json()["items"]] == [kept.id, added.id]


def test_a_nomination_not_fully_approved_or_already_in_a_draft_is_refused(api, world):
    ready = create_nomination(world, state=State.district_approved)
    halfway = create_nomination(world, state=State.commune_approved, name="Mới qua cấp xã")
    secretariat = api("secretariat_d")
    refused = secretariat.post("/decisions", json={"award_form_id": world.form_d.id, "nomination_ids": [halfway.id]})
    assert refused.status_code == 422 and f"#{halfway.id}" in error(refused)["message"]
    new_draft(secretariat, world, [ready])
    twice = secretariat.post("/decisions", json={"award_form_id": world.form_d.id, "nomination_ids": [ready.id]})
    assert twice.status_code == 422 and error(twice)["fields"] == {"nomination_ids": "Có hồ sơ không hợp lệ."}


def test_the_symbol_is_fixed_by_the_award_form_and_unknown_fields_are_refused(api, world):
    response = api("secretariat_d").post(
        "/decisions", json={"award_form_id": world.form_d.id, "symbol": "QĐ-XYZ", "signing_form": "XX"}
    )
    assert response.status_code == 422
    assert error(response)["fields"] == {
        "symbol": "Trường không được hỗ trợ.",
        "signing_form": "Phải là một trong: KT, TM, Q hoặc chuỗi rỗng.",
    }


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("clerk_c1", 404),
        ("reviewer_d", 403),
        ("admin_d", 403),
        ("reviewer_p", 403),
        ("admin", 403),
        ("secretariat_q", 404),
    ],
)
def test_only_the_issuing_units_secretariat_drafts_edits_and_issues(api, world, username, status):
    nomination = create_nomination(world, state=State.district_approved)
    draft = create_decision(world, [nomination], issue=False)
    user = api(username)
    created = user.post("/decisions", json={"award_form_id": world.form_d.id, "nomination_ids": [nomination.id]})
    assert created.status_code == 403 and error(created)["code"] == "forbidden"
    assert (
        user.patch(f"/decisions/{draft.id}", json={"signer_name": "X", "version": draft.version}).status_code == status
    )
    assert user.post(f"/decisions/{draft.id}/actions/issue", json={"version": draft.version}).status_code == status
    assert states([nomination]) == {State.district_approved}


@pytest.mark.parametrize(("username", "status"), [("clerk_c1", 403), ("reviewer_d", 403), ("secretariat_q", 404)])
def test_only_the_issuing_units_secretariat_revokes(api, world, username, status):
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    response = api(username).post(
        f"/decisions/{decision.id}/actions/revoke", json={"reason": "x", "version": decision.version}
    )
    assert response.status_code == status
    assert api("secretariat_d").get(f"/decisions/{decision.id}").get_json()["state"] == "issued"


def test_another_units_decision_is_a_404_and_absent_from_its_register(api, world):
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    other = api("secretariat_q")
    for path in ("", "/document", "/certificates", "/document.pdf"):
        response = other.get(f"/decisions/{decision.id}{path}")
        assert response.status_code == 404 and error(response)["code"] == "not_found"
    assert other.get("/decisions").get_json()["total"] == 0
    assert api("clerk_c2").get("/decisions").get_json()["total"] == 1


def test_an_issued_decision_cannot_be_edited_or_issued_again(api, world):
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    secretariat = api("secretariat_d")
    edited = secretariat.patch(f"/decisions/{decision.id}", json={"signer_name": "Khác", "version": decision.version})
    assert edited.status_code == 409
    assert error(edited) == {"code": "conflict", "message": "Quyết định đã ban hành thì không được sửa."}
    again = secretariat.post(f"/decisions/{decision.id}/actions/issue", json={"version": decision.version})
    assert again.status_code == 409


def test_a_stale_version_is_a_409_and_issuing_needs_a_signer(api, world):
    secretariat = api("secretariat_d")
    draft = new_draft(secretariat, world, [create_nomination(world, state=State.district_approved)])
    unsigned = secretariat.post(f"/decisions/{draft['id']}/actions/issue", json={"version": draft["version"]})
    assert unsigned.status_code == 422 and error(unsigned)["fields"] == {
        "signer_name": "Vui lòng nhập họ tên người ký."
    }
    secretariat.patch(f"/decisions/{draft['id']}", json={"signer_name": "Nguyễn Văn Sơn", "version": draft["version"]})
    stale = secretariat.post(f"/decisions/{draft['id']}/actions/issue", json={"version": draft["version"]})
    assert stale.status_code == 409 and error(stale)["message"] == STALE
    missing = secretariat.post(f"/decisions/{draft['id']}/actions/issue", json={})
    assert missing.status_code == 422 and error(missing)["fields"] == {"version": "Trường bắt buộc, chưa có giá trị."}


def test_revoking_needs_a_reason_and_marks_the_nominations_revoked(api, world):
    awarded = [create_nomination(world, state=State.district_approved, name=f"Cá nhân {i}") for i in range(3)]
    decision = create_decision(world, awarded)
    secretariat = api("secretariat_d")
    path = f"/decisions/{decision.id}/actions/revoke"
    refused = secretariat.post(path, json={"reason": " ", "version": decision.version})
    assert refused.status_code == 422
    assert error(refused) == {
        "code": "validation_error",
        "message": "Cần ghi rõ lý do thu hồi.",
        "fields": {"reason": "Vui lòng nhập lý do."},
    }
    assert states(awarded) == {State.awarded}
    revoked = secretariat.post(path, json={"reason": "Khen thưởng trùng thành tích.", "version": decision.version})
    assert revoked.status_code == 200, revoked.get_json()
    assert (revoked.get_json()["state"], revoked.get_json()["revoke_reason"]) == (
        "revoked",
        "Khen thưởng trùng thành tích.",
    )
    assert states(awarded) == {State.revoked}
    assert (
        secretariat.post(path, json={"reason": "Lần nữa", "version": revoked.get_json()["version"]}).status_code == 409
    )
    assert secretariat.get(f"/decisions/{decision.id}/document").status_code == 200


def test_the_register_searches_by_number_and_by_name_without_diacritics(api, world):
    first = create_decision(world, [create_nomination(world, state=State.district_approved, name="Đội PCCC tự quản")])
    create_decision(world, [create_nomination(world, state=State.district_approved, name="Giáo xứ Lang Biang")])
    create_decision(world, [create_nomination(world, state=State.district_approved, name="Chưa ban hành")], issue=False)
    reader = api("reviewer_d")

    def found(**query) -> list[str]:
        response = reader.get("/decisions", query_string=query)
        assert response.status_code == 200, response.get_json()
        return [d["reference"] for d in response.get_json()["items"]]

    assert found() == ["02/QĐ-UBND", "01/QĐ-UBND"]
    assert found(q="01/QĐ-UBND") == found(q="01/QD-UBND") == found(q=f"1/qd-ubnd/{first.year}") == ["01/QĐ-UBND"]
    assert found(q="QD-UBND") == ["02/QĐ-UBND", "01/QĐ-UBND"] and found(q=f"1/qd-ubnd/{first.year - 1}") == []
    assert found(q="2") == ["02/QĐ-UBND"]
    assert found(q="DOI pccc TU QUAN") == ["01/QĐ-UBND"]
    assert found(q="giáo xứ") == ["02/QĐ-UBND"]
    assert found(q="chua ban hanh") == []
    assert found(q="99999999999999999999") == [] and found(q="²") == [] and found(q=" 1/QĐ-UBND") == ["01/QĐ-UBND"]
    assert found(year=first.year, per_page=1) == ["02/QĐ-UBND"]
    assert found(year=2001) == []
    too_far = reader.get("/decisions", query_string={"year": 10**20, "page": 10**20})
    assert too_far.status_code == 422 and set(error(too_far)["fields"]) == {"year", "page"}
    page = reader.get("/decisions", query_string={"per_page": 1, "page": 2}).get_json()
    assert (page["total"], page["page"], [d["reference"] for d in page["items"]]) == (2, 2, ["01/QĐ-UBND"])
    assert (page["items"][0]["collectives"], page["items"][0]["individuals"]) == (0, 1)


def test_award_history_names_the_decision_of_each_award(api, world):
    earlier = create_nomination(world, state=State.district_approved, name="Nguyễn Văn Hậu")
    decision = create_decision(world, [earlier])
    create_nomination(world, state=State.submitted, name="Nguyễn Văn Hậu", form=world.form_p)
    create_decision(world, [create_nomination(world, state=State.district_approved, name="Trần Thị Mai")])
    response = api("reviewer_p").get("/award-history", query_string={"name": "nguyen van hau"})
    assert response.status_code == 200
    assert [(row["nomination"]["id"], row["nomination"]["state"], row["decision"]) for row in response.get_json()] == [
        (
            earlier.id,
            "awarded",
            {
                "id": decision.id,
                "reference": "01/QĐ-UBND",
                "issued_on": decision.issued_on.isoformat(),
                "state": "issued",
                "state_label": "Đã ban hành",
            },
        )
    ]
    assert api("reviewer_q").get("/award-history", query_string={"name": "Nguyễn Văn Hậu"}).get_json() == []
    missing = api("reviewer_p").get("/award-history")
    assert missing.status_code == 422 and error(missing)["fields"] == {"name": "Trường bắt buộc, chưa có giá trị."}


def test_without_libreoffice_a_pdf_is_a_503_in_the_house_format(api, world, monkeypatch):
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    monkeypatch.setattr("workflow.documents.pdf_available", lambda: False)
    reader = api("clerk_c1")
    response = reader.get(f"/decisions/{decision.id}/document.pdf")
    assert response.status_code == 503
    assert error(response)["code"] == "pdf_unavailable"
    assert "chưa cài LibreOffice" in error(response)["message"]
    assert reader.get(f"/decisions/{decision.id}/document").status_code == 200


def test_a_draft_has_no_documents_to_download(api, world):
    draft = create_decision(world, [create_nomination(world, state=State.district_approved)], issue=False)
    response = api("secretariat_d").get(f"/decisions/{draft.id}/document")
    assert response.status_code == 404 and "chưa ban hành" in error(response)["message"]
