"""PDF through LibreOffice headless. Each conversion gets a temporary directory and a user profile of its own
(conversions sharing a profile fail when they run at once), a time limit, and a check that the PDF was written:
soffice may exit 0 without producing anything. An issued document, whose bytes never change, is converted once and
its PDF kept on disk (`issued_pdf`)."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from flask import current_app

from workflow.errors import DomainError

TIMEOUT = 60  # seconds
SHA256 = re.compile(r"[0-9a-f]{64}")


class PdfUnavailable(DomainError):
    """LibreOffice is not installed, or the conversion failed: the .docx is still available."""

    status = 503
    code = "pdf_unavailable"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    """True where LibreOffice (soffice) is installed."""
    return soffice() is not None


def to_pdf(docx: bytes, *, timeout: float | None = None) -> bytes:
    """Convert with LibreOffice headless: a profile of its own per conversion, a timeout, and a check that the PDF
    exists. Raises PdfUnavailable with a clear Vietnamese message otherwise."""
    program = soffice()
    if program is None:
        raise PdfUnavailable("Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; vui lòng tải bản Word (.docx).")
    timeout = timeout or TIMEOUT
    with tempfile.TemporaryDirectory(prefix="antq-pdf-") as tmp:
        work = Path(tmp)
        (work / "document.docx").write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nodefault",
            "--nologo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(work / "document.docx"),
        ]
        _run(command, work, timeout)
        pdf = work / "out" / "document.pdf"
        data = pdf.read_bytes() if pdf.is_file() else b""
    if not data.startswith(b"%PDF"):
        raise PdfUnavailable("LibreOffice không tạo được tệp PDF từ văn bản này; vui lòng tải bản Word (.docx).")
    return data


def issued_pdf(docx: bytes, sha256: str) -> bytes:
    """The PDF of an issued document's bytes (`sha256` their digest), converted on the first download and then read
    from PDF_CACHE_DIR (instance/pdf-cache by default): a conversion takes seconds of LibreOffice, a read none. The
    file is named by the digest of the bytes it was made from, so it is never stale; it appears whole or not at all
    (written aside, then renamed), so workers converting the same document at once never read half a file; and a
    file that is not a PDF (damaged, emptied) is converted again."""
    if not SHA256.fullmatch(sha256):
        raise ValueError(f"not a SHA-256 digest: {sha256!r}")
    folder = Path(current_app.config["PDF_CACHE_DIR"])
    kept = folder / f"{sha256}.pdf"
    try:
        data = kept.read_bytes()
    except FileNotFoundError:
        data = b""
    if data.startswith(b"%PDF"):
        return data
    data = to_pdf(docx)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=f"{sha256}.", suffix=".part", delete=False) as part:
        part.write(data)
    os.replace(part.name, kept)
    return data


def _run(command: list[str], work: Path, timeout: float) -> None:
    """Run soffice in a process group of its own, so a conversion that hangs is killed with all its children."""
    env = os.environ | {"HOME": str(work)}
    process = subprocess.Popen(
        command, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise PdfUnavailable(
            f"Chuyển sang PDF quá {timeout:g} giây nên đã dừng; vui lòng tải bản Word (.docx) hoặc thử lại sau."
        ) from None
    finally:
        _kill_group(process)


def _kill_group(process: subprocess.Popen) -> None:
    """Whatever is left of this conversion's process group (soffice.bin may outlive its launcher)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
