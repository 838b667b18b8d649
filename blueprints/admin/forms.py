"""Forms of the administration pages. They check shapes and required fields; the services decide the rest
(scope, levels, duplicates), and their field messages are put back on these forms."""

from collections.abc import Callable

from flask import url_for
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.forms import Form as PageForm
from blueprints.forms import at_most
from workflow import permissions
from workflow.errors import ValidationError as DomainValidationError
from workflow.models import AwardForm, Campaign, Unit, User
from workflow.models.base import INT_MAX
from workflow.services import admin
from workflow.states import IndicatorKind, Level, NomineeKind, Role

BAD_CHOICE = "Lựa chọn không hợp lệ."
BAD_DATE = "Ngày không hợp lệ."
BLANK_ROLE_ROWS = 3
CHOOSE_UNIT = "— Chọn đơn vị —"
ROOT = "— Không có (đơn vị cấp tỉnh) —"
WHOLE_SYSTEM = "— Toàn hệ thống (chỉ với vai trò Quản trị hệ thống) —"
FEW_UNITS = 50  # up to this many units to choose from, a drop-down; more, a type-ahead box


def optional_int(value) -> int | None:
    """The id a form sent, None for none; ValueError (the field's "wrong choice") for one no id column can hold."""
    if value in (None, "", "None"):
        return None
    if abs(number := int(value)) > INT_MAX:
        raise ValueError(value)
    return number


