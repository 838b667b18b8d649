"""Reading nominations: the filtered, paginated list, the inbox, the history. Constant queries per page."""

from collections import defaultdict
from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value

from workflow import permissions
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.models import Decision, DecisionItem, Nomination, NominationEvent, Unit, User
from workflow.states import NomineeKind, Role, State
from workflow.text import fold

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # beyond any real list; keeps OFFSET inside the databases' integer range


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    unit_id: int | None = None
    campaign_id: int | None = None
    award_form_id: int | None = None
    nominee_kind: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[Nomination]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))


def visible(actor: User, *roles: Role) -> Select:
    """Nominations of units in a subtree where the actor holds one of `roles` (any role: what they may see)."""
    nominating = aliased(Unit)
    return (
        select(Nomination)
        .join(nominating, Nomination.unit_id == nominating.id)
        .where(permissions.subtree_filter(actor, nominating.path, *roles))
    )


def search(actor: User, filters: Filters, *, page: int = 1, per_page: int = 25) -> Page:
    """One page of the nominations the actor may see, newest first."""
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    page = min(max(int(page), 1), MAX_PAGE)
    query = _filtered(visible(actor), filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = (
        db.session.scalars(query.order_by(Nomination.id.desc()).limit(per_page).offset((page - 1) * per_page))
        .unique()
        .all()
    )
    return Page(items=list(items), total=total or 0, page=page, per_page=per_page)


def _filtered(query: Select, filters: Filters) -> Select:
    if filters.state in {s.value for s in State}:
        query = query.where(Nomination.state == filters.state)
    if filters.nominee_kind in {k.value for k in NomineeKind}:
        query = query.where(Nomination.nominee_kind == filters.nominee_kind)
    if filters.campaign_id:
        query = query.where(Nomination.campaign_id == filters.campaign_id)
    if filters.award_form_id:
        query = query.where(Nomination.award_form_id == filters.award_form_id)
    if filters.unit_id:
        scope = db.session.get(Unit, filters.unit_id)
        filtered_unit = aliased(Unit)
        query = query.join(filtered_unit, Nomination.unit_id == filtered_unit.id).where(
            filtered_unit.path.startswith(scope.path if scope else "/none/")
        )
    if filters.q and fold(filters.q):
        query = query.where(Nomination.nominee_search.contains(fold(filters.q), autoescape=True))
    return query


@dataclass(frozen=True)
class InboxSection:
    key: str
    title: str
    total: int
    items: list[Nomination]
    filters: dict


def inbox(actor: User, *, limit: int = 10) -> list[InboxSection]:
    """'Việc cần làm': what awaits this person, per kind of work, with counts."""
    sections = []
    reviewer_units = [u.id for u in permissions.role_units(actor, Role.reviewer)]
    if reviewer_units:
        query = select(Nomination).where(
            Nomination.awaiting_role == Role.reviewer,
            Nomination.awaiting_unit_id.in_(reviewer_units),
            Nomination.created_by_id != actor.id,
            func.coalesce(Nomination.submitted_by_id, 0) != actor.id,
        )
        sections.append(_section("review", "Chờ tôi xét duyệt", query, limit, {}))
    secretariat_units = [u.id for u in permissions.role_units(actor, Role.secretariat)]
    if secretariat_units:
        query = select(Nomination).where(
            Nomination.awaiting_role == Role.secretariat, Nomination.awaiting_unit_id.in_(secretariat_units)
        )
        sections.append(_section("decide", "Đã duyệt xong, chờ ra quyết định khen thưởng", query, limit, {}))
    if permissions.role_units(actor, Role.clerk):
        clerk_scope = visible(actor, Role.clerk)
        for state, title in ((State.returned, "Bị trả lại, cần bổ sung"), (State.draft, "Dự thảo chưa gửi")):
            query = clerk_scope.where(Nomination.state == state)
            sections.append(_section(state.value, title, query, limit, {"state": state.value}))
    return sections


def _section(key: str, title: str, query: Select, limit: int, filters: dict) -> InboxSection:
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = (
        db.session.scalars(query.order_by(Nomination.updated_at.desc(), Nomination.id.desc()).limit(limit))
        .unique()
        .all()
    )
    return InboxSection(key=key, title=title, total=total, items=list(items), filters=filters)


def history(nomination: Nomination) -> list[NominationEvent]:
    return list(
        db.session.scalars(
            select(NominationEvent).where(NominationEvent.nomination_id == nomination.id).order_by(NominationEvent.id)
        )
    )


def chain_units(nomination: Nomination) -> list[Unit]:
    """The units of a nomination's review chain, bottom-up, for display."""
    ids = [step["unit_id"] for step in nomination.review_chain]
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    return [units[i] for i in ids if i in units]


def with_items(decisions: list[Decision]) -> list[Decision]:
    """Load the items (and their nominations) of a page of decisions in one query, not one per decision."""
    by_decision: dict[int, list[DecisionItem]] = defaultdict(list)
    if decisions:
        query = select(DecisionItem).where(DecisionItem.decision_id.in_([d.id for d in decisions]))
        for item in db.session.scalars(query.order_by(DecisionItem.position)).unique():
            by_decision[item.decision_id].append(item)
    for decision in decisions:
        set_committed_value(decision, "items", by_decision[decision.id])
    return decisions


# States a nomination reaches only once its first review level (the commune) has approved it.
PAST_FIRST_LEVEL = (State.commune_approved, State.district_approved, State.province_approved, State.awarded)


def proposal_communes(actor: User) -> list[Unit]:
    """The communes whose Tờ trình the actor may print: those where they are a clerk or the approver."""
    return list(
        {u.id: u for u in permissions.role_units(actor, Role.clerk, Role.reviewer) if u.level == "commune"}.values()
    )


def approved_by_commune(actor: User, unit_id: int, campaign_id: int) -> tuple[Unit, list[Nomination]]:
    """What a commune approved in a campaign (its own nominations and its agencies'), for its Tờ trình.
    The commune must be one of proposal_communes(actor); NotFound otherwise, so other batches leak nothing."""
    unit = next((u for u in proposal_communes(actor) if u.id == unit_id), None)
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị cấp xã của bạn.")
    query = (
        select(Nomination)
        .join(Unit, Nomination.unit_id == Unit.id)
        .where(
            Unit.path.startswith(unit.path),
            Nomination.campaign_id == campaign_id,
            Nomination.state.in_(PAST_FIRST_LEVEL),
        )
        .order_by(Nomination.nominee_kind, Nomination.id)
    )
    return unit, list(db.session.scalars(query).unique())
