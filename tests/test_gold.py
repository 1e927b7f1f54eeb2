"""The gold annotation of the first article: it validates, and its spans say what the guidelines say."""

import json

import pytest

from newsspan import schema
from newsspan.validator import validate_root

from conftest import REPO

DOC = "000_1afbb3b63b1bfa60"


@pytest.fixture(scope="module")
def gold():
    ann = json.loads((REPO / "annotations" / f"{DOC}.json").read_text(encoding="utf-8"))
    text = (REPO / "corpus" / f"{DOC}.txt").read_text(encoding="utf-8")
    return ann, text


def test_gold_validates_without_warnings():
    report = validate_root(REPO, [DOC])
    assert report.problems == []


def test_status_and_guidelines(gold):
    ann, _ = gold
    assert ann["status"] == "gold"
    guidelines = (REPO / "docs" / "guidelines.md").read_text(encoding="utf-8")
    assert f"Version **{ann['guidelines_version']}**" in guidelines


def spans(ann, layer, quote):
    return [s for s in ann[layer] if s["text"] == quote]


def test_handful_of_spans(gold):
    ann, text = gold
    for layer in ("sections", "entities", "claims"):
        for s in ann[layer]:
            assert text[s["start"] : s["end"]] == s["text"]
    assert {s["label"] for s in spans(ann, "entities", "Antony Blinken")} == {"PERSON"}
    assert {s["label"] for s in spans(ann, "entities", "Washington, DC")} == {"GPE"}
    assert spans(ann, "entities", "State Department") and not spans(ann, "entities", "the State Department")
    assert {s["label"] for s in spans(ann, "entities", "a recent Friday")} == {"DATE"}
    # "U.S.-China" holds two GPE mentions, adjacent to the hyphen
    i = text.index("U.S.-China")
    assert any(e["start"] == i and e["end"] == i + 4 and e["label"] == "GPE" for e in ann["entities"])
    assert any(e["start"] == i + 5 and e["end"] == i + 10 and e["label"] == "GPE" for e in ann["entities"])
    # the header and topic line are annotated too
    header = next(s for s in ann["sections"] if s["label"] == "header")
    assert header["text"] == "date 2024-01-12 en English"
    assert any(e["text"] == "2024-01-12" and e["label"] == "DATE" for e in ann["entities"])
    # possessives stay outside: "Taiwan’s" is the GPE "Taiwan"
    assert not any(e["text"].endswith("’s") for e in ann["entities"])


def test_layers_are_complete(gold):
    ann, text = gold
    section_labels = {s["label"] for s in ann["sections"]}
    assert {
        "header",
        "topic",
        "byline",
        "dateline",
        "headline",
        "heading",
        "paragraph",
        "author_bio",
        "boilerplate",
    } <= section_labels
    assert {e["label"] for e in ann["entities"]} <= set(schema.entity_labels())
    assert len(ann["entities"]) >= 50 and len(ann["claims"]) >= 8
    assert all(isinstance(c["checkworthy"], bool) for c in ann["claims"])
    # every mention of the main actors is annotated
    for name in ("Taiwan", "Blinken", "Ray Dalio", "Bridgewater Associates", "Treasury Department"):
        pos = text.find(name)
        while pos >= 0:
            assert any(e["start"] <= pos and pos + len(name) <= e["end"] for e in ann["entities"]), (
                f"{name} at {pos} is not annotated"
            )
            pos = text.find(name, pos + 1)
