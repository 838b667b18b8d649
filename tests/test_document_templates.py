"""Word templates without a database: how dates, places and counts are written (Nghị định 30/2020), contexts of
plain NFC values, what an uploaded template must pass and the message saying why not, the shipped templates being
what their build script makes, the README listing every context key, and PDF conversion failing cleanly."""

import importlib.util
import io
import re
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from workflow import documents
from workflow.documents import context, samples
from workflow.documents import vietnamese as vn
from workflow.documents.templates import OLE_MAGIC
from workflow.errors import ValidationError

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("decision", "certificate", "proposal", "report")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 2, 5), "ngày 05 tháng 02 năm 2024"),
        (date(2023, 5, 24), "ngày 24 tháng 5 năm 2023"),
        (date(2023, 1, 15), "ngày 15 tháng 01 năm 2023"),
        (date(2023, 3, 9), "ngày 09 tháng 3 năm 2023"),
        (date(2023, 10, 1), "ngày 01 tháng 10 năm 2023"),
        (date(2023, 12, 31), "ngày 31 tháng 12 năm 2023"),
    ],
)
def test_days_below_10_and_months_1_and_2_take_a_leading_zero(day, expected):
    assert vn.date_text(day) == expected
    assert vn.date_line("Lạc Dương", day) == f"Lạc Dương, {expected}"


def test_a_date_not_yet_known_leaves_blanks_to_fill_by_hand():
    blank = "\u00a0" * 5
    assert vn.date_text(None, 2026) == f"ngày{blank}tháng{blank}năm 2026"


@pytest.mark.parametrize(
    ("unit", "place"),
    [
        ("Thị trấn Lạc Dương", "Lạc Dương"),
        ("Huyện Lạc Dương", "Lạc Dương"),
        ("Xã Đạ Sar", "Đạ Sar"),
        ("Thành phố Phan Thiết", "Phan Thiết"),
        ("Tỉnh Lâm Đồng", "Lâm Đồng"),
        ("Trường THCS Lạc Dương", "Trường THCS Lạc Dương"),
    ],
)
def test_the_place_of_a_date_line_drops_the_administrative_prefix(unit, place):
    assert vn.place_name(unit) == place


