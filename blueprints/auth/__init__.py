from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from blueprints.forms import Form
from workflow.errors import AuthenticationError
from workflow.services import auth

bp = Blueprint("auth", __name__)


class LoginForm(Form):
    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập.")])
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu.")])


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.inbox"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = auth.authenticate(form.username.data, form.password.data)
        except AuthenticationError as error:
            form.password.errors.append(error.message)
        else:
            login_user(user)
            flash(f"Xin chào {user.full_name}.", "success")
            return redirect(_safe_next() or url_for("main.inbox"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 401


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


def _safe_next() -> str | None:
    target = request.args.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else None
