from functools import cache

from flask_wtf.file import MultipleFileField
from markupsafe import Markup
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Optional, ValidationError

from blueprints.admin.forms import BAD_CHOICE, UnitField, optional_int
from blueprints.forms import EditForm, Form, at_most
from workflow.errors import NotFound
from workflow.services import admin, nominations
from workflow.states import REVIEW_ACTIONS, NomineeKind


class NominationForm(EditForm):
    # The campaigns still open. One that closed after the page was opened goes on to the service, which says so.
    campaign_id = SelectField(
        "Đợt thi đua",
        coerce=optional_int,
        validate_choice=False,
        invalid_value_message=BAD_CHOICE,
        validators=[DataRequired("Chọn đợt thi đua.")],
    )
    award_form_id = SelectField(
        "Hình thức khen thưởng", coerce=int, validators=[DataRequired("Chọn hình thức khen thưởng.")]
    )
    # The plain names of a commune clerk's few units; a box when a district's or a province's clerk has many. A unit
    # outside the clerk's scope is refused by the service, with its message on this field.
    unit_id = UnitField(
        "Đơn vị đề nghị",
        [DataRequired("Chọn đơn vị đề nghị.")],
        pool=admin.UnitPool.nominating,
        lookup="admin.lookups.nominating_units",
        options=lambda units: [SelectChoice(u.id, u.name) for u in units],
    )
    nominee_kind = RadioField(
        "Đối tượng",
        choices=[SelectChoice(k.value, k.title) for k in NomineeKind],
        default=NomineeKind.collective.value,
        validators=[DataRequired("Chọn tập thể hoặc cá nhân.")],
    )
    nominee_name = StringField(
        "Tên tập thể / Họ và tên cá nhân", validators=[DataRequired("Vui lòng nhập tên."), at_most(500)]
    )
    position = StringField("Chức vụ, đơn vị công tác (với cá nhân)", validators=[Optional(), at_most(500)])
    achievements = TextAreaField("Tóm tắt thành tích", validators=[Optional(), at_most(20_000)], render_kw={"rows": 8})
    files = MultipleFileField(
        "Tệp đính kèm (báo cáo thành tích, biên bản họp xét…): PDF, DOCX, JPG, PNG; tối đa 10 MB mỗi tệp"
    )

    field_aliases = {"file": "files"}

    def fill_choices(self, actor, nomination=None) -> None:
        """The choices for a new nomination, or for `nomination`, whose own campaign stays offered once closed."""
        offered = nominations.campaigns_offered(actor, nomination.campaign if nomination else None)
        self.campaign_id.choices = [SelectChoice(c.id, c.title) for c in offered]
        self._actor = actor
        self.award_form_id.choices = [
            SelectChoice(f.id, f.name, optgroup=f"Do {f.owner_unit.name} tặng")
            for f in admin.visible_award_forms(actor)
        ]
        self.unit_id.fill(actor)

    def validate_campaign_id(self, field) -> None:
        """A campaign not offered is judged by the service if the user sees it (it closed meanwhile: the service
        says so); one they do not see is no valid choice, and its unit is never named."""
        if field.data in {choice.value for choice in field.choices}:
            return
        try:
            admin.get_campaign(self._actor, field.data)
        except NotFound:
            raise ValidationError(BAD_CHOICE) from None

    def service_data(self) -> dict:
        return {name: getattr(self, name).data for name in nominations.EDITABLE_FIELDS}


class ActionForm(Form):
    comment = TextAreaField("Lý do / ý kiến", validators=[Optional(), at_most(5000)], render_kw={"rows": 3})
    version = HiddenField()


class BulkForm(Form):
    # No action chosen until the user chooses one: ticking all and pressing the button approved them all.
    action = SelectField(
        "Thao tác hàng loạt",
        choices=[SelectChoice("", "— Chọn thao tác —"), *(SelectChoice(a.value, a.title) for a in REVIEW_ACTIONS)],
        validators=[DataRequired("Chọn thao tác.")],
    )
    comment = TextAreaField(
        "Lý do chung (bắt buộc khi trả lại, không đề nghị)", validators=[Optional()], render_kw={"rows": 2}
    )
    ids = HiddenField()


@cache
def bulk_fields() -> dict[str, Markup]:
    """The list's bulk bar, its action and its reason with their labels, rendered once per process: they show no
    data, and rendering them on every page cost as much as ten rows of the list. The page adds its CSRF token."""
    form = BulkForm(meta={"csrf": False})
    return {
        "action": Markup(form.action.label(class_="form-label") + form.action(class_="form-select")),
        "comment": Markup(form.comment.label(class_="form-label") + form.comment(class_="form-control")),
    }


class UploadForm(Form):
    files = MultipleFileField("Thêm tệp đính kèm", validators=[DataRequired("Chọn tệp cần tải lên.")])
