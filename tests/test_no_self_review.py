"""Nobody reviews what they wrote, at any level. Whoever created, edited, submitted or resubmitted a nomination or a
report, or added or removed one of its attachments, may not approve, return or reject it: not on the page, not in
the API, not in a bulk action, and their inbox does not offer it to them.

The security review's case: `clerk_c1` drafts a nomination; a user holding the clerk role at commune C1 and the
reviewer role at C1 and at district D rewrites its name and achievements; `clerk_c1` submits it; that user then
approved it at the commune, and again at the district."""

import io
import re

import pytest

from tests import factories, pages
from tests.factories import create_nomination, make_user, nomination_data
from tests.route_map import PDF
from workflow.errors import PermissionDenied
from workflow.extensions import db
from workflow.models import Attachment, Nomination
from workflow.services import admin, attachments, listing, nominations
from workflow.services.reports import filing
from workflow.services.reports import inbox as report_inbox
from workflow.states import ReportState, State

WROTE_IT = "Không được tự duyệt hồ sơ mà chính mình đã lập, sửa, gửi hoặc thêm, xóa tệp đính kèm"
WROTE_THE_REPORT = "Không được tự duyệt báo cáo mà chính mình đã lập, sửa, gửi hoặc thêm, xóa tệp đính kèm"
REVIEWS = {"approve": {}, "return": {"comment": "Bổ sung."}, "reject": {"comment": "Không đạt."}}


@pytest.fixture
def editor(world):
    """The clerk of C1 who is also a reviewer of C1 and of district D."""
    user = make_user("canbo_lanhdao", [("clerk", world.c1), ("reviewer", world.c1), ("reviewer", world.d)])
    db.session.commit()
    return user


def _error(response) -> str:
    return response.get_json()["error"]["message"]


def _reload(item):
    db.session.expire_all()
    return db.session.get(type(item), item.id)


def _snapshot(item) -> tuple:
    item = _reload(item)
    return item.state, item.version, len(item.events)


def _rewritten_and_submitted(api, world) -> int:
    """The review's case through the API: clerk_c1 drafts, the editor rewrites, clerk_c1 submits."""
    clerk, editor = api("clerk_c1"), api("canbo_lanhdao")
    drafted = clerk.post("/nominations", json=nomination_data(world)).get_json()
    patched = editor.patch(
        f"/nominations/{drafted['id']}",
        json={"version": drafted["version"], "nominee_name": "Tên đã viết lại", "achievements": "Thành tích khác."},
    )
    assert patched.status_code == 200, patched.get_json()
    assert clerk.act(drafted["id"], "submit", version=patched.get_json()["version"]).status_code == 200
    return drafted["id"]


def _review_section(user) -> listing.InboxSection:
    return next(section for section in listing.inbox(user) if section.key == "review")


# Nominations ------------------------------------------------------------------------------------------------------


def _act(user, nomination_id: int, action: str, **body):
    """The action, with the version the user reads now (the API refuses an action without one)."""
    return user.act(nomination_id, action, version=user.nomination(nomination_id)["version"], **body)


def test_the_user_who_rewrote_a_nomination_may_review_it_neither_at_the_commune_nor_at_the_district_in_the_api(
    api, world, editor
):
    nomination_id = _rewritten_and_submitted(api, world)
    nomination = db.session.get(Nomination, nomination_id)
    them = api("canbo_lanhdao")

    for level_reviewer, state in (("reviewer_c1", "commune_approved"), ("reviewer_d", "district_approved")):
        before = _snapshot(nomination)
        for action, body in REVIEWS.items():
            response = _act(them, nomination_id, action, **body)
            assert response.status_code == 403, (state, action)
            assert _error(response).startswith(WROTE_IT)
        assert _snapshot(nomination) == before
        assert them.nomination(nomination_id)["available_actions"] == ["withdraw"]  # a clerk of C1 still
        # Someone else of the same level reviews it.
        assert _act(api(level_reviewer), nomination_id, "approve").status_code == 200
        assert api(level_reviewer).nomination(nomination_id)["state"] == state


