"""The nomination cycle through the web pages, as the commune clerk, approver and district reviewer see it."""

import html
import re
import unicodedata
from datetime import date

from tests import pages
from tests.factories import CLOSED_CAMPAIGN, CLOSED_MESSAGE, closed_campaign, create_nomination, nomination_data
from workflow.extensions import db
from workflow.models import Campaign, Nomination
from workflow.services import admin, nominations
from workflow.states import State


def _form(world, **overrides):
    return nomination_data(world) | overrides


def _latest():
    return db.session.scalars(db.select(Nomination).order_by(Nomination.id.desc())).first()


def _act(client, nomination, action, comment=""):
    return client.post(
        f"/nominations/{nomination.id}/actions/{action}",
        data={"comment": comment, "version": nomination.version},
        follow_redirects=True,
    )


def _reload(nomination):
    db.session.expire_all()
    return db.session.get(Nomination, nomination.id)


def test_newcomer_walks_a_nomination_through_return_and_resubmission(world, client, auth):
    auth.login("clerk_c1")
    page = client.post("/nominations/new", data=_form(world), follow_redirects=True)
    assert page.status_code == 200 and "Đã lưu dự thảo" in page.text
    nomination = _latest()
    assert nomination.state == State.draft

    assert "Gửi duyệt" in client.get(f"/nominations/{nomination.id}").text
    assert _act(client, nomination, "submit").status_code == 200
    auth.logout()

    auth.login("reviewer_c1")
    assert "Nguyễn Văn Hậu" in client.get("/").text
    _act(client, _reload(nomination), "approve")
    auth.logout()

    auth.login("reviewer_d")
    page = _act(client, _reload(nomination), "return", "Bổ sung biên bản họp xét của xã.")
    assert "Bị trả lại" in page.text
    auth.logout()

    auth.login("clerk_c1")
    returned = _reload(nomination)
    assert "Bị trả lại, cần bổ sung" in client.get("/").text
    edited = client.post(
        f"/nominations/{nomination.id}/edit",
        follow_redirects=True,
        data=_form(world, achievements="Đã bổ sung biên bản họp xét.", version=returned.version),
    )
    assert "Đã lưu thay đổi" in edited.text
    _act(client, _reload(nomination), "submit")
    auth.logout()

    auth.login("reviewer_c1")
    _act(client, _reload(nomination), "approve")
    auth.logout()
    auth.login("reviewer_d")
    detail = _act(client, _reload(nomination), "approve")

    assert _reload(nomination).state == State.district_approved
    history = re.findall(r"<strong>([^<]+)</strong>", detail.text.split('aria-label="Lịch sử xử lý"')[1])
    assert history == ["Tạo hồ sơ", "Gửi duyệt", "Duyệt", "Trả lại", "Sửa hồ sơ", "Gửi duyệt", "Duyệt", "Duyệt"]
    assert "Bổ sung biên bản họp xét của xã." in detail.text


def test_return_without_reason_is_refused_with_a_message_and_changes_nothing(world, client, auth):
    nomination = create_nomination(world, state=State.submitted)
    auth.login("reviewer_c1")
    page = _act(client, nomination, "return", "")
    assert "Cần ghi rõ lý do" in page.text
    assert _reload(nomination).state == State.submitted


def test_approving_from_a_stale_page_is_refused_and_changes_nothing(world, client, auth):
    nomination = create_nomination(world, state=State.submitted)
    stale_version = nomination.version
    auth.login("reviewer_c1")
    _act(client, nomination, "approve")
    page = client.post(
        f"/nominations/{nomination.id}/actions/return",
        follow_redirects=True,
        data={"comment": "Thiếu hồ sơ", "version": stale_version},
    )
    assert "vừa được người khác thay đổi" in page.text
    assert _reload(nomination).state == State.commune_approved


