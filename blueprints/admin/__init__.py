"""Administration and catalogues: units, accounts and roles, award forms, campaigns, report indicators, Word
templates.

Everyone signed in may browse the units, award forms and campaigns of their scope; changes go through the
services in workflow.services.admin, which decide who may make them."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from blueprints.admin import award_forms, campaigns, document_templates, indicators, lookups, units, users
from workflow import permissions
from workflow.services import admin

bp = Blueprint("admin", __name__, url_prefix="/admin")
for child in (units.bp, users.bp, award_forms.bp, campaigns.bp, indicators.bp, document_templates.bp, lookups.bp):
    bp.register_blueprint(child)


@bp.before_request
@login_required
def _signed_in():
    """Every page here, and in the nested blueprints, needs a signed-in user."""


@bp.get("/")
def index():
    return render_template(
        "admin/index.html",
        administers=admin.administers_some_unit(current_user),
        manages_awards=admin.manages_awards_somewhere(current_user),
        edits_indicators=permissions.is_global_admin(current_user),
    )
