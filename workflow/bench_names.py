"""The words of the national benchmark dataset (workflow/bench_national.py): the 34 provinces of the 2025 map,
place-name syllables, Vietnamese personal names, and the texts of nominations."""

# The 34 provinces and cities since 12 June 2025: code, name, commune-level units (approximately the real counts),
# and whether the dataset keeps a district level there.
PROVINCES = [
    ("HNI", "Thành phố Hà Nội", 126, True),
    ("HUE", "Thành phố Huế", 40, False),
    ("LCU", "Tỉnh Lai Châu", 38, False),
    ("DBN", "Tỉnh Điện Biên", 45, False),
    ("SLA", "Tỉnh Sơn La", 75, True),
    ("LSN", "Tỉnh Lạng Sơn", 65, False),
    ("QNH", "Tỉnh Quảng Ninh", 54, True),
    ("THA", "Tỉnh Thanh Hóa", 166, True),
    ("NAN", "Tỉnh Nghệ An", 130, True),
    ("HTH", "Tỉnh Hà Tĩnh", 69, False),
    ("CBG", "Tỉnh Cao Bằng", 56, False),
    ("TQG", "Tỉnh Tuyên Quang", 124, False),
    ("LCI", "Tỉnh Lào Cai", 99, False),
    ("TNN", "Tỉnh Thái Nguyên", 92, False),
    ("PTO", "Tỉnh Phú Thọ", 148, True),
    ("BNH", "Tỉnh Bắc Ninh", 99, False),
    ("HYN", "Tỉnh Hưng Yên", 104, False),
    ("HPG", "Thành phố Hải Phòng", 114, False),
    ("NBH", "Tỉnh Ninh Bình", 129, False),
    ("QTI", "Tỉnh Quảng Trị", 78, False),
    ("DNG", "Thành phố Đà Nẵng", 94, False),
    ("QNI", "Tỉnh Quảng Ngãi", 96, False),
    ("GLI", "Tỉnh Gia Lai", 135, True),
    ("KHA", "Tỉnh Khánh Hòa", 65, False),
    ("LDG", "Tỉnh Lâm Đồng", 124, True),
    ("DLK", "Tỉnh Đắk Lắk", 102, True),
    ("HCM", "Thành phố Hồ Chí Minh", 168, False),
    ("DNI", "Tỉnh Đồng Nai", 95, True),
    ("TNH", "Tỉnh Tây Ninh", 96, False),
    ("CTO", "Thành phố Cần Thơ", 103, False),
    ("VLG", "Tỉnh Vĩnh Long", 124, True),
    ("DTP", "Tỉnh Đồng Tháp", 102, False),
    ("CMU", "Tỉnh Cà Mau", 64, False),
    ("AGG", "Tỉnh An Giang", 102, True),
]
SPECIAL_ZONES = {  # đặc khu, the island units of the 2025 map
    "QNH": ["Vân Đồn", "Cô Tô"],
    "HPG": ["Cát Hải", "Bạch Long Vĩ"],
    "QTI": ["Cồn Cỏ"],
    "QNI": ["Lý Sơn"],
    "DNG": ["Hoàng Sa"],
    "KHA": ["Trường Sa"],
    "LDG": ["Phú Quý"],
    "HCM": ["Côn Đảo"],
    "AGG": ["Phú Quốc", "Kiên Hải", "Thổ Châu"],
}
SYLLABLES = (
    "An Bình Cẩm Đông Hòa Hưng Long Mỹ Phú Tân Thạnh Thuận Vĩnh Xuân Yên Quang Trung Đức Lạc Phước Sơn Thành Hải "
    "Nghĩa Định Lộc Tiến Hiệp Khánh Lâm Minh Ninh Tây Nam Bắc Hà Kim Ngọc Thái Quý Hồng Lương Cát Diên Châu Gia "
    "Hậu Lợi Đạ Krông Ea Mường Nà Bản Chiềng Trà Hội Ân Phong Điền Thượng Hạ Vạn Thủy"
).split()
SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Trịnh Lương Mai".split()
MIDDLE_MEN = "Văn Hữu Đức Thanh Minh Quang Công Xuân Đình Tuấn".split()
MIDDLE_WOMEN = "Thị Ngọc Thu Thanh Kim Hồng Mỹ Phương".split()
GIVEN_MEN = "Hùng Dũng Phúc Sơn Tuấn Thắng Hậu Khải Quang Bình Long Nam Hải Cường Trung Hiếu Toàn Đạt Lộc".split()
GIVEN_WOMEN = "Lan Mai Hà Ngân Hoa Yến Liên Trang Hương Thảo Nhung Oanh Hằng Vy Ngọc Diệp Loan Thư Hạnh".split()
COLLECTIVES = [
    "Tổ Nhân dân tự quản về an ninh, trật tự thôn {p}",
    "Đội PCCC tự quản khu dân cư {p}",
    "Tổ liên gia tự quản số {n} thôn {p}",
    "Mô hình “Camera an ninh” tổ dân phố {p}",
    "Công an {u}",
    "Chi hội Cựu chiến binh thôn {p}",
    "Tổ bảo vệ dân phố số {n} khu phố {p}",
]
POSITIONS = [
    "Tổ trưởng tổ tự quản",
    "Công an viên",
    "Trưởng thôn",
    "Bí thư chi bộ thôn",
    "Thành viên tổ bảo vệ dân phố",
    "Giáo viên",
    "Đội trưởng đội PCCC tự quản",
    "Người có uy tín trong đồng bào dân tộc thiểu số",
]
ACHIEVEMENTS = [
    "Có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc năm {y}.",
    "Tích cực cung cấp tin báo, tố giác tội phạm, góp phần làm rõ {n} vụ việc năm {y}.",
    "Duy trì hiệu quả mô hình tự quản về an ninh, trật tự ở khu dân cư trong năm {y}.",
    "Vận động nhân dân giao nộp {n} khẩu súng tự chế, vật liệu nổ trong năm {y}.",
]
AGENCY_KINDS = [
    "Trường Tiểu học {p}",
    "Trường THCS {p}",
    "Trường THPT {p}",
    "Trường Mầm non {p}",
    "Công ty TNHH {p}",
    "Công ty Cổ phần {p}",
    "Hợp tác xã Nông nghiệp {p}",
    "Trạm Y tế {p}",
    "Ban Quản lý chợ {p}",
    "Bưu điện văn hóa {p}",
]
RETURN_REASONS = [
    "Thiếu biên bản họp xét.",
    "Tóm tắt thành tích chưa có số liệu cụ thể.",
    "Sai họ tên người được đề nghị.",
]
REJECT_REASONS = ["Không đủ tiêu chuẩn theo quy định.", "Đã đề nghị hình thức khác cho cùng thành tích."]
