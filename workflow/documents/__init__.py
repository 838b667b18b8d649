"""Word documents from editable templates (docxtpl): the award decision with its annex, the certificates, the
commune's Tờ trình. Contexts are plain values built from the domain, rendered with autoescape, text in NFC.

The pieces: context.py (what templates may print), render.py (docxtpl in a sandbox), sandbox.py and limits.py
(what a render may cost), isolation.py (uploaded templates render in a process of their own), templates.py (which
template a unit uses, the checks an upload passes), package.py (whether an uploaded .docx is safe to open:
templates and attachments), pdf.py (LibreOffice). The templates and the list of their context keys are in
docs_templates/.
"""

from workflow.documents import context as _context
from workflow.documents import samples as _samples
from workflow.documents.context import Awardee
from workflow.documents.package import check_docx
from workflow.documents.pdf import PdfUnavailable, issued_pdf, pdf_available, to_pdf
from workflow.documents.render import DOCX_CONTENT_TYPE, render, stored
from workflow.documents.report import filename as report_filename
from workflow.documents.report import report_document
from workflow.documents.templates import KINDS, default_template, render_for, template_for, validate_template
from workflow.documents.vietnamese import ascii_slug

__all__ = [
    "DOCX_CONTENT_TYPE",
    "Awardee",
    "KINDS",
    "PdfUnavailable",
    "check_docx",
    "default_template",
    "issue_documents",
    "issued_pdf",
    "pdf_available",
    "preview_decision",
    "proposal_document",
    "render_for",
    "report_document",
    "report_filename",
    "template_for",
    "to_pdf",
    "validate_template",
    "warm_up",
]


def issue_documents(decision, awardees=None, *, number: int | None = None) -> list[dict]:
    """Render the documents of a decision being issued, as dicts with the IssuedDocument columns:
    kind ('decision', 'certificates'), filename, content_type, template_label, sha256, size, data.
    `awardees` are the decision's (context.Awardee rows) in the order of its annex, if the caller has them already;
    `number` is the one it is being issued with, if it does not carry it yet. Raises ValidationError when a template
    of the issuing unit cannot be rendered (see templates.render_for)."""
    decision_context = _context.decision_context(decision, awardees, number=number)
    # "15-QD-UBND-2023": ASCII only, safe in any file system and Content-Disposition header.
    reference = "-".join(str(part) for part in (ascii_slug(decision_context["reference"]), decision.year) if part)
    title = ascii_slug(decision_context["award_title"].capitalize(), limit=40) or "Giay-khen"
    documents = []
    for kind, template_kind, filename in (
        ("decision", "decision", f"Quyet-dinh-{reference}.docx"),
        ("certificates", "certificate", f"{title}-{reference}.docx"),
    ):
        context = decision_context if kind == "decision" else _context.with_certificates(decision_context)
        data, label = render_for(template_kind, decision.issuing_unit, context)
        documents.append(stored(kind, filename, label, data))
    return documents


def preview_decision(decision) -> bytes:
    """The draft decision as .docx (not stored), for the secretariat to check before issuing."""
    return render_for("decision", decision.issuing_unit, _context.decision_context(decision))[0]


def proposal_document(unit, campaign, nominations) -> bytes:
    """The commune's Tờ trình for the nominations it approved in a campaign, generated on demand."""
    return render_for("proposal", unit, _context.proposal_context(unit, campaign, list(nominations)))[0]


def warm_up() -> None:
    """Render each shipped template once with sample data: a server process then compiles them (0.1 s) before its
    first request rather than while issuing its first decision."""
    for kind in KINDS:
        render(default_template(kind), _samples.context_for(kind))
