"""The form that opens or changes a review period. It checks shapes and required fields; periods.save decides the
rest (who may collect, the order of the dates, levels below the collecting unit, the parent period)."""

import json
from datetime import date

from wtforms import SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from blueprints.admin.forms import (
    BAD_CHOICE,
    CHOOSE_UNIT,
    MultiCheckboxField,
    UnitField,
    date_field,
    optional_int,
    unit_choices,
)
from blueprints.forms import Form as PageForm
from workflow import clock
from workflow.models import ReviewPeriod, Unit, User
from workflow.services import admin
from workflow.services.reports import periods
from workflow.states import Level, PeriodKind

MOVEMENT = "phong trào Toàn dân bảo vệ ANTQ"
# The suggested title of each kind of period. static/js/app.js fills the same patterns as the user picks.
TITLE_PATTERNS = {
    PeriodKind.half_year: "Sơ kết 6 tháng {half} năm {year} " + MOVEMENT + " – {unit}",
    PeriodKind.year: "Tổng kết " + MOVEMENT + " năm {year} – {unit}",
    PeriodKind.phase: "Tổng kết " + MOVEMENT + " giai đoạn {start_year}–{year} – {unit}",
    PeriodKind.themed: "Sơ kết chuyên đề " + MOVEMENT + " năm {year} – {unit}",
}


def suggested_title(kind: str, starts_on: date, ends_on: date, unit_name: str) -> str:
    """E.g. "Tổng kết phong trào Toàn dân bảo vệ ANTQ năm 2026 – Huyện Lạc Dương"."""
    return TITLE_PATTERNS[PeriodKind(kind)].format(
        half="đầu" if starts_on.month <= 6 else "cuối",
        start_year=starts_on.year,
        year=ends_on.year,
        unit=unit_name,
    )


class PeriodForm(PageForm):
    owner_unit_id = UnitField(
        "Đơn vị tổng hợp",
        [DataRequired("Chọn đơn vị tổng hợp báo cáo.")],
        pool=admin.UnitPool.owning,
        lookup="admin.lookups.owner_units",
        options=lambda units: unit_choices(units, CHOOSE_UNIT, named=True),  # named for the suggested title
        refused=admin.OWNER_OUTSIDE_SCOPE.format(role="Đơn vị tổng hợp"),
    )
    kind = SelectField(
        "Loại kỳ báo cáo",
        choices=[SelectChoice(k.value, k.title) for k in PeriodKind],
        default=PeriodKind.year.value,
        invalid_choice_message=BAD_CHOICE,
        validators=[DataRequired("Chọn loại kỳ báo cáo.")],
    )
    title = StringField(
        "Tên kỳ báo cáo",
        validators=[Optional(), Length(max=255, message="Tên kỳ báo cáo tối đa 255 ký tự.")],
    )
    starts_on = date_field("Từ ngày")
    ends_on = date_field("Đến ngày")
    due_on = date_field("Hạn gửi báo cáo")
    reporting_levels = MultiCheckboxField("Cấp phải báo cáo", invalid_choice_message=BAD_CHOICE)
    parent_id = SelectField(
        "Thuộc kỳ báo cáo của cấp trên", coerce=optional_int, validate_choice=False, invalid_value_message=BAD_CHOICE
    )

    def fill_choices(self, actor: User, period: ReviewPeriod | None = None) -> None:
        """Collecting units and parent periods the actor may use (plus the period's own); a new period starts as
        this year's yearly review of the first of them."""
        owners = self.owner_unit_id.fill(actor, period.owner_unit if period else None)
        offered = set(periods.reporting_levels_offered(actor))
        if period is not None:
            offered |= {*periods.reporting_levels_below(period.owner_unit), *period.reporting_levels}
        self.reporting_levels.choices = [SelectChoice(level.value, level.title) for level in Level if level in offered]
        parents = [p for p in periods.parent_candidates(actor) if period is None or p.id != period.id]
        if period is not None and period.parent is not None and period.parent not in parents:
            parents.append(period.parent)
        self.parent_id.choices = [SelectChoice("", "— Không có (kỳ độc lập) —")] + [
            SelectChoice(str(p.id), p.title if p.owner_unit.name in p.title else f"{p.title} · {p.owner_unit.name}")
            for p in parents
        ]
        if period is None and not self.is_submitted() and owners:
            self._prefill(owners[0], clock.today())
        self.title.render_kw = {
            "data-title-patterns": json.dumps(TITLE_PATTERNS, ensure_ascii=False),
            "data-suggested": self._suggestion() or "",
        }

    def _prefill(self, owner: Unit, today: date) -> None:
        self.owner_unit_id.data = owner.id
        self.starts_on.data, self.ends_on.data = date(today.year, 1, 1), date(today.year, 12, 31)
        self.due_on.data = date(today.year, 12, 15)
        self.reporting_levels.data = [level.value for level in periods.reporting_levels_below(owner)]
        self.title.data = self._suggestion()

    def _suggestion(self) -> str | None:
        """The title the chosen kind, dates and unit suggest; None until all of them are valid."""
        owner = self.owner_unit_id.chosen
        kind, starts, ends = self.kind.data, self.starts_on.data, self.ends_on.data
        if owner is None or kind not in TITLE_PATTERNS or not isinstance(starts, date) or not isinstance(ends, date):
            return None
        return suggested_title(kind, starts, ends, owner.name)

    def service_data(self) -> dict:
        """The fields as periods.save takes them; a title left blank becomes the suggested one."""
        return {
            "owner_unit_id": self.owner_unit_id.data,
            "kind": self.kind.data,
            "title": self.title.data or self._suggestion(),
            "starts_on": self.starts_on.data,
            "ends_on": self.ends_on.data,
            "due_on": self.due_on.data,
            "reporting_levels": self.reporting_levels.data or [],
            "parent_id": self.parent_id.data,
        }
