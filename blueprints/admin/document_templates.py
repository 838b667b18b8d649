"""Word templates (mẫu văn bản): per unit and kind, the version in use, the default and current downloads, an
upload form and the unit's own versions. The secretariat and admins over a unit manage its templates."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin.forms import TemplateUploadForm
from blueprints.admin.units import unit_list
from blueprints.downloads import send_bytes
from workflow.documents import KINDS
from workflow.services import admin, templates
from workflow.services.templates import MANAGERS
from workflow.states import REVIEW_LEVELS, Level

bp = Blueprint("document_templates", __name__, url_prefix="/templates")


def _unit(unit_id: int):
    """The unit if it is in the user's scope (404 otherwise), and only for its template managers (403)."""
    unit = admin.get_unit(current_user, unit_id)
    templates.require_manager(current_user, unit)
    return unit


def _download(download: templates.Download):
    return send_bytes(download.data, download.filename)


@bp.get("/")
def index():
    templates.require_manager(current_user)
    return render_template(
        "admin/templates.html",
        **unit_list(admin.UnitPool.owning),  # the units whose templates the user manages, a page at a time
        levels=[level for level in Level if level in REVIEW_LEVELS],
        uploads=templates.uploads_per_unit(),
        kinds=KINDS,
        roles=MANAGERS,
    )


@bp.get("/<int:unit_id>/")
def unit(unit_id: int):
    unit = _unit(unit_id)
    return _unit_page(unit, {kind: TemplateUploadForm(prefix=kind) for kind in KINDS})


@bp.route("/<int:unit_id>/<kind>/", methods=["GET", "POST"])
def upload(unit_id: int, kind: str):
    unit, kind = _unit(unit_id), templates.check_kind(kind)
    if request.method == "GET":  # where a refused post lands again: the unit's page, at the kind
        return redirect(url_for(".unit", unit_id=unit.id, _anchor=f"kind-{kind}"))
    form = TemplateUploadForm(prefix=kind)
    if template := form.saved(
        lambda: templates.upload(current_user, unit, kind, form.file.data.filename, form.file.data.read())
    ):
        flash(f"Đã tải lên “{template.filename}”: bản {template.version}, đang được dùng.", "success")
        return redirect(url_for(".unit", unit_id=unit.id, _anchor=f"kind-{kind}"))
    forms = {k: form if k == kind else TemplateUploadForm(prefix=k, formdata=None) for k in KINDS}
    return _unit_page(unit, forms), form.status


@bp.get("/<int:unit_id>/<kind>/current")
def current(unit_id: int, kind: str):
    return _download(templates.current(current_user, _unit(unit_id), kind))


@bp.get("/<int:unit_id>/<kind>/<int:number>")
def version(unit_id: int, kind: str, number: int):
    return _download(templates.version(current_user, _unit(unit_id), kind, number))


@bp.get("/default/<kind>")
def default(kind: str):
    return _download(templates.default(current_user, kind))


def _unit_page(unit, forms: dict):
    return render_template(
        "admin/templates_unit.html", unit=unit, kinds=templates.kinds(current_user, unit), forms=forms
    )
