"""Award decisions: the secretariat drafts one from fully approved nominations, issues it (number, documents,
awards: all in one transaction), and may revoke it with a reason."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, false, func, or_, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import lazyload, load_only
from sqlalchemy.orm.attributes import flag_modified

from workflow import clock, documents, heap, machine, permissions
from workflow.documents import vietnamese
from workflow.errors import Conflict, NotFound, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.models import (
    AwardForm,
    Campaign,
    Decision,
    DecisionCounter,
    DecisionItem,
    IssuedDocument,
    Nomination,
    Unit,
    User,
)
from workflow.models.base import utcnow
from workflow.services import admin, check_version, flush, listing
from workflow.services.admin.lists import equals_folded
from workflow.states import Action, NomineeKind, Role, State
from workflow.text import clean, fold

TEXT_FIELDS = (
    "place",
    "parent_body",
    "issuing_body",
    "subject",
    "authority",
    "basis",
    "proposal",
    "bonus",
    "implementers",
    "recipients",
    "signing_authority",
    "signer_title",
    "signer_name",
)
# What the documents print of each awardee, in the order of documents.Awardee's fields.
AWARDEE_COLUMNS = (
    Nomination.nominee_kind,
    Nomination.nominee_name,
    Nomination.position,
    Nomination.achievements,
    Unit.name,
    AwardForm.name,
)
DEFAULT_BASIS = (
    "Căn cứ Luật Tổ chức chính quyền địa phương;\n"
    "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;\n"
    "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ quy định chi tiết thi hành "
    "một số điều của Luật Thi đua, khen thưởng."
)


def issues_for(actor: User, unit: Unit) -> bool:
    """Is the actor the secretariat of `unit`, the one that drafts, issues and revokes its decisions?"""
    return any(held.id == unit.id for held in permissions.role_units(actor, Role.secretariat))


def issuable_award_forms(actor: User) -> list[AwardForm]:
    """The award forms whose decisions the actor's secretariat issues."""
    units = {unit.id for unit in permissions.role_units(actor, Role.secretariat)}
    return [form for form in admin.visible_award_forms(actor) if form.owner_unit_id in units]


def _require_secretariat(actor: User, unit: Unit) -> None:
    if not issues_for(actor, unit):
        raise PermissionDenied(f"Chỉ Thường trực Hội đồng Thi đua – Khen thưởng {unit.name} mới được thao tác.")


def get(actor: User, decision_id: int) -> Decision:
    """A decision the actor may see: issued by a unit on the same line of the tree as one of theirs."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or not _visible(actor, decision):
        raise NotFound("Không tìm thấy quyết định.")
    return decision


def _visible(actor: User, decision: Decision) -> bool:
    if permissions.is_global_admin(actor):
        return True
    issuer = decision.issuing_unit
    units = permissions.role_units(actor, *Role)
    if decision.state == "draft":
        return any(u.contains(issuer) for u in units)
    return any(u.contains(issuer) or issuer.contains(u) for u in units)


def eligible(actor: User, award_form_id: int | None = None, campaign_id: int | None = None) -> list[Nomination]:
    """Fully approved nominations awaiting a decision of the actor's secretariat, not yet in a draft decision."""
    query = _eligible_only(select(Nomination), actor, award_form_id, campaign_id)
    return list(db.session.scalars(query.order_by(Nomination.nominee_kind, Nomination.id)))


def _eligible_only(query: Select, actor: User, award_form_id: int | None, campaign_id: int | None = None) -> Select:
    """`query` narrowed to the nominations eligible() lists."""
    units = [u.id for u in permissions.role_units(actor, Role.secretariat)]
    in_draft = select(DecisionItem.nomination_id).join(Decision).where(Decision.state == "draft")
    query = query.where(
        Nomination.awaiting_role == Role.secretariat,
        Nomination.awaiting_unit_id.in_(units),
        Nomination.id.not_in(in_draft),
    )
    if award_form_id:
        query = query.where(Nomination.award_form_id == award_form_id)
    if campaign_id:
        query = query.where(Nomination.campaign_id == campaign_id)
    return query


