"""Opening and editing review periods (the collecting unit's secretariat or an admin over it)."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from blueprints.reports import bp
from blueprints.reports.period_forms import PeriodForm
from workflow.services.reports import periods


@bp.route("/periods/new", methods=["GET", "POST"])
def new_period():
    periods.require_manager(current_user)  # before the form: nobody fills in what they cannot send
    form = PeriodForm()
    form.fill_choices(current_user)
    if period := form.saved(lambda: periods.save(current_user, form.service_data())):
        flash(f"Đã mở kỳ báo cáo “{period.title}”.", "success")
        return redirect(url_for("reports.period", period_id=period.id))
    return render_template("reports/period_form.html", form=form, period=None), form.status


@bp.route("/periods/<int:period_id>/edit", methods=["GET", "POST"])
def edit_period(period_id: int):
    period = periods.get(current_user, period_id)
    periods.require_manager(current_user, period)
    form = PeriodForm(obj=period)
    form.fill_choices(current_user, period)
    if form.saved(lambda: periods.save(current_user, form.service_data(), period)):
        flash(f"Đã lưu kỳ báo cáo “{period.title}”.", "success")
        return redirect(url_for("reports.period", period_id=period.id))
    return render_template("reports/period_form.html", form=form, period=period), form.status
