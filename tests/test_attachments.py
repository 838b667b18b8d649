"""Evidence files: accepted by what they are, not by what they are called."""

import io
import struct
import unicodedata
import zipfile
import zlib

import pytest

from tests.factories import create_nomination
from tests.test_document_templates import OLE, damaged
from workflow.errors import Conflict, NotFound, PermissionDenied, ValidationError
from workflow.extensions import db
from workflow.models import Attachment
from workflow.services import attachments, listing, nominations
from workflow.states import State

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)


def pdf(size: int | None = None) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    return body if size is None else body + b"%" * (size - len(body))


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def zipped(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def docx(**extra: str | bytes) -> bytes:
    return zipped(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document><w:body><w:p>Báo cáo thành tích</w:p></w:body></w:document>",
            **extra,
        }
    )


ACTIVEX_RELATIONSHIP = (
    '<Relationships><Relationship Id="rId9" Target="c.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/control"/></Relationships>'
)


@pytest.fixture
def draft(world):
    return create_nomination(world)


@pytest.mark.parametrize(
    ("filename", "make", "content_type"),
    [
        ("bao-cao.pdf", pdf, "application/pdf"),
        ("anh-hien-truong.png", png, "image/png"),
        ("anh-trao-giay-khen.jpeg", jpeg, "image/jpeg"),
        ("bien-ban-hop-xet.docx", docx, DOCX_TYPE),
    ],
)
def test_pdf_png_jpeg_and_docx_are_accepted_by_their_content(world, draft, filename, make, content_type):
    data = make()
    attachment = attachments.add(world.clerk_c1, draft, filename, data)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Attachment, attachment.id)
    assert (stored.filename, stored.content_type, stored.size) == (filename, content_type, len(data))
    assert stored.data == data
    assert stored.uploaded_by_id == world.clerk_c1.id
    assert attachments.get(draft, attachment.id) is stored


def test_a_file_whose_name_lies_gets_the_extension_of_what_it_is(world, draft):
    attachment = attachments.add(world.clerk_c1, draft, "anh-chup.pdf", png())
    assert attachment.content_type == "image/png"
    assert attachment.filename == "anh-chup.pdf.png"
    plain_word = attachments.add(world.clerk_c1, draft, "bien-ban.docm", docx())
    assert (plain_word.content_type, plain_word.filename) == (DOCX_TYPE, "bien-ban.docm.docx")


REFUSED = {
    "exe-as-pdf": ("bao-cao.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
    "elf-as-pdf": ("bao-cao.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
    "text-as-pdf": ("bao-cao.pdf", "Đây là văn bản thường, không phải PDF.".encode()),
    "html-as-pdf": ("bao-cao.pdf", b"<html><script>alert(1)</script></html>"),
    "docm": ("bao-cao.docm", docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})),
    "docx-with-macros": ("bao-cao.docx", docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})),
    "docx-with-macros-upper-case": ("bao-cao.docx", docx(**{"word/VBAPROJECT.BIN": b"\xd0\xcf\x11\xe0macro"})),
    "zip-not-docx": ("tai-lieu.docx", zipped({"readme.txt": "không phải tài liệu Word", "setup.exe": b"MZ"})),
    "zip-without-document": ("tai-lieu.docx", zipped({"[Content_Types].xml": CONTENT_TYPES})),
    "broken-zip": ("hong.docx", b"PK\x03\x04" + b"\x00" * 40),
    "vba-project-renamed": ("bao-cao.docx", docx(**{"word/m.bin": OLE})),
    "activex-related": ("bao-cao.docx", docx(**{"word/_rels/document.xml.rels": ACTIVEX_RELATIONSHIP})),
    "doctype-after-4-kb": ("bao-cao.docx", docx(**{"word/styles.xml": f"<!--{' ' * 5000}--><!DOCTYPE x><w:styles/>"})),
    "bad-crc": ("bao-cao.docx", damaged(docx(), "word/document.xml", zipfile.ZIP_STORED)),
    "garbled-member": ("bao-cao.docx", damaged(docx(), "word/document.xml", zipfile.ZIP_DEFLATED)),
    "truncated-png": ("anh.png", b"\x89PNG"),
}


