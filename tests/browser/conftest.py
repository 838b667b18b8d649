"""A live server (CSRF on, as in production) on the test database, driven by Debian's Chromium through Playwright.

Every page a test visits must leave the browser console clean: a console error (a failed script or resource, a
Content-Security-Policy violation) or an uncaught exception fails the test at teardown, with the messages.
A failing test leaves a full-page screenshot in test-artifacts/ and says where in its failure output."""

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from app import create_app
from workflow import demo
from workflow.extensions import db

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def live_server(app, database, tmp_path):
    """The demo data in the test database, served by a real HTTP server in a thread."""
    demo.load()
    db.session.commit()
    server_app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database.url,
            "SECRET_KEY": "browser-test",
            "RATELIMIT_STORAGE_URI": "memory://",  # its own login counts, even where REDIS_URL is set
            "PDF_CACHE_DIR": str(tmp_path / "pdf-cache"),  # not the checkout's instance/
        }
    )
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with server_app.app_context():
        db.engine.dispose()


@pytest.fixture
def page(request, live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        tab = browser.new_page(base_url=live_server, viewport={"width": 1300, "height": 900})
        tab.set_default_timeout(10_000)
        problems: list[str] = []
        tab.on("console", lambda message: _console_error(problems, tab, message))
        tab.on("pageerror", lambda error: problems.append(f"uncaught exception on {tab.url}: {error}"))
        request.node.stash[CONSOLE] = problems
        try:
            yield tab
            if problems and not request.node.stash.get(FAILED, False):
                where = _screenshot(request.node, tab)
                pytest.fail(
                    f"The browser console reported {len(problems)} error(s) (screenshot: {where}):\n"
                    + "\n".join(problems),
                    pytrace=False,
                )
        finally:
            browser.close()


@pytest.fixture
def console_errors(request, page) -> list[str]:
    """What the page fixture will complain about at teardown, so far (a test may inspect and clear it)."""
    return request.node.stash[CONSOLE]


def _console_error(problems: list[str], tab, message) -> None:
    location = message.location.get("url") or tab.url
    if message.type == "error":
        problems.append(f"console error on {location}: {message.text}")


def _screenshot(item, tab) -> str:
    """A full-page screenshot of the tab, named after the test; the path, or why there is none."""
    path = ARTIFACTS / f"{item.name}.png"
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(path), full_page=True, timeout=5_000)
    except Exception as error:  # the browser may be gone: say so, and keep the test's own failure
        return f"not taken ({error.__class__.__name__}: {error})"
    return str(path)


FAILED = pytest.StashKey[bool]()
CONSOLE = pytest.StashKey[list]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failing browser test: the screenshot of the page as it failed, its address and the console errors so
    far, in a section of the failure output (so a CI log says where the screenshot is)."""
    report = yield
    tab = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and tab is not None:
        item.stash[FAILED] = True
        lines = [f"screenshot: {_screenshot(item, tab)}", f"page: {tab.url}"]
        lines += item.stash.get(CONSOLE, [])
        report.sections.append(("browser", "\n".join(lines)))
    return report
