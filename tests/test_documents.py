"""The Word documents of a decision, reopened with python-docx: the Nghị định 30/2020 layout of the decision and its
annex, one certificate page per awardee, hostile names that come out exactly (NFC) everywhere, the template a unit
uses (its own newest, an ancestor's, the default), the commune's Tờ trình. Every test runs on both databases."""

import hashlib
import io
import unicodedata
import zipfile
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from tests.factories import create_nomination
from workflow import documents
from workflow.extensions import db
from workflow.models import DocumentTemplate
from workflow.services import decisions
from workflow.states import State

ISSUED_ON = date(2024, 2, 5)
TNR = "Times New Roman"
SIGNER = "Trần Văn Bình"
HOSTILE = [
    ("collective", "Công ty TNHH Đức & Minh <Chi nhánh 2>"),
    ("individual", "Nguyễn Thị \"Hoa\" O'Neil & 'Bé' <Út>"),
    ("individual", ('Hoàng Thị Ánh Tuyết & <Cty> "A" ' * 20)[:499] + "Z"),
]
NFD_NAME = unicodedata.normalize("NFD", "Đặng Thị Thủy Tiên")


def approved(world, kind="individual", name="Nguyễn Văn Hậu", **extra):
    return create_nomination(world, world.c1, state=State.district_approved, kind=kind, name=name, **extra)


def make_decision(world, nominations, *, issue=True, **data):
    decision = decisions.create_draft(
        world.secretariat_d,
        {
            "award_form_id": world.form_d.id,
            "campaign_id": world.campaign_d.id,
            "nomination_ids": [n.id for n in nominations],
            "signer_name": SIGNER,
        }
        | data,
    )
    if issue:
        decisions.issue(world.secretariat_d, decision, today=ISSUED_ON)
    db.session.commit()
    return decision


def stored(decision, kind):
    return next(d for d in decision.documents if d.kind == kind)


def reopen(data: bytes):
    return Document(io.BytesIO(data))


def texts(container) -> list[str]:
    return [p.text for p in container.paragraphs]


def paragraph(document, text):
    return next(p for p in document.paragraphs if p.text == text)


def starting(document, prefix):
    return next(p for p in document.paragraphs if p.text.startswith(prefix))


