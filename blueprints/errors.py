"""Errors, in Vietnamese: JSON `{"error": {"code", "message"}}` under /api, a page or a flash elsewhere.
Every error rolls the request's transaction back, so a failed action changes nothing."""

import math
import time
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_login.utils import login_url
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException

from workflow.errors import DomainError
from workflow.extensions import db, limiter, login_manager
from workflow.text import UNSTORABLE, local_path

HTTP_MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ (có thể phiên làm việc đã hết hạn, vui lòng tải lại trang)."),
    401: ("unauthorized", "Cần đăng nhập hoặc mã truy cập hợp lệ."),
    403: ("forbidden", "Bạn không có quyền thực hiện thao tác này."),
    404: ("not_found", "Không tìm thấy trang hoặc hồ sơ."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ."),
    409: ("conflict", "Dữ liệu vừa bị thay đổi bởi người khác."),
    413: ("payload_too_large", "Dữ liệu gửi lên quá lớn."),
    415: ("unsupported_media_type", "Cần gửi dữ liệu dạng JSON."),
    422: ("validation_error", "Dữ liệu không hợp lệ."),
    429: ("too_many_requests", "Quá nhiều yêu cầu, vui lòng thử lại sau."),
    500: ("server_error", "Đã có lỗi hệ thống. Thao tác chưa được lưu."),
}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class UnstorableText(BadRequest):
    """A page request carrying text no database can store: a NUL character or a lone surrogate."""

    description = (
        "Yêu cầu không hợp lệ: nội dung gửi lên có ký tự không dùng được (ký tự NUL hoặc mã Unicode hỏng), thường do "
        "dán từ một tệp bị lỗi. Hãy xóa đoạn vừa dán rồi gõ lại."
    )


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, domain_error)
    for status in HTTP_MESSAGES:
        app.register_error_handler(status, http_error)


def is_api() -> bool:
    return request.path.startswith("/api/")


def error_json(status: int, code: str, message: str, fields: dict | None = None):
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return jsonify({"error": body}), status


def domain_error(error: DomainError):
    db.session.rollback()
    if is_api():
        return error_json(error.status, error.code, error.message, error.fields)
    if request.method not in READ_METHODS and error.status not in (403, 404):
        # A conflict or a refused value: say why, back on the page the user came from, to try again.
        flash(error.message, "danger")
        return redirect(same_site_referrer() or url_for("main.inbox"))
    return render_template("error.html", status=error.status, message=error.message), error.status


def http_error(error: HTTPException):
    db.session.rollback()
    status = getattr(error, "code", None) or 500
    code, message = HTTP_MESSAGES.get(status, ("error", "Có lỗi."))
    headers = _retry_after() if status == 429 else {}
    if is_api():
        fields = _webargs_fields(error)
        if status == 400 and fields and "_body" in fields:  # a body that does not decode says why, not "session"
            message = fields["_body"]
        return (*error_json(status, code, message, fields), headers)
    if isinstance(error, UnstorableText):
        message = error.description
    typed = _typed_text() if isinstance(error, CSRFError | UnstorableText) and request.method == "POST" else []
    expired = isinstance(error, CSRFError)
    page = render_template("error.html", status=status, message=message, typed=typed, expired=expired)
    return page, status, headers


def signed_out():
    """Flask-Login's answer to someone not signed in. A page asked for: the login page, coming back afterwards. A
    form sent after the session ended (signed out in another tab, expired, a new password set elsewhere): a 401
    page showing back the text written on it, to copy, as for a refused CSRF token; the login page would lose it."""
    if request.method in READ_METHODS:
        flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(login_url(login_manager.login_view, request.url))
    db.session.rollback()
    message = "Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại."
    return render_template("error.html", status=401, message=message, typed=_typed_text(), expired=True), 401


def _retry_after() -> dict[str, str]:
    """Retry-After: the seconds until the window of the rate limit this request broke frees, rounded up, never
    early (Flask-Limiter's count, in Redis across servers). Flask-Limiter's own headers would also put it on every
    answer under the limit, redirects included, where it means "wait before following"."""
    broken = limiter.current_limit
    if broken is None:
        return {}
    return {"Retry-After": str(max(1, math.ceil(broken.reset_at - time.time())))}


# Form fields that carry no one's writing: tokens, versions, choices by id.
_NOT_TYPED = {"csrf_token", "version", "opened", "then", "ids", "action", "remove", "add"}


def _typed_text() -> list[str]:
    """What a refused form carried that someone wrote (names, summaries, reasons), to show back for copying: a form
    sent after the session ended (signed out in another tab, expired) fails its CSRF check before any view runs,
    and one holding a NUL character is refused before it too; either would otherwise lose it all."""
    texts = (
        UNSTORABLE.sub("", value).strip() for key, value in request.form.items(multi=True) if key not in _NOT_TYPED
    )
    return list(dict.fromkeys(text for text in texts if any(ch.isalpha() for ch in text)))


def _webargs_fields(error: HTTPException) -> dict | None:
    """Field messages from request validation (webargs puts them in error.data['messages'])."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not messages:
        return None
    flat: dict[str, str] = {}
    for location in messages.values():
        _flatten(location, "", flat)
    return flat


def _flatten(messages, prefix: str, flat: dict[str, str]) -> None:
    """{"roles": {0: {"role": ["…"]}}} becomes {"roles.0.role": "…"}; a bare list belongs to the whole body."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            _flatten(value, f"{prefix}.{key}" if prefix else str(key), flat)
    else:
        texts = messages if isinstance(messages, list) else [messages]
        flat[prefix or "_body"] = "; ".join(map(str, texts))


def same_site_referrer() -> str | None:
    """The page this request came from, as a path of this site (to send the user back to), or None."""
    parts = urlsplit(request.referrer or "")
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    return local_path(urlunsplit(("", "", parts.path, parts.query, "")))
