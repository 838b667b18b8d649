"""Units: the tree in the user's scope; administrators add, rename, recode and move units."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.forms import UnitForm
from workflow import permissions
from workflow.services import admin

bp = Blueprint("units", __name__, url_prefix="/units")


def unit_list(pool: admin.UnitPool = admin.UnitPool.seen) -> dict:
    """What a searchable page of the user's units of `pool` shows (the `unit_search` and `unit_name` macros): the
    page asked for, its rows indented in tree order (flat, with their parents, for a search), the search."""
    q, level = request.args.get("q", ""), request.args.get("level", "")
    page = admin.unit_page(current_user, q=q, level=level, page=request.args.get("page", 1, type=int), pool=pool)
    tree, flat = admin.indented(current_user, page.items), bool(q.strip() or level)
    return {"page": page, "tree": tree, "flat": flat, "q": q, "level": level}


@bp.get("/")
def index():
    units = unit_list()
    return render_template(
        "admin/units.html",
        **units,
        editable={u.id for u in units["page"].items if permissions.can_administer(current_user, u)},
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
