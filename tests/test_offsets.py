"""Offsets at the format boundary: the units tools count in, whole numbers only, the shared span reading
(place), and the map from an export's text to its canonical form."""

import unicodedata

import pytest

from newsspan.formats.offsets import UNITS, Converter, OffsetError, read_offset
from newsspan.formats.tool import Parsed, place
from newsspan.text import Unmappable, canonical_map

EXAMPLE = "👨🏻‍🚒 firemen drive firetrucks"


def test_the_worked_example_of_the_shared_readme():
    start = EXAMPLE.index("firetrucks")
    assert (start, start + 10) == (19, 29)
    assert [Converter(EXAMPLE, "utf16").to_codepoint(x) for x in (22, 32)] == [19, 29]
    assert [Converter(EXAMPLE, "grapheme").to_codepoint(x) for x in (16, 26)] == [19, 29]
    assert [Converter(EXAMPLE, "codepoint").to_codepoint(x) for x in (19, 29)] == [19, 29]
    assert len(EXAMPLE[:29].encode("utf-8")) == 40 and UNITS == ("codepoint", "utf16", "grapheme")


def test_an_offset_inside_a_character_or_past_the_text_is_an_error():
    with pytest.raises(
        OffsetError, match=r"UTF-16 offset 1 falls inside a surrogate pair \(the middle of '\\U0001f468'\)"
    ):
        Converter(EXAMPLE, "utf16").to_codepoint(1)
    with pytest.raises(OffsetError, match=r"offset 33 is outside the text \(0..32 utf16 units\)"):
        Converter(EXAMPLE, "utf16").to_codepoint(33)
    with pytest.raises(OffsetError, match=r"offset 27 is outside the text \(0..26 grapheme units\)"):
        Converter(EXAMPLE, "grapheme").to_codepoint(27)
    assert Converter("", "utf16").to_codepoint(0) == Converter("", "grapheme").to_codepoint(0) == 0
    with pytest.raises(ValueError, match="unknown offset unit 'bytes'"):
        Converter(EXAMPLE, "bytes")


@pytest.mark.parametrize("value,told", [(True, "true"), (3.0, "3.0"), ("3", '"3"'), (None, "null"), (-1, "-1")])
def test_an_offset_is_a_whole_number_told_as_the_export_wrote_it(value, told):
    with pytest.raises(OffsetError, match=f"^value.start is {told};"):
        read_offset(value, "value.start")
    assert read_offset(0, "start") == 0


def test_place_reads_converts_and_checks_the_quote():
    out = Parsed()
    conv = Converter("Rome\nwins. Rome", "codepoint")
    assert place(out, "a", conv, 0, 9, quote="Rome wins") == (0, 9)  # a line break may be quoted as a space
    assert place(out, "b", conv, 5, 9, quote="Rome") is None
    assert place(out, "c", conv, 5, 9, label="GPE", quote="Paris") is None
    assert place(out, "d", conv, 4, 4, label="GPE") is None
    assert place(out, "e", Converter("😀 Rome", "utf16"), 3, 7, quote="Rome") == (2, 6)
    assert [(p.where, p.message) for p in out.errors] == [
        (
            "b",
            "the span [5, 9): the tool's text 'Rome' differs from the text there, 'wins'; the quote occurs at [0, 4)",
        ),
        (
            "c",
            "GPE [5, 9): the tool's text 'Paris' differs from the text there, 'wins'; the quote does not occur in the text",
        ),
        ("d", "GPE [4, 4) is empty or reversed"),
    ]


def test_the_canonical_map_carries_offsets_over_crlf_a_bom_and_nfd():
    src = "\ufeffA\r\nCafe\u0301!\rB"
    m = canonical_map(src)
    assert m.text == "A\nCafé!\nB"
    assert [m(i) for i in (0, 1, 2, 4, 7, 9, 10, 11, 12)] == [0, 0, 1, 2, 5, 6, 7, 8, 9]
    assert m.text[m(4) : m(9)] == "Café"
    for bad in (3, 8):  # between CR and LF; between e and the combining accent
        with pytest.raises(Unmappable):
            m(bad)
    nfd = unicodedata.normalize("NFD", "한국어 뉴스")
    m = canonical_map(nfd)
    assert m.text == "한국어 뉴스" and m(len(nfd)) == 6