def table_rows(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def run_sizes(paragraph) -> set[float]:
    return {run.font.size.pt for run in paragraph.runs if run.text.strip()}


def bold(paragraph) -> bool:
    return all(run.bold for run in paragraph.runs if run.text.strip())


def italic(paragraph) -> bool:
    return all(run.italic for run in paragraph.runs if run.text.strip())


@pytest.fixture
def issued(world):
    """An issued decision of the district chairman: one collective, two individuals, issued on 5 February 2024."""
    people = [
        approved(world, "collective", "Đội PCCC tự quản thị trấn Lạc Dương", position=""),
        approved(world, name="Nguyễn Văn Hậu"),
        approved(world, name="Trần Thị Mai", position="Công an viên"),
    ]
    return make_decision(world, people)


def test_the_decision_header_follows_decree_30(issued):
    document = reopen(stored(issued, "decision").data)
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert texts(left)[:2] == ["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG"]
    assert not bold(left.paragraphs[0]) and bold(left.paragraphs[1])
    assert all(12 <= size <= 13 for size in run_sizes(left.paragraphs[0]) | run_sizes(left.paragraphs[1]))
    assert texts(right)[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert bold(right.paragraphs[0]) and all(12 <= s <= 13 for s in run_sizes(right.paragraphs[0]))
    assert bold(right.paragraphs[1]) and all(13 <= s <= 14 for s in run_sizes(right.paragraphs[1]))
    for cell in (left, right):  # a short rule under each block: an empty paragraph with a top border
        rule = cell.paragraphs[-1]
        assert rule.text == "" and rule._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:top')}") is not None
    number, place_date = header.rows[1].cells
    assert number.text == "Số: 01/QĐ-UBND"
    assert place_date.text == "Lạc Dương, ngày 05 tháng 02 năm 2024"
    assert italic(place_date.paragraphs[0])
    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {edge.get(qn("w:val")) for edge in borders} == {"nil"}


def test_the_decision_body_has_its_title_basis_and_three_articles(issued):
    document = reopen(stored(issued, "decision").data)
    body = [text for text in texts(document) if text.strip()]
    title = paragraph(document, "QUYẾT ĐỊNH")
    assert bold(title) and title.alignment == 1  # centred
    subject = body[body.index("QUYẾT ĐỊNH") + 1]
    assert subject == (
        "Về việc khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong "
        "Phong trào Toàn dân bảo vệ ANTQ huyện Lạc Dương"
    )
    assert bold(paragraph(document, subject))
    assert bold(paragraph(document, "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG"))
    basis = [p for p in document.paragraphs if p.text.startswith("Căn cứ")]
    assert len(basis) == 3 and all(italic(p) for p in basis)
    assert [p.text[-1] for p in basis] == [";", ";", "."]
    assert body.index("QUYẾT ĐỊNH:") > body.index(basis[-1].text)
    assert starting(document, "Theo đề nghị của").text.startswith("Theo đề nghị của Thường trực Hội đồng")
    article1 = starting(document, "Điều 1.")
    assert article1.text == (
        "Điều 1. Tặng Giấy khen của Chủ tịch UBND huyện Lạc Dương cho 01 tập thể và 02 cá nhân đã có thành tích "
        "xuất sắc trong Phong trào Toàn dân bảo vệ ANTQ huyện Lạc Dương (có danh sách kèm theo)."
    )
    assert article1.runs[0].text == "Điều 1. " and article1.runs[0].bold
    assert starting(document, "Điều 2.").text == "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký."
    assert starting(document, "Điều 3.").text.startswith("Điều 3. Chánh Văn phòng, Thủ trưởng các cơ quan")
    order = [body.index(starting(document, f"Điều {n}.").text) for n in (1, 2, 3)]
    assert order == sorted(order)


def test_the_foot_lists_recipients_beside_the_signature(issued):
    document = reopen(stored(issued, "decision").data)
    foot = document.tables[1]
    recipients, signature = foot.rows[0].cells
    heading, *lines = recipients.paragraphs
    assert heading.text == "Nơi nhận:" and bold(heading) and italic(heading) and run_sizes(heading) == {12.0}
    assert [p.text for p in lines] == ["- Như Điều 3;", "- Thường trực Hội đồng Thi đua – Khen thưởng;", "- Lưu: VT."]
    assert all(run_sizes(p) == {11.0} for p in lines)
    signed = [p for p in signature.paragraphs if p.text]
    assert [p.text for p in signed] == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", SIGNER]
    assert all(bold(p) for p in signed)
    lines_of_signature = texts(signature)
    assert lines_of_signature.index(SIGNER) - lines_of_signature.index("PHÓ CHỦ TỊCH") > 4, "space to sign"
    assert {edge.get(qn("w:val")) for edge in foot._tbl.tblPr.find(qn("w:tblBorders"))} == {"nil"}


def test_the_annex_lists_collectives_and_individuals_apart_in_order(issued):
    document = reopen(stored(issued, "decision").data)
    title = paragraph(document, "DANH SÁCH")
    assert bold(title) and title.paragraph_format.page_break_before
    assert texts(document)[texts(document).index("DANH SÁCH") + 1] == (
        "Tập thể, cá nhân được tặng Giấy khen của Chủ tịch UBND huyện Lạc Dương"
    )
    reference = starting(document, "(Kèm theo")
    assert reference.text == (
        "(Kèm theo Quyết định số 01/QĐ-UBND ngày 05 tháng 02 năm 2024 của Chủ tịch UBND huyện Lạc Dương)"
    )
    assert italic(reference)
    body = texts(document)
    assert body.index("I. TẬP THỂ") < body.index("II. CÁ NHÂN")
    collectives, individuals = document.tables[2], document.tables[3]
    assert table_rows(collectives) == [
        ["STT", "Tên tập thể", "Đơn vị", "Thành tích"],
        ["1", "Đội PCCC tự quản thị trấn Lạc Dương", "", "Phát hiện, tố giác 5 vụ trộm cắp."],
    ]
    assert table_rows(individuals) == [
        ["STT", "Họ và tên", "Chức vụ, đơn vị", "Thành tích"],
        ["1", "Nguyễn Văn Hậu", "Tổ trưởng tổ tự quản, Thị trấn Lạc Dương", "Phát hiện, tố giác 5 vụ trộm cắp."],
        ["2", "Trần Thị Mai", "Công an viên, Thị trấn Lạc Dương", "Phát hiện, tố giác 5 vụ trộm cắp."],
    ]
    header_row = individuals.rows[0]._tr.trPr
    assert header_row is not None and header_row.find(qn("w:tblHeader")) is not None, "repeated on every page"


def test_an_annex_without_collectives_has_only_the_individuals(world):
    decision = make_decision(world, [approved(world, name="Lê Văn Tám")])
    document = reopen(stored(decision, "decision").data)
    body = texts(document)
    assert "I. CÁ NHÂN" in body and "I. TẬP THỂ" not in body and "II. CÁ NHÂN" not in body
    assert len(document.tables) == 3
    assert table_rows(document.tables[2])[1][:2] == ["1", "Lê Văn Tám"]
    assert "cho 01 cá nhân đã có" in starting(document, "Điều 1.").text


def test_the_decision_is_a4_portrait_in_times_new_roman_with_page_numbers_from_page_two(issued):
    document = reopen(stored(issued, "decision").data)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    assert section.different_first_page_header_footer
    page_header = section.header._element.xml
    assert "<w:instrText" in page_header and " PAGE " in page_header and 'w:fldCharType="begin"' in page_header
    assert section.header.paragraphs[0].alignment == 1
    assert "PAGE" not in section.first_page_header._element.xml
    assert "".join(texts(section.first_page_header)) == "", "no draft mark on an issued decision"
    assert_times_new_roman_black(document)


def assert_times_new_roman_black(document):
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(f"w:{key}")) for key in ("ascii", "hAnsi", "cs", "eastAsia")} == {TNR}
    assert defaults.find(qn("w:color")).get(qn("w:val")) == "000000"
    assert document.styles["Normal"].font.name == TNR
    runs = [run for p in all_paragraphs(document) for run in p.runs]
    assert runs and all(run.font.name in (None, TNR) for run in runs)
    assert all(run.font.color.rgb in (None, "000000") for run in runs)