def test_counts_names_and_file_names_are_written_the_administrative_way():
    assert vn.count_text(4, 5) == "04 tập thể và 05 cá nhân"
    assert (vn.count_text(0, 12), vn.count_text(1, 0)) == ("12 cá nhân", "01 tập thể")
    assert vn.award_title("Giấy khen của Chủ tịch UBND huyện Lạc Dương") == "GIẤY KHEN"
    assert vn.issuer_title("Giấy khen của Chủ tịch UBND huyện Lạc Dương", "") == "Chủ tịch UBND huyện Lạc Dương"
    assert (
        vn.issuer_title("Giấy khen", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG", "Huyện Lạc Dương")
        == "Chủ tịch Ủy ban nhân dân huyện Lạc Dương"
    )
    assert vn.body_name("Thị trấn Lạc Dương", "commune") == "Ủy ban nhân dân thị trấn Lạc Dương"
    assert (vn.ascii_slug("15/QĐ-UBND"), vn.ascii_slug("Giấy khen")) == ("15-QD-UBND", "Giay-khen")


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def builders():
    yield "decision", lambda decision: context.decision_context(decision)
    yield "certificate", lambda decision: context.certificate_context(decision)


def assert_plain(value, path="context"):
    """Only str, int, bool, and lists and dicts of them; strings in NFC with no character XML forbids."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str)
            assert_plain(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_plain(item, f"{path}[{index}]")
    else:
        assert type(value) in (str, int, bool), f"{path} is a {type(value).__name__}"
        if isinstance(value, str):
            assert unicodedata.is_normalized("NFC", value), path
            assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", value), path


def test_contexts_hold_only_plain_nfc_values_even_from_nfd_and_control_characters():
    decision = samples.decision()
    decision.signer_name = nfd("Nguyễn Văn Ánh")
    nomination = decision.items[2].nomination
    nomination.nominee_name = nfd("Đặng Thị\x0b Thủy\x07 Tiên\x0c")
    nomination.achievements = nfd("Dòng một\r\nDòng\thai")
    for _kind, build in builders():
        built = build(decision)
        assert_plain(built)
        assert built["signer_name"] == "Nguyễn Văn Ánh"
        assert built["individuals"][0]["name"] == "Đặng Thị Thủy Tiên"
        assert built["individuals"][0]["achievements"] == "Dòng một\nDòng hai"
    proposal = samples.context_for("proposal")
    assert_plain(proposal)
    document = Document(io.BytesIO(documents.render(documents.default_template("decision"), build(decision))))
    names = [row.cells[1].text for table in document.tables[2:] for row in table.rows[1:]]
    assert "Đặng Thị Thủy Tiên" in names


def test_a_draft_context_shows_the_number_as_dots_and_marks_the_draft():
    built = context.decision_context(samples.decision(issued=False))
    assert (built["reference"], built["number"], built["draft"], built["draft_mark"]) == (
        "…/QĐ-UBND",
        "…",
        True,
        "DỰ THẢO",
    )


def test_basis_and_recipients_are_punctuated_and_the_archive_line_comes_last():
    decision = samples.decision()
    decision.basis = "- Căn cứ A;\n\nCăn cứ B.\n+ Căn cứ C"
    decision.recipients = "Lưu: VT, TĐKT.\n- Như Điều 3\nUBND tỉnh;"
    built = context.decision_context(decision)
    assert built["basis"] == ["Căn cứ A;", "Căn cứ B;", "Căn cứ C."]
    assert built["recipients"] == ["Như Điều 3;", "UBND tỉnh;", "Lưu: VT, TĐKT."]
    decision.recipients = "Như Điều 3;"
    assert context.decision_context(decision)["recipients"] == ["Như Điều 3;", "Lưu: VT."]


def test_the_readme_lists_every_context_key_of_every_template():
    readme = (ROOT / "docs_templates" / "README.md").read_text()
    sections = dict(re.findall(r"^## `(\w+)\.docx`.*?\n(.*?)(?=^## |\Z)", readme, flags=re.S | re.M))
    assert set(sections) == set(KINDS)
    for kind in ("decision", "proposal"):
        keys = re.findall(r"^\| `([\w.]+)`", sections[kind], flags=re.M)
        built = samples.context_for(kind)
        assert {k for k in keys if "." not in k} == set(built), kind
        assert set(re.findall(r"`r\.(\w+)`", sections[kind])) == set(built["individuals"][0]), kind
        forms = set(re.findall(r"`form\.(\w+)`", sections[kind]))
        assert forms == (set(built["forms"][0]) if "forms" in built else set()), kind
    certificate = samples.context_for("certificate")
    assert set(certificate) == set(samples.context_for("decision")) | {"certificates"}
    assert re.findall(r"^\| `([\w.]+)`", sections["certificate"], flags=re.M) == ["certificates"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_shipped_templates_are_accepted(kind):
    documents.validate_template(kind, documents.default_template(kind))


def test_the_shipped_templates_are_what_the_build_script_makes_and_stay_lean(tmp_path):
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "docs_templates" / "build_templates.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    build.main(tmp_path)
    for kind in KINDS:
        shipped = zipfile.ZipFile(io.BytesIO(documents.default_template(kind)))
        fresh = zipfile.ZipFile(tmp_path / documents.KINDS[kind][0])
        assert shipped.namelist() == fresh.namelist(), "re-run docs_templates/build_templates.py"
        for name in shipped.namelist():
            assert shipped.read(name) == fresh.read(name), f"{kind}: {name} differs; re-run build_templates.py"
        assert len(documents.default_template(kind)) < 20_000
        assert shipped.getinfo("word/styles.xml").file_size < 5_000


def repack(data: bytes, *, replace=None, add=None, drop=()) -> bytes:
    """The .docx `data` with some parts replaced, added or left out."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            if name not in drop:
                content = source.read(name)
                target.writestr(name, replace[name](content) if name in replace else content)
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def with_paragraphs(data: bytes, *texts: str) -> bytes:
    """The template `data` with paragraphs added at the end, as someone editing it in Word would."""
    document = Document(io.BytesIO(data))
    for text in texts:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


DECISION = documents.default_template("decision")
MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MAIN = b"application/vnd.ms-word.document.macroEnabled.main+xml"
TEMPLATE_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


def content_types(old: bytes, new: bytes) -> bytes:
    return repack(DECISION, replace={"[Content_Types].xml": lambda xml: xml.replace(old, new)})


def with_doctype() -> bytes:
    return repack(DECISION, replace={"word/styles.xml": lambda xml: b"<!DOCTYPE x>" + xml.split(b"?>", 1)[1]})


def styles(make) -> bytes:
    """DECISION whose word/styles.xml is `make(declaration, body)`, both as str."""
    return repack(DECISION, replace={"word/styles.xml": lambda xml: make(*xml.decode().split("?>", 1))})


OLE = OLE_MAGIC + bytes(504)  # the start of an OLE compound file, as every vbaProject.bin begins
VBA_CONTENT_TYPE = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'


def related(kind: str) -> bytes:
    """DECISION whose document has a relationship of `kind` to a part called m.bin."""
    relation = f'<Relationship Id="rId99" Type="{kind}" Target="m.bin"/></Relationships>'
    return repack(
        DECISION,
        replace={"word/_rels/document.xml.rels": lambda xml: xml.replace(b"</Relationships>", relation.encode())},
        add={"word/m.bin": b"\0" * 64},
    )


def damaged(data: bytes, name: str, compression: int) -> bytes:
    """`data` with the member `name` stored with `compression` and the first byte of its data garbled: a stored
    member then fails its CRC-32, a deflated one its decompression."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                target.writestr(info.filename, source.read(info), compression if info.filename == name else 8)
    packed = bytearray(out.getvalue())
    offset = zipfile.ZipFile(out).getinfo(name).header_offset
    start = offset + 30 + int.from_bytes(packed[offset + 26 : offset + 28], "little")
    start += int.from_bytes(packed[offset + 28 : offset + 30], "little")
    packed[start] = 0xFF if compression == zipfile.ZIP_DEFLATED else packed[start] ^ 0xFF
    return bytes(packed)


REFUSED = {
    "a .docm": (lambda: content_types(MAIN, MACRO_MAIN), ".docm"),
    "a .dotx": (lambda: content_types(MAIN, TEMPLATE_MAIN), ".dotx"),
    "a docx carrying vbaProject.bin": (lambda: repack(DECISION, add={"word/vbaProject.bin": b"\0" * 64}), "macro"),
    "a zip bomb": (lambda: repack(DECISION, add={"word/media/zeros.bin": bytes(60 * 1024 * 1024)}), "zip bomb"),
    "an absurd compression ratio": (
        lambda: repack(DECISION, add={"word/media/zeros.bin": bytes(20 * 1024 * 1024)}),
        "zip bomb",
    ),
    "plain text": (lambda: "Quyết định số 15".encode(), "không phải là tài liệu Word .docx"),
    "a PDF": (lambda: b"%PDF-1.7\n" + bytes(100), "không phải là tài liệu Word .docx"),
    "a Word 97 .doc": (lambda: OLE_MAGIC + bytes(1000), "(.doc)"),
    "an empty file": (lambda: b"", "rỗng"),
    "a file over 5 MB": (lambda: bytes(5 * 1024 * 1024 + 1), "5 MB"),
    "a zip without word/document.xml": (lambda: repack(DECISION, drop=("word/document.xml",)), "word/document.xml"),
    "a DOCTYPE": (with_doctype, "DOCTYPE"),
    "a DOCTYPE after 4 KB of comment": (
        lambda: styles(lambda head, body: f"{head}?><!--{' ' * 5000}--><!DOCTYPE x>{body}".encode()),
        "DOCTYPE (word/styles.xml)",
    ),
    "a DOCTYPE in UTF-16": (
        lambda: styles(
            lambda head, body: f"\ufeff{head.replace('UTF-8', 'UTF-16')}?><!DOCTYPE x>{body}".encode("utf-16-le")
        ),
        "DOCTYPE (word/styles.xml)",
    ),
    "a DOCTYPE in a part not named .xml": (
        lambda: repack(DECISION, add={"word/h.dat": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'}),
        "DOCTYPE (word/h.dat)",
    ),
    "an XML part in UTF-7": (
        lambda: styles(lambda head, body: f"{head.replace('UTF-8', 'UTF-7')}?>{body}".encode()),
        "UTF-7",
    ),
    "a VBA project renamed word/m.bin": (lambda: repack(DECISION, add={"word/m.bin": OLE}), "macro"),
    "a VBA project declared in the content types": (
        lambda: repack(
            DECISION,
            replace={"[Content_Types].xml": lambda xml: xml.replace(b"</Types>", VBA_CONTENT_TYPE.encode())},
            add={"word/m.bin": b"\0" * 64},
        ),
        "macro",
    ),
    "a relationship to a VBA project": (
        lambda: related("http://schemas.microsoft.com/office/2006/relationships/vbaProject"),
        "macro",
    ),
    "a relationship to an ActiveX control": (
        lambda: related("http://schemas.openxmlformats.org/officeDocument/2006/relationships/control"),
        "ActiveX",
    ),
    "a member with a bad CRC": (lambda: damaged(DECISION, "word/document.xml", zipfile.ZIP_STORED), "bị hỏng"),
    "a member whose compressed data is garbled": (
        lambda: damaged(DECISION, "word/styles.xml", zipfile.ZIP_DEFLATED),
        "không đọc được phần word/styles.xml",
    ),
    "an unknown variable": (lambda: with_paragraphs(DECISION, "{{ ho_ten_nguoi_nhan }}"), "ho_ten_nguoi_nhan"),
    "an unknown field of a row": (
        lambda: with_paragraphs(DECISION, "{%p for r in individuals %}", "{{ r.ngay_sinh }}", "{%p endfor %}"),
        "ngay_sinh",
    ),
    "a tag left open": (lambda: with_paragraphs(DECISION, "Số: {{ reference "), "cú pháp"),
    "a sandbox escape": (lambda: with_paragraphs(DECISION, "{{ reference.__class__.__mro__ }}"), "không được phép"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_an_upload_is_refused_with_a_message_naming_the_problem(case):
    make, fragment = REFUSED[case]
    with pytest.raises(ValidationError) as refused:
        documents.validate_template("decision", make())
    assert fragment in refused.value.message


def test_an_unknown_variable_is_named_with_the_ones_that_exist():
    with pytest.raises(ValidationError) as refused:
        documents.validate_template("decision", with_paragraphs(DECISION, "{{ so_quyet_dinh }} {{ reference }}"))
    message = refused.value.message
    assert message.startswith("Mẫu dùng biến không có trong dữ liệu: so_quyet_dinh.")
    assert "reference" in message.split("Các biến dùng được:")[1]


def test_a_template_that_would_drop_awardees_is_refused():
    with pytest.raises(ValidationError) as refused:
        documents.validate_template("certificate", DECISION)
    assert "certificates" in refused.value.message
    with pytest.raises(ValidationError):
        documents.validate_template("nonsense", DECISION)


def test_an_edited_template_with_a_new_paragraph_is_accepted():
    documents.validate_template("decision", with_paragraphs(DECISION, "Ghi chú: {{ unit_name }} – {{ year }}"))


def fake_soffice(directory: Path, script: str) -> None:
    """A `soffice` on PATH that runs `script` instead of LibreOffice."""
    program = directory / "soffice"
    program.write_text("#!/bin/sh\n" + script + "\n")
    program.chmod(0o755)


def test_without_libreoffice_pdf_is_unavailable_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert documents.pdf_available() is False
    with pytest.raises(documents.PdfUnavailable) as unavailable:
        documents.to_pdf(DECISION)
    assert "chưa cài LibreOffice" in unavailable.value.message and unavailable.value.status == 503


def test_each_conversion_gets_a_profile_of_its_own_and_a_missing_pdf_is_an_error(tmp_path, monkeypatch):
    fake_soffice(tmp_path, 'printf "%s\\n" "$@" >> "$ARGS_FILE"; echo --- >> "$ARGS_FILE"; exit 0')
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("ARGS_FILE", str(tmp_path / "args"))
    assert documents.pdf_available() is True
    for _ in range(2):
        with pytest.raises(documents.PdfUnavailable) as unavailable:
            documents.to_pdf(DECISION)
        assert "không tạo được tệp PDF" in unavailable.value.message
    calls = [call.split("\n") for call in (tmp_path / "args").read_text().split("---\n") if call]
    profiles = [arg for call in calls for arg in call if arg.startswith("-env:UserInstallation=file:///")]
    assert len(profiles) == 2 and profiles[0] != profiles[1]
    assert all("--headless" in call and "pdf" in call for call in calls)


def test_a_conversion_that_hangs_is_stopped_at_the_time_limit(tmp_path, monkeypatch):
    fake_soffice(tmp_path, "exec /bin/sleep 30")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(documents.PdfUnavailable) as unavailable:
        documents.to_pdf(DECISION, timeout=0.5)
    assert "quá 0.5 giây" in unavailable.value.message


def test_renders_running_at_once_share_nothing():
    def render_for(number: int) -> list[str]:
        decision = samples.decision()
        decision.signer_name = f"Người ký số {number}"
        data = documents.render(documents.default_template("decision"), context.decision_context(decision))
        return [p.text for p in Document(io.BytesIO(data)).tables[1].rows[0].cells[1].paragraphs if p.text]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(render_for, range(16)))
    assert [signature[-1] for signature in results] == [f"Người ký số {n}" for n in range(16)]