def defaults(award_form: AwardForm, campaign=None) -> dict[str, str]:
    """What a routine decision says, from the award form and its issuing unit: a minute's work to adjust."""
    unit = award_form.owner_unit
    parent = unit.parent
    upper = unit.name.upper()
    occasion = f" trong {campaign.title}" if campaign else ""
    return {
        "symbol": award_form.decision_symbol or "QĐ-UBND",
        "place": award_form.place or vietnamese.place_name(unit.name),
        "parent_body": award_form.parent_body or (f"ỦY BAN NHÂN DÂN {parent.name.upper()}" if parent else ""),
        "issuing_body": award_form.issuing_body or f"ỦY BAN NHÂN DÂN {upper}",
        "subject": f"Về việc khen thưởng các tập thể, cá nhân có thành tích xuất sắc{occasion}",
        "authority": award_form.authority or f"CHỦ TỊCH ỦY BAN NHÂN DÂN {upper}",
        "basis": DEFAULT_BASIS,
        "proposal": f"Theo đề nghị của Thường trực Hội đồng Thi đua – Khen thưởng {vietnamese.lower_first(unit.name)}.",
        "bonus": "",
        "implementers": "Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan và các tập thể, cá nhân "
        "có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        "recipients": "Như Điều 3;\nThường trực Hội đồng Thi đua – Khen thưởng;\nLưu: VT.",
        "signing_form": "KT",
        "signing_authority": award_form.signing_authority or "CHỦ TỊCH",
        "signer_title": award_form.signer_title or "PHÓ CHỦ TỊCH",
        "signer_name": "",
    }


def create_draft(actor: User, data: Mapping[str, Any]) -> Decision:
    """A draft decision for an award form owned by the actor's unit, from defaults plus what `data` says."""
    award_form = db.session.get(AwardForm, _int(data.get("award_form_id"), "award_form_id"))
    if award_form is None:
        raise ValidationError("Chọn hình thức khen thưởng.", fields={"award_form_id": "Chưa chọn."})
    _require_secretariat(actor, award_form.owner_unit)
    campaign_id = data.get("campaign_id") or _common_campaign(data.get("nomination_ids") or [])
    campaign = db.session.get(Campaign, _int(campaign_id, "campaign_id")) if campaign_id else None
    values = defaults(award_form, campaign) | _text_values(data)
    decision = Decision(
        issuing_unit=award_form.owner_unit,
        award_form=award_form,
        campaign=campaign,
        created_by_id=actor.id,
        state="draft",
        **values,
    )
    db.session.add(decision)
    set_nominations(actor, decision, data.get("nomination_ids") or [])
    flush()
    return decision


def _common_campaign(nomination_ids) -> int | None:
    """The campaign all these nominations belong to, if they share one: it names the occasion in the subject."""
    ids = [_int(i, "nomination_ids") for i in nomination_ids]
    campaigns = set(db.session.scalars(select(Nomination.campaign_id).where(Nomination.id.in_(ids)).distinct()))
    return campaigns.pop() if len(campaigns) == 1 else None


def update_draft(actor: User, decision: Decision, data: Mapping[str, Any], *, version=None) -> Decision:
    """Change a draft's text, signature and, if given, its nominations. Issued decisions never change."""
    _require_draft(actor, decision)
    check_version(decision.version, version)
    for key, value in _text_values(data).items():
        setattr(decision, key, value)
    if "nomination_ids" in data:
        set_nominations(actor, decision, data["nomination_ids"])
    flush()
    return decision


