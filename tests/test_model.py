"""The typed model and the public API: Corpus, Document, Annotation, well_formed, validate, load_dataset."""

import json
import shutil

import pytest

import newsspan
from newsspan import Annotation, Corpus, Document, Entity, Section, schema
from newsspan.model import Attribution, Claim, Span, split_of, well_formed
from newsspan.tokenize import Misaligned

from conftest import FIXTURES, REPO, seed_root

GOLD = "000_1afbb3b63b1bfa60"
TINY = FIXTURES / "valid" / "annotations" / "tiny.json"


def gold_json():
    return json.loads((REPO / "annotations" / f"{GOLD}.json").read_text(encoding="utf-8"))


def tiny() -> dict:
    return json.loads(TINY.read_text(encoding="utf-8"))


def test_every_public_name_exists_and_is_documented():
    for name in newsspan.__all__:
        obj = getattr(newsspan, name)
        assert name == "BODY_SECTIONS" or (obj.__doc__ and obj.__doc__.strip()), name


def test_a_corpus_of_the_seed_gives_one_document_equal_to_the_annotation_file(tmp_path):
    corpus = Corpus(seed_root(tmp_path))
    assert len(corpus) == 1 and corpus.ids == [GOLD] and GOLD in corpus
    (doc,) = list(corpus)
    assert isinstance(doc, Document) and doc.id == GOLD
    assert doc.text == (REPO / "corpus" / f"{GOLD}.txt").read_text(encoding="utf-8")
    assert doc.meta == json.loads((REPO / "corpus" / f"{GOLD}.meta.json").read_text(encoding="utf-8"))
    ann = gold_json()
    assert (doc.status, list(doc.annotators), doc.guidelines_version) == (
        ann["status"],
        ann["annotators"],
        ann["guidelines_version"],
    )
    # the same spans, field for field, in document order
    for layer in ("sections", "entities", "claims"):
        got = [x.to_json() for x in doc.layer(layer)]
        want = sorted(ann[layer], key=lambda x: (x["start"], x["end"], x["id"]))
        assert got == want, layer
    e = next(e for e in doc.entities if e.text == "Antony Blinken")
    assert isinstance(e, Entity) and (e.label, doc.text[e.start : e.end]) == ("PERSON", "Antony Blinken")
    assert all(isinstance(s, Section) for s in doc.sections) and doc.split == "train"
    assert [d.id for d in corpus.released()] == [GOLD]
    with pytest.raises(KeyError):
        corpus["no-such-document"]


def test_annotation_files_round_trip_byte_for_byte():
    files = [REPO / "annotations" / f"{GOLD}.json"] + sorted((FIXTURES / "valid" / "annotations").rglob("*.json"))
    for path in files:
        data = path.read_bytes()
        ann = Annotation.loads(data)
        assert ann.dumps() == data, path
        assert Annotation.from_json(ann.to_json()) == ann


def test_iob_gives_the_tags_of_the_entities_config():
    doc = Corpus(REPO)[GOLD]
    tokens, tags = doc.iob("entities")
    i = next(i for i, t in enumerate(tokens) if t.text == "Antony")
    assert [t.text for t in tokens[i : i + 2]] == ["Antony", "Blinken"] and tags[i : i + 2] == ["B-PERSON", "I-PERSON"]
    j = next(i for i, t in enumerate(tokens) if t.text == "U.S." and tokens[i + 1].text == "-")
    assert [t.text for t in tokens[j : j + 3]] == ["U.S.", "-", "China"]
    # claims: B-CLAIM on each claim's first token
    ctoks, ctags = doc.iob("claims")
    assert ctoks == tokens and ctags.count("B-CLAIM") == len(doc.claims)
    with pytest.raises(ValueError):
        doc.iob("sections")


def test_tokens_and_tags_per_section_are_the_rows_of_the_token_configs(tmp_path):
    root = seed_root(tmp_path / "seed")
    doc = Corpus(root)[GOLD]
    entities = newsspan.load_dataset("entities", root=root, split="train", cache_dir=str(tmp_path))
    claims = newsspan.load_dataset("claims", root=root, split="train", cache_dir=str(tmp_path))
    ner_names = entities.features["ner_tags"].feature.names
    claim_names = claims.features["claim_tags"].feature.names
    assert len(entities) == len(doc.sections)
    for row, crow in zip(entities, claims, strict=True):
        section = doc.section(row["section_id"])
        tokens, tags = doc.iob("entities", section)
        assert [t.text for t in tokens] == row["tokens"]
        assert [t.start for t in tokens] == row["token_starts"] and [t.end for t in tokens] == row["token_ends"]
        assert tags == [ner_names[i] for i in row["ner_tags"]]
        assert doc.iob("claims", row["section_id"])[1] == [claim_names[i] for i in crow["claim_tags"]]


