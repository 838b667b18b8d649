"""Demo data from the seed articles: both eras of the approval chain, one account per role.

District era (before 1 July 2025): Lâm Đồng › huyện Lạc Dương › thị trấn Lạc Dương, xã Đạ Sar, where the
district chairman's Giấy khen went to 4 collectives and 5 individuals in May 2023 (seed 003).
Two-level era (today): Bình Thuận › its communes directly, the provincial police director's Giấy khen (seed 004).
Individuals' names are illustrative: the articles do not print them.
"""

from datetime import date, timedelta

from sqlalchemy import func, select

from workflow import catalogue, clock, demo_reports
from workflow.extensions import db
from workflow.models import Unit
from workflow.services import admin, nominations
from workflow.states import Role

DEMO_PASSWORD = "antq2026"

UNITS = [  # code, name, level, parent code
    ("LD", "Tỉnh Lâm Đồng", "province", None),
    ("LD-LDG", "Huyện Lạc Dương", "district", "LD"),
    ("LD-LDG-TT", "Thị trấn Lạc Dương", "commune", "LD-LDG"),
    ("LD-LDG-DS", "Xã Đạ Sar", "commune", "LD-LDG"),
    ("LD-LDG-DTNT", "Trường Phổ thông Dân tộc nội trú huyện Lạc Dương", "agency", "LD-LDG"),
    ("LD-LDG-TT-THCS", "Trường THCS Lạc Dương", "agency", "LD-LDG-TT"),
    ("VP", "Tỉnh Vĩnh Phúc", "province", None),
    ("VP-YL", "Huyện Yên Lạc", "district", "VP"),
    ("VP-YL-TL", "Xã Tề Lỗ", "commune", "VP-YL"),
    ("VP-YL-YD", "Xã Yên Đồng", "commune", "VP-YL"),
    ("AG", "Tỉnh An Giang", "province", None),
    ("AG-CM", "Huyện Chợ Mới", "district", "AG"),
    ("AG-CM-TT", "Thị trấn Chợ Mới", "commune", "AG-CM"),
    ("HN", "Thành phố Hà Nội", "province", None),
    ("HN-MD", "Huyện Mỹ Đức", "district", "HN"),
    ("HN-MD-DN", "Thị trấn Đại Nghĩa", "commune", "HN-MD"),
    ("BT", "Tỉnh Bình Thuận", "province", None),
    ("BT-PT", "Phường Phan Thiết", "commune", "BT"),
    ("BT-TP", "Xã Tuy Phong", "commune", "BT"),
    ("BT-PBC", "Trường THPT chuyên Trần Hưng Đạo", "agency", "BT"),
]

USERS = [  # username, full name, role, unit code (None: the whole tree)
    ("admin", "Quản trị hệ thống", Role.admin, None),
    ("ld.quantri", "Phạm Minh Tuấn", Role.admin, "LD-LDG"),
    ("ld.canbo", "Nguyễn Thị Lan", Role.clerk, "LD-LDG-TT"),
    ("ld.xa", "K'Brơi", Role.reviewer, "LD-LDG-TT"),
    ("ds.canbo", "Lơ Mu Ha Thiên", Role.clerk, "LD-LDG-DS"),
    ("ds.xa", "Trần Văn Bình", Role.reviewer, "LD-LDG-DS"),
    ("ld.truong", "Đặng Thị Hoa", Role.clerk, "LD-LDG-DTNT"),
    ("ld.huyen", "Võ Đức Thắng", Role.reviewer, "LD-LDG"),
    ("ld.thuongtruc", "Hoàng Thu Hà", Role.secretariat, "LD-LDG"),
    ("ld.tonghop", "Trịnh Văn Khải", Role.clerk, "LD-LDG"),
    ("thcs.canbo", "Phan Thị Yến", Role.clerk, "LD-LDG-TT-THCS"),
    ("ld.tinh", "Nguyễn Hữu Quang", Role.reviewer, "LD"),
    ("bt.canbo", "Lê Hoàng Phúc", Role.clerk, "BT-PT"),
    ("bt.xa", "Ngô Thanh Sơn", Role.reviewer, "BT-PT"),
    ("bt.tinh", "Lê Thanh Hùng", Role.reviewer, "BT"),
    ("bt.thuongtruc", "Bùi Thị Ngọc", Role.secretariat, "BT"),
]

