"""Type-ahead for the filters of long lists: a few units, campaigns or award forms of the actor's scope whose name
(or code) holds every word typed, ignoring case and diacritics ("lac duong" finds "Huyện Lạc Dương")."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, select
from sqlalchemy.orm import aliased

from workflow import permissions
from workflow.extensions import db
from workflow.models import AwardForm, Campaign, Unit, User
from workflow.services.admin.awards import NEWEST_CAMPAIGN_FIRST
from workflow.services.admin.lists import contains_folded
from workflow.states import Level, Role
from workflow.text import fold

LIMIT = 20
QUERY_MAX = 100  # characters of the typed text that are read
LEVEL_RANKS = {level.value: rank for rank, level in enumerate(Level)}


@dataclass(frozen=True)
class Choice:
    id: int
    label: str
    detail: str = ""


def find_units(actor: User, typed: str | None, limit: int = LIMIT) -> list[Choice]:
    """Units in the actor's subtrees matching `typed`, higher levels first, with the units above each."""
    query = select(Unit.id, Unit.name, Unit.path).where(
        permissions.subtree_filter(actor, Unit.path, *Role), *_matching(typed, Unit.name, Unit.code)
    )
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


def _owned_on_line(actor: User, model, label, typed: str | None):
    """(id, label, owner's name) of the campaigns or award forms owned on the line of the actor's units whose label
    or owner matches `typed`; and the owner's alias, to sort by."""
    owner = aliased(Unit)
    query = (
        select(model.id, label, owner.name)
        .join(owner, model.owner_unit_id == owner.id)
        .where(permissions.line_filter(actor, owner.id, owner.path), *_matching(typed, label, owner.name))
    )
    return query, owner


def _matching(typed: str | None, *columns) -> list[ColumnElement[bool]]:
    """One condition per word typed: the word is in one of `columns`, case and diacritics ignored."""
    return [contains_folded(word, *columns) for word in fold((typed or "")[:QUERY_MAX]).split()]


def _above(row, names: dict[int, str]) -> list[str]:
    """The names of the units above the row's, nearest first."""
    return [names[unit_id] for unit_id in reversed(_path_ids(row)[:-1]) if unit_id in names]


# A row of (…, path) reads its ancestors as a Unit does.
_path_ids = Unit.ancestor_ids.fget
