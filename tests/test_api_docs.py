"""/api/docs: Swagger UI over the generated OpenAPI document, from the app's own static files (no CDN), started by
an external script so that it runs under a strict Content-Security-Policy."""

import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app import create_app

CHROMIUM = "/usr/bin/chromium"
ORIGIN = "http://localhost"  # a trustworthy origin, as a real deployment behind HTTPS
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)


class Assets(HTMLParser):
    """The scripts, stylesheets and links of a page, and the inline scripts it carries."""

    def __init__(self):
        super().__init__()
        self.scripts, self.stylesheets, self.inline_scripts, self.spec_urls = [], [], 0, []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            elif attrs.get("type") != "application/json":
                self._in_inline_script = True
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        if "data-spec-url" in attrs:
            self.spec_urls.append(attrs["data-spec-url"])
        if any(name.startswith("on") for name in attrs):
            self.inline_scripts += 1  # an onclick= is inline script too

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.inline_scripts += 1

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


@pytest.fixture(scope="module")
def docs_app():
    """The docs page needs no data: one app on an empty in-memory database serves it for the whole module."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "test"})


def _page_assets(client) -> Assets:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assets = Assets()
    assets.feed(response.get_data(as_text=True))
    return assets


def test_api_docs_page_loads_swagger_ui_from_local_files_only(docs_app):
    assets = _page_assets(docs_app.test_client())

    assert any(src.startswith("/static/vendor/swagger-ui/swagger-ui-bundle.js") for src in assets.scripts)
    assert any(src.startswith("/static/js/api-docs.js") for src in assets.scripts)
    assert any(href.startswith("/static/vendor/swagger-ui/swagger-ui.css") for href in assets.stylesheets)
    for url in assets.scripts + assets.stylesheets:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is not served by the app"
    assert assets.inline_scripts == 0
    assert assets.spec_urls == ["/api/openapi.json"]


def test_every_asset_of_the_api_docs_page_is_served(docs_app):
    client = docs_app.test_client()
    assets = _page_assets(client)

    for url in assets.scripts + assets.stylesheets:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype in {"text/javascript", "text/css"}, url
        assert response.data.strip(), url
        response.close()
    spec = client.get(assets.spec_urls[0])
    assert spec.status_code == 200
    assert spec.get_json()["openapi"].startswith("3.")


def test_swagger_ui_is_vendored_with_its_licence():
    vendor = Path(__file__).resolve().parents[1] / "static" / "vendor" / "swagger-ui"
    assert "Apache License" in (vendor / "LICENSE").read_text()
    assert "SmartBear" in (vendor / "NOTICE").read_text()
    bundle = (vendor / "swagger-ui-bundle.js").read_text()
    # Swagger UI must run under script-src 'self' with no 'unsafe-eval': its only `new Function` is the
    # globalThis fallback of old browsers, never reached in Chromium.
    assert "eval(" not in bundle.replace('new Function("return this")', "")


browser = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and os.environ.get("REQUIRE_BROWSER") != "1",
    reason="Chromium is not installed (browser tests are required in CI, where REQUIRE_BROWSER=1)",
)


@browser
def test_api_docs_render_every_operation_in_chromium_under_a_strict_csp(docs_app):
    """Every request of the page is answered by the app, under its Content-Security-Policy (or, if it sent none,
    one without inline script, inline style or eval); a request anywhere else is refused and noted."""
    from playwright.sync_api import sync_playwright

    client = docs_app.test_client()
    spec = client.get("/api/openapi.json").get_json()
    operations = sum(
        method in {"get", "post", "put", "patch", "delete"} for path in spec["paths"].values() for method in path
    )
    outside, problems = [], []

    def serve(route):
        url = route.request.url
        if not url.startswith(ORIGIN + "/"):
            outside.append(url)
            return route.abort()
        response = client.open(url[len(ORIGIN) :], method=route.request.method)
        headers = dict(response.headers)
        headers.setdefault("Content-Security-Policy", STRICT_CSP)  # the app's own policy, or one as strict
        route.fulfill(status=response.status_code, headers=headers, body=response.data)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = chromium.new_page(base_url=ORIGIN)
            page.on("console", lambda message: message.type == "error" and problems.append(message.text))
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.route("**/*", serve)
            page.goto("/api/docs")
            page.wait_for_selector(".opblock", timeout=15_000)

            assert page.locator(".opblock").count() == operations
            assert page.locator(".info .title").inner_text().startswith(spec["info"]["title"])
            nominations = page.locator(".opblock-get", has=page.locator("[data-path='/api/v1/nominations']"))
            nominations.locator(".opblock-summary").click()
            page.wait_for_selector(".opblock.is-open .parameters")
            assert "per_page" in page.locator(".opblock.is-open .parameters").inner_text()
        finally:
            chromium.close()
    assert outside == []
    assert problems == []
