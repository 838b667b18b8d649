"""Which template a unit uses, whether an uploaded one may be used at all, and rendering a unit's document from it:
an uploaded template is checked and rendered in a render process of its own (isolation.py), within limits."""

import hashlib
import re
from functools import cache
from io import BytesIO
from pathlib import Path

from docx import Document
from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError
from sqlalchemy import select

from workflow.documents import isolation, samples
from workflow.documents.limits import LimitExceeded, Limits, configured, too_much_memory
from workflow.documents.package import OLE_MAGIC, SAVE_AS_DOCX, check_docx
from workflow.documents.render import render, undeclared_variables
from workflow.errors import ValidationError
from workflow.extensions import db
from workflow.models import DocumentTemplate

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "docs_templates"
KINDS = {  # kind → (default file in docs_templates/, Vietnamese title)
    "decision": ("decision.docx", "Quyết định khen thưởng (kèm danh sách)"),
    "certificate": ("certificate.docx", "Giấy khen (mỗi trang một người, tập thể)"),
    "proposal": ("proposal.docx", "Tờ trình đề nghị khen thưởng của cấp xã"),
    "report": ("report.docx", "Báo cáo sơ kết, tổng kết phong trào (kèm bảng số liệu)"),
}
# A template that left these out would silently drop awardees from the document.
REQUIRED = {
    "decision": {"collectives", "individuals"},
    "certificate": {"certificates"},
    "proposal": {"collectives", "individuals"},
    "report": {"figures", "results", "shortcomings", "lessons", "proposals"},  # nor a report its figures or text
}
MAX_SIZE = 5 * 1024 * 1024


@cache
def default_template(kind: str) -> bytes:
    """The shipped template of `kind` (docs_templates/<file>)."""
    return (TEMPLATES_DIR / _file(kind)).read_bytes()


@cache
def default_label(kind: str) -> str:
    return f"mặc định (sha256 {hashlib.sha256(default_template(kind)).hexdigest()[:8]})"


def template_for(kind: str, unit) -> tuple[bytes, str]:
    """The template a unit uses: its own latest upload, else its nearest ancestor's, else the default.
    Returns (bytes, label) where label names the version, e.g. "mặc định (sha256 1a2b3c4d)" or "Huyện X, bản 3"."""
    _file(kind)
    ids = unit.ancestor_ids or [unit.id]
    depth = {unit_id: position for position, unit_id in enumerate(ids)}
    uploads = db.session.execute(
        select(DocumentTemplate.id, DocumentTemplate.unit_id, DocumentTemplate.version).where(
            DocumentTemplate.kind == kind, DocumentTemplate.unit_id.in_(ids)
        )
    ).all()
    if not uploads:
        return default_template(kind), default_label(kind)
    chosen = max(uploads, key=lambda row: (depth[row.unit_id], row.version, row.id))
    template = db.session.get(DocumentTemplate, chosen.id)
    return template.data, f"{template.unit.name}, bản {template.version}"


def render_for(kind: str, unit, context: dict) -> tuple[bytes, str]:
    """The unit's document of `kind` rendered with `context` from the template it uses (template_for), as
    (bytes of the .docx, label of the template). An uploaded template renders in a render process of its own.
    Raises ValidationError naming the template and what is wrong with it (a limit, a broken tag)."""
    template, label = template_for(kind, unit)
    limits = configured("render")
    try:
        if template is default_template(kind):  # shipped with the application: trusted, rendered here
            return render(template, context, limits=limits), label
        return isolation.run(_rendered, template, context, limits, limits=limits), label
    except (ValidationError, LimitExceeded, MemoryError) as error:
        problem = error.message if isinstance(error, ValidationError) else _problem(error, limits)
        raise ValidationError(
            f"Không dựng được văn bản từ mẫu “{label}”: {problem} Thường trực HĐTĐKT hoặc quản trị của đơn vị có "
            "mẫu này cần sửa mẫu (Danh mục & quản trị › Mẫu văn bản) rồi thử lại."
        ) from None


def validate_template(kind: str, data: bytes) -> None:
    """Accept an uploaded template only if it is a real .docx (not .docm, no macros), within the size limit,
    zip-bomb safe, renders with sample data within the limits of a check and uses no variable its context does not
    provide. Raises workflow.errors.ValidationError with a Vietnamese message saying what is wrong."""
    _file(kind)
    _check_package(data)
    limits = configured("check")
    try:
        isolation.run(_check_contents, kind, data, limits, limits=limits)
    except LimitExceeded as exceeded:  # the render process killed or dead
        raise ValidationError(_problem(exceeded, limits)) from None