def set_nominations(actor: User, decision: Decision, ids: Iterable) -> None:
    """Make the draft award exactly these nominations (each fully approved and awaiting this secretariat)."""
    wanted = list(dict.fromkeys(_int(i, "nomination_ids") for i in ids))
    form_id = decision.award_form.id  # a new draft has its form but not yet the form's id
    # Keep the rows of nominations that stay: replacing them would INSERT the same pair before the DELETE.
    kept = {item.nomination_id: item for item in decision.items}
    kinds = {i: item.nomination.nominee_kind for i, item in kept.items() if item.nomination.award_form_id == form_id}
    kinds |= _eligible_kinds(actor, form_id, [i for i in wanted if i not in kept])
    refused = [i for i in wanted if i not in kinds]
    if refused:
        raise ValidationError(
            "Hồ sơ không thể đưa vào quyết định (chưa được duyệt xong, khác hình thức, hoặc đã thuộc quyết định "
            f"khác): {', '.join(f'#{i}' for i in refused)}.",
            fields={"nomination_ids": "Có hồ sơ không hợp lệ."},
        )
    ordered = sorted(wanted, key=lambda i: (kinds[i] != NomineeKind.collective, i))
    items = [kept.get(i) or DecisionItem(nomination_id=i) for i in ordered]
    for position, item in enumerate(items, start=1):
        item.position = position
    changed = ordered != [item.nomination_id for item in decision.items]
    decision.items = items
    if decision.id is not None and changed:
        # The awardees are part of the decision: changing only them must still bump its version, so two
        # secretaries editing the same draft cannot overwrite each other unnoticed.
        flag_modified(decision, "subject")


def _eligible_kinds(actor: User, award_form_id: int, ids: list[int]) -> dict[int, str]:
    """The kind of each of `ids` that eligible() lists for the form: read for these ids alone, as plain values
    (every eligible nomination as an object took a second and 50 MB for a decision of 1,000)."""
    query = _eligible_only(select(Nomination.id, Nomination.nominee_kind), actor, award_form_id)
    return {
        nomination_id: kind
        for chunk in machine.chunked(ids)
        for nomination_id, kind in db.session.execute(query.where(Nomination.id.in_(chunk)))
    }


@heap.collector_paused()  # 10,000 awardees keep 100,000 objects alive at once: see heap
def issue(actor: User, decision: Decision, *, version=None, today: date | None = None) -> Decision:
    """Issue the draft in one transaction: next number, documents rendered and stored, every nomination awarded.
    If anything fails the caller rolls back and nothing of it remains."""
    _require_draft(actor, decision)
    check_version(decision.version, version)
    awarded, awardees = _awardees(decision)
    if not awarded:
        raise ValidationError("Quyết định chưa có tập thể, cá nhân nào được khen thưởng.")
    if not clean(decision.signer_name):
        raise ValidationError("Chưa có họ tên người ký.", fields={"signer_name": "Vui lòng nhập họ tên người ký."})
    for nomination, awardee in zip(awarded, awardees, strict=True):
        if nomination.state != State.approved(nomination.review_chain[-1]["level"]):
            raise Conflict(f"Hồ sơ “{awardee.nominee_name}” không còn ở trạng thái chờ khen thưởng.")
    today = today or clock.today()
    decision.year, decision.issued_on = today.year, today
    flush()  # the decision's own row first: on SQLite, a writer that lost the race gets a Conflict, not a 500
    # Rendered before the number is taken, with the one it will take unless another issue takes it first: the
    # counter's row lock is then not held while rendering (seconds for 10,000 awardees). The same inputs give the
    # same document whenever it is rendered; if the number taken differs, it is rendered again with that one.
    expected = _expected_number(decision.issuing_unit_id, decision.symbol, today.year)
    rendered = documents.issue_documents(decision, awardees, number=expected)
    number = _next_number(decision.issuing_unit_id, decision.symbol, today.year)
    if number != expected:
        rendered = documents.issue_documents(decision, awardees, number=number)
    decision.number, decision.state = number, "issued"
    decision.issued_by_id, decision.issued_at = actor.id, utcnow()
    machine.fire_all(awarded, Action.award, actor=actor, comment=f"Quyết định số {decision.reference}")
    for document in rendered:
        db.session.add(IssuedDocument(decision=decision, **document))
    flush()
    return decision


