"""Type-ahead for the filters of long lists and the unit boxes of forms (static/js/lookup.js): JSON, a screenful of
the user's scope."""

from dataclasses import asdict
from functools import partial

from flask import Blueprint, jsonify, request
from flask_login import current_user

from workflow.services import admin

bp = Blueprint("lookups", __name__, url_prefix="/lookup")


def _answer(find):
    return jsonify(results=[asdict(choice) for choice in find(current_user, request.args.get("q"))])


@bp.get("/units")
def units():
    return _answer(admin.find_units)


# The unit boxes of the forms, each over exactly the units its form may take.
FORM_UNITS = {
    "nominating-units": admin.UnitPool.nominating,  # the nomination's unit: where the user is a clerk
    "owner-units": admin.UnitPool.owning,  # the unit of an award form, a campaign or a review period
    "administered-units": admin.UnitPool.administered,  # the unit of an account's role
    "parent-units": admin.UnitPool.parents,  # the parent of a unit
}


def _form_units_view(endpoint: str, pool):
    """The view of one form's unit box: a real function named after its endpoint, as Flask and its extensions
    expect of a view (Flask-WTF's CSRF exemption check reads its __name__; a functools.partial has none)."""

    def view():
        return _answer(partial(admin.find_units, pool=pool))

    view.__name__ = view.__qualname__ = endpoint
    return view


for path, pool in FORM_UNITS.items():
    endpoint = path.replace("-", "_")
    bp.add_url_rule(f"/{path}", endpoint, _form_units_view(endpoint, pool))


@bp.get("/campaigns")
def campaigns():
    return _answer(admin.find_campaigns)


@bp.get("/award-forms")
def award_forms():
    return _answer(admin.find_award_forms)


@bp.get("/campaign-award-forms")
def campaign_award_forms():
    """The award forms a campaign of the unit `owner` may award (the campaign form, when the unit changes)."""
    choices = admin.campaign_award_forms(current_user, request.args.get("owner", type=int))
    return jsonify(results=[asdict(choice) for choice in choices])
