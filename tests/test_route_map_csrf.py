"""CSRF, generated from the URL map, with CSRF protection on as in production: every state-changing route of the
pages refuses a signed-in browser's request that carries no CSRF token, and changes nothing; the API never takes
the browser's session cookie at all (bearer tokens only), so a forged cross-site request cannot reach it."""

import html
import re

import pytest

from tests import route_map
from tests.factories import PASSWORD, make_user
from workflow.extensions import db
from workflow.models import Nomination

REFUSED = "Yêu cầu không hợp lệ (có thể phiên làm việc đã hết hạn, vui lòng tải lại trang)."
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(scope="module")
def scene(database):
    """One world for the module, and a browser signed in (through the login form, token included) as someone
    who may do nearly everything in D's subtree: clerk of C1, secretariat of D and global administrator. So
    what refuses the requests below is the missing token, not a missing right."""
    with route_map.module_app(database) as app:
        scene = route_map.build_scene()
        w = scene.world
        make_user("moi_viec", [("clerk", w.c1), ("secretariat", w.d), ("admin", None)])
        db.session.commit()
        scene.app, scene.browser = app, app.test_client(csrf=False)  # a forger's browser: no token of its own
        scene.token = TOKEN.search(scene.browser.get("/login").text).group(1)
        signed_in = scene.browser.post(
            "/login", data={"username": "moi_viec", "password": PASSWORD, "csrf_token": scene.token}
        )
        assert signed_in.status_code == 302
        scene.token = TOKEN.search(scene.browser.get("/nominations/new").text).group(1)
        yield scene


def _state_changing_rules(app, api: bool):
    return [
        (rule, method)
        for rule in route_map.rules(app)
        for method in route_map.state_changing(rule)
        if rule.rule.startswith("/api/") == api
    ]


def test_every_state_changing_page_refuses_a_request_without_a_csrf_token(scene):
    checked, wrong = [], []
    for rule, method in _state_changing_rules(scene.app, api=False):
        path = route_map.url_for_rule(scene.app, rule, scene.own)
        before = route_map.fingerprint()
        response = scene.browser.open(path, method=method, **route_map.probe(rule.endpoint, scene.own))
        if response.status_code != 400 or REFUSED not in response.text:
            wrong.append(f"{method} {path} ({rule.endpoint}): {response.status_code}")
        elif route_map.fingerprint() != before:
            wrong.append(f"{method} {path} ({rule.endpoint}): refused, but the database changed")
        checked.append(rule.endpoint)
    assert not wrong, "accepted without a CSRF token:\n" + "\n".join(wrong)
    assert {"nominations.new", "nominations.act", "decisions.issue", "auth.logout"} <= set(checked)
    assert scene.browser.get("/").status_code == 200, "a forged logout must not end the session"


def test_a_wrong_csrf_token_is_refused_too(scene):
    before = route_map.fingerprint()
    body = route_map.probe("nominations.new", scene.own)["data"] | {"csrf_token": scene.token[::-1]}
    response = scene.browser.post("/nominations/new", data=body)
    assert response.status_code == 400 and REFUSED in response.text
    assert route_map.fingerprint() == before


def test_a_form_refused_for_its_token_shows_back_what_was_typed(scene):
    """Signed out in another tab, a session expired: the form's token no longer matches and no view runs. The page
    says so and shows the text written on the form (not its ids, tokens or versions), ready to copy."""
    body = route_map.probe("nominations.new", scene.own)["data"] | {
        "csrf_token": "hết hạn",
        "nominee_name": "Bùi Thị Hồng Nhung",
        "achievements": "Vận động giao nộp 3 khẩu súng tự chế;\nphát hiện 2 vụ trộm cắp.",
        "version": "7",
    }
    response = scene.browser.post("/nominations/new", data=body)
    assert response.status_code == 400 and REFUSED in response.text
    shown = re.findall(r"<textarea[^>]*readonly[^>]*>([^<]*)</textarea>", response.text)
    typed = [html.unescape(text) for text in shown]
    assert "Bùi Thị Hồng Nhung" in typed
    assert "Vận động giao nộp 3 khẩu súng tự chế;\nphát hiện 2 vụ trộm cắp." in typed
    assert "7" not in typed and "hết hạn" not in typed and all(not text.isdigit() for text in typed)
    plain = scene.browser.get("/khong-co-trang-nay")  # any other error page shows nothing of the kind
    assert "chưa được lưu" not in plain.text


def test_the_same_request_with_the_pages_token_goes_through(scene):
    """The control: the probe bodies above are complete, so only the token was missing."""
    body = route_map.probe("nominations.new", scene.own)["data"] | {"csrf_token": scene.token}
    response = scene.browser.post("/nominations/new", data=body)
    assert response.status_code == 302
    created = db.session.get(Nomination, int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]))
    assert created.nominee_name == body["nominee_name"]


def test_the_api_ignores_the_browser_session_on_every_state_changing_route(scene):
    """A signed-in browser's cookie without a bearer token is a 401 everywhere but POST /tokens (which asks for
    a password), so cross-site requests riding on the cookie get nowhere and CSRF is moot for the API."""
    checked, wrong = [], []
    for rule, method in _state_changing_rules(scene.app, api=True):
        if rule.endpoint == "api_tokens.issue_token":
            continue
        path = route_map.url_for_rule(scene.app, rule, scene.own)
        before = route_map.fingerprint()
        response = scene.browser.open(path, method=method, **route_map.probe(rule.endpoint, scene.own))
        if response.status_code != 401 or response.get_json()["error"]["code"] != "unauthorized":
            wrong.append(f"{method} {path} ({rule.endpoint}): {response.status_code}")
        elif route_map.fingerprint() != before:
            wrong.append(f"{method} {path} ({rule.endpoint}): refused, but the database changed")
        checked.append(rule.endpoint)
    assert not wrong, "the API took the session cookie:\n" + "\n".join(wrong)
    assert {"api_nominations.act", "api_decisions.issue", "api_admin.create_user"} <= set(checked)


def test_the_token_endpoint_needs_a_password_not_a_csrf_token(scene):
    issued = scene.browser.post("/api/v1/tokens", json={"username": "moi_viec", "password": PASSWORD})
    assert issued.status_code == 201
    refused = scene.browser.post("/api/v1/tokens", json={"username": "moi_viec", "password": "sai-mat-khau"})
    assert refused.status_code == 401