def _awardees(decision: Decision) -> tuple[list[Nomination], list[documents.Awardee]]:
    """The decision's nominations in the order of its annex, in one query: each with only what awarding it reads
    and no eager joins, beside what its documents print of it as plain values. ORM objects with every column and
    their unit and form loaded one by one took a second for 10,000 awardees."""
    rows = db.session.execute(
        select(Nomination, *AWARDEE_COLUMNS)
        .join(DecisionItem, DecisionItem.nomination_id == Nomination.id)
        .join(Unit, Unit.id == Nomination.unit_id)
        .join(AwardForm, AwardForm.id == Nomination.award_form_id)
        .where(DecisionItem.decision_id == decision.id)
        .order_by(DecisionItem.position, DecisionItem.id)
        .options(
            load_only(Nomination.state, Nomination.version, Nomination.review_chain, Nomination.unit_id),
            lazyload("*"),
        )
    ).all()
    return [row[0] for row in rows], [documents.Awardee(*row[1:]) for row in rows]


def awardee_list(decision: Decision) -> list:
    """The decision's awardees in the order of its annex as plain rows (nomination_id, nominee_kind, nominee_name,
    position, unit_name, state), in one query: what the API lists of a decision of 10,000."""
    return list(
        db.session.execute(
            select(
                DecisionItem.nomination_id,
                Nomination.nominee_kind,
                Nomination.nominee_name,
                Nomination.position,
                Unit.name.label("unit_name"),
                Nomination.state,
            )
            .join(Nomination, DecisionItem.nomination_id == Nomination.id)
            .join(Unit, Unit.id == Nomination.unit_id)
            .where(DecisionItem.decision_id == decision.id)
            .order_by(DecisionItem.position)
        ).mappings()
    )


def revoke(actor: User, decision: Decision, reason: str, *, version=None) -> Decision:
    """Revoke (thu hồi) an issued decision: its awards are marked revoked, with the reason, in the history."""
    _require_secretariat(actor, decision.issuing_unit)
    check_version(decision.version, version)
    if decision.state != "issued":
        raise Conflict("Chỉ thu hồi được quyết định đã ban hành.")
    reason = clean(reason)
    if not reason:
        raise ValidationError("Cần ghi rõ lý do thu hồi.", fields={"reason": "Vui lòng nhập lý do."})
    decision.state, decision.revoked_by_id, decision.revoked_at, decision.revoke_reason = (
        "revoked",
        actor.id,
        utcnow(),
        reason,
    )
    machine.fire_all(
        [item.nomination for item in decision.items],
        Action.revoke,
        actor=actor,
        comment=f"Thu hồi Quyết định số {decision.reference}: {reason}",
    )
    flush()
    return decision


def _expected_number(unit_id: int, symbol: str, year: int) -> int:
    """The number the next issue of this body and year takes unless another takes it first (read without a lock)."""
    last = db.session.scalar(select(DecisionCounter.last_number).filter_by(unit_id=unit_id, symbol=symbol, year=year))
    return (last or 0) + 1


