"""Review-period reports: the periods, the indicator catalogue, a unit's report (figures and narrative) through its
review chain, and the consolidated figures of a subtree."""

from flask.views import MethodView

from blueprints.api import report_schemas as schemas
from blueprints.api.base import Blueprint, actor
from workflow.errors import NotFound, ValidationError
from workflow.models import ReviewPeriod
from workflow.services.reports import filing, indicators, listing, periods
from workflow.states import REPORT_ACTIONS

bp = Blueprint(
    "api_reports", __name__, description="Kỳ sơ kết, tổng kết, danh mục chỉ tiêu, báo cáo của đơn vị, số liệu tổng hợp."
)

ACTION = f"<any({', '.join(action.value for action in REPORT_ACTIONS)}):action>"


@bp.get("/periods")
@bp.arguments(schemas.PeriodQuery, location="query")
@bp.response(200, schemas.Period(many=True))
def period_list(args):
    """Các kỳ báo cáo người dùng được xem (do đơn vị trong phạm vi tổng hợp, hoặc của cấp trên), mới nhất trước."""
    return listing.periods_of(actor(), **args)


@bp.get("/periods/<int:period_id>")
@bp.response(200, schemas.Period)
def period_detail(period_id):
    """Một kỳ báo cáo: đơn vị tổng hợp, thời gian, hạn gửi, các cấp phải báo cáo."""
    return periods.get(actor(), period_id)


@bp.get("/indicators")
@bp.arguments(schemas.IndicatorQuery, location="query")
@bp.response(200, schemas.Indicator(many=True))
def indicator_list(args):
    """Danh mục chỉ tiêu theo thứ tự hiển thị; mặc định chỉ các chỉ tiêu đang dùng."""
    return indicators.catalogue(include_inactive=args["include_inactive"])


@bp.route("/reports")
class Reports(MethodView):
    @bp.arguments(schemas.ReportQuery, location="query")
    @bp.response(200, schemas.ReportPage)
    def get(self, args):
        """Báo cáo của các đơn vị trong phạm vi người dùng: kỳ mới nhất trước, theo thứ tự cây; có lọc, phân trang."""
        page, per_page = args.pop("page"), args.pop("per_page")
        return listing.search(actor(), listing.Filters(**args), page=page, per_page=per_page)

    @bp.arguments(schemas.ReportInput)
    @bp.response(201, schemas.Report)
    @bp.alt_response(403, response="FORBIDDEN")
    @bp.alt_response(409, response="CONFLICT")
    def post(self, data):
        """Lập báo cáo của một đơn vị phải báo cáo trong kỳ (cán bộ của đơn vị). 409: đơn vị đã có báo cáo kỳ này."""
        return filing.create(actor(), _filing_period(data.pop("period_id")), data)


@bp.get("/reports/consolidated")
@bp.arguments(schemas.ConsolidationQuery, location="query")
@bp.response(200, schemas.Consolidation)
def consolidated(args):
    """Số liệu tổng hợp của đơn vị và mọi đơn vị cấp dưới trong kỳ, từ các báo cáo đơn vị đã tiếp nhận (đã duyệt
    ở cấp này hoặc cao hơn); `provisional` tính cả báo cáo đang trên đường xét duyệt. Tỷ lệ là tổng số đạt trên
    tổng của tổng số, không phải trung bình các tỷ lệ. Kèm các đơn vị chưa gửi báo cáo."""
    return listing.consolidated(actor(), **args)


@bp.route("/reports/<int:report_id>")
class ReportDetail(MethodView):
    @bp.response(200, schemas.Report)
    def get(self, report_id):
        """Một báo cáo, với số liệu, nội dung và các thao tác người dùng thực hiện được ngay."""
        return filing.get(actor(), report_id)

    @bp.arguments(schemas.ReportPatch)
    @bp.response(200, schemas.Report)
    @bp.alt_response(403, response="FORBIDDEN")
    @bp.alt_response(409, response="CONFLICT")
    def patch(self, data, report_id):
        """Sửa báo cáo đang soạn hoặc bị trả lại (409 nếu `version` đã cũ hoặc báo cáo đã gửi). `values`, khi có,
        là toàn bộ số liệu mới; 422 kèm lỗi theo từng chỉ tiêu (`values.MA`, `values.MA.total`)."""
        version = data.pop("version")
        return filing.update(actor(), filing.get(actor(), report_id), data, version=version)


@bp.post(f"/reports/<int:report_id>/actions/{ACTION}")
@bp.arguments(schemas.ReportActionInput)
@bp.response(200, schemas.Report)
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(409, response="CONFLICT")
def act(data, report_id, action):
    """Gửi, duyệt hoặc trả lại báo cáo; lần duyệt của đơn vị tổng hợp là tiếp nhận.

    409: trạng thái không cho phép hoặc `version` đã cũ; 403: người dùng không có quyền ở cấp đang xét;
    422: thiếu lý do khi trả lại, hoặc thiếu phần kết quả thực hiện khi gửi.
    """
    return filing.perform(actor(), filing.get(actor(), report_id), action, **data)


def _filing_period(period_id: int) -> ReviewPeriod:
    """The period named in a new report's body: one the actor cannot see is a field error, as other references."""
    try:
        return periods.get(actor(), period_id)
    except NotFound as exc:
        raise ValidationError(exc.message, fields={"period_id": "Không có kỳ báo cáo này."}) from exc