def test_saving_over_someone_elses_save_merges_the_two_and_keeps_what_was_typed(world, client, auth):
    nomination = create_nomination(world)
    auth.login("clerk_c1")
    form = client.get(f"/nominations/{nomination.id}/edit")  # the clerk opens the form...
    opened = pages.carried(form)
    nominations.update(  # ...and meanwhile a colleague saves a new position and other achievements
        world.clerk_c1,
        nomination,
        {"position": "Trưởng ban bảo vệ dân phố", "achievements": "Bản thành tích của đồng nghiệp."},
        version=nomination.version,
    )
    db.session.commit()
    typed = _form(world, nominee_name="Nguyễn Văn Hậu (đã sửa)", achievements="Thành tích gõ lại, không được mất.")

    page = client.post(f"/nominations/{nomination.id}/edit", data=typed | opened)

    assert page.status_code == 409
    text, markup = pages.text(page), html.unescape(page.text)
    assert f"Trong lúc bạn sửa, hồ sơ này đã được {world.clerk_c1.full_name} cập nhật (“Sửa hồ sơ”, lúc" in text
    # Changed by the clerk alone: kept, unmarked. By the colleague alone: theirs, said so. By both: the clerk's,
    # with what the colleague saved beside it.
    assert 'value="Nguyễn Văn Hậu (đã sửa)"' in markup
    assert 'value="Trưởng ban bảo vệ dân phố"' in markup and text.count("Đã lấy theo bản vừa được lưu.") == 1
    assert "Thành tích gõ lại, không được mất." in text
    assert "Bản đã lưu ghi: “Bản thành tích của đồng nghiệp.”" in text and text.count("Bản đã lưu ghi") == 1
    assert _reload(nomination).nominee_name == "Nguyễn Văn Hậu"

    # Saving the page as shown keeps both people's work, on purpose: the form now carries the stored version.
    shown = typed | {"position": "Trưởng ban bảo vệ dân phố"}
    again = client.post(
        f"/nominations/{nomination.id}/edit",
        data=shown | pages.carried(page),
    )
    assert again.status_code == 302
    saved = _reload(nomination)
    assert (saved.nominee_name, saved.position, saved.achievements) == (
        "Nguyễn Văn Hậu (đã sửa)",
        "Trưởng ban bảo vệ dân phố",
        "Thành tích gõ lại, không được mất.",
    )


def test_a_stale_form_without_its_fingerprint_shows_every_difference(world, client, auth):
    """A page opened before the form carried what it was opened from: nothing is merged, every field that differs
    from the stored one says what is stored, and nothing typed is lost."""
    nomination = create_nomination(world)
    opened = nomination.version
    nominations.update(world.clerk_c1, nomination, {"position": "Trưởng ban bảo vệ dân phố"}, version=opened)
    db.session.commit()
    auth.login("clerk_c1")

    page = client.post(
        f"/nominations/{nomination.id}/edit", data=_form(world, nominee_name="Tên mới", version=opened, opened="{")
    )

    assert page.status_code == 409
    text = pages.text(page)
    assert "Bản đã lưu ghi: “Trưởng ban bảo vệ dân phố”" in text and "Bản đã lưu ghi: “Nguyễn Văn Hậu”" in text
    assert text.count("Bản đã lưu ghi") == 2 and "Đã lấy theo" not in text
    assert 'value="Tên mới"' in html.unescape(page.text)


def test_saving_a_nomination_sent_meanwhile_is_refused_and_keeps_what_was_typed(world, client, auth):
    nomination = create_nomination(world)
    opened = nomination.version
    nominations.perform(world.clerk_c1, nomination, "submit")
    db.session.commit()
    auth.login("clerk_c1")

    page = client.post(
        f"/nominations/{nomination.id}/edit",
        data=_form(world, achievements="Đoạn thành tích vừa gõ.", version=opened),
    )

    assert page.status_code == 409
    text = pages.text(page)
    assert "Hồ sơ đang ở trạng thái “Đã gửi, chờ duyệt”, không thể sửa." in text
    assert "Đoạn thành tích vừa gõ." in text
    assert _reload(nomination).achievements == "Phát hiện, tố giác 5 vụ trộm cắp."


def test_invalid_form_is_shown_again_with_vietnamese_errors_and_typed_values(world, client, auth):
    other_form = admin.save_award_form(
        world.root,
        {"name": "Giấy khen của Trưởng Công an huyện", "owner_unit_id": world.d.id, "nominee_kinds": ["individual"]},
    )
    db.session.commit()
    auth.login("clerk_c1")
    page = client.post(
        "/nominations/new", data=_form(world, award_form_id=other_form.id, achievements="Thành tích đã gõ")
    )
    assert page.status_code == 422
    assert "Đợt thi đua này không xét hình thức khen thưởng đã chọn." in page.text
    assert "Thành tích đã gõ" in page.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Nomination)) == 0


def test_an_award_form_outside_the_users_scope_is_not_a_valid_choice(world, client, auth):
    auth.login("clerk_c1")
    page = client.post("/nominations/new", data=_form(world, award_form_id=world.form_q.id))
    assert page.status_code == 422
    assert "Lựa chọn không hợp lệ." in page.text


