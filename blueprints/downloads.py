"""Bytes sent as a file download, the one way every page and API route does it."""

import io

from flask import send_file

from workflow.documents import DOCX_CONTENT_TYPE
from workflow.services.reports.exports import XLSX_CONTENT_TYPE

DOCX = DOCX_CONTENT_TYPE
XLSX = XLSX_CONTENT_TYPE
PDF = "application/pdf"


def send_bytes(data: bytes, filename: str, mimetype: str = DOCX):
    """`data` as an attachment named `filename` (non-ASCII names are encoded by Werkzeug, RFC 5987)."""
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)
