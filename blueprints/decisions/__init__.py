"""Award decisions: the register everyone on the line of the tree reads, and the secretariat's work: compose a
draft from fully approved nominations, adjust it, preview it, issue it, revoke it. Award history by name."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from blueprints.decisions.files import NO_LIBREOFFICE, send_issued
from blueprints.decisions.forms import ActionForm, ComposeForm, DecisionForm, RevokeForm
from blueprints.downloads import send_bytes
from blueprints.errors import same_site_referrer
from blueprints.ui import past_the_end
from workflow import documents
from workflow.documents import PdfUnavailable
from workflow.errors import PermissionDenied
from workflow.services import admin, decisions, listing
from workflow.states import NomineeKind

bp = Blueprint("decisions", __name__, url_prefix="/decisions")

PER_PAGE = 25
KIND = "<any(decision, certificates):kind>"


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


@bp.get("/")
def index():
    q, year, number = request.args.get("q", ""), _int_arg("year"), _int_arg("page", 1)
    found = decisions.register(current_user, q=q, year=year, page=number, per_page=PER_PAGE)
    page = listing.Page(listing.with_items(found.items), found.total, number, PER_PAGE)
    if beyond := past_the_end(page):
        return beyond
    return render_template(
        "decisions/index.html",
        page=page,
        drafts=listing.with_items(decisions.drafts(current_user)),
        composes=bool(decisions.issuable_award_forms(current_user)),
        q=q,
        year=year,
    )


@bp.get("/compose")
def compose():
    forms = decisions.issuable_award_forms(current_user)
    if not forms:
        raise PermissionDenied("Chỉ Thường trực Hội đồng Thi đua – Khen thưởng mới soạn quyết định khen thưởng.")
    award_form_id = request.args.get("award_form_id", type=int) or forms[0].id
    campaign_id = request.args.get("campaign_id", type=int)
    return render_template(
        "decisions/compose.html",
        nominations=decisions.eligible(current_user, award_form_id, campaign_id),
        award_forms=forms,
        campaigns=admin.visible_campaigns(current_user),
        award_form_id=award_form_id,
        campaign_id=campaign_id,
        form=ComposeForm(award_form_id=award_form_id, campaign_id=campaign_id or ""),
    )


@bp.post("/new")
def create():
    form = ComposeForm()
    data = form.service_data()
    if not form.validate() or not data["nomination_ids"]:
        flash("Chọn ít nhất một hồ sơ để đưa vào quyết định.", "warning")
        return redirect(same_site_referrer() or url_for(".compose"))
    decision = decisions.create_draft(current_user, data)
    flash("Đã tạo dự thảo quyết định. Kiểm tra, chỉnh sửa từng mục rồi bấm “Ban hành”.", "success")
    return redirect(url_for(".detail", decision_id=decision.id))


@bp.get("/<int:decision_id>")
def detail(decision_id: int):
    decision = decisions.get(current_user, decision_id)
    if decision.state == "draft" and decisions.issues_for(current_user, decision.issuing_unit):
        return _draft_page(decision, DecisionForm(obj=decision).mark_opened())
    return _decision_page(decision, RevokeForm(version=decision.version))


@bp.post("/<int:decision_id>")
def save(decision_id: int):
    """Save the draft; then, as the button asked, download its preview or go on to the issue confirmation."""
    decision = decisions.get(current_user, decision_id)
    form = DecisionForm()
    data = form.service_data(decision)
    saved = form.saved(
        lambda: decisions.update_draft(current_user, decision, data, version=form.version.data),
        saved_copy=lambda: DecisionForm(formdata=None, obj=decision),
    )
    if not saved:
        return _draft_page(decision, form), form.status
    then = request.form.get("then")
    if then == "preview":
        # Back to the page (its version is now current), with the download offered there: answering this POST
        # with the file itself would leave the page holding a stale version.
        return redirect(url_for(".detail", decision_id=decision.id, preview=1))
    if then == "confirm_issue":
        return redirect(url_for(".confirm_issue", decision_id=decision.id))
    flash("Đã lưu dự thảo quyết định.", "success")
    return redirect(url_for(".detail", decision_id=decision.id))


@bp.get("/<int:decision_id>/preview.docx")
def preview(decision_id: int):
    decision = decisions.get(current_user, decision_id)
    if decision.state != "draft":
        return redirect(url_for(".download", decision_id=decision.id, kind="decision"))
    return send_bytes(documents.preview_decision(decision), f"du-thao-quyet-dinh-{decision.id}.docx")


@bp.get("/<int:decision_id>/issue")
def confirm_issue(decision_id: int):
    decision = decisions.get(current_user, decision_id)
    if decision.state != "draft" or not decisions.issues_for(current_user, decision.issuing_unit):
        return redirect(url_for(".detail", decision_id=decision.id))
    return render_template(
        "decisions/issue.html", decision=decision, form=ActionForm(version=decision.version), **_counts(decision)
    )


@bp.post("/<int:decision_id>/issue")
def issue(decision_id: int):
    decision = decisions.get(current_user, decision_id)
    form = ActionForm()
    decisions.issue(current_user, decision, version=form.version.data)
    flash(f"Đã ban hành Quyết định số {decision.reference}; các hồ sơ đã chuyển sang “Đã khen thưởng”.", "success")
    return redirect(url_for(".detail", decision_id=decision.id))


@bp.post("/<int:decision_id>/revoke")
def revoke(decision_id: int):
    decision = decisions.get(current_user, decision_id)
    form = RevokeForm()
    if not form.saved(lambda: decisions.revoke(current_user, decision, form.reason.data, version=form.version.data)):
        return _decision_page(decision, form), form.status
    flash(f"Đã thu hồi Quyết định số {decision.reference}.", "warning")
    return redirect(url_for(".detail", decision_id=decision.id))


@bp.get(f"/<int:decision_id>/{KIND}.docx")
def download(decision_id: int, kind: str):
    return send_issued(decisions.get(current_user, decision_id), kind)


@bp.get(f"/<int:decision_id>/{KIND}.pdf")
def download_pdf(decision_id: int, kind: str):
    decision = decisions.get(current_user, decision_id)
    try:
        return send_issued(decision, kind, pdf=True)
    except PdfUnavailable as error:
        flash(error.message, "warning")
        return redirect(url_for(".detail", decision_id=decision.id))


@bp.get("/history")
def history():
    q = request.args.get("q", "")
    return render_template("decisions/history.html", q=q, rows=decisions.award_history(current_user, q))


def _int_arg(name: str, default: int | None = None) -> int | None:
    """A year or page number from the query string; anything else (text, 0, 10**30) is ignored."""
    value = request.args.get(name, type=int)
    return value if value is not None and 1 <= value <= 9999 else default


def _counts(decision) -> dict:
    kinds = [item.nomination.nominee_kind for item in decision.items]
    return {"collectives": kinds.count(NomineeKind.collective), "individuals": kinds.count(NomineeKind.individual)}


def _draft_page(decision, form: DecisionForm) -> str:
    return render_template(
        "decisions/draft.html",
        decision=decision,
        form=form,
        eligible=decisions.eligible(current_user, decision.award_form_id, decision.campaign_id),
        **_counts(decision),
    )


def _decision_page(decision, revoke_form: RevokeForm) -> str:
    return render_template(
        "decisions/detail.html",
        decision=decision,
        revoke_form=revoke_form,
        can_revoke=decision.state == "issued" and decisions.issues_for(current_user, decision.issuing_unit),
        pdf_available=documents.pdf_available(),
        no_libreoffice=NO_LIBREOFFICE,
        **_counts(decision),
    )
