"""The report form: the four narrative sections and one input per indicator (two for a ratio), built from the
catalogue. Figures are plain text boxes: the service reads "35000", "35.000" or "35 000" and says what is wrong in
Vietnamese, next to the input, which keeps what the user typed."""

from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired

from blueprints.forms import EditForm
from blueprints.nominations.forms import ActionForm, UploadForm
from workflow.models import Indicator, Report, Unit
from workflow.services.reports import filing

__all__ = ["ActionForm", "ReportForm", "UploadForm", "NewReportForm", "report_form"]

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ReportForm(EditForm):
    results = TextAreaField(filing.NARRATIVE["results"], render_kw={"rows": 8})
    shortcomings = TextAreaField(filing.NARRATIVE["shortcomings"], render_kw={"rows": 5})
    lessons = TextAreaField(filing.NARRATIVE["lessons"], render_kw={"rows": 4})
    proposals = TextAreaField(filing.NARRATIVE["proposals"], render_kw={"rows": 4})

    indicators: list[Indicator] = []

    def value_field(self, indicator: Indicator):
        return self[f"value_{indicator.code}"]

    def total_field(self, indicator: Indicator):
        return self[f"total_{indicator.code}"]

    def narrative(self):
        return [self[name] for name in filing.NARRATIVE]

    def service_data(self) -> dict:
        data = {name: self[name].data or "" for name in filing.NARRATIVE}
        data["values"] = {
            i.code: {"value": self.value_field(i).data, "total": self.total_field(i).data}
            if i.is_ratio
            else self.value_field(i).data
            for i in self.indicators
        }
        return data


class NewReportForm(ReportForm):
    unit_id = SelectField("Đơn vị báo cáo", coerce=int, validators=[DataRequired("Chọn đơn vị báo cáo.")])

    def fill_choices(self, units: list[Unit]) -> None:
        self.unit_id.choices = [SelectChoice(u.id, u.name) for u in units]

    def service_data(self) -> dict:
        return super().service_data() | {"unit_id": self.unit_id.data}


def report_form(catalogue: list[Indicator], base: type[ReportForm] = ReportForm, report: Report | None = None, **data):
    """A form with a text box per active indicator ("value_CODE", and "total_CODE" for a ratio), filled from the
    report's figures until the user posts theirs; the service's "values.CODE" messages land on those boxes. An
    indicator withdrawn from the catalogue keeps its boxes while the report has a figure for it, so saving the
    form does not drop that figure."""
    figures = filing.figures(report) if report is not None else {}
    indicators = [i for i in catalogue if i.active or i.code in figures]
    fields, aliases = {}, {}
    for indicator in indicators:
        fields[f"value_{indicator.code}"] = StringField(
            f"{indicator.name} – đạt chuẩn" if indicator.is_ratio else indicator.name,
            filters=[_strip],
            render_kw=NUMERIC,
        )
        aliases[f"values.{indicator.code}"] = f"value_{indicator.code}"
        if indicator.is_ratio:
            fields[f"total_{indicator.code}"] = StringField(
                f"{indicator.name} – tổng số", filters=[_strip], render_kw=NUMERIC
            )
            aliases[f"values.{indicator.code}.total"] = f"total_{indicator.code}"
    form_class = type(base.__name__, (base,), fields | {"field_aliases": aliases, "indicators": indicators})
    for code, figure in figures.items():
        data.setdefault(f"value_{code}", str(figure["value"]))
        if figure["total"] is not None:
            data.setdefault(f"total_{code}", str(figure["total"]))
    return form_class(obj=report, **data)
