"""Downloads of an issued decision, shared by the pages and the API: always the bytes stored when it was issued,
never a new rendering; the PDF is converted from those same bytes."""

from pathlib import PurePosixPath

from blueprints.downloads import PDF, send_bytes
from workflow import documents
from workflow.documents import PdfUnavailable
from workflow.errors import NotFound
from workflow.models import Decision

NO_LIBREOFFICE = "Máy chủ chưa cài LibreOffice nên chưa tải được PDF. Bản Word (.docx) vẫn tải được bình thường."


def send_issued(decision: Decision, kind: str, *, pdf: bool = False):
    """The stored document of `kind` ('decision', 'certificates'), or its PDF (PdfUnavailable without LibreOffice)."""
    stored = next((document for document in decision.documents if document.kind == kind), None)
    if stored is None:
        raise NotFound("Quyết định chưa ban hành nên chưa có văn bản để tải.")
    if not pdf:
        return send_bytes(stored.data, stored.filename, stored.content_type)
    if not documents.pdf_available():
        raise PdfUnavailable(NO_LIBREOFFICE)
    pdf_name = str(PurePosixPath(stored.filename).with_suffix(".pdf"))
    return send_bytes(documents.issued_pdf(stored.data, stored.sha256), pdf_name, PDF)
