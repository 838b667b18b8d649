"""Sample data for checking an uploaded template and for previews: stand-ins with the attributes the context
builders read, so a sample context has exactly the keys a real one has. The names are deliberately awkward
(ampersands, angle brackets, quotes, a long name) so a template that breaks on them is refused."""

from datetime import date
from types import SimpleNamespace

from workflow import catalogue
from workflow.documents import context, report

SAMPLE_DAY = date(2023, 5, 24)


def _unit(name: str, level: str, parent=None) -> SimpleNamespace:
    return SimpleNamespace(name=name, level=level, parent=parent)


_PROVINCE = _unit("Tỉnh Lâm Đồng", "province")
_DISTRICT = _unit("Huyện Lạc Dương", "district", _PROVINCE)
_COMMUNE = _unit("Thị trấn Lạc Dương", "commune", _DISTRICT)
_FORM = SimpleNamespace(
    name="Giấy khen của Chủ tịch UBND huyện Lạc Dương", authority="", owner_unit=_DISTRICT, decision_symbol="QĐ-UBND"
)
_CAMPAIGN = SimpleNamespace(
    title="Phong trào Toàn dân bảo vệ an ninh Tổ quốc giai đoạn 2014 – 2023",
    starts_on=date(2014, 1, 1),
    ends_on=date(2023, 12, 31),
)
_NOMINEES = [
    ("collective", "Đội PCCC tự quản thị trấn Lạc Dương", "", "Duy trì hoạt động hiệu quả mô hình tự quản."),
    ("collective", "Công ty TNHH Đức & Minh <Chi nhánh 2>", "Doanh nghiệp", "Xây dựng “Camera an ninh” & PCCC."),
    ("individual", "Nguyễn Văn Hậu", "Tổ trưởng tổ tự quản", "Phát hiện, tố giác 5 vụ trộm cắp."),
    ("individual", 'Đinh Thị "Hoa" K\'Lang ' + "Rơ Ông " * 20, "Công an viên", "Vận động giao nộp 12 khẩu súng."),
]


def _nominations() -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            nominee_kind=kind,
            nominee_name=name,
            position=position,
            achievements=achievements,
            unit=_COMMUNE,
            award_form=_FORM,
        )
        for kind, name, position, achievements in _NOMINEES
    ]


def decision(*, issued: bool = True) -> SimpleNamespace:
    """A decision of the district chairman, issued on 24 May 2023 as number 15 (or a draft)."""
    number = 15 if issued else None
    return SimpleNamespace(
        number=number,
        symbol="QĐ-UBND",
        year=SAMPLE_DAY.year if issued else None,
        issued_on=SAMPLE_DAY if issued else None,
        reference=f"{number:02d}/QĐ-UBND" if number else "…/QĐ-UBND",
        place="Lạc Dương",
        parent_body="Ủy ban nhân dân tỉnh Lâm Đồng",
        issuing_body="Ủy ban nhân dân huyện Lạc Dương",
        subject="Về việc khen thưởng các tập thể, cá nhân có thành tích xuất sắc trong " + _CAMPAIGN.title,
        authority="CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
        basis="Căn cứ Luật Tổ chức chính quyền địa phương;\nCăn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022",
        proposal="Theo đề nghị của Trưởng Công an huyện tại Tờ trình số 120/TTr-CAH ngày 10 tháng 5 năm 2023.",
        bonus="Kèm theo Giấy khen là tiền thưởng theo quy định, trích từ quỹ thi đua, khen thưởng của huyện.",
        implementers="Chánh Văn phòng HĐND và UBND huyện, Trưởng Công an huyện và các tập thể, cá nhân có tên tại "
        "Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
        recipients="Như Điều 3;\nCông an tỉnh Lâm Đồng;\nLưu: VT, TĐKT.",
        signing_form="KT",
        signing_authority="Chủ tịch",
        signer_title="Phó Chủ tịch",
        signer_name="Nguyễn Văn A & B <Ký>",
        issuing_unit=_DISTRICT,
        award_form=_FORM,
        campaign=_CAMPAIGN,
        items=[SimpleNamespace(nomination=n) for n in _nominations()],
    )


# Lạc Dương's figures over 2014–2023 (seed 003), some of them.
_REPORT_FIGURES = {"TT_BUOI": 289, "TT_LUOT": 35000, "TB_TIN": 480, "TB_VU": 70, "VK_VU_KHI": 85, "AT_KDC": (24, 34)}


def review_report() -> SimpleNamespace:
    """The district's report to the province on the 2014–2023 phase, its narrative naming an awkward company."""
    indicators = {row["code"]: SimpleNamespace(id=n, **row) for n, row in enumerate(catalogue.rows(), start=1)}
    values = [
        SimpleNamespace(indicator=indicators[code], value=v[0], total=v[1])
        if isinstance(v, tuple)
        else SimpleNamespace(indicator=indicators[code], value=v, total=None)
        for code, v in _REPORT_FIGURES.items()
    ]
    period = SimpleNamespace(
        title="Tổng kết phong trào Toàn dân bảo vệ ANTQ giai đoạn 2014 – 2023",
        kind="phase",
        starts_on=date(2014, 1, 1),
        ends_on=date(2023, 12, 31),
        owner_unit=_PROVINCE,
    )
    return SimpleNamespace(
        unit=_DISTRICT,
        period=period,
        values=values,
        results="Tổ chức 289 buổi tuyên truyền với 35.000 lượt người tham dự.\n\n"
        "Phối hợp với Công ty TNHH Đức & Minh <Chi nhánh 2> lắp đặt “Camera an ninh” tại 12 khu dân cư.",
        shortcomings='Một số mô hình "tự quản" hoạt động còn hình thức.',
        lessons="Phát huy vai trò người có uy tín: " + "già làng, trưởng bản, chức sắc tôn giáo; " * 10,
        proposals="Đề nghị Công an tỉnh hỗ trợ kinh phí duy trì mô hình.",
    )


def context_for(kind: str) -> dict:
    """A full sample context of a template kind ('decision', 'certificate', 'proposal', 'report')."""
    if kind == "decision":
        return context.decision_context(decision())
    if kind == "certificate":
        return context.certificate_context(decision())
    if kind == "proposal":
        return context.proposal_context(_COMMUNE, _CAMPAIGN, _nominations(), today=SAMPLE_DAY)
    if kind == "report":
        return report.report_context(review_report(), today=SAMPLE_DAY)
    raise ValueError(kind)
