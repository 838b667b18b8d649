"""What every API module shares: the Blueprint that demands a bearer token, the request parser and the base
Schema, both answering in Vietnamese, and `actor()`, the user behind the token."""

import json
import re

from flask import g, request
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import Schema as MarshmallowSchema
from marshmallow import ValidationError as MarshmallowValidationError
from marshmallow import fields, pre_load
from marshmallow.validate import Range
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.routing import IntegerConverter

from workflow.models import User
from workflow.models.base import INT_MAX, as_utc
from workflow.services import auth
from workflow.text import storable

PREFIX = "/api/v1"
_DIGITS = re.compile(r"-?[0-9]{1,20}")  # longer is out of range anyway, and int() refuses over 4,300 digits

_MESSAGES = {
    "required": "Trường bắt buộc, chưa có giá trị.",
    "null": "Không được để trống.",
    "validator_failed": "Giá trị không hợp lệ.",
    "type": "Kiểu dữ liệu không hợp lệ.",
    "too_large": "Số quá lớn.",
    "invalid_utf8": "Chuỗi ký tự không hợp lệ (cần UTF-8).",
}
# The first class the field is an instance of gives its "invalid" message.
_INVALID = (
    (fields.Integer, "Phải là số nguyên."),
    (fields.Number, "Phải là số."),
    (fields.Boolean, "Phải là true hoặc false."),
    (fields.DateTime, "Thời điểm không hợp lệ (định dạng ISO 8601)."),
    (fields.Date, "Ngày không hợp lệ (định dạng YYYY-MM-DD)."),
    (fields.List, "Phải là một danh sách."),
    (fields.String, "Phải là chuỗi ký tự."),
    (fields.Mapping, "Phải là một đối tượng JSON."),
)


def localize(field: fields.Field) -> None:
    """Replace marshmallow's English default messages by Vietnamese ones; messages a field sets itself stay."""
    defaults: dict[str, str] = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    vietnamese = dict(_MESSAGES)
    invalid = next((text for cls, text in _INVALID if isinstance(field, cls)), None)
    if invalid:
        vietnamese["invalid"] = invalid
    for key, text in vietnamese.items():
        if key in field.error_messages and field.error_messages[key] == defaults.get(key):
            field.error_messages[key] = text
    for inner in _inner_fields(field):
        localize(inner)


def strict_integers(field: fields.Field) -> None:
    """An integer is a JSON number without a fraction: 1.5 is refused, not truncated to 1, and neither "1" nor true
    is read as one (marshmallow's strict mode). A query string's parameters are text: Query reads their digits."""
    if isinstance(field, fields.Integer):
        field.strict = True
    for inner in _inner_fields(field):
        strict_integers(inner)


def within_database(field: fields.Field) -> None:
    """What the database cannot store is refused with a field error (422) rather than failing the query (500):
    an integer beyond PostgreSQL's `integer` (the bounds show in the OpenAPI document; a field with a range of its
    own keeps it), a string with a NUL character (PostgreSQL text cannot hold one) or a lone surrogate (JSON can
    escape one, "\\ud800", but it is no character and has no UTF-8)."""
    if isinstance(field, fields.Integer) and not any(isinstance(v, Range) for v in field.validators):
        field.validators = [
            *field.validators,
            Range(min=-INT_MAX - 1, max=INT_MAX, error="Số nằm ngoài phạm vi cho phép."),
        ]
    if isinstance(field, fields.String):
        field.validators = [*field.validators, _storable]
    for inner in _inner_fields(field):
        within_database(inner)


def _inner_fields(field: fields.Field) -> list[fields.Field]:
    """The fields a list or a mapping holds (items; keys and values)."""
    inner = (getattr(field, name, None) for name in ("inner", "key_field", "value_field"))
    return [each for each in inner if isinstance(each, fields.Field)]


def _storable(value: str) -> None:
    if storable(value):
        return
    if "\x00" in value:
        raise MarshmallowValidationError("Không được chứa ký tự NUL.")
    raise MarshmallowValidationError(
        "Có ký tự không hợp lệ (nửa cặp mã UTF-16, không phải chữ nào): hãy xóa đoạn vừa dán và gõ lại."
    )


class Schema(MarshmallowSchema):
    """Base schema: Vietnamese validation messages. A JSON body with a field the schema does not declare is
    refused (422, "additionalProperties": false in the OpenAPI document), so a misspelt field never goes
    unnoticed."""

    error_messages = {
        "unknown": "Trường không được hỗ trợ.",
        "type": "Dữ liệu phải là một đối tượng JSON.",
    }

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        localize(field_obj)
        within_database(field_obj)
        strict_integers(field_obj)


class Query(Schema):
    """The parameters of a query string, where every value is text: an integer is read from ASCII digits ("2",
    "-1"), and anything else ("1.5", "true", "1_000", " 2") is refused, as in a JSON body."""

    @pre_load
    def _read_digits(self, data, **kwargs):
        integers = {
            field.data_key or name for name, field in self.load_fields.items() if isinstance(field, fields.Integer)
        }
        return {
            key: int(value) if key in integers and isinstance(value, str) and _DIGITS.fullmatch(value) else value
            for key, value in data.items()
        }


class UtcDateTime(fields.DateTime):
    """ISO 8601 with the UTC offset, whichever database the value came from (SQLite gives it back naive)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(as_utc(value), attr, obj, **kwargs)


class IdConverter(IntegerConverter):
    """`<int:…>` in every path: a number larger than the database holds finds nothing (404), as an unknown id."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


class Parser(FlaskParser):
    """webargs, with Vietnamese messages for a body that is not JSON."""

    def _raw_load_json(self, req):
        if not is_json_request(req) and req.get_data(cache=True):
            abort(415)
        try:
            return super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise  # webargs' own handling: an empty body is no body
        except (RecursionError, ValueError) as error:  # `[[[…` nested too deep; a number of over 4,300 digits
            self._handle_invalid_json_error(error, req)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        message = (
            "Nội dung JSON lồng nhau quá sâu, không đọc được."
            if isinstance(error, RecursionError)
            else "Nội dung gửi lên không phải JSON hợp lệ."
        )
        abort(400, exc=error, messages={"json": {"_body": [message]}})


class Blueprint(SmorestBlueprint):
    """An API blueprint under /api/v1. Unless `public`, every request needs `Authorization: Bearer <token>`:
    the browser session is never looked at, so a page cannot be made to call the API on a user's behalf."""

    ARGUMENTS_PARSER = Parser()

    def __init__(self, name: str, import_name: str, *, public: bool = False, **kwargs):
        super().__init__(name, import_name, url_prefix=PREFIX, **kwargs)
        if not public:
            self.before_request(_authenticate)
            self.after_request(_challenge)


def _authenticate() -> None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    g.api_user = auth.user_for_token(token.strip() if scheme.lower() == "bearer" else None)


def _challenge(response):
    if response.status_code == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="api"')
    return response


def actor() -> User:
    """The user whose bearer token authenticated this request."""
    return g.api_user