def test_anything_else_is_refused_whatever_its_name(world, subtests, draft):
    for case, (filename, data) in REFUSED.items():
        with subtests.test(case=case):
            with pytest.raises(ValidationError) as error:
                attachments.add(world.clerk_c1, draft, filename, data)
            assert error.value.fields == {"file": error.value.message}
            assert "không phải PDF, DOCX, JPG, PNG hợp lệ" in error.value.message
            assert "không phải PDF, DOCX, JPG, PNG hợp lệ" in error.value.message
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0


@pytest.mark.parametrize(
    "case, reason",
    [
        ("vba-project-renamed", "macro, điều khiển ActiveX hoặc đối tượng OLE nhúng (word/m.bin)"),
        ("activex-related", "(word/_rels/document.xml.rels)"),
        ("doctype-after-4-kb", "DOCTYPE (word/styles.xml)"),
        ("bad-crc", "Tệp .docx bị hỏng: không đọc được phần word/document.xml"),
        ("garbled-member", "Tệp .docx bị hỏng: không đọc được phần word/document.xml"),
    ],
)
def test_a_word_file_refused_for_what_is_inside_says_what(world, draft, case, reason):
    """Macros and ActiveX controls are found by content whatever their part is called, a DOCTYPE anywhere in a
    part, and a damaged member (bad CRC, garbled data) is refused in words instead of failing the request."""
    filename, data = REFUSED[case]
    with pytest.raises(ValidationError) as error:
        attachments.add(world.clerk_c1, draft, filename, data)
    assert reason in error.value.message


def test_an_empty_file_is_refused(world, draft):
    with pytest.raises(ValidationError, match="rỗng"):
        attachments.add(world.clerk_c1, draft, "rong.pdf", b"")


def test_a_file_over_the_size_limit_is_refused_and_one_at_the_limit_is_accepted(app, world, draft):
    app.config["ATTACHMENT_MAX_BYTES"] = 4096
    with pytest.raises(ValidationError) as error:
        attachments.add(world.clerk_c1, draft, "qua-lon.pdf", pdf(4097))
    assert error.value.fields == {"file": error.value.message}
    assert "vượt quá giới hạn" in error.value.message
    assert attachments.add(world.clerk_c1, draft, "vua-du.pdf", pdf(4096)).size == 4096


def test_the_default_limit_is_ten_megabytes(app, world, draft):
    assert app.config["ATTACHMENT_MAX_BYTES"] == 10 * 1024 * 1024
    with pytest.raises(ValidationError, match="10 MB"):
        attachments.add(world.clerk_c1, draft, "qua-lon.pdf", pdf(10 * 1024 * 1024 + 1))


UNSAFE_NAMES = [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\Windows\\system32\\bao-cao.pdf", "bao-cao.pdf"),
    ("C:\\Users\\Lan\\Desktop\\Báo cáo.pdf", "Báo cáo.pdf"),
    ("/var/www/../bao-cao", "bao-cao.pdf"),
    ("bao\x00cao\n.pdf", "baocao_.pdf"),  # NUL is invisible: dropped (text.clean); a line break is unsafe
    ('a<b>c:d*e?f"g|h.pdf', "a_b_c_d_e_f_g_h.pdf"),
    ("..", "tep-dinh-kem.pdf"),
    ("", "tep-dinh-kem.pdf"),
    (None, "tep-dinh-kem.pdf"),
    ("   .pdf  ", "pdf.pdf"),
]


def test_file_names_lose_their_path_and_unsafe_characters(world, subtests, draft):
    for given, stored in UNSAFE_NAMES:
        with subtests.test(given=given):
            attachment = attachments.add(world.clerk_c1, draft, given, pdf())
            assert attachment.filename == stored
            assert "/" not in attachment.filename and "\\" not in attachment.filename
            assert ".." not in attachment.filename


