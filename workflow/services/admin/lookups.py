"""Type-ahead for the filters of long lists and the unit boxes of forms: a few units, campaigns or award forms of
the actor's scope whose name (or code) holds every word typed, ignoring case and diacritics ("lac duong" finds
"Huyện Lạc Dương")."""

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import ColumnElement, and_, case, select
from sqlalchemy.orm import aliased

from workflow import permissions
from workflow.extensions import db
from workflow.models import AwardForm, Campaign, Unit, User
from workflow.models.base import INT_MAX
from workflow.services.admin.awards import NEWEST_CAMPAIGN_FIRST, award_owner_filter, visible_award_forms
from workflow.services.admin.lists import words_matching
from workflow.states import ALLOWED_PARENTS, Level, Role

LIMIT = 20
LEVEL_RANKS = {level.value: rank for rank, level in enumerate(Level)}
PARENT_LEVELS = [level.value for level in Level if any(level in parents for parents in ALLOWED_PARENTS.values())]


@dataclass(frozen=True)
class Choice:
    id: int
    label: str
    detail: str = ""


class UnitPool(Enum):
    """The units a box offers: all the actor sees, those they nominate for (as a clerk), those that may own their
    award forms, campaigns and review periods, those they administer (where they give roles), or those of these
    that may have units below them (a unit's parent)."""

    seen = "seen"
    nominating = "nominating"
    owning = "owning"
    administered = "administered"
    parents = "parents"

    def where(self, actor: User) -> ColumnElement[bool]:
        """SQL condition: the Unit is in this pool of the actor's."""
        match self:
            case UnitPool.nominating:
                return permissions.subtree_filter(actor, Unit.path, Role.clerk)
            case UnitPool.owning:
                return award_owner_filter(actor)
            case UnitPool.administered:
                return permissions.subtree_filter(actor, Unit.path, Role.admin)
            case UnitPool.parents:
                return and_(permissions.subtree_filter(actor, Unit.path, Role.admin), Unit.level.in_(PARENT_LEVELS))
        return permissions.subtree_filter(actor, Unit.path, *Role)


def first_units(actor: User, pool: UnitPool, limit: int) -> list[Unit]:
    """The first `limit` units of the pool, in tree order: all of them, if there are fewer."""
    return list(db.session.scalars(select(Unit).where(pool.where(actor)).order_by(Unit.path).limit(limit)))


def unit_in_pool(actor: User, pool: UnitPool, unit_id) -> Unit | None:
    """The unit of that id if it is in the actor's pool; None otherwise (or for no id, or one no id column holds)."""
    if not isinstance(unit_id, int) or abs(unit_id) > INT_MAX:
        return None
    return db.session.scalar(select(Unit).where(Unit.id == unit_id, pool.where(actor)))


def find_units(actor: User, typed: str | None, limit: int = LIMIT, pool: UnitPool = UnitPool.seen) -> list[Choice]:
    """Units of the pool (by default, the actor's subtrees) matching `typed`, higher levels first, with the units
    above each."""
    query = select(Unit.id, Unit.name, Unit.path).where(pool.where(actor), *words_matching(typed, Unit.name, Unit.code))
    found = db.session.execute(query.order_by(case(LEVEL_RANKS, value=Unit.level), Unit.name).limit(limit)).all()
    above = {unit_id for row in found for unit_id in _path_ids(row)[:-1]}
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(above))).all())
    return [Choice(row.id, row.name, ", ".join(_above(row, names))) for row in found]


def find_campaigns(actor: User, typed: str | None, limit: int = LIMIT) -> list[Choice]:
    """Campaigns that apply to the actor's units matching `typed`, newest first, with the unit running each."""
    query, _owner = _owned_on_line(actor, Campaign, Campaign.title, typed)
    found = db.session.execute(query.order_by(*NEWEST_CAMPAIGN_FIRST).limit(limit))
    return [Choice(row_id, title, owner_name) for row_id, title, owner_name in found]


def find_award_forms(actor: User, typed: str | None, limit: int = LIMIT) -> list[Choice]:
    """Award forms a nomination in the actor's scope could lead to, matching `typed`, with the unit awarding each."""
    query, owner = _owned_on_line(actor, AwardForm, AwardForm.name, typed)
    found = db.session.execute(query.order_by(case(LEVEL_RANKS, value=owner.level), AwardForm.id).limit(limit))
    return [Choice(row_id, name, f"Do {owner_name} tặng") for row_id, name, owner_name in found]


def campaign_award_forms(actor: User, owner_id) -> list[Choice]:
    """The award forms a campaign of that unit may award, named with the unit awarding each; none for a unit that
    may not run the actor's campaigns."""
    owner = unit_in_pool(actor, UnitPool.owning, owner_id)
    return [award_form_choice(form) for form in visible_award_forms(actor, line_of=owner)] if owner else []


def award_form_choice(form: AwardForm) -> Choice:
    """An award form as a campaign offers it: its name, and the unit awarding it."""
    return Choice(form.id, f"{form.name} ({form.owner_unit.name})")


def _owned_on_line(actor: User, model, label, typed: str | None):
    """(id, label, owner's name) of the campaigns or award forms owned on the line of the actor's units whose label
    or owner matches `typed`; and the owner's alias, to sort by."""
    owner = aliased(Unit)
    query = (
        select(model.id, label, owner.name)
        .join(owner, model.owner_unit_id == owner.id)
        .where(permissions.line_filter(actor, owner.id, owner.path), *words_matching(typed, label, owner.name))
    )
    return query, owner


def _above(row, names: dict[int, str]) -> list[str]:
    """The names of the units above the row's, nearest first."""
    return [names[unit_id] for unit_id in reversed(_path_ids(row)[:-1]) if unit_id in names]


# A row of (…, path) reads its ancestors as a Unit does.
_path_ids = Unit.ancestor_ids.fget