def test_a_new_nomination_offers_only_open_campaigns_and_a_closed_one_is_refused_keeping_what_was_typed(
    world, client, auth
):
    closed_campaign(world)
    auth.login("clerk_c1")
    form = client.get("/nominations/new").text
    assert world.campaign_d.title in form and CLOSED_CAMPAIGN not in form

    closed = db.session.scalar(db.select(Campaign.id).where(Campaign.title == CLOSED_CAMPAIGN))
    typed = _form(world, campaign_id=closed, nominee_name="Tên đã gõ", achievements="Thành tích đã gõ")
    page = client.post("/nominations/new", data=typed)
    assert page.status_code == 422
    assert re.search(rf'class="invalid-feedback[^"]*">{re.escape(CLOSED_MESSAGE)}<', page.text)
    assert 'value="Tên đã gõ"' in page.text and "Thành tích đã gõ" in page.text
    other_line = client.post("/nominations/new", data=typed | {"campaign_id": world.campaign_q.id})
    assert other_line.status_code == 422 and "Lựa chọn không hợp lệ." in other_line.text
    assert "Bình Thuận" not in other_line.text  # a campaign of another line is never named
    for nonsense in ("abc", str(2**40), "1" + "0" * 30):
        assert client.post("/nominations/new", data=typed | {"campaign_id": nonsense}).status_code == 422, nonsense
    assert db.session.scalar(db.select(db.func.count(Nomination.id))) == 0


def test_a_nomination_whose_campaign_has_closed_is_edited_with_its_campaign_kept(world, client, auth):
    closed = closed_campaign(world)
    late = nominations.create(world.clerk_c1, _form(world, campaign_id=closed.id), today=date(2023, 5, 10))
    current = create_nomination(world)
    auth.login("clerk_c1")
    page = client.get(f"/nominations/{late.id}/edit")
    assert CLOSED_CAMPAIGN in page.text
    saved = client.post(
        f"/nominations/{late.id}/edit",
        data=_form(world, campaign_id=closed.id, position="Trưởng thôn") | pages.carried(page),
    )
    assert saved.status_code == 302
    assert (_reload(late).campaign_id, _reload(late).position) == (closed.id, "Trưởng thôn")

    page = client.get(f"/nominations/{current.id}/edit")
    assert CLOSED_CAMPAIGN not in page.text
    moved = client.post(
        f"/nominations/{current.id}/edit", data=_form(world, campaign_id=closed.id) | pages.carried(page)
    )
    assert moved.status_code == 422
    assert re.search(rf'class="invalid-feedback[^"]*">{re.escape(CLOSED_MESSAGE)}<', moved.text)
    assert _reload(current).campaign_id == world.campaign_d.id


def test_buttons_show_only_what_the_user_may_do_now(world, client, auth):
    nomination = create_nomination(world, state=State.submitted)
    auth.login("reviewer_d")
    page = client.get(f"/nominations/{nomination.id}").text
    assert "Xử lý hồ sơ" not in page
    auth.logout()
    auth.login("reviewer_c1")
    page = client.get(f"/nominations/{nomination.id}").text
    assert all(label in page for label in ("Duyệt", "Trả lại…", "Không đề nghị…"))
    assert "Rút hồ sơ" not in page


def test_another_units_nomination_is_a_404(world, client, auth):
    nomination = create_nomination(world, world.c2)
    auth.login("clerk_c1")
    assert client.get(f"/nominations/{nomination.id}").status_code == 404
    assert client.post(f"/nominations/{nomination.id}/actions/withdraw").status_code == 404
    assert "Nguyễn Văn Hậu" not in client.get("/nominations/").text


def test_search_ignores_case_diacritics_and_normalisation(world, client, auth):
    create_nomination(world, name=unicodedata.normalize("NFD", "Nguyễn Văn Hậu"))
    create_nomination(world, name="Đinh Thị Đào")
    auth.login("clerk_c1")
    assert "Nguy" in client.get("/nominations/?q=NGUYEN+van+hau").text
    nfd_query = unicodedata.normalize("NFD", "hậu")
    page = client.get("/nominations/", query_string={"q": nfd_query}).text
    assert "1 hồ sơ" in page
    assert "Đinh Thị Đào" in client.get("/nominations/?q=dinh+thi+dao").text


