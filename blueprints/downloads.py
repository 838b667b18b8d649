"""Bytes sent as a file download, the one way every page and API route does it."""

import io
import re

from flask import send_file

from workflow.documents import DOCX_CONTENT_TYPE
from workflow.services.reports.exports import XLSX_CONTENT_TYPE

DOCX = DOCX_CONTENT_TYPE
XLSX = XLSX_CONTENT_TYPE
PDF = "application/pdf"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"*:<>?|]+')


def send_bytes(data: bytes, filename: str, mimetype: str = DOCX):
    """`data` as an attachment named `filename` (non-ASCII names are encoded by Werkzeug, RFC 5987)."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=safe_name(filename))


def safe_name(filename: str) -> str:
    """The last part of a stored name, without control or reserved characters: whatever a name in the database
    says ("../../etc/passwd", "a\\b", NUL), the browser is offered a plain file name."""
    name = _UNSAFE.sub("_", filename.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return name or "tep-tai-ve"
