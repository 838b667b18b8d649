"""The shortcuts that make a 10,000-awardee decision quick write what the long way writes: the rendered body spliced
into the package as Jinja's text gives the document docxtpl gives (compared canonically, part by part), every
template that could come out differently (a {%tc %} loop, a picture, a body that is not well-formed) takes
docxtpl's own path, and the context that writes each unit and form once still gives each row its own. No database
needed."""

import io
import struct
import unicodedata
import zipfile
import zlib
from types import SimpleNamespace

import pytest
from docx import Document
from docx.shared import Cm
from docxtpl import DocxTemplate
from lxml import etree

from workflow import documents
from workflow.documents import context, samples
from workflow.documents.render import _ENVIRONMENTS, LeanTemplate, environment
from workflow.text import fold

KINDS = ("decision", "certificate", "proposal")


def docxtpl_render(template: bytes, values: dict) -> bytes:
    """The long way: docxtpl as it comes, every pass, the body parsed and serialized again."""
    document = DocxTemplate(io.BytesIO(template))
    document.render(values, jinja_env=environment(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def lean_render(template: bytes, values: dict) -> tuple[bytes, bool]:
    """The rendered .docx and whether its body was spliced in."""
    document = LeanTemplate(template)
    document.render(values, jinja_env=environment(), autoescape=True)
    return document.package(), document.body is not None


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml, parser=etree.XMLParser(huge_tree=True)), method="c14n")