def unit_choices(units: list[Unit], blank: str | None = None, *, named: bool = False) -> list[SelectChoice]:
    """Units in tree order, indented by depth, with their code; a `blank` option first when given. `named` puts
    each unit's bare name in its option's data-name."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    for unit, depth in admin.unit_tree(units):
        attributes = {"data-name": unit.name} if named else None
        choices.append(SelectChoice(str(unit.id), f"{'· ' * depth}{unit.name} ({unit.code})", render_kw=attributes))
    return choices


def with_current(units: list[Unit], current: Unit | None) -> list[Unit]:
    """The choices plus the value the object has now, so editing other fields never fails on it."""
    return units if current is None or current in units else [*units, current]


class UnitField(SelectField):
    """A unit of one of the actor's pools (admin.UnitPool): a drop-down when the pool holds few units, a
    type-ahead box (the `lookup` macro, answered by the `lookup` endpoint) when it holds many. Either way the form
    sends an id, which the service checks. Shown by the `unit_field` macro of templates/_unit_field.html."""

    def __init__(
        self,
        label: str,
        validators=None,
        *,
        pool: admin.UnitPool,
        lookup: str,
        options: Callable[[list[Unit]], list[SelectChoice]],
        refused: str | None = None,
        **kwargs,
    ):
        super().__init__(
            label, validators, coerce=optional_int, validate_choice=False, invalid_value_message=BAD_CHOICE, **kwargs
        )
        self.type = "SelectField"  # a drop-down, to the `field` macro, when it is one
        self.pool, self.lookup, self.options, self.refused = pool, lookup, options, refused
        self.lookup_url: str | None = None  # set when the units are too many for a drop-down
        self._actor, self._known = None, {}

    def fill(
        self,
        actor: User,
        current: Unit | None = None,
        options: Callable[[list[Unit]], list[SelectChoice]] | None = None,
    ) -> list[Unit]:
        """Offer the actor's units of the pool, and `current` (the object's own: editing other fields never fails
        on it), in the drop-down as `options` (the field's own by default) makes them. Returns the units offered in
        the drop-down, or the first ones of the box."""
        units = with_current(admin.first_units(actor, self.pool, FEW_UNITS + 1), current)
        self._actor, self._known = actor, {unit.id: unit for unit in units}
        if len(units) > FEW_UNITS:
            self.lookup_url, self.choices = url_for(self.lookup), []
        else:
            self.choices = (options or self.options)(units)
        return units

    def fill_like(self, other: "UnitField") -> None:
        """Offer what `other`, a field of the same pool filled for the same actor, offers: the units are read once
        for all the rows of a table."""
        self.lookup_url, self.choices = other.lookup_url, other.choices
        self._actor, self._known = other._actor, other._known

    def pre_validate(self, form) -> None:
        """With a `refused` message, a unit neither offered nor in the pool is refused here with it, everything else
        typed kept; without one, the service judges the id."""
        if self.refused and self.data is not None and self.chosen is None:
            raise ValidationError(self.refused)

    @property
    def chosen(self) -> Unit | None:
        """The unit the field's value names, if it was offered or is in the pool; None otherwise."""
        if self.data not in self._known and self.lookup_url:
            self._known[self.data] = admin.unit_in_pool(self._actor, self.pool, self.data)
        return self._known.get(self.data)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def issuer_field(key: str, label: str, default: str | None = None) -> StringField:
    limit = admin.ISSUER_FIELDS[key][1]
    return StringField(label, default=default, validators=[Optional(), at_most(limit)])


def date_field(label: str, required: bool = True) -> DateField:
    first = InputRequired("Vui lòng nhập ngày.") if required else Optional()
    return DateField(label, validators=[first], invalid_value_message=BAD_DATE)


# Units ------------------------------------------------------------------------------------------------------


class UnitForm(PageForm):
    name = StringField(
        "Tên đơn vị",
        validators=[DataRequired("Vui lòng nhập tên đơn vị."), Length(max=255, message="Tên đơn vị tối đa 255 ký tự.")],
    )
    code = StringField(
        "Mã đơn vị",
        validators=[DataRequired("Vui lòng nhập mã đơn vị."), Length(max=40, message="Mã đơn vị tối đa 40 ký tự.")],
    )
    level = SelectField(
        "Cấp",
        choices=[SelectChoice(lvl.value, lvl.title) for lvl in Level],
        validators=[DataRequired("Chọn cấp của đơn vị.")],
        invalid_choice_message=BAD_CHOICE,
    )
    # A parent outside the pool is refused here; the service judges the rest (the level below it, the unit's own
    # subtree, a root).
    parent_id = UnitField(
        "Trực thuộc",
        pool=admin.UnitPool.parents,
        lookup="admin.lookups.parent_units",
        options=unit_choices,
        refused="Đơn vị cấp trên phải là đơn vị cấp tỉnh, huyện hoặc xã trong phạm vi quản trị của bạn.",
    )

    def fill_choices(self, actor: User, unit: Unit | None = None) -> None:
        """Parents: units the actor administers that can have units below them (the drop-down leaves out the unit's
        own subtree); its current parent."""
        at_root = permissions.is_global_admin(actor) or (unit is not None and unit.parent is None)
        self.parent_id.fill(
            actor,
            unit.parent if unit is not None else None,
            lambda units: unit_choices(
                [u for u in units if unit is None or not unit.contains(u)], ROOT if at_root else None
            ),
        )

    def service_data(self) -> dict:
        return {
            "code": self.code.data,
            "name": self.name.data,
            "level": self.level.data,
            "parent_id": self.parent_id.data,
        }


# Users and roles ---------------------------------------------------------------------------------------------


class RoleRowForm(Form):
    """One row of the roles editor: a role at a unit. A row without a role is ignored."""

    role = SelectField(
        "Vai trò",
        choices=[SelectChoice("", "— Không chọn —"), *(SelectChoice(r.value, r.title) for r in Role)],
        default="",
        invalid_choice_message=BAD_CHOICE,
    )
    unit_id = UnitField(
        "Đơn vị",
        pool=admin.UnitPool.administered,
        lookup="admin.lookups.administered_units",
        options=unit_choices,
        refused=admin.ROLE_OUTSIDE_SCOPE,
    )


class _UserForm(PageForm):
    full_name = StringField(
        "Họ và tên",
        validators=[DataRequired("Vui lòng nhập họ và tên."), Length(max=255, message="Họ và tên tối đa 255 ký tự.")],
    )
    confirm = PasswordField("Nhập lại mật khẩu", validators=[EqualTo("password", "Mật khẩu nhập lại không khớp.")])
    role_rows = FieldList(FormField(RoleRowForm), min_entries=BLANK_ROLE_ROWS)

    def fill_choices(self, actor: User) -> None:
        self.whole_system = permissions.is_global_admin(actor)  # a role row without a unit: the whole system
        blank = WHOLE_SYSTEM if self.whole_system else CHOOSE_UNIT
        first, *others = [row.form.unit_id for row in self.role_rows]
        first.fill(actor, options=lambda units: unit_choices(units, blank))
        for field in others:
            field.fill_like(first)

    def roles_data(self) -> list[dict]:
        return [
            {"role": row.form.role.data, "unit_id": row.form.unit_id.data}
            for row in self.role_rows
            if row.form.role.data
        ]

    # The service's messages about the roles as a whole ("roles"), shown in the roles' fieldset.
    role_errors: list[str] = []

    def show_errors(self, error: DomainValidationError) -> None:
        if "roles" in error.fields:
            self.role_errors = [error.fields["roles"]]
            others = {name: message for name, message in error.fields.items() if name != "roles"}
            if not others:
                return
            error = DomainValidationError(error.message, fields=others)
        super().show_errors(error)

    @property
    def errors(self) -> dict:
        errors = super().errors
        return {**errors, "roles": self.role_errors} if self.role_errors else errors


class UserCreateForm(_UserForm):
    username = StringField(
        "Tên đăng nhập",
        description=admin.USERNAME_RULE,
        validators=[
            DataRequired("Vui lòng nhập tên đăng nhập."),
            Length(max=80, message="Tên đăng nhập tối đa 80 ký tự."),
        ],
    )
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])

    def service_data(self) -> dict:
        return {
            "username": self.username.data,
            "full_name": self.full_name.data,
            "password": self.password.data,
            "roles": self.roles_data(),
        }


