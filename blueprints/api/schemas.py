"""The API's request and response bodies. Types, required fields and choices live here; every business rule
(scope, review chain, deadlines, lengths) stays in the services, which answer with Vietnamese field errors."""

from flask import current_app, url_for
from flask_smorest.fields import Upload
from marshmallow import ValidationError, fields
from marshmallow.validate import Length, OneOf, Range

from blueprints.api.base import Query, Schema, UtcDateTime, actor
from workflow.services import admin, nominations
from workflow.services.listing import MAX_PAGE, MAX_PER_PAGE, Anchor
from workflow.states import USER_ACTIONS, Action, Level, NomineeKind, Role, State

TEXT = {"type": "string"}
IDS = {"type": "array", "items": {"type": "integer"}}


def one_of(choices) -> OneOf:
    return OneOf([str(choice) for choice in choices], error="Phải là một trong: {choices}.")


# Errors and access ----------------------------------------------------------------------------------------


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"example": "conflict"})
    message = fields.String(required=True, metadata={"description": "Thông báo tiếng Việt cho người dùng."})
    field_errors = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        data_key="fields",
        metadata={"description": "Lỗi theo từng trường, khi dữ liệu không hợp lệ."},
    )


class Error(Schema):
    error = fields.Nested(ErrorDetail, required=True)


class TokenRequest(Schema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)


class Token(Schema):
    token = fields.String(required=True, metadata={"description": "Gửi kèm mọi yêu cầu: Authorization: Bearer …"})
    expires_at = UtcDateTime(required=True)


class RoleAssignment(Schema):
    role = fields.String(required=True, validate=one_of(Role))
    role_label = fields.Function(lambda a: Role(a.role).title, dump_only=True, metadata=TEXT)
    unit_id = fields.Integer(
        allow_none=True, load_default=None, metadata={"description": "Bỏ trống chỉ với vai trò quản trị toàn hệ thống."}
    )
    unit_name = fields.Function(
        lambda a: a.unit.name if a.unit else None, dump_only=True, allow_none=True, metadata=TEXT
    )


