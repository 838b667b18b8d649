"""How administrative documents write dates, places, counts and names (Nghị định 30/2020/NĐ-CP), and text made
safe for a Word document: NFC, no characters XML forbids, none that docxtpl would turn into breaks."""

import re
import unicodedata
from datetime import date

from workflow import clock
from workflow.text import clean, fold

# Characters XML 1.0 forbids, plus \a and \f, which docxtpl turns into paragraph and page breaks.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"[ \t]+")
# Administrative prefixes of unit names, longest first: "Thị trấn Lạc Dương" is written "Lạc Dương" in a date line.
_PREFIXES = ("thành phố", "thị trấn", "thị xã", "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã")
_BODIES = ("ủy ban nhân dân", "hội đồng nhân dân", "hội đồng thi đua", "công an", "ủy ban mặt trận tổ quốc")
ADMINISTRATIVE_LEVELS = ("province", "district", "commune")
BLANK_NUMBER = "…"
BLANK_DAY = "\u00a0" * 5  # a blank to write the day or month in by hand, kept by Word as it is


def text(value) -> str:
    """Multi-line text for a document: NFC, trimmed, one kind of line break, nothing XML or docxtpl chokes on."""
    value = clean(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return clean(_FORBIDDEN.sub("", value))


def line(value) -> str:
    """A single line (a name, a position): as text(), with line breaks turned into spaces."""
    return _SPACES.sub(" ", text(value).replace("\n", " ")).strip()


def lines(value) -> list[str]:
    """The non-empty lines of a multi-line field, each without a leading "-", "+" or bullet."""
    return [item for item in (line(raw).lstrip("-–—+•* ").strip() for raw in text(value).split("\n")) if item]


def day_text(day: date) -> str:
    """'05', '24': days below 10 take a leading zero."""
    return f"{day.day:02d}"


def month_text(day: date) -> str:
    """'01', '02', '5', '12': only January and February take a leading zero."""
    return f"{day.month:02d}" if day.month <= 2 else str(day.month)


def date_text(day: date | None, year: int | None = None) -> str:
    """'ngày 05 tháng 02 năm 2024'; without a date (a draft) the day and month are blanks to fill in by hand."""
    if day is None:
        return f"ngày{BLANK_DAY}tháng{BLANK_DAY}năm {year or clock.today().year}"
    return f"ngày {day_text(day)} tháng {month_text(day)} năm {day.year}"


def date_line(place: str, day: date | None, year: int | None = None) -> str:
    """'Lạc Dương, ngày 24 tháng 5 năm 2023'."""
    place = line(place)
    return f"{place}, {date_text(day, year)}" if place else date_text(day, year).capitalize()


def short_date(day: date | None) -> str:
    """'05/02/2024'."""
    return day.strftime("%d/%m/%Y") if day else ""


def place_name(unit_name: str) -> str:
    """'Thị trấn Lạc Dương' → 'Lạc Dương', 'Huyện Lạc Dương' → 'Lạc Dương', 'Trường THCS X' unchanged."""
    name = line(unit_name)
    lowered = name.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix + " ") and len(name) > len(prefix) + 1:
            return name[len(prefix) + 1 :].strip()
    return name


def lower_first(value: str) -> str:
    """'Thị trấn Lạc Dương' → 'thị trấn Lạc Dương' (mid-sentence), but acronyms stay: 'UBND xã' stays."""
    if len(value) > 1 and value[1].isupper():
        return value
    return value[:1].lower() + value[1:]


def upper(value) -> str:
    return line(value).upper()


def count_text(collectives: int, individuals: int) -> str:
    """'04 tập thể và 05 cá nhân', '01 tập thể', '12 cá nhân'; '…' while a draft lists nobody yet."""
    parts = [f"{n:02d} {label}" for n, label in ((collectives, "tập thể"), (individuals, "cá nhân")) if n]
    return " và ".join(parts) or BLANK_NUMBER


def award_title(award_form_name: str) -> str:
    """The title a certificate prints: 'Giấy khen của Chủ tịch UBND huyện X' → 'GIẤY KHEN'."""
    name = line(award_form_name)
    return name.split(" của ", 1)[0].upper() if " của " in name else name.upper()


def issuer_title(award_form_name: str, authority: str, unit_name: str = "") -> str:
    """Who awards, mid-sentence: the 'của …' of the award form's name ('Chủ tịch UBND huyện Lạc Dương'), else the
    authority line in sentence case ('CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN X' → 'Chủ tịch Ủy ban nhân dân huyện X')."""
    name = line(award_form_name)
    if " của " in name:
        return name.split(" của ", 1)[1]
    return sentence_case(authority, unit_name) or name


def sentence_case(caps: str, unit_name: str = "") -> str:
    """An all-caps authority line in sentence case, the unit's own name and the bodies' names capitalised."""
    result = line(caps).lower()
    for body in _BODIES:
        result = result.replace(body, body[:1].upper() + body[1:])
    place = place_name(unit_name)
    if place:
        result = result.replace(place.lower(), place)
    return result[:1].upper() + result[1:]


def body_name(unit_name: str, level: str) -> str:
    """A unit's body in a sentence: 'Ủy ban nhân dân thị trấn Lạc Dương'; an agency is its own name."""
    name = line(unit_name)
    return f"Ủy ban nhân dân {lower_first(name)}" if level in ADMINISTRATIVE_LEVELS else name


def body_caps(unit_name: str, level: str) -> str:
    """The same body in a document header: 'ỦY BAN NHÂN DÂN THỊ TRẤN LẠC DƯƠNG'."""
    return body_name(unit_name, level).upper()


def mentions(haystack: str, needle: str) -> bool:
    """True if `needle` appears in `haystack`, ignoring case and diacritics."""
    return bool(fold(needle)) and fold(needle) in fold(haystack)


def ascii_slug(value: str, limit: int = 80) -> str:
    """'QĐ-UBND' → 'QD-UBND', 'Giấy khen' → 'Giay-khen': safe in any file name and Content-Disposition."""
    value = line(value).replace("đ", "d").replace("Đ", "D")
    plain = "".join(ch for ch in unicodedata.normalize("NFD", value) if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^0-9A-Za-z]+", "-", plain).strip("-")[:limit].strip("-")
