"""Award decisions (quyết định khen thưởng), the last step of the card.

The secretariat of the unit that owns an award form drafts a decision from nominations fully approved up to that
unit, issues it once (a number of its issuing body, symbol and year, the Word documents, every nomination awarded:
one transaction) and may revoke it with a reason. Issued decisions never change.
"""

import hashlib
import io
import random
import threading
import time
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import create_nomination
from workflow import documents
from workflow.errors import Conflict, NotFound, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.models import Decision, DecisionCounter, IssuedDocument, Nomination, NominationEvent, User
from workflow.services import admin, decisions, listing
from workflow.states import State

ISSUED_ON = date(2026, 5, 24)
SIGNER = "Nguyễn Văn Sơn"
WORLD_USERS = [
    "admin",
    "admin_d",
    "clerk_c1",
    "reviewer_c1",
    "clerk_c2",
    "reviewer_c2",
    "clerk_a1",
    "clerk_ad",
    "clerk_d",
    "reviewer_d",
    "secretariat_d",
    "reviewer_p",
    "clerk_q1",
    "reviewer_q1",
    "reviewer_q",
    "secretariat_q",
]
LAC_DUONG_ISSUER = {
    "parent_body": "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
    "issuing_body": "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
    "decision_symbol": "QĐ-UBND",
    "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
    "signing_authority": "CHỦ TỊCH",
    "signer_title": "PHÓ CHỦ TỊCH",
    "place": "Lạc Dương",
}


def approved(world, unit=None, *, name="Nguyễn Văn Hậu", kind="individual", form=None, campaign=None) -> Nomination:
    """A nomination approved by every level up to its award form's owner: awaiting the secretariat's decision."""
    form = form or world.form_d
    campaign = campaign or (world.campaign_q if form == world.form_q else world.campaign_d)
    unit = unit or (world.q1 if form == world.form_q else world.c1)
    final = State.approved(form.owner_unit.level)
    return create_nomination(world, unit, state=final, form=form, campaign=campaign, name=name, kind=kind)


def draft(world, *nominations, actor=None, form=None, **data) -> Decision:
    actor = actor or (world.secretariat_q if form == world.form_q else world.secretariat_d)
    decision = decisions.create_draft(
        actor,
        {"award_form_id": (form or world.form_d).id, "nomination_ids": [n.id for n in nominations]}
        | {"signer_name": SIGNER}
        | data,
    )
    db.session.commit()
    return decision


def issued(world, *nominations, today=ISSUED_ON, **data) -> Decision:
    decision = draft(world, *nominations, **data)
    actor = world.secretariat_q if data.get("form") == world.form_q else world.secretariat_d
    decisions.issue(actor, decision, today=today)
    db.session.commit()
    return decision


def second_form_of_the_district(world, symbol="QĐ-CAH"):
    """Another award form of the district (numbered with its own symbol), with a campaign that awards it."""
    form = admin.save_award_form(
        world.root,
        {
            "name": "Giấy khen của Trưởng Công an huyện Lạc Dương",
            "owner_unit_id": world.d.id,
            "nominee_kinds": ["collective", "individual"],
            "decision_symbol": symbol,
        },
    )
    campaign = admin.save_campaign(
        world.root,
        {
            "title": "Đợt thi đua cao điểm bảo vệ Ngày hội toàn dân bảo vệ ANTQ",
            "owner_unit_id": world.d.id,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "award_form_ids": [form.id],
        },
    )
    db.session.commit()
    return form, campaign


def fresh(model, obj_id):
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(model, obj_id)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# Drafting ----------------------------------------------------------------------------------------------------


