"""One tokenizer and tagger: the CoNLL export, the Prodigy export and the `entities` rows agree.

The CoNLL and Prodigy exports once cut the text at entity edges before tokenising, so rules
that look at neighbouring characters tokenised differently there ("Mr." before "Smith" in
"Mr.Smith", where a section's tokens are "Mr" "." "Smith"). All three now come from
newsspan.tokenize.tag_spans over whole sections (the text tokenised as a whole, a section holding
the tokens inside it), as newsspan.model.Document.iob does; a property test over random texts,
sections and entities asserts that they are the same tokens with the same tags.
"""

import json
from itertools import pairwise

from hypothesis import example, given
from hypothesis import strategies as st

from newsspan import model
from newsspan.formats import conll, prodigy
from newsspan.hf.rows import rows
from newsspan.tokenize import tokenize

# pieces whose tokenisation depends on their neighbours: abbreviations, initials, hyphens,
# clitics, numbers with separators, URLs, unspaced scripts, ellipses
PIECES = [
    "Mr",
    "Dr",
    "Inc",
    ".",
    "Smith",
    "U",
    "S",
    "-",
    "China",
    "’s",
    "'",
    "n't",
    "do",
    "2",
    ":",
    "49",
    ",",
    "1",
    "000",
    "北",
    "京",
    "e",
    "g",
    "x",
    "http://a.b",
    "…",
    "--",
    "(",
    ")",
    "A",
]
SPACES = [" ", "\n", "\n\n", "\u2028", "\t"]
LABELS = ["PERSON", "GPE", "ORG"]


@st.composite
def documents(draw):
    text = "".join(draw(st.lists(st.sampled_from(PIECES + SPACES), min_size=1, max_size=40)))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=6))) | {0, len(text)})
    sections = []
    for a, b in pairwise(cuts):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            sections.append((a, b))
    entities = []
    whole = tokenize(text)
    for a, b in sections:
        tokens = [t for t in whole if a <= t.start and t.end <= b]  # a section's tokens: the text tokenised as a whole
        actions = draw(st.lists(st.sampled_from(["O", "B", "I"] + LABELS), min_size=len(tokens), max_size=len(tokens)))
        current = None
        for tok, act in zip(tokens, actions, strict=True):
            if act == "I" and current is not None:
                current["end"] = tok.end
                continue
            current = None
            if act in LABELS:
                current = {"label": act, "start": tok.start, "end": tok.end}
                entities.append(current)
    ann = {
        "status": "complete",
        "sections": [
            {"id": f"s{i}", "label": "paragraph", "start": a, "end": b, "text": text[a:b]}
            for i, (a, b) in enumerate(sections, 1)
        ],
        "entities": [{"id": f"e{i}", **e, "text": text[e["start"] : e["end"]]} for i, e in enumerate(entities, 1)],
        "claims": [],
    }
    return text, ann


def conll_rows(data: bytes) -> list[list[tuple[str, str]]]:
    blocks = data.decode("utf-8").split("\n\n")
    assert blocks[0] == "-DOCSTART-\tO"
    return [[tuple(line.split("\t")) for line in block.split("\n")] for block in blocks[1:] if block.strip()]


def check_one_tagger(text: str, ann: dict) -> None:
    layer = model.Annotation.from_json(
        {
            "schema_version": "1.0.0",
            "document_id": "d",
            "text_sha256": "0" * 64,
            "annotators": [],
            "guidelines_version": "1.0.0",
            **ann,
        }
    )
    doc = model.Document.of("d", text, {}, layer)
    entity_rows = rows(doc, ["entities"])["entities"]
    expected = [list(zip(r["tokens"], r["ner_tags"], strict=True)) for r in entity_rows]
    assert conll_rows(conll.export([doc])[""]) == [r for r in expected if r]

    task = json.loads(prodigy.export([doc])[""])
    sections = [(s["start"], s["end"]) for s in ann["sections"]]
    in_sections = [
        (t["text"], t["start"], t["end"])
        for t in task["tokens"]
        if any(a <= t["start"] and t["end"] <= b for a, b in sections)
    ]
    assert in_sections == [
        tok for r in entity_rows for tok in zip(r["tokens"], r["token_starts"], r["token_ends"], strict=True)
    ]
    toks = task["tokens"]
    assert sorted(
        (toks[s["token_start"]]["start"], toks[s["token_end"]]["end"], s["label"]) for s in task["spans"]
    ) == sorted((e["start"], e["end"], e["label"]) for e in ann["entities"])

    assert [
        [(t.text, tag) for t, tag in zip(*doc.iob("entities", s.id), strict=True)] for s in doc.sections
    ] == expected  # newsspan.model's tokens and tags of each section: the rows'


MR_SMITH = (
    "Mr.Smith met Dr. Liu.",
    {
        "status": "complete",
        "sections": [{"id": "s1", "label": "paragraph", "start": 0, "end": 21, "text": "Mr.Smith met Dr. Liu."}],
        "entities": [
            {"id": "e1", "label": "PERSON", "start": 3, "end": 8, "text": "Smith"},
            {"id": "e2", "label": "PERSON", "start": 17, "end": 20, "text": "Liu"},
        ],
        "claims": [],
    },
)


def test_mr_smith_is_tokenised_alike_everywhere():
    text, ann = MR_SMITH
    assert [t.text for t in tokenize(text)][:3] == [
        "Mr",
        ".",
        "Smith",
    ]  # "Mr." is an abbreviation only before no letter
    check_one_tagger(text, ann)


@given(documents())
@example(MR_SMITH)
def test_conll_export_prodigy_export_and_entities_rows_agree(doc):
    check_one_tagger(*doc)
