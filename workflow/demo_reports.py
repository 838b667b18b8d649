"""Demo review periods and reports: Lạc Dương's figures of seed 003, in every stage of the chain.

- The 2014–2023 phase collected by huyện Lạc Dương, accepted, carries the article's own totals: 289 propaganda
  sessions with 35,000 attendances, 480 tips that solved 70 cases and 130 suspects, 85 weapons handed in,
  24 of 34 residential areas up to the "An toàn về ANTT" standard.
- The district's yearly periods of the two previous years are accepted (for the comparison and the chart); this
  year's sits under the province's yearly period: xã Đạ Sar's report awaits the district, the boarding school's
  too, and thị trấn Lạc Dương has yet to file (what its clerk does in the walk-through).
- Bình Thuận's province collects from its communes directly: phường Phan Thiết accepted, xã Tuy Phong missing.
"""

from datetime import date, timedelta

from workflow.services.reports import filing, periods

# A year's figures of each reporting unit; ratios are (met, total).
YEARLY = {
    "LD-LDG-TT": {
        "TT_BUOI": 17,
        "TT_LUOT": 2_100,
        "TB_TIN": 29,
        "TB_CO_GIA_TRI": 21,
        "TB_VU": 4,
        "TB_DOI_TUONG": 8,
        "VK_VU_KHI": 5,
        "GD_GIAO_DUC": 12,
        "GD_TIEN_BO": 9,
        "LN_HOI_NGHI": 6,
        "LN_THON": 6,
        "LN_PHIEU": 420,
        "LN_Y_KIEN": 48,
        "MH_MO_HINH": 5,
        "MH_DIA_BAN": 12,
        "MH_NONG_COT": 120,
        "AT_KDC": (15, 20),
    },
    "LD-LDG-DS": {
        "TT_BUOI": 12,
        "TT_LUOT": 1_400,
        "TB_TIN": 19,
        "TB_CO_GIA_TRI": 12,
        "TB_VU": 3,
        "TB_DOI_TUONG": 5,
        "VK_VU_KHI": 4,
        "GD_GIAO_DUC": 7,
        "GD_TIEN_BO": 5,
        "LN_HOI_NGHI": 4,
        "LN_THON": 4,
        "LN_PHIEU": 260,
        "LN_Y_KIEN": 31,
        "MH_MO_HINH": 3,
        "MH_DIA_BAN": 8,
        "MH_NONG_COT": 75,
        "AT_KDC": (9, 14),
        "AT_XA": (1, 1),
    },
    "LD-LDG-DTNT": {"TT_BUOI": 4, "TT_LUOT": 620, "AT_NHA_TRUONG": (1, 1)},
    "LD-LDG-TT-THCS": {"TT_BUOI": 3, "TT_LUOT": 450, "AT_NHA_TRUONG": (0, 1)},
    "BT-PT": {
        "TT_BUOI": 36,
        "TT_LUOT": 5_200,
        "TB_TIN": 96,
        "TB_VU": 41,
        "TB_DOI_TUONG": 63,
        "MH_MO_HINH": 6,
        "MH_DIA_BAN": 74,
        "MH_NONG_COT": 1_035,
        "MH_NHAN_RONG": 72,
        "AT_KDC": (68, 74),
    },
}
# Seed 003's ten-year totals, as the two communes reported them for the phase.
PHASE_2014_2023 = {
    "LD-LDG-TT": {
        "TT_BUOI": 173,
        "TT_LUOT": 21_000,
        "TB_TIN": 290,
        "TB_VU": 42,
        "TB_DOI_TUONG": 78,
        "VK_VU_KHI": 51,
        "AT_KDC": (15, 20),
    },
    "LD-LDG-DS": {
        "TT_BUOI": 116,
        "TT_LUOT": 14_000,
        "TB_TIN": 190,
        "TB_VU": 28,
        "TB_DOI_TUONG": 52,
        "VK_VU_KHI": 34,
        "AT_KDC": (9, 14),
    },
}
# Who writes each unit's report, and who reviews at each level.
CLERKS = {
    "LD-LDG-TT": "ld.canbo",
    "LD-LDG-DS": "ds.canbo",
    "LD-LDG-DTNT": "ld.truong",
    "LD-LDG-TT-THCS": "thcs.canbo",
    "LD-LDG": "ld.tonghop",
    "BT-PT": "bt.canbo",
}
REVIEWERS = {
    "LD-LDG-TT": "ld.xa",
    "LD-LDG-DS": "ds.xa",
    "LD-LDG": "ld.huyen",
    "LD": "ld.tinh",
    "BT-PT": "bt.xa",
    "BT": "bt.tinh",
}


