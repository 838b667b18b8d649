"""Accounts and their roles, for administrators, within the units they administer; the record of what was done
to them, and lifting a lock-out."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.forms import UnlockForm, UserCreateForm, UserEditForm, role_rows
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
        may_unlock=lambda user: admin.may_unlock(current_user, user),
        unlock_form=UnlockForm(),
    )


@bp.get("/history")
def history():
    admin.require_administrator(current_user)
    q = request.args.get("q", "")
    return render_template(
        "admin/account_events.html",
        page=admin.event_page(current_user, q=q, page=request.args.get("page", 1, type=int)),
        q=q,
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
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        outside=outside,
        history=admin.account_history(current_user, user),
        may_unlock=admin.may_unlock(current_user, user),
        unlock_form=UnlockForm(),
    ), form.status


@bp.post("/<int:user_id>/unlock")
def unlock(user_id: int):
    user = admin.get_user(current_user, user_id)
    if not UnlockForm().validate():
        abort(400)
    admin.unlock_user(current_user, user)
    flash(f"Đã mở khóa đăng nhập cho tài khoản “{user.username}”.", "success")
    return redirect(url_for(".edit", user_id=user.id))