def test_bulk_approve_reports_what_was_done_and_what_was_skipped(world, client, auth):
    ready = [create_nomination(world, state=State.submitted, name=f"Cá nhân {i}") for i in range(3)]
    draft = create_nomination(world, name="Chưa gửi")
    auth.login("reviewer_c1")
    page = client.post(
        "/nominations/bulk", data={"action": "approve", "comment": "", "ids": [n.id for n in ready] + [draft.id]}
    )
    assert re.search(r'data-count="done">3<', page.text)
    assert re.search(r'data-count="skipped">1<', page.text)
    assert "Không thể “Duyệt” hồ sơ đang ở trạng thái “Dự thảo”" in page.text
    assert {_reload(n).state for n in ready} == {State.commune_approved}


def test_a_bulk_action_is_not_chosen_until_the_user_chooses_one(world, client, auth):
    ready = create_nomination(world, state=State.submitted)
    auth.login("reviewer_c1")
    listing = client.get("/nominations/")
    choice = re.search(r'<select[^>]* name="action"[^>]*>(.*?)</select>', listing.text).group(1)
    assert choice.startswith('<option value="">— Chọn thao tác —</option>') and "selected" not in choice
    page = client.post("/nominations/bulk", data={"action": "", "ids": [ready.id]}, follow_redirects=True)
    assert "Chọn ít nhất một hồ sơ và một thao tác." in page.text
    assert _reload(ready).state == State.submitted


def test_bulk_return_needs_a_shared_reason(world, client, auth):
    ready = create_nomination(world, state=State.submitted)
    auth.login("reviewer_c1")
    page = client.post(
        "/nominations/bulk", data={"action": "return", "comment": "", "ids": [ready.id]}, follow_redirects=True
    )
    assert "Cần ghi rõ lý do" in page.text
    assert _reload(ready).state == State.submitted


def test_list_page_runs_a_constant_number_of_queries(world, client, auth, count_queries):
    auth.login("reviewer_d")
    create_nomination(world, state=State.submitted)
    with count_queries() as few:
        client.get("/nominations/")
    for i in range(25):
        create_nomination(world, world.c2 if i % 2 else world.c1, state=State.submitted, name=f"Tập thể {i}")
    with count_queries() as many:
        page = client.get("/nominations/")
    assert "26 hồ sơ" in page.text
    assert len(many) == len(few)


def test_inbox_runs_a_constant_number_of_queries(world, client, auth, count_queries):
    auth.login("reviewer_c1")
    create_nomination(world, state=State.submitted)
    with count_queries() as few:
        client.get("/")
    for i in range(15):
        create_nomination(world, state=State.submitted, name=f"Tập thể {i}")
    with count_queries() as many:
        page = client.get("/")
    assert re.search(r'data-count="review">16<', page.text)
    assert len(many) == len(few)


def test_attachment_uploads_with_the_form_and_downloads_back(world, client, auth):
    import io

    auth.login("clerk_c1")
    pdf = b"%PDF-1.7\n" + b"0" * 100
    client.post(
        "/nominations/new",
        data=_form(world) | {"files": (io.BytesIO(pdf), "Báo cáo thành tích.pdf")},
        content_type="multipart/form-data",
    )
    nomination = _latest()
    attachment = nomination.attachments[0]
    assert attachment.filename == "Báo cáo thành tích.pdf"
    download = client.get(f"/nominations/{nomination.id}/attachments/{attachment.id}")
    assert download.data == pdf
    assert download.headers["Content-Type"] == "application/pdf"


def test_an_executable_renamed_pdf_is_refused_and_the_typed_form_is_kept(world, client, auth):
    import io

    auth.login("clerk_c1")
    page = client.post(
        "/nominations/new",
        content_type="multipart/form-data",
        data=_form(world, nominee_name="Giữ nguyên tên")
        | {"files": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 64), "thanh-tich.pdf")},
    )
    assert page.status_code == 422
    assert "không phải PDF, DOCX, JPG, PNG hợp lệ" in page.text
    assert "Giữ nguyên tên" in page.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Nomination)) == 0


def test_workflow_page_draws_both_eras_from_the_machine(world, client, auth):
    auth.login("clerk_c1")
    page = client.get("/workflow").text
    assert "stateDiagram-v2" in page
    assert "district_approved" in page and "province_approved" in page
    assert "vendor/mermaid.min.js" in page