def assert_same_document(data: bytes, expected: bytes) -> None:
    """Same parts in the same order, byte for byte, but the main part, which must be the same XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as got, zipfile.ZipFile(io.BytesIO(expected)) as wanted:
        assert got.namelist() == wanted.namelist()
        for name in wanted.namelist():
            if name == "word/document.xml":
                assert canonical(got.read(name)) == canonical(wanted.read(name)), name
            else:
                assert got.read(name) == wanted.read(name), name


def hostile(kind: str) -> dict:
    """The sample context of `kind` (ampersands, angle brackets, quotes), plus a row whose text docxtpl's listing
    pass must turn into a tab and line breaks, and characters outside the Basic Multilingual Plane."""
    values = samples.context_for(kind)
    rows = values.get("certificates") or values["individuals"]
    listing = "Dòng 1\nDòng 2\tcột 2, huy chương 🏅 & <b>"
    rows[-1] = rows[-1] | {"achievements": listing, "achievement_line": listing}
    return values


@pytest.mark.parametrize("kind", KINDS)
def test_a_spliced_body_gives_the_document_docxtpl_gives(kind):
    template = documents.default_template(kind)
    for values in (hostile(kind), samples.context_for(kind)):
        data, spliced = lean_render(template, values)
        assert spliced
        assert_same_document(data, docxtpl_render(template, values))


@pytest.mark.parametrize("kind", KINDS)
def test_escaped_tags_typed_in_a_value_come_out_as_docxtpl_writes_them(kind):
    values = hostile(kind)
    rows = values.get("certificates") or values["individuals"]
    rows[0] = rows[0] | {"name": "Tổ {_{ 1 }_} và {_% 2 %_}, mã A_B"}
    data, spliced = lean_render(documents.default_template(kind), values)
    assert spliced
    assert_same_document(data, docxtpl_render(documents.default_template(kind), values))


def test_text_xml_cannot_hold_takes_docxtpls_own_path():
    values = hostile("certificate")
    values["certificates"][0] = values["certificates"][0] | {"name": "Nguyễn \ud800 Văn"}  # a lone surrogate
    data, spliced = lean_render(documents.default_template("certificate"), values)
    assert not spliced
    assert_same_document(data, docxtpl_render(documents.default_template("certificate"), values))


def test_once_warmed_up_a_shipped_template_renders_without_compiling_anything():
    documents.warm_up()
    compiled = _ENVIRONMENTS[False]._compile_once
    before = compiled.cache_info().misses
    for kind in documents.KINDS:
        documents.render(documents.default_template(kind), samples.context_for(kind))
    assert compiled.cache_info().misses == before


def test_a_spliced_document_opens_with_every_awardee_in_order():
    values = hostile("certificate")
    document = Document(io.BytesIO(documents.render(documents.default_template("certificate"), values)))
    names = [row["name"] for row in values["certificates"]]
    assert [p.text for p in document.paragraphs if p.text in names] == names
    listing = next(p for p in document.paragraphs if p.text.startswith("Dòng 1"))
    assert listing.text == "Dòng 1\nDòng 2\tcột 2, huy chương 🏅 & <b>"  # a line break and a tab, as Word has them
    assert len(listing._p.xpath(".//w:br")) == 1 and len(listing._p.xpath(".//w:tab")) == 1


def repack(template: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, change(data) if name == "word/document.xml" else data)
    return out.getvalue()


def one_pixel_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header, red = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0), zlib.compress(b"\0\xff\0\0")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", red) + chunk(b"IEND", b"")


def with_picture(template: bytes) -> bytes:
    document = Document(io.BytesIO(template))
    document.add_paragraph().add_run().add_picture(io.BytesIO(one_pixel_png()), width=Cm(1))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def with_column_loop(template: bytes) -> bytes:
    document = Document(io.BytesIO(template))
    cells = document.add_table(rows=1, cols=3).rows[0].cells
    for cell, text in zip(cells, ("{%tc for c in collectives %}", "{{ c.name }}", "{%tc endfor %}"), strict=True):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


LONG_WAY = {
    "a name printed unescaped (|safe), which breaks the XML": (
        "certificate",
        lambda t: repack(t, lambda xml: xml.replace(b"{{ c.name }}", b"{{ c.name|safe }}")),
    ),
    "a picture (docxtpl renumbers the ids of pictures in the tree)": ("certificate", with_picture),
    "a {%tc %} column loop": ("decision", with_column_loop),
}


@pytest.mark.parametrize("case", LONG_WAY)
def test_what_could_come_out_differently_takes_docxtpls_own_path(case):
    kind, make = LONG_WAY[case]
    template, values = make(documents.default_template(kind)), samples.context_for(kind)
    data, spliced = lean_render(template, values)
    assert not spliced
    assert_same_document(data, docxtpl_render(template, values))


def test_rows_of_many_units_and_forms_each_name_their_own_and_write_the_unit_once():
    town, commune = (SimpleNamespace(name=name) for name in ("Thị trấn Lạc Dương", "Xã Đạ Sar"))
    district, province = (SimpleNamespace(name=f"Giấy khen của Chủ tịch UBND {name}") for name in ("huyện", "tỉnh"))
    nominations = [
        SimpleNamespace(
            nominee_kind=kind, nominee_name=name, position=position, achievements="", unit=unit, award_form=form
        )
        for kind, name, position, unit, form in (
            ("individual", "Ka Hoa", "Chủ tịch UBND xã Đạ Sar", commune, district),
            ("individual", "Lê Văn Tám", "Công an viên", town, province),
            ("collective", "Đội dân phòng xã Đạ Sar", "", commune, province),
            ("collective", "Tổ tự quản số 3", "", town, district),
        )
    ]
    rows = context.nomination_rows(nominations)
    assert [row["position_unit"] for row in rows] == [
        "Chủ tịch UBND xã Đạ Sar",
        "Công an viên, Thị trấn Lạc Dương",
        "",
        "Thị trấn Lạc Dương",
    ]
    assert [row["unit"] for row in rows] == ["Xã Đạ Sar", "Thị trấn Lạc Dương", "Xã Đạ Sar", "Thị trấn Lạc Dương"]
    assert [row["award_form_name"].split()[-1] for row in rows] == ["huyện", "tỉnh", "tỉnh", "huyện"]


@pytest.mark.parametrize(
    "text",
    [
        "Đã có thành tích xuất sắc.",
        "ĐÃ CÓ THÀNH TÍCH XUẤT SẮC",
        unicodedata.normalize("NFD", "Đã có thành tích"),
        "Đã\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0 có thành tích tốt",
        "Đã có thành",
        "Tích cực tham gia phong trào, đã có thành tích",
        "",
    ],
)
def test_the_achievement_line_reads_only_the_head_of_a_long_text_with_the_same_answer(text):
    assert context._starts_folded(text, "da co thanh tich") == fold(text).startswith("da co thanh tich")
