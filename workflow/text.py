"""Vietnamese text handling: NFC storage, a diacritic-free search key, numbers written the Vietnamese way."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# What a database cannot store: a NUL character (PostgreSQL text), half of a surrogate pair (no UTF-8 for it).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean(value: str | None) -> str:
    """Stored text: NFC (so NFD input from some keyboards compares equal), trimmed."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


def storable(value: str) -> bool:
    """False for text holding a NUL character or a lone surrogate, which requests refuse before any service."""
    return UNSTORABLE.search(value) is None


def fold(value: str | None) -> str:
    """Search key: lower case, no diacritics, đ → d, single spaces. 'Nguyễn Văn Hậu' → 'nguyen van hau'."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", str(value).replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip().lower()


def grouped(number: int) -> str:
    """A whole number with its thousands marked the Vietnamese way: 20000 → '20.000'."""
    return f"{number:,}".replace(",", ".")
