"""The movement's indicator catalogue as shipped: what the reports of the seeds actually count.

Administrators edit the catalogue in the app; this is only its first content, loaded by the migration that creates
the table (and by `flask demo` and the tests, which build their schema without migrations).
"""

from sqlalchemy import select

from workflow.extensions import db
from workflow.models import Indicator

PROPAGANDA = "Tuyên truyền, vận động quần chúng"
TIPS = "Tin báo, tố giác tội phạm của nhân dân"
WEAPONS = "Vận động giao nộp vũ khí, vật liệu nổ"
REFORM = "Giáo dục, cảm hóa người vi phạm pháp luật"
FORUMS = "“Công an lắng nghe ý kiến nhân dân”"
MODELS = "Mô hình tự phòng, tự quản, tự bảo vệ"
SAFE = "Đạt chuẩn “An toàn về an ninh, trật tự”"

# (code, group, name, measure, kind)
INDICATORS = [
    ("TT_BUOI", PROPAGANDA, "Số buổi tuyên truyền, vận động", "buổi", "sum"),
    ("TT_LUOT", PROPAGANDA, "Số lượt người tham dự", "lượt người", "sum"),
    ("TB_TIN", TIPS, "Tin báo, tố giác tội phạm nhân dân cung cấp", "tin", "sum"),
    ("TB_CO_GIA_TRI", TIPS, "Trong đó: tin có giá trị", "tin", "sum"),
    ("TB_VU", TIPS, "Số vụ án được làm rõ từ tin báo", "vụ", "sum"),
    ("TB_DOI_TUONG", TIPS, "Số đối tượng được làm rõ từ tin báo", "đối tượng", "sum"),
    ("TB_MA_TUY", TIPS, "Vụ về ma túy phát hiện từ tin báo", "vụ", "sum"),
    ("TB_CO_BAC", TIPS, "Vụ cờ bạc phát hiện từ tin báo", "vụ", "sum"),
    ("TB_MAI_DAM", TIPS, "Vụ mại dâm phát hiện từ tin báo", "vụ", "sum"),
    ("VK_VU_KHI", WEAPONS, "Vũ khí, súng tự chế nhân dân giao nộp", "khẩu", "sum"),
    ("VK_VAT_LIEU_NO", WEAPONS, "Vật liệu nổ (lựu đạn, kíp, ngòi nổ) giao nộp", "quả, chiếc", "sum"),
    ("GD_GIAO_DUC", REFORM, "Người vi phạm được giáo dục, cảm hóa tại cộng đồng", "người", "sum"),
    ("GD_TIEN_BO", REFORM, "Trong đó: tiến bộ, hoàn lương", "người", "sum"),
    ("GD_QUAN_LY", REFORM, "Đưa vào diện quản lý, giám sát", "người", "sum"),
    ("LN_HOI_NGHI", FORUMS, "Hội nghị “Công an lắng nghe ý kiến nhân dân”", "hội nghị", "sum"),
    ("LN_THON", FORUMS, "Thôn, tổ dân phố tổ chức hội nghị", "thôn, tổ", "sum"),
    ("LN_PHIEU", FORUMS, "Phiếu khảo sát phát ra", "phiếu", "sum"),
    ("LN_Y_KIEN", FORUMS, "Ý kiến của nhân dân tiếp nhận", "ý kiến", "sum"),
    ("MH_MO_HINH", MODELS, "Mô hình tự phòng, tự quản, tự bảo vệ", "mô hình", "sum"),
    ("MH_DIA_BAN", MODELS, "Khu dân cư có mô hình hoạt động", "khu dân cư", "sum"),
    ("MH_NONG_COT", MODELS, "Thành viên nòng cốt", "người", "sum"),
    ("MH_NHAN_RONG", MODELS, "Khu dân cư được nhân rộng mô hình hiệu quả", "khu dân cư", "sum"),
    ("AT_KDC", SAFE, "Khu dân cư đạt chuẩn", "khu dân cư", "ratio"),
    ("AT_XA", SAFE, "Xã, phường, thị trấn đạt chuẩn", "xã", "ratio"),
    ("AT_CO_QUAN", SAFE, "Cơ quan đạt chuẩn", "cơ quan", "ratio"),
    ("AT_DOANH_NGHIEP", SAFE, "Doanh nghiệp đạt chuẩn", "doanh nghiệp", "ratio"),
    ("AT_NHA_TRUONG", SAFE, "Cơ sở giáo dục, nhà trường đạt chuẩn", "trường", "ratio"),
]


def rows() -> list[dict]:
    """The catalogue as table rows, in display order."""
    return [
        {"code": code, "group": group, "name": name, "measure": measure, "kind": kind, "position": index * 10}
        for index, (code, group, name, measure, kind) in enumerate(INDICATORS, start=1)
    ]


def seed() -> int:
    """Add the shipped indicators that are missing (by code); never changes an indicator an admin edited."""
    present = set(db.session.scalars(select(Indicator.code)))
    missing = [Indicator(active=True, **row) for row in rows() if row["code"] not in present]
    db.session.add_all(missing)
    db.session.flush()
    return len(missing)
