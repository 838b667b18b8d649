"""/api/docs: Swagger UI over the generated /api/openapi.json, served from the app's own static files (offices
work offline: no CDN) and started by an external script, so the page runs under `script-src 'self'`."""

from flask import Blueprint, render_template, url_for

# static/vendor/swagger-ui/ holds swagger-ui-bundle.js, swagger-ui.css and their licences from swagger-ui-dist.
SWAGGER_UI_VERSION = "5.35.0"

bp = Blueprint("api_docs", __name__, url_prefix="/api")


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"), version=SWAGGER_UI_VERSION)
