"""The tokeniser keeps offsets and splits what entity tags need split; tagging is strict."""

from itertools import pairwise

import pytest

from newsspan.tokenize import Misaligned, align, iob2, tokenize

from conftest import REPO


def texts(s):
    return [t.text for t in tokenize(s)]


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("U.S.-China ties", ["U.S.", "-", "China", "ties"]),
        ("The Blinken-Liu meeting", ["The", "Blinken", "-", "Liu", "meeting"]),
        ("a top Chinese foreign-policy official,", ["a", "top", "Chinese", "foreign", "-", "policy", "official", ","]),
        (
            "the U.S.’s support for Taiwan’s process.",
            ["the", "U.S.", "’s", "support", "for", "Taiwan", "’s", "process", "."],
        ),
        ("Washington, DC. The U.S., standing", ["Washington", ",", "DC", ".", "The", "U.S.", ",", "standing"]),
        ("the planned ‘unofficial’ delegation", ["the", "planned", "‘", "unofficial", "’", "delegation"]),
        ("By: Aqsa at 2:49 pm on 2024-01-12", ["By", ":", "Aqsa", "at", "2:49", "pm", "on", "2024-01-12"]),
        ("$5.50, 5% of 1,000", ["$", "5.50", ",", "5", "%", "of", "1,000"]),
        ("Mr. O'Brien didn't go", ["Mr.", "O'Brien", "did", "n't", "go"]),
        ("See https://example.com/a?b=1.", ["See", "https://example.com/a?b=1", "."]),
        ("美国国务卿布林肯。", ["美", "国", "国", "务", "卿", "布", "林", "肯", "。"]),
        ("東京でトヨタが発表", ["東", "京", "で", "ト", "ヨ", "タ", "が", "発", "表"]),
        ("Blinken met 刘建超 in DC", ["Blinken", "met", "刘", "建", "超", "in", "DC"]),
    ],
)
def test_tokens(text, tokens):
    assert texts(text) == tokens


def test_offsets_slice_to_the_tokens_and_cover_the_text():
    text = (REPO / "corpus" / "000_1afbb3b63b1bfa60.txt").read_text(encoding="utf-8")
    toks = tokenize(text)
    assert len(toks) > 500
    for t in toks:
        assert text[t.start : t.end] == t.text and not any(c.isspace() for c in t.text)
    assert all(a.end <= b.start for a, b in pairwise(toks))
    assert "".join(t.text for t in toks) == "".join(text.split())


def test_offsets_of_a_slice_are_offsets_into_the_whole_text():
    text = "Intro.\n\nAntony Blinken spoke."
    toks = tokenize(text, 8, len(text))
    assert [(t.text, t.start) for t in toks][:2] == [("Antony", 8), ("Blinken", 15)]


def test_iob2_tags_per_token():
    text = "Antony Blinken met Liu Jianchao in U.S.-China talks."
    toks = tokenize(text)
    spans = [(0, 14), (19, 31), (35, 39), (40, 45)]
    aligned = align(toks, spans)
    tags = iob2(len(toks), aligned, ["PERSON", "PERSON", "GPE", "GPE"])
    assert list(zip([t.text for t in toks], tags, strict=True)) == [
        ("Antony", "B-PERSON"),
        ("Blinken", "I-PERSON"),
        ("met", "O"),
        ("Liu", "B-PERSON"),
        ("Jianchao", "I-PERSON"),
        ("in", "O"),
        ("U.S.", "B-GPE"),
        ("-", "O"),
        ("China", "B-GPE"),
        ("talks", "O"),
        (".", "O"),
    ]


def test_a_boundary_inside_a_token_is_an_error_naming_the_token():
    toks = tokenize("Blinkens met Liu.")
    a, b = align(toks, [(0, 7), (13, 16)])
    assert isinstance(a, Misaligned) and "ends inside the token 'Blinkens' [0, 8)" in str(a)
    assert b == (2, 3)
    (c,) = align(toks, [(1, 8)])
    assert isinstance(c, Misaligned) and "starts inside the token 'Blinkens'" in str(c)


def test_char_span_follows_spacy_alignment_modes():
    from newsspan.tokenize import char_span

    text = "Mr. Antony Blinken met U.S.-China officials."
    toks = tokenize(text)

    def cover(a, b, mode):
        got = char_span(toks, a, b, mode)
        return None if got is None else text[toks[got[0]].start : toks[got[1] - 1].end]

    assert cover(4, 18, "strict") == "Antony Blinken"
    # a boundary inside a token: strict refuses, contract drops the cut token, expand takes it whole
    assert cover(5, 18, "strict") is None
    assert cover(5, 18, "contract") == "Blinken"
    assert cover(5, 18, "expand") == "Antony Blinken"
    assert cover(4, 17, "contract") == "Antony"
    assert cover(22, 28, "contract") == "U.S.-"  # whitespace at the edge is no token
    assert cover(24, 26, "contract") is None and cover(24, 26, "expand") == "U.S."
    with pytest.raises(ValueError, match="alignment mode"):
        char_span(toks, 0, 3, "fuzzy")


def test_body_sections_come_from_the_schema():
    import json

    import newsspan

    from conftest import REPO

    schema = json.loads((REPO / "schema" / "annotation.schema.json").read_text(encoding="utf-8"))
    assert tuple(schema["$defs"]["bodySectionLabel"]["enum"]) == newsspan.BODY_SECTIONS
    assert set(newsspan.BODY_SECTIONS) <= set(schema["$defs"]["sectionLabel"]["enum"])
    assert {"headline", "paragraph"} <= set(newsspan.BODY_SECTIONS) and "header" not in newsspan.BODY_SECTIONS
