"""Signing in safely: hashed passwords under a policy, a rate limit per client IP (429 with Retry-After), a lock-out
after repeated wrong passwords, no answer that confirms a password, fresh HttpOnly SameSite session cookies, sessions
kept on the server that signing out, a new password or deactivation end, and only same-site redirects."""

import html
import re
import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app import create_app
from tests.api_client import API
from tests.conftest import BrowserClient
from tests.factories import PASSWORD, nomination_data
from tests.pages import hidden
from workflow.errors import AuthenticationError, ValidationError
from workflow.extensions import db
from workflow.models import AccountEvent, ApiToken, Nomination, User, UserSession
from workflow.models.base import utcnow
from workflow.services import admin
from workflow.services import auth as accounts

LOCKED = "Tài khoản tạm thời bị khóa"


@pytest.fixture
def app_config():
    return {"LOGIN_RATE_LIMIT": "1000 per minute"}


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def _token(client, username, password=PASSWORD):
    return client.post(f"{API}/tokens", json={"username": username, "password": password})


def _me(client, token):
    return client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})


def _copy_of(app, browser):
    """Another browser holding a copy of `browser`'s session cookie (same address and user agent)."""
    copy = app.test_client()
    copy.set_cookie("session", browser.get_cookie("session").value)
    return copy


def _fail(client, username, times):
    for _ in range(times):
        response = client.post("/login", data={"username": username, "password": "sai-mat-khau1"})
        assert response.status_code == 401


# Passwords


def test_passwords_are_stored_hashed_never_in_clear(world):
    stored = _user("clerk_c1").password_hash
    assert PASSWORD not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_a_password_with_diacritics_typed_in_nfd_is_the_same_password(world, client):
    import unicodedata

    chosen = "Mậtkhẩu2026"
    admin.update_user(world.admin, world.clerk_d, {"password": chosen})
    db.session.commit()
    typed = unicodedata.normalize("NFD", chosen)
    assert typed != chosen
    response = client.post("/login", data={"username": world.clerk_d.username, "password": typed})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("ngan1", "Mật khẩu cần ít nhất 8 ký tự."),
        ("chicochu", "Mật khẩu cần có cả chữ và số."),
        ("12345678", "Mật khẩu cần có cả chữ và số."),
        ("!!!!????", "Mật khẩu cần có cả chữ và số."),
    ],
)
def test_the_password_policy_refuses_weak_passwords_wherever_one_is_set(world, client, auth, password, message):
    with pytest.raises(ValidationError, match=message):
        admin.update_user(world.admin, world.clerk_d, {"password": password})
    auth.login("clerk_c1")
    page = client.post("/account/password", data={"current": PASSWORD, "password": password, "confirm": password})
    assert page.status_code == 422
    assert message in page.text
    assert _user("clerk_c1").check_password(PASSWORD)


def test_a_signed_in_user_changes_their_own_password_and_every_other_session_and_token_ends(world, app, client, auth):
    other_browser = app.test_client()
    other_browser.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    token = _token(app.test_client(), "clerk_c1").get_json()["token"]
    auth.login("clerk_c1")
    before_the_change = _copy_of(app, client)
    assert "Đổi mật khẩu" in client.get("/account/password").text

    wrong = client.post(
        "/account/password", data={"current": "khongphai1", "password": "matkhaumoi9", "confirm": "matkhaumoi9"}
    )
    assert wrong.status_code == 422 and "Mật khẩu hiện tại không đúng." in wrong.text
    mismatch = client.post(
        "/account/password", data={"current": PASSWORD, "password": "matkhaumoi9", "confirm": "matkhaumoi8"}
    )
    assert mismatch.status_code == 422 and "Mật khẩu nhập lại không khớp." in mismatch.text

    done = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": "matkhaumoi9", "confirm": "matkhaumoi9"},
        follow_redirects=True,
    )
    assert "Đã đổi mật khẩu." in done.text
    assert client.get("/").status_code == 200  # this browser carries on, in a fresh session
    assert before_the_change.get("/").status_code == 302  # the session it had before is over
    assert other_browser.get("/").status_code == 302  # the other one is signed out
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _token(app.test_client(), "clerk_c1").status_code == 401
    assert _token(app.test_client(), "clerk_c1", "matkhaumoi9").status_code == 201


