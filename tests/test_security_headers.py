"""Every response tells the browser to run only the site's own script files, never to frame the site, and not to
guess content types; no page needs an inline script, style or event handler to work."""

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.api_client import API
from workflow import demo
from workflow.extensions import db
from workflow.models import (
    Attachment,
    AwardForm,
    Campaign,
    Decision,
    Indicator,
    Nomination,
    Report,
    ReviewPeriod,
    Unit,
    User,
)
from workflow.services import decisions

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
POLICY = [
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "img-src 'self' data:",
]


def assert_protected(response, path: str) -> None:
    for name, value in REQUIRED.items():
        assert response.headers.get(name) == value, f"{path}: {name}"
    policy = [d.strip() for d in response.headers.get("Content-Security-Policy", "").split(";")]
    assert all(directive in policy for directive in POLICY), f"{path}: {policy}"
    assert not any("unsafe-inline" in d or "unsafe-eval" in d for d in policy if d.startswith("script-src"))


class InlineCode(HTMLParser):
    """Collects what a strict Content-Security-Policy would block: inline scripts, inline styles, on*= handlers,
    javascript: links."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value}>")
        if "style" in attributes:
            self.found.append(f"<{tag} style=…>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            is_data = (attributes.get("type") or "").lower() == "application/json"
            self._in_inline_script = not attributes.get("src") and not is_data

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.found.append(f"<script>{data.strip()[:60]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_inline_code_detector_finds_what_the_policy_would_block():
    html = """<script>alert(1)</script><script src="/static/js/app.js"></script>
    <script type="application/json" id="data">{"a": 1}</script><a href="javascript:go()">x</a>
    <button onclick="go()">y</button><p style="color: red">z</p><style>p {}</style>"""
    assert inline_code(html) == [
        "<script>alert(1)",
        "<a href=javascript:go()>",
        "<button onclick=…>",
        "<p style=…>",
        "<style>",
    ]


@pytest.fixture
def demo_data(app):
    """The demo, plus one decision issued from the nominations it leaves awaiting the district secretariat."""
    demo.load()
    secretariat = db.session.scalar(select(User).where(User.username == "ld.thuongtruc"))
    ready = decisions.eligible(secretariat)
    form_id = ready[0].award_form_id
    draft = decisions.create_draft(
        secretariat,
        {
            "award_form_id": form_id,
            "nomination_ids": [n.id for n in ready if n.award_form_id == form_id],
            "signer_name": "Nguyễn Văn Sơn",
        },
    )
    decisions.issue(secretariat, draft)
    db.session.commit()


def _sample_values() -> dict[str, object]:
    """A real id (or value) for every URL argument of the app, from the demo data."""
    first = lambda model, *where: db.session.scalar(select(model.id).where(*where).order_by(model.id))  # noqa: E731
    report_file = db.session.scalar(select(Attachment).where(Attachment.report_id.is_not(None)))
    decision = first(Decision, Decision.state == "issued") or first(Decision)
    return {
        "form_id": first(AwardForm),
        "campaign_id": first(Campaign),
        "indicator_id": first(Indicator),
        "unit_id": first(Unit),
        "user_id": first(User),
        "decision_id": decision,
        "nomination_id": first(Nomination, Nomination.state == "draft"),  # its clerk can open the edit page
        "report_id": report_file.report_id if report_file else first(Report),
        "attachment_id": report_file.id if report_file else 1,
        "period_id": first(ReviewPeriod),
        "kind": "decision",
        "number": 1,
        "filename": "css/app.css",
    }


REACHED = {
    "admin": {"admin.users.edit", "admin.units.edit", "admin.indicators.edit", "admin.document_templates.unit"},
    "ld.canbo": {"nominations.new", "nominations.edit", "auth.change_password"},
    "ld.thuongtruc": {"decisions.compose", "decisions.detail", "reports.new_period", "reports.report"},
}


@pytest.mark.parametrize("username", REACHED)
def test_every_get_route_answers_with_the_security_headers_and_no_page_has_inline_code(app, demo_data, username):
    """Crawled as an administrator, a clerk and a secretariat, who between them reach every page."""
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": demo.DEMO_PASSWORD}).status_code == 302
    token = client.post(f"{API}/tokens", json={"username": username, "password": demo.DEMO_PASSWORD}).get_json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    values = _sample_values()
    pages = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "bootstrap.static" or rule.rule.endswith(".pdf"):
            continue  # PDFs need LibreOffice (test_documents_pdf); static files are checked below
        path = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        response = client.get(path, headers=bearer)
        assert response.status_code < 500, path
        assert_protected(response, path)
        if response.mimetype == "text/html" and response.status_code == 200:
            pages.add(rule.endpoint)
            assert inline_code(response.text) == [], path
    # The crawl really reached the pages, not only redirects and refusals.
    assert {"main.inbox", "nominations.detail", "reports.period", "api_docs.docs", "main.workflow_diagram"} <= pages
    assert REACHED[username] <= pages and len(pages) >= 18
    for path in ("/static/css/app.css", "/bootstrap/static/js/bootstrap.min.js"):
        assert_protected(client.get(path), path)


def test_error_pages_api_errors_and_the_login_page_carry_the_headers_too(app, client):
    for path, status in (("/login", 200), ("/khong-co-trang-nay", 404), ("/", 302), (f"{API}/me", 401)):
        response = client.get(path)
        assert response.status_code == status
        assert_protected(response, path)
    assert inline_code(client.get("/login").text) == []


def test_styles_are_kept_to_the_sites_files_except_where_the_diagrams_draw_their_own(world, client, auth):
    auth.login("clerk_c1")
    inbox = client.get("/").headers["Content-Security-Policy"]
    assert "style-src 'self';" in inbox + ";"
    diagrams = client.get("/workflow").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in diagrams
    assert "script-src 'self';" in diagrams + ";"
