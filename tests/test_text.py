"""workflow.text: what stored text loses (invisible characters) and keeps (letters, tabs, line breaks), and the
search key every name search compares."""

import sys
import unicodedata

import pytest

from workflow.text import INVISIBLE, clean, fold, storable

TYPED = "Nguy\u200bễn\u200d Văn\ufeff Hậu"  # zero-width space, zero-width joiner, BOM


def test_the_invisible_characters_are_every_format_and_control_character_but_tab_and_line_breaks():
    """Format (Cf) and control (Cc) characters and surrogates (Cs) of every plane: the class is built from planes
    0, 1 and the tags, so a Unicode version that puts one elsewhere fails here."""
    expected = {
        point
        for point in range(sys.maxunicode + 1)
        if unicodedata.category(chr(point)) in ("Cf", "Cc", "Cs") and chr(point) not in "\t\n\r"
    }
    matched = {point for point in range(sys.maxunicode + 1) if INVISIBLE.fullmatch(chr(point))}
    assert matched == expected
    assert {0x200B, 0x200C, 0x200D, 0xFEFF, 0x00AD, 0x2060, 0x202E, 0x2066, 0x0000, 0x007F} <= matched


@pytest.mark.parametrize(
    "typed, stored",
    [
        (TYPED, "Nguyễn Văn Hậu"),
        ("\u202eNguyễn Văn Hậu\u202c", "Nguyễn Văn Hậu"),  # right-to-left override, pop
        ("Đội PCCC\u00ad tự\u2060 quản\u2066", "Đội PCCC tự quản"),  # soft hyphen, word joiner, isolate
        ("Nguye\u200b\u0302\u0303n", "Nguyễn"),  # the marks join their letter once nothing stands between
        (unicodedata.normalize("NFD", "Hoà Đặng"), "Hoà Đặng"),
        ("  Dòng 1\n\tDòng 2\r\n ", "Dòng 1\n\tDòng 2"),
        ("a\x00b\x1fc\x85d", "abcd"),
        (None, ""),
    ],
)
def test_stored_text_loses_what_is_invisible_and_keeps_letters_tabs_and_line_breaks(typed, stored):
    assert clean(typed) == stored
    assert clean(clean(typed)) == stored


def test_the_search_key_ignores_invisible_characters_as_the_stored_text_does():
    assert fold(TYPED) == fold("Nguyễn Văn Hậu") == fold(clean(TYPED)) == "nguyen van hau"
    assert fold("\u202eĐặng\u200b Thị") == "dang thi"


def test_only_a_nul_character_or_a_lone_surrogate_is_unstorable():
    assert storable(TYPED) and storable("Dòng 1\nDòng 2")
    assert not storable("a\x00b") and not storable("a\ud800b") and not storable("\udfff")
