from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from blueprints.forms import Form
from blueprints.security import login_limit
from workflow.errors import AuthenticationError
from workflow.services import auth
from workflow.text import local_path

bp = Blueprint("auth", __name__)


class LoginForm(Form):
    username = StringField(
        "Tên đăng nhập",
        validators=[DataRequired("Vui lòng nhập tên đăng nhập.")],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Mật khẩu",
        validators=[DataRequired("Vui lòng nhập mật khẩu.")],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordForm(Form):
    current = PasswordField(
        "Mật khẩu hiện tại",
        validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        "Mật khẩu mới",
        validators=[DataRequired("Vui lòng nhập mật khẩu mới.")],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[EqualTo("password", "Mật khẩu nhập lại không khớp.")],
        render_kw={"autocomplete": "new-password"},
    )


@bp.route("/login", methods=["GET", "POST"])
@login_limit
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
            _sign_in(user)
            flash(f"Xin chào {user.full_name}.", "success")
            return redirect(local_path(request.args.get("next")) or url_for("main.inbox"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 401


@bp.post("/logout")
@login_required
def logout():
    auth.end_session(current_user.session_key)
    _sign_out()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    auth.end_every_session(current_user._get_current_object())
    _sign_out()
    flash(
        "Đã đăng xuất khỏi mọi nơi: mọi phiên đăng nhập và mã truy cập API của bạn đã hết hiệu lực. "
        "Đăng nhập lại để tiếp tục.",
        "info",
    )
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@login_limit
def change_password():
    form = PasswordForm()
    me = current_user._get_current_object()
    user = form.saved(lambda: auth.change_own_password(me, form.current.data, form.password.data))
    if user:
        _sign_in(user)  # the new password ended every session: this browser carries on in a fresh one
        flash("Đã đổi mật khẩu. Các phiên đăng nhập khác và mã truy cập API của bạn đã hết hiệu lực.", "success")
        return redirect(url_for("main.inbox"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200


def _sign_in(user) -> None:
    # A fresh session: nothing from before signing in (set by whoever held the browser) carries over.
    session.clear()
    auth.start_session(user)
    login_user(user)


def _sign_out() -> None:
    logout_user()
    session.clear()