def test_an_administrator_resetting_a_password_signs_the_user_out_everywhere(world, app, client, auth):
    auth.login("clerk_c1")
    token = _token(app.test_client(), "clerk_c1").get_json()["token"]
    admin.update_user(world.admin, world.clerk_c1, {"password": "datlai2026"})
    db.session.commit()
    assert client.get("/").status_code == 302
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == world.clerk_c1.id)) is None


# Lock-out after wrong passwords


def test_five_wrong_passwords_lock_the_account_with_the_same_message_on_the_page_and_the_api(world, client):
    _fail(client, "clerk_c1", 4)
    fifth = client.post("/login", data={"username": "clerk_c1", "password": "sai-mat-khau1"})
    assert fifth.status_code == 401 and LOCKED in fifth.text and "thử lại sau 15 phút" in fifth.text

    right = client.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    assert right.status_code == 401 and LOCKED in right.text
    assert client.get("/").status_code == 302
    api = _token(client, "clerk_c1")
    assert api.status_code == 401
    assert api.get_json()["error"]["code"] == "account_locked"
    assert api.get_json()["error"]["message"] in right.text


def test_while_locked_a_right_and_a_wrong_password_get_the_same_answer_and_do_not_extend_the_lock(world):
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            accounts.authenticate("clerk_c1", "sai-mat-khau1")
    locked_until = _user("clerk_c1").locked_until
    answers = set()
    for password in (PASSWORD, "sai-mat-khau1", PASSWORD):
        with pytest.raises(accounts.AccountLocked) as refused:
            accounts.authenticate("clerk_c1", password)
        answers.add(refused.value.message)
    assert len(answers) == 1
    assert _user("clerk_c1").locked_until == locked_until


def test_the_lock_expires_by_itself(world, monkeypatch):
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            accounts.authenticate("clerk_c1", "sai-mat-khau1")
    with pytest.raises(accounts.AccountLocked):
        accounts.authenticate("clerk_c1", PASSWORD)
    later = utcnow() + timedelta(minutes=15, seconds=1)
    monkeypatch.setattr("workflow.services.auth.utcnow", lambda: later)
    assert accounts.authenticate("clerk_c1", PASSWORD).username == "clerk_c1"


def test_a_successful_login_resets_the_count_of_wrong_passwords(world, client, auth):
    _fail(client, "clerk_c1", 4)
    assert auth.login("clerk_c1").status_code == 302
    auth.logout()
    _fail(client, "clerk_c1", 4)
    assert auth.login("clerk_c1").status_code == 302
    assert _user("clerk_c1").failed_logins == 0


def test_an_unknown_username_is_answered_like_a_wrong_password_and_never_as_locked(world, client):
    known = client.post("/login", data={"username": "clerk_c1", "password": "sai-mat-khau1"})
    for _ in range(8):
        unknown = client.post("/login", data={"username": "khong.ton.tai", "password": "sai-mat-khau1"})
        assert unknown.status_code == 401
        assert accounts.BAD_LOGIN in unknown.text and LOCKED not in unknown.text
    assert accounts.BAD_LOGIN in known.text


