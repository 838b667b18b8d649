from flask import request
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import Optional

from blueprints.forms import EditForm, Form, at_most
from workflow.services import decisions

SIGNING_FORMS = [
    SelectChoice("KT", "KT. (cấp phó ký thay)"),
    SelectChoice("TM", "TM. (thay mặt tập thể)"),
    SelectChoice("Q", "Q. (quyền)"),
    SelectChoice("", "Không ghi (người đứng đầu ký)"),
]


def _text(label: str, limit: int = 255, rows: int | None = None):
    field = TextAreaField if rows else StringField
    return field(label, validators=[Optional(), at_most(limit)], render_kw={"rows": rows} if rows else None)


class ComposeForm(Form):
    """Eligible nominations ticked on the compose page become a new draft (ids read from `nomination_ids`)."""

    award_form_id = HiddenField()
    campaign_id = HiddenField()

    def service_data(self) -> dict:
        return {
            "award_form_id": self.award_form_id.data,
            "campaign_id": self.campaign_id.data or None,
            "nomination_ids": request.form.getlist("nomination_ids", type=int),
        }


class DecisionForm(EditForm):
    """Every field of a draft decision; the symbol is the award form's and never typed."""

    parent_body = _text("Cơ quan chủ quản (dòng trên)")
    issuing_body = _text("Cơ quan ban hành")
    place = _text("Địa danh (dòng ngày tháng)", 120)
    subject = _text("Trích yếu", 2000, rows=2)
    authority = _text("Thẩm quyền ban hành", 2000, rows=2)
    basis = _text("Căn cứ (mỗi dòng một căn cứ)", 20_000, rows=5)
    proposal = _text("Theo đề nghị của", 5000, rows=2)
    bonus = _text("Điều 2: tiền thưởng và nguồn kinh phí", 5000, rows=3)
    implementers = _text("Điều 3: trách nhiệm thi hành", 5000, rows=3)
    signing_form = SelectField("Hình thức ký", choices=SIGNING_FORMS)
    signing_authority = _text("Thẩm quyền ký (dòng trên)")
    signer_title = _text("Chức vụ người ký")
    signer_name = _text("Họ và tên người ký")
    recipients = _text("Nơi nhận (mỗi dòng một nơi)", 5000, rows=4)

    def service_data(self, decision) -> dict:
        """The typed text, and the nominations: those kept (not ticked to remove) plus those ticked to add."""
        removed = set(request.form.getlist("remove", type=int))
        kept = [item.nomination_id for item in decision.items if item.nomination_id not in removed]
        fields = {name: getattr(self, name).data for name in (*decisions.TEXT_FIELDS, "signing_form")}
        return fields | {"nomination_ids": kept + request.form.getlist("add", type=int)}


class ActionForm(Form):
    version = HiddenField()


class RevokeForm(Form):
    reason = TextAreaField("Lý do thu hồi (bắt buộc)", validators=[at_most(5000)], render_kw={"rows": 3})
    version = HiddenField()