def load(units: dict, users: dict, root, today: date) -> None:
    year = today.year
    district, province = units["LD-LDG"], units["LD"]

    def period(owner, kind, title, starts, ends, due, levels, parent=None):
        return periods.save(
            root,
            {
                "owner_unit_id": owner.id,
                "kind": kind,
                "title": title,
                "starts_on": starts,
                "ends_on": ends,
                "due_on": due,
                "reporting_levels": levels,
                "parent_id": parent.id if parent else None,
            },
        )

    def report(period_, code, figures, *, scale=1.0, upto=None):
        """File `code`'s report and walk it up the chain as far as `upto` ("accepted" by default, None: draft)."""
        clerk = users[CLERKS[code]]
        values = {key: _scaled(value, scale) for key, value in figures.items()}
        filed = filing.create(
            clerk,
            period_,
            {"unit_id": units[code].id, "values": values} | _narrative(units[code].name, period_.title, values),
        )
        if upto is None:
            return filed
        sent = min(period_.due_on - timedelta(days=3), today)
        filing.perform(clerk, filed, "submit", today=sent)
        for step in filed.review_chain:
            if filed.state == upto:
                break
            reviewer = next(users[REVIEWERS[c]] for c, u in units.items() if u.id == step["unit_id"])
            filing.perform(reviewer, filed, "approve")
        return filed

    levels = ["commune", "agency"]
    phase = period(
        district,
        "phase",
        "Tổng kết 10 năm phong trào Toàn dân bảo vệ ANTQ giai đoạn 2014–2023",
        date(2014, 1, 1),
        date(2023, 12, 31),
        date(2023, 4, 30),
        ["commune"],
    )
    for code, figures in PHASE_2014_2023.items():
        report(phase, code, figures, upto="accepted")

    for back, scale in ((2, 0.82), (1, 0.91)):
        earlier = period(
            district,
            "year",
            f"Tổng kết phong trào Toàn dân bảo vệ ANTQ năm {year - back}",
            date(year - back, 1, 1),
            date(year - back, 12, 31),
            date(year - back, 12, 10),
            levels,
        )
        for code in ("LD-LDG-TT", "LD-LDG-DS", "LD-LDG-DTNT", "LD-LDG-TT-THCS"):
            report(earlier, code, YEARLY[code], scale=scale, upto="accepted")

    provincial = period(
        province,
        "year",
        f"Tổng kết phong trào Toàn dân bảo vệ ANTQ năm {year} – tỉnh Lâm Đồng",
        date(year, 1, 1),
        date(year, 12, 31),
        date(year, 12, 20),
        ["district"],
    )
    current = period(
        district,
        "year",
        f"Tổng kết phong trào Toàn dân bảo vệ ANTQ năm {year}",
        date(year, 1, 1),
        date(year, 12, 31),
        date(year, 12, 10),
        levels,
        parent=provincial,
    )
    report(current, "LD-LDG-DS", YEARLY["LD-LDG-DS"], upto="commune_approved")
    report(current, "LD-LDG-DTNT", YEARLY["LD-LDG-DTNT"], upto="submitted")
    report(current, "LD-LDG-TT-THCS", YEARLY["LD-LDG-TT-THCS"], upto="accepted")

    binh_thuan = period(
        units["BT"],
        "year",
        f"Tổng kết phong trào Toàn dân bảo vệ ANTQ năm {year} – tỉnh Bình Thuận",
        date(year, 1, 1),
        date(year, 12, 31),
        date(year, 12, 15),
        ["commune"],
    )
    report(binh_thuan, "BT-PT", YEARLY["BT-PT"], upto="accepted")


def _scaled(value, scale: float):
    if isinstance(value, tuple):
        met, total = value
        return {"value": min(total, round(met * scale)), "total": total}
    return round(value * scale)


def _narrative(unit_name: str, title: str, values: dict) -> dict[str, str]:
    sessions = values.get("TT_BUOI", 0)
    attendances = values.get("TT_LUOT", 0)
    tips = values.get("TB_TIN", 0)
    return {
        "results": (
            f"Thực hiện “{title}”, {unit_name} đã tổ chức {sessions} buổi tuyên truyền, vận động với "
            f"{attendances:_} lượt người tham dự; tiếp nhận {tips} tin báo, tố giác tội phạm của Nhân dân.\n"
            "Các mô hình tự phòng, tự quản, tự bảo vệ tiếp tục được duy trì, phát huy hiệu quả."
        ).replace("_", "."),
        "shortcomings": "Một số thôn, tổ dân phố chưa duy trì sinh hoạt tổ tự quản thường xuyên.",
        "lessons": "Phát huy vai trò của người có uy tín, già làng, chức sắc tôn giáo trong vận động quần chúng.",
        "proposals": "Đề nghị cấp trên hỗ trợ kinh phí duy trì hoạt động của các mô hình tự quản.",
    }
