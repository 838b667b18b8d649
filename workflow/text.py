"""Vietnamese text handling: NFC storage, a diacritic-free search key, numbers written the Vietnamese way; and
which redirect targets are paths of this site."""

import re
import unicodedata
from urllib.parse import unquote

_SPACES = re.compile(r"\s+")


def clean(value: str | None) -> str:
    """Stored text: NFC (so NFD input from some keyboards compares equal), trimmed."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", str(value)).strip()


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


_DECODINGS = 4  # a link of this site is encoded once; a target still encoded after this many decodings is no link


def local_path(target: str | None) -> str | None:
    """`target` if it is a path of this site (to follow after signing in, or back to a page), else None.

    A browser drops tabs and line breaks from a URL and reads a backslash as a slash, so "/<TAB>/host" and
    "/\\host" are "//host": another site. Refused, then: any control, format or space character (CR/LF would
    also split the header), anything but "/" first, "//" or "/\\" first; and each of these again once
    percent-escapes are decoded ("/%2F%2Fhost", "/%09/host"), as a proxy or a second redirect might decode them.
    Escaped spaces stay allowed: a search kept in a link has them."""
    if not target or any(unicodedata.category(ch)[0] in "CZ" for ch in target):
        return None
    value = target
    for _ in range(_DECODINGS):
        read = value.replace("\\", "/").lstrip(" ")
        if any(unicodedata.category(ch) == "Cc" for ch in value) or not read.startswith("/") or read.startswith("//"):
            return None
        decoded = unquote(value)
        if decoded == value:
            return target
        value = decoded
    return None
