"""Vietnamese text handling: NFC storage without invisible characters, a diacritic-free search key, numbers written
the Vietnamese way; and which redirect targets are paths of this site."""

import re
import unicodedata
from urllib.parse import unquote

_SPACES = re.compile(r"\s+")
# Where Unicode has format and control characters: planes 0 and 1, and tags (tests/test_text.py checks them all).
_PLANES = (*range(0x20000), *range(0xE0000, 0xE1000))


def _invisible() -> re.Pattern:
    """What no one means to type: format characters (Unicode category Cf: zero-width space, joiner and non-joiner,
    BOM, soft hyphen, word joiner, bidi embeddings, overrides and isolates…), control characters but tab and line
    breaks (Cc), and halves of UTF-16 surrogate pairs (Cs, no characters at all)."""
    category = unicodedata.category
    hidden = "".join(ch for ch in map(chr, _PLANES) if category(ch) in ("Cf", "Cc") and ch not in "\t\n\r")
    return re.compile(f"[{re.escape(hidden)}\ud800-\udfff]")


INVISIBLE = _invisible()
# What a database cannot store: a NUL character (PostgreSQL text), half of a surrogate pair (no UTF-8 for it).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def clean(value: str | None) -> str:
    """Stored text: without invisible characters (INVISIBLE: "Nguy\\u200bễn" is "Nguyễn", so the name is found),
    in NFC (so NFD input from some keyboards compares equal), trimmed. Tabs and line breaks stay."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", INVISIBLE.sub("", str(value))).strip()


def storable(value: str) -> bool:
    """False for text holding a NUL character or a lone surrogate, which requests refuse before any service."""
    return UNSTORABLE.search(value) is None


def fold(value: str | None) -> str:
    """Search key: lower case, no diacritics, đ → d, single spaces, nothing invisible (as clean()).
    'Nguyễn Văn Hậu' → 'nguyen van hau'."""
    if not value:
        return ""
    visible = INVISIBLE.sub("", str(value))
    decomposed = unicodedata.normalize("NFD", visible.replace("đ", "d").replace("Đ", "D"))
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
