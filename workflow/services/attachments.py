"""Attachments: evidence files checked by their content, stored in the database."""

import hashlib
import re

from flask import current_app

from workflow import documents, machine
from workflow.documents import DOCX_CONTENT_TYPE
from workflow.errors import NotFound, ValidationError
from workflow.extensions import db
from workflow.models import Attachment, Nomination, Report, User
from workflow.services import flush, nominations, reports
from workflow.states import Action
from workflow.text import clean

ALLOWED = "PDF, DOCX, JPG, PNG"
DOCX_TYPE = DOCX_CONTENT_TYPE
_EXTENSIONS = {"application/pdf": ".pdf", DOCX_TYPE: ".docx", "image/jpeg": ".jpg", "image/png": ".png"}
_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def sniff(data: bytes) -> str | None:
    """The content type the bytes say they are, among the accepted ones; None for anything else. A zip is a Word
    document only if its package passes documents.check_docx, which add() asks."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"PK\x03\x04"):
        return DOCX_TYPE
    return None


def safe_filename(name: str | None, content_type: str) -> str:
    """The user's file name, kept in Vietnamese, without path parts or control characters."""
    name = clean(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .") or "tep-dinh-kem"
    extension = _EXTENSIONS[content_type]
    if not name.lower().endswith(extension) and not (extension == ".jpg" and name.lower().endswith(".jpeg")):
        name += extension
    return name[-200:]


def add(actor: User, owner: Nomination | Report, filename: str | None, data: bytes) -> Attachment:
    """Attach a file to an editable nomination or report. Raises ValidationError for a wrong type or size."""
    _require_editable(actor, owner)
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    name = clean(filename)
    if not data:
        _refuse(f"Tệp “{name}” rỗng.")
    if len(data) > limit:
        _refuse(f"Tệp “{name}” nặng {_megabytes(len(data))}, vượt quá giới hạn {_megabytes(limit)} mỗi tệp.")
    content_type = sniff(data)
    if content_type is None:
        _refuse(f"Tệp “{name}” không phải {ALLOWED} hợp lệ (kiểm tra theo nội dung tệp, không theo tên).")
    if content_type == DOCX_TYPE:
        try:
            documents.check_docx(data)
        except ValidationError as error:  # a macro, a corrupt member, a DOCTYPE…: say which
            _refuse(f"Tệp “{name}” không phải {ALLOWED} hợp lệ. {error.message}")
    attachment = Attachment(
        **{"report" if isinstance(owner, Report) else "nomination": owner},
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by_id=actor.id,
    )
    db.session.add(attachment)
    _record(actor, owner, Action.attach, attachment)
    return attachment


def _refuse(message: str) -> None:
    raise ValidationError(message, fields={"file": message})


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"


def get(owner: Nomination | Report, attachment_id: int) -> Attachment:
    """An attachment of a nomination or report the caller has already been allowed to see."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment not in owner.attachments:
        raise NotFound("Không tìm thấy tệp đính kèm.")
    return attachment


def remove(actor: User, owner: Nomination | Report, attachment_id: int) -> None:
    attachment = get(owner, attachment_id)
    _require_editable(actor, owner)
    owner.attachments.remove(attachment)
    _record(actor, owner, Action.detach, attachment)


def _record(actor: User, owner: Nomination | Report, action: Action, attachment: Attachment) -> None:
    """The item's history says who attached or removed which file: that is writing its content, which bars the
    writer from reviewing it (permissions.authored)."""
    machine.record(owner, action, actor=actor, comment=attachment.filename, from_state=owner.state)
    flush()


def _require_editable(actor: User, owner: Nomination | Report) -> None:
    if isinstance(owner, Report):
        reports.filing.require_editable(actor, owner)
    else:
        nominations.require_editable(actor, owner)
