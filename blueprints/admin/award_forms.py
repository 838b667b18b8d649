"""Award forms (hình thức khen thưởng): everyone browses those of their scope; the secretariat and admins
of the issuing unit change them."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from blueprints.admin.forms import AwardFormForm
from workflow import permissions
from workflow.services import admin

bp = Blueprint("award_forms", __name__, url_prefix="/award-forms")


def _manages(obj) -> bool:
    return permissions.can_manage_awards(current_user, obj.owner_unit)


@bp.get("/")
def index():
    return render_template(
        "admin/award_forms.html",
        award_forms=admin.visible_award_forms(current_user),
        can_edit=_manages,
        manages=admin.manages_awards_somewhere(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    admin.require_award_manager(current_user)
    form = AwardFormForm()
    form.fill_choices(current_user)
    if award_form := form.saved(lambda: admin.save_award_form(current_user, form.service_data())):
        flash(f"Đã thêm hình thức khen thưởng “{award_form.name}”.", "success")
        return redirect(url_for(".index"))
    return render_template("admin/award_form_form.html", form=form, award_form=None), form.status


@bp.route("/<int:form_id>/edit", methods=["GET", "POST"])
def edit(form_id: int):
    award_form = admin.get_award_form(current_user, form_id)
    admin.require_award_manager(current_user, award_form.owner_unit)
    form = AwardFormForm(obj=award_form)
    form.fill_choices(current_user, award_form)
    if form.saved(lambda: admin.save_award_form(current_user, form.service_data(), award_form)):
        flash(f"Đã lưu hình thức khen thưởng “{award_form.name}”.", "success")
        return redirect(url_for(".index"))
    return render_template("admin/award_form_form.html", form=form, award_form=award_form), form.status
