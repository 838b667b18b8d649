"""Review-period reports: periods, filing and review, the consolidated view, exports."""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


from blueprints.reports import periods, views  # noqa: E402, F401  (routes register on bp)
