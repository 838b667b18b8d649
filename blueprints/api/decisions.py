"""Award decisions: the secretariat drafts, edits, issues and revokes them; everyone on the line of the tree reads
the register, each decision and its documents (always the bytes stored when it was issued); award history."""

from flask.views import MethodView

from blueprints.api import decision_schemas as schemas
from blueprints.api.base import Blueprint, actor
from blueprints.decisions.files import send_issued
from blueprints.downloads import DOCX, PDF
from workflow.services import decisions, listing

bp = Blueprint("api_decisions", __name__, description="Quyết định khen thưởng, sổ quyết định, lịch sử khen thưởng.")

BINARY = {"type": "string", "format": "binary"}


@bp.route("/decisions")
class Decisions(MethodView):
    @bp.arguments(schemas.DecisionQuery, location="query")
    @bp.response(200, schemas.DecisionPage)
    def get(self, args):
        """Sổ quyết định: các quyết định đã ban hành hoặc đã thu hồi trong phạm vi, mới nhất trước."""
        found = decisions.register(actor(), **args)
        items = listing.with_items(found.items)
        return {"items": items, "total": found.total, "page": args["page"], "per_page": args["per_page"]}

    @bp.arguments(schemas.DecisionInput)
    @bp.response(201, schemas.Decision)
    @bp.alt_response(403, response="FORBIDDEN")
    def post(self, data):
        """Tạo dự thảo quyết định từ các hồ sơ đã duyệt xong (Thường trực HĐTĐKT của đơn vị tặng hình thức).
        Trường văn bản bỏ trống lấy giá trị mặc định; ký hiệu theo hình thức khen thưởng."""
        return decisions.create_draft(actor(), data)


@bp.route("/decisions/<int:decision_id>")
class DecisionDetail(MethodView):
    @bp.response(200, schemas.Decision)
    def get(self, decision_id):
        """Một quyết định, với danh sách được khen thưởng và các văn bản đã lưu."""
        return decisions.get(actor(), decision_id)

    @bp.arguments(schemas.DecisionPatch)
    @bp.response(200, schemas.Decision)
    @bp.alt_response(409, response="CONFLICT")
    def patch(self, data, decision_id):
        """Sửa dự thảo (409 nếu đã ban hành hoặc `version` đã cũ)."""
        version = data.pop("version")
        return decisions.update_draft(actor(), decisions.get(actor(), decision_id), data, version=version)


@bp.post("/decisions/<int:decision_id>/actions/issue")
@bp.arguments(schemas.IssueInput)
@bp.response(200, schemas.Decision)
@bp.alt_response(409, response="CONFLICT")
def issue(data, decision_id):
    """Ban hành: cấp số tiếp theo, lưu văn bản, chuyển mọi hồ sơ sang “Đã khen thưởng”, trong một giao dịch.

    422: chưa có người được khen thưởng hoặc chưa có họ tên người ký; 409: đã ban hành, `version` đã cũ, hoặc
    một hồ sơ không còn chờ khen thưởng.
    """
    return decisions.issue(actor(), decisions.get(actor(), decision_id), version=data["version"])


@bp.post("/decisions/<int:decision_id>/actions/revoke")
@bp.arguments(schemas.RevokeInput)
@bp.response(200, schemas.Decision)
@bp.alt_response(409, response="CONFLICT")
def revoke(data, decision_id):
    """Thu hồi quyết định đã ban hành, với lý do (422 nếu thiếu); các hồ sơ chuyển sang “Đã thu hồi khen thưởng”."""
    decision = decisions.get(actor(), decision_id)
    return decisions.revoke(actor(), decision, data["reason"], version=data["version"])


@bp.get("/decisions/<int:decision_id>/document")
@bp.response(200, BINARY, content_type=DOCX, description="Tệp .docx.")
def decision_docx(decision_id):
    """Văn bản quyết định (.docx), đúng các byte đã lưu khi ban hành."""
    return send_issued(decisions.get(actor(), decision_id), "decision")


@bp.get("/decisions/<int:decision_id>/certificates")
@bp.response(200, BINARY, content_type=DOCX, description="Tệp .docx.")
def certificates_docx(decision_id):
    """Giấy khen của mọi tập thể, cá nhân trong quyết định (.docx), đúng như khi ban hành."""
    return send_issued(decisions.get(actor(), decision_id), "certificates")


@bp.get("/decisions/<int:decision_id>/document.pdf")
@bp.response(200, BINARY, content_type=PDF, description="Tệp PDF.")
@bp.alt_response(503, response="SERVICE_UNAVAILABLE")
def decision_pdf(decision_id):
    """Văn bản quyết định dạng PDF, chuyển từ bản .docx đã lưu (503 nếu máy chủ chưa cài LibreOffice)."""
    return send_issued(decisions.get(actor(), decision_id), "decision", pdf=True)


@bp.get("/decisions/<int:decision_id>/certificates.pdf")
@bp.response(200, BINARY, content_type=PDF, description="Tệp PDF.")
@bp.alt_response(503, response="SERVICE_UNAVAILABLE")
def certificates_pdf(decision_id):
    """Giấy khen dạng PDF, chuyển từ bản .docx đã lưu (503 nếu máy chủ chưa cài LibreOffice)."""
    return send_issued(decisions.get(actor(), decision_id), "certificates", pdf=True)


@bp.get("/award-history")
@bp.arguments(schemas.AwardHistoryQuery, location="query")
@bp.response(200, schemas.AwardHistoryEntry(many=True))
def award_history(args):
    """Những tập thể, cá nhân trùng tên đã được khen thưởng hoặc bị thu hồi, qua các đợt, kèm quyết định."""
    rows = decisions.award_history(actor(), args["name"])
    return [{"nomination": nomination, "decision": decision} for nomination, decision in rows]