def test_vietnamese_file_names_are_kept_in_nfc(world, draft):
    name = "Biên bản họp xét – Đội PCCC tự quản.pdf"
    from_nfd = attachments.add(world.clerk_c1, draft, unicodedata.normalize("NFD", name), pdf())
    from_nfc = attachments.add(world.clerk_c1, draft, name, pdf())
    db.session.commit()
    assert from_nfd.filename == from_nfc.filename == unicodedata.normalize("NFC", name)


def test_a_very_long_file_name_is_cut_keeping_its_extension(world, draft):
    attachment = attachments.add(world.clerk_c1, draft, "Báo cáo " * 60 + ".pdf", pdf())
    assert len(attachment.filename) <= 200
    assert attachment.filename.endswith(".pdf")
    db.session.commit()


@pytest.mark.parametrize(
    "state", [State.submitted, State.commune_approved, State.district_approved, State.rejected, State.withdrawn]
)
def test_attachments_cannot_be_added_or_removed_once_submitted(world, state):
    nomination = create_nomination(world)
    kept = attachments.add(world.clerk_c1, nomination, "bao-cao.pdf", pdf())
    db.session.commit()
    if state == State.withdrawn:
        nominations.perform(world.clerk_c1, nomination, "withdraw")
    else:
        nomination = _advance(world, nomination, state)
    db.session.commit()
    with pytest.raises(Conflict, match="không thể sửa"):
        attachments.add(world.clerk_c1, nomination, "them.pdf", pdf())
    with pytest.raises(Conflict, match="không thể sửa"):
        attachments.remove(world.clerk_c1, nomination, kept.id)
    db.session.rollback()
    assert [a.filename for a in db.session.scalars(db.select(Attachment))] == ["bao-cao.pdf"]


def _advance(world, nomination, state):
    nominations.perform(world.clerk_c1, nomination, "submit")
    if state == State.rejected:
        nominations.perform(world.reviewer_c1, nomination, "reject", comment="Không đủ tiêu chuẩn.")
    for reviewer, reached in ((world.reviewer_c1, State.commune_approved), (world.reviewer_d, State.district_approved)):
        if nomination.state in (state, State.rejected):
            break
        nominations.perform(reviewer, nomination, "approve")
        assert nomination.state == reached
    assert nomination.state == state
    return nomination


def test_a_returned_nomination_takes_attachments_again(world):
    nomination = create_nomination(world, state=State.returned)
    assert attachments.add(world.clerk_c1, nomination, "bien-ban-bo-sung.pdf", pdf()).id


@pytest.mark.parametrize("username", ["clerk_c2", "reviewer_c1", "reviewer_d", "secretariat_d", "clerk_a1"])
def test_only_clerks_of_the_nominating_units_subtree_attach_files(world, draft, username):
    with pytest.raises(PermissionDenied):
        attachments.add(getattr(world, username), draft, "bao-cao.pdf", pdf())
    assert attachments.add(world.clerk_d, draft, "cua-huyen.pdf", pdf()).id  # a clerk above the unit may


def test_an_attachment_is_only_reachable_through_its_own_nomination(world, draft):
    other = create_nomination(world, name="Trần Thị Mai")
    attachment = attachments.add(world.clerk_c1, draft, "bao-cao.pdf", pdf())
    with pytest.raises(NotFound):
        attachments.get(other, attachment.id)
    with pytest.raises(NotFound):
        attachments.remove(world.clerk_c1, other, attachment.id)
    attachments.remove(world.clerk_c1, draft, attachment.id)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(Attachment)) == 0


def test_adding_and_removing_a_file_each_write_a_history_row_naming_it(world, draft):
    attachment = attachments.add(world.clerk_d, draft, "Biên bản họp xét.pdf", pdf())
    attachments.remove(world.clerk_c1, draft, attachment.id)
    db.session.commit()
    rows = [(e.action, e.actor_id, e.from_state, e.to_state, e.comment) for e in listing.history(draft)][1:]
    assert rows == [
        ("attach", world.clerk_d.id, "draft", "draft", "Biên bản họp xét.pdf"),
        ("detach", world.clerk_c1.id, "draft", "draft", "Biên bản họp xét.pdf"),
    ]