def test_saving_a_locked_out_account_leaves_it_locked_and_an_unlock_or_a_new_password_lifts_it_on_record(world, client):
    _fail(client, "clerk_c1", 5)
    _fail(client, "clerk_c2", 5)
    admin.update_user(world.admin, _user("clerk_c1"), {"full_name": "Clerk C1", "active": True})
    db.session.commit()
    still = client.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    assert still.status_code == 401 and LOCKED in still.text

    admin.unlock_user(world.admin, _user("clerk_c1"))
    admin.update_user(world.admin, _user("clerk_c2"), {"password": "matkhaumoi9"})
    db.session.commit()
    assert client.post("/login", data={"username": "clerk_c1", "password": PASSWORD}).status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"username": "clerk_c2", "password": "matkhaumoi9"}).status_code == 302
    recorded = select(AccountEvent.action).where(AccountEvent.actor_id == world.admin.id).order_by(AccountEvent.id)
    assert db.session.scalars(recorded.where(AccountEvent.user_id == world.clerk_c1.id)).all() == ["unlocked"]
    assert db.session.scalars(recorded.where(AccountEvent.user_id == world.clerk_c2.id)).all() == [
        "password_reset",
        "unlocked",
    ]


def test_a_username_typed_in_capitals_still_signs_in(world, client):
    assert client.post("/login", data={"username": "CLERK_C1", "password": PASSWORD}).status_code == 302
    assert _token(client, "Clerk_C1").status_code == 201