def test_a_misaligned_span_raises_naming_it():
    doc = Document.of(
        "d",
        "Blinkens met Liu.",
        {},
        Annotation(
            "d",
            "0" * 64,
            ("x",),
            "1.0.0",
            "gold",
            (Section("s1", 0, 17, "Blinkens met Liu.", "paragraph"),),
            (Entity("e1", 0, 7, "Blinken", "PERSON"),),
        ),
    )
    with pytest.raises(Misaligned, match=r"e1 'Blinken'.*inside the token 'Blinkens'"):
        doc.iob()


def test_validate_lists_the_check_ids_of_a_broken_copy(tmp_path):
    root = tmp_path / "copy"
    for name in ("corpus", "annotations"):
        shutil.copytree(REPO / name, root / name)
    ann = gold_json()
    ann["entities"][0]["start"] += 1
    ann["entities"][0]["end"] += 1
    ann["entities"][1]["label"] = "Person"
    (root / "annotations" / f"{GOLD}.json").write_text(json.dumps(ann, indent=2), encoding="utf-8")
    report = newsspan.validate(root)
    assert not report.ok and isinstance(report, newsspan.Report)
    assert {p.check for p in report.errors} == {"span-text-mismatch", "schema"}
    p = next(p for p in report.errors if p.check == "span-text-mismatch")
    assert (p.path, p.document_id, p.pointer) == (f"annotations/{GOLD}.json", GOLD, "/entities/0/text")
    assert p.line and p.column and p.message and p.hint
    assert newsspan.validate(REPO).ok and newsspan.validate(REPO).errors == []


def test_the_shipped_corpus_is_the_default_root():
    assert Corpus().ids == Corpus(REPO).ids
    assert newsspan.validate().ok


def test_body_sections_come_from_the_schema():
    s = schema.load("annotation")["$defs"]
    assert tuple(s["bodySectionLabel"]["enum"]) == newsspan.BODY_SECTIONS
    assert set(newsspan.BODY_SECTIONS) <= set(s["sectionLabel"]["enum"])
    assert {"headline", "paragraph"} <= set(newsspan.BODY_SECTIONS) and "header" not in newsspan.BODY_SECTIONS


def test_a_split_is_pinned_or_stable_per_id():
    assert split_of("anything", "test") == "test"
    ids = [f"doc-{i}" for i in range(2000)]
    first = [split_of(i) for i in ids]
    assert first == [split_of(i) for i in ids]  # the same on every call (and machine: a SHA-256 of the id)
    shares = {s: first.count(s) / len(ids) for s in ("train", "validation", "test")}
    assert 0.75 < shares["train"] < 0.85 and 0.07 < shares["validation"] < 0.13 and 0.07 < shares["test"] < 0.13
    with pytest.raises(ValueError, match="unknown split 'dev'"):
        split_of("x", "dev")


# well_formed: the model of whatever a file holds -------------------------------------------------


def test_a_valid_file_is_its_whole_model_in_place():
    a = tiny()
    ann, places = well_formed(a, valid=True)
    assert ann == Annotation.from_json(a)
    assert {name: list(p) for name, p in places.items()} == {name: list(range(len(a[name]))) for name in places}
    assert set(places) == {"sections", "entities", "claims"}
    # the careful reading of a valid file gives the same model and places
    ann2, places2 = well_formed(a)
    assert ann2 == ann
    assert {name: list(p) for name, p in places2.items()} == {name: list(p) for name, p in places.items()}


def test_the_model_of_a_schema_invalid_file_keeps_the_well_formed_items_and_their_places():
    a = tiny()
    a["entities"][0]["start"] = "0"  # a string offset: left out
    a["entities"][1]["label"] = 5  # a span without a string label: kept, label None
    a["entities"].insert(2, "not a span")  # left out
    a["entities"][3]["end"] = True  # JSON true is no integer: left out (was entities[2])
    del a["claims"][0]["id"]  # kept, id None
    a["claims"][1]["attribution"]["cue"] = {"start": 72, "end": 76}  # a cue without its quote: None
    a["sections"] = {"not": "a list"}  # no places, no items
    a["document_id"] = ["tiny"]
    ann, places = well_formed(a)

    assert "sections" not in places and ann.sections == ()
    assert list(places["entities"]) == [1, 4]
    assert ann.entities == (
        Entity("e2", 19, 31, "Liu Jianchao", None, None, "liu-jianchao"),
        Entity("e4", 53, 59, "Friday", "DATE"),
    )
    assert list(places["claims"]) == [0, 1]
    c1, c2 = ann.claims
    assert c1 == Claim(None, 0, 60, a["claims"][0]["text"], Attribution("journalist"), True)
    assert c2.attribution == Attribution("source", None, Span(62, 71, "Officials"), None)
    assert ann.document_id is None and ann.text_sha256 == a["text_sha256"] and ann.status == "gold"


def test_anything_at_all_gives_a_model():
    for value in (
        None,
        [],
        "x",
        0,
        {},
        {"entities": [None, 1, [], {}]},
        {"claims": [{"start": 0, "end": 1, "text": "A", "attribution": "journalist"}]},
    ):
        ann, _ = well_formed(value)
        assert isinstance(ann, Annotation)
    assert ann.claims[0].attribution == Attribution(None)
