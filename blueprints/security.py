"""What every response carries for the browser's protection, and the rate limit on guessing passwords."""

from functools import cache

from flask import Flask, abort, current_app, request

from blueprints.errors import is_api
from workflow.extensions import limiter

# No inline script, style or event handler anywhere: every script and stylesheet is a file under /static.
# (A <script type="application/json"> data block is not run, so it needs no exception.)
DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Mermaid draws the workflow diagrams with <style> elements and style attributes it generates in the browser.
# That page shows diagrams of the state machines, no user data; scripts stay as strict there as anywhere.
INLINE_STYLE_PAGES = {"main.workflow_diagram"}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}


@cache  # two strings, the same for every response
def content_security_policy(inline_styles: bool = False) -> str:
    directives = dict(DIRECTIVES, **({"style-src": "'self' 'unsafe-inline'"} if inline_styles else {}))
    return "; ".join(f"{name} {value}" for name, value in directives.items())


# POST /login, POST /api/v1/tokens and the password change count together, per client IP (across every app
# server when the limiter stores in Redis). Past the limit: 429 with the house error page or JSON.
login_limit = limiter.shared_limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], scope="login", methods=["POST"])


def init_security(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_add_headers)


def _refuse_nul():
    """A NUL character in a page's query or form (PostgreSQL text cannot hold one) is a bad request, refused before
    any view reads it. The API's schemas refuse it field by field, with a 422 naming the field (api/base.py)."""
    if is_api():
        return
    values = [*request.args.values(), *request.form.values(), *(f.filename or "" for f in request.files.values())]
    if any("\x00" in value for value in values):
        abort(400)


def _add_headers(response):
    policy = content_security_policy(inline_styles=request.endpoint in INLINE_STYLE_PAGES)
    response.headers.setdefault("Content-Security-Policy", policy)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
