"""Evidence files of a nomination: upload (checked by content) and download."""

from blueprints.api import schemas
from blueprints.api.base import Blueprint, actor
from blueprints.downloads import send_bytes
from workflow.services import attachments, nominations

bp = Blueprint("api_attachments", __name__, description="Tệp đính kèm hồ sơ.")

BINARY = {"type": "string", "format": "binary"}


@bp.post("/nominations/<int:nomination_id>/attachments")
@bp.arguments(schemas.UploadInput, location="files")
@bp.response(201, schemas.Attachment)
def upload(files, nomination_id):
    """Đính kèm một tệp (trường `file`) vào hồ sơ đang sửa được."""
    upload = files["file"]
    return attachments.add(actor(), nominations.get(actor(), nomination_id), upload.filename, upload.read())


@bp.get("/nominations/<int:nomination_id>/attachments/<int:attachment_id>")
@bp.response(200, BINARY, content_type="application/octet-stream", description="Nội dung tệp.")
def download(nomination_id, attachment_id):
    """Tải tệp đính kèm về, với tên tệp gốc."""
    attachment = attachments.get(nominations.get(actor(), nomination_id), attachment_id)
    return send_bytes(attachment.data, attachment.filename, attachment.content_type)
