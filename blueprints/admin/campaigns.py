"""Campaigns (đợt thi đua): everyone browses those of their scope; the secretariat and admins of the
running unit change them."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from blueprints.admin.forms import CampaignForm
from workflow import permissions
from workflow.services import admin

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


def _manages(obj) -> bool:
    return permissions.can_manage_awards(current_user, obj.owner_unit)


@bp.get("/")
def index():
    return render_template(
        "admin/campaigns.html",
        campaigns=admin.visible_campaigns(current_user),
        can_edit=_manages,
        manages=admin.manages_awards_somewhere(current_user),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    admin.require_award_manager(current_user)
    form = CampaignForm()
    form.fill_choices(current_user)
    if campaign := form.saved(lambda: admin.save_campaign(current_user, form.service_data())):
        flash(f"Đã thêm đợt thi đua “{campaign.title}”.", "success")
        return redirect(url_for(".index"))
    return render_template("admin/campaign_form.html", form=form, campaign=None), form.status


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
def edit(campaign_id: int):
    campaign = admin.get_campaign(current_user, campaign_id)
    admin.require_award_manager(current_user, campaign.owner_unit)
    form = CampaignForm(obj=campaign, award_form_ids=[f.id for f in campaign.award_forms])
    form.fill_choices(current_user, campaign)
    if form.saved(lambda: admin.save_campaign(current_user, form.service_data(), campaign)):
        flash(f"Đã lưu đợt thi đua “{campaign.title}”.", "success")
        return redirect(url_for(".index"))
    return render_template("admin/campaign_form.html", form=form, campaign=campaign), form.status