def test_a_draft_takes_header_numbering_and_signature_from_the_award_form(world):
    admin.save_award_form(
        world.root,
        {"name": world.form_d.name, "owner_unit_id": world.d.id, "nominee_kinds": ["collective", "individual"]}
        | LAC_DUONG_ISSUER
        | {"decision_symbol": "QĐ-CTUBND", "signer_title": "PHÓ CHỦ TỊCH THƯỜNG TRỰC"},
        world.form_d,
    )
    person = approved(world, name="Nguyễn Văn Hậu")
    collective = approved(world, world.c2, name="Dòng họ Bon Niêng", kind="collective")

    decision = draft(world, person, collective, campaign_id=world.campaign_d.id)

    assert (decision.state, decision.number, decision.year, decision.issued_on) == ("draft", None, None, None)
    assert decision.issuing_unit_id == world.d.id and decision.created_by_id == world.secretariat_d.id
    assert decision.symbol == "QĐ-CTUBND"
    assert decision.reference == "…/QĐ-CTUBND"
    assert (decision.parent_body, decision.issuing_body, decision.place) == (
        "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
        "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
        "Lạc Dương",
    )
    assert decision.authority == "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG"
    assert (decision.signing_form, decision.signing_authority, decision.signer_title, decision.signer_name) == (
        "KT",
        "CHỦ TỊCH",
        "PHÓ CHỦ TỊCH THƯỜNG TRỰC",
        SIGNER,
    )
    assert decision.subject.endswith(f"trong {world.campaign_d.title}")
    assert decision.basis.startswith("Căn cứ ") and decision.basis.endswith(".")
    # The annex lists collectives first, then individuals.
    assert [(i.position, i.nomination_id) for i in decision.items] == [(1, collective.id), (2, person.id)]