def _check_contents(kind: str, data: bytes, limits: Limits) -> None:
    """In a render process: the checks that parse and render the template."""
    _check_variables(kind, data)
    _check_rendering(kind, data, limits)


def _rendered(template: bytes, context: dict, limits: Limits) -> bytes:
    """In a render process: the document, or a ValidationError saying why not."""
    try:
        return render(template, context, limits=limits)
    except Exception as exc:
        raise ValidationError(_problem(exc, limits)) from None


def _file(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(f"Loại mẫu văn bản không hợp lệ: {kind!r}.")
    return KINDS[kind][0]


def _check_package(data: bytes) -> None:
    if not data:
        raise ValidationError("Tệp mẫu rỗng.")
    if len(data) > MAX_SIZE:
        raise ValidationError(f"Tệp mẫu quá lớn ({len(data) / 1024 / 1024:.1f} MB); giới hạn là 5 MB.")
    if data.startswith(OLE_MAGIC):
        raise ValidationError(f"Tệp là tài liệu Word 97–2003 (.doc), không phải .docx. {SAVE_AS_DOCX}")
    check_docx(data)


def _check_variables(kind: str, data: bytes) -> None:
    allowed = samples.context_for(kind)
    try:
        used = undeclared_variables(data)
    except TemplateSyntaxError as exc:
        raise ValidationError(_syntax_message(exc)) from None
    except MemoryError:
        raise
    except Exception as exc:
        raise ValidationError(f"Không đọc được tài liệu Word: {exc}") from None
    unknown = sorted(used - set(allowed))
    if unknown:
        raise ValidationError(
            f"Mẫu dùng biến không có trong dữ liệu: {', '.join(unknown)}. Các biến dùng được: "
            f"{', '.join(sorted(allowed))} (xem docs_templates/README.md)."
        )
    missing = sorted(REQUIRED[kind] - used)
    if missing:
        raise ValidationError(
            f"Mẫu thiếu phần bắt buộc: {', '.join(missing)}; thiếu thì văn bản sẽ bỏ sót nội dung "
            "(người được khen, số liệu hoặc các phần của báo cáo; xem mẫu mặc định và docs_templates/README.md)."
        )


def _check_rendering(kind: str, data: bytes, limits: Limits) -> None:
    try:
        Document(BytesIO(render(data, samples.context_for(kind), strict=True, limits=limits)))
    except Exception as exc:
        raise ValidationError(_problem(exc, limits, sample=True)) from None


def _problem(exc: Exception, limits: Limits, *, sample: bool = False) -> str:
    """What is wrong with a template that failed to render, in a sentence (`sample`: with the sample data)."""
    if isinstance(exc, LimitExceeded):
        return f"{exc.message.rstrip('.')}{_near(exc)}." + (
            " Hãy sửa phần đó của mẫu rồi tải lên lại." if sample else ""
        )
    if isinstance(exc, MemoryError):
        return too_much_memory(limits).message
    if isinstance(exc, RecursionError):
        return "Mẫu lồng nhau quá sâu (một macro gọi lại chính nó quá nhiều lần)."
    if isinstance(exc, UndefinedError):
        return f"Mẫu dùng trường không có trong dữ liệu: {_undefined_name(exc)}."
    if isinstance(exc, SecurityError):
        return "Mẫu dùng biểu thức không được phép (chỉ được in các biến đã liệt kê)."
    if isinstance(exc, TemplateSyntaxError):
        return _syntax_message(exc)
    if isinstance(exc, TemplateError):
        return f"Mẫu có thẻ không dựng được: {exc}{_near(exc)}."
    return f"Không dựng được văn bản từ mẫu{' với dữ liệu mẫu' if sample else ''}: {exc}."


def _near(exc: Exception) -> str:
    """Where in the template: ' (gần: “…”)', from the text of the paragraphs around the tag."""
    near = " ".join(part.strip() for part in getattr(exc, "docx_context", []) if part.strip())[:160]
    return f" (gần: “{near}”)" if near else ""


def _syntax_message(exc: TemplateSyntaxError) -> str:
    return (
        f"Mẫu có thẻ sai cú pháp: {exc.message}{_near(exc)}. Thường do gõ thiếu dấu ngoặc, hoặc Word tách một thẻ "
        "thành nhiều đoạn: hãy xóa thẻ đó và gõ lại liền một lần (tắt kiểm tra chính tả)."
    )


def _undefined_name(exc: UndefinedError) -> str:
    found = re.search(r"has no attribute '([^']+)'", str(exc)) or re.search(r"'([^']+)' is undefined", str(exc))
    return found.group(1) if found else str(exc)
