"""Reading nominations: the filtered, paginated list, the inbox, the history. Constant queries per page.

Fast at national scale (300,000 nominations): every list reads the ids of its page from an index ending in id
(models.nominations), then loads those rows only; counts stop at COUNT_CAP; the name search goes through the
trigram index of models.name_search.
"""

from collections import defaultdict
from dataclasses import dataclass
from math import ceil

from sqlalchemy import ColumnElement, Integer, Select, String, bindparam, func, literal, literal_column, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from workflow import permissions
from workflow.errors import NotFound
from workflow.extensions import db
from workflow.models import (
    AwardForm,
    Campaign,
    Decision,
    DecisionItem,
    Nomination,
    NominationEvent,
    Unit,
    User,
    name_search,
)
from workflow.models.base import INT_MAX
from workflow.states import NomineeKind, Role, State
from workflow.text import fold

MAX_PER_PAGE = 200
MAX_PAGE = 1_000_000  # beyond any real list; keeps OFFSET inside the databases' integer range
# Counting 300,000 rows costs more than showing a page of them: past this many the list says "hơn 10.000 hồ sơ",
# as search engines do. A page further on still works: the count then reaches PAGES_AHEAD pages past it (the pager
# links to them), and as far again (see _page_ids).
COUNT_CAP = 10_000
PAGES_AHEAD = 3
PAGES_AROUND = 3  # the pager links this many pages either side of the current one, anchored (see Anchor)
# A list of units' nominations this few is gathered unit by unit and sorted on SQLite (see _in_order).
GATHER_AT_MOST = 1_000


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    unit_id: int | None = None
    campaign_id: int | None = None
    award_form_id: int | None = None
    nominee_kind: str | None = None
    q: str | None = None


@dataclass(frozen=True, slots=True)
class ListRow:
    """What a row of a nomination list shows, read as plain columns: a page of ORM objects (a nomination with its
    unit, award form, campaign and awaited unit) cost more to build than the page's SQL and HTML together."""

    id: int
    nominee_name: str
    position: str
    nominee_kind: str
    state: str
    awaiting_role: str | None
    award_form_id: int
    unit_name: str
    award_form_name: str
    campaign_title: str
    awaiting_unit_name: str | None

    @property
    def state_enum(self) -> State:
        return _STATES[self.state]

    @property
    def kind_enum(self) -> NomineeKind:
        return _KINDS[self.nominee_kind]


# Looked up by value: calling the enum (State(value)) costs more than the rest of a row's cell.
_STATES = {state.value: state for state in State}
_KINDS = {kind.value: kind for kind in NomineeKind}


@dataclass(frozen=True)
class Anchor:
    """A row the reader saw on page `page`: the last one, for a link to a later page, or the first, for an earlier
    one. The pager's links carry it, so that a page near it is read from it through the index (keyset pagination)
    instead of skipping every row before it: the page after page 499 costs what page 2 costs. Written "page.id"."""

    page: int
    id: int

    def __str__(self) -> str:
        return f"{self.page}.{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> "Anchor | None":
        """The anchor written in `text`, or None if it is not one (a link typed by hand: read by page number)."""
        page, dot, row = (text or "").partition(".")
        if not (dot and page.isascii() and page.isdigit() and row.isascii() and row.isdigit()):
            return None
        anchor = cls(int(page), int(row))
        return anchor if 1 <= anchor.page <= MAX_PAGE and 1 <= anchor.id <= INT_MAX else None


@dataclass(frozen=True)
class Page:
    items: list  # ListRow, or Nomination where asked for objects (the API's schemas read them)
    total: int
    page: int
    per_page: int
    exact: bool = True  # False: there are more than `total` rows, counting stopped there
    keyset: bool = False  # True: the rows are newest first by id, and a page may be read from an Anchor

    @property
    def pages(self) -> int:
        """The number of pages, or of the pages known to exist when the count is not exact."""
        return max(1, ceil(self.total / self.per_page))

    def anchor_to(self, number: int) -> Anchor | None:
        """The anchor a link from this page to page `number` carries: for a page near this one (as far as the
        pager shows around it), not for the first page, which needs none."""
        near = 0 < abs(number - self.page) <= PAGES_AROUND
        if not (self.keyset and self.items and near) or number <= 1:
            return None
        row = self.items[-1] if number > self.page else self.items[0]
        return Anchor(self.page, row.id)


def visible(actor: User, *roles: Role) -> Select:
    """Nominations of units in a subtree where the actor holds one of `roles` (any role: what they may see)."""
    return _within(select(Nomination), _units_in_view(actor, roles))