def test_the_user_who_rewrote_a_nomination_sees_no_review_button_and_a_post_is_refused_saying_why(
    world, editor, client, auth
):
    nomination = create_nomination(world)
    auth.login("canbo_lanhdao")
    edit = client.get(f"/nominations/{nomination.id}/edit")
    data = nomination_data(world, nominee_name="Tên đã viết lại", achievements="Thành tích khác.")
    saved = client.post(f"/nominations/{nomination.id}/edit", data=data | pages.carried(edit), follow_redirects=True)
    assert "Đã lưu thay đổi" in saved.text
    nominations.perform(world.clerk_c1, _reload(nomination), "submit")
    db.session.commit()

    for level_reviewer in ("reviewer_c1", "reviewer_d"):
        before = _snapshot(nomination)
        detail = client.get(f"/nominations/{nomination.id}").text
        assert "Rút hồ sơ" in detail and not re.search(r">(Duyệt|Trả lại…|Không đề nghị…)</button>", detail)
        for action, body in REVIEWS.items():
            page = client.post(f"/nominations/{nomination.id}/actions/{action}", data=body | {"version": before[1]})
            assert page.status_code == 403 and WROTE_IT in pages.text(page), action
        assert _snapshot(nomination) == before
        nominations.perform(getattr(world, level_reviewer), _reload(nomination), "approve")
        db.session.commit()
    assert _reload(nomination).state == State.district_approved


def test_a_bulk_approval_by_the_user_who_rewrote_a_nomination_skips_it_and_says_why(api, world, editor, client, auth):
    rewritten = _rewritten_and_submitted(api, world)
    other = create_nomination(world, state=State.submitted, name="Hoàng Thị Lan")

    auth.login("canbo_lanhdao")
    page = client.post("/nominations/bulk", data={"action": "approve", "ids": [rewritten, other.id]})
    assert re.search(r'data-count="done">1<', page.text) and re.search(r'data-count="skipped">1<', page.text)
    assert WROTE_IT in pages.text(page)
    assert _reload(other).state == State.commune_approved
    assert db.session.get(Nomination, rewritten).state == State.submitted

    _act(api("reviewer_c1"), rewritten, "approve")
    rejection = {"action": "reject", "ids": [rewritten], "comment": "Không đạt."}
    result = api("canbo_lanhdao").post("/nominations/bulk-actions", json=rejection)
    assert result.get_json()["done"] == []
    assert result.get_json()["skipped"][0]["reason"].startswith(WROTE_IT)


def test_the_inbox_does_not_offer_the_user_what_they_rewrote_at_either_level(api, world, editor, client, auth):
    rewritten = _rewritten_and_submitted(api, world)
    other = create_nomination(world, state=State.submitted, name="Hoàng Thị Lan")
    offered = _review_section(editor)
    assert (offered.total, [row.id for row in offered.items]) == (1, [other.id])
    assert rewritten in [row.id for row in _review_section(world.reviewer_c1).items]

    _act(api("reviewer_c1"), rewritten, "approve")
    _act(api("reviewer_c1"), other.id, "approve")
    offered = _review_section(editor)
    assert (offered.total, [row.id for row in offered.items]) == (1, [other.id])
    auth.login("canbo_lanhdao")
    inbox = client.get("/").text
    assert "Hoàng Thị Lan" in inbox and "Tên đã viết lại" not in inbox


def test_a_clerk_who_edited_a_returned_nomination_and_later_became_a_reviewer_still_may_not_review_it(world):
    nomination = create_nomination(world, state=State.returned)
    colleague = make_user("canbo_c1_khac", [("clerk", world.c1)])
    nominations.update(colleague, nomination, {"achievements": "Đã bổ sung biên bản."}, version=nomination.version)
    nominations.perform(world.clerk_c1, nomination, "submit")
    admin.update_user(world.root, colleague, {"roles": [{"role": "reviewer", "unit_id": world.c1.id}]})
    db.session.commit()

    assert nominations.available_actions(colleague, nomination) == []
    with pytest.raises(PermissionDenied, match=WROTE_IT):
        nominations.perform(colleague, nomination, "approve")
    assert nomination.id not in [row.id for row in _review_section(colleague).items]


