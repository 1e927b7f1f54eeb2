"""brat standoff: the reader (folders of .txt/.ann pairs), the writer, and `newsspan import brat` end to end."""

import pytest

from newsspan.formats import brat
from newsspan.model import Attribution, Claim, Document, Entity, Section, Span
from tool_cases import (
    BRAT_NEWS,
    BRAT_SAMPLE_UNREAD,
    CASES,
    TOOLS,
    check,
    entities,
    files_of,
    help_of,
    ids,
    new_root,
    newsspan,
    valid,
    written,
)

from conftest import samples


@pytest.mark.parametrize("case", ids("brat"))
def test_reader(case, tmp_path):
    check(CASES["brat", case], tmp_path)


def test_an_id_defined_twice_is_an_error_and_neither_line_is_guessed(tmp_path):
    ann = (TOOLS / "brat/news.ann").read_text(encoding="utf-8").replace("T5\tGPE", "T3\tGPE")
    parsed = brat.load(written("news.txt", (TOOLS / "brat/news.txt").read_bytes(), **{"news.ann": ann})(tmp_path))
    [error] = [str(e) for e in parsed.errors]
    assert error.startswith("news.ann:5: the id T3 is also that of line 3") and "\n    fix: renumber one" in error
    assert [s.label for s in parsed.docs[0].spans] == [x[0] for x in BRAT_NEWS[:4]]


def test_pairs_only_a_bom_kept_and_lines_end_at_line_feeds_only(tmp_path):
    text = "\ufeffRome\u2028wins."  # the brat server counts the BOM; U+2028 ends no line of the .ann
    folder = written(
        "d.txt", text, **{"d.ann": "T1\tGPE 1 5\tRome\nT2\tX 1 10\tRome\u2028wins\n", "lone.ann": "", "notes.txt": "x"}
    )(tmp_path)
    parsed = brat.load(folder)
    assert [(s.label, s.start, s.end) for s in parsed.docs[0].spans] == [("GPE", 1, 5), ("X", 1, 10)]
    assert parsed.docs[0].text == text
    assert [str(e) for e in parsed.errors] == [
        "lone.ann: no lone.txt beside it\n    fix: export the document's text with its annotations"
    ]
    assert parsed.notes == ["notes.txt: no notes.ann beside it; not a brat document, ignored"]


def test_malformed_and_discontinuous_lines(tmp_path):
    text = "New York and New Jersey officials met.\n"
    ann = "T1\tGPE 0 8\tNew York\nT2\tGPE 0 3;13 23\tNew New Jersey\nT3\tGPE 13 23\tNew Jersey\nR1\tNear Arg1:T1 Arg2:T3\t\nX1\twhat\n*\tEquiv T1 T3\n"
    parsed = brat.load(written("d.txt", text, **{"d.ann": ann})(tmp_path))
    assert [text[s.start : s.end] for s in parsed.docs[0].spans] == ["New York", "New Jersey"]
    assert [w.headline() for w in parsed.warnings] == [
        "d.ann:2: discontinuous span T2 GPE 0 3;13 23 ('New New Jersey') is not imported: newsspan spans are contiguous",
        "d.ann:4: relation R1 Near (T1 -> T3) is not imported: the schema holds no relations",
        "d.ann:6: equivalence Equiv T1 T3 is not imported: use entity clusters",
    ]
    assert [e.headline() for e in parsed.errors] == ["d.ann:5: malformed line 'X1'"]


def document() -> Document:
    text = "Officials said Ann Lee will visit Oslo.\nAnn Lee agreed."
    ent = [
        Entity("e1", 15, 22, "Ann Lee", "PERSON", cluster="ann"),
        Entity("e2", 34, 38, "Oslo", "GPE", kb_id="Q585"),
        Entity("e3", 40, 47, "Ann Lee", "PERSON", cluster="ann"),
    ]
    claims = [
        Claim(
            "c1",
            15,
            38,
            text[15:38],
            Attribution("source", source_span=Span(0, 9, "Officials"), cue=Span(10, 14, "said")),
            True,
        ),
        Claim("c2", 40, 54, text[40:54], Attribution("source", source="e3"), False),
    ]
    sections = [Section("s1", 0, 39, text[:39], "paragraph"), Section("s2", 40, len(text), text[40:], "paragraph")]
    return Document("d1", text, status="gold", sections=tuple(sections), entities=tuple(ent), claims=tuple(claims))


