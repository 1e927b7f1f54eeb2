"""Prodigy / spaCy JSONL: the reader (accepted answers, token indices checked against offsets) and the writer."""

import json
import sys

import pytest

from newsspan.formats import prodigy
from newsspan.model import Document, Entity
from newsspan.tokenize import tokenize
from tool_cases import CASES, TOKENS, check, help_of, ids, jsonl, mentions, newsspan, shipped_root, written

from conftest import REPO, samples


@pytest.mark.parametrize("case", ids("prodigy"))
def test_reader(case, tmp_path):
    check(CASES["prodigy", case], tmp_path)


def test_only_accepted_answers_and_token_indices_that_disagree_with_the_offsets(tmp_path):
    span = {"start": 0, "end": 4, "token_start": 0, "token_end": 0, "label": "GPE"}
    export = jsonl(
        {"text": "Rome wins", "tokens": TOKENS[:2], "spans": [span], "answer": "reject"},
        {
            "text": "Rome wins",
            "tokens": TOKENS[:2],
            "spans": [{**span, "token_end": 1}],
            "answer": "accept",
            "_session_id": "s1",
            "meta": {"id": "doc-7"},
        },
    )
    parsed = prodigy.load(written("p.jsonl", export)(tmp_path))
    assert [w.headline() for w in parsed.warnings] == [
        "p.jsonl:1: the answer is 'reject'; only accepted tasks are imported"
    ]
    assert [e.headline() for e in parsed.errors] == [
        "p.jsonl:2 spans[0]: GPE: start/end [0, 4) disagree with tokens 0..1 (token_end is inclusive), which cover [0, 9)"
    ]
    assert [(d.name, d.annotator) for d in parsed.docs] == [("doc-7", "s1")]


def test_the_writer_gives_tokens_and_inclusive_token_ends_and_refuses_a_span_inside_a_token():
    text = "Ann Lee met Bob."
    doc = Document(
        "d1",
        text,
        status="gold",
        entities=(Entity("e1", 0, 7, "Ann Lee", "PERSON"), Entity("e2", 12, 15, "Bob", "PERSON")),
    )
    task = json.loads(prodigy.export([doc])[""])
    assert [(t["text"], t["ws"]) for t in task["tokens"]] == [
        ("Ann", True),
        ("Lee", True),
        ("met", True),
        ("Bob", False),
        (".", False),
    ]
    assert [(s["token_start"], s["token_end"], s["label"]) for s in task["spans"]] == [
        (0, 1, "PERSON"),
        (3, 3, "PERSON"),
    ]
    assert task["meta"] == {"id": "d1", "status": "gold"} and task["answer"] == "accept"
    with pytest.raises(prodigy.FormatError, match=r"d1: entity e1 'Ann L' .* inside the token 'Lee'"):
        prodigy.export([Document("d1", text, entities=(Entity("e1", 0, 5, "Ann L", "PERSON"),))])


def test_the_prodigy_sample():
    [doc] = prodigy.load(samples("spacy/prodigy_ner_manual_sample.jsonl")).docs
    assert [(s.label, doc.text[s.start : s.end]) for s in doc.spans] == [("FASHION_BRAND", "SLP")]


def test_export_spacy_writes_a_docbin_that_spacy_reads_back(tmp_path):
    spacy = pytest.importorskip("spacy", reason="the [spacy] extra is not installed (pip install -e '.[spacy]')")
    shipped, out = shipped_root(tmp_path), tmp_path / "train.spacy"
    code, _, err = newsspan("export", "spacy", "--root", shipped, "--out", out)
    assert code == 0, err
    from spacy.tokens import DocBin

    [doc] = DocBin().from_disk(out).get_docs(spacy.blank("xx").vocab)
    doc_id = doc.user_data["id"]
    text = (REPO / f"corpus/{doc_id}.txt").read_text(encoding="utf-8")
    assert doc.text == text and [t.text for t in doc if not t.is_space] == [t.text for t in tokenize(text)]
    ents = [(e.label_, e.start_char, e.end_char, e.text, e.kb_id_ or None) for e in doc.ents]
    assert ents == mentions(shipped)[doc_id] and len(ents) == 52


def test_export_spacy_without_spacy_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "spacy.tokens", None)  # as if spaCy were not installed
    out = tmp_path / "train.spacy"
    code, _, err = newsspan("export", "spacy", "--root", shipped_root(tmp_path), "--out", out)
    assert code == 1 and "spaCy is not installed: pip install 'newsspan[spacy]'" in err and not out.exists()


def test_help_describes_the_format_and_offers_only_its_options():
    out = help_of("prodigy")
    assert all(option in out for option in ["--offsets", "--align"]) and not any(
        option in out for option in ["--entity-layer", "--ner-key"]
    )
    assert "offset" in out.lower()  # the description says what the offsets count
