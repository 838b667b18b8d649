"""Type-ahead for the filters of long lists (static/js/lookup.js): JSON, a screenful of the user's scope."""

from dataclasses import asdict

from flask import Blueprint, jsonify, request
from flask_login import current_user

from workflow.services import admin

bp = Blueprint("lookups", __name__, url_prefix="/lookup")


def _answer(find):
    return jsonify(results=[asdict(choice) for choice in find(current_user, request.args.get("q"))])


@bp.get("/units")
def units():
    return _answer(admin.find_units)


@bp.get("/campaigns")
def campaigns():
    return _answer(admin.find_campaigns)


@bp.get("/award-forms")
def award_forms():
    return _answer(admin.find_award_forms)
