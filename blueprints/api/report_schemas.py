"""Request and response bodies of the review-period reports API. Figures are checked by the service, which answers
per figure in Vietnamese (`values.TB_TIN`, `values.AT_KDC.total`)."""

from marshmallow import fields, pre_dump

from blueprints.api.base import Query, Schema, UtcDateTime, actor
from blueprints.api.schemas import ChainStep, Page, PageQuery, one_of
from workflow.services.reports import filing
from workflow.services.reports.consolidation import Figure
from workflow.states import REPORT_ACTIONS, IndicatorKind, Level, PeriodKind, ReportState

FIGURE = {
    "type": "object",
    "properties": {"value": {"type": "integer"}, "total": {"type": "integer", "nullable": True}},
}


# Periods and the indicator catalogue ----------------------------------------------------------------------


class UnitRef(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class PeriodQuery(Query):
    unit_id = fields.Integer(metadata={"description": "Chỉ các kỳ đơn vị này tổng hợp hoặc phải gửi báo cáo."})
    kind = fields.String(validate=one_of(PeriodKind))


class Period(Schema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String(metadata={"enum": [k.value for k in PeriodKind]})
    kind_title = fields.String(attribute="kind_enum.title")
    owner_unit = fields.Nested(UnitRef, metadata={"description": "Đơn vị tổng hợp."})
    parent_id = fields.Integer(allow_none=True, metadata={"description": "Kỳ của cấp trên mà kỳ này thuộc về."})
    starts_on = fields.Date()
    ends_on = fields.Date()
    due_on = fields.Date(metadata={"description": "Hạn gửi báo cáo; gửi lần đầu sau ngày này là gửi muộn."})
    reporting_levels = fields.List(fields.String(metadata={"enum": [level.value for level in Level]}))
    created_at = UtcDateTime()


class IndicatorQuery(Query):
    include_inactive = fields.Boolean(load_default=False, metadata={"description": "Kể cả chỉ tiêu đã ngừng dùng."})


class Indicator(Schema):
    id = fields.Integer()
    code = fields.String(metadata={"example": "TB_TIN"})
    name = fields.String()
    group = fields.String()
    measure = fields.String(metadata={"description": "Đơn vị tính.", "example": "tin"})
    kind = fields.String(
        metadata={"enum": [k.value for k in IndicatorKind], "description": "sum: cộng dồn; ratio: số đạt/tổng số."}
    )
    kind_title = fields.String(attribute="kind_enum.title")
    position = fields.Integer()
    active = fields.Boolean()


# Reports --------------------------------------------------------------------------------------------------


class Narrative(Schema):
    results = fields.String(metadata={"description": f"{filing.NARRATIVE['results']}; bắt buộc trước khi gửi."})
    shortcomings = fields.String(metadata={"description": filing.NARRATIVE["shortcomings"]})
    lessons = fields.String(metadata={"description": filing.NARRATIVE["lessons"]})
    proposals = fields.String(metadata={"description": filing.NARRATIVE["proposals"]})


class ReportChange(Narrative):
    values = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={
            "description": 'Số liệu theo mã chỉ tiêu: `{"TB_TIN": 12, "AT_KDC": {"value": 9, "total": 10}}` '
            "(chỉ tiêu tỷ lệ cần cả số đạt và tổng số). Khi gửi, đây là toàn bộ số liệu: mã bỏ ra bị xóa.",
        },
    )


class ReportInput(ReportChange):
    period_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True, metadata={"description": "Đơn vị báo cáo, trong phạm vi cán bộ."})


class ReportPatch(ReportChange):
    """Fields left out keep their value; `version` is the one read, so a stale edit gets 409."""

    version = fields.Integer(required=True)


class ReportQuery(PageQuery):
    period_id = fields.Integer()
    unit_id = fields.Integer(metadata={"description": "Đơn vị và các đơn vị cấp dưới."})
    state = fields.String(validate=one_of(ReportState))


