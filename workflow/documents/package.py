"""Whether an uploaded Word package (.docx: a template, an attachment) is safe to open: a real zip within size
limits, every part readable (no bad CRC, no truncated member), no macro, ActiveX control or embedded OLE object
whatever its part is called, and no XML part declaring a DOCTYPE anywhere in it."""

import codecs
import lzma
import re
import zipfile
import zlib
from io import BytesIO
from itertools import chain

from workflow.errors import ValidationError
from workflow.text import clean

MAX_UNCOMPRESSED = 50 * 1024 * 1024  # the sum of the parts' sizes, as the archive declares them
MAX_ENTRIES = 1000
MAX_RATIO, RATIO_FLOOR = 100, 1024 * 1024  # a part above 1 MB may not be more than 100 times its compressed size
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OTHER_MAINS = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": "là tài liệu có macro (.docm)",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "là mẫu có macro (.dotm)",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": "là tệp mẫu .dotx",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 .doc, and every VBA project, ActiveX control, OLE object
SAVE_AS_DOCX = "Hãy mở bằng Word và lưu lại dưới dạng “Word Document (*.docx)”."
MACRO_PARTS = re.compile(r"vbaproject|vbadata|activex", re.IGNORECASE)
# What the content types and the relationships of a macro or an ActiveX control say, whatever its part is named:
# application/vnd.ms-office.vbaProject, …/relationships/vbaProject, wordVbaData, activeX…, …/relationships/control.
MACRO_TYPES = re.compile(r"vbaproject|vbadata|activex|/relationships/control\b", re.IGNORECASE)
# A DTD is where entity-expansion attacks live; Word never writes one.
DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
DECLARED_ENCODING = re.compile(r"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)""")
XML_ENCODINGS = {"utf-8", "utf-16"}  # the two an Office package may use (ECMA-376 part 2)
# How XML in UTF-32 or EBCDIC begins (XML 1.0, appendix F): a parser reads it, a search for DOCTYPE would not.
OTHER_XML = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x4c\x6f\xa7\x94")
CHUNK = 64 * 1024
# What reading a damaged zip raises: a bad CRC, truncated data, an unknown or broken compression, a header that
# points nowhere (ValueError: a negative seek) or whose name does not decode (UnicodeDecodeError, a ValueError).
UNREADABLE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
)


def check_docx(data: bytes) -> None:
    """Refuse, with a ValidationError in Vietnamese naming the problem and the part, a package that is not a plain
    .docx safe to open. Every part is read whole, streamed (the declared sizes, already bounded, bound it)."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except UNREADABLE:
        raise ValidationError(f"Tệp không phải là tài liệu Word .docx. {SAVE_AS_DOCX}") from None
    with archive:
        _check_directory(archive)
        for entry in archive.infolist():
            _check_part(archive, entry)
        _check_content_types(archive.read("[Content_Types].xml").decode("utf-8", "replace"))


def _check_directory(archive: zipfile.ZipFile) -> None:
    """What the zip's directory tells before anything is decompressed."""
    entries = archive.infolist()
    names = {entry.filename for entry in entries}
    total = sum(entry.file_size for entry in entries)
    if (
        len(entries) > MAX_ENTRIES
        or total > MAX_UNCOMPRESSED
        or any(e.file_size > RATIO_FLOOR and e.file_size > MAX_RATIO * max(e.compress_size, 1) for e in entries)
    ):
        raise ValidationError("Tệp nén bất thường (giải nén ra quá lớn, có thể là “zip bomb”): không nhận.")
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise ValidationError("Tệp Word được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên lại.")
    macros = sorted(name for name in names if MACRO_PARTS.search(name))
    if macros:
        _refuse_macros(clean(macros[0])[:120])
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise ValidationError(f"Tệp không phải là tài liệu Word .docx (thiếu word/document.xml). {SAVE_AS_DOCX}")


def _check_part(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Read one part to its end (where its CRC is checked), judging it by its content: an OLE compound file (a VBA
    project, an ActiveX control, an embedded OLE object) is refused, and an XML part is scanned (_scan_xml)."""
    name = clean(entry.filename)[:120]  # as a message shows it: whatever the zip says, no control character
    relations = entry.filename == "[Content_Types].xml" or entry.filename.endswith(".rels")
    try:
        with archive.open(entry) as part:
            head = part.read(CHUNK)
            if head.startswith(OLE_MAGIC):
                _refuse_macros(name)
            decoder = _xml_decoder(name, head)
            rest = iter(lambda: part.read(CHUNK), b"")
            if decoder is None:
                for _chunk in rest:  # to the end, where the CRC is checked
                    pass
            else:
                _scan_xml(name, decoder, chain([head], rest), relations=relations)
    except UNREADABLE:
        raise ValidationError(
            f"Tệp .docx bị hỏng: không đọc được phần {name} (dữ liệu nén sai hoặc thiếu). {SAVE_AS_DOCX}"
        ) from None


def _scan_xml(name: str, decoder, chunks, *, relations: bool) -> None:
    """A DOCTYPE anywhere in the part is refused; in the content types and relationships, so are macros and ActiveX
    controls. Chunk by chunk, each searched with the end of the one before (a word may straddle two)."""
    tail = ""
    for chunk in chunks:
        text = tail + decoder.decode(chunk)
        if DOCTYPE.search(text):
            raise ValidationError(f"Tệp có phần XML khai báo DOCTYPE ({name}): không nhận.")
        if relations and MACRO_TYPES.search(text):
            _refuse_macros(name)
        tail = text[-40:]


def _xml_decoder(name: str, head: bytes):
    """An incremental decoder for an XML part (UTF-8 or UTF-16, told by its first bytes); None for a part that is not
    XML. An XML part in any other encoding is refused: its DOCTYPE could not be seen."""
    if head.startswith(OTHER_XML):
        raise ValidationError(f"Phần {name} của tệp dùng bảng mã không phải UTF-8 hay UTF-16: không nhận.")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif head.startswith((b"<\x00", b"\x00<")):
        encoding = "utf-16-le" if head.startswith(b"<") else "utf-16-be"
    elif head.startswith(codecs.BOM_UTF8) or head.lstrip(b" \t\r\n").startswith(b"<"):
        encoding = "utf-8"
    else:
        return None
    declared = DECLARED_ENCODING.search(head.decode(encoding, "replace").lstrip("\ufeff"))
    if declared and declared.group(1).lower() not in XML_ENCODINGS:
        raise ValidationError(
            f"Phần {name} của tệp khai báo bảng mã “{clean(declared.group(1))[:40]}”: chỉ nhận UTF-8 hoặc UTF-16."
        )
    return codecs.getincrementaldecoder(encoding)("replace")


def _check_content_types(content_types: str) -> None:
    main = re.search(r'PartName="/word/document\.xml"\s+ContentType="([^"]+)"', content_types)
    main = main.group(1) if main else ""
    if "macroenabled" in content_types.lower() and main == DOCX_MAIN:
        raise ValidationError(f"Tệp khai báo nội dung có macro: không nhận. {SAVE_AS_DOCX}")
    if main != DOCX_MAIN:
        what = OTHER_MAINS.get(main, "không phải là tài liệu Word .docx")
        raise ValidationError(f"Tệp {what}. {SAVE_AS_DOCX}")


def _refuse_macros(part: str) -> None:
    raise ValidationError(
        f"Tệp có chứa macro, điều khiển ActiveX hoặc đối tượng OLE nhúng ({part}): không nhận. Hãy xóa chúng rồi "
        "lưu lại dưới dạng “Word Document (*.docx)”."
    )