def test_the_writer_encodes_every_layer_and_the_reader_reads_it_back(tmp_path):
    doc = document()
    out = brat.export([doc])
    assert sorted(out) == ["annotation.conf", "d1.ann", "d1.txt"]
    conf = out["annotation.conf"].decode()
    assert "[entities]\nsection_header\n" in conf and "\nclaim\nclaim_source\nclaim_cue\n" in conf
    assert "Source\tArg1:claim, Arg2:claim_source|PERSON|NORP|" in conf and conf.endswith(
        "Cluster\tArg:<ENTITY>, Value:ann\n"
    )
    for name, data in out.items():
        (tmp_path / name).write_bytes(data)
    parsed = brat.load(tmp_path)
    assert parsed.errors == parsed.warnings == []
    spans = parsed.docs[0].spans
    assert sorted((s.label, doc.text[s.start : s.end]) for s in spans) == sorted(
        [
            ("section_paragraph", doc.text[:39]),
            ("section_paragraph", doc.text[40:]),
            ("PERSON", "Ann Lee"),
            ("GPE", "Oslo"),
            ("PERSON", "Ann Lee"),
            ("claim", doc.text[15:38]),
            ("claim", doc.text[40:54]),
        ]
    )  # the source span and the cue are the claim's, no spans of their own
    by_start = {(s.label, s.start): s for s in spans}
    assert (
        by_start["GPE", 34].kb_id == "Q585"
        and by_start["PERSON", 15].cluster == by_start["PERSON", 40].cluster == "ann"
    )
    c1, c2 = by_start["claim", 15], by_start["claim", 40]
    assert (c1.attribution, c1.checkworthy) == ({"type": "source", "source_span": (0, 9), "cue": (10, 14)}, True)
    assert (c2.attribution, c2.checkworthy) == ({"type": "source", "source_ref": by_start["PERSON", 40].key}, False)


def test_import_maps_the_labels_and_the_corpus_validates(tmp_path):
    root = new_root(tmp_path)
    code, _, err = newsspan("import", "brat", TOOLS / "brat", "--root", root, "--language", "en")
    assert code == 1 and "'Organization' (1 span)" in err and files_of(root) == {}
    args = ("--label-map", "Person=PERSON,Organization=ORG", "--label-map", "Money=MONEY", "--language", "en")
    code, _, err = newsspan("import", "brat", TOOLS / "brat", "--root", root, *args)
    assert code == 0, err
    assert (root / "corpus/news.txt").read_bytes() == (TOOLS / "brat/news.txt").read_bytes()
    assert entities(root, "news") == [
        ({"Person": "PERSON", "Organization": "ORG", "Money": "MONEY"}.get(a, a), b, c, d) for a, b, c, d in BRAT_NEWS
    ]
    assert sum(line.startswith("warning:") for line in err.splitlines()) == 5 and "annotation.conf" not in err
    assert valid(root)


def test_the_brat_tutorial_document(tmp_path):
    parsed = brat.load(samples("brat"))
    text = parsed.docs[0].text
    assert [(s.label, text[s.start : s.end]) for s in parsed.docs[0].spans] == [
        ("Organization", "Citibank"),
        ("Money", "$100 million"),
        ("Person", "Raul Salinas de Gortari"),
        ("Person", "former Mexican president"),
        ("Organization", "banks"),
        ("GPE", "Switzerland"),
    ]  # the event's trigger goes with the event
    told = " | ".join(w.headline() for w in parsed.warnings)
    assert (
        len(parsed.warnings) == 10 and parsed.errors == []
    )  # 1 event, 2 relations, 5 attributes, 1 normalisation, 1 note
    for what in BRAT_SAMPLE_UNREAD:
        assert what in told


def test_help_describes_the_format_and_offers_only_its_options():
    out = help_of("brat")
    assert all(option in out for option in ["--offsets", "--label-map"]) and not any(
        option in out for option in ["--entity-layer", "--ner-key"]
    )
    assert "offset" in out.lower()  # the description says what the offsets count