def test_adding_or_removing_an_attachment_is_writing_the_nomination(api, world, editor, client, auth):
    uploaded = create_nomination(world, name="Đính kèm bởi lãnh đạo")
    response = api("canbo_lanhdao").post(
        f"/nominations/{uploaded.id}/attachments",
        data={"file": (io.BytesIO(PDF), "Biên bản.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    removed = create_nomination(world, name="Tệp bị lãnh đạo xóa")
    attachment = attachments.add(world.clerk_c1, removed, "Biên bản.pdf", PDF)
    db.session.commit()
    auth.login("canbo_lanhdao")
    deleted = client.post(f"/nominations/{removed.id}/attachments/{attachment.id}/delete", follow_redirects=True)
    assert "Đã xóa tệp đính kèm" in deleted.text
    for nomination in (uploaded, removed):
        nominations.perform(world.clerk_c1, _reload(nomination), "submit")
    db.session.commit()

    for nomination in (uploaded, removed):
        response = _act(api("canbo_lanhdao"), nomination.id, "approve")
        assert response.status_code == 403 and _error(response).startswith(WROTE_IT)
    assert _review_section(editor).total == 0
    history = [(e.action, e.actor_id, e.comment) for e in listing.history(_reload(removed))]
    assert ("detach", editor.id, "Biên bản.pdf") in history


def test_an_attachment_uploaded_before_uploads_were_recorded_still_counts_for_its_uploader(world, editor):
    nomination = create_nomination(world)
    # As a database migrated from before: the attachment row names its uploader, the history says nothing of it.
    db.session.add(
        Attachment(
            nomination=nomination,
            filename="cu.pdf",
            content_type="application/pdf",
            size=len(PDF),
            sha256="0" * 64,
            data=PDF,
            uploaded_by_id=editor.id,
        )
    )
    nominations.perform(world.clerk_c1, nomination, "submit")
    db.session.commit()
    with pytest.raises(PermissionDenied, match=WROTE_IT):
        nominations.perform(editor, nomination, "approve")
    assert _review_section(editor).total == 0


# Reports ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def period(world):
    return factories.create_period(world)


def _report_review(user) -> report_inbox.ReportSection:
    return next(section for section in report_inbox.inbox(user) if section.key == "report_review")


def test_the_user_who_rewrote_a_report_may_review_it_at_no_level_nor_finds_it_in_their_inbox(
    api, world, editor, period
):
    report = factories.create_report(world, period, world.c1)
    patched = api("canbo_lanhdao").patch(
        f"/reports/{report.id}", json={"version": report.version, "results": "Kết quả đã viết lại."}
    )
    assert patched.status_code == 200, patched.get_json()
    filing.perform(world.clerk_c1, _reload(report), "submit")
    other = factories.create_report(world, period, world.a1, state=ReportState.submitted)
    db.session.commit()

    for level_reviewer in ("reviewer_c1", "reviewer_d"):
        assert [task.report.id for task in _report_review(editor).items] == [other.id]
        assert _report_review(editor).total == 1
        before = _snapshot(report)
        for action, body in (("approve", {}), ("return", {"comment": "Bổ sung."})):
            version = api("canbo_lanhdao").get(f"/reports/{report.id}").get_json()["version"]
            response = api("canbo_lanhdao").post(
                f"/reports/{report.id}/actions/{action}", json=body | {"version": version}
            )
            assert response.status_code == 403 and _error(response).startswith(WROTE_THE_REPORT), action
        assert _snapshot(report) == before
        assert api("canbo_lanhdao").get(f"/reports/{report.id}").get_json()["available_actions"] == []
        filing.perform(getattr(world, level_reviewer), _reload(report), "approve")
        filing.perform(getattr(world, level_reviewer), _reload(other), "approve")
        db.session.commit()
    assert _reload(report).state == ReportState.accepted


def test_adding_an_attachment_to_a_report_is_writing_it(world, editor, period, client, auth):
    report = factories.create_report(world, period, world.c1)
    auth.login("canbo_lanhdao")
    page = client.post(
        f"/reports/{report.id}/attachments",
        data={"files": (io.BytesIO(PDF), "Biên bản hội nghị.pdf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Đã tải lên tệp đính kèm" in page.text
    filing.perform(world.clerk_c1, _reload(report), "submit")
    db.session.commit()

    refused = client.post(f"/reports/{report.id}/actions/approve", data={"version": _reload(report).version})
    assert refused.status_code == 403 and WROTE_THE_REPORT in pages.text(refused)
    assert _reload(report).state == ReportState.submitted and _report_review(editor).total == 0
    # ...and writing a report is not writing the nominations: they still wait for this reviewer.
    nomination = create_nomination(world, state=State.submitted)
    assert [row.id for row in _review_section(editor).items] == [nomination.id]


def test_the_first_sender_of_a_report_stays_out_of_its_review_once_someone_else_resubmits_it(world, editor, period):
    report = factories.create_report(world, period, world.c1)
    filing.perform(editor, report, "submit")
    filing.perform(world.reviewer_c1, report, "return", comment="Bổ sung số liệu.")
    filing.update(world.clerk_c1, report, {"results": "Kết quả đã bổ sung."})
    filing.perform(world.clerk_c1, report, "submit")
    db.session.commit()
    assert (report.created_by_id, report.submitted_by_id) == (world.clerk_c1.id, world.clerk_c1.id)
    assert filing.available_actions(editor, report) == []
    with pytest.raises(PermissionDenied, match=WROTE_THE_REPORT):
        filing.perform(editor, report, "approve")
    assert _report_review(editor).total == 0
