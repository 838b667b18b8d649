"""Composition root: `flask` finds create_app() here, with no --app flag."""

from flask import Flask

from workflow.config import configure
from workflow.extensions import csrf, db, limiter, login_manager, migrate


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    configure(app, test_config)
    db.init_app(app)
    migrate.init_app(app, db, directory="migrations", render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from blueprints import register_blueprints
    from workflow.cli import register_commands

    register_blueprints(app)
    register_commands(app)
    return app
