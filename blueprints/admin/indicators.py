"""The indicator catalogue (chỉ tiêu báo cáo): everyone browses it; only a global administrator changes it."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from blueprints.admin.forms import IndicatorForm
from workflow.models import Indicator
from workflow.services.reports import indicators

bp = Blueprint("indicators", __name__, url_prefix="/indicators")


def by_group(items: list[Indicator]) -> list[tuple[str, list[Indicator]]]:
    """The catalogue's groups in the order their first indicator comes, each with its indicators in order."""
    groups: dict[str, list[Indicator]] = {}
    for item in items:
        groups.setdefault(item.group, []).append(item)
    return list(groups.items())


@bp.get("/")
def index():
    return render_template(
        "admin/indicators.html",
        groups=by_group(indicators.catalogue(include_inactive=True)),
        can_edit=indicators.can_edit(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    indicators.require_editor(current_user)
    catalogue = indicators.catalogue(include_inactive=True)
    form = IndicatorForm(position=max((i.position for i in catalogue), default=0) + 10)
    if indicator := form.saved(lambda: indicators.save(current_user, form.service_data())):
        flash(f"Đã thêm chỉ tiêu “{indicator.name}” ({indicator.code}).", "success")
        return redirect(url_for(".index"))
    groups = [group for group, _ in by_group(catalogue)]
    return render_template("admin/indicator_form.html", form=form, indicator=None, groups=groups), form.status


@bp.route("/<int:indicator_id>/edit", methods=["GET", "POST"])
def edit(indicator_id: int):
    indicators.require_editor(current_user)
    indicator = indicators.get(indicator_id)
    form = IndicatorForm(obj=indicator)
    if form.saved(lambda: indicators.save(current_user, form.service_data(), indicator)):
        flash(f"Đã lưu chỉ tiêu “{indicator.name}” ({indicator.code}).", "success")
        return redirect(url_for(".index"))
    groups = [group for group, _ in by_group(indicators.catalogue(include_inactive=True))]
    return render_template("admin/indicator_form.html", form=form, indicator=indicator, groups=groups), form.status
