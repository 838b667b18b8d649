"""Award decisions through the pages: the district secretariat composes, previews, issues and revokes; everyone on
the line of the tree reads the register, the decision and its documents; reviewers look up award history."""

import html
import io
import re
import zipfile
from datetime import date

from tests import pages
from tests.factories import (
    SEED_003_COLLECTIVES,
    SEED_003_INDIVIDUALS,
    create_decision,
    create_nomination,
    seed_003_nominations,
)
from workflow.extensions import db
from workflow.models import Decision, IssuedDocument
from workflow.services import decisions, listing
from workflow.states import Action, State

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NO_LIBREOFFICE = "Máy chủ chưa cài LibreOffice nên chưa tải được PDF"


def docx_text(data: bytes) -> str:
    """All the text of a .docx body, runs joined (Word may split a name across runs)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode()
    return html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)))


def _reload(obj):
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def _draft_fields(decision: Decision, **overrides) -> dict:
    """What the draft page posts back: every field as shown, plus the version read."""
    fields = {name: getattr(decision, name) for name in (*decisions.TEXT_FIELDS, "signing_form")}
    return fields | {"version": decision.version} | overrides


def test_seed_003_decision_is_composed_previewed_issued_and_registered(world, client, auth):
    nominations = seed_003_nominations(world)
    auth.login("secretariat_d")
    inbox = client.get("/").text
    assert "Đã duyệt xong, chờ ra quyết định khen thưởng" in inbox
    assert f"/decisions/compose?award_form_id={world.form_d.id}" in inbox

    compose = client.get(f"/decisions/compose?award_form_id={world.form_d.id}&campaign_id={world.campaign_d.id}")
    assert compose.status_code == 200
    assert all(html.escape(n.nominee_name) in compose.text for n in nominations)
    assert 'data-select-all="input[name=nomination_ids]"' in compose.text

    created = client.post(
        "/decisions/new",
        data={
            "award_form_id": world.form_d.id,
            "campaign_id": world.campaign_d.id,
            "nomination_ids": [n.id for n in nominations],
        },
    )
    decision = db.session.scalars(db.select(Decision)).one()
    assert created.status_code == 302 and created.location.endswith(f"/decisions/{decision.id}")
    assert decision.state == "draft" and len(decision.items) == 9
    assert [i.nomination.nominee_name for i in decision.items] == SEED_003_COLLECTIVES + SEED_003_INDIVIDUALS

    draft = client.get(f"/decisions/{decision.id}").text
    for prefilled in (
        "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
        "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
        "…/QĐ-UBND",
        "PHÓ CHỦ TỊCH",
    ):
        assert prefilled in draft
    assert '<option selected value="KT">' in draft
    assert "Tải bản xem trước (.docx)" in draft and "Ban hành…" in draft

    saved = client.post(
        f"/decisions/{decision.id}",
        data=_draft_fields(decision, signer_name="Nguyễn Văn Sơn", bonus="Kèm theo tiền thưởng theo quy định.")
        | {"then": "preview"},
    )
    # Back on the draft page, holding the version just saved, with the preview offered as a download.
    assert saved.status_code == 302 and saved.location.endswith(f"/decisions/{decision.id}?preview=1")
    page = client.get(saved.location).text
    assert f'name="version" type="hidden" value="{_reload(decision).version}"' in page
    assert f"/decisions/{decision.id}/preview.docx" in page
    preview = client.get(f"/decisions/{decision.id}/preview.docx")
    assert preview.status_code == 200 and preview.mimetype == DOCX
    assert "attachment" in preview.headers["Content-Disposition"]
    text = docx_text(preview.data)
    assert "Nguyễn Văn Sơn" in text and "Giáo xứ Lang Biang" in text and "Đinh Văn Đạt" in text

    confirm = client.get(f"/decisions/{decision.id}/issue")
    assert "Xác nhận ban hành" in confirm.text and "4 tập thể và 5 cá nhân" in confirm.text
    issued = client.post(
        f"/decisions/{decision.id}/issue", data={"version": _reload(decision).version}, follow_redirects=True
    )
    assert "Đã ban hành Quyết định số 01/QĐ-UBND" in issued.text
    decision = _reload(decision)
    assert (decision.state, decision.number, decision.reference) == ("issued", 1, "01/QĐ-UBND")
    assert abs(decision.issued_on - date.today()).days <= 1  # the issuing body's calendar day
    assert re.search(r'data-count="collectives">4<', issued.text)
    assert re.search(r'data-count="individuals">5<', issued.text)

    for nomination in nominations:
        nomination = _reload(nomination)
        assert nomination.state == State.awarded
        last = listing.history(nomination)[-1]
        assert (last.action, last.comment) == (Action.award, "Quyết định số 01/QĐ-UBND")
    detail = client.get(f"/nominations/{nominations[0].id}").text
    assert f'href="/decisions/{decision.id}">Quyết định số 01/QĐ-UBND</a>' in detail

    stored = {d.kind: d.data for d in db.session.scalars(db.select(IssuedDocument))}
    for kind in ("decision", "certificates"):
        first = client.get(f"/decisions/{decision.id}/{kind}.docx")
        again = client.get(f"/decisions/{decision.id}/{kind}.docx")
        assert first.status_code == 200 and first.mimetype == DOCX
        assert first.data == again.data == stored[kind]
    assert "01/QĐ-UBND" in docx_text(stored["decision"])

    register = client.get("/decisions/").text
    row = register.split("01/QĐ-UBND", 1)[1].split("</tr>", 1)[0]
    assert decision.issued_on.strftime("%d/%m/%Y") in row and "Nguyễn Văn Sơn" in row and "Đã ban hành" in row
    assert re.findall(r'<td class="text-end">(\d+)</td>', row) == ["4", "5"]
    assert f"/decisions/{decision.id}/decision.docx" in row


def test_the_next_decision_of_the_same_body_and_year_gets_the_next_number(world, client, auth):
    create_decision(world, [create_nomination(world, state=State.district_approved, name="Tổ tự quản số 1")])
    second = create_nomination(world, state=State.district_approved, name="Tổ tự quản số 2")
    draft = create_decision(world, [second], issue=False)
    auth.login("secretariat_d")
    client.post(f"/decisions/{draft.id}/issue", data={"version": draft.version})
    assert _reload(draft).reference == "02/QĐ-UBND"


def test_the_draft_page_adds_and_removes_nominations(world, client, auth):
    kept, dropped, added = (
        create_nomination(world, state=State.district_approved, name=name) for name in ("Giữ", "Bỏ", "Thêm")
    )
    draft = create_decision(world, [kept, dropped], issue=False)
    auth.login("secretariat_d")
    page = client.get(f"/decisions/{draft.id}").text
    assert f'name="remove" value="{dropped.id}"' in page and f'name="add" value="{added.id}"' in page
    saved = client.post(
        f"/decisions/{draft.id}", data=_draft_fields(draft, remove=[dropped.id], add=[added.id]), follow_redirects=True
    )
    assert "Đã lưu dự thảo quyết định." in saved.text
    assert [i.nomination_id for i in _reload(draft).items] == [kept.id, added.id]
    assert [n.id for n in decisions.eligible(world.secretariat_d)] == [dropped.id]


def test_issuing_without_a_signer_is_refused_and_changes_nothing(world, client, auth):
    nomination = create_nomination(world, state=State.district_approved)
    draft = create_decision(world, [nomination], issue=False, signer_name="")
    auth.login("secretariat_d")
    assert "chưa có họ tên người ký" in client.get(f"/decisions/{draft.id}/issue").text
    page = client.post(f"/decisions/{draft.id}/issue", data={"version": draft.version}, follow_redirects=True)
    assert "Chưa có họ tên người ký." in page.text
    assert _reload(draft).state == "draft" and _reload(nomination).state == State.district_approved


def test_only_the_issuing_units_secretariat_composes_issues_and_revokes(world, client, auth):
    nomination = create_nomination(world, state=State.district_approved)
    draft = create_decision(world, [nomination], issue=False)
    from_register = {"Referer": "http://localhost/decisions/"}
    refusal = "Chỉ Thường trực Hội đồng Thi đua – Khen thưởng Huyện Lạc Dương mới được thao tác."
    # Users of D's line see the draft and are refused; others do not even see it.
    for username, sees_draft in (
        ("clerk_c1", False),
        ("reviewer_d", True),
        ("admin_d", True),
        ("secretariat_q", False),
    ):
        auth.login(username)
        compose = client.get("/decisions/compose")
        if username == "secretariat_q":  # composes for Bình Thuận, never with Lạc Dương's nominations
            assert compose.status_code == 200 and "Nguyễn Văn Hậu" not in compose.text
        else:
            assert compose.status_code == 403
        issued = client.post(
            f"/decisions/{draft.id}/issue",
            data={"version": draft.version},
            headers=from_register,
            follow_redirects=True,
        )
        assert (refusal in issued.text) if sees_draft else issued.status_code == 404
        created = client.post(
            "/decisions/new",
            data={"award_form_id": world.form_d.id, "nomination_ids": [nomination.id]},
            headers=from_register,
            follow_redirects=True,
        )
        assert refusal in created.text
        auth.logout()
    assert db.session.scalar(db.select(db.func.count()).select_from(Decision)) == 1
    assert _reload(draft).state == "draft"

    auth.login("reviewer_d")
    page = client.get(f"/decisions/{draft.id}").text
    assert "Dự thảo quyết định #" in page and 'name="signer_name"' not in page
    auth.logout()
    auth.login("secretariat_q")
    assert client.get(f"/decisions/{draft.id}").status_code == 404


def test_another_units_decision_is_a_404_and_not_in_its_register(world, client, auth):
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    auth.login("secretariat_q")
    assert client.get(f"/decisions/{decision.id}").status_code == 404
    assert client.get(f"/decisions/{decision.id}/decision.docx").status_code == 404
    assert client.post(f"/decisions/{decision.id}/revoke", data={"reason": "x"}).status_code == 404
    assert "01/QĐ-UBND" not in client.get("/decisions/").text
    auth.logout()
    auth.login("clerk_c1")
    assert "01/QĐ-UBND" in client.get("/decisions/").text
    assert client.get(f"/decisions/{decision.id}/decision.docx").status_code == 200
    assert "Thu hồi quyết định…" not in client.get(f"/decisions/{decision.id}").text


def test_an_issued_decision_cannot_be_edited(world, client, auth):
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    auth.login("secretariat_d")
    page = client.get(f"/decisions/{decision.id}").text
    assert 'name="signer_name"' not in page and "Quyết định số 01/QĐ-UBND" in page
    edited = client.post(
        f"/decisions/{decision.id}", data=_draft_fields(decision, signer_name="Người khác"), follow_redirects=True
    )
    assert "Quyết định đã ban hành thì không được sửa." in edited.text
    assert _reload(decision).signer_name == "Nguyễn Văn Sơn"


def test_revoking_needs_a_reason_and_marks_every_award_revoked(world, client, auth):
    awarded = [create_nomination(world, state=State.district_approved, name=f"Cá nhân {i}") for i in range(2)]
    decision = create_decision(world, awarded)
    auth.login("secretariat_d")
    assert "Thu hồi quyết định…" in client.get(f"/decisions/{decision.id}").text
    refused = client.post(f"/decisions/{decision.id}/revoke", data={"reason": "  ", "version": decision.version})
    assert refused.status_code == 422 and "Vui lòng nhập lý do." in refused.text
    assert 'class="collapse show' in refused.text
    assert _reload(decision).state == "issued"

    revoked = client.post(
        f"/decisions/{decision.id}/revoke",
        data={"reason": "Phát hiện vi phạm sau khi khen thưởng.", "version": _reload(decision).version},
        follow_redirects=True,
    )
    assert "Đã thu hồi Quyết định số 01/QĐ-UBND." in revoked.text
    assert "Phát hiện vi phạm sau khi khen thưởng." in revoked.text
    assert _reload(decision).state == "revoked"
    for nomination in awarded:
        assert _reload(nomination).state == State.revoked
        assert "Thu hồi Quyết định số 01/QĐ-UBND" in listing.history(nomination)[-1].comment
    assert "Đã thu hồi" in client.get("/decisions/").text
    assert client.get(f"/decisions/{decision.id}/decision.docx").status_code == 200


def test_register_finds_a_decision_by_number_or_by_name_without_diacritics(world, client, auth):
    first = create_decision(world, [create_nomination(world, state=State.district_approved, name="Đội PCCC tự quản")])
    create_decision(world, [create_nomination(world, state=State.district_approved, name="Giáo xứ Lang Biang")])
    auth.login("reviewer_d")
    for query, found, missing in (
        ("01/QĐ-UBND", "01/QĐ-UBND", "02/QĐ-UBND"),
        ("01/QD-UBND", "01/QĐ-UBND", "02/QĐ-UBND"),
        (f"2/qd-ubnd/{first.year}", "02/QĐ-UBND", "01/QĐ-UBND"),
        ("2", "02/QĐ-UBND", "01/QĐ-UBND"),
        ("doi pccc", "01/QĐ-UBND", "02/QĐ-UBND"),
        ("GIAO XU lang biang", "02/QĐ-UBND", "01/QĐ-UBND"),
    ):
        page = client.get("/decisions/", query_string={"q": query}).text
        assert found in page and missing not in page, query
        assert "1 quyết định." in page
    assert "2 quyết định." in client.get("/decisions/", query_string={"q": "QD-UBND"}).text
    this_year = client.get("/decisions/", query_string={"year": first.year}).text
    assert "2 quyết định." in this_year
    assert "0 quyết định." in client.get("/decisions/?year=2001").text
    for nonsense in ("q=99999999999999999999", "year=99999999999999999999", "page=99999999999999999999", "year=abc"):
        assert client.get(f"/decisions/?{nonsense}").status_code == 200, nonsense


def test_award_history_lists_every_award_of_a_name_with_its_decision(world, client, auth):
    earlier = create_nomination(world, state=State.district_approved, name="Nguyễn Văn Hậu")
    decision = create_decision(world, [earlier])
    create_nomination(world, state=State.district_approved, name="Nguyễn Văn Hậu")
    again = create_nomination(world, state=State.submitted, name="Nguyễn Văn Hậu", form=world.form_p)
    create_decision(world, [create_nomination(world, state=State.district_approved, name="Trần Thị Mai")])

    auth.login("reviewer_c1")
    detail = client.get(f"/nominations/{again.id}").text
    assert "Lịch sử khen thưởng của Nguyễn Văn Hậu" in detail
    page = client.get("/decisions/history", query_string={"q": "nguyen van hau"}).text
    assert page.count("Quyết định số 01/QĐ-UBND") == 1 and f'href="/decisions/{decision.id}"' in page
    assert "Trần Thị Mai" not in page and "02/QĐ-UBND" not in page
    assert f"/nominations/{earlier.id}" in page
    auth.logout()
    auth.login("clerk_c1")
    assert "Lịch sử khen thưởng của" not in client.get(f"/nominations/{again.id}").text


def test_pdf_downloads_are_converted_from_the_stored_documents(world, client, auth):
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    auth.login("secretariat_d")
    page = client.get(f"/decisions/{decision.id}").text
    assert f"/decisions/{decision.id}/decision.pdf" in page and NO_LIBREOFFICE not in page
    for kind in ("decision", "certificates"):
        pdf = client.get(f"/decisions/{decision.id}/{kind}.pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert pdf.data.startswith(b"%PDF")


def test_without_libreoffice_the_page_says_so_and_the_docx_still_downloads(world, client, auth, monkeypatch):
    decision = create_decision(world, [create_nomination(world, state=State.district_approved)])
    monkeypatch.setattr("workflow.documents.pdf_available", lambda: False)
    auth.login("clerk_c1")
    page = client.get(f"/decisions/{decision.id}").text
    assert NO_LIBREOFFICE in page and ".pdf" not in page
    pdf = client.get(f"/decisions/{decision.id}/decision.pdf", follow_redirects=True)
    assert pdf.status_code == 200 and NO_LIBREOFFICE in pdf.text
    assert client.get(f"/decisions/{decision.id}/decision.docx").status_code == 200


def test_issuing_from_a_stale_page_is_refused(world, client, auth):
    draft = create_decision(world, [create_nomination(world, state=State.district_approved)], issue=False)
    stale_version = draft.version
    auth.login("secretariat_d")
    client.post(f"/decisions/{draft.id}", data=_draft_fields(draft, signer_name="Người ký mới"))
    assert _reload(draft).version != stale_version
    page = client.post(
        f"/decisions/{draft.id}/issue",
        data={"version": stale_version},
        headers={"Referer": f"http://localhost/decisions/{draft.id}/issue"},
        follow_redirects=True,
    )
    assert "vừa được người khác thay đổi" in page.text
    assert _reload(draft).state == "draft"


def test_saving_a_draft_over_a_colleagues_save_merges_the_two_and_keeps_what_was_typed(world, client, auth):
    draft = create_decision(world, [create_nomination(world, state=State.district_approved)], issue=False)
    auth.login("secretariat_d")
    shown = _draft_fields(draft) | pages.carried(client.get(f"/decisions/{draft.id}"))  # the page is opened...
    decisions.update_draft(world.secretariat_d, draft, {"subject": "Về việc khen thưởng (bản của đồng nghiệp)"})
    db.session.commit()  # ...and meanwhile a colleague rewrites the subject
    typed = shown | {"signer_name": "Nguyễn Văn Ký"}

    page = client.post(f"/decisions/{draft.id}", data=typed)

    assert page.status_code == 409
    text, markup = pages.text(page), html.unescape(page.text)
    assert "Trong lúc bạn sửa, dự thảo quyết định này đã được người khác lưu." in text
    assert 'value="Nguyễn Văn Ký"' in markup
    assert "Về việc khen thưởng (bản của đồng nghiệp)</textarea>" in markup
    assert text.count("Đã lấy theo bản vừa được lưu.") == 1 and "Bản đã lưu ghi" not in text
    assert _reload(draft).signer_name != "Nguyễn Văn Ký"

    again = client.post(
        f"/decisions/{draft.id}",
        data=typed | {"subject": "Về việc khen thưởng (bản của đồng nghiệp)"} | pages.carried(page),
    )
    assert again.status_code == 302
    saved = _reload(draft)
    assert (saved.subject, saved.signer_name) == ("Về việc khen thưởng (bản của đồng nghiệp)", "Nguyễn Văn Ký")


def test_the_register_runs_a_constant_number_of_queries(world, client, auth, count_queries):
    create_decision(world, [create_nomination(world, state=State.district_approved, name="Tập thể đầu")])
    auth.login("reviewer_d")
    with count_queries() as few:
        client.get("/decisions/")
    for i in range(4):
        awarded = [create_nomination(world, state=State.district_approved, name=f"Tập thể {i}.{j}") for j in range(2)]
        create_decision(world, awarded)
    with count_queries() as many:
        page = client.get("/decisions/")
    assert "5 quyết định." in page.text and "05/QĐ-UBND" in page.text
    assert len(many) == len(few)


def test_a_register_page_past_the_end_goes_to_its_last_page(world, client, auth):
    auth.login("secretariat_d")
    beyond = client.get("/decisions/?q=UBND&page=7")
    assert beyond.status_code == 302 and beyond.headers["Location"] == "/decisions/?q=UBND&page=1"