def search(
    actor: User,
    filters: Filters,
    *,
    page: int = 1,
    per_page: int = 25,
    anchor: Anchor | None = None,
    objects: bool = False,
) -> Page:
    """One page of the nominations the actor may see, newest first, with their number (see COUNT_CAP): ListRows,
    or Nomination objects if `objects`. With an `anchor` from a page near it, the page is read from the anchor."""
    per_page = min(max(int(per_page), 1), MAX_PER_PAGE)
    page = min(max(int(page), 1), MAX_PAGE)
    offset = (page - 1) * per_page
    units = _units_in_view(actor, (), within=filters.unit_id or None)
    matching = _filtered(_within(select(Nomination.id), units), filters)
    gathered = units is not None
    searching = len(fold(filters.q)) >= name_search.SHORTEST
    if anchor is not None and anchor.page != page and not searching:
        return _anchored(matching, anchor, page, per_page, gathered=gathered, objects=objects)
    # Counted as far again as the page is deep: a page past the middle of a list is then read from the list's end.
    enough = max(COUNT_CAP, 2 * (offset + (PAGES_AHEAD + 1) * per_page))
    if searching:
        counted, ids = _found(matching, offset, per_page, enough, gathered=gathered)
        chosen = select(Nomination.id).where(Nomination.id.in_(ids))
    else:
        counted = _count(matching, enough)
        chosen = _page_ids(matching, offset, per_page, total=counted if counted <= enough else None, gathered=gathered)
    items = (_load if objects else _load_rows)(chosen, Nomination.id.desc())
    return Page(items, min(counted, enough), page, per_page, exact=counted <= enough, keyset=True)


def _anchored(matching: Select, anchor: Anchor, page: int, per_page: int, *, gathered: bool, objects: bool) -> Page:
    """Page `page` read from the row `anchor` (keyset pagination): the rows older than the last row of an earlier
    page, or newer than the first row of a later one, skipping only the pages in between. Counted from the anchor
    on, up to COUNT_CAP; the rows before it are taken to be the pages before the anchor's."""
    skipped = (abs(page - anchor.page) - 1) * per_page
    enough = max(COUNT_CAP, skipped + (PAGES_AHEAD + 1) * per_page)
    if page > anchor.page:  # the anchor is the last row of its page
        counted = _count(matching.where(Nomination.id < anchor.id), enough)
        few = counted <= GATHER_AT_MOST
        chosen = _in_order(matching.where(Nomination.id < anchor.id), gathered=gathered, few=few)
    else:  # the first row of its page
        counted = _count(matching.where(Nomination.id <= anchor.id), enough)
        few = (anchor.page - 1) * per_page <= GATHER_AT_MOST  # about as many rows are newer than the anchor
        newer = matching.where(Nomination.id > anchor.id)
        chosen = _in_order(newer, gathered=gathered, oldest_first=True, few=few)
    items = (_load if objects else _load_rows)(_slice(chosen, per_page, skipped), Nomination.id.desc())
    if page > anchor.page:
        total = anchor.page * per_page + min(counted, enough)
    else:  # fewer rows before the anchor than its page said: this page is the first
        before = (page - 1) * per_page if len(items) == per_page else 0
        total = before + len(items) + skipped + min(counted, enough)
    return Page(items, total, page, per_page, exact=counted <= enough, keyset=True)


def _count(matching: Select, enough: int) -> int:
    """How many rows `matching` has, counting no further than one past `enough`."""
    return db.session.scalar(select(func.count()).select_from(_slice(matching, enough + 1, 0).subquery())) or 0


def _found(matching: Select, offset: int, per_page: int, enough: int, *, gathered: bool) -> tuple[int, list[int]]:
    """For a name search: how many it found (up to one past `enough`) and the ids of the page, in one statement
    (a window count), so that the search index is read once."""
    found = _slice(_in_order(matching, gathered=gathered), enough + 1, 0).subquery("found")
    newest = _slice(select(found.c.id, func.count().over()).order_by(found.c.id.desc()), per_page, offset)
    rows = db.session.execute(newest).all()
    if not rows:  # a page past the end: the window had no row to carry the count
        return _count(matching, enough), []
    return rows[0][1], [row[0] for row in rows]


def _page_ids(matching: Select, offset: int, per_page: int, *, total: int | None, gathered: bool) -> Select:
    """The ids of one page, newest first; past the middle of a list of known length, read from its oldest end,
    which skips fewer entries (and sorts fewer, where the ids are gathered from several units)."""
    after = total - offset - per_page if total is not None else None  # the rows after this page
    few = total is not None and total <= GATHER_AT_MOST
    if after is None or offset <= after:
        return _slice(_in_order(matching, gathered=gathered, few=few), per_page, offset)
    oldest_first = _in_order(matching, gathered=gathered, oldest_first=True, few=few)
    return _slice(oldest_first, max(per_page + min(after, 0), 0), max(after, 0))


