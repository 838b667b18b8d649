"""Build the default Word templates: decision.docx, certificate.docx, proposal.docx, report.docx (docxtpl tags).

    .venv/bin/python docs_templates/build_templates.py [output-dir]      # default: this folder

The .docx files are committed; re-run this after changing it (a test checks that they match). Each document starts
from a minimal package (a few KB of styles, Times New Roman, Vietnamese) instead of python-docx's default template
and its ~900 KB of styles, which roughly halves the time of every render. The layout follows Nghị định
30/2020/NĐ-CP (Phụ lục I): A4, margins 20/20/30/15 mm, header block in a borderless two-column table, page numbers
top centre from page 2. Every docxtpl tag is typed in a run of its own, and the runs holding tags are marked
"no proofing" so Word's spell-check does not split them when someone edits the template.
"""

import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FONT = "Times New Roman"
CENTER, LEFT, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.JUSTIFY
TEXT_WIDTH = 165  # mm: A4 210 - left 30 - right 15

# ---------------------------------------------------------------------------------------------------------------
# The minimal package every template starts from.

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/settings.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="word/document.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
<Relationship Id="rId2" Target="docProps/core.xml"
 Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"/>
</Relationships>"""

DOCUMENT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="styles.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"/>
<Relationship Id="rId2" Target="settings.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings"/>
</Relationships>"""

DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<w:body><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"""

FONTS = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}">
<w:docDefaults>
<w:rPrDefault><w:rPr>{FONTS}<w:color w:val="000000"/><w:sz w:val="28"/><w:szCs w:val="28"/>
<w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>
</w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>
<w:rPr>{FONTS}<w:color w:val="000000"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/>
<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/>
<w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar>
<w:top w:w="0" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>
<w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/>
<w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/>
<w:uiPriority w:val="99"/><w:unhideWhenUsed/></w:style>
</w:styles>"""

SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/><w:proofState w:spelling="clean" w:grammar="clean"/>
<w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/>
<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>
</w:compat><w:themeFontLang w:val="vi-VN"/></w:settings>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title>
<dc:language>vi-VN</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>
</cp:coreProperties>"""


def blank_document(title: str):
    """A python-docx Document on the minimal package."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, xml in [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS),
            ("word/document.xml", DOCUMENT),
            ("word/styles.xml", STYLES),
            ("word/settings.xml", SETTINGS),
            ("docProps/core.xml", CORE.format(title=title)),
        ]:
            package.writestr(name, xml.replace("\n", " ").replace("> <", "><"))
    buffer.seek(0)
    return Document(buffer)


# ---------------------------------------------------------------------------------------------------------------
# Small builders.


def twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def add_run(paragraph, text: str, *, bold=False, italic=False, size=None):
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if "{{" in text or "{%" in text:
        run.font.no_proof = True  # spell-check leaves tags alone, so Word does not split them
    return run


