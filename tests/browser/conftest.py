"""A live server (CSRF on, as in production) on the test database, driven by Debian's Chromium through Playwright."""

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
def live_server(app, database):
    """The demo data in the test database, served by a real HTTP server in a thread."""
    demo.load()
    db.session.commit()
    server_app = create_app({"SQLALCHEMY_DATABASE_URI": database.url, "SECRET_KEY": "browser-test"})
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
        yield tab
        if request.node.stash.get(FAILED, False):
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        browser.close()


FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report
