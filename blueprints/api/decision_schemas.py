"""Request and response bodies of the award decisions API. The services check everything beyond types."""

from flask import url_for
from marshmallow import fields, pre_dump
from marshmallow.validate import OneOf, Range

from blueprints.api.base import Query, Schema, UtcDateTime
from blueprints.api.schemas import NominationSummary, Page, PageQuery
from blueprints.ui import DECISION_STATES
from workflow.services import decisions
from workflow.states import NomineeKind

TEXT = {"type": "string"}
SIGNING_FORMS = ["KT", "TM", "Q", ""]
DOCUMENT_KINDS = ("decision", "certificates")  # the stored .docx; PDFs are converted from them on request


def _count(kind: NomineeKind):
    return fields.Function(
        lambda d: sum(item.nomination.nominee_kind == kind for item in d.items), metadata={"type": "integer"}
    )


class DecisionText(Schema):
    """What the secretariat may change in a draft. Fields left out keep their value (or the default)."""

    place = fields.String(metadata={"description": "Địa danh ở dòng ngày tháng, ví dụ “Lạc Dương”."})
    parent_body = fields.String(metadata={"description": "Cơ quan chủ quản, ví dụ “ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG”."})
    issuing_body = fields.String()
    subject = fields.String(metadata={"description": "Trích yếu: “Về việc khen thưởng …”."})
    authority = fields.String()
    basis = fields.String(metadata={"description": "Các căn cứ, mỗi dòng một căn cứ."})
    proposal = fields.String()
    bonus = fields.String(metadata={"description": "Điều 2: tiền thưởng và nguồn kinh phí (có thể để trống)."})
    implementers = fields.String(metadata={"description": "Điều 3: trách nhiệm thi hành."})
    recipients = fields.String(metadata={"description": "Nơi nhận, mỗi dòng một nơi."})
    signing_form = fields.String(
        validate=OneOf(SIGNING_FORMS, error="Phải là một trong: KT, TM, Q hoặc chuỗi rỗng."),
        metadata={"description": "KT. (ký thay), TM. (thay mặt), Q. (quyền) hoặc rỗng."},
    )
    signing_authority = fields.String()
    signer_title = fields.String()
    signer_name = fields.String(metadata={"description": "Bắt buộc trước khi ban hành."})


class DecisionInput(DecisionText):
    award_form_id = fields.Integer(required=True, metadata={"description": "Hình thức do đơn vị người dùng tặng."})
    campaign_id = fields.Integer(allow_none=True, load_default=None)
    nomination_ids = fields.List(
        fields.Integer(), load_default=list, metadata={"description": "Hồ sơ đã duyệt xong, chờ quyết định."}
    )


class DecisionPatch(DecisionText):
    """`nomination_ids`, when given, is the whole new list; `version` is the one read, so a stale edit gets 409."""

    nomination_ids = fields.List(fields.Integer())
    version = fields.Integer(required=True)


class IssueInput(Schema):
    version = fields.Integer(required=True, metadata={"description": "Phiên bản dự thảo đã đọc; nếu đã cũ, trả 409."})


class RevokeInput(Schema):
    reason = fields.String(load_default="", metadata={"description": "Lý do thu hồi, bắt buộc."})
    version = fields.Integer(required=True)


class DecisionItem(Schema):  # a row of decisions.awardee_list()
    nomination_id = fields.Integer()
    nominee_kind = fields.String()
    nominee_name = fields.String()
    nominee_position = fields.String(attribute="position")
    unit_name = fields.String()
    state = fields.String()


class IssuedDocument(Schema):
    kind = fields.String()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    template_label = fields.String()
    url = fields.Function(
        lambda doc: url_for(f"api_decisions.{doc.kind}_docx", decision_id=doc.decision_id), metadata=TEXT
    )
    pdf_url = fields.Function(
        lambda doc: url_for(f"api_decisions.{doc.kind}_pdf", decision_id=doc.decision_id), metadata=TEXT
    )


class DecisionSummary(Schema):
    id = fields.Integer()
    state = fields.String()
    state_label = fields.Function(lambda d: DECISION_STATES[d.state][0], metadata=TEXT)
    number = fields.Integer(allow_none=True)
    symbol = fields.String()
    reference = fields.Function(
        lambda d: d.reference if d.number else None,
        allow_none=True,
        metadata={**TEXT, "description": "Ví dụ “15/QĐ-UBND”; null trước khi ban hành."},
    )
    year = fields.Integer(allow_none=True)
    issued_on = fields.Date(allow_none=True)
    issuing_unit_id = fields.Integer()
    issuing_unit_name = fields.String(attribute="issuing_unit.name")
    award_form_id = fields.Integer()
    award_form_name = fields.String(attribute="award_form.name")
    campaign_id = fields.Integer(allow_none=True)
    subject = fields.String()
    signer_name = fields.String()
    collectives = _count(NomineeKind.collective)
    individuals = _count(NomineeKind.individual)
    version = fields.Integer()


class Listed:
    """A decision with its awardees as plain rows, read once for the list and both counts: as ORM objects with their
    nominations, 10,000 of them took a second to load."""

    def __init__(self, decision):
        self.decision, self.items = decision, decisions.awardee_list(decision)
        self.collectives = sum(row["nominee_kind"] == NomineeKind.collective for row in self.items)
        self.individuals = len(self.items) - self.collectives

    def __getattr__(self, name: str):
        return getattr(self.decision, name)


class Decision(DecisionSummary, DecisionText):
    collectives = fields.Integer()
    individuals = fields.Integer()
    campaign_title = fields.Function(lambda d: d.campaign.title if d.campaign else None, allow_none=True, metadata=TEXT)
    created_by_id = fields.Integer()
    created_at = UtcDateTime()
    issued_by_id = fields.Integer(allow_none=True)
    issued_at = UtcDateTime(allow_none=True)
    revoked_by_id = fields.Integer(allow_none=True)
    revoked_at = UtcDateTime(allow_none=True)
    revoke_reason = fields.String()
    items = fields.List(fields.Nested(DecisionItem))
    documents = fields.Function(
        lambda d: IssuedDocument(many=True).dump([doc for doc in d.documents if doc.kind in DOCUMENT_KINDS]),
        metadata={"type": "array", "items": {"type": "object"}, "description": "Văn bản đã lưu khi ban hành."},
    )

    @pre_dump
    def listed(self, decision, **kwargs):
        return Listed(decision)


class DecisionQuery(PageQuery):
    q = fields.String(metadata={"description": "Số quyết định (15 hoặc 15/QĐ-UBND) hoặc tên, không phân biệt dấu."})
    year = fields.Integer(validate=Range(min=1, max=9999, error="Năm từ {min} đến {max}."))


class DecisionPage(Page):
    items = fields.List(fields.Nested(DecisionSummary))


class DecisionRef(Schema):
    id = fields.Integer()
    reference = fields.String()
    issued_on = fields.Date()
    state = fields.String()
    state_label = fields.Function(lambda d: DECISION_STATES[d.state][0], metadata=TEXT)


class AwardHistoryQuery(Query):
    name = fields.String(required=True, metadata={"description": "Tên tập thể hoặc cá nhân, không phân biệt dấu."})


class AwardHistoryEntry(Schema):
    nomination = fields.Nested(NominationSummary)
    decision = fields.Nested(DecisionRef, allow_none=True)
