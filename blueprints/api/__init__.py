"""The JSON API under /api/v1, built with flask-smorest: the OpenAPI 3 document at /api/openapi.json is
generated from the schemas and decorators, browsable at /api/docs. Bearer tokens only; errors are
`{"error": {"code", "message"}}`."""

from flask import Flask
from flask_smorest import Api
from flask_smorest.spec.plugins import integerconverter2paramschema

from blueprints.api import admin, attachments, auth, decisions, docs, nominations, reports
from blueprints.api.base import IdConverter
from blueprints.api.schemas import Error
from blueprints.errors import http_error
from workflow.extensions import csrf

BEARER = "bearerAuth"
DESCRIPTION = (
    "Lấy mã truy cập bằng `POST /api/v1/tokens`, rồi gửi `Authorization: Bearer <mã>` với mọi yêu cầu "
    "(phiên đăng nhập trên trình duyệt không dùng được cho API). Dữ liệu gửi và nhận là JSON; trường không "
    'khai báo bị từ chối (422). Lỗi luôn có dạng `{"error": {"code", "message", "fields"?}}`.'
)


class JsonApi(Api):
    """flask-smorest whose HTTP errors keep the house format instead of its own {code, status, message}."""

    ERROR_SCHEMA = Error

    def handle_http_exception(self, error):
        # Api.init_app registers this for every HTTPException, pages included: hand back to the app's handler.
        return http_error(error)


def init_api(app: Flask) -> None:
    api = JsonApi(app, spec_kwargs={"security": [{BEARER: []}], "info": {"description": DESCRIPTION}})
    api.spec.components.security_scheme(
        BEARER, {"type": "http", "scheme": "bearer", "description": "Mã từ POST /api/v1/tokens."}
    )
    api.register_converter(IdConverter, integerconverter2paramschema)
    for blueprint in (auth.tokens, auth.account, nominations.bp, attachments.bp, decisions.bp, reports.bp, admin.bp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.register_blueprint(docs.bp)
