"""Units: the tree in the user's scope; administrators add, rename, recode and move units."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.forms import UnitForm
from workflow.services import admin
from workflow.states import Role

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/")
def index():
    return render_template(
        "admin/units.html",
        tree=admin.unit_tree(admin.units_in_scope(current_user, *Role)),
        editable={u.id for u in admin.units_in_scope(current_user, Role.admin)},
        administers=admin.administers_some_unit(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    admin.require_administrator(current_user)
    form = UnitForm()
    form.fill_choices(current_user)
    if request.method == "GET":
        form.parent_id.data = request.args.get("parent_id", type=int)
    if unit := form.saved(lambda: admin.create_unit(current_user, form.service_data())):
        flash(f"Đã thêm đơn vị “{unit.name}”.", "success")
        return redirect(url_for(".index", _anchor=f"unit-{unit.id}"))
    return render_template("admin/unit_form.html", form=form, unit=None), form.status


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
def edit(unit_id: int):
    unit = admin.get_unit(current_user, unit_id)
    admin.require_administrator(current_user, unit)
    form = UnitForm(obj=unit)
    form.fill_choices(current_user, unit)
    if form.saved(lambda: admin.update_unit(current_user, unit, form.service_data())):
        flash(f"Đã lưu đơn vị “{unit.name}”.", "success")
        return redirect(url_for(".index", _anchor=f"unit-{unit.id}"))
    return render_template("admin/unit_form.html", form=form, unit=unit), form.status
