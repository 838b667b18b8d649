"""Accounts and their roles, for administrators, within the units they administer."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.forms import UserCreateForm, UserEditForm, role_rows
from workflow import permissions
from workflow.services import admin

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("/")
def index():
    admin.require_administrator(current_user)
    q = request.args.get("q", "")
    return render_template(
        "admin/users.html",
        page=admin.user_page(current_user, q=q, page=request.args.get("page", 1, type=int)),
        q=q,
        administers=lambda unit: permissions.can_administer(current_user, unit),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    admin.require_administrator(current_user)
    form = UserCreateForm()
    form.fill_choices(current_user)
    if user := form.saved(lambda: admin.create_user(current_user, form.service_data())):
        flash(f"Đã tạo tài khoản “{user.username}”.", "success")
        return redirect(url_for(".index"))
    return render_template("admin/user_form.html", form=form, user=None, outside=[]), form.status


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
def edit(user_id: int):
    user = admin.get_user(current_user, user_id)
    rows, outside = role_rows(current_user, user)
    form = UserEditForm(obj=user, role_rows=rows)
    form.fill_choices(current_user)
    if form.saved(lambda: admin.update_user(current_user, user, form.service_data())):
        flash(f"Đã lưu tài khoản “{user.username}”.", "success")
        return redirect(url_for(".index"))
    return render_template("admin/user_form.html", form=form, user=user, outside=outside), form.status