class UnlockForm(PageForm):
    """The "Mở khóa" button: a POST with its CSRF token, nothing else."""


class UserEditForm(_UserForm):
    active = BooleanField("Tài khoản đang hoạt động (bỏ chọn để khóa: người dùng bị đăng xuất ngay)")
    password = PasswordField("Mật khẩu mới", validators=[Optional()])

    def service_data(self) -> dict:
        return {
            "full_name": self.full_name.data,
            "active": self.active.data,
            "password": self.password.data or None,
            "roles": self.roles_data(),
        }


def role_rows(actor: User, user: User) -> tuple[list[dict], list]:
    """The user's roles the actor may edit, as rows with blank ones after; and the roles outside their scope."""
    inside = [a for a in user.roles if permissions.can_administer(actor, a.unit)]
    outside = [a for a in user.roles if a not in inside]
    rows = [{"role": a.role, "unit_id": a.unit_id} for a in inside]
    return rows + [{"role": "", "unit_id": None}] * BLANK_ROLE_ROWS, outside


# Award forms and campaigns -----------------------------------------------------------------------------------


class AwardFormForm(PageForm):
    """Edits an AwardForm (hình thức khen thưởng)."""

    name = StringField(
        "Tên hình thức khen thưởng",
        validators=[
            DataRequired("Vui lòng nhập tên hình thức khen thưởng."),
            Length(max=255, message="Tên tối đa 255 ký tự."),
        ],
    )
    owner_unit_id = UnitField(
        "Đơn vị tặng (cấp ra quyết định khen thưởng)",
        [DataRequired("Chọn đơn vị tặng.")],
        pool=admin.UnitPool.owning,
        lookup="admin.lookups.owner_units",
        options=lambda units: unit_choices(units, CHOOSE_UNIT),
        refused=admin.OWNER_OUTSIDE_SCOPE.format(role="Đơn vị tặng"),
    )
    nominee_kinds = MultiCheckboxField(
        "Đối tượng được đề nghị",
        choices=[SelectChoice(k.value, k.title) for k in NomineeKind],
        invalid_choice_message=BAD_CHOICE,
    )
    criteria = TextAreaField("Tiêu chuẩn, điều kiện", validators=[Optional(), at_most(20_000)], render_kw={"rows": 8})
    # Thông tin ra quyết định: what every decision awarding this form starts from.
    parent_body = issuer_field("parent_body", "Cơ quan chủ quản (dòng trên)")
    issuing_body = issuer_field("issuing_body", "Cơ quan ban hành")
    decision_symbol = issuer_field("decision_symbol", "Ký hiệu quyết định", default=admin.DEFAULT_SYMBOL)
    place = issuer_field("place", "Địa danh (dòng ngày tháng)")
    authority = issuer_field("authority", "Thẩm quyền ban hành")
    signing_authority = issuer_field("signing_authority", "Quyền hạn ký (sau KT., TM.)")
    signer_title = issuer_field("signer_title", "Chức vụ người ký")

    def fill_choices(self, actor: User, form: AwardForm | None = None) -> None:
        self.owner_unit_id.fill(actor, form.owner_unit if form else None)

    def service_data(self) -> dict:
        return {
            "name": self.name.data,
            "owner_unit_id": self.owner_unit_id.data,
            "nominee_kinds": self.nominee_kinds.data,
            "criteria": self.criteria.data,
            **{key: getattr(self, key).data for key in admin.ISSUER_FIELDS},
        }