def test_without_issuer_details_a_draft_is_worded_from_the_issuing_units_name(world):
    decision = draft(world, approved(world))
    assert decision.symbol == "QĐ-UBND"
    assert decision.parent_body == "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"
    assert decision.issuing_body == "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG"
    assert decision.authority == "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG"
    assert decision.place == "Lạc Dương"
    assert (decision.signing_authority, decision.signer_title) == ("CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    # No campaign was chosen: the one all its nominations belong to names the occasion.
    assert decision.campaign == world.campaign_d and decision.subject.endswith(f"trong {world.campaign_d.title}")


@pytest.mark.parametrize(
    ("unit_name", "place"),
    [
        ("Huyện Lạc Dương", "Lạc Dương"),
        ("Thị trấn Lạc Dương", "Lạc Dương"),
        ("Thành phố Hà Nội", "Hà Nội"),
        ("Tỉnh Bình Thuận", "Bình Thuận"),
        ("Xã Đạ Sar", "Đạ Sar"),
        ("Phường Phan Thiết", "Phan Thiết"),
    ],
)
def test_the_default_place_is_the_locality_without_its_administrative_prefix(world, unit_name, place):
    admin.update_unit(world.root, world.d, {"code": "D", "name": unit_name, "parent_id": world.p.id})
    assert decisions.defaults(world.form_d)["place"] == place


def test_what_the_secretariat_types_overrides_the_defaults_and_is_stored_in_nfc(world):
    decision = draft(
        world,
        approved(world),
        signing_form="TM",
        signing_authority="ỦY BAN NHÂN DÂN",
        signer_title="CHỦ TỊCH",
        signer_name="  Nguye\u0302\u0303n Va\u0306n Sơn ",
        bonus="Mỗi cá nhân được thưởng 0,3 lần mức lương cơ sở.",
    )
    assert (decision.signing_form, decision.signing_authority, decision.signer_title) == (
        "TM",
        "ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
    )
    assert decision.signer_name == "Nguyễn Văn Sơn"
    assert decision.bonus == "Mỗi cá nhân được thưởng 0,3 lần mức lương cơ sở."
    with pytest.raises(ValidationError) as error:
        decisions.update_draft(world.secretariat_d, decision, {"signing_form": "THAY"})
    assert "signing_form" in error.value.fields


def test_a_draft_needs_an_award_form(world):
    for missing in (None, "", "abc", 987654):
        with pytest.raises(ValidationError):
            decisions.create_draft(world.secretariat_d, {"award_form_id": missing})
    db.session.rollback()
    assert count(Decision) == 0


def _not_fully_approved(world):
    return create_nomination(world, state=State.commune_approved, name="Cil Ha Sin")


def _submitted(world):
    return create_nomination(world, state=State.submitted, name="Cil Ha Sin")


def _of_another_award_form(world):
    form, campaign = second_form_of_the_district(world)
    return approved(world, name="Cil Ha Sin", form=form, campaign=campaign)


def _already_in_another_draft(world):
    nomination = approved(world, name="Cil Ha Sin")
    draft(world, nomination)
    return nomination


def _awaiting_another_units_secretariat(world):
    return approved(world, name="Cil Ha Sin", form=world.form_q)


def _already_awarded(world):
    nomination = approved(world, name="Cil Ha Sin")
    issued(world, nomination)
    return nomination


@pytest.mark.parametrize(
    "refused",
    [
        _not_fully_approved,
        _submitted,
        _of_another_award_form,
        _already_in_another_draft,
        _awaiting_another_units_secretariat,
        _already_awarded,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_draft_refuses_nominations_it_cannot_award(world, refused):
    good = approved(world)
    bad = refused(world)
    drafts_before = count(Decision)

    with pytest.raises(ValidationError) as error:
        decisions.create_draft(
            world.secretariat_d, {"award_form_id": world.form_d.id, "nomination_ids": [good.id, bad.id]}
        )
    assert error.value.fields == {"nomination_ids": "Có hồ sơ không hợp lệ."}
    assert f"#{bad.id}" in error.value.message and f"#{good.id}" not in error.value.message
    db.session.rollback()
    assert count(Decision) == drafts_before

    decision = draft(world, good)
    with pytest.raises(ValidationError):
        decisions.update_draft(world.secretariat_d, decision, {"nomination_ids": [good.id, bad.id]})
    decision = fresh(Decision, decision.id)
    assert [i.nomination_id for i in decision.items] == [good.id]


def test_a_draft_refuses_an_id_that_is_not_a_nomination(world):
    with pytest.raises(ValidationError):
        decisions.create_draft(world.secretariat_d, {"award_form_id": world.form_d.id, "nomination_ids": [987654]})
    with pytest.raises(ValidationError):
        decisions.create_draft(world.secretariat_d, {"award_form_id": world.form_d.id, "nomination_ids": ["một"]})


def test_a_draft_keeps_its_own_nominations_when_they_are_set_again_and_frees_those_it_drops(world):
    first, second, third = (approved(world, name=name) for name in ("Nguyễn Văn Hậu", "Trần Thị Mai", "Lê Quang Vinh"))
    decision = draft(world, first, second)
    assert {n.id for n in decisions.eligible(world.secretariat_d)} == {third.id}

    decisions.update_draft(world.secretariat_d, decision, {"nomination_ids": [third.id, second.id]})
    db.session.commit()

    decision = fresh(Decision, decision.id)
    assert [i.nomination_id for i in decision.items] == [second.id, third.id]
    assert {n.id for n in decisions.eligible(world.secretariat_d)} == {first.id}
    other = draft(world, first)
    assert [i.nomination_id for i in other.items] == [first.id]


# Issuing -----------------------------------------------------------------------------------------------------


def test_issuing_numbers_the_decision_stores_its_documents_and_awards_every_nomination(world):
    people = [approved(world, name=name) for name in ("Nguyễn Văn Hậu", "Trần Thị Mai")]
    decision = draft(world, *people)
    version = decision.version

    decisions.issue(world.secretariat_d, decision, version=version, today=ISSUED_ON)
    db.session.commit()

    decision = fresh(Decision, decision.id)
    assert (decision.state, decision.number, decision.year, decision.issued_on) == ("issued", 1, 2026, ISSUED_ON)
    assert decision.reference == "01/QĐ-UBND"
    assert decision.issued_by_id == world.secretariat_d.id and decision.issued_at is not None
    for person in people:
        nomination = db.session.get(Nomination, person.id)
        assert nomination.state == "awarded"
        assert (nomination.awaiting_role, nomination.awaiting_unit_id) == (None, None)
        last = listing.history(nomination)[-1]
        assert (last.action, last.from_state, last.to_state, last.actor_id) == (
            "award",
            "district_approved",
            "awarded",
            world.secretariat_d.id,
        )
        assert last.comment == "Quyết định số 01/QĐ-UBND"
    stored = db.session.scalars(select(IssuedDocument).where(IssuedDocument.decision_id == decision.id)).all()
    assert "decision" in {d.kind for d in stored}
    for document in stored:
        assert document.size == len(document.data) > 0
        assert document.sha256 == hashlib.sha256(document.data).hexdigest()
        assert document.template_label


def test_numbers_run_per_issuing_unit_symbol_and_year_and_restart_at_01_in_a_new_year(world):
    form_cah, campaign_cah = second_form_of_the_district(world, symbol="QĐ-CAH")

    def issue_one(name, *, today=ISSUED_ON, form=None, campaign=None):
        nomination = approved(world, name=name, form=form, campaign=campaign)
        return issued(world, nomination, today=today, form=form).reference

    assert issue_one("Nguyễn Văn Hậu") == "01/QĐ-UBND"
    assert issue_one("Trần Thị Mai") == "02/QĐ-UBND"
    assert issue_one("Cil Ha Sin", form=form_cah, campaign=campaign_cah) == "01/QĐ-CAH"
    assert issue_one("Lê Quang Vinh", form=world.form_q) == "01/QĐ-UBND"  # another issuing unit
    assert issue_one("Bon Niêng Ha Phi", today=date(2026, 12, 31)) == "03/QĐ-UBND"
    assert issue_one("Păng Ting Ha Nhung", today=date(2027, 1, 2)) == "01/QĐ-UBND"
    assert issue_one("K'Brơi", today=date(2027, 1, 3)) == "02/QĐ-UBND"
    assert issue_one("Đặng Thị Hoa") == "04/QĐ-UBND"  # a late 2026 decision continues 2026's series

    rows = db.session.scalars(select(DecisionCounter).order_by(DecisionCounter.unit_id, DecisionCounter.year)).all()
    assert {(r.unit_id, r.symbol, r.year, r.last_number) for r in rows} == {
        (world.d.id, "QĐ-UBND", 2026, 4),
        (world.d.id, "QĐ-UBND", 2027, 2),
        (world.d.id, "QĐ-CAH", 2026, 1),
        (world.q.id, "QĐ-UBND", 2026, 1),
    }


def test_issuing_needs_awardees_and_a_signer(world):
    empty = draft(world)
    with pytest.raises(ValidationError, match="chưa có tập thể, cá nhân"):
        decisions.issue(world.secretariat_d, empty, today=ISSUED_ON)
    unsigned = draft(world, approved(world), signer_name="  ")
    with pytest.raises(ValidationError) as error:
        decisions.issue(world.secretariat_d, unsigned, today=ISSUED_ON)
    assert "signer_name" in error.value.fields
    db.session.rollback()
    assert count(DecisionCounter) == 0
    assert count(Decision, Decision.state != "draft") == 0


def test_issuing_a_stale_draft_is_a_conflict(world):
    decision = draft(world, approved(world))
    stale = decision.version
    decisions.update_draft(world.secretariat_d, decision, {"bonus": "Thưởng theo quy định."}, version=stale)
    db.session.commit()
    with pytest.raises(Conflict):
        decisions.issue(world.secretariat_d, decision, version=stale, today=ISSUED_ON)
    assert fresh(Decision, decision.id).state == "draft"


class RenderingFailed(Exception):
    pass


@pytest.mark.parametrize("issued_before", [0, 1], ids=["first-of-the-year", "after-01"])
def test_when_rendering_fails_nothing_of_the_issue_remains_and_the_number_is_not_consumed(
    world, monkeypatch, issued_before
):
    for index in range(issued_before):
        issued(world, approved(world, name=f"Người thứ {index}"))
    people = [approved(world, name=name) for name in ("Nguyễn Văn Hậu", "Trần Thị Mai")]
    decision = draft(world, *people)
    events_before = count(NominationEvent)
    documents_before = count(IssuedDocument)
    version = decision.version

    def broken(decision, *args, **kwargs):
        raise RenderingFailed("Mẫu Word hỏng")

    working = documents.issue_documents
    monkeypatch.setattr(documents, "issue_documents", broken)
    with pytest.raises(RenderingFailed):
        decisions.issue(world.secretariat_d, decision, today=ISSUED_ON)
    db.session.rollback()

    decision = fresh(Decision, decision.id)
    assert (decision.state, decision.number, decision.issued_on, decision.version) == ("draft", None, None, version)
    for person in people:
        nomination = db.session.get(Nomination, person.id)
        assert nomination.state == "district_approved"
        assert nomination.awaiting_role == "secretariat"
    assert count(NominationEvent) == events_before
    assert count(NominationEvent, NominationEvent.action == "award") == issued_before
    assert count(IssuedDocument) == documents_before
    counter = db.session.get(DecisionCounter, (world.d.id, "QĐ-UBND", 2026))
    assert (counter.last_number if counter else 0) == issued_before

    monkeypatch.setattr(documents, "issue_documents", working)
    decisions.issue(world.secretariat_d, decision, today=ISSUED_ON)
    db.session.commit()
    assert fresh(Decision, decision.id).number == issued_before + 1


def test_issuing_runs_the_same_queries_for_5_or_50_awardees(world, count_queries):
    def issue_counting(size: int, offset: int) -> int:
        decision = draft(world, *(approved(world, name=f"Người thứ {offset + i}") for i in range(size)))
        with count_queries() as queries:
            decisions.issue(world.secretariat_d, decision, today=ISSUED_ON)
        db.session.commit()
        assert fresh(Decision, decision.id).state == "issued"
        return len(queries)

    assert issue_counting(5, 0) == issue_counting(50, 5)


def parts(data: bytes) -> dict[str, bytes]:
    """A .docx as its parts, each byte for byte (the archive also dates each part with the time it was written)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def stored_documents(decision_id: int) -> dict[str, tuple[str, dict]]:
    rows = db.session.scalars(select(IssuedDocument).where(IssuedDocument.decision_id == decision_id))
    return {row.kind: (row.filename, parts(row.data)) for row in rows}


def rendered_again(decision_id: int) -> dict[str, tuple[str, dict]]:
    """The documents as rendering the decision now, with its number, writes them."""
    decision = fresh(Decision, decision_id)
    return {d["kind"]: (d["filename"], parts(d["data"])) for d in documents.issue_documents(decision)}


def test_the_documents_rendered_before_the_number_is_taken_are_those_of_the_numbered_decision(world):
    decision = issued(world, approved(world, kind="collective", name="Đội dân phòng"), approved(world))
    assert fresh(Decision, decision.id).reference == "01/QĐ-UBND"
    assert stored_documents(decision.id) == rendered_again(decision.id)


def test_when_another_issue_took_the_expected_number_the_documents_are_rendered_again_with_the_one_taken(
    world, monkeypatch
):
    issued(world, approved(world, name="Người thứ nhất"))
    decision = draft(world, approved(world, name="Trần Thị Mai"))
    rendered = []
    render = documents.issue_documents
    monkeypatch.setattr(decisions, "_expected_number", lambda *key: 1)  # read before the other issue committed
    monkeypatch.setattr(documents, "issue_documents", lambda *args, **kw: rendered.append(kw) or render(*args, **kw))

    decisions.issue(world.secretariat_d, decision, today=ISSUED_ON)
    db.session.commit()

    assert [kw["number"] for kw in rendered] == [1, 2]
    assert fresh(Decision, decision.id).reference == "02/QĐ-UBND"
    monkeypatch.setattr(documents, "issue_documents", render)
    stored = stored_documents(decision.id)
    assert stored == rendered_again(decision.id)
    assert stored["certificates"][0].endswith("-02-QD-UBND-2026.docx")


def test_an_issued_decision_never_changes(world):
    decision = issued(world, approved(world))
    other = approved(world, name="Trần Thị Mai")
    before = (decision.version, decision.subject, [i.nomination_id for i in decision.items])
    for attempt in (
        lambda: decisions.update_draft(world.secretariat_d, decision, {"subject": "Về việc khác"}),
        lambda: decisions.update_draft(world.secretariat_d, decision, {"nomination_ids": [other.id]}),
        lambda: decisions.issue(world.secretariat_d, decision, today=ISSUED_ON),
    ):
        with pytest.raises(Conflict):
            attempt()
        db.session.rollback()
    decision = fresh(Decision, decision.id)
    assert (decision.version, decision.subject, [i.nomination_id for i in decision.items]) == before
    assert (decision.state, decision.number) == ("issued", 1)
    assert db.session.get(DecisionCounter, (world.d.id, "QĐ-UBND", 2026)).last_number == 1


# Revoking ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "  \n\t", None], ids=["empty", "blank", "none"])
def test_revoking_needs_a_reason(world, reason):
    decision = issued(world, approved(world))
    with pytest.raises(ValidationError) as error:
        decisions.revoke(world.secretariat_d, decision, reason)
    assert "reason" in error.value.fields
    decision = fresh(Decision, decision.id)
    assert decision.state == "issued"
    assert db.session.get(Nomination, decision.items[0].nomination_id).state == "awarded"


def test_revoking_marks_every_award_revoked_with_the_reason_in_its_history(world):
    people = [approved(world, name=name) for name in ("Nguyễn Văn Hậu", "Trần Thị Mai")]
    decision = issued(world, *people)
    reason = "Cá nhân đang trong thời gian bị xem xét kỷ luật."

    decisions.revoke(world.secretariat_d, decision, f"  {reason} ", version=decision.version)
    db.session.commit()

    decision = fresh(Decision, decision.id)
    assert (decision.state, decision.revoke_reason, decision.revoked_by_id) == (
        "revoked",
        reason,
        world.secretariat_d.id,
    )
    assert decision.revoked_at is not None
    assert (decision.number, decision.reference) == (1, "01/QĐ-UBND")  # the number stays used
    for person in people:
        nomination = db.session.get(Nomination, person.id)
        assert nomination.state == "revoked"
        assert (nomination.awaiting_role, nomination.awaiting_unit_id) == (None, None)
        last = listing.history(nomination)[-1]
        assert (last.action, last.from_state, last.to_state, last.actor_id) == (
            "revoke",
            "awarded",
            "revoked",
            world.secretariat_d.id,
        )
        assert last.comment == f"Thu hồi Quyết định số 01/QĐ-UBND: {reason}"
    with pytest.raises(Conflict):
        decisions.revoke(world.secretariat_d, decision, "Lần nữa")
    assert issued(world, approved(world, name="Lê Quang Vinh")).reference == "02/QĐ-UBND"


def test_a_draft_cannot_be_revoked(world):
    decision = draft(world, approved(world))
    with pytest.raises(Conflict):
        decisions.revoke(world.secretariat_d, decision, "Nhầm")
    assert fresh(Decision, decision.id).state == "draft"


# Who may act -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", WORLD_USERS)
def test_only_the_secretariat_of_the_issuing_unit_drafts_issues_and_revokes(world, username):
    """Not an admin, not a reviewer, not the secretariat of another unit or level."""
    actor = getattr(world, username)
    setup = {}
    for form, unit_key in ((world.form_d, "d"), (world.form_q, "q")):
        setup[unit_key] = (
            approved(world, name="Nguyễn Văn Hậu", form=form),
            draft(world, approved(world, name="Trần Thị Mai", form=form), form=form),
            issued(world, approved(world, name="Lê Quang Vinh", form=form), form=form),
            form,
        )

    for unit_key, (free, drafted, done, form) in setup.items():
        allowed = username == f"secretariat_{unit_key}"
        for attempt in _every_action(actor, free, drafted, done, form):
            if allowed:
                attempt()
            else:
                with pytest.raises(PermissionDenied, match="Thường trực Hội đồng Thi đua – Khen thưởng"):
                    attempt()
            db.session.rollback()
        assert fresh(Decision, drafted.id).state == "draft"
        assert fresh(Decision, done.id).state == "issued"


def _every_action(actor, free, drafted, done, form):
    return [
        lambda: decisions.create_draft(actor, {"award_form_id": form.id, "nomination_ids": [free.id]}),
        lambda: decisions.update_draft(actor, drafted, {"bonus": "Thưởng theo quy định."}),
        lambda: decisions.issue(actor, drafted, today=ISSUED_ON),
        lambda: decisions.revoke(actor, done, "Nhầm người."),
    ]


@pytest.mark.parametrize(
    ("username", "sees_draft", "sees_issued"),
    [
        ("secretariat_d", True, True),
        ("admin", True, True),
        ("admin_d", True, True),
        ("reviewer_d", True, True),
        ("reviewer_p", True, True),
        ("clerk_c1", False, True),
        ("reviewer_c2", False, True),
        ("clerk_ad", False, True),
        ("secretariat_q", False, False),
        ("clerk_q1", False, False),
    ],
)
def test_a_draft_is_seen_at_and_above_its_issuer_an_issued_decision_along_the_whole_line(
    world, username, sees_draft, sees_issued
):
    drafted = draft(world, approved(world, name="Trần Thị Mai"))
    done = issued(world, approved(world))
    actor = getattr(world, username)
    for decision, sees in ((drafted, sees_draft), (done, sees_issued)):
        if sees:
            assert decisions.get(actor, decision.id) == decision
        else:
            with pytest.raises(NotFound):
                decisions.get(actor, decision.id)
    with pytest.raises(NotFound):
        decisions.get(actor, 987654)


# Award history and the register ------------------------------------------------------------------------------


def test_award_history_finds_awarded_people_by_name_without_diacritics_with_their_decision(world):
    hau = approved(world, name="Nguyễn Văn Hậu")
    mai = approved(world, name="Trần Thị Mai")
    first = issued(world, hau, mai)
    revoked_hau = approved(world, world.c2, name="Nguyễn Văn Hậu")
    second = issued(world, revoked_hau)
    decisions.revoke(world.secretariat_d, second, "Trùng thành tích đã khen.")
    pending_hau = approved(world, name="Nguyễn Văn Hậu")
    db.session.commit()

    for query in ("Nguyễn Văn Hậu", "nguyen van hau", "NGUYEN  VAN HAU", "Nguye\u0302\u0303n", "văn hậu"):
        found = decisions.award_history(world.reviewer_d, query)
        assert {(n.id, n.state, d.id if d else None) for n, d in found} == {
            (hau.id, "awarded", first.id),
            (revoked_hau.id, "revoked", second.id),
        }, query
    assert pending_hau.id not in {n.id for n, _ in decisions.award_history(world.reviewer_d, "hau")}
    assert [(n.id, d.reference) for n, d in decisions.award_history(world.reviewer_d, "tran thi mai")] == [
        (mai.id, "01/QĐ-UBND")
    ]
    assert decisions.award_history(world.reviewer_d, "   ") == []
    # Scope: people of other units' lines stay out of sight.
    assert [n.id for n, _ in decisions.award_history(world.reviewer_c1, "hau")] == [hau.id]
    assert decisions.award_history(world.reviewer_q, "nguyen van hau") == []


def test_the_register_lists_issued_and_revoked_decisions_searchable_by_number_and_name_within_scope(world):
    first = issued(world, approved(world, name="Nguyễn Văn Hậu"))
    second = issued(world, approved(world, name="Trần Thị Mai"), today=date(2026, 6, 1))
    decisions.revoke(world.secretariat_d, second, "Nhầm người.")
    next_year = issued(world, approved(world, name="Lê Quang Vinh"), today=date(2027, 1, 5))
    draft(world, approved(world, name="Cil Ha Sin"))
    province = issued(world, approved(world, name="Nguyễn Văn Hậu", form=world.form_q), form=world.form_q)
    db.session.commit()

    def ids(actor, **query):
        page = decisions.register(getattr(world, actor), **query)
        assert page.total == len(page.items)
        return [d.id for d in page.items]

    assert ids("secretariat_d") == [next_year.id, second.id, first.id]  # newest first, no drafts
    assert ids("admin", q="01/QĐ-UBND") == [next_year.id, province.id, first.id]
    assert ids("secretariat_d", q="01/QĐ-UBND") == [next_year.id, first.id]
    assert ids("secretariat_d", q="01/QĐ-UBND", year=2026) == [first.id]
    assert ids("secretariat_d", q="2") == [second.id]
    assert ids("secretariat_d", year=2027) == [next_year.id]
    assert ids("secretariat_d", q="nguyen van hau") == [first.id]
    assert ids("secretariat_d", q="TRẦN THỊ MAI") == [second.id]
    assert ids("secretariat_d", q="Cil Ha Sin") == []
    assert ids("admin", q="hậu") == [province.id, first.id]
    # The whole line of the tree sees the district's decisions; another province sees none of them.
    assert ids("clerk_c1") == ids("reviewer_p") == [next_year.id, second.id, first.id]
    assert ids("clerk_q1") == ids("secretariat_q") == [province.id]
    page = decisions.register(world.secretariat_d, per_page=2, page=2)
    assert (page.total, [d.id for d in page.items]) == (3, [first.id])


def test_the_register_finds_a_number_whose_symbol_is_typed_without_diacritics_or_capitals(world):
    ubnd = issued(world, approved(world, name="Nguyễn Văn Hậu"))
    form, campaign = second_form_of_the_district(world, symbol="QĐ-HĐTĐKT")
    council = issued(world, approved(world, name="Trần Thị Mai", form=form, campaign=campaign), form=form)
    db.session.commit()

    def ids(q: str) -> list[int]:
        return [d.id for d in decisions.register(world.secretariat_d, q=q).items]

    for typed in ("01/QĐ-UBND", "01/QD-UBND", "1/qd-ubnd/2026", "1/Qđ-ubnd", " 1 / qd-ubnd / 2026 ", "1/QD-UBND/2026"):
        assert ids(typed) == [ubnd.id], typed
    for typed in ("01/QD-HDTDKT", "1/qđ-hđtđkt", "1/Qd-HdTdKt/2026"):
        assert ids(typed) == [council.id], typed
    assert ids("QD-UBND") == ids("qđ-ubnd/2026") == [ubnd.id]  # the symbol alone: every number of it
    assert ids("QD-HDTDKT") == [council.id]
    assert ids("1") == [council.id, ubnd.id]
    for nothing in ("1/QD-UBND/2025", "2/QD-UBND", "QD", "UBND", "QD-UBND/2025", "QD-UBND/abc", "1/QD-UBND/99999"):
        assert ids(nothing) == [], nothing


# Two secretaries issuing at the same instant -----------------------------------------------------------------


def test_ten_decisions_issued_at_the_same_instant_get_the_numbers_1_to_10(app, world):
    """PostgreSQL serialises on the counter's row lock; SQLite serialises whole writers, so there a loser gets a
    Conflict and issues again (what a secretary's second click does). Either way: 1..10, no gap, no duplicate."""
    drafts = [draft(world, approved(world, name=f"Người được khen {i}")).id for i in range(10)]
    secretariat_id = world.secretariat_d.id
    backend = app.config["BACKEND"]
    barrier = threading.Barrier(len(drafts))
    results: list = [None] * len(drafts)

    def issue(index: int, decision_id: int) -> None:
        with app.app_context():
            attempts = 0
            try:
                actor = db.session.get(User, secretariat_id)
                decision = db.session.get(Decision, decision_id)
                assert decision.items and actor.roles  # the page was loaded before the click
                barrier.wait(timeout=30)
                while True:
                    attempts += 1
                    try:
                        decisions.issue(actor, decision, today=ISSUED_ON)
                        db.session.commit()
                        results[index] = (decision.number, attempts)
                        return
                    except Conflict as error:
                        db.session.rollback()
                        if backend != "sqlite" or attempts >= 200:
                            results[index] = f"{type(error).__name__} after {attempts}: {error}"
                            return
                        time.sleep(random.uniform(0.005, 0.05))
            except Exception as error:  # noqa: BLE001 - reported to the test, never swallowed
                db.session.rollback()
                results[index] = f"unexpected {type(error).__name__}: {error}"

    threads = [threading.Thread(target=issue, args=(i, d)) for i, d in enumerate(drafts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)

    assert all(isinstance(r, tuple) for r in results), results
    assert sorted(number for number, _ in results) == list(range(1, 11))
    if backend == "postgresql":
        assert all(attempts == 1 for _, attempts in results), results
    db.session.rollback()
    db.session.expire_all()
    rows = db.session.scalars(select(Decision).where(Decision.id.in_(drafts))).all()
    assert sorted(d.number for d in rows) == list(range(1, 11))
    assert {d.state for d in rows} == {"issued"}
    assert db.session.get(DecisionCounter, (world.d.id, "QĐ-UBND", 2026)).last_number == 10
    assert count(NominationEvent, NominationEvent.action == "award") == 10


def test_a_nomination_changed_by_someone_else_meanwhile_makes_the_whole_issue_fail(app, world):
    first, second = (create_nomination(world, state=State.district_approved, name=n) for n in ("Một", "Hai"))
    draft = decisions.create_draft(
        world.secretariat_d,
        {"award_form_id": world.form_d.id, "nomination_ids": [first.id, second.id], "signer_name": "Trần Văn Bình"},
    )
    db.session.commit()
    draft_id = draft.id
    # Another connection awards the second nomination after this session has read it.
    assert draft.items[1].nomination.state == State.district_approved
    with db.engine.begin() as other:
        other.execute(Nomination.__table__.update().where(Nomination.id == second.id).values(state="awarded"))
    with pytest.raises(Conflict):
        decisions.issue(world.secretariat_d, draft)
    db.session.rollback()
    assert db.session.get(Decision, draft_id).state == "draft"
    assert db.session.get(Nomination, first.id).state == State.district_approved
    assert (
        db.session.scalar(select(func.count()).select_from(NominationEvent).where(NominationEvent.action == "award"))
        == 0
    )


def test_a_draft_of_one_campaigns_nominations_names_that_campaign_in_its_subject(world):
    nomination = create_nomination(world, state=State.district_approved)
    draft = decisions.create_draft(
        world.secretariat_d, {"award_form_id": world.form_d.id, "nomination_ids": [nomination.id]}
    )
    assert draft.campaign_id == world.campaign_d.id
    assert draft.subject.endswith(f"trong {world.campaign_d.title}")