def test_simultaneous_wrong_passwords_are_all_counted(world, app):
    """Five attempts at once lock the account: a read-then-write count would lose some of them."""
    app.config["LOGIN_MAX_FAILURES"] = 6
    barrier = threading.Barrier(5)
    outcomes = []

    def attempt():
        with app.app_context():
            barrier.wait(timeout=10)
            try:
                accounts.authenticate("clerk_c1", "sai-mat-khau1")
            except AuthenticationError as error:
                outcomes.append(type(error).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert outcomes == ["AuthenticationError"] * 5
    assert _user("clerk_c1").failed_logins == 5
    with pytest.raises(accounts.AccountLocked):
        accounts.authenticate("clerk_c1", "sai-mat-khau1")


# Rate limit per client IP


def test_retry_after_counts_the_seconds_left_in_the_window_of_the_limit(world, app, client, monkeypatch):
    app.config["LOGIN_RATE_LIMIT"] = "1 per hour"
    assert _token(client, "clerk_c1").status_code == 201
    refused = client.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    assert refused.status_code == 429
    assert 3500 < int(refused.headers["Retry-After"]) <= 3601
    later = time.time() + 3000
    monkeypatch.setattr("blueprints.errors.time", SimpleNamespace(time=lambda: later))
    assert 500 < int(_token(client, "clerk_c1").headers["Retry-After"]) <= 601


def test_too_many_sign_in_attempts_from_one_address_get_429_on_the_page_and_the_api(world, app, client):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(2):
        assert client.post("/login", data={"username": "clerk_c1", "password": "sai-mat-khau1"}).status_code == 401
    assert _token(client, "clerk_c1").status_code == 201  # the page and the API share one budget
    page = client.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    assert page.status_code == 429
    assert "Quá nhiều yêu cầu, vui lòng thử lại sau." in page.text
    api = _token(client, "clerk_c1")
    assert api.status_code == 429
    assert api.get_json()["error"]["code"] == "too_many_requests"
    for refused in (page, api):  # the seconds until the minute's window frees, rounded up
        assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert client.get("/login").status_code == 200  # showing the form is not limited
    assert "Retry-After" not in client.post("/login", data={}, environ_base={"REMOTE_ADDR": "10.0.0.8"}).headers
    elsewhere = client.post(
        "/login", data={"username": "clerk_c1", "password": PASSWORD}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert elsewhere.status_code == 302


# Sessions and cookies


def test_signing_in_starts_a_fresh_session_so_a_planted_one_never_becomes_authenticated(world, app, client):
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    planted = client.get_cookie("session").value
    assert client.post("/login", data={"username": "clerk_c1", "password": PASSWORD}).status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
    assert client.get_cookie("session").value != planted
    attacker = app.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/").status_code == 302


def test_the_session_cookie_is_httponly_and_samesite_lax_and_secure_when_configured(world, app, client, monkeypatch):
    response = client.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie

    monkeypatch.setenv("ANTQ_SESSION_COOKIE_SECURE", "true")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    behind_https = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test"})
    behind_https.test_client_class = BrowserClient
    with behind_https.app_context():
        secure = behind_https.test_client().post("/login", data={"username": "clerk_c1", "password": PASSWORD})
        db.session.remove()
        db.engine.dispose()
    assert "Secure" in secure.headers["Set-Cookie"] and "HttpOnly" in secure.headers["Set-Cookie"]


def test_a_session_cookie_replayed_from_another_browser_is_refused(world, app, client):
    client.post("/login", data={"username": "clerk_c1", "password": PASSWORD}, headers={"User-Agent": "Firefox"})
    assert client.get("/", headers={"User-Agent": "Firefox"}).status_code == 200
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/", headers={"User-Agent": "curl"}).status_code == 302


def test_signing_out_ends_the_session_on_the_server_so_a_copied_cookie_gets_the_login_page(world, app, client, auth):
    auth.login("clerk_c1")
    copy = _copy_of(app, client)
    assert copy.get("/").status_code == 200

    assert auth.logout().status_code == 302
    replayed = copy.get("/")
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")


def test_a_form_sent_after_the_session_ended_elsewhere_shows_back_what_was_typed(world, app, client, auth):
    """Signed out everywhere from another browser, the session expired: the form still carries a valid CSRF token,
    but nobody is signed in. Its text comes back on a 401 page to copy, not lost on the way to the login page."""
    auth.login("clerk_c1")
    form = client.get("/nominations/new")
    elsewhere = app.test_client()
    elsewhere.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    elsewhere.post("/account/sign-out-everywhere")

    data = nomination_data(world) | {"nominee_name": "Bùi Thị Hồng Nhung", "achievements": "Phát hiện 2 vụ trộm."}
    sent = client.post("/nominations/new", data=data | {"csrf_token": hidden(form, "csrf_token")})
    assert sent.status_code == 401
    assert "Phiên đăng nhập đã kết thúc" in sent.text
    shown = [html.unescape(text) for text in re.findall(r"<textarea[^>]*readonly[^>]*>([^<]*)</textarea>", sent.text)]
    assert "Bùi Thị Hồng Nhung" in shown and "Phát hiện 2 vụ trộm." in shown
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 0
    assert client.get("/nominations/").headers["Location"].startswith("/login")  # a page still leads to sign-in


def test_signing_out_everywhere_ends_every_session_and_token_of_the_account_and_no_one_elses(world, app, client, auth):
    elsewhere, colleague = app.test_client(), app.test_client()
    elsewhere.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    colleague.post("/login", data={"username": "clerk_c2", "password": PASSWORD})
    token = _token(app.test_client(), "clerk_c1").get_json()["token"]
    colleagues_token = _token(app.test_client(), "clerk_c2").get_json()["token"]
    auth.login("clerk_c1")
    assert "Đăng xuất khỏi mọi nơi" in client.get("/account/password").text

    done = client.post("/account/sign-out-everywhere", follow_redirects=True)
    assert "Đã đăng xuất khỏi mọi nơi" in done.text
    assert client.get("/").status_code == elsewhere.get("/").status_code == 302
    assert _me(client, token).status_code == 401
    assert colleague.get("/").status_code == 200 and _me(client, colleagues_token).status_code == 200
    assert auth.login("clerk_c1").status_code == 302  # the password still works: sign in again


def test_the_signed_in_user_and_their_session_are_checked_in_one_query(world, client, auth, count_queries):
    auth.login("clerk_c1")
    with count_queries() as queries:
        assert client.get("/account/password").status_code == 200
    touching = [q for q in queries if "user_sessions" in q or "FROM users" in q]
    assert len(touching) == 1 and "user_sessions" in touching[0] and "role_assignments" in touching[0]


def test_a_session_ends_session_hours_after_signing_in_and_old_records_are_pruned_at_sign_in(world, app, monkeypatch):
    browsers = [app.test_client() for _ in range(4)]
    for browser in browsers:
        browser.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    browsers[0].post("/logout")
    browsers[1].post("/account/sign-out-everywhere")  # ends browsers 2 and 3 as well
    assert _sessions("clerk_c1") == {"open": 0, "ended": 4}

    fresh = app.test_client()
    fresh.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    assert _sessions("clerk_c1") == {"open": 1, "ended": 0}  # the ended ones went when the user signed in

    later = utcnow() + timedelta(hours=app.config["SESSION_HOURS"], seconds=1)
    monkeypatch.setattr("workflow.services.auth.utcnow", lambda: later)
    assert fresh.get("/").headers["Location"].startswith("/login")
    app.test_client().post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    assert _sessions("clerk_c1") == {"open": 1, "ended": 0}  # the expired one went too


def _sessions(username: str) -> dict[str, int]:
    ended = UserSession.ended_at.is_not(None)
    rows = db.session.execute(
        select(ended, func.count()).join(User).where(User.username == username).group_by(ended)
    ).all()
    counts = {bool(is_ended): count for is_ended, count in rows}
    return {"open": counts.get(False, 0), "ended": counts.get(True, 0)}


# Redirects: only to a path of this site

HOSTILE_TARGETS = [
    "/\t/evil.example/phish",  # the browser drops the tab: //evil.example/phish
    "/\t/evil",
    "/\\evil",
    "\\\\evil",
    "https://evil.example/",
    "//evil",
    "///evil",
    "/%2F%2Fevil",
    "/%2f/evil",
    "/%5Cevil",
    "/%09/evil",
    "/%252F%252Fevil",
    "javascript:alert(1)",
    "evil.example",
    " /evil",
    "/\r\nSet-Cookie: planted=1",
    "/%0d%0aSet-Cookie: planted=1",
    "/\u200b/evil",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_after_signing_in_a_next_that_is_not_a_path_of_this_site_goes_to_the_inbox(world, client, target):
    response = client.post("/login", query_string={"next": target}, data={"username": "clerk_c1", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_reviews_own_open_redirect_and_a_cr_lf_next_go_to_the_inbox(world, app):
    """As the review sent them, encoded by hand: the tab (%09) a browser drops between two slashes, and CR/LF."""
    for query in ("next=/%09/evil.example/phish", "next=/%0d%0aSet-Cookie:%20planted=1"):
        response = app.test_client().post(f"/login?{query}", data={"username": "clerk_c1", "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == "/"
        assert "planted" not in str(response.headers)


def test_after_signing_in_a_path_of_this_site_is_followed_with_its_query(world, client):
    target = "/nominations/?q=Nguy%E1%BB%85n%20V%C4%83n&state=draft"
    response = client.post("/login", query_string={"next": target}, data={"username": "clerk_c1", "password": PASSWORD})
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "referrer", ["https://evil.example/nominations/", "http://localhost.evil.example/", "javascript://localhost/%0a"]
)
@pytest.mark.parametrize(
    ("path", "fallback"), [("/nominations/bulk", "/nominations/"), ("/decisions/new", "/decisions/compose")]
)
def test_a_refused_form_sends_back_only_to_a_referrer_of_this_site(world, client, auth, referrer, path, fallback):
    auth.login("secretariat_d")
    response = client.post(path, data={}, headers={"Referer": referrer})
    assert response.status_code == 302 and response.headers["Location"] == fallback
    home = client.post(path, data={}, headers={"Referer": "http://localhost/nominations/?q=a%20b"})
    assert home.headers["Location"] == "/nominations/?q=a%20b"


# Deactivation


def test_a_deactivated_user_loses_the_open_page_and_api_tokens_at_the_next_request(world, app, client, auth):
    auth.login("clerk_c1")
    token = _token(app.test_client(), "clerk_c1").get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/nominations/").status_code == 200
    assert client.get(f"{API}/me", headers=bearer).status_code == 200

    admin.update_user(world.admin, world.clerk_c1, {"active": False})
    db.session.commit()
    assert client.get("/nominations/").status_code == 302
    assert client.get(f"{API}/me", headers=bearer).status_code == 401
    again = client.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
    assert again.status_code == 401 and accounts.BAD_LOGIN in again.text


def test_reactivating_an_account_revives_none_of_its_sessions_and_tokens(world, app, client, auth):
    auth.login("clerk_c1")
    token = _token(app.test_client(), "clerk_c1").get_json()["token"]
    admin.update_user(world.admin, world.clerk_c1, {"active": False})
    db.session.commit()
    assert (
        db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == world.clerk_c1.id)) == 0
    )

    admin.update_user(world.admin, _user("clerk_c1"), {"active": True})
    db.session.commit()
    assert client.get("/").headers["Location"].startswith("/login")
    assert _me(client, token).status_code == 401
    assert auth.login("clerk_c1").status_code == 302  # signing in again works, and a new token can be asked for
    assert _me(client, _token(app.test_client(), "clerk_c1").get_json()["token"]).status_code == 200


# No answer confirms a password


def _answer(response) -> tuple[int, str]:
    """Status and body, without the form's CSRF token (signed with the time, it differs from one page to the next)."""
    return response.status_code, re.sub(r'name="csrf_token"([^>]*) value="[^"]*"', r"\1", response.text)


@pytest.mark.parametrize("how", ["page", "api"])
def test_a_deactivated_account_answers_a_right_and_a_wrong_password_as_a_wrong_password(world, client, how):
    admin.update_user(world.admin, world.clerk_c1, {"active": False})
    db.session.commit()

    def attempt(password):
        if how == "api":
            response = _token(client, "clerk_c1", password)
            return response.status_code, response.get_json()
        return _answer(client.post("/login", data={"username": "clerk_c1", "password": password}))

    right, wrong = attempt(PASSWORD), attempt("sai-mat-khau1")
    assert right == wrong
    assert right == attempt("sai-mat-khau2")
    assert right[0] == 401 and accounts.BAD_LOGIN in str(right[1])
    for _ in range(6):  # more wrong passwords than a lock-out takes: none is counted, nothing changes
        attempt("sai-mat-khau1")
    assert attempt(PASSWORD) == right


@pytest.mark.parametrize("how", ["page", "api"])
def test_a_locked_out_account_answers_a_right_and_a_wrong_password_identically(world, client, how):
    _fail(client, "clerk_c1", 5)
    if how == "api":
        right, wrong = _token(client, "clerk_c1"), _token(client, "clerk_c1", "sai-mat-khau1")
        assert (right.status_code, right.get_json()) == (wrong.status_code, wrong.get_json())
    else:
        right = client.post("/login", data={"username": "clerk_c1", "password": PASSWORD})
        wrong = client.post("/login", data={"username": "clerk_c1", "password": "sai-mat-khau1"})
        assert _answer(right) == _answer(wrong)
    assert right.status_code == 401 and LOCKED in right.text


def test_a_deactivated_account_costs_the_same_hashing_work_as_a_wrong_password(world, monkeypatch):
    from werkzeug import security

    hashed = []
    counting = lambda stored, password: hashed.append(1) or security.check_password_hash(stored, password)  # noqa: E731
    monkeypatch.setattr("workflow.services.auth.check_password_hash", counting)
    monkeypatch.setattr("workflow.models.users.check_password_hash", counting)
    admin.update_user(world.admin, world.clerk_c2, {"active": False})
    db.session.commit()
    for username in ("clerk_c1", "clerk_c2", "khong.ton.tai"):  # wrong password, deactivated, unknown
        with pytest.raises(AuthenticationError, match=re.escape(accounts.BAD_LOGIN)):
            accounts.authenticate(username, PASSWORD if username == "clerk_c2" else "sai-mat-khau1")
    assert len(hashed) == 3