def _next_number(unit_id: int, symbol: str, year: int) -> int:
    """The next number of this issuing body and year, under a row lock held until the transaction ends, so two
    secretaries issuing at once get consecutive numbers and a failed issue gives its number back."""
    flush()  # the decision's own row first: on SQLite, a writer that lost the race gets a Conflict, not a 500
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(DecisionCounter)
        .values(unit_id=unit_id, symbol=symbol, year=year, last_number=0)
        .on_conflict_do_nothing()
    )
    counter = db.session.scalars(
        select(DecisionCounter)
        .filter_by(unit_id=unit_id, symbol=symbol, year=year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    counter.last_number += 1
    flush()
    return counter.last_number


def _require_draft(actor: User, decision: Decision) -> None:
    _require_secretariat(actor, decision.issuing_unit)
    if decision.state != "draft":
        raise Conflict("Quyết định đã ban hành thì không được sửa.")


def _text_values(data: Mapping[str, Any]) -> dict[str, str]:
    values = {key: clean(data[key]) for key in TEXT_FIELDS if data.get(key) is not None}
    if data.get("signing_form") is not None:
        if data["signing_form"] not in ("", "KT", "TM", "Q"):
            raise ValidationError(
                "Hình thức ký phải là KT., TM., Q. hoặc để trống.", fields={"signing_form": "Không hợp lệ."}
            )
        values["signing_form"] = data["signing_form"]
    return values


def _int(value, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError("Mã không hợp lệ.", fields={field: "Cần một số."}) from None


@dataclass(frozen=True)
class RegisterPage:
    items: list[Decision]
    total: int


def register(
    actor: User, *, q: str | None = None, year: int | None = None, page: int = 1, per_page: int = 25
) -> RegisterPage:
    """The decision register: issued and revoked decisions of the units on the actor's line of the tree."""
    query = select(Decision).where(Decision.state != "draft")
    if not permissions.is_global_admin(actor):
        units = permissions.role_units(actor, *Role)
        issuer = Unit
        ancestors = {i for u in units for i in u.ancestor_ids}
        query = query.join(issuer, Decision.issuing_unit_id == issuer.id).where(
            or_(issuer.id.in_(ancestors), *(issuer.path.startswith(u.path) for u in units))
        )
    if year:
        query = query.where(Decision.year == year)
    if q and fold(q):
        named = select(DecisionItem.decision_id).join(Nomination).where(listing.name_contains(fold(q)))
        query = query.where(or_(Decision.id.in_(named), _reference_matches(q)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = (
        db.session.scalars(
            query.order_by(Decision.issued_on.desc(), Decision.id.desc())
            .limit(per_page)
            .offset((max(page, 1) - 1) * per_page)
        )
        .unique()
        .all()
    )
    return RegisterPage(items=list(items), total=total)


def _reference_matches(q: str):
    """ "15", "15/QĐ-UBND", "15/QĐ-UBND/2023" or the symbol alone ("QĐ-UBND", "QĐ-UBND/2023") as typed in the
    search box, the symbol's case and diacritics ignored: most type "1/qd-ubnd" for 01/QĐ-UBND. Anything else matches
    no number. A longer run of digits is no decision number or year and would overflow the column."""
    head, _, rest = q.partition("/")
    head = head.strip()
    if head.isdecimal():
        number, (symbol, _, year) = head, rest.partition("/")
    else:
        number, symbol, year = None, head, rest
    year = year.strip()
    if number is None and (" " in fold(symbol) or not fold(symbol) or (year and not year.isdecimal())):
        return false()  # a name typed is compared with the nominees', not with every decision's symbol
    if (number and len(number) > 9) or (year.isdecimal() and len(year) > 4):
        return false()
    condition = true() if number is None else Decision.number == int(number)
    if fold(symbol):
        condition &= equals_folded(symbol, Decision.symbol)
    if year.isdecimal():
        condition &= Decision.year == int(year)
    return condition


def drafts(actor: User) -> list[Decision]:
    units = [u.id for u in permissions.role_units(actor, Role.secretariat)]
    return list(
        db.session.scalars(
            select(Decision)
            .where(Decision.state == "draft", Decision.issuing_unit_id.in_(units))
            .order_by(Decision.id.desc())
        )
    )


def award_history(actor: User, name: str) -> list[tuple[Nomination, Decision | None]]:
    """Everyone of this name awarded (or whose award was revoked), across campaigns, with the deciding decision:
    what a reviewer checks before approving a higher form."""
    key = fold(name)
    if not key:
        return []
    query = (
        listing.visible(actor)
        .where(
            Nomination.state.in_([State.awarded, State.revoked]),
            listing.name_contains(key),
        )
        .order_by(Nomination.nominee_search, Nomination.id.desc())
    )
    nominations = list(db.session.scalars(query).unique())
    deciding = dict(
        db.session.execute(
            select(DecisionItem.nomination_id, Decision)
            .join(Decision, DecisionItem.decision_id == Decision.id)
            .where(DecisionItem.nomination_id.in_([n.id for n in nominations]), Decision.state != "draft")
        ).all()
    )
    return [(n, deciding.get(n.id)) for n in nominations]


def decision_of(nomination: Nomination) -> Decision | None:
    """The issued (or revoked) decision that awarded the nomination: its own columns (reference, date, state), its
    unit, award form and campaign loaded only if asked for."""
    return db.session.scalar(
        select(Decision)
        .join(DecisionItem)
        .where(DecisionItem.nomination_id == nomination.id, Decision.state != "draft")
        .options(lazyload("*"))
    )
