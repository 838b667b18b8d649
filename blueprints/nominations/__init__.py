from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from blueprints.downloads import send_bytes
from blueprints.errors import same_site_referrer
from blueprints.forms import attach_uploads
from blueprints.nominations.forms import ActionForm, BulkForm, NominationForm, UploadForm, bulk_fields
from blueprints.ui import past_the_end
from workflow import documents, permissions
from workflow.errors import NotFound
from workflow.services import admin, attachments, decisions, listing, nominations
from workflow.states import Action, Role

bp = Blueprint("nominations", __name__, url_prefix="/nominations")


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


@bp.get("/")
def index():
    filters = filters_from(request.args)
    page = listing.search(
        current_user,
        filters,
        page=request.args.get("page", 1, type=int),
        per_page=request.args.get("per_page", 25, type=int),
        anchor=listing.Anchor.parse(request.args.get("anchor")),
    )
    if beyond := past_the_end(page):
        return beyond
    communes = listing.proposal_communes(current_user)
    return render_template(
        "nominations/index.html",
        page=page,
        filters=filters,
        chosen=chosen_filters(filters),
        bulk=bulk_fields(),
        communes=communes,
        may_draft=nominations.may_draft(current_user),
        proposal_campaigns=admin.visible_campaigns(current_user) if communes else [],
    )


def chosen_filters(filters: listing.Filters) -> SimpleNamespace:
    """The unit, campaign and award form the filters name, for their boxes; None where it is not in the scope."""

    def visible(get, object_id):
        try:
            return get(current_user, object_id) if object_id else None
        except NotFound:
            return None

    return SimpleNamespace(
        unit=visible(admin.get_unit, filters.unit_id),
        campaign=visible(admin.get_campaign, filters.campaign_id),
        award_form=visible(admin.get_award_form, filters.award_form_id),
    )


def filters_from(args) -> listing.Filters:
    return listing.Filters(
        state=args.get("state") or None,
        unit_id=args.get("unit_id", type=int),
        campaign_id=args.get("campaign_id", type=int),
        award_form_id=args.get("award_form_id", type=int),
        nominee_kind=args.get("nominee_kind") or None,
        q=args.get("q") or None,
    )


@bp.get("/proposal.docx")
def proposal():
    """The commune's Tờ trình for what it approved in a campaign, generated on demand."""
    campaign = admin.get_campaign(current_user, request.args.get("campaign_id", type=int))
    unit, approved = listing.approved_by_commune(current_user, request.args.get("unit_id", type=int), campaign.id)
    if not approved:
        flash(f"{unit.name} chưa duyệt hồ sơ nào trong đợt thi đua này.", "warning")
        return redirect(url_for(".index", campaign_id=campaign.id))
    return send_bytes(
        documents.proposal_document(unit, campaign, approved), f"To-trinh-{unit.code}-dot-{campaign.id}.docx"
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    nominations.require_drafter(current_user)  # before the form: nobody fills in what they cannot send
    form = NominationForm()
    form.fill_choices(current_user)
    if nomination := form.saved(lambda: _create(form)):
        flash("Đã lưu dự thảo hồ sơ đề nghị. Kiểm tra lại rồi bấm “Gửi duyệt”.", "success")
        return redirect(url_for(".detail", nomination_id=nomination.id))
    return render_template("nominations/form.html", form=form, nomination=None), form.status


def _create(form: NominationForm):
    nomination = nominations.create(current_user, form.service_data())
    attach_uploads(current_user, nomination, form.files.data)
    return nomination


@bp.get("/<int:nomination_id>")
def detail(nomination_id: int):
    nomination = nominations.get(current_user, nomination_id)
    actions = nominations.available_actions(current_user, nomination)
    can_edit = permissions.edit_denial(current_user, nomination) is None
    return render_template(
        "nominations/detail.html",
        nomination=nomination,
        actions=actions,
        can_edit=can_edit,
        history=listing.history(nomination),
        action_form=ActionForm() if actions else None,  # forms only for the buttons shown
        upload_form=UploadForm() if can_edit else None,
        chain=listing.chain_units(nomination),
        decision=decisions.decision_of(nomination),
        judges=bool(permissions.role_units(current_user, Role.reviewer, Role.secretariat)),
    )


@bp.route("/<int:nomination_id>/edit", methods=["GET", "POST"])
def edit(nomination_id: int):
    nomination = nominations.get(current_user, nomination_id)
    if request.method == "GET":  # a save is refused by the service, on the form, with what was typed kept
        nominations.require_editable(current_user, nomination)
    form = NominationForm(obj=nomination)
    form.fill_choices(current_user, nomination)
    if request.method == "GET":
        form.version.data = nomination.version
    if form.saved(lambda: _update(form, nomination), saved_copy=lambda: _stored(nomination)):
        flash("Đã lưu thay đổi.", "success")
        return redirect(url_for(".detail", nomination_id=nomination.id))
    return render_template("nominations/form.html", form=form, nomination=nomination), form.status


def _stored(nomination) -> NominationForm:
    form = NominationForm(formdata=None, obj=nomination)
    form.fill_choices(current_user, nomination)
    return form


def _update(form: NominationForm, nomination):
    nominations.update(current_user, nomination, form.service_data(), version=form.version.data)
    attach_uploads(current_user, nomination, form.files.data)
    return nomination


@bp.post("/<int:nomination_id>/actions/<action>")
def act(nomination_id: int, action: str):
    nomination = nominations.get(current_user, nomination_id)
    form = ActionForm()
    if not form.validate():
        abort(400)
    nominations.perform(current_user, nomination, action, comment=form.comment.data or "", version=form.version.data)
    flash(f"Đã thực hiện “{Action(action).title}”: {nomination.state_enum.title}.", "success")
    return redirect(url_for(".detail", nomination_id=nomination.id))


@bp.post("/bulk")
def bulk():
    form = BulkForm()
    ids = request.form.getlist("ids", type=int)
    if not form.validate() or not ids:
        flash("Chọn ít nhất một hồ sơ và một thao tác.", "warning")
        return redirect(same_site_referrer() or url_for(".index"))
    result = nominations.perform_many(current_user, ids, form.action.data, comment=form.comment.data or "")
    return render_template("nominations/bulk_result.html", result=result, action=Action(form.action.data))


@bp.post("/<int:nomination_id>/attachments")
def upload(nomination_id: int):
    nomination = nominations.get(current_user, nomination_id)
    form = UploadForm()
    if not form.validate():
        abort(400)
    attach_uploads(current_user, nomination, form.files.data)
    flash("Đã tải lên tệp đính kèm.", "success")
    return redirect(url_for(".detail", nomination_id=nomination.id))


@bp.get("/<int:nomination_id>/attachments/<int:attachment_id>")
def download(nomination_id: int, attachment_id: int):
    attachment = attachments.get(nominations.get(current_user, nomination_id), attachment_id)
    return send_bytes(attachment.data, attachment.filename, attachment.content_type)


@bp.post("/<int:nomination_id>/attachments/<int:attachment_id>/delete")
def delete_attachment(nomination_id: int, attachment_id: int):
    nomination = nominations.get(current_user, nomination_id)
    attachments.remove(current_user, nomination, attachment_id)
    flash("Đã xóa tệp đính kèm.", "info")
    return redirect(url_for(".detail", nomination_id=nomination.id))