class User(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(
        required=True, metadata={"description": f"{admin.USERNAME_RULE} Tên có ký tự khác bị từ chối (422)."}
    )
    full_name = fields.String(load_default="")
    password = fields.String(required=True, load_only=True)
    active = fields.Boolean(dump_only=True)
    locked_until = UtcDateTime(
        dump_only=True,
        allow_none=True,
        attribute="lock_ends",
        metadata={"description": "Tạm khóa đăng nhập đến lúc này vì nhập sai mật khẩu nhiều lần; null nếu không."},
    )
    roles = fields.List(fields.Nested(RoleAssignment), load_default=list)


class UserPatch(Schema):
    """Only the fields sent change."""

    full_name = fields.String()
    active = fields.Boolean(metadata={"description": "false: khóa tài khoản; true: mở lại."})
    password = fields.String(load_only=True, metadata={"description": "Mật khẩu mới."})
    roles = fields.List(
        fields.Nested(RoleAssignment),
        metadata={
            "description": "Toàn bộ vai trò tại các đơn vị người gọi quản trị (vai trò ngoài phạm vi được giữ "
            "nguyên). Không ai tự đổi vai trò của chính mình (422)."
        },
    )


# Units, award forms, campaigns ----------------------------------------------------------------------------


class Unit(Schema):
    id = fields.Integer(dump_only=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    level = fields.String(required=True, validate=one_of(Level))
    level_label = fields.Function(lambda u: u.level_enum.title, dump_only=True, metadata=TEXT)
    parent_id = fields.Integer(allow_none=True, load_default=None)


class AwardForm(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True)
    owner_unit_id = fields.Integer(required=True)
    owner_unit_name = fields.String(attribute="owner_unit.name", dump_only=True)
    nominee_kinds = fields.List(
        fields.String(validate=one_of(NomineeKind)),
        required=True,
        validate=Length(min=1, error="Chọn ít nhất một đối tượng."),
    )
    criteria = fields.String(load_default="")
    # The header and signature of the decisions awarding this form: optional; one left out keeps its value.
    decision_symbol = fields.String(metadata={"example": "QĐ-UBND"})
    parent_body = fields.String(metadata={"example": "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"})
    issuing_body = fields.String(metadata={"example": "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG"})
    authority = fields.String(metadata={"example": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG"})
    signing_authority = fields.String(metadata={"example": "CHỦ TỊCH"})
    signer_title = fields.String(metadata={"example": "PHÓ CHỦ TỊCH"})
    place = fields.String(metadata={"example": "Lạc Dương"})


class CampaignInput(Schema):
    title = fields.String(required=True)
    owner_unit_id = fields.Integer(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    nomination_deadline = fields.Date(allow_none=True, load_default=None)
    award_form_ids = fields.List(fields.Integer(), required=True)
    description = fields.String(load_default="")


class Campaign(Schema):
    id = fields.Integer()
    title = fields.String()
    owner_unit_id = fields.Integer()
    owner_unit_name = fields.String(attribute="owner_unit.name")
    starts_on = fields.Date()
    ends_on = fields.Date()
    nomination_deadline = fields.Date(allow_none=True)
    award_form_ids = fields.Function(lambda c: [form.id for form in c.award_forms], metadata=IDS)
    description = fields.String()


# Nominations ----------------------------------------------------------------------------------------------


class NominationInput(Schema):
    campaign_id = fields.Integer(required=True)
    award_form_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True, metadata={"description": "Đơn vị đề nghị."})
    nominee_kind = fields.String(required=True, validate=one_of(NomineeKind))
    nominee_name = fields.String(required=True)
    position = fields.String()
    achievements = fields.String(metadata={"description": "Tóm tắt thành tích; bắt buộc trước khi gửi duyệt."})


class NominationPatch(NominationInput):
    """Fields left out keep their value; `version` is the one read, so a stale edit gets 409."""

    version = fields.Integer(required=True)


class PageQuery(Query):
    """`page` and `per_page` of every paginated list (the page is capped where the list service caps it)."""

    page = fields.Integer(load_default=1, validate=Range(min=1, max=MAX_PAGE, error="Trang từ {min} đến {max}."))
    per_page = fields.Integer(
        load_default=lambda: current_app.config["PER_PAGE"],
        validate=Range(min=1, max=MAX_PER_PAGE, error="Từ {min} đến {max} mục mỗi trang."),
    )


class Page(Schema):
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class UnitQuery(PageQuery):
    q = fields.String(metadata={"description": "Tìm theo tên hoặc mã đơn vị, từng từ, không phân biệt dấu."})


class UnitPage(Page):
    items = fields.List(fields.Nested(Unit))


class NominationQuery(PageQuery):
    state = fields.String(validate=one_of(State))
    unit_id = fields.Integer(metadata={"description": "Đơn vị và các đơn vị cấp dưới."})
    campaign_id = fields.Integer()
    award_form_id = fields.Integer()
    nominee_kind = fields.String(validate=one_of(NomineeKind))
    q = fields.String(metadata={"description": "Tìm theo tên, không phân biệt dấu."})
    anchor = fields.Function(
        deserialize=lambda text: _anchor(text),
        metadata={
            "type": "string",
            "pattern": r"^\d+\.\d+$",
            "description": "«P.N»: trang P kết thúc ở hồ sơ mã N (hoặc bắt đầu ở N, khi đọc một trang trước nó). "
            "Trang `page` gần P được đọc tiếp từ N, không đếm lại từ đầu: trang sâu vẫn nhanh. "
            "Bỏ qua khi tìm theo tên (`q`).",
        },
    )


def _anchor(text: str) -> Anchor:
    anchor = Anchor.parse(text)
    if anchor is None:
        raise ValidationError("Mốc trang phải có dạng «trang.mã hồ sơ», ví dụ 499.287526.")
    return anchor


class ChainStep(Schema):
    unit_id = fields.Integer()
    level = fields.String()


class Attachment(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    url = fields.Function(
        lambda a: url_for("api_attachments.download", nomination_id=a.nomination_id, attachment_id=a.id), metadata=TEXT
    )


class UploadInput(Schema):
    file = Upload(required=True, metadata={"description": "PDF, DOCX, JPG hoặc PNG, kiểm tra theo nội dung tệp."})


class NominationSummary(Schema):
    id = fields.Integer()
    campaign_id = fields.Integer()
    award_form_id = fields.Integer()
    unit_id = fields.Integer()
    unit_name = fields.String(attribute="unit.name")
    nominee_kind = fields.String()
    nominee_name = fields.String()
    position = fields.String()
    state = fields.String()
    state_label = fields.String(attribute="state_enum.title")
    version = fields.Integer()
    awaiting_role = fields.String(allow_none=True)
    awaiting_unit_id = fields.Integer(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class Nomination(NominationSummary):
    campaign_title = fields.String(attribute="campaign.title")
    award_form_name = fields.String(attribute="award_form.name")
    achievements = fields.String()
    available_actions = fields.Function(
        lambda n: [action.value for action in nominations.available_actions(actor(), n)],
        metadata={
            "type": "array",
            "items": {"type": "string", "enum": [a.value for a in USER_ACTIONS]},
            "description": "Thao tác người dùng này thực hiện được ngay bây giờ.",
        },
    )
    review_chain = fields.List(fields.Nested(ChainStep))
    created_by_id = fields.Integer()
    submitted_by_id = fields.Integer(allow_none=True)
    attachments = fields.List(fields.Nested(Attachment))


class NominationPage(Page):
    items = fields.List(fields.Nested(NominationSummary))
    exact = fields.Boolean(metadata={"description": "false: có hơn `total` hồ sơ, việc đếm dừng ở đó."})


class ActionInput(Schema):
    comment = fields.String(load_default="", metadata={"description": "Bắt buộc khi trả lại hoặc không đề nghị."})
    version = fields.Integer(required=True, metadata={"description": "Phiên bản đã đọc; nếu đã cũ, trả 409."})


class BulkActionInput(Schema):
    action = fields.String(required=True, validate=one_of(USER_ACTIONS))
    ids = fields.List(fields.Integer(), required=True, validate=Length(min=1, error="Chọn ít nhất một hồ sơ."))
    comment = fields.String(load_default="")


class Skipped(Schema):
    id = fields.Integer()
    reason = fields.String()


class BulkResult(Schema):
    done = fields.List(fields.Integer())
    skipped = fields.List(fields.Nested(Skipped))


class Event(Schema):
    id = fields.Integer()
    action = fields.String()
    action_label = fields.Function(lambda e: Action(e.action).title, metadata=TEXT)
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    actor_id = fields.Integer()
    actor_name = fields.String(attribute="actor.full_name")
    comment = fields.String()
    created_at = UtcDateTime()