def _slice(query: Select, limit: int, offset: int) -> Select:
    """`query` limited to a page, the LIMIT and OFFSET written into the statement rather than sent as parameters:
    PostgreSQL's generic plan for a prepared statement cannot know that a parameter LIMIT is 25, finds itself
    dearer than planning each time, and so planned every page anew (1.2 ms, five times running it)."""
    limited = query.limit(literal_column(str(int(limit)), Integer))
    return limited.offset(literal_column(str(int(offset)), Integer)) if offset else limited


def _in_order(matching: Select, *, gathered: bool, oldest_first: bool = False, few: bool = False) -> Select:
    """The ids of `matching` newest first (or oldest first). When they are gathered from a list of units,
    PostgreSQL is made to gather them all from the index and sort them (OFFSET 0 keeps the subquery apart): it
    may otherwise walk the whole table by id, hoping to meet them early, and read most of it when they are rarer
    or older than it guessed. SQLite makes that guess too, having no statistics: where they are `few` (counted
    up to GATHER_AT_MOST), it is made to gather them unit by unit and sort them (ordering by id + 0, which no
    index serves), a cost bounded by their number; where they are many, walking by id meets them soon enough."""
    if gathered and db.session.get_bind().dialect.name == "postgresql":
        picked = matching.offset(0).subquery("picked")
        return select(picked.c.id).order_by(picked.c.id.asc() if oldest_first else picked.c.id.desc())
    key = Nomination.id + 0 if gathered and few else Nomination.id
    return matching.order_by(key.asc() if oldest_first else key.desc())


def name_contains(key: str) -> ColumnElement[bool]:
    """SQL condition: the nominee's folded name contains `key` (folded already, see text.fold), through the
    name search index where the key is long enough for it."""
    dialect = db.session.get_bind().dialect.name
    if len(key) < name_search.SHORTEST:
        # No trigram to look up: read the rows. Not a LIKE on PostgreSQL, whose generic plan for a prepared
        # statement could otherwise scan the whole trigram index for it.
        position = func.instr if dialect == "sqlite" else func.strpos
        return position(Nomination.nominee_search, key) > 0
    if dialect == "sqlite":
        phrase = '"' + key.replace('"', '""') + '"'  # one FTS5 string: no operator or wildcard inside
        fts = name_search.fts
        return Nomination.id.in_(select(fts.c.rowid).where(fts.c[name_search.FTS_TABLE].op("MATCH")(phrase)))
    # The trigram index serves it. The name is written into the statement, not sent as a parameter, so that the
    # statement is planned for it: the generic plan of a prepared statement, not knowing how many names match,
    # walks every nomination by id hoping to meet them early (745 ms for a rare name on the national data, against
    # 6 ms through the index), and PostgreSQL settled on it after a few searches (10 s a search under load).
    pattern = "%" + key.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"
    return Nomination.nominee_search.like(literal(pattern, String, literal_execute=True), escape="/")


def _filtered(query: Select, filters: Filters) -> Select:
    if filters.state in {s.value for s in State}:
        query = query.where(Nomination.state == filters.state)
    if filters.nominee_kind in {k.value for k in NomineeKind}:
        query = query.where(Nomination.nominee_kind == filters.nominee_kind)
    if filters.campaign_id:
        query = query.where(Nomination.campaign_id == filters.campaign_id)
    if filters.award_form_id:
        query = query.where(Nomination.award_form_id == filters.award_form_id)
    if key := fold(filters.q):
        query = query.where(name_contains(key))
    return query


def _units_in_view(actor: User, roles: tuple[Role, ...], within: int | None = None) -> list[int] | None:
    """Ids of the units whose nominations the actor sees through `roles` (any role if none), narrowed to the
    subtree of the unit `within`; None when that is every unit (a global admin, no unit asked for).
    The same scope as permissions.subtree_filter."""
    roles = roles or tuple(Role)
    everywhere = Role.admin in roles and permissions.is_global_admin(actor)
    roots = None if everywhere else permissions.role_units(actor, *roles)
    if within is not None:
        unit = db.session.get(Unit, within)
        if unit is None:
            roots = []
        elif roots is None or any(root.contains(unit) for root in roots):
            roots = [unit]
        else:
            roots = [root for root in roots if unit.contains(root)]
    return None if roots is None else _subtree_ids(roots)


def _subtree_ids(roots: list[Unit]) -> list[int]:
    """The ids of `roots` and of all the units below them, by an indexed walk down parent_id (a prefix match on
    the path, which the path keeps equal to this, reads every unit: LIKE uses no index here)."""
    if not roots:
        return []
    return list(db.session.scalars(_SUBTREE, {"roots": sorted({root.id for root in roots})}))


