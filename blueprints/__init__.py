"""HTTP only: one package per area. Views load, check, call one service, and the request commits once."""

from flask import Flask, request

from blueprints.errors import register_error_handlers, signed_out
from workflow.extensions import db, login_manager, wrote_nothing
from workflow.models import User
from workflow.services.auth import user_for_session

READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def register_blueprints(app: Flask) -> None:
    from flask_bootstrap import Bootstrap5

    from blueprints.admin import bp as admin_bp
    from blueprints.api import init_api
    from blueprints.api.base import IdConverter
    from blueprints.auth import bp as auth_bp
    from blueprints.decisions import bp as decisions_bp
    from blueprints.main import bp as main_bp
    from blueprints.nominations import bp as nominations_bp
    from blueprints.reports import bp as reports_bp
    from blueprints.security import init_security
    from blueprints.ui import register_template_helpers

    # Every `<int:…>` of every route, pages and API, is bounded by what the database holds: a larger id is a 404.
    app.url_map.converters["int"] = IdConverter
    Bootstrap5(app)
    for blueprint in (auth_bp, main_bp, nominations_bp, decisions_bp, reports_bp, admin_bp):
        app.register_blueprint(blueprint)
    init_api(app)
    init_security(app)
    register_template_helpers(app)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"  # a session cookie replayed from another browser is dropped
    login_manager.unauthorized_handler(signed_out)

    app.after_request(_commit_once)
    register_error_handlers(app)


@login_manager.user_loader
def _load_user(session_key: str) -> User | None:
    # Only an open session of an active account signs anyone in: signing out, a new password or deactivation
    # end the session on the server, whatever cookie is replayed.
    return user_for_session(session_key)


def _commit_once(response):
    """One commit per state-changing request that succeeded; anything else is rolled back, except a read that
    succeeded and wrote nothing: it ends with a commit, the same for the data, because PostgreSQL's driver
    (psycopg) forgets the statements it prepared at every rollback, and the database would plan every query of
    every page again (a planning takes longer than running the query on most pages)."""
    if response.status_code < 400 and (request.method not in READ_METHODS or wrote_nothing(db.session)):
        db.session.commit()
    else:
        db.session.rollback()
    return response
