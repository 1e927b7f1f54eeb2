"""The tokenizer keeps offsets and splits what entity tags need split; char_span is the one
alignment (spaCy's modes) and tag() the one tagger, strict: a misaligned span is an error naming it."""

from itertools import pairwise

import pytest

from newsspan import Corpus
from newsspan.model import Entity
from newsspan.tokenize import Misaligned, char_span, iob2_spans, is_boundary, section_tokens, tag, tokenize

from conftest import REPO, SEED
from synthetic import make_root


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
        # French and Italian elisions are tokens of their own, with either apostrophe; English keeps its clitics
        ("la gare d'Amiens qu’il a vue", ["la", "gare", "d'", "Amiens", "qu’", "il", "a", "vue"]),
        (
            "L'Aquila, dell’Italia, all'ONU, nell'anno",
            ["L'", "Aquila", ",", "dell’", "Italia", ",", "all'", "ONU", ",", "nell'", "anno"],
        ),
        ("j'ai n'est s'il c'est m'a t'a", ["j'", "ai", "n'", "est", "s'", "il", "c'", "est", "m'", "a", "t'", "a"]),
        ("jusqu'à l'11 settembre", ["jusqu'", "à", "l'", "11", "settembre"]),
        ("aujourd'hui rock'n'roll y'all I'm", ["aujourd'hui", "rock'n'roll", "y'all", "I", "'m"]),
    ],
)
def test_tokens(text, tokens):
    assert texts(text) == tokens


def test_offsets_slice_to_the_tokens_and_cover_the_text():
    text = SEED.read_text(encoding="utf-8")
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


def test_a_section_s_tokens_are_those_of_the_whole_text():
    """A token never depends on where a section starts or ends (even one cut inside a word)."""
    doc = Corpus(REPO)["000_1afbb3b63b1bfa60"]
    whole = tokenize(doc.text)
    ranges = [(s.start, s.end) for s in doc.sections] + [(3, 40), (0, len(doc.text))]
    for a, b in ranges:
        assert section_tokens(doc.text, a, b) == [t for t in whole if a <= t.start and t.end <= b], (a, b)


def test_is_boundary_matches_the_tokens_at_every_position(tmp_path):
    """The validator's token-boundary check looks at one run of text; it agrees with tokenize()."""
    texts = [SEED.read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((make_root(tmp_path / "r", 3) / "corpus").glob("*.txt"))]
    texts += [
        "U.S.-China talks, Mr. Blinken's trip (2024-01-12) at 2:49 pm: 1,000 people; 美国国务卿布林肯。don't",
        "https://example.com/a,b. www.x.org) ... -- e.g.",
        "no\u00a0break, tab\tsep, ideo\u3000space, line\u2028sep,end. x",
    ]
    for text in texts:
        starts = {t.start for t in tokenize(text)}
        for pos in range(len(text) + 1):
            want = pos <= 0 or pos >= len(text) or text[pos - 1].isspace() or text[pos].isspace() or pos in starts
            assert is_boundary(text, pos) == want, (text[max(0, pos - 10) : pos + 10], pos)


# char_span: the one place where character offsets meet tokens --------------------------------


def test_char_span_follows_spacy_alignment_modes():
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
    assert cover(3, 18, "strict") is None  # a start on whitespace is no token start
    with pytest.raises(ValueError, match="alignment mode"):
        char_span(toks, 0, 3, "fuzzy")


# tag: the one tagger -----------------------------------------------------------------------


def entity(text, quote, label, k=1):
    start = text.index(quote)
    return Entity(f"e{k}", start, start + len(quote), quote, label)


def test_tag_gives_iob2_per_token():
    text = "Antony Blinken met Liu Jianchao in U.S.-China talks."
    toks = tokenize(text)
    spans = [
        entity(text, "Antony Blinken", "PERSON"),
        entity(text, "Liu Jianchao", "PERSON"),
        entity(text, "U.S.", "GPE"),
        entity(text, "China", "GPE"),
    ]
    tags = tag(toks, spans)
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
    # iob2_spans reads the tags back into the token ranges char_span gave
    assert iob2_spans(tags) == [(*char_span(toks, s.start, s.end), s.label) for s in spans]


def test_iob2_spans_reads_tags_as_seqeval_s_strict_mode():
    assert iob2_spans(["B-X", "I-X", "I-Y", "O", "I-X", "B-Y", "B-Y", "I-Y"]) == [(0, 2, "X"), (5, 6, "Y"), (6, 8, "Y")]
    assert iob2_spans([]) == [] and iob2_spans(["O", "I-X"]) == []


def test_a_boundary_inside_a_token_is_an_error_naming_the_span_and_the_token():
    text = "Blinkens met Liu."
    toks = tokenize(text)
    good = entity(text, "Liu", "PERSON", 2)
    with pytest.raises(Misaligned) as e:
        tag(toks, [good, Entity("e1", 0, 7, "Blinken", "PERSON")])
    assert e.value.span_index == 1
    assert str(e.value) == "e1 'Blinken' [0, 7) ends inside the token 'Blinkens' [0, 8)"
    with pytest.raises(Misaligned, match=r"starts inside the token 'Blinkens' \[0, 8\)"):
        tag(toks, [Entity("e1", 1, 8, "linkens", "PERSON")])
    with pytest.raises(Misaligned, match=r"starts at 8, which is no token start"):
        tag(toks, [Entity("e1", 8, 12, " met", "PERSON")])


def test_a_name_after_an_elided_article_is_a_span_of_whole_tokens_and_expand_leaves_the_article_out():
    text = "La gare d’Amiens ferme."
    toks = tokenize(text)
    amiens = entity(text, "Amiens", "GPE")
    assert tag(toks, [amiens]) == ["O", "O", "O", "B-GPE", "O", "O"]
    for mode in ("strict", "contract", "expand"):
        first, stop = char_span(toks, amiens.start, amiens.end, mode)
        assert text[toks[first].start : toks[stop - 1].end] == "Amiens"
    first, stop = char_span(toks, text.index("Amiens") + 1, amiens.end, "expand")  # an edge inside the name
    assert text[toks[first].start : toks[stop - 1].end] == "Amiens"


def test_overlapping_spans_are_refused():
    text = "Antony Blinken met Liu."
    with pytest.raises(ValueError, match="overlap"):
        tag(tokenize(text), [entity(text, "Antony Blinken", "PERSON"), entity(text, "Blinken", "PERSON", 2)])