class ReportSummary(Schema):
    id = fields.Integer()
    period_id = fields.Integer()
    unit = fields.Nested(UnitRef)
    state = fields.String(metadata={"enum": [s.value for s in ReportState]})
    state_label = fields.String(attribute="state_enum.title")
    version = fields.Integer()
    awaiting_role = fields.String(allow_none=True)
    awaiting_unit_id = fields.Integer(allow_none=True)
    first_submitted_on = fields.Date(allow_none=True, metadata={"description": "Ngày gửi lần đầu."})
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class Report(ReportSummary, Narrative):
    review_chain = fields.List(fields.Nested(ChainStep))
    values = fields.Function(
        filing.figures,
        metadata={
            "type": "object",
            "additionalProperties": FIGURE,
            "description": "Số liệu theo mã chỉ tiêu; `total` chỉ với chỉ tiêu tỷ lệ; chỉ tiêu chưa nhập không có mặt.",
        },
    )
    available_actions = fields.Function(
        lambda r: [action.value for action in filing.available_actions(actor(), r)],
        metadata={
            "type": "array",
            "items": {"type": "string", "enum": [a.value for a in REPORT_ACTIONS]},
            "description": "Thao tác người dùng này thực hiện được ngay bây giờ.",
        },
    )


class ReportPage(Page):
    items = fields.List(fields.Nested(ReportSummary))


class ReportActionInput(Schema):
    comment = fields.String(load_default="", metadata={"description": "Bắt buộc khi trả lại."})
    version = fields.Integer(required=True, metadata={"description": "Phiên bản đã đọc; nếu đã cũ, trả 409."})


# The consolidated view ------------------------------------------------------------------------------------


class ConsolidationQuery(Query):
    period_id = fields.Integer(required=True)
    unit_id = fields.Integer(required=True, metadata={"description": "Tổng hợp toàn bộ cây đơn vị dưới đơn vị này."})


class ConsolidatedFigure(Schema):
    """A sum has `value`; a ratio has `numerator`, `denominator` and `value` = numerator / denominator."""

    value = fields.Raw(
        allow_none=True, metadata={"type": "number", "description": "Tổng, hoặc tỷ lệ (0–1); null khi chưa có tổng số."}
    )
    numerator = fields.Integer(metadata={"description": "Chỉ với chỉ tiêu tỷ lệ: tổng số đạt."})
    denominator = fields.Integer(metadata={"description": "Chỉ với chỉ tiêu tỷ lệ: tổng của tổng số."})


def _figure(ratio: bool, figure: Figure) -> dict:
    if ratio:
        return {"value": figure.ratio, "numerator": figure.value, "denominator": figure.total or 0}
    return {"value": figure.value}


class ConsolidatedIndicator(ConsolidatedFigure):
    """Counted from the reports accepted at the unit (approved by it or above); `provisional` adds those still
    in the review chain."""

    code = fields.String()
    name = fields.String()
    group = fields.String()
    measure = fields.String()
    kind = fields.String(metadata={"enum": [k.value for k in IndicatorKind]})
    provisional = fields.Nested(ConsolidatedFigure)

    @pre_dump
    def _from_line(self, line, **kwargs):
        indicator = line.indicator
        return {
            "code": indicator.code,
            "name": indicator.name,
            "group": indicator.group,
            "measure": indicator.measure,
            "kind": indicator.kind,
            **_figure(indicator.is_ratio, line.accepted),
            "provisional": _figure(indicator.is_ratio, line.provisional),
        }


class MissingUnit(Schema):
    """An expected unit whose report has not been sent: none yet (`state` null), a draft, or returned."""

    id = fields.Integer(attribute="unit.id")
    code = fields.String(attribute="unit.code")
    name = fields.String(attribute="unit.name")
    state = fields.String(allow_none=True, metadata={"description": "null: chưa lập báo cáo; draft; returned."})
    late = fields.Boolean(metadata={"description": "Đã quá hạn gửi báo cáo."})


class ConsolidationCounts(Schema):
    expected = fields.Integer(metadata={"description": "Số đơn vị phải báo cáo."})
    accepted = fields.Integer()
    in_chain = fields.Integer(metadata={"description": "Đã gửi, đang trên đường xét duyệt."})
    missing = fields.Integer()
    late = fields.Integer()


class Consolidation(Schema):
    period = fields.Nested(Period)
    unit = fields.Nested(UnitRef)
    indicators = fields.List(fields.Nested(ConsolidatedIndicator), attribute="lines")
    missing_units = fields.List(fields.Nested(MissingUnit), attribute="missing")
    counts = fields.Nested(ConsolidationCounts)
