"""Nominations: the list, one nomination, edits, workflow actions (one or many), history."""

from flask.views import MethodView

from blueprints.api import schemas
from blueprints.api.base import Blueprint, actor
from workflow.services import listing, nominations
from workflow.states import USER_ACTIONS

bp = Blueprint("api_nominations", __name__, description="Hồ sơ đề nghị khen thưởng và quy trình xét duyệt.")

ACTION = f"<any({', '.join(action.value for action in USER_ACTIONS)}):action>"


@bp.route("/nominations")
class Nominations(MethodView):
    @bp.arguments(schemas.NominationQuery, location="query")
    @bp.response(200, schemas.NominationPage)
    def get(self, args):
        """Hồ sơ trong phạm vi của người dùng, mới nhất trước, có lọc và phân trang."""
        page, per_page, anchor = args.pop("page"), args.pop("per_page"), args.pop("anchor", None)
        filters = listing.Filters(**args)
        return listing.search(actor(), filters, page=page, per_page=per_page, anchor=anchor, objects=True)

    @bp.arguments(schemas.NominationInput)
    @bp.response(201, schemas.Nomination)
    def post(self, data):
        """Lập dự thảo hồ sơ cho một đơn vị người dùng là cán bộ."""
        return nominations.create(actor(), data)


@bp.route("/nominations/<int:nomination_id>")
class NominationDetail(MethodView):
    @bp.response(200, schemas.Nomination)
    def get(self, nomination_id):
        """Một hồ sơ, với các thao tác người dùng thực hiện được ngay."""
        return nominations.get(actor(), nomination_id)

    @bp.arguments(schemas.NominationPatch(partial=nominations.EDITABLE_FIELDS))
    @bp.response(200, schemas.Nomination)
    @bp.alt_response(409, response="CONFLICT")
    def patch(self, data, nomination_id):
        """Sửa hồ sơ dự thảo hoặc bị trả lại (409 nếu `version` đã cũ hoặc hồ sơ không còn sửa được)."""
        version = data.pop("version")
        return nominations.update(actor(), nominations.get(actor(), nomination_id), data, version=version)


@bp.post(f"/nominations/<int:nomination_id>/actions/{ACTION}")
@bp.arguments(schemas.ActionInput)
@bp.response(200, schemas.Nomination)
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(409, response="CONFLICT")
def act(data, nomination_id, action):
    """Gửi, duyệt, trả lại, không đề nghị hoặc rút hồ sơ.

    409: trạng thái không cho phép hoặc `version` đã cũ; 403: người dùng không có quyền ở cấp đang xét;
    422: thiếu lý do khi trả lại hoặc không đề nghị.
    """
    return nominations.perform(actor(), nominations.get(actor(), nomination_id), action, **data)


@bp.post("/nominations/bulk-actions")
@bp.arguments(schemas.BulkActionInput)
@bp.response(200, schemas.BulkResult)
def bulk_action(data):
    """Một thao tác trên nhiều hồ sơ; hồ sơ nào không làm được thì bỏ qua, kèm lý do."""
    return nominations.perform_many(actor(), data["ids"], data["action"], comment=data["comment"])


@bp.get("/nominations/<int:nomination_id>/history")
@bp.response(200, schemas.Event(many=True))
def history(nomination_id):
    """Lịch sử xử lý hồ sơ, cũ nhất trước."""
    return listing.history(nominations.get(actor(), nomination_id))
