"""The reports pages: periods, a unit's report, review actions, the consolidated view, downloads."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.downloads import XLSX, send_bytes
from blueprints.forms import attach_uploads
from blueprints.reports import bp, display
from blueprints.reports.forms import ActionForm, NewReportForm, UploadForm, report_form
from workflow import documents, permissions
from workflow.errors import PermissionDenied
from workflow.models import ReviewPeriod, Unit
from workflow.services import admin, attachments
from workflow.services.reports import consolidation, exports, filing, indicators, periods
from workflow.states import Action, ReportState, Role

bp.add_app_template_global(ReportState, "ReportState")
for _name in ("number", "figure", "change", "value", "event_title", "state_title", "grouped"):
    bp.add_app_template_filter(getattr(display, _name), f"report_{_name}")


@bp.get("/")
def index():
    return render_template(
        "reports/index.html",
        rows=filing.overview(current_user, periods.visible(current_user)),
        opens_periods=periods.opens_periods(current_user),
    )


@bp.get("/periods/<int:period_id>", endpoint="period")
def consolidated(period_id: int):
    period = periods.get(current_user, period_id)
    result = consolidation.consolidate(current_user, period, _unit_in(period))
    line = display.chosen_line(result, request.args.get("indicator"))
    parent, children = periods.related(current_user, period)
    return render_template(
        "reports/period.html",
        result=result,
        period=period,
        unit=result.unit,
        line=line,
        trend=display.trend(result, line.indicator) if line else [],
        charts=display.charts(result, line),
        groups=display.grouped(result.lines, lambda line: line.indicator),
        parent=parent,
        child_periods=children,
        up=consolidation.upper_unit(current_user, period, result.unit),
        manages=permissions.can_manage_periods(current_user, period.owner_unit),
        sees=lambda unit: permissions.has_role_over(current_user, unit, *Role),
    )


@bp.get("/periods/<int:period_id>/consolidated.xlsx")
def consolidated_xlsx(period_id: int):
    period = periods.get(current_user, period_id)
    result = consolidation.consolidate(current_user, period, _unit_in(period))
    return send_bytes(exports.consolidated_workbook(result), exports.filename(result), XLSX)


def _unit_in(period: ReviewPeriod) -> Unit:
    """The unit asked for (?unit_id=), else the one the user sees the period from."""
    if unit_id := request.args.get("unit_id"):
        return admin.get_unit(current_user, unit_id)
    return consolidation.default_unit(current_user, period)


@bp.route("/new", methods=["GET", "POST"])
def new_report():
    period = periods.get(current_user, request.args.get("period_id"))
    units = filing.filing_units(current_user, period)
    if not units:
        raise PermissionDenied("Bạn không lập báo cáo cho đơn vị nào trong kỳ này.")
    unit_id = request.args.get("unit_id", type=int)
    existing = next((filing.of(period, u) for u in units if u.id == unit_id), None)
    if existing is not None:
        flash(f"{existing.unit.name} đã có báo cáo cho kỳ này: mở báo cáo đó để sửa.", "info")
        return redirect(url_for(".report", report_id=existing.id))
    form = report_form(indicators.catalogue(include_inactive=True), NewReportForm, unit_id=unit_id)
    form.fill_choices(units)
    if report := form.saved(lambda: filing.create(current_user, period, form.service_data())):
        flash("Đã lưu dự thảo báo cáo. Kiểm tra lại rồi bấm “Gửi duyệt”.", "success")
        return redirect(url_for(".report", report_id=report.id))
    return render_template("reports/form.html", form=form, period=period, report=None, source=None), form.status


@bp.route("/<int:report_id>/edit", methods=["GET", "POST"])
def edit(report_id: int):
    report = filing.get(current_user, report_id)
    if request.method == "GET":  # a save is refused by the service, on the form, with what was typed kept
        filing.require_editable(current_user, report)
    catalogue = indicators.catalogue(include_inactive=True)
    initial = {"version": report.version} if request.method == "GET" else {}
    form = report_form(catalogue, report=report, **initial)
    saved = form.saved(
        lambda: filing.update(current_user, report, form.service_data(), version=form.version.data),
        saved_copy=lambda: report_form(catalogue, report=report, formdata=None),
    )
    if saved:
        flash("Đã lưu thay đổi.", "success")
        return redirect(url_for(".report", report_id=report.id))
    source = periods.child_period(report.period, report.unit)
    return render_template(
        "reports/form.html", form=form, period=report.period, report=report, source=source
    ), form.status


@bp.post("/<int:report_id>/fill")
def fill(report_id: int):
    report = filing.get(current_user, report_id)
    form = _valid(ActionForm())
    source = filing.fill_from_consolidation(current_user, report, version=form.version.data)
    flash(
        f"Đã lấy số liệu tổng hợp từ kỳ “{source.title}”. Kiểm tra lại, viết phần báo cáo bằng lời rồi lưu.",
        "success",
    )
    return redirect(url_for(".edit", report_id=report.id))


@bp.get("/<int:report_id>", endpoint="report")
def detail(report_id: int):
    report = filing.get(current_user, report_id)
    editable = filing.edit_denial(current_user, report) is None
    return render_template(
        "reports/detail.html",
        report=report,
        groups=display.grouped(sorted(report.values, key=_position), lambda value: value.indicator),
        actions=filing.available_actions(current_user, report),
        can_edit=editable,
        source=periods.child_period(report.period, report.unit) if editable else None,
        history=filing.history(report),
        narrative=filing.NARRATIVE,
        action_form=ActionForm(),
        upload_form=UploadForm(),
    )


def _position(value) -> tuple[int, int]:
    return value.indicator.position, value.indicator.id


@bp.post("/<int:report_id>/actions/<action>")
def act(report_id: int, action: str):
    report = filing.get(current_user, report_id)
    form = _valid(ActionForm())
    filing.perform(current_user, report, action, comment=form.comment.data or "", version=form.version.data)
    flash(f"Đã thực hiện “{Action(action).title}”: {report.state_enum.title}.", "success")
    return redirect(url_for(".report", report_id=report.id))


@bp.get("/<int:report_id>.docx")
def document(report_id: int):
    report = filing.get(current_user, report_id)
    return send_bytes(documents.report_document(report), documents.report_filename(report))


@bp.post("/<int:report_id>/attachments")
def upload(report_id: int):
    report = filing.get(current_user, report_id)
    attach_uploads(current_user, report, _valid(UploadForm()).files.data)
    flash("Đã tải lên tệp đính kèm.", "success")
    return redirect(url_for(".report", report_id=report.id))


@bp.get("/<int:report_id>/attachments/<int:attachment_id>")
def download(report_id: int, attachment_id: int):
    attachment = attachments.get(filing.get(current_user, report_id), attachment_id)
    return send_bytes(attachment.data, attachment.filename, attachment.content_type)


@bp.post("/<int:report_id>/attachments/<int:attachment_id>/delete")
def delete_attachment(report_id: int, attachment_id: int):
    report = filing.get(current_user, report_id)
    attachments.remove(current_user, report, attachment_id)
    flash("Đã xóa tệp đính kèm.", "info")
    return redirect(url_for(".report", report_id=report.id))


def _valid(form):
    if not form.validate():
        abort(400)
    return form