class CampaignForm(PageForm):
    title = StringField(
        "Tên đợt thi đua",
        validators=[DataRequired("Vui lòng nhập tên đợt thi đua."), Length(max=255, message="Tên tối đa 255 ký tự.")],
    )
    owner_unit_id = UnitField(
        "Đơn vị phát động",
        [DataRequired("Chọn đơn vị phát động.")],
        pool=admin.UnitPool.owning,
        lookup="admin.lookups.owner_units",
        options=lambda units: unit_choices(units, CHOOSE_UNIT),
        refused=admin.OWNER_OUTSIDE_SCOPE.format(role="Đơn vị phát động"),
    )
    starts_on = date_field("Ngày bắt đầu")
    ends_on = date_field("Ngày kết thúc")
    nomination_deadline = date_field("Hạn gửi hồ sơ đề nghị", required=False)
    award_form_ids = MultiCheckboxField(
        "Hình thức khen thưởng áp dụng", coerce=int, invalid_choice_message=BAD_CHOICE, invalid_value_message=BAD_CHOICE
    )
    description = TextAreaField("Nội dung, yêu cầu", validators=[Optional(), at_most(20_000)], render_kw={"rows": 6})

    def fill_choices(self, actor: User, campaign: Campaign | None = None) -> None:
        """Owners as UnitField offers them. Award forms: all the actor sees while they are few; past that, those a
        campaign of the chosen unit may award (none before one is chosen), found again as it changes
        (`award_forms_url`). Either way the campaign's own."""
        self.owner_unit_id.fill(actor, campaign.owner_unit if campaign else None)
        forms = admin.visible_award_forms(actor, limit=FEW_UNITS + 1)
        self.award_forms_url = None
        if len(forms) > FEW_UNITS:
            owner = self.owner_unit_id.chosen
            forms = admin.visible_award_forms(actor, line_of=owner) if owner else []
            self.award_forms_url = url_for("admin.lookups.campaign_award_forms")
        forms += [f for f in (campaign.award_forms if campaign else []) if f not in forms]
        self.award_form_ids.choices = [SelectChoice(str(c.id), c.label) for c in map(admin.award_form_choice, forms)]

    def service_data(self) -> dict:
        return {
            name: getattr(self, name).data
            for name in (
                "title",
                "owner_unit_id",
                "starts_on",
                "ends_on",
                "nomination_deadline",
                "award_form_ids",
                "description",
            )
        }


# The indicator catalogue ------------------------------------------------------------------------------------


INDICATOR_FIELDS = ("code", "name", "group", "measure", "kind", "position", "active")


class IndicatorForm(PageForm):
    """One indicator (chỉ tiêu) of the catalogue every unit reports on."""

    code = StringField(
        "Mã chỉ tiêu",
        validators=[DataRequired("Vui lòng nhập mã chỉ tiêu."), Length(max=40, message="Mã chỉ tiêu tối đa 40 ký tự.")],
    )
    name = StringField(
        "Tên chỉ tiêu",
        validators=[DataRequired("Vui lòng nhập tên chỉ tiêu."), Length(max=255, message="Tên tối đa 255 ký tự.")],
    )
    group = StringField(
        "Nhóm chỉ tiêu",
        validators=[
            DataRequired("Vui lòng nhập nhóm chỉ tiêu."),
            Length(max=255, message="Tên nhóm tối đa 255 ký tự."),
        ],
        render_kw={"list": "indicator-groups"},
    )
    measure = StringField(
        "Đơn vị tính",
        validators=[DataRequired("Vui lòng nhập đơn vị tính."), Length(max=60, message="Đơn vị tính tối đa 60 ký tự.")],
    )
    kind = SelectField(
        "Cách tổng hợp",
        choices=[SelectChoice(k.value, k.title) for k in IndicatorKind],
        default=IndicatorKind.sum.value,
        invalid_choice_message=BAD_CHOICE,
    )
    position = IntegerField("Thứ tự hiển thị", validators=[Optional()])
    active = BooleanField(
        "Đang sử dụng (bỏ chọn khi thôi báo cáo chỉ tiêu này; số liệu đã có vẫn được giữ)", default=True
    )

    def service_data(self) -> dict:
        return {name: getattr(self, name).data for name in INDICATOR_FIELDS}


# Word templates ----------------------------------------------------------------------------------------------


class TemplateUploadForm(PageForm):
    """A new version of a unit's Word template; the service checks the file itself (documents.validate_template)."""

    file = FileField("Tải lên mẫu mới (.docx)", validators=[FileRequired("Chọn tệp Word .docx cần tải lên.")])
