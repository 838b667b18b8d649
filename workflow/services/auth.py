"""Signing in: passwords, sessions kept on the server for the pages, hashed expiring bearer tokens for the API, and
the lock-out that follows too many wrong passwords."""

import hashlib
import math
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, case, delete, func, or_, select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from workflow.errors import AuthenticationError, ValidationError
from workflow.extensions import db
from workflow.models import ApiToken, User, UserSession
from workflow.models.base import as_utc, utcnow
from workflow.services import flush
from workflow.text import clean

BAD_LOGIN = (
    "Tên đăng nhập hoặc mật khẩu không đúng. "
    "Nếu chắc chắn đã nhập đúng, tài khoản có thể đã ngừng hoạt động: liên hệ quản trị viên."
)
PASSWORD_MIN = 8
# Checked when the username is unknown or the account deactivated, so that either takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


class AccountLocked(AuthenticationError):
    code = "account_locked"


def authenticate(username: str | None, password: str | None) -> User:
    """The active user with these credentials. AuthenticationError otherwise: the same message for an unknown
    name, a deactivated account and a wrong password; AccountLocked while the account is locked out, whatever the
    password."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == clean(username).lower()))
    if user is None or not user.active:
        # The answer of a wrong password, after the same hashing work, whatever the password: nothing tells
        # that the account exists, nor (for a deactivated one) that the password was right.
        check_password_hash(_DUMMY_HASH, password or "")
        raise AuthenticationError(BAD_LOGIN)
    _refuse_if_locked(user.locked_until)
    if not user.check_password(password or ""):
        _refuse_if_locked(_record_failure(user.id))
        raise AuthenticationError(BAD_LOGIN)
    if user.failed_logins or user.locked_until:
        unlock(user)
    return user


def unlock(user: User) -> None:
    """Forget the user's wrong passwords and lift a lock-out (a successful login, an administrator)."""
    user.failed_logins = 0
    user.locked_until = None


def _record_failure(user_id: int):
    """Count one wrong password and lock the account at the limit; the lock's end if there is one.

    One UPDATE adding to the stored count, so simultaneous attempts are all counted, in a short transaction on a
    connection of its own: the failed request is rolled back, and the count must outlive it. The request's own
    transaction (a read, nothing written) ends first, so that what it reads next is the count as stored."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    users = User.__table__
    locks = users.c.failed_logins + 1 >= limit
    until = utcnow() + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    statement = (
        update(users)
        .where(users.c.id == user_id)
        .values(
            failed_logins=case((locks, 0), else_=users.c.failed_logins + 1),
            locked_until=case((locks, until), else_=users.c.locked_until),
        )
        .returning(users.c.locked_until)
    )
    db.session.rollback()
    with db.engine.begin() as connection:
        return connection.execute(statement).scalar_one()


def _refuse_if_locked(locked_until) -> None:
    remaining = (as_utc(locked_until) - utcnow()).total_seconds() if locked_until else 0
    if remaining > 0:
        raise AccountLocked(
            "Tài khoản tạm thời bị khóa do nhập sai mật khẩu nhiều lần liên tiếp. "
            f"Vui lòng thử lại sau {math.ceil(remaining / 60)} phút hoặc liên hệ quản trị viên để mở khóa."
        )


def password_problem(password: str | None) -> str | None:
    """What is wrong with a new password under the policy (8 characters or more, letters and digits), or None."""
    if not password or len(password) < PASSWORD_MIN:
        return f"Mật khẩu cần ít nhất {PASSWORD_MIN} ký tự."
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "Mật khẩu cần có cả chữ và số."
    return None


def set_password(user: User, password: str) -> None:
    """Give the user a new password (already checked against the policy) and end their sessions, their API
    tokens and any lock-out."""
    user.set_password(password)
    unlock(user)
    if user.id is not None:
        end_every_session(user)


def change_own_password(user: User, current: str | None, new: str | None) -> User:
    """The signed-in user's own change. ValidationError if the current password is wrong or the new one is
    refused by the policy."""
    if not user.check_password(current or ""):
        raise ValidationError("Mật khẩu hiện tại không đúng.", fields={"current": "Mật khẩu hiện tại không đúng."})
    problem = password_problem(new)
    if problem is None and new == current:
        problem = "Mật khẩu mới cần khác mật khẩu hiện tại."
    if problem:
        raise ValidationError(problem, fields={"password": problem})
    set_password(user, new)
    flush()
    return user


# Sessions: a record per signed-in browser, named by a random key kept in the signed session cookie.


def start_session(user: User) -> str:
    """A new session record for the user, whose key the caller keeps in the browser's cookie (user.get_id()
    returns it). The user's ended and expired records are pruned here, so the table holds little more than the
    sessions open now."""
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(UserSession.ended_at.is_not(None), UserSession.created_at <= _oldest_open()),
        )
    )
    key = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, key_hash=_hash(key)))
    flush()
    user.session_key = key
    return key


# One query, which runs on every request: the user of an open session, with their roles and the units of the
# roles, which every page reads (scope, navbar). Built once.
_SIGNED_IN = (
    select(User)
    .join(UserSession, UserSession.user_id == User.id)
    .where(
        UserSession.key_hash == bindparam("key_hash"),
        UserSession.ended_at.is_(None),
        UserSession.created_at > bindparam("oldest"),
        User.active.is_(True),
    )
    .options(joinedload(User.roles))
)


def user_for_session(key: str | None) -> User | None:
    """The active user whose session this key names, while that session is open (not ended, not expired)."""
    if not key:
        return None
    params = {"key_hash": _hash(key), "oldest": _oldest_open()}
    user = db.session.scalars(_SIGNED_IN, params).unique().one_or_none()
    if user is not None:
        user.session_key = key
    return user


def end_session(key: str | None) -> None:
    """End the session this key names (signing out): its cookie, replayed, no longer signs anyone in."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.key_hash == _hash(key or ""), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    flush()


def end_every_session(user: User) -> None:
    """End every session of the user and delete every API token they hold (a new password, deactivation,
    "sign out everywhere"): nothing opened before comes back, even if the account is reactivated."""
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    flush()


def _oldest_open():
    """Sessions started before this have expired."""
    return utcnow() - timedelta(hours=current_app.config["SESSION_HOURS"])


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new bearer token; the plain value is returned once and only its hash is kept."""
    plain = secrets.token_urlsafe(32)
    lifetime = timedelta(hours=current_app.config["API_TOKEN_HOURS"])
    token = ApiToken(user_id=user.id, token_hash=_hash(plain), expires_at=utcnow() + lifetime)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.expires_at < utcnow()))
    db.session.add(token)
    flush()
    return plain, token


def user_for_token(plain: str | None) -> User:
    """The active user owning this unexpired token; AuthenticationError otherwise."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(plain or "")))
    if token is None or as_utc(token.expires_at) <= utcnow() or not token.user.active:
        raise AuthenticationError("Thiếu mã truy cập hợp lệ hoặc mã đã hết hạn.")
    return token.user


def _hash(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()