def _subtree_statement() -> Select:
    tree = select(Unit.id).where(Unit.id.in_(bindparam("roots", expanding=True))).cte("subtree", recursive=True)
    tree = tree.union(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return select(tree.c.id)


_SUBTREE = _subtree_statement()  # built once: building it cost more than running it


def _within(query: Select, unit_ids: list[int] | None) -> Select:
    # A list of ids, not a subquery: the planner then knows how many rows they hold and picks the plan for it.
    return query if unit_ids is None else query.where(Nomination.unit_id.in_(unit_ids))


# What a list row shows: its unit, award form, campaign and who is awaited; not the owners of the award form and
# of the campaign, which their models join by default: two joins fewer is half the planning time on PostgreSQL.
ROW_LOADING = (
    joinedload(Nomination.campaign).lazyload(Campaign.owner_unit),
    joinedload(Nomination.award_form).lazyload(AwardForm.owner_unit),
)


def _load(ids: Select, *order) -> list[Nomination]:
    """The nominations an id query chose (ordered, limited), with all a list row shows, in one query: the ids
    are read from an index alone, and only the rows of the page are read."""
    chosen = ids.subquery()
    query = select(Nomination).join(chosen, Nomination.id == chosen.c.id).options(*ROW_LOADING).order_by(*order)
    return list(db.session.scalars(query).unique())


_AWAITING_UNIT = aliased(Unit, name="awaiting_unit")
ROW_COLUMNS = (  # in the order of ListRow's fields
    Nomination.id,
    Nomination.nominee_name,
    Nomination.position,
    Nomination.nominee_kind,
    Nomination.state,
    Nomination.awaiting_role,
    Nomination.award_form_id,
    Unit.name,
    AwardForm.name,
    Campaign.title,
    _AWAITING_UNIT.name,
)


def _load_rows(ids: Select, *order) -> list[ListRow]:
    """As _load, the rows as ListRows."""
    chosen = ids.subquery()
    query = (
        select(*ROW_COLUMNS)
        .join(chosen, Nomination.id == chosen.c.id)
        .join(Unit, Nomination.unit_id == Unit.id)
        .join(AwardForm, Nomination.award_form_id == AwardForm.id)
        .join(Campaign, Nomination.campaign_id == Campaign.id)
        .outerjoin(_AWAITING_UNIT, Nomination.awaiting_unit_id == _AWAITING_UNIT.id)
        .order_by(*order)
    )
    return [ListRow(*row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class InboxSection:
    key: str
    title: str
    total: int
    items: list[ListRow]
    filters: dict


def inbox(actor: User, *, limit: int = 10) -> list[InboxSection]:
    """'Việc cần làm': what awaits this person, per kind of work, with counts."""
    sections = []
    reviewer_units = [u.id for u in permissions.role_units(actor, Role.reviewer)]
    if reviewer_units:
        query = select(Nomination.id).where(
            Nomination.awaiting_role == Role.reviewer,
            Nomination.awaiting_unit_id.in_(reviewer_units),
            ~permissions.authored_filter(actor, Nomination),
        )
        sections.append(_section("review", "Chờ tôi xét duyệt", query, limit, {}))
    secretariat_units = [u.id for u in permissions.role_units(actor, Role.secretariat)]
    if secretariat_units:
        query = select(Nomination.id).where(
            Nomination.awaiting_role == Role.secretariat, Nomination.awaiting_unit_id.in_(secretariat_units)
        )
        sections.append(_section("decide", "Đã duyệt xong, chờ ra quyết định khen thưởng", query, limit, {}))
    if permissions.role_units(actor, Role.clerk):
        clerk_scope = _within(select(Nomination.id), _units_in_view(actor, (Role.clerk,)))
        for state, title in ((State.returned, "Bị trả lại, cần bổ sung"), (State.draft, "Dự thảo chưa gửi")):
            query = clerk_scope.where(Nomination.state == state)
            sections.append(_section(state.value, title, query, limit, {"state": state.value}))
    return sections


def _section(key: str, title: str, ids: Select, limit: int, filters: dict) -> InboxSection:
    total = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    latest = (Nomination.updated_at.desc(), Nomination.id.desc())
    items = _load_rows(_slice(ids.order_by(*latest), limit, 0), *latest)
    return InboxSection(key=key, title=title, total=total, items=items, filters=filters)


def history(nomination: Nomination) -> list[NominationEvent]:
    """The nomination's events, oldest first, each with its actor's name (not the actor's roles: a query fewer)."""
    query = (
        select(NominationEvent)
        .where(NominationEvent.nomination_id == nomination.id)
        .options(joinedload(NominationEvent.actor).lazyload(User.roles))
        .order_by(NominationEvent.id)
    )
    return list(db.session.scalars(query))


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