AWARD_FORMS = [  # issuing unit code, name, criteria, the header and signature of its decisions
    (
        "LD-LDG",
        "Giấy khen của Chủ tịch UBND huyện Lạc Dương",
        "Tập thể, cá nhân có thành tích xuất sắc trong phong trào Toàn dân bảo vệ ANTQ, "
        "được Hội đồng Thi đua – Khen thưởng huyện xét đề nghị.",
        {
            "parent_body": "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
            "issuing_body": "ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
            "decision_symbol": "QĐ-UBND",
            "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN LẠC DƯƠNG",
            "signing_authority": "CHỦ TỊCH",
            "signer_title": "PHÓ CHỦ TỊCH",
            "place": "Lạc Dương",
        },
    ),
    (
        "LD",
        "Giấy khen của Giám đốc Công an tỉnh Lâm Đồng",
        "",
        {
            "parent_body": "BỘ CÔNG AN",
            "issuing_body": "CÔNG AN TỈNH LÂM ĐỒNG",
            "decision_symbol": "QĐ-CAT",
            "authority": "GIÁM ĐỐC CÔNG AN TỈNH LÂM ĐỒNG",
            "signing_authority": "GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "place": "Lâm Đồng",
        },
    ),
    (
        "BT",
        "Giấy khen của Giám đốc Công an tỉnh Bình Thuận",
        "Có thành tích xuất sắc trong phong trào Toàn dân bảo vệ ANTQ trong năm.",
        {
            "parent_body": "BỘ CÔNG AN",
            "issuing_body": "CÔNG AN TỈNH BÌNH THUẬN",
            "decision_symbol": "QĐ-CAT",
            "authority": "GIÁM ĐỐC CÔNG AN TỈNH BÌNH THUẬN",
            "signing_authority": "GIÁM ĐỐC",
            "signer_title": "PHÓ GIÁM ĐỐC",
            "place": "Bình Thuận",
        },
    ),
    (
        "VP-YL",
        "Giấy khen của Chủ tịch UBND huyện Yên Lạc",
        "",
        {
            "parent_body": "ỦY BAN NHÂN DÂN TỈNH VĨNH PHÚC",
            "issuing_body": "ỦY BAN NHÂN DÂN HUYỆN YÊN LẠC",
            "decision_symbol": "QĐ-UBND",
            "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN YÊN LẠC",
            "signing_authority": "CHỦ TỊCH",
            "signer_title": "PHÓ CHỦ TỊCH",
            "place": "Yên Lạc",
        },
    ),
]

SEED_003_COLLECTIVES = [
    ("LD-LDG-TT", "Đội PCCC tự quản thị trấn Lạc Dương"),
    ("LD-LDG-TT", "Giáo xứ Lang Biang"),
    ("LD-LDG-DS", "Chi hội Tin lành Đạ Sar"),
    ("LD-LDG-DS", "Dòng họ Bon Niêng"),
]
SEED_003_INDIVIDUALS = [
    ("LD-LDG-TT", "Nguyễn Văn Hậu", "Tổ trưởng Tổ Nhân dân tự quản về an ninh, trật tự tổ dân phố Bon Đưng 1"),
    ("LD-LDG-TT", "Cil Ha Sin", "Trưởng Ban công tác Mặt trận tổ dân phố Đăng Lèn"),
    ("LD-LDG-TT", "Trần Thị Mai", "Công an viên, Công an thị trấn Lạc Dương"),
    ("LD-LDG-DS", "Bon Niêng Ha Phi", "Trưởng thôn Đưng K'Si, xã Đạ Sar"),
    ("LD-LDG-DS", "Lê Quang Vinh", "Đội trưởng Đội dân phòng xã Đạ Sar"),
]


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Unit))