def test_pages_need_a_login(client):
    for url in ("/", "/nominations/", "/workflow", "/nominations/new"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_wrong_password_shows_a_vietnamese_message(world, client, auth):
    page = auth.login("clerk_c1", "sai-mat-khau1")
    assert page.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in page.text


def test_a_commune_downloads_its_to_trinh_listing_what_it_approved_in_a_campaign(world, client, auth):
    import io

    from docx import Document

    approved = create_nomination(world, state=State.commune_approved, name="Giáo xứ Lang Biang", kind="collective")
    create_nomination(world, state=State.submitted, name="Chưa duyệt")
    create_nomination(world, world.c2, state=State.commune_approved, name="Xã khác")
    auth.login("reviewer_c1")
    assert "Tờ trình đề nghị khen thưởng của cấp xã" in client.get("/nominations/").text
    response = client.get(f"/nominations/proposal.docx?unit_id={world.c1.id}&campaign_id={world.campaign_d.id}")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert "TỜ TRÌNH" in text and approved.nominee_name in text
    assert "Chưa duyệt" not in text and "Xã khác" not in text
    # Another commune's batch is not this user's to print.
    other = client.get(f"/nominations/proposal.docx?unit_id={world.c2.id}&campaign_id={world.campaign_d.id}")
    assert other.status_code == 404


def test_a_returned_nomination_shows_why_where_the_clerk_fixes_it(world, client, auth):
    nomination = create_nomination(world, state=State.submitted)
    nominations.perform(world.reviewer_c1, nomination, "return", comment="Bổ sung biên bản họp xét.")
    db.session.commit()
    auth.login("clerk_c1")
    for url in (f"/nominations/{nomination.id}", f"/nominations/{nomination.id}/edit"):
        notice = re.search(r"<div [^>]*data-return-reason>(.*?)</div>\s*</div>", client.get(url).text, re.S)
        assert notice, url
        text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", notice.group(1))))
        assert "Hồ sơ bị trả lại để bổ sung, sửa: “Bổ sung biên bản họp xét.”" in text, url
        assert world.reviewer_c1.full_name in text, url
    nominations.perform(world.clerk_c1, _reload(nomination), "submit")
    db.session.commit()
    assert "data-return-reason" not in client.get(f"/nominations/{nomination.id}").text  # sent again: no notice


def test_each_role_is_offered_only_what_it_may_do_on_the_lists(world, client, auth):
    create_nomination(world, state=State.submitted)
    draft_button, bulk_bar = "+ Lập hồ sơ đề nghị", 'name="action"'
    for username, drafts, reviews in (("clerk_c1", True, False), ("reviewer_c1", False, True), ("admin", False, False)):
        auth.login(username)
        inbox, listing = client.get("/").text, client.get("/nominations/").text
        assert (draft_button in inbox, draft_button in listing) == (drafts, drafts), username
        assert (bulk_bar in listing, 'name="ids"' in listing) == (reviews, reviews), username
        auth.logout()


def test_a_text_too_long_is_told_its_limit_written_the_vietnamese_way(world, client, auth):
    auth.login("clerk_c1")
    page = client.post("/nominations/new", data=_form(world, achievements="x" * 20_001))
    assert page.status_code == 422
    assert "Tối đa 20.000 ký tự." in page.text


def test_a_page_past_the_end_of_the_list_goes_to_its_last_page_filters_kept(world, client, auth):
    for i in range(3):
        create_nomination(world, state=State.submitted, name=f"Cá nhân {i}")
    auth.login("reviewer_c1")
    beyond = client.get("/nominations/?state=submitted&per_page=2&page=9")
    assert beyond.status_code == 302
    assert beyond.headers["Location"] == "/nominations/?state=submitted&per_page=2&page=2"
    assert client.get(beyond.headers["Location"]).status_code == 200
    empty = client.get("/nominations/?state=awarded&page=4")
    assert empty.headers["Location"] == "/nominations/?state=awarded&page=1"
    assert client.get("/nominations/?state=submitted&per_page=2&page=2").status_code == 200


def test_the_bulk_result_names_each_nomination_it_may_show(world, client, auth):
    ready = create_nomination(world, state=State.submitted, name="Hoàng Thị Lan")
    draft = create_nomination(world, name="Đội dân phòng tổ 5")
    elsewhere = create_nomination(world, world.c2, state=State.submitted, name="Tên của xã khác")
    auth.login("reviewer_c1")
    page = client.post("/nominations/bulk", data={"action": "approve", "ids": [ready.id, draft.id, elsewhere.id]})
    text = pages.text(page)
    assert f"Hoàng Thị Lan (#{ready.id})" in text and f"Đội dân phòng tổ 5 (#{draft.id})" in text
    assert "Tên của xã khác" not in text and f"#{elsewhere.id}" in text  # not visible to this reviewer: no name
