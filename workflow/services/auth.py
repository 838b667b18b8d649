"""Signing in: passwords for the pages, hashed expiring bearer tokens for the API."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from workflow.errors import AuthenticationError
from workflow.extensions import db
from workflow.models import ApiToken, User
from workflow.models.base import as_utc, utcnow
from workflow.services import flush
from workflow.text import clean

BAD_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng."


def authenticate(username: str | None, password: str | None) -> User:
    """The active user with these credentials; AuthenticationError otherwise (same message either way)."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == clean(username).lower()))
    if user is None or not user.check_password(password or ""):
        raise AuthenticationError(BAD_LOGIN)
    if not user.active:
        raise AuthenticationError("Tài khoản đã bị khóa. Liên hệ quản trị viên.")
    return user


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
