"""Signing in to the API: a username and password buy an expiring bearer token."""

from blueprints.api import schemas
from blueprints.api.base import Blueprint, actor
from blueprints.security import login_limit
from workflow.services import auth

tokens = Blueprint("api_tokens", __name__, public=True, description="Cấp mã truy cập (bearer token).")
account = Blueprint("api_account", __name__, description="Tài khoản đang dùng mã truy cập.")


@tokens.post("/tokens")
@login_limit
@tokens.doc(security=[])
@tokens.arguments(schemas.TokenRequest)
@tokens.response(201, schemas.Token)
def issue_token(credentials):
    """Đổi tên đăng nhập và mật khẩu lấy mã truy cập (sai: 401)."""
    plain, token = auth.issue_token(auth.authenticate(credentials["username"], credentials["password"]))
    return {"token": plain, "expires_at": token.expires_at}


@account.get("/me")
@account.response(200, schemas.User)
def me():
    """Người dùng của mã truy cập, với các vai trò và đơn vị."""
    return actor()
