"""The consistency checks mention-missed and label-inconsistent: what they report and what they leave alone."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan import BODY_SECTIONS, Corpus, validate
from newsspan.checks.consistency import find_missed, inconsistent_labels, missed_mentions
from newsspan.model import Entity, Section
from newsspan.tokenize import char_span, tokenize

from conftest import REPO
from layers import layer, make_root


def entities(text, *items):
    """Entity mentions of text given as (label, quote[, occurrence])."""
    out = []
    for k, (label, quote, *occ) in enumerate(items, 1):
        start = -1
        for _ in range((occ or [0])[0] + 1):
            start = text.index(quote, start + 1)
        out.append(Entity(f"e{k}", start, start + len(quote), quote, label))
    return out


def sections(text, *items):
    out, pos = [], 0
    for k, (label, quote) in enumerate(items, 1):
        start = text.index(quote, pos)
        out.append(Section(f"s{k}", start, start + len(quote), quote, label))
        pos = start + len(quote)
    return out


def misses(text, ents, secs):
    return [
        (m.text, m.start, m.end, ents[m.example].label, secs[m.section].id) for m in missed_mentions(text, ents, secs)
    ]


def test_a_second_occurrence_left_out():
    text = "Taiwan votes on Saturday.\n\nChina warned Taiwan before the vote.\n"
    secs = sections(
        text, ("headline", "Taiwan votes on Saturday."), ("paragraph", "China warned Taiwan before the vote.")
    )
    ents = entities(text, ("GPE", "Taiwan"), ("DATE", "Saturday"), ("GPE", "China"))
    assert misses(text, ents, secs) == [("Taiwan", 40, 46, "GPE", "s2")]
    # annotated, it is no miss
    assert misses(text, ents + entities(text, ("GPE", "Taiwan", 1)), secs) == []


def test_only_whole_tokens_and_only_outside_mentions():
    text = (
        "Liu Jianchao met Blinken in Taiwan.\n\nLiu said Taiwanese voters and Chinatown shops matter; "
        "Taiwan’s vote and U.S.-China ties too.\n"
    )
    secs = sections(
        text,
        ("headline", "Liu Jianchao met Blinken in Taiwan."),
        ("paragraph", "Liu said Taiwanese voters and Chinatown shops matter; Taiwan’s vote and U.S.-China ties too."),
    )
    ents = entities(
        text,
        ("PERSON", "Liu Jianchao"),
        ("PERSON", "Blinken"),
        ("GPE", "Taiwan"),
        ("GPE", "U.S."),
        ("GPE", "China", 1),
        ("PERSON", "Liu", 1),
    )
    # "Taiwan" inside "Taiwanese" and "China" inside "Chinatown" are no whole tokens; "Liu" of
    # "Liu Jianchao" lies inside a mention; "U.S.-China" holds annotated mentions; but the
    # possessive is a token of its own, so "Taiwan" of "Taiwan’s" is whole tokens, and missed
    got = misses(text, ents, secs)
    assert [(t, label, sid) for t, _, _, label, sid in got] == [("Taiwan", "GPE", "s2")]
    assert text[got[0][1] : got[0][2] + 2] == "Taiwan’s"
    assert misses(text, ents + entities(text, ("GPE", "Taiwan", 2)), secs) == []


def test_only_inside_body_sections():
    text = "By: Aqsa Younas Rana\n\nAqsa Younas Rana wrote it.\n\nAqsa Younas Rana\n"
    secs = sections(
        text,
        ("byline", "By: Aqsa Younas Rana"),
        ("paragraph", "Aqsa Younas Rana wrote it."),
        ("byline", "Aqsa Younas Rana"),
    )
    ents = entities(text, ("PERSON", "Aqsa Younas Rana"))
    # the one in the paragraph is a miss; the one in the author box's byline is no body section
    assert misses(text, ents, secs) == [("Aqsa Younas Rana", 22, 38, "PERSON", "s2")]


def test_scripts_without_spaces_and_lowercase_strings():
    text = "外交部在北京开会。\n\n北京很冷，two days and two nights.\n"
    secs = sections(text, ("headline", "外交部在北京开会。"), ("paragraph", "北京很冷，two days and two nights."))
    ents = entities(text, ("ORG", "外交部"), ("GPE", "北京"), ("CARDINAL", "two"))
    # every Han character is a token: "北京" at the start of the paragraph is whole tokens
    assert [(t, label) for t, _, _, label, _ in misses(text, ents, secs)] == [("北京", "GPE"), ("two", "CARDINAL")]


def test_the_tuple_form_is_the_same_function():
    text = "Taiwan votes.\n\nTaiwan waits.\n"
    secs = sections(text, ("headline", "Taiwan votes."), ("paragraph", "Taiwan waits."))
    ents = entities(text, ("GPE", "Taiwan"))
    got = find_missed(
        text, [(e.start, e.end, e.text, e.label) for e in ents], [(s.start, s.end, s.label) for s in secs]
    )
    assert [(m.start, m.end, m.example, m.section) for m in got] == [(15, 21, 0, 1)]


def test_label_inconsistent():
    text = "Washington warned Beijing. Washington and Jordan met in Washington,\nDC and Washington, DC."
    ents = entities(
        text,
        ("ORG", "Washington"),
        ("GPE", "Beijing"),
        ("GPE", "Washington", 1),
        ("GPE", "Washington", 2),
        ("PERSON", "Jordan"),
    )
    got = inconsistent_labels(ents)
    # "Washington" is GPE twice and ORG once: the ORG mention is the odd one, GPE the usual label
    assert [(ents[x.mention].start, ents[x.mention].label, ents[x.usual].start, x.labels) for x in got] == [
        (0, "ORG", 27, {"ORG": 1, "GPE": 2})
    ]
    # whitespace runs are read as one space: "Washington,\nDC" and "Washington, DC" are one string
    ents = entities(text, ("GPE", "Washington,\nDC"), ("LOC", "Washington, DC"))
    got = inconsistent_labels(ents)
    assert [(ents[x.mention].label, ents[x.usual].label) for x in got] == [("LOC", "GPE")]  # a tie: the first label met
    assert inconsistent_labels(entities(text, ("GPE", "Beijing"), ("PERSON", "Jordan"))) == []


def test_the_shipped_gold_has_none_and_a_removed_mention_is_found(tmp_path):
    report = validate(REPO, ["000_1afbb3b63b1bfa60"])
    assert [p for p in report.problems if p.check in ("mention-missed", "label-inconsistent")] == []
    doc = Corpus(REPO)["000_1afbb3b63b1bfa60"]
    assert missed_mentions(doc.text, doc.entities, doc.sections) == []
    assert inconsistent_labels(doc.entities) == []
    second_taiwan = [e for e in doc.entities if e.text == "Taiwan"][1]
    rest = [e for e in doc.entities if e is not second_taiwan]
    got = missed_mentions(doc.text, rest, doc.sections)
    assert [(m.start, m.end, m.text) for m in got] == [(second_taiwan.start, second_taiwan.end, "Taiwan")]


def test_reported_by_the_validator_with_where_to_fix(tmp_path):
    text = "Taiwan votes on Saturday.\n\nChina warned Taiwan.\n"
    ann = layer(
        "doc",
        text,
        sections=[("headline", "Taiwan votes on Saturday."), ("paragraph", "China warned Taiwan.")],
        entities=[("GPE", "Taiwan"), ("DATE", "Saturday"), ("GPE", "China"), ("GPE", "Taiwan", 1)],
    )
    ann["entities"][0]["label"] = "LOC"  # "Taiwan" as LOC here and GPE there
    root = make_root(tmp_path, {"doc": text}, {(None, "doc"): ann})
    report = validate(root)
    assert report.errors == []
    found = {p.check: p for p in report.warnings}
    assert set(found) == {"label-inconsistent"}
    p = found["label-inconsistent"]
    # one LOC, one GPE: a tie, so the label met first is the usual one and the later mention is reported
    assert p.pointer == "/entities/3/label"
    assert (
        '"Taiwan" is annotated as GPE here and as LOC at /entities/0 [0, 6); its mentions in this document: LOC 1, GPE 1'
        in p.message
    )
    ann["entities"].pop()  # the second Taiwan left out
    ann["entities"][0]["label"] = "GPE"
    (root / "annotations" / "doc.json").write_text(json.dumps(ann), encoding="utf-8")
    report = validate(root)
    [p] = report.warnings
    assert p.check == "mention-missed" and p.pointer == "/entities/0" and p.line is not None
    assert (
        '"Taiwan" at [40, 46) in paragraph "s2" is not annotated; it is annotated as GPE at /entities/0 [0, 6)'
        in p.message
    )


# the fast path against the plain definition ----------------------------------------------------

WORDS = [
    "Taiwan",
    "Taiwanese",
    "China",
    "Chinatown",
    "U.S.",
    "Liu",
    "Liu Jianchao",
    "two",
    "twofold",
    "北京",
    "京",
    "上海",
    "2024",
    "São Paulo",
    "Paulo",
    "€5",
    "don't",
    "do",
    "the",
    "Washington, DC",
    "DC",
    "iPhone",
    "said",
    "’s",
    "-",
    ",",
    ".",
]
SEPARATORS = [" ", " ", " ", "", "\n"]


def naive_misses(text, mentions, sections):
    """The definition, spelt out: every occurrence of every annotated string, kept when it lies in a
    body section, overlaps no mention and is made of whole tokens of the whole text."""
    tokens = tokenize(text)
    out = set()
    for quote in {m[2] for m in mentions}:
        at = text.find(quote)
        while at >= 0:
            end = at + len(quote)
            if (
                any(s[0] <= at and end <= s[1] and s[2] in BODY_SECTIONS for s in sections)
                and not any(m[0] < end and at < m[1] for m in mentions)
                and char_span(tokens, at, end, "strict") is not None
            ):
                out.add((at, end, quote))
            at = text.find(quote, at + 1)
    return out


@st.composite
def documents(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), min_size=1, max_size=30))
    text, pieces = "", []
    for word, sep in parts:
        pieces.append((len(text), len(text) + len(word)))
        text += word + sep
    tokens = tokenize(text)
    # mentions: some of the words, where they are whole tokens and do not overlap
    mentions, last = [], -1
    for (a, b), keep in zip(
        pieces, draw(st.lists(st.booleans(), min_size=len(pieces), max_size=len(pieces))), strict=True
    ):
        if keep and a >= last and char_span(tokens, a, b, "strict") is not None:
            mentions.append((a, b, text[a:b], "X"))
            last = b
    cut = draw(st.sampled_from([a for a, _ in pieces] + [len(text)]))  # sections are blocks: cut between words
    sections = [(0, cut, draw(st.sampled_from(["paragraph", "byline"]))), (cut, len(text), "headline")]
    return text, mentions, sections


@settings(max_examples=300)
@given(documents())
def test_the_fast_path_finds_what_the_definition_finds(doc):
    text, mentions, sections = doc
    got = {(m.start, m.end, m.text) for m in find_missed(text, mentions, sections)}
    want = naive_misses(text, mentions, sections)
    assert got <= want
    # a miss inside a longer miss is reported with it ("京" of an unannotated "北京")
    assert all(any(a < e and s < b for s, e, _ in got) for a, b, _ in want), want - got


def test_expressions_and_drafts_are_left_out(tmp_path):
    # a pronoun "one" is no second CARDINAL, and a draft is unfinished: neither is reported
    text = "One of them came.\n\nNo one knew Taiwan or Taiwan.\n"
    ann = layer(
        "doc",
        text,
        [("headline", "One of them came.", 0), ("paragraph", "No one knew Taiwan or Taiwan.", 0)],
        [("CARDINAL", "One", 0), ("GPE", "Taiwan", 0)],
    )
    root = make_root(tmp_path, {"doc": text}, {(None, "doc"): ann | {"status": "complete"}})
    assert [(p.check, p.message.split(" at ")[0]) for p in validate(root).problems] == [("mention-missed", '"Taiwan"')]
    root = make_root(tmp_path / "draft", {"doc": text}, {(None, "doc"): ann | {"status": "draft"}})
    assert [p.check for p in validate(root).problems] == []
