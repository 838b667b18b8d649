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


@bp.get("/nominating-units")
def nominating_units():
    """The units the user nominates for, as a clerk (the nomination form)."""
    return _answer(partial(admin.find_units, pool=admin.UnitPool.nominating))


@bp.get("/owner-units")
def owner_units():
    """The units that may own the user's award forms, campaigns and review periods (their forms)."""
    return _answer(partial(admin.find_units, pool=admin.UnitPool.owning))


@bp.get("/campaigns")
def campaigns():
    return _answer(admin.find_campaigns)


@bp.get("/award-forms")
def award_forms():
    return _answer(admin.find_award_forms)