def load(today: date | None = None) -> None:
    """Load the demo into an empty database (the caller commits)."""
    today = today or clock.today()
    root = admin.system_actor()
    catalogue.seed()
    units = {}
    for code, name, level, parent in UNITS:
        units[code] = admin.create_unit(
            root, {"code": code, "name": name, "level": level, "parent_id": units[parent].id if parent else None}
        )
    users = {}
    for username, full_name, role, unit in USERS:
        users[username] = admin.create_user(
            root,
            {
                "username": username,
                "full_name": full_name,
                "password": DEMO_PASSWORD,
                "roles": [{"role": role.value, "unit_id": units[unit].id if unit else None}],
            },
        )
    forms = {
        owner: admin.save_award_form(
            root,
            {
                "name": name,
                "owner_unit_id": units[owner].id,
                "nominee_kinds": ["collective", "individual"],
                "criteria": criteria,
                **issuer,
            },
        )
        for owner, name, criteria, issuer in AWARD_FORMS
    }
    deadline = max(today + timedelta(days=60), date(today.year, 12, 31))
    tongket = admin.save_campaign(
        root,
        {
            "title": "Tổng kết 10 năm phong trào Toàn dân bảo vệ ANTQ giai đoạn 2014–2023",
            "owner_unit_id": units["LD-LDG"].id,
            "starts_on": "2014-01-01",
            "ends_on": "2023-12-31",
            "nomination_deadline": "2023-05-15",
            "award_form_ids": [forms["LD-LDG"].id],
            "description": "Chương trình phối hợp số 06/CTr-CA-MT ngày 06/3/2014 giữa Công an tỉnh với MTTQ tỉnh.",
        },
    )
    current = admin.save_campaign(
        root,
        {
            "title": f"Phong trào Toàn dân bảo vệ ANTQ năm {today.year}",
            "owner_unit_id": units["LD-LDG"].id,
            "starts_on": f"{today.year}-01-01",
            "ends_on": f"{today.year}-12-31",
            "nomination_deadline": deadline.isoformat(),
            "award_form_ids": [forms["LD-LDG"].id, forms["LD"].id],
        },
    )
    binh_thuan = admin.save_campaign(
        root,
        {
            "title": f"Phong trào Toàn dân bảo vệ ANTQ năm {today.year} – tỉnh Bình Thuận",
            "owner_unit_id": units["BT"].id,
            "starts_on": f"{today.year}-01-01",
            "ends_on": f"{today.year}-12-31",
            "nomination_deadline": deadline.isoformat(),
            "award_form_ids": [forms["BT"].id],
        },
    )

    def nominate(clerk, campaign, form, unit, kind, name, position="", achievements=None, day=today):
        return nominations.create(
            users[clerk],
            {
                "campaign_id": campaign.id,
                "award_form_id": form.id,
                "unit_id": units[unit].id,
                "nominee_kind": kind,
                "nominee_name": name,
                "position": position,
                "achievements": achievements
                or f"Có thành tích xuất sắc trong đợt thi đua “{campaign.title}”: "
                "tích cực tuyên truyền, vận động Nhân dân tham gia phong trào, "
                "phát hiện, tố giác tội phạm, giữ vững an ninh, trật tự địa bàn.",
            },
            today=day,
        )

    def walk(nomination, *steps, day=today):
        for username, action in steps:
            nominations.perform(users[username], nomination, action, today=day)

    # Seed 003: the May 2023 decision's 4 collectives and 5 individuals, fully approved, awaiting the decision.
    may_2023 = date(2023, 5, 10)
    clerks = {"LD-LDG-TT": ("ld.canbo", "ld.xa"), "LD-LDG-DS": ("ds.canbo", "ds.xa")}
    for unit, name in SEED_003_COLLECTIVES:
        clerk, approver = clerks[unit]
        walk(
            nominate(clerk, tongket, forms["LD-LDG"], unit, "collective", name, day=may_2023),
            (clerk, "submit"),
            (approver, "approve"),
            ("ld.huyen", "approve"),
            day=may_2023,
        )
    for unit, name, position in SEED_003_INDIVIDUALS:
        clerk, approver = clerks[unit]
        walk(
            nominate(clerk, tongket, forms["LD-LDG"], unit, "individual", name, position, day=may_2023),
            (clerk, "submit"),
            (approver, "approve"),
            ("ld.huyen", "approve"),
            day=may_2023,
        )

    # This year's campaign, in every stage of the chain.
    nominate(
        "ld.canbo", current, forms["LD-LDG"], "LD-LDG-TT", "collective", "Tổ liên gia tự quản tổ dân phố Bon Đưng 2"
    )
    walk(
        nominate(
            "ld.canbo",
            current,
            forms["LD-LDG"],
            "LD-LDG-TT",
            "collective",
            "Mô hình “Camera an ninh” tổ dân phố Đăng Gia Rít",
        ),
        ("ld.canbo", "submit"),
    )
    walk(
        nominate(
            "ds.canbo",
            current,
            forms["LD-LDG"],
            "LD-LDG-DS",
            "individual",
            "Păng Ting Ha Nhung",
            "Công an viên thôn Đạ Nghịt, xã Đạ Sar",
        ),
        ("ds.canbo", "submit"),
        ("ds.xa", "approve"),
    )
    walk(
        nominate(
            "ld.truong",
            current,
            forms["LD-LDG"],
            "LD-LDG-DTNT",
            "collective",
            "Đoàn Thanh niên Trường Phổ thông Dân tộc nội trú huyện Lạc Dương",
        ),
        ("ld.truong", "submit"),
    )
    walk(
        nominate(
            "bt.canbo",
            binh_thuan,
            forms["BT"],
            "BT-PT",
            "collective",
            "Tổ dân phố tự quản về an ninh, trật tự khu phố 3, phường Phan Thiết",
        ),
        ("bt.canbo", "submit"),
    )
    db.session.flush()
    demo_reports.load(units, users, root, today)
    db.session.flush()
