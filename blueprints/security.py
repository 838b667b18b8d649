"""What every response carries for the browser's protection, and the rate limit on guessing passwords."""

from functools import cache

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider

from blueprints.errors import UnstorableText, is_api
from workflow.extensions import limiter
from workflow.text import UNSTORABLE, storable

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


class JsonProvider(DefaultJSONProvider):
    """Flask's JSON, Vietnamese kept readable. A body nested too deep to decode is a ValueError, which Flask answers
    with a 400 (a RecursionError was a 500); a lone surrogate written back (the name of a field nobody declared)
    comes out as its JSON escape, since it has no UTF-8 and would fail the response."""

    ensure_ascii = False

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError as error:
            raise ValueError("JSON nested too deep to decode") from error

    def dumps(self, obj, **kwargs) -> str:
        return UNSTORABLE.sub(_escaped, super().dumps(obj, **kwargs))


def _escaped(match) -> str:
    return f"\\u{ord(match.group()):04x}"


def init_security(app: Flask) -> None:
    app.json = JsonProvider(app)
    app.before_request(_refuse_unstorable)
    app.after_request(_add_headers)


def _refuse_unstorable():
    """Text no database can store (a NUL character, which PostgreSQL text cannot hold; a lone surrogate, which
    has no UTF-8) in a page's query, form, file names or JSON body (Flask-WTF reads one as a form) is a bad
    request, refused before any view reads it; so is a JSON body that does not decode. The API's schemas refuse
    such text field by field, with a 422 naming the field (api/base.py)."""
    if is_api():
        return
    texts = [
        *(text for pair in request.args.items(multi=True) for text in pair),
        *(text for pair in request.form.items(multi=True) for text in pair),
        *(upload.filename or "" for _, upload in request.files.items(multi=True)),
    ]
    if request.is_json:
        texts += _strings(request.get_json())
    if not all(storable(text) for text in texts):
        raise UnstorableText()


def _strings(document) -> list[str]:
    """Every key and string of a decoded JSON document, walked without recursion (it may be nested ~1,000 deep)."""
    found, pending = [], [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            found += [key for key in value if isinstance(key, str)]
            pending += value.values()
        elif isinstance(value, list):
            pending += value
    return found


def _add_headers(response):
    policy = content_security_policy(inline_styles=request.endpoint in INLINE_STYLE_PAGES)
    response.headers.setdefault("Content-Security-Policy", policy)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