def all_paragraphs(document):
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def test_issuing_stores_both_documents_with_ascii_names_hash_and_template_label(issued):
    by_kind = {d.kind: d for d in issued.documents}
    assert set(by_kind) == {"decision", "certificates"}
    assert by_kind["decision"].filename == "Quyet-dinh-01-QD-UBND-2024.docx"
    assert by_kind["certificates"].filename == "Giay-khen-01-QD-UBND-2024.docx"
    for document in by_kind.values():
        assert document.filename.isascii()
        assert document.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        assert document.size == len(document.data) and document.sha256 == hashlib.sha256(document.data).hexdigest()
    decision_sha = hashlib.sha256(documents.default_template("decision")).hexdigest()[:8]
    assert by_kind["decision"].template_label == f"mặc định (sha256 {decision_sha})"
    assert by_kind["certificates"].template_label.startswith("mặc định (sha256 ")


def test_certificates_have_one_page_per_awardee_in_one_document(issued):
    document = reopen(stored(issued, "certificates").data)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210), "A4 landscape"
    pages = certificate_pages(document)
    names = ["Đội PCCC tự quản thị trấn Lạc Dương", "Nguyễn Văn Hậu", "Trần Thị Mai"]
    assert len(pages) == len(names)
    for page, name in zip(pages, names, strict=True):
        assert page[:6] == [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
            "TẶNG",
            "GIẤY KHEN",
        ]
        assert page[6] == name
        assert "Đã có thành tích phát hiện, tố giác 5 vụ trộm cắp." in page
    assert pages[2][7] == "Công an viên, Thị trấn Lạc Dương"
    signatures = [table_rows(table)[0] for table in document.tables]
    assert len(signatures) == len(names)
    for left, right in signatures:
        assert left.split("\n")[1:] == ["Quyết định số 01/QĐ-UBND", "ngày 05 tháng 02 năm 2024"]
        assert right.split("\n")[:3] == ["Lạc Dương, ngày 05 tháng 02 năm 2024", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        assert right.split("\n")[-1] == SIGNER
    assert_times_new_roman_black(document)


def certificate_pages(document) -> list[list[str]]:
    """The paragraphs of each page: a certificate starts with a paragraph that breaks the page before it."""
    pages = []
    for p in document.paragraphs:
        if p.paragraph_format.page_break_before:
            pages.append([])
        if pages:
            pages[-1].append(p.text)
    return pages


def test_hostile_names_come_out_exactly_and_in_nfc_in_every_document(world):
    position = 'Giám đốc <Chi nhánh> & "Kế toán"'
    people = [approved(world, kind, name, position=position) for kind, name in HOSTILE]
    nfd = approved(world, name="Tạm", position=position)
    nfd.nominee_name = NFD_NAME  # straight into the row: the documents must normalise by themselves
    db.session.commit()
    expected = [name for _, name in HOSTILE] + [unicodedata.normalize("NFC", NFD_NAME)]
    assert len(expected[2]) == 500
    draft = make_decision(world, [*people, nfd], issue=False, signer_name="Lê Văn A & B <Ký>")
    preview = reopen(documents.preview_decision(draft))
    decisions.issue(world.secretariat_d, draft, today=ISSUED_ON)
    db.session.commit()
    issued_docs = {kind: reopen(stored(draft, kind).data) for kind in ("decision", "certificates")}

    for document in (preview, issued_docs["decision"]):
        rows = [row for table in document.tables[2:] for row in table_rows(table)[1:]]
        assert [row[1] for row in rows] == expected
        assert {row[2] for row in rows} == {'Giám đốc <Chi nhánh> & "Kế toán", Thị trấn Lạc Dương'}
        assert texts(document.tables[1].rows[0].cells[1])[-1] == "Lê Văn A & B <Ký>"
    assert [page[6] for page in certificate_pages(issued_docs["certificates"])] == expected
    for data in (documents.preview_decision(draft), *(d.data for d in draft.documents)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml").decode()
        assert unicodedata.is_normalized("NFC", xml)
        assert "Đức &amp; Minh &lt;Chi nhánh 2&gt;" in xml


def test_the_preview_of_a_draft_leaves_number_and_date_blank_and_is_marked(world):
    draft = make_decision(world, [approved(world)], issue=False)
    document = reopen(documents.preview_decision(draft))
    number, place_date = document.tables[0].rows[1].cells
    assert number.text == "Số: …/QĐ-UBND"
    blank = "\u00a0" * 5
    assert place_date.text == f"Lạc Dương, ngày{blank}tháng{blank}năm {date.today().year}"
    assert starting(document, "(Kèm theo").text.startswith(f"(Kèm theo Quyết định số …/QĐ-UBND ngày{blank}tháng")
    assert texts(document.sections[0].first_page_header) == ["DỰ THẢO"]
    assert draft.documents == [] and draft.number is None


def test_a_bonus_goes_in_article_2_and_the_signature_follows_the_signing_form(world):
    bonus = "Kèm theo Giấy khen là tiền thưởng 300.000 đồng/tập thể & 150.000 đồng/cá nhân, trích từ quỹ thi đua."
    decision = make_decision(
        world,
        [approved(world)],
        bonus=bonus,
        signing_form="TM",
        signing_authority="Ủy ban nhân dân",
        signer_title="Chủ tịch",
    )
    document = reopen(stored(decision, "decision").data)
    assert starting(document, "Điều 2.").text == f"Điều 2. {bonus}"
    assert starting(document, "Điều 3.").text.startswith("Điều 3. Quyết định này có hiệu lực thi hành kể từ ngày ký. ")
    signature = [p.text for p in document.tables[1].rows[0].cells[1].paragraphs if p.text]
    assert signature == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", SIGNER]


def test_without_a_signing_form_only_the_signers_title_is_printed(world):
    decision = make_decision(world, [approved(world)], signing_form="", signer_title="Chủ tịch")
    signature = [p.text for p in reopen(stored(decision, "decision").data).tables[1].rows[0].cells[1].paragraphs]
    assert [text for text in signature if text] == ["CHỦ TỊCH", SIGNER]


def marked_template(kind: str, mark: str) -> bytes:
    """The default template of `kind` with one more paragraph: a unit's own version, recognisable."""
    document = reopen(documents.default_template(kind))
    document.add_paragraph(mark)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(world, unit, kind, data):
    version = 1 + len(db.session.scalars(db.select(DocumentTemplate).filter_by(unit_id=unit.id, kind=kind)).all())
    template = DocumentTemplate(
        unit_id=unit.id,
        kind=kind,
        version=version,
        filename=f"{kind}.docx",
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by_id=world.admin.id,
    )
    db.session.add(template)
    db.session.commit()
    return template


def test_template_for_prefers_the_units_newest_upload_then_an_ancestors_then_the_default(world):
    default = documents.default_template("decision")
    data, label = documents.template_for("decision", world.c1)
    assert data == default and label == f"mặc định (sha256 {hashlib.sha256(default).hexdigest()[:8]})"

    province = marked_template("decision", "MẪU CỦA TỈNH")
    upload(world, world.p, "decision", province)
    assert documents.template_for("decision", world.c1) == (province, "Tỉnh Lâm Đồng, bản 1")
    assert documents.template_for("decision", world.d) == (province, "Tỉnh Lâm Đồng, bản 1")

    first, second = marked_template("decision", "MẪU HUYỆN 1"), marked_template("decision", "MẪU HUYỆN 2")
    upload(world, world.d, "decision", first)
    upload(world, world.d, "decision", second)
    assert documents.template_for("decision", world.d) == (second, "Huyện Lạc Dương, bản 2")
    assert documents.template_for("decision", world.c1) == (second, "Huyện Lạc Dương, bản 2")
    assert documents.template_for("decision", world.p) == (province, "Tỉnh Lâm Đồng, bản 1")
    assert documents.template_for("decision", world.q1)[1].startswith("mặc định")
    assert documents.template_for("certificate", world.c1)[0] == documents.default_template("certificate")


def test_issuing_renders_from_the_issuing_units_template_and_records_its_version(world):
    upload(world, world.d, "decision", marked_template("decision", "MẪU RIÊNG CỦA HUYỆN {{ reference }}"))
    upload(world, world.p, "certificate", marked_template("certificate", "MẪU GIẤY KHEN CỦA TỈNH"))
    decision = make_decision(world, [approved(world)])
    decision_doc, certificates = stored(decision, "decision"), stored(decision, "certificates")
    assert "MẪU RIÊNG CỦA HUYỆN 01/QĐ-UBND" in texts(reopen(decision_doc.data))
    assert decision_doc.template_label == "Huyện Lạc Dương, bản 1"
    assert "MẪU GIẤY KHEN CỦA TỈNH" in texts(reopen(certificates.data))
    assert certificates.template_label == "Tỉnh Lâm Đồng, bản 1"


def test_the_communes_proposal_lists_what_it_approved_for_the_awarding_authority(world):
    nominations = [
        create_nomination(world, world.c1, state=State.commune_approved, kind=kind, name=name)
        for kind, name in [("individual", "Nguyễn Văn Hậu"), *HOSTILE[:1]]
    ]
    document = reopen(documents.proposal_document(world.c1, world.campaign_d, nominations))
    left, right = document.tables[0].rows[0].cells
    assert texts(left)[:2] == ["ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG", "ỦY BAN NHÂN DÂN THỊ TRẤN LẠC DƯƠNG"]
    assert texts(right)[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert document.tables[0].rows[1].cells[0].text == "Số: …/TTr-UBND"
    assert document.tables[0].rows[1].cells[1].text.startswith("Lạc Dương, ngày\u00a0")
    body = texts(document)
    assert "TỜ TRÌNH" in body
    assert body[body.index("TỜ TRÌNH") + 1] == (
        "Về việc đề nghị khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong "
        "Phong trào Toàn dân bảo vệ ANTQ huyện Lạc Dương"
    )
    assert "Kính gửi: Chủ tịch UBND huyện Lạc Dương." in body
    assert "- Giấy khen của Chủ tịch UBND huyện Lạc Dương: 01 tập thể và 01 cá nhân;" in body
    assert table_rows(document.tables[2])[1][:2] == ["1", "Công ty TNHH Đức & Minh <Chi nhánh 2>"]
    assert table_rows(document.tables[3])[1][:2] == ["1", "Nguyễn Văn Hậu"]
    assert table_rows(document.tables[3])[1][4] == "Giấy khen của Chủ tịch UBND huyện Lạc Dương"
    signature = [p.text for p in document.tables[1].rows[0].cells[1].paragraphs if p.text]
    assert signature == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    assert_times_new_roman_black(document)


def test_a_multi_line_achievement_keeps_its_line_breaks_in_the_annex(world):
    lines = ["Phát hiện 5 vụ trộm cắp.", "Vận động giao nộp 3 khẩu súng tự chế."]
    decision = make_decision(world, [approved(world, achievements="\n".join(lines))])
    document = reopen(stored(decision, "decision").data)
    individuals = document.tables[-1]
    assert table_rows(individuals)[1][3] == "\n".join(lines)
    assert individuals.rows[1].cells[3]._tc.xml.count("<w:br/>") == 1


@pytest.mark.parametrize(
    ("summary", "line"),
    [
        ("Có thành tích xuất sắc trong phong trào.", "Đã có thành tích xuất sắc trong phong trào."),
        ("có thành tích tốt", "Đã có thành tích tốt."),
        ("Thành tích xuất sắc trong năm 2024", "Đã có thành tích xuất sắc trong năm 2024."),
        ("Đạt thành tích xuất sắc", "Đã đạt thành tích xuất sắc."),
        ("Đã có nhiều thành tích trong công tác.", "Đã có nhiều thành tích trong công tác."),
        ("Phát hiện, tố giác 5 vụ trộm cắp", "Đã có thành tích phát hiện, tố giác 5 vụ trộm cắp."),
        ("Công tác tuyên truyền tốt", "Đã có thành tích công tác tuyên truyền tốt."),
    ],
)
def test_a_certificate_says_da_co_thanh_tich_once_however_the_summary_begins(world, summary, line):
    decision = make_decision(world, [approved(world, achievements=summary)])
    (page,) = certificate_pages(reopen(stored(decision, "certificates").data))
    assert line in page
    assert sum(text.count("thành tích") for text in page) == line.count("thành tích")
