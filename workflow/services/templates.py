"""Editable Word templates: the secretariat or an admin over a unit uploads the unit's own version of a kind
(decision, certificate, proposal). The latest upload applies to the unit and its subtree, unless a unit below has
its own; earlier versions are kept, and issued documents record the version they were rendered from."""

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workflow import documents, permissions
from workflow.errors import Conflict, NotFound, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.models import DocumentTemplate, Unit, User
from workflow.services import flush
from workflow.services.attachments import safe_filename
from workflow.states import Role
from workflow.text import fold

MANAGERS = (Role.admin, Role.secretariat)


@dataclass(frozen=True)
class KindStatus:
    kind: str
    title: str
    current_label: str  # "mặc định (sha256 1a2b3c4d)", "Huyện Lạc Dương, bản 3" (possibly an ancestor's)
    versions: list[DocumentTemplate]  # the unit's own uploads, newest first


@dataclass(frozen=True)
class Download:
    filename: str
    data: bytes


def can_manage(actor: User, unit: Unit) -> bool:
    return permissions.has_role_over(actor, unit, *MANAGERS)


def require_manager(actor: User, unit: Unit | None = None) -> None:
    """PermissionDenied unless the actor manages the templates of `unit` (without one: of some unit)."""
    allowed = (
        can_manage(actor, unit)
        if unit is not None
        else permissions.is_global_admin(actor) or bool(permissions.role_units(actor, *MANAGERS))
    )
    if not allowed:
        raise PermissionDenied("Chỉ Thường trực HĐTĐKT hoặc quản trị của đơn vị mới được quản lý mẫu văn bản.")


def kinds(actor: User, unit: Unit) -> list[KindStatus]:
    """Every kind of document with the template the unit uses now and the versions it uploaded itself."""
    require_manager(actor, unit)
    own: dict[str, list[DocumentTemplate]] = {kind: [] for kind in documents.KINDS}
    for template in _own(unit):
        own[template.kind].append(template)
    return [
        KindStatus(kind, title, documents.template_for(kind, unit)[1], own[kind])
        for kind, (_file, title) in documents.KINDS.items()
    ]


def versions(actor: User, unit: Unit, kind: str) -> list[DocumentTemplate]:
    """The unit's own uploads of `kind`, newest first."""
    require_manager(actor, unit)
    return _own(unit, check_kind(kind))


def upload(actor: User, unit: Unit, kind: str, filename: str | None, data: bytes) -> DocumentTemplate:
    """Store a new version of the unit's template of `kind`, which becomes the one in use. Raises ValidationError
    (on `file`) with documents.validate_template's message when the file may not be used; nothing is kept then."""
    require_manager(actor, unit)
    kind = check_kind(kind)
    try:
        documents.validate_template(kind, data)
    except ValidationError as error:
        raise ValidationError(error.message, fields={"file": error.message}) from None
    latest = db.session.scalar(
        select(func.max(DocumentTemplate.version)).where(
            DocumentTemplate.unit_id == unit.id, DocumentTemplate.kind == kind
        )
    )
    template = DocumentTemplate(
        unit_id=unit.id,
        kind=kind,
        version=(latest or 0) + 1,
        filename=safe_filename(filename or documents.KINDS[kind][0], documents.DOCX_CONTENT_TYPE),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by_id=actor.id,
    )
    db.session.add(template)
    try:
        flush()
    except IntegrityError:
        raise Conflict("Vừa có người khác tải lên mẫu này. Vui lòng tải lại trang rồi thử lại.") from None
    return template


def version(actor: User, unit: Unit, kind: str, number: int) -> Download:
    """One of the unit's own uploads, as it was uploaded."""
    require_manager(actor, unit)
    template = db.session.scalar(
        select(DocumentTemplate).where(
            DocumentTemplate.unit_id == unit.id,
            DocumentTemplate.kind == check_kind(kind),
            DocumentTemplate.version == number,
        )
    )
    if template is None:
        raise NotFound("Không tìm thấy phiên bản mẫu này.")
    return Download(template.filename, template.data)


def current(actor: User, unit: Unit, kind: str) -> Download:
    """The template the unit uses now (its own, an ancestor's or the default)."""
    require_manager(actor, unit)
    data, _label = documents.template_for(check_kind(kind), unit)
    slug = fold(unit.name).replace(" ", "-")
    return Download(f"mau-{kind}-dang-dung-{slug}.docx", data)


def default(actor: User, kind: str) -> Download:
    """The template shipped with the application, a starting point for a unit's own."""
    require_manager(actor)
    return Download(f"mau-{kind}-mac-dinh.docx", documents.default_template(check_kind(kind)))


def uploads_per_unit() -> dict[int, int]:
    """How many template versions each unit uploaded itself (a short table: a few per unit that has any)."""
    rows = db.session.execute(select(DocumentTemplate.unit_id, func.count()).group_by(DocumentTemplate.unit_id))
    return dict(rows.all())


def _own(unit: Unit, kind: str | None = None) -> list[DocumentTemplate]:
    query = (
        select(DocumentTemplate)
        .options(selectinload(DocumentTemplate.uploaded_by))
        .where(DocumentTemplate.unit_id == unit.id)
        .order_by(DocumentTemplate.kind, DocumentTemplate.version.desc())
    )
    if kind is not None:
        query = query.where(DocumentTemplate.kind == kind)
    return list(db.session.scalars(query))


def check_kind(kind: str) -> str:
    if kind not in documents.KINDS:
        raise NotFound("Không có loại mẫu văn bản này.")
    return kind
