"""Reference lists (units, campaigns, award forms) and administration within the actor's subtree."""

from flask.views import MethodView

from blueprints.api import schemas
from blueprints.api.base import Blueprint, actor
from workflow.services import admin

bp = Blueprint("api_admin", __name__, description="Đơn vị, đợt thi đua, hình thức khen thưởng, tài khoản.")


@bp.route("/units")
class Units(MethodView):
    @bp.arguments(schemas.UnitQuery, location="query")
    @bp.response(200, schemas.UnitPage)
    def get(self, args):
        """Các đơn vị trong phạm vi vai trò của người dùng, theo thứ tự cây, có tìm kiếm và phân trang."""
        return admin.unit_page(actor(), **args, clamp=False)

    @bp.arguments(schemas.Unit)
    @bp.response(201, schemas.Unit)
    def post(self, data):
        """Thêm đơn vị dưới một đơn vị người dùng quản trị."""
        return admin.create_unit(actor(), data)


@bp.route("/campaigns")
class Campaigns(MethodView):
    @bp.response(200, schemas.Campaign(many=True))
    def get(self):
        """Các đợt thi đua áp dụng cho đơn vị của người dùng, mới nhất trước."""
        return admin.visible_campaigns(actor())

    @bp.arguments(schemas.CampaignInput)
    @bp.response(201, schemas.Campaign)
    def post(self, data):
        """Phát động đợt thi đua (Thường trực HĐTĐKT hoặc quản trị của đơn vị)."""
        return admin.save_campaign(actor(), data)


@bp.route("/award-forms")
class AwardForms(MethodView):
    @bp.response(200, schemas.AwardForm(many=True))
    def get(self):
        """Các hình thức khen thưởng mà hồ sơ trong phạm vi của người dùng có thể đề nghị."""
        return admin.visible_award_forms(actor())

    @bp.arguments(schemas.AwardForm)
    @bp.response(201, schemas.AwardForm)
    def post(self, data):
        """Thêm hình thức khen thưởng (Thường trực HĐTĐKT hoặc quản trị của đơn vị tặng)."""
        return admin.save_award_form(actor(), data)


@bp.post("/users")
@bp.arguments(schemas.User)
@bp.response(201, schemas.User)
def create_user(data):
    """Tạo tài khoản với vai trò tại các đơn vị người dùng quản trị."""
    return admin.create_user(actor(), data)


@bp.route("/users/<int:user_id>")
class UserDetail(MethodView):
    @bp.response(200, schemas.User)
    def get(self, user_id):
        """Một tài khoản có vai trò tại đơn vị người dùng quản trị."""
        return admin.get_user(actor(), user_id)

    @bp.arguments(schemas.UserPatch)
    @bp.response(200, schemas.User)
    @bp.alt_response(403, response="FORBIDDEN")
    def patch(self, data, user_id):
        """Đổi họ tên, khóa hoặc mở lại, đặt lại mật khẩu, giao hoặc bỏ vai trò; mọi thay đổi được ghi nhật ký.

        403: tài khoản còn vai trò ngoài phạm vi quản trị của người gọi (khi đổi tên, mật khẩu, khóa);
        422: tự đổi vai trò của chính mình, mật khẩu yếu.
        """
        return admin.update_user(actor(), admin.get_user(actor(), user_id), data)


@bp.post("/users/<int:user_id>/unlock")
@bp.response(200, schemas.User)
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(409, response="CONFLICT")
def unlock_user(user_id):
    """Mở khóa đăng nhập của tài khoản bị tạm khóa vì nhập sai mật khẩu; việc mở khóa được ghi nhật ký.

    409: tài khoản không bị tạm khóa; 403: tài khoản còn vai trò ngoài phạm vi quản trị của người gọi.
    """
    return admin.unlock_user(actor(), admin.get_user(actor(), user_id))