def para(container, *runs, align=CENTER, size=None, bold=False, italic=False, before=0, after=0, indent=None, **kw):
    """A paragraph of runs: each run is a string (formatted like the paragraph) or (text, {overrides})."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    paragraph.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Mm(indent)
    if kw.get("keep_next"):
        fmt.keep_with_next = True
    if kw.get("page_break_before"):
        fmt.page_break_before = True
    if kw.get("line"):
        fmt.line_spacing = kw["line"]
    for item in runs:
        text, extra = (item, {}) if isinstance(item, str) else item
        add_run(paragraph, text, **({"bold": bold, "italic": italic, "size": size} | extra))
    return paragraph


def tag(container, text: str):
    """A paragraph holding only a docxtpl paragraph-level tag ({%p ... %}): docxtpl removes the paragraph."""
    return para(container, text, align=LEFT, size=10)


def rule(container, width: float, column: float, before=0, after=0):
    """A short horizontal rule: an empty paragraph with a top border, centred by equal indents."""
    paragraph = para(container, align=CENTER, before=before, after=after)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm((column - width) / 2)
    fmt.line_spacing = Pt(4)
    pPr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in {"val": "single", "sz": "6", "space": "1", "color": "000000"}.items():
        top.set(qn(f"w:{key}"), value)
    borders.append(top)
    pPr.insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr", "w:pPrChange"
    )
    return paragraph


def tiny(container):
    """The paragraph Word needs after a final table, 1 pt high so it never spills onto a page of its own."""
    paragraph = para(container, align=LEFT)
    paragraph.paragraph_format.line_spacing = Pt(1)
    mark, size = OxmlElement("w:rPr"), OxmlElement("w:sz")  # the paragraph mark's own size: 1 pt
    size.set(qn("w:val"), "2")
    mark.append(size)
    paragraph._p.get_or_add_pPr().append(mark)
    return paragraph


TBLPR_ORDER = (
    "w:tblStyle w:tblpPr w:tblOverlap w:bidiVisual w:tblStyleRowBandSize w:tblStyleColBandSize w:tblW w:jc "
    "w:tblCellSpacing w:tblInd w:tblBorders w:shd w:tblLayout w:tblCellMar w:tblLook w:tblCaption w:tblDescription"
).split()


def table(container, widths: list[float], rows: int, *, borders: bool):
    """A fixed-layout table of the given column widths (mm), with single black borders or none at all."""
    made = container.add_table(rows=rows, cols=len(widths))
    made.alignment = WD_TABLE_ALIGNMENT.CENTER
    made.autofit = False  # w:tblLayout fixed: the column widths below hold whatever the text
    tblPr = made._tbl.tblPr  # children in schema order: Word refuses a document whose order is wrong
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(twips(sum(widths))))
    width.set(qn("w:type"), "dxa")
    for old in tblPr.findall(qn("w:tblW")):
        tblPr.remove(old)
    tblPr.insert_element_before(width, *TBLPR_ORDER[TBLPR_ORDER.index("w:tblW") + 1 :])
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single" if borders else "nil")
        if borders:
            element.set(qn("w:sz"), "4")
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        edges.append(element)
    tblPr.insert_element_before(edges, *TBLPR_ORDER[TBLPR_ORDER.index("w:tblBorders") + 1 :])
    for column, mm in zip(made.columns, widths, strict=True):
        column.width = Mm(mm)
        for cell in column.cells:
            cell.width = Mm(mm)
    for row in made.rows:
        for cell in row.cells:  # python-docx puts an empty paragraph in each cell; we add our own
            cell._tc.remove(cell.paragraphs[0]._p)
    return made


def row_flag(row, name: str):
    trPr = row._tr.get_or_add_trPr()
    trPr.append(OxmlElement(f"w:{name}"))


def page_setup(document, *, landscape=False, top=20, bottom=20, left=30, right=15):
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance = section.footer_distance = Mm(10)
    return section


def page_numbers_from_page_two(section):
    """Different first page (its header holds only the draft mark); other pages: PAGE field, top centre."""
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    add_run(first, "{{ draft_mark }}", bold=True, size=13)
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    for kind, text in [("begin", None), (None, " PAGE "), ("separate", None), (None, "2"), ("end", None)]:
        run = add_run(paragraph, "", size=13)
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._r.append(field)
        elif text.strip() == "PAGE":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._r.append(instruction)
        else:
            run.text = text


# ---------------------------------------------------------------------------------------------------------------
# Shared blocks.


def header_block(document, *, left_width=65):
    """Nghị định 30 header: issuing body (left) and the national title (right), then number and place-date."""
    right_width = TEXT_WIDTH - left_width
    block = table(document, [left_width, right_width], rows=2, borders=False)
    left, right = block.rows[0].cells
    tag(left, "{%p if parent_body %}")
    para(left, "{{ parent_body }}", size=13)
    tag(left, "{%p endif %}")
    para(left, "{{ issuing_body }}", size=13, bold=True)
    rule(left, 25, left_width - 3, before=3)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, bold=True)
    para(right, "Độc lập - Tự do - Hạnh phúc", size=13.5, bold=True)
    rule(right, 62, right_width - 3, before=3)
    left, right = block.rows[1].cells
    para(left, "Số: {{ reference }}", size=13, before=4)
    para(right, "{{ date_line }}", size=14, italic=True, before=4)
    return block


def foot_block(document, *, left_width=80):
    """Recipients (left) beside the signature block (right), kept on one page."""
    block = table(document, [left_width, TEXT_WIDTH - left_width], rows=1, borders=False)
    row_flag(block.rows[0], "cantSplit")
    left, right = block.rows[0].cells
    para(left, "Nơi nhận:", align=LEFT, size=12, bold=True, italic=True)
    tag(left, "{%p for recipient in recipients %}")
    para(left, "- {{ recipient }}", align=LEFT, size=11)
    tag(left, "{%p endfor %}")
    tag(right, "{%p if signing_line %}")
    para(right, "{{ signing_line }}", size=14, bold=True)
    tag(right, "{%p endif %}")
    para(right, "{{ signer_title }}", size=14, bold=True)
    for _ in range(4):
        para(right, size=14)
    para(right, "{{ signer_name }}", size=14, bold=True)
    return block


def list_table(document, rows_name: str, name_header: str, position_header: str, extra=None):
    """An annex table, one row per awardee: header row (repeated on every page), then a {%tr for %} loop."""
    widths = [14, 47, 44, 60] if not extra else [14, 39, 37, 45, 30]
    headers = ["STT", name_header, position_header, "Thành tích"] + ([extra[0]] if extra else [])
    cells = ["{{ r.stt }}", "{{ r.name }}", "{{ r.position_unit }}", "{{ r.achievements }}"]
    cells += [extra[1]] if extra else []
    grid = table(document, widths, rows=4, borders=True)
    row_flag(grid.rows[0], "tblHeader")
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        para(cell, text, size=13, bold=True, before=3, after=3)
    for index, row in ((1, f"{{%tr for r in {rows_name} %}}"), (3, "{%tr endfor %}")):
        para(grid.rows[index].cells[0], row, align=LEFT, size=10)
        for cell in grid.rows[index].cells[1:]:
            para(cell, size=10)
    for position, (cell, text) in enumerate(zip(grid.rows[2].cells, cells, strict=True)):
        para(cell, text, size=13, align=CENTER if position == 0 else LEFT, before=3, after=3)
    return grid


def annex(document, title: str, reference_line: str, rows: list[tuple[str, str, str]], extra=None):
    """A new page: "DANH SÁCH", what it lists, its reference to the document, then collectives and individuals."""
    para(document, "DANH SÁCH", bold=True, page_break_before=True, keep_next=True)
    para(document, title, bold=True, keep_next=True)
    para(document, reference_line, italic=True, keep_next=True)
    rule(document, 40, TEXT_WIDTH, before=5, after=6)
    for heading, rows_name, name_header, position_header in rows:
        tag(document, f"{{%p if {rows_name} %}}")
        para(document, heading, align=LEFT, bold=True, before=6, after=6, keep_next=True)
        list_table(document, rows_name, name_header, position_header, extra)
        tag(document, "{%p endif %}")
    tiny(document)


ANNEX_ROWS = [
    ("I. TẬP THỂ", "collectives", "Tên tập thể", "Đơn vị"),
    ("{% if collectives %}II{% else %}I{% endif %}. CÁ NHÂN", "individuals", "Họ và tên", "Chức vụ, đơn vị"),
]


def body(document, *runs, italic=False, after=6):
    return para(document, *runs, align=JUSTIFY, indent=12.7, italic=italic, before=0, after=after, line=1.1)


# ---------------------------------------------------------------------------------------------------------------
# The four templates.


def decision():
    document = blank_document("Quyết định khen thưởng")
    page_numbers_from_page_two(page_setup(document))
    header_block(document)
    para(document, "QUYẾT ĐỊNH", bold=True, before=18)
    para(document, "{{ subject }}", bold=True, size=14)
    rule(document, 40, TEXT_WIDTH, before=5, after=10)
    para(document, "{{ authority }}", bold=True, after=12)
    tag(document, "{%p for line in basis %}")
    body(document, "{{ line }}", italic=True)
    tag(document, "{%p endfor %}")
    tag(document, "{%p if proposal %}")
    body(document, "{{ proposal }}", italic=True)
    tag(document, "{%p endif %}")
    para(document, "QUYẾT ĐỊNH:", bold=True, before=6, after=12)
    body(
        document,
        ("Điều 1. ", {"bold": True}),
        "Tặng {{ award_form_name }} cho {{ count_text }} đã có thành tích xuất sắc"
        "{% if campaign_title %} trong {{ campaign_title }}{% endif %} (có danh sách kèm theo).",
    )
    body(
        document,
        ("Điều 2. ", {"bold": True}),
        "{% if bonus %}{{ bonus }}{% else %}Quyết định này có hiệu lực thi hành kể từ ngày ký.{% endif %}",
    )
    body(
        document,
        ("Điều 3. ", {"bold": True}),
        "{% if bonus %}Quyết định này có hiệu lực thi hành kể từ ngày ký. {% endif %}{{ implementers }}",
        after=12,
    )
    foot_block(document)
    annex(
        document,
        "Tập thể, cá nhân được tặng {{ award_form_name }}",
        "(Kèm theo Quyết định số {{ reference }} {{ date_text }} của {{ issuer_title }})",
        ANNEX_ROWS,
    )
    return document


def certificate():
    document = blank_document("Giấy khen")
    section = page_setup(document, landscape=True, top=18, bottom=15, left=22, right=22)
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for edge in ("top", "left", "bottom", "right"):
        element = OxmlElement(f"w:{edge}")
        for key, value in {"val": "thinThickSmallGap", "sz": "24", "space": "24", "color": "000000"}.items():
            element.set(qn(f"w:{key}"), value)
        borders.append(element)
    section._sectPr.find(qn("w:pgMar")).addnext(borders)
    width = 297 - 44
    tag(document, "{%p for c in certificates %}")
    para(document, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True, page_break_before=True)
    para(document, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True)
    rule(document, 62, width, before=3, after=16)
    para(document, "{{ authority }}", size=16, bold=True)
    para(document, "TẶNG", size=15, bold=True, before=6)
    para(document, "{{ award_title }}", size=40, bold=True, before=6, after=12)
    para(document, "{{ c.name }}", size=22, bold=True, after=6)
    tag(document, "{%p if c.position_unit %}")
    para(document, "{{ c.position_unit }}", size=15, after=6)
    tag(document, "{%p endif %}")
    para(document, "{{ c.achievement_line }}", size=15, italic=True, after=16)
    foot = table(document, [105, width - 105], rows=1, borders=False)
    row_flag(foot.rows[0], "cantSplit")
    left, right = foot.rows[0].cells
    para(left, size=13)
    para(left, "Quyết định số {{ reference }}", size=13, italic=True, before=28)
    para(left, "{{ date_text }}", size=13, italic=True)
    para(right, "{{ date_line }}", size=14, italic=True, after=2)
    tag(right, "{%p if signing_line %}")
    para(right, "{{ signing_line }}", size=14, bold=True)
    tag(right, "{%p endif %}")
    para(right, "{{ signer_title }}", size=14, bold=True)
    for _ in range(3):
        para(right, size=14)
    para(right, "{{ signer_name }}", size=14, bold=True)
    tag(document, "{%p endfor %}")
    tiny(document)
    return document


def proposal():
    document = blank_document("Tờ trình đề nghị khen thưởng")
    page_numbers_from_page_two(page_setup(document))
    header_block(document)
    para(document, "TỜ TRÌNH", bold=True, before=18)
    para(document, "{{ subject }}", bold=True)
    rule(document, 40, TEXT_WIDTH, before=5, after=10)
    para(document, "Kính gửi: {{ addressee }}.", after=12)
    body(
        document,
        "Thực hiện {{ campaign_title }} (từ {{ campaign_starts }} đến {{ campaign_ends }}), căn cứ kết quả bình xét "
        "của {{ body_name }},",
    )
    body(
        document,
        "{{ body_name }} kính đề nghị {{ addressee }} xem xét, khen thưởng cho {{ count_text }} đã có thành tích "
        "xuất sắc trong {{ campaign_title }}, cụ thể như sau:",
    )
    tag(document, "{%p for form in forms %}")
    body(document, "- {{ form.name }}: {{ form.count_text }};")
    tag(document, "{%p endfor %}")
    body(document, "(Có danh sách và báo cáo thành tích kèm theo).")
    body(document, "Kính trình {{ addressee }} xem xét, quyết định./.", after=12)
    foot_block(document)
    annex(
        document,
        "Tập thể, cá nhân đề nghị khen thưởng trong {{ campaign_title }}",
        "(Kèm theo Tờ trình số {{ reference }} {{ date_text }} của {{ body_name }})",
        ANNEX_ROWS,
        extra=("Hình thức đề nghị", "{{ r.award_form_name }}"),
    )
    return document


def figures_table(document):
    """The report's figures, one row each, under a header row repeated on every page. The first figure of each
    group is preceded by the group's own row ({%tr if f.group_first %})."""
    grid = table(document, [16, 84, 30, 35], rows=7, borders=True)
    row_flag(grid.rows[0], "tblHeader")
    for cell, text in zip(grid.rows[0].cells, ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"], strict=True):
        para(cell, text, size=13, bold=True, before=3, after=3)
    for index, text in ((1, "{%tr for f in figures %}"), (2, "{%tr if f.group_first %}"), (4, "{%tr endif %}")):
        para(grid.rows[index].cells[0], text, align=LEFT, size=10)
        for cell in grid.rows[index].cells[1:]:
            para(cell, size=10)
    para(grid.rows[6].cells[0], "{%tr endfor %}", align=LEFT, size=10)
    for cell in grid.rows[6].cells[1:]:
        para(cell, size=10)
    group, figure = grid.rows[3].cells, grid.rows[5].cells
    para(group[0], "{{ f.group_number }}", size=13, bold=True, before=3, after=3)
    para(group[1], "{{ f.group }}", align=LEFT, size=13, bold=True, before=3, after=3)
    for cell in group[2:]:
        para(cell, size=13)
    for cell, text, align in zip(
        figure,
        ["{{ f.stt }}", "{{ f.name }}", "{{ f.measure }}", "{{ f.value_text }}"],
        [CENTER, LEFT, CENTER, CENTER],
        strict=True,
    ):
        para(cell, text, align=align, size=13, before=3, after=3)
    return grid


REPORT_SECTIONS = [
    ("II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN", "shortcomings"),
    ("III. BÀI HỌC KINH NGHIỆM", "lessons"),
    ("IV. ĐỀ XUẤT, KIẾN NGHỊ", "proposals"),
]


def heading(document, text: str):
    return para(document, text, align=LEFT, bold=True, indent=12.7, before=6, after=6, keep_next=True)


def report():
    document = blank_document("Báo cáo sơ kết, tổng kết phong trào")
    page_numbers_from_page_two(page_setup(document))
    header_block(document)
    para(document, "BÁO CÁO", bold=True, before=18)
    para(document, "{{ subject }}", bold=True)
    rule(document, 40, TEXT_WIDTH, before=5, after=12)
    body(
        document,
        "Thực hiện kỳ báo cáo “{{ period_title }}” (từ ngày {{ period_starts }} đến ngày {{ period_ends }}), "
        "{{ body_name }} báo cáo kết quả như sau:",
    )
    heading(document, "I. KẾT QUẢ THỰC HIỆN")
    tag(document, "{%p for line in results %}")
    body(document, "{{ line }}")
    tag(document, "{%p endfor %}")
    tag(document, "{%p if figures %}")
    body(document, "Kết quả thực hiện các chỉ tiêu chủ yếu:", italic=True).paragraph_format.keep_with_next = True
    figures_table(document)
    tag(document, "{%p endif %}")
    for title, key in REPORT_SECTIONS:
        heading(document, title)
        tag(document, f"{{%p for line in {key} %}}")
        body(document, "{{ line }}")
        tag(document, "{%p endfor %}")
    body(
        document,
        "Trên đây là báo cáo kết quả thực hiện phong trào Toàn dân bảo vệ an ninh Tổ quốc từ ngày "
        "{{ period_starts }} đến ngày {{ period_ends }} của {{ body_name }}./.",
        after=12,
    )
    foot_block(document)
    tiny(document)
    return document


BUILDERS = {
    "decision.docx": decision,
    "certificate.docx": certificate,
    "proposal.docx": proposal,
    "report.docx": report,
}


def main(out: Path = HERE) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for filename, build in BUILDERS.items():
        build().save(out / filename)
        print(f"{out / filename}: {(out / filename).stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
