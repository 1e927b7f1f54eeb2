"""Offset units at the format boundary, the canonical-form offset map, and the export tokenizer."""

import unicodedata

import pytest

from newsspan.formats.offsets import Converter, OffsetError, convert
from newsspan.textmap import Unmappable, canonical_map
from newsspan.tokenize import token_offsets as tokenize

EXAMPLE = "👨🏻‍🚒 firemen drive firetrucks"


def test_worked_example_of_shared_readme():
    start = EXAMPLE.index("firetrucks")
    assert (start, start + 10) == (19, 29)
    assert [convert(EXAMPLE, x, "codepoint", "utf16") for x in (19, 29)] == [22, 32]
    assert [convert(EXAMPLE, x, "codepoint", "grapheme") for x in (19, 29)] == [16, 26]
    assert [convert(EXAMPLE, x, "utf16", "codepoint") for x in (22, 32)] == [19, 29]
    assert [convert(EXAMPLE, x, "grapheme", "codepoint") for x in (16, 26)] == [19, 29]
    assert len(EXAMPLE[:29].encode("utf-8")) == 40


def test_offsets_inside_a_unit_are_errors():
    with pytest.raises(OffsetError, match="surrogate pair"):
        Converter(EXAMPLE, "utf16").to_codepoint(1)
    with pytest.raises(OffsetError, match="grapheme cluster"):
        Converter(EXAMPLE, "grapheme").from_codepoint(2)
    with pytest.raises(OffsetError, match="outside"):
        Converter(EXAMPLE, "utf16").to_codepoint(99)


def test_canonical_map_crlf_bom_nfd():
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


def test_tokenizer_contract():
    text = "Blinken-Liu talks: the U.S.’s role in U.S.-China ties, e.g. Taiwan's vote; 中国外交部 said 1,000.5 times."
    toks = [text[a:b] for a, b in tokenize(text)]
    assert toks == [
        "Blinken",
        "-",
        "Liu",
        "talks",
        ":",
        "the",
        "U.S.",
        "’s",
        "role",
        "in",
        "U.S.",
        "-",
        "China",
        "ties",
        ",",
        "e.g.",
        "Taiwan",
        "'s",
        "vote",
        ";",
        "中",
        "国",
        "外",
        "交",
        "部",
        "said",
        "1,000.5",
        "times",
        ".",
    ]
    # a window: offsets stay those of the whole text
    a = text.index("U.S.-China")
    assert tokenize(text, a, a + 10) == [(a, a + 4), (a + 4, a + 5), (a + 5, a + 10)]
    assert tokenize("  \n ") == []
