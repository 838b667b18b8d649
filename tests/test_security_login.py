"""Signing in safely: hashed passwords under a policy, a rate limit per client IP, a lock-out after repeated wrong
passwords, fresh HttpOnly SameSite session cookies, and accounts that lose every session and token at once."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from tests.api_client import API
from tests.factories import PASSWORD
from workflow.errors import AuthenticationError, ValidationError
from workflow.extensions import db
from workflow.models import AccountEvent, ApiToken, User
from workflow.models.base import utcnow
from workflow.services import admin
from workflow.services import auth as accounts

LOCKED = "Tài khoản tạm thời bị khóa"


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "1000 per minute"}


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def _token(client, username, password=PASSWORD):
    return client.post(f"{API}/tokens", json={"username": username, "password": password})


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
    assert client.get("/").status_code == 200  # this session carries on
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
    assert client.get("/login").status_code == 200  # showing the form is not limited
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
    behind_https = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False}
    )
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


def test_after_signing_in_only_a_path_of_this_site_is_followed(world, client):
    for target in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        response = client.post(f"/login?next={target}", data={"username": "clerk_c1", "password": PASSWORD})
        assert response.headers["Location"] == "/"
        client.post("/logout")


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
    assert again.status_code == 401 and "Tài khoản đã bị khóa." in again.text
